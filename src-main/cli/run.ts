// `quench run FILE`: run a project's experiments headless and store the runs
// in the file (atomically, after each run, so an interrupted batch keeps
// what finished). Each run is appended under the file's lock to the file as
// it is then, so a workbench or another `quench run` on the same file loses
// nothing and is not overwritten.
import path from 'node:path';
import { keyMetricsOf, metricContext } from '../../src-shared/analysis/metrics';
import { metricRows } from '../../src-shared/analysis/run-details';
import type { Project, Run } from '../../src-shared/project/schema';
import { runExperiment } from '../engine/run-experiment';
import { now } from '../../src-shared/workloads/timing';
import { withFileLock } from '../project/lock';
import { newId } from '../project/results';
import { loadProject, saveProjectAtomic } from '../project/store';
import { UsageError } from '../errors';

export interface RunOptions {
  experiment?: string[];
  json?: boolean;
  save?: boolean;
}

export async function runProjectFile(file: string, opts: RunOptions): Promise<number> {
  const project: Project = loadProject(file);
  const wanted = opts.experiment ?? project.experiments.map((e) => e.id);
  for (const id of wanted)
    if (!project.experiments.some((e) => e.id === id)) throw new UsageError(`${file} has no experiment '${id}' (it has: ${project.experiments.map((e) => e.id).join(', ')})`);
  const runs: Run[] = [];
  let failures = 0;
  for (const id of wanted) {
    const experiment = project.experiments.find((e) => e.id === id)!;
    const startedAt = new Date().toISOString();
    const t0 = now();
    let run: Run;
    try {
      const result = await runExperiment(experiment, path.dirname(path.resolve(file)));
      run = { id: newId(id), experimentId: id, startedAt, durationMs: now() - t0, status: 'completed', settings: experiment.settings, result: result as Run['result'] };
    } catch (e) {
      failures++;
      run = { id: newId(id), experimentId: id, startedAt, durationMs: now() - t0, status: 'failed', settings: experiment.settings, error: (e as Error).message };
    }
    runs.push(run);
    if (!opts.json) process.stderr.write(`${run.status === 'completed' ? '✓' : '✗'} ${id} (${(run.durationMs / 1000).toFixed(2)} s)${run.error ? `: ${run.error}` : ''}\n`);
    if (opts.save !== false) {
      try {
        await appendRun(file, run, experiment, `quench run ${path.basename(file)} --experiment ${id}`);
      } catch (e) {
        // the run is not lost: it is printed for the user to keep
        failures++;
        process.stderr.write(`quench: could not store the run of '${id}' in ${file}: ${(e as Error).message}\n`);
        if (!opts.json) process.stdout.write(JSON.stringify(run) + '\n');
      }
    }
  }
  if (opts.json) process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
  else for (const r of runs.filter((r) => r.result)) process.stdout.write(runSummary(r).join('\n') + '\n');
  return failures ? 1 : 0;
}

/**
 * A run's key figures for the terminal, as the workbench shows them: its
 * kind's headline speed and quality first, labels in words, values in their
 * units with their 95% CI where measured ('Time per iteration  2.06 ms  (95% CI
 * 2.00 ms – 2.10 ms)'). `--json` keeps the raw keys.
 */
export function runSummary(run: Run, n = 4): string[] {
  const r = run.result;
  if (!r) return [`${run.experimentId}: ${run.status}`];
  const ctx = metricContext(r);
  const rows = [...metricRows(r.metrics, ctx), ...metricRows(r.quality, ctx)];
  const keys = keyMetricsOf(r.kind, r.metrics, r.quality, n).map((k) => k.key);
  const picked = keys.map((k) => rows.find((x) => x.key === k)).filter((x): x is (typeof rows)[number] => !!x);
  const width = Math.max(0, ...picked.map((x) => x.label.length));
  const valueWidth = Math.max(0, ...picked.map((x) => x.value.length));
  return [`${run.experimentId}:`, ...picked.map((x) => `  ${x.label.padEnd(width)}  ${x.value.padStart(valueWidth)}${x.spread ? `  (${x.spread})` : ''}`)];
}

/** Under the file's lock: read the file as it is now (edits and runs made meanwhile, e.g. by the workbench, are kept), append, write. */
export async function appendRun(file: string, run: Run, experiment: Project['experiments'][number], command: string): Promise<void> {
  await withFileLock(
    file,
    () => {
      const current = loadProject(file);
      // the experiment was removed meanwhile: the run brings it back as it ran (a run needs its experiment)
      if (!current.experiments.some((e) => e.id === run.experimentId)) current.experiments.push(experiment);
      current.runs.push(run);
      saveProjectAtomic(file, current);
    },
    { command },
  );
}
