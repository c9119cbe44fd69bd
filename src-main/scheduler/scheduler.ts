// A batch scheduler, as Quench's jobs need one: write the batch script for a
// job folder's Work items, submit it, ask what its tasks are doing, cancel
// them, and tell a task which job it is. Slurm is the implementation
// (./slurm.ts); nothing outside src-main/scheduler and src-main/jobs knows a
// scheduler exists — the engine runs an Experiment the same anywhere.
import type { JobManifest, JobResources } from '../../src-shared/jobs/manifest';

/** Where a task stands, in the scheduler's terms reduced to what Quench acts on. */
export type TaskPhase = 'pending' | 'running' | 'ended-ok' | 'ended-failed';

export interface TaskInfo {
  /** The submission's job id (Slurm: the array job id). */
  jobId: string;
  /** The array task index (= the Work item's index). */
  index: number;
  /** The scheduler's own name for the task (Slurm: 123_4). */
  taskId: string;
  /** The scheduler's own word (Slurm: PENDING, RUNNING, COMPLETED, CANCELLED, TIMEOUT …). */
  state: string;
  phase: TaskPhase;
  node?: string;
  /** Why it waits or how it ended, where the scheduler says. */
  reason?: string;
}

export interface TaskReport {
  tasks: TaskInfo[];
  /** What went wrong asking. */
  notes: string[];
  /** Set when tasks that ended a while ago are forgotten (Slurm without accounting): matters only for items with no file. */
  forgets?: string;
}

/** The job a process runs in, from the environment the scheduler gives it. */
export interface TaskIdentity {
  jobId: string;
  arrayJobId?: string;
  arrayTaskId?: string;
}

export interface Scheduler {
  readonly name: 'slurm';
  /** Throws a UsageError naming the first option the scheduler cannot take as given. */
  checkResources(r: JobResources): void;
  /** The batch script that runs these Work items of the job (by index), one array task each. */
  script(job: JobManifest, jobDir: string, indices: number[]): string;
  /** Submits a script; resolves to the scheduler's job id. */
  submit(scriptFile: string): Promise<string>;
  /** The tasks of these jobs the scheduler still knows, and what could not be asked (as notes); SchedulerUnavailableError where it cannot be asked at all. */
  status(jobIds: string[]): Promise<TaskReport>;
  /** Cancels the job's tasks (all, or those indices). */
  cancel(jobId: string, indices?: number[]): Promise<void>;
  /** This process's job and task, or null when it does not run under the scheduler. */
  taskFromEnv(env: NodeJS.ProcessEnv): TaskIdentity | null;
}

/** A scheduler command failed; the message carries what it printed. */
export class SchedulerError extends Error {
  override name = 'SchedulerError';
}

/** The scheduler's commands are not on this machine (not a login node of a cluster). */
export class SchedulerUnavailableError extends SchedulerError {
  override name = 'SchedulerUnavailableError';
}

/** Array task indices as ranges: [0,1,2,3,7,9,10] → '0-3,7,9-10'. */
export function indexRanges(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** A word for the shell, quoted when it needs to be. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
