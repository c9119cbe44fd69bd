// `quench run FILE`: run a project's experiments headless and store the runs
// in the file (atomically, after each run, so an interrupted batch keeps
// what finished).
import path from 'node:path';
import type { Project, Run } from '../../src-shared/project/schema';
import { runExperiment } from '../engine/run-experiment';
import { now } from '../../src-shared/workloads/timing';
import { loadProject, saveProjectAtomic } from '../project/store';
import { UsageError } from './errors';

export interface RunOptions {
  experiment?: string[];
  json?: boolean;
  save?: boolean;
}

export async function runProjectFile(file: string, opts: RunOptions): Promise<number> {
  let project: Project = loadProject(file);
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
      run = { id: `${id}-${Date.now().toString(36)}`, experimentId: id, startedAt, durationMs: now() - t0, status: 'completed', settings: experiment.settings, result: result as Run['result'] };
    } catch (e) {
      failures++;
      run = { id: `${id}-${Date.now().toString(36)}`, experimentId: id, startedAt, durationMs: now() - t0, status: 'failed', settings: experiment.settings, error: (e as Error).message };
    }
    runs.push(run);
    if (!opts.json) process.stderr.write(`${run.status === 'completed' ? '✓' : '✗'} ${id} (${(run.durationMs / 1000).toFixed(2)} s)${run.error ? `: ${run.error}` : ''}\n`);
    if (opts.save !== false) {
      // re-read so edits made meanwhile (e.g. by the workbench) are kept
      project = loadProject(file);
      project.runs.push(run);
      saveProjectAtomic(file, project);
    }
  }
  if (opts.json) process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
  else for (const r of runs.filter((r) => r.result)) process.stdout.write(`${r.experimentId}: ${Object.entries(r.result!.metrics).slice(0, 4).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ')}\n`);
  return failures ? 1 : 0;
}
