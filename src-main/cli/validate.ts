// `quench validate FILE --experiment ID [--trials N] [--json] [--no-save]`:
// the quantum model against its classical baselines over seeded trials on
// shared splits, decided by paired and Welch t-tests (see
// src-shared/workloads/validation). ID may name a validation experiment, or
// a QNN or QSVM experiment: then it is validated as configured, and the
// validation is added to the project as an experiment of its own.
import path from 'node:path';
import type { Experiment, Run } from '../../src-shared/project/schema';
import { validationOf } from '../../src-shared/workloads/validation/model';
import { formatValidation, type ValidationReport } from '../../src-shared/workloads/validation/report';
import { now } from '../../src-shared/workloads/timing';
import { makeProgress } from '../bench/progress';
import { runExperiment } from '../engine/run-experiment';
import { newId } from '../project/results';
import { loadProject } from '../project/store';
import { UsageError } from '../errors';
import { appendRun } from './run';

export interface ValidateOptions {
  experiment: string;
  trials?: number;
  json?: boolean;
  save?: boolean;
}

export async function runValidate(file: string, opts: ValidateOptions): Promise<number> {
  const project = loadProject(file);
  const e = project.experiments.find((x) => x.id === opts.experiment);
  if (!e) throw new UsageError(`${file} has no experiment '${opts.experiment}' (it has: ${project.experiments.map((x) => x.id).join(', ')})`);
  if (e.kind !== 'qnn' && e.kind !== 'qsvm' && e.kind !== 'validation')
    throw new UsageError(`experiment '${e.id}' is a ${e.kind} experiment; a validation compares a classifier (qnn, qsvm, or a validation experiment) with classical baselines`);
  const validation: Experiment = validationOf(e, opts.trials);
  const trials = validation.params.trials ?? 10;
  const progress = makeProgress(trials, !opts.json);
  const startedAt = new Date().toISOString();
  const t0 = now();
  const result = await runExperiment(validation, path.dirname(path.resolve(file)), (p) => {
    if (p.point) progress.step(`trial done: quantum test accuracy ${(100 * p.point.y).toFixed(1)}%`);
  });
  progress.stop();
  const report = result.details.validation as ValidationReport;
  const run: Run = { id: newId(validation.id), experimentId: validation.id, startedAt, durationMs: now() - t0, status: 'completed', settings: validation.settings, result: result as Run['result'] };
  if (opts.save !== false) await appendRun(file, run, validation, `quench validate ${path.basename(file)} --experiment ${opts.experiment}`);
  process.stdout.write(opts.json ? JSON.stringify({ experiment: validation, runId: run.id, report }, null, 2) + '\n' : formatValidation(report) + '\n');
  if (!opts.json && opts.save !== false) process.stderr.write(`quench: stored as run ${run.id} of experiment '${validation.id}' in ${file}\n`);
  return 0;
}
