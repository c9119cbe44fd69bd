// The job commands: `quench submit` (a job folder, submitted to Slurm),
// `resubmit`, `run-item` (what each array task runs), `status`, `collect`
// and `cancel`. The work is in src-main/jobs; this module reads options and
// prints.
import path from 'node:path';
import type { ItemStatus, JobStatus } from '../../src-shared/jobs/manifest';
import { BenchmarkRequest } from '../../src-shared/project/schema';
import type { JobRequest } from '../../src-shared/jobs/plan';
import { JobPlanError } from '../../src-shared/jobs/plan';
import { UsageError } from '../errors';
import { schedulerFor, type Scheduler } from '../scheduler';
import { findItem, openJob } from '../jobs/folder';
import { createJob, itemsToResubmit, submitItems } from '../jobs/submit';
import { runWorkItem } from '../jobs/run-item';
import { jobStatus, lastSubmission } from '../jobs/status';
import { collectJob } from '../jobs/collect';

export interface SubmitOptions {
  sweep?: string;
  experiment?: string;
  bench?: string;
  repeats?: number;
  qubits?: number[];
  slurm?: boolean;
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  arrayMax?: number;
  exclusive?: boolean;
  setup?: string[];
  name?: string;
  jobsDir?: string;
  dryRun?: boolean;
  json?: boolean;
}

function requestOf(o: SubmitOptions): JobRequest {
  const chosen = [o.sweep !== undefined && '--sweep', o.experiment !== undefined && '--experiment', o.bench !== undefined && '--bench'].filter(Boolean);
  if (chosen.length !== 1) throw new UsageError(chosen.length ? `give one of ${chosen.join(', ')}, not several: a job runs one thing` : 'say what to run: --sweep ID, --experiment ID [--repeats N], or --bench gates');
  if (o.qubits && o.bench === undefined) throw new UsageError('--qubits is for --bench gates');
  if (o.sweep !== undefined) {
    if (o.repeats !== undefined) throw new UsageError('--repeats is for --experiment (each repetition a work item) and --bench (runs on nodes); a sweep runs each grid point once');
    return { kind: 'sweep', sweepId: o.sweep };
  }
  if (o.experiment !== undefined) return { kind: 'experiment', experimentId: o.experiment, repeats: o.repeats ?? 1 };
  if (o.bench !== 'gates') throw new UsageError(`--bench '${o.bench}': the benchmark a job runs is 'gates' (quench bench gates on each node)`);
  const parsed = BenchmarkRequest.safeParse(o.qubits ? { qubits: o.qubits } : {});
  if (!parsed.success) throw new UsageError(`--qubits: ${parsed.error.issues[0].message}`);
  return { kind: 'bench-gates', options: parsed.data, runs: o.repeats ?? 1 };
}

function scheduler(o: { slurm?: boolean }): Scheduler {
  if (!o.slurm) throw new UsageError('say where the job runs: --slurm (Slurm is the scheduler Quench submits to)');
  return schedulerFor('slurm');
}

