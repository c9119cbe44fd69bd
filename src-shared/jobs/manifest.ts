// A Job: work sent to a batch scheduler (Slurm) as one self-describing folder.
// The folder holds a snapshot of the project, this manifest (the Work items,
// each with a stable id and the array task index that runs it), the batch
// scripts, and results/ where every task writes its own file. Everything a
// node needs is in the folder; everything `quench collect` needs too.
//
//   <job>/manifest.json            this file's schema (JobManifest)
//   <job>/project.quench.json      the experiments as submitted (no results: tasks load it fast)
//   <job>/submit.sbatch            the first submission; resubmit-N.sbatch for later ones
//   <job>/results/<item>.json      a finished Work item (ItemResult), written atomically by its task
//   <job>/results/<item>.error.json  why a Work item failed (ItemError), never a hole
//   <job>/logs/                    the scheduler's stdout/stderr per task
import { z } from 'zod';
import { BenchmarkOptions, Benchmark, ParamValue, Run, paramRecord } from '../project/schema';

export const JOB_FORMAT = 'quench-job';
export const JOB_VERSION = 1;
export const RESULT_FORMAT = 'quench-job-result';
export const ERROR_FORMAT = 'quench-job-error';

export const MANIFEST_FILE = 'manifest.json';
export const SNAPSHOT_FILE = 'project.quench.json';
export const RESULTS_DIR = 'results';
export const LOGS_DIR = 'logs';

/** Ids become file names (results/<id>.json) and parts of run ids: letters, digits, _ . - only. */
export const SAFE_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const safeId = z.string().regex(SAFE_ID, '1–64 letters, digits, _ . -');

/** One unit of work: one array task runs it on one node. */
export const WorkItem = z.strictObject({
  id: safeId,
  /** The array task index that runs it (SLURM_ARRAY_TASK_ID); stable across resubmissions. */
  index: z.number().int().min(0).max(1_000_000),
  /** In the user's words: 'cutoff=3, batches=[8]', 'repetition 2 of 4', 'gates on a node (1 of 2)'. */
  label: z.string().max(500),
  experimentId: z.string().min(1).max(64).optional(),
  /** A sweep's grid point (parameters used instead of the experiment's). */
  overrides: paramRecord(ParamValue).optional(),
  /** 1-based, when the item is one of several repetitions of an experiment. */
  repetition: z.number().int().min(1).max(100_000).optional(),
});
export type WorkItem = z.infer<typeof WorkItem>;

/** What the job runs. */
export const JobWork = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('sweep'),
    experimentId: z.string().min(1).max(64),
    /**
     * The project's Sweep record the job ran (collect fills it, or adds it to a project that lacks it).
     * `from`: the sweep the job came from (job folders of version 1 named their own record `sweep-<job>`
     * and the project's sweep here; collect fills the one `from` names).
     */
    sweep: z.strictObject({ id: z.string().min(1).max(100), name: z.string().min(1).max(200), grid: paramRecord(z.array(ParamValue).min(1).max(100)), from: z.string().max(100).optional() }),
  }),
  z.strictObject({ kind: z.literal('experiment'), experimentId: z.string().min(1).max(64), repeats: z.number().int().min(1).max(100_000) }),
  z.strictObject({ kind: z.literal('bench-gates'), options: BenchmarkOptions, runs: z.number().int().min(1).max(100_000) }),
]);
export type JobWork = z.infer<typeof JobWork>;

/** What each task may use, as asked on the command line; the scheduler turns it into its own directives. */
export const JobResources = z.strictObject({
  partition: z.string().max(200).optional(),
  time: z.string().max(50).optional(),
  cpusPerTask: z.number().int().min(1).max(4096),
  mem: z.string().max(50).optional(),
  /** At most this many tasks at once (Slurm: --array=…%K). */
  arrayMax: z.number().int().min(1).max(100_000).optional(),
  /** The node to itself: what a hardware benchmark needs to measure the machine and nothing else. */
  exclusive: z.boolean().optional(),
  /** Shell lines run before Quench on the node (e.g. 'module load nodejs/20'). */
  setup: z.array(z.string().max(2000)).max(100).default([]),
});
export type JobResources = z.infer<typeof JobResources>;

/** One sbatch of (some of) the job's items. */
export const Submission = z.strictObject({
  scheduler: z.literal('slurm'),
  /** The scheduler's id for it (Slurm: the array job id). */
  jobId: z.string().min(1).max(100),
  submittedAt: z.iso.datetime(),
  /** The script submitted, a file of the job folder. */
  script: z.string().min(1).max(200),
  /** The array task indices it runs. */
  indices: z.array(z.number().int().min(0)).min(1),
});
export type Submission = z.infer<typeof Submission>;

