// What each Work item of a job is doing: its files in results/ first (they
// are the truth about what finished, and they are there whatever the
// scheduler remembers), then the scheduler for what is queued, running, or
// ended without leaving a file.
import { countStates, describeWork, type ItemStatus, type JobManifest, type JobStatus, type WorkItem } from '../../src-shared/jobs/manifest';
import { SchedulerError, type Scheduler, type TaskInfo } from '../scheduler';
import { openJob, readItemFiles, type ItemFiles } from './folder';

/** The submission that last sent this item (a resubmission supersedes the first). */
export function lastSubmission(manifest: JobManifest, item: WorkItem) {
  return [...manifest.submissions].reverse().find((s) => s.indices.includes(item.index));
}

export async function jobStatus(jobDir: string, scheduler: Scheduler | null): Promise<JobStatus & { files: Map<string, ItemFiles> }> {
  const { dir, manifest } = openJob(jobDir);
  const notes: string[] = [];
  let tasks: TaskInfo[] | null = null;
  let forgets: string | undefined;
  const jobIds = [...new Set(manifest.submissions.map((s) => s.jobId))];
  if (!scheduler) notes.push('no scheduler asked: states come from the results folder alone');
  else if (jobIds.length === 0) notes.push('the job was never submitted (quench resubmit submits it)');
  else {
    try {
      const r = await scheduler.status(jobIds);
      notes.push(...r.notes);
      tasks = r.tasks;
      forgets = r.forgets;
    } catch (e) {
      // Not on the cluster (a copy of the folder), or its controller does not answer: the files still tell what finished.
      if (!(e instanceof SchedulerError)) throw e;
      notes.push(`${e.message}: states come from the results folder alone`);
    }
  }
  const files = new Map<string, ItemFiles>();
  const items = manifest.items.map((item): ItemStatus => {
    const f = readItemFiles(dir, item);
    files.set(item.id, f);
    const base = { id: item.id, index: item.index, label: item.label };
    if (f.result) return { ...base, state: 'done', host: f.result.node.host };
    const sub = lastSubmission(manifest, item);
    const task = sub && tasks?.find((t) => t.jobId === sub.jobId && t.index === item.index);
    const sched = task ? { schedulerState: task.state, taskId: task.taskId, ...(task.node ? { host: task.node } : {}) } : {};
    if (task?.phase === 'pending') return { ...base, state: 'pending', ...sched, ...(task.reason ? { error: `waiting: ${task.reason}` } : {}) };
    if (task?.phase === 'running') return { ...base, state: 'running', ...sched };
    if (f.error) return { ...base, state: 'failed', error: f.error.message, ...sched, ...(f.error.node?.host ? { host: f.error.node.host } : {}) };
    if (f.problem) return { ...base, state: 'failed', error: f.problem, ...sched };
    if (task?.phase === 'ended-failed') return { ...base, state: 'failed', error: `the scheduler ended its task ${task.taskId} as ${task.state}${task.reason ? ` (${task.reason})` : ''} and it recorded nothing`, ...sched };
    if (task?.phase === 'ended-ok') return { ...base, state: 'missing', error: `its task ${task.taskId} ended without a result file (on a shared filesystem it may appear in a moment)`, ...sched };
    if (!sub) return { ...base, state: 'missing', error: 'never submitted' };
    // Submitted, no file, and the scheduler could not be asked: assume it still waits.
    if (tasks === null) return { ...base, state: 'pending' };
    return { ...base, state: 'missing', error: `the scheduler no longer knows its task (${sub.jobId}_${item.index}) and it left no file` };
  });
  // That the scheduler forgets ended tasks matters only where an item left no file.
  if (forgets && items.some((it) => it.state === 'missing')) notes.push(forgets);
  return { jobDir: dir, id: manifest.id, name: manifest.name, description: describeWork(manifest), items, counts: countStates(items), notes, files };
}