export async function runSubmit(file: string, o: SubmitOptions): Promise<number> {
  const request = requestOf(o);
  const sched = scheduler(o);
  // A benchmark measures the machine: the node to itself, unless asked otherwise.
  const exclusive = o.exclusive ?? request.kind === 'bench-gates';
  const resources = {
    cpusPerTask: o.cpusPerTask ?? 1, setup: o.setup ?? [],
    ...(o.partition !== undefined ? { partition: o.partition } : {}), ...(o.time !== undefined ? { time: o.time } : {}), ...(o.mem !== undefined ? { mem: o.mem } : {}),
    ...(o.arrayMax !== undefined ? { arrayMax: o.arrayMax } : {}), ...(exclusive ? { exclusive } : {}),
  };
  let created;
  try {
    created = createJob(file, { request, resources, name: o.name, jobsDir: o.jobsDir }, sched);
  } catch (e) {
    if (e instanceof JobPlanError) throw new UsageError(e.message);
    throw e;
  }
  const { dir, manifest } = created;
  const indices = manifest.items.map((it) => it.index);
  let out;
  try {
    out = await submitItems(dir, indices, sched, o.dryRun);
  } catch (e) {
    throw Object.assign(e as Error, { message: `${(e as Error).message}\nThe job folder is kept: ${dir} (quench resubmit ${dir} submits it)` });
  }
  if (o.json) {
    process.stdout.write(JSON.stringify({ jobDir: dir, id: manifest.id, items: manifest.items.length, script: out.scriptFile, ...(out.jobId ? { jobId: out.jobId } : { dryRun: true }) }, null, 2) + '\n');
    return 0;
  }
  if (o.dryRun) {
    process.stderr.write(`Job folder: ${dir}\n${manifest.items.length} work items; not submitted (--dry-run). The script, ${path.basename(out.scriptFile)}:\n`);
    process.stdout.write(out.script);
    return 0;
  }
  const first = manifest.items[0], last = manifest.items[manifest.items.length - 1];
  process.stderr.write(`Job folder: ${dir}\n${manifest.items.length} work item(s): ${first === last ? first.label : `${first.label} … ${last.label}`}\n`);
  process.stderr.write(`Follow it:  quench status ${dir}\nCollect:    quench collect ${dir}\n`);
  process.stdout.write(`Submitted Slurm job ${out.jobId}\n`);
  return 0;
}

export interface ResubmitOptions {
  items?: string[];
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  arrayMax?: number;
  dryRun?: boolean;
  json?: boolean;
}

export async function runResubmit(jobDir: string, o: ResubmitOptions): Promise<number> {
  const sched = schedulerFor('slurm'); // the only one; a job folder records which it was submitted to
  const indices = await itemsToResubmit(jobDir, sched, o.items);
  const resources = {
    ...(o.partition !== undefined ? { partition: o.partition } : {}), ...(o.time !== undefined ? { time: o.time } : {}), ...(o.mem !== undefined ? { mem: o.mem } : {}),
    ...(o.cpusPerTask !== undefined ? { cpusPerTask: o.cpusPerTask } : {}), ...(o.arrayMax !== undefined ? { arrayMax: o.arrayMax } : {}),
  };
  if (indices.length === 0) {
    const msg = 'nothing to resubmit: no work item failed or went missing';
    if (o.json) process.stdout.write(JSON.stringify({ jobDir: openJob(jobDir).dir, resubmitted: [] }, null, 2) + '\n');
    else process.stderr.write(`${msg}\n`);
    return 0;
  }
  const out = await submitItems(jobDir, indices, sched, o.dryRun, resources);
  const ids = out.manifest.items.filter((it) => indices.includes(it.index)).map((it) => it.id);
  if (o.json) process.stdout.write(JSON.stringify({ jobDir: out.dir, resubmitted: ids, script: out.scriptFile, ...(out.jobId ? { jobId: out.jobId } : { dryRun: true }) }, null, 2) + '\n');
  else if (o.dryRun) process.stdout.write(out.script);
  else process.stdout.write(`Resubmitted ${ids.length} work item(s) (${ids.join(', ')}) as Slurm job ${out.jobId}\n`);
  return 0;
}

export async function runRunItem(jobDir: string, o: { workItem: string; force?: boolean; json?: boolean }): Promise<number> {
  const out = await runWorkItem(jobDir, o.workItem, { force: o.force, scheduler: schedulerFor('slurm') });
  const it = out.item;
  if (o.json) process.stdout.write(JSON.stringify({ item: it.id, index: it.index, state: out.state, file: out.file, ...(out.error ? { error: out.error } : {}), keptAside: out.keptAside }, null, 2) + '\n');
  else {
    for (const f of out.keptAside) process.stderr.write(`kept the earlier file as ${f}\n`);
    if (out.state === 'already-done') process.stdout.write(`${it.id} (${it.label}) is already done: ${out.file} (--force runs it again)\n`);
    else if (out.state === 'done') process.stdout.write(`✓ ${it.id} (${it.label}) ${(out.durationMs! / 1000).toFixed(2)} s → ${out.file}\n`);
    else process.stderr.write(`✗ ${it.id} (${it.label}): ${out.error}\n  recorded in ${out.file}\n`);
  }
  return out.state === 'failed' ? 1 : 0;
}