export const JobManifest = z.strictObject({
  format: z.literal(JOB_FORMAT),
  version: z.literal(JOB_VERSION),
  /** The job folder's name: also the prefix of every run id the job makes, so collecting twice adds nothing. */
  id: safeId,
  name: z.string().min(1).max(64),
  createdAt: z.iso.datetime(),
  /** The project file the job came from (absolute; collect merges into it unless told otherwise). */
  projectFile: z.string().min(1).max(4096),
  /** Where `quench` was when submitted: the nodes run this file (a shared filesystem). */
  quenchBin: z.string().min(1).max(4096),
  work: JobWork,
  resources: JobResources,
  items: z.array(WorkItem).min(1).max(100_000),
  submissions: z.array(Submission).default([]),
}).superRefine((m, ctx) => {
  const ids = new Set<string>(), indices = new Set<number>();
  m.items.forEach((it, i) => {
    if (ids.has(it.id)) ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: `duplicate work item id '${it.id}'` });
    if (indices.has(it.index)) ctx.addIssue({ code: 'custom', path: ['items', i, 'index'], message: `duplicate work item index ${it.index}` });
    ids.add(it.id);
    indices.add(it.index);
  });
});
export type JobManifest = z.infer<typeof JobManifest>;

/** Where a task ran: the node's fingerprint, recorded in every result and error record. */
export const NodeFingerprint = z.strictObject({
  host: z.string().max(300),
  cpu: z.string().max(300).optional(),
  isa: z.string().max(50).optional(),
  logicalCores: z.number().optional(),
  memoryBytes: z.number().optional(),
  slurm: z.strictObject({ jobId: z.string().max(100), arrayJobId: z.string().max(100).optional(), arrayTaskId: z.string().max(100).optional() }).optional(),
});
export type NodeFingerprint = z.infer<typeof NodeFingerprint>;

/** results/<item>.json: a finished Work item, with the record collect puts into the project. */
export const ItemResult = z.strictObject({
  format: z.literal(RESULT_FORMAT),
  version: z.literal(JOB_VERSION),
  jobId: safeId,
  itemId: safeId,
  index: z.number().int().min(0),
  finishedAt: z.iso.datetime(),
  node: NodeFingerprint,
  run: Run.optional(),
  benchmark: Benchmark.optional(),
});
export type ItemResult = z.infer<typeof ItemResult>;

const failure = z.strictObject({ message: z.string().max(100_000), time: z.iso.datetime(), node: NodeFingerprint.optional(), exitCode: z.number().int().optional() });

/** results/<item>.error.json: why a Work item failed, and where; `earlier` keeps the attempts before. */
export const ItemError = z.strictObject({
  format: z.literal(ERROR_FORMAT),
  version: z.literal(JOB_VERSION),
  jobId: safeId.optional(),
  itemId: safeId,
  index: z.number().int().min(0),
  ...failure.shape,
  earlier: z.array(failure).max(100).optional(),
});
export type ItemError = z.infer<typeof ItemError>;

/**
 * A Work item's state as `quench status` and `collect` report it.
 * done: its result is in results/; failed: an error record, a corrupt result
 * file, or the scheduler ended its task without either; pending/running: its
 * task is queued or running; missing: no file and no task to wait for
 * (never submitted, or the scheduler forgot it): resubmit it.
 */
export type ItemState = 'done' | 'failed' | 'running' | 'pending' | 'missing';

export interface ItemStatus {
  id: string;
  index: number;
  label: string;
  state: ItemState;
  /** Why it failed (the error record's message, or what the scheduler said). */
  error?: string;
  /** The node that ran it (or runs it). */
  host?: string;
  /** The scheduler's own word for the task (Slurm: PENDING, RUNNING, CANCELLED …). */
  schedulerState?: string;
  /** The scheduler's id of the task (Slurm: ARRAYJOB_TASK). */
  taskId?: string;
}

export interface JobStatus {
  jobDir: string;
  id: string;
  name: string;
  description: string;
  items: ItemStatus[];
  counts: Record<ItemState, number>;
  /** What could not be asked (no squeue on this machine, accounting off …): the states come from the files alone. */
  notes: string[];
}

export function countStates(items: readonly { state: ItemState }[]): Record<ItemState, number> {
  const counts: Record<ItemState, number> = { done: 0, failed: 0, running: 0, pending: 0, missing: 0 };
  for (const it of items) counts[it.state]++;
  return counts;
}

/** The id of the run a Work item makes: the same every time, so the project holds each run once. */
export const runIdFor = (jobId: string, itemId: string) => `${jobId}-${itemId}`;

/** One line on what a job runs. */
export function describeWork(m: Pick<JobManifest, 'work' | 'items'>): string {
  const w = m.work;
  const n = m.items.length;
  switch (w.kind) {
    case 'sweep':
      return `sweep '${sweepIdOf(w)}' of experiment '${w.experimentId}' (${Object.keys(w.sweep.grid).join(' × ')}): ${n} grid point${n === 1 ? '' : 's'}`;
    case 'experiment':
      return `experiment '${w.experimentId}', ${w.repeats} repetition${w.repeats === 1 ? '' : 's'}`;
    case 'bench-gates':
      return `gates benchmark (${w.options.backend}, ${w.options.qubits.join(', ')} qubits) on ${w.runs} node run${w.runs === 1 ? '' : 's'}`;
  }
}

/** The project's Sweep record a sweep job fills. */
export const sweepIdOf = (w: Extract<JobWork, { kind: 'sweep' }>) => w.sweep.from ?? w.sweep.id;

/** 'name=value, name=value' for a grid point. */
export function pointLabel(point: Record<string, ParamValue>): string {
  return Object.entries(point).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`).join(', ');
}
