// Making a job folder and submitting it: the plan is checked whole, the
// folder written (snapshot, manifest, results/ and logs/), then the batch
// script written and submitted; the scheduler's job id goes into the
// manifest. A submission that fails leaves the folder as it is, with the
// error: nothing is lost, and `quench resubmit` submits it later.
import fs from 'node:fs';
import path from 'node:path';
import { JOB_FORMAT, JOB_VERSION, SAFE_ID, type JobManifest, type JobResources } from '../../src-shared/jobs/manifest';
import { planJob, type JobRequest } from '../../src-shared/jobs/plan';
import { serializeProject, type Project } from '../../src-shared/project/schema';
import { withOverrides } from '../../src-shared/project/sweep';
import { experimentProblems } from '../../src-shared/workloads/experiment-circuit';
import { packageRoot } from '../native/addon';
import { writeFileAtomic } from '../files';
import { loadProject } from '../project/store';
import { UsageError } from '../errors';
import type { Scheduler } from '../scheduler';
import { jobPaths, openJob, writeManifest } from './folder';
import { jobStatus } from './status';

export interface CreateJobOptions {
  request: JobRequest;
  resources: JobResources;
  /** The job's name (default from what it runs: 'qgan-sweep', 'vqe-x8', 'bench-gates'). */
  name?: string;
  /** The folder that holds job folders (default: <project>.jobs beside the project file). */
  jobsDir?: string;
  /** For tests: the time in the folder's name. */
  now?: Date;
}

/** '<name>-20260103-120000' from a time (UTC, to the second). */
function stamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
}

function defaultName(req: JobRequest, project: Project): string {
  switch (req.kind) {
    case 'sweep':
      return `${project.sweeps.find((s) => s.id === req.sweepId)?.experimentId ?? 'sweep'}-sweep`;
    case 'experiment':
      return (req.repeats ?? 1) > 1 ? `${req.experimentId}-x${req.repeats}` : req.experimentId;
    case 'bench-gates':
      return 'bench-gates';
  }
}

/** The folder job folders go in by default: 'my.quench.json' → 'my.jobs' beside it. */
export function defaultJobsDir(projectFile: string): string {
  const abs = path.resolve(projectFile);
  return path.join(path.dirname(abs), `${path.basename(abs).replace(/\.quench\.json$|\.json$/, '')}.jobs`);
}

/** Plans the job and writes its folder (nothing is submitted yet). */
export function createJob(projectFile: string, opts: CreateJobOptions, scheduler: Scheduler): { dir: string; manifest: JobManifest } {
  const file = path.resolve(projectFile);
  const project = loadProject(file);
  scheduler.checkResources(opts.resources);
  if (opts.name !== undefined && !(SAFE_ID.test(opts.name) && opts.name.length <= 40)) throw new UsageError(`--name '${opts.name}': a job name is 1–40 letters, digits, _ . -`);
  // The default comes from ids (experiment ids allow the same characters); cut to leave room for the time in the folder's name.
  const name = opts.name ?? (defaultName(opts.request, project).replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 40) || 'job');
  const jobsDir = path.resolve(opts.jobsDir ?? defaultJobsDir(file));
  const when = opts.now ?? new Date();
  let id = `${name}-${stamp(when)}`;
  for (let n = 2; fs.existsSync(path.join(jobsDir, id)); n++) id = `${name}-${stamp(when)}-${n}`;
  const { work, items } = planJob(project, opts.request, id, file);
  // What the schema cannot check (latent ≤ 2 × modes, a Pauli sum that parses, …), per work item,
  // before anything is written: a node would only fail on it later.
  for (const item of items) {
    if (!item.experimentId) continue;
    const e = withOverrides(project.experiments.find((x) => x.id === item.experimentId)!, item.overrides);
    const problems = experimentProblems(e);
    if (problems.length) throw new UsageError(`${item.label ? `${item.label} of ` : ''}experiment '${e.id}': ${problems.map((p) => p.message).join('; ')}`);
  }
  const manifest: JobManifest = {
    format: JOB_FORMAT, version: JOB_VERSION, id, name, createdAt: when.toISOString(), projectFile: file,
    quenchBin: path.join(packageRoot(), 'bin', 'quench.js'),
    work, resources: opts.resources, items, submissions: [],
  };
  const dir = path.join(jobsDir, id);
  // The script needs the folder's path on #SBATCH lines: refuse one it cannot carry before writing anything.
  scheduler.script(manifest, dir, [items[0].index]);
  const p = jobPaths(dir);
  fs.mkdirSync(p.results, { recursive: true });
  fs.mkdirSync(p.logs, { recursive: true });
  // The experiments as they are now, without the project's results: a thousand tasks each load it.
  writeFileAtomic(p.snapshot, serializeProject({ ...project, runs: [], sweeps: [], benchmarks: [] }));
  writeManifest(dir, manifest);
  return { dir, manifest };
}

