// One Work item of a job, run where it lands (a compute node's array task, or
// by hand): the experiment from the job's snapshot with the item's grid point,
// or the gates benchmark. The result goes to results/<item>.json, the failure
// to results/<item>.error.json, each atomically and each only this item's.
// Idempotent: a finished item is kept, not redone, unless forced; what a
// re-run replaces (an old error record, a corrupt or forced-over result) is
// moved to results/attempts/, never deleted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ERROR_FORMAT, JOB_VERSION, RESULT_FORMAT, runIdFor, sweepIdOf,
  type ItemError, type ItemResult, type JobManifest, type NodeFingerprint, type WorkItem,
} from '../../src-shared/jobs/manifest';
import { Benchmark, Run } from '../../src-shared/project/schema';
import { withOverrides } from '../../src-shared/project/sweep';
import { now } from '../../src-shared/workloads/timing';
import { benchGates, benchGatesWebGpu } from '../bench/gates';
import { runExperiment } from '../engine/run-experiment';
import { collectInfo } from '../engine/machine-info';
import { writeFileAtomic } from '../files';
import { loadProject } from '../project/store';
import type { Scheduler } from '../scheduler';
import { findItem, jobPaths, openJob, readItemFiles } from './folder';

export interface RunItemOptions {
  /** Run it again even when its result is there (the old result is kept under results/attempts/). */
  force?: boolean;
  /** Tells which task of which job this process is (its ids go into the result). */
  scheduler?: Scheduler;
}

export interface RunItemOutcome {
  state: 'done' | 'already-done' | 'failed';
  item: WorkItem;
  /** The file written (or found). */
  file: string;
  durationMs?: number;
  error?: string;
  /** Files moved to results/attempts/ before the run. */
  keptAside: string[];
}

/** This node as a result records it: name, CPU, ISA, cores, memory, and the scheduler's task. */
export function nodeFingerprint(scheduler?: Scheduler): NodeFingerprint {
  const task = scheduler?.taskFromEnv(process.env) ?? undefined;
  const base: NodeFingerprint = { host: os.hostname(), memoryBytes: os.totalmem(), ...(task ? { slurm: task } : {}) };
  try {
    const info = collectInfo();
    return { ...base, cpu: info.cpu.model, isa: info.isa.inUse, logicalCores: info.cpu.logicalCores };
  } catch {
    // the addon does not load here: the error record still says where, and the run's own error says why
    return { ...base, cpu: os.cpus()[0]?.model, logicalCores: os.cpus().length };
  }
}

function keepAside(dir: string, file: string, itemId: string, what: string): string {
  const attempts = jobPaths(dir).attempts;
  fs.mkdirSync(attempts, { recursive: true });
  const dest = path.join(attempts, `${itemId}.${Date.now()}.${what}.json`);
  fs.renameSync(file, dest);
  return dest;
}

export async function runWorkItem(jobDir: string, ref: string, opts: RunItemOptions = {}): Promise<RunItemOutcome> {
  const { dir, manifest } = openJob(jobDir);
  const item = findItem(manifest, ref);
  const p = jobPaths(dir);
  const resultFile = p.result(item.id), errorFile = p.error(item.id);
  fs.mkdirSync(p.results, { recursive: true });
  const keptAside: string[] = [];

  const found = readItemFiles(dir, item);
  if (found.result && !opts.force) return { state: 'already-done', item, file: resultFile, keptAside };
  if (fs.existsSync(resultFile)) keptAside.push(keepAside(dir, resultFile, item.id, found.result ? 'result' : 'corrupt'));
  if (fs.existsSync(errorFile)) keptAside.push(keepAside(dir, errorFile, item.id, 'error'));

  const node = nodeFingerprint(opts.scheduler);
  const startedAt = new Date().toISOString();
  const t0 = now();
  try {
    const record = await runRecord(dir, manifest, item, node, startedAt, t0);
    const result: ItemResult = { format: RESULT_FORMAT, version: JOB_VERSION, jobId: manifest.id, itemId: item.id, index: item.index, finishedAt: new Date().toISOString(), node, ...record };
    writeFileAtomic(resultFile, JSON.stringify(result, null, 2) + '\n');
    return { state: 'done', item, file: resultFile, durationMs: now() - t0, keptAside };
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    const record: ItemError = { format: ERROR_FORMAT, version: JOB_VERSION, jobId: manifest.id, itemId: item.id, index: item.index, message: message.slice(0, 100_000), time: new Date().toISOString(), node };
    writeFileAtomic(errorFile, JSON.stringify(record, null, 2) + '\n');
    return { state: 'failed', item, file: errorFile, durationMs: now() - t0, error: message, keptAside };
  }
}

/** The record the item adds to the project: a Run (experiments, sweeps) or a Benchmark (the gates benchmark). */
async function runRecord(dir: string, manifest: JobManifest, item: WorkItem, node: NodeFingerprint, startedAt: string, t0: number): Promise<Pick<ItemResult, 'run' | 'benchmark'>> {
  const where = { host: node.host, ...(node.memoryBytes ? { memoryBytes: node.memoryBytes } : {}), ...(node.slurm ? { slurm: node.slurm } : {}) };
  const id = runIdFor(manifest.id, item.id);
  const work = manifest.work;
  if (work.kind === 'bench-gates') {
    const opts = { ...work.options, json: true };
    const report = work.options.backend === 'webgpu' ? await benchGatesWebGpu(opts) : await benchGates(opts);
    const benchmark = { id, startedAt, durationMs: now() - t0, status: 'completed', options: work.options, result: { ...report, env: { ...report.env, ...where } } };
    const checked = Benchmark.safeParse(benchmark);
    if (!checked.success) throw new Error(`the benchmark's report did not have the expected shape: ${checked.error.issues[0].message}`);
    return { benchmark: checked.data };
  }
  const project = loadProject(jobPaths(dir).snapshot);
  const base = project.experiments.find((e) => e.id === item.experimentId);
  if (!base) throw new Error(`the job's snapshot (${jobPaths(dir).snapshot}) has no experiment '${item.experimentId}'`);
  const experiment = withOverrides(base, item.overrides, `work item ${item.id}`);
  // Relative paths in the experiment (CSV datasets) are the project file's, as when it runs there.
  const result = await runExperiment(experiment, path.dirname(manifest.projectFile));
  const run = {
    id, experimentId: experiment.id, startedAt, durationMs: now() - t0, status: 'completed', settings: experiment.settings,
    ...(item.overrides && Object.keys(item.overrides).length ? { overrides: item.overrides } : {}),
    ...(work.kind === 'sweep' ? { sweepId: sweepIdOf(work) } : {}),
    ...(item.repetition ? { repetition: item.repetition } : {}),
    result: { ...result, env: { ...result.env, ...where } },
  };
  const checked = Run.safeParse(run);
  if (!checked.success) throw new Error(`the run's result did not have the expected shape: ${checked.error.issues[0].path.join('.')}: ${checked.error.issues[0].message}`);
  return { run: checked.data };
}