function itemLine(it: ItemStatus): string {
  const where = it.host ? ` on ${it.host}` : '';
  const task = it.taskId ? ` [${it.taskId} ${it.schedulerState}]` : '';
  const why = it.error ? `: ${it.error}` : '';
  return `  ${it.id.padEnd(12)} ${it.state.padEnd(8)} ${it.label}${where}${task}${why}`;
}

function summary(s: JobStatus): string {
  const c = s.counts;
  return `${s.items.length} work items: ${c.done} done, ${c.running} running, ${c.pending} pending, ${c.failed} failed, ${c.missing} missing`;
}

export async function runJobStatus(jobDir: string, o: { json?: boolean }): Promise<number> {
  const { files: _files, ...status } = await jobStatus(jobDir, schedulerFor('slurm'));
  if (o.json) {
    process.stdout.write(JSON.stringify(status, null, 2) + '\n');
    return 0;
  }
  const m = openJob(jobDir).manifest;
  const lines = [`Job ${status.id}: ${status.description}`, `Submitted: ${m.submissions.map((s) => `Slurm job ${s.jobId} (${s.indices.length} items, ${s.submittedAt})`).join('; ') || 'never'}`];
  lines.push(...status.items.map(itemLine), summary(status), ...status.notes.map((n) => `note: ${n}`));
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

export async function runCollect(jobDir: string, o: { into?: string; json?: boolean }): Promise<number> {
  const r = await collectJob(jobDir, { into: o.into, scheduler: schedulerFor('slurm') });
  const failed = r.status.counts.failed;
  if (o.json) {
    process.stdout.write(JSON.stringify({ into: r.into, added: r.added, alreadyThere: r.alreadyThere, sweep: r.sweep ?? null, experimentsAdded: r.experimentsAdded, status: r.status }, null, 2) + '\n');
    return failed ? 1 : 0;
  }
  const lines = [`Job ${r.status.id}: ${r.status.description}`, ...r.status.items.map(itemLine), summary(r.status)];
  lines.push(`Collected into ${r.into}: ${r.added} added, ${r.alreadyThere} already there${r.sweep ? `; sweep ${r.sweep.id} ${r.sweep.action}` : ''}${r.experimentsAdded.length ? `; experiments restored: ${r.experimentsAdded.join(', ')}` : ''}`);
  if (failed || r.status.counts.missing) lines.push(`quench resubmit ${r.status.jobDir} submits the failed and missing items again`);
  lines.push(...r.status.notes.map((n) => `note: ${n}`));
  process.stdout.write(lines.join('\n') + '\n');
  return failed ? 1 : 0;
}

export async function runCancel(jobDir: string, o: { items?: string[] }): Promise<number> {
  const { manifest } = openJob(jobDir);
  const sched = schedulerFor('slurm');
  const items = o.items?.length ? o.items.map((ref) => findItem(manifest, ref)) : manifest.items;
  // Per submission: the items it last sent.
  const bySubmission = new Map<string, number[]>();
  for (const it of items) {
    const sub = lastSubmission(manifest, it);
    if (sub) bySubmission.set(sub.jobId, [...(bySubmission.get(sub.jobId) ?? []), it.index]);
  }
  if (bySubmission.size === 0) throw new UsageError(`job ${manifest.id} was never submitted: nothing to cancel`);
  for (const [jobId, indices] of bySubmission) await sched.cancel(jobId, o.items?.length ? indices : undefined);
  process.stdout.write(`Cancelled ${o.items?.length ? `work item(s) ${o.items.join(', ')}` : 'every task'} of Slurm job(s) ${[...bySubmission.keys()].join(', ')}\n`);
  return 0;
}