export interface SubmitOutcome {
  dir: string;
  manifest: JobManifest;
  /** The batch script's file and text. */
  scriptFile: string;
  script: string;
  indices: number[];
  /** The scheduler's job id; absent for a dry run. */
  jobId?: string;
}

/**
 * Writes the script for these items and, unless a dry run, submits it and records the submission.
 * `resources` changes what the job asks for from now on (a longer --time for items that ran out of it).
 */
export async function submitItems(jobDir: string, indices: number[], scheduler: Scheduler, dryRun = false, resources?: Partial<JobResources>): Promise<SubmitOutcome> {
  const { dir, manifest } = openJob(jobDir);
  if (resources && Object.keys(resources).length) {
    manifest.resources = { ...manifest.resources, ...resources };
    scheduler.checkResources(manifest.resources);
  }
  const n = manifest.submissions.length;
  const scriptName = n === 0 ? 'submit.sbatch' : `resubmit-${n}.sbatch`;
  const script = scheduler.script(manifest, dir, indices);
  const scriptFile = path.join(dir, scriptName);
  writeFileAtomic(scriptFile, script);
  fs.chmodSync(scriptFile, 0o755);
  if (dryRun) return { dir, manifest, scriptFile, script, indices };
  const jobId = await scheduler.submit(scriptFile);
  // Read again: the manifest gains this submission and keeps everything else as it is on disk.
  const current = openJob(dir).manifest;
  current.resources = manifest.resources;
  current.submissions.push({ scheduler: scheduler.name, jobId, submittedAt: new Date().toISOString(), script: scriptName, indices: [...indices].sort((a, b) => a - b) });
  writeManifest(dir, current);
  return { dir, manifest: current, scriptFile, script, indices, jobId };
}

/**
 * The items to submit again: those that failed or went missing (all, or the
 * ones named). An item that is done, queued or running is not resubmitted:
 * naming one is an error that says its state.
 */
export async function itemsToResubmit(jobDir: string, scheduler: Scheduler, only?: string[]): Promise<number[]> {
  const status = await jobStatus(jobDir, scheduler);
  const again = status.items.filter((it) => it.state === 'failed' || it.state === 'missing');
  if (!only?.length) return again.map((it) => it.index);
  const indices: number[] = [];
  for (const ref of only) {
    const it = status.items.find((x) => x.id === ref || String(x.index) === ref);
    if (!it) throw new UsageError(`job ${status.id} has no work item '${ref}' (its items: ${status.items[0].id} … ${status.items[status.items.length - 1].id})`);
    if (it.state !== 'failed' && it.state !== 'missing')
      throw new UsageError(`work item ${it.id} is ${it.state}${it.state === 'done' ? ` (its result is in results/${it.id}.json; quench run-item ${status.jobDir} --work-item ${it.id} --force runs it again)` : ': its task is still in the queue'}; only failed or missing items are resubmitted`);
    indices.push(it.index);
  }
  return [...new Set(indices)];
}
