// Slurm: a job array, one Work item per array task. Submitted with
// `sbatch --parsable`; followed with `squeue` (which also lists tasks that
// ended less than MinJobAge ago, 5 minutes by default) and `sacct` where the
// cluster keeps accounting; cancelled with `scancel`. Only these commands are
// used, so any Slurm a user can submit to works, with no daemon of ours.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { ERROR_FORMAT, JOB_VERSION, LOGS_DIR, RESULTS_DIR, describeWork, type JobManifest, type JobResources } from '../../src-shared/jobs/manifest';
import { UsageError } from '../errors';
import { indexRanges, SchedulerError, SchedulerUnavailableError, shellQuote, type Scheduler, type TaskIdentity, type TaskInfo, type TaskPhase, type TaskReport } from './scheduler';

const SLURM_TIME = /^(?:\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+|\d+-\d+:\d{1,2}|\d+-\d+:\d{1,2}:\d{1,2}|unlimited|infinite)$/i;
/** What a path may hold on an #SBATCH line: sbatch does not unquote them, and % starts a filename pattern. */
const SBATCH_SAFE_PATH = /^[A-Za-z0-9_./+,@=-]+$/;

/** Slurm's states by what Quench does with them (squeue/sacct print the long names). */
const PHASES: Record<string, TaskPhase> = {
  PENDING: 'pending', CONFIGURING: 'pending', REQUEUED: 'pending', REQUEUE_HOLD: 'pending', REQUEUE_FED: 'pending', RESV_DEL_HOLD: 'pending', SUSPENDED: 'pending', RESIZING: 'pending',
  RUNNING: 'running', COMPLETING: 'running', STAGE_OUT: 'running', SIGNALING: 'running',
  COMPLETED: 'ended-ok',
};
const phaseOf = (state: string): TaskPhase => PHASES[state] ?? 'ended-failed';
/** squeue's reasons for a task that waits (throttle, priority, resources, limits of its account or QOS). */
const WAITING_REASON = /^(JobArrayTaskLimit|Priority|Resources|Dependency|BeginTime|JobHeldUser|JobHeldAdmin|ReqNodeNotAvail.*|(QOS|Assoc).*)$/;

export interface SlurmOptions {
  /** Seconds a Slurm command may take before it is given up (a busy controller answers slowly). */
  timeoutMs?: number;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 2 ** 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new SchedulerUnavailableError(`${cmd} was not found on PATH: Slurm's commands are needed here (run this on a login node of the cluster, or load its module)`));
        return;
      }
      if (err && err.killed) {
        reject(new SchedulerError(`${cmd} ${args.join(' ')} did not answer within ${Math.round(timeoutMs / 1000)} s`));
        return;
      }
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ stdout, stderr, code });
    });
  });
}

export class SlurmScheduler implements Scheduler {
  readonly name = 'slurm' as const;
  private readonly timeoutMs: number;

  constructor(opts: SlurmOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  checkResources(r: JobResources): void {
    if (r.partition !== undefined && !/^[A-Za-z0-9_.,-]+$/.test(r.partition)) throw new UsageError(`--partition '${r.partition}': a Slurm partition name (or a comma-separated list) of letters, digits, _ . -`);
    if (r.time !== undefined && !SLURM_TIME.test(r.time)) throw new UsageError(`--time '${r.time}': give a Slurm time limit: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS`);
    if (r.mem !== undefined && !/^\d+[KMGT]?$/i.test(r.mem)) throw new UsageError(`--mem '${r.mem}': give memory per node as Slurm takes it: a number with an optional K, M, G or T (e.g. 4G)`);
    for (const line of r.setup) if (/[\r\n]/.test(line)) throw new UsageError('--setup takes one shell line per option; give it once per line');
  }

  script(job: JobManifest, jobDir: string, indices: number[]): string {
    if (!path.isAbsolute(jobDir)) throw new UsageError(`the job folder must be an absolute path, got '${jobDir}'`);
    if (!SBATCH_SAFE_PATH.test(jobDir))
      throw new UsageError(`the job folder ${jobDir} has a character Slurm's #SBATCH lines cannot carry (space, %, quote …): choose another folder with --jobs-dir`);
    const items = job.items.filter((it) => indices.includes(it.index));
    if (items.length !== new Set(indices).size) throw new UsageError(`no work item with index ${indices.filter((i) => !job.items.some((it) => it.index === i)).join(', ')} in job ${job.id}`);
    const r = job.resources;
    const array = indexRanges(indices) + (r.arrayMax ? `%${r.arrayMax}` : '');
    const directives = [
      `--job-name=${job.name}`,
      `--array=${array}`,
      ...(r.partition ? [`--partition=${r.partition}`] : []),
      ...(r.time ? [`--time=${r.time}`] : []),
      `--cpus-per-task=${r.cpusPerTask}`,
      ...(r.mem ? [`--mem=${r.mem}`] : []),
      ...(r.exclusive ? ['--exclusive'] : []),
      `--chdir=${jobDir}`,
      // %A: the array job id, %a: the task index; the folder exists (sbatch does not make it).
      `--output=${jobDir}/${LOGS_DIR}/%A_%a.out`,
      `--error=${jobDir}/${LOGS_DIR}/%A_%a.err`,
    ];
    const ids = items.map((it) => `[${it.index}]=${it.id}`).join(' ');
    return [
      '#!/bin/bash',
      `# Quench job ${job.id}: ${describeWork(job)}.`,
      '# One Work item per array task; each task writes results/<item>.json (or',
      '# results/<item>.error.json) in this folder. Written by quench submit:',
      `#   quench status ${jobDir}     what each item is doing`,
      `#   quench collect ${jobDir}    merge the results into the project`,
      `#   quench resubmit ${jobDir}   submit again the items that failed or went missing`,
      ...directives.map((d) => `#SBATCH ${d}`),
      'set -u',
      ...(r.setup.length ? ['', '# Set up by --setup:', ...r.setup] : []),
      '',
      `items=(${ids})`,
      'task="${SLURM_ARRAY_TASK_ID:?this script runs as a Slurm array task (sbatch)}"',
      'item="${items[$task]:-}"',
      '# Threads: the CPUs Slurm gave this task, not every core of the node.',
      'export QUENCH_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
      '# An earlier attempt\'s error record is kept, under attempts/.',
      `if [ -n "$item" ] && [ -e "${RESULTS_DIR}/$item.error.json" ]; then`,
      `  mkdir -p ${RESULTS_DIR}/attempts && mv -f "${RESULTS_DIR}/$item.error.json" "${RESULTS_DIR}/attempts/$item.$(date +%s).error.json"`,
      'fi',
      '# scancel and the time limit send SIGTERM to every process of the task: Quench ends,',
      '# and this shell, which only notes the signal, goes on to record why below.',
      'trap \'echo "quench: SIGTERM (scancel, or the time limit)" >&2\' TERM',
      '',
      `"\${QUENCH_NODE:-node}" ${shellQuote(job.quenchBin)} run-item ${shellQuote(jobDir)} --work-item "$task"`,
      'rc=$?',
      '# Quench records its own failures; when it could not (killed, out of memory, no node),',
      '# the record is written here, so a failed item is never a hole.',
      `if [ "$rc" -ne 0 ] && [ -n "$item" ] && [ ! -e "${RESULTS_DIR}/$item.json" ] && [ ! -e "${RESULTS_DIR}/$item.error.json" ]; then`,
      '  case "$rc" in',
      '    127) why="node was not found: put Node.js 20 or later on the nodes\' PATH (quench submit --setup \'module load ...\'), or set QUENCH_NODE" ;;',
      '    143) why="stopped by SIGTERM (scancel, or the time limit)" ;;',
      '    137) why="killed by SIGKILL (out of memory, or it did not stop in time)" ;;',
      '    *) if [ "$rc" -gt 128 ]; then why="ended by signal $((rc - 128))"; else why="ended with exit code $rc"; fi ;;',
      '  esac',
      `  why="$why; log: ${LOGS_DIR}/\${SLURM_ARRAY_JOB_ID:-}_$task.err"`,
      `  tmp="${RESULTS_DIR}/.$item.error.json.$$.tmp"`,
      `  printf '{"format":"${ERROR_FORMAT}","version":${JOB_VERSION},"jobId":"%s","itemId":"%s","index":%s,"message":"%s","time":"%s","exitCode":%s,"node":{"host":"%s","slurm":{"jobId":"%s","arrayJobId":"%s","arrayTaskId":"%s"}}}\\n' \\`,
      `    ${shellQuote(job.id)} "$item" "$task" "$why" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$rc" "\${HOSTNAME:-$(uname -n)}" "\${SLURM_JOB_ID:-}" "\${SLURM_ARRAY_JOB_ID:-}" "$task" >"$tmp" \\`,
      `    && mv -f "$tmp" "${RESULTS_DIR}/$item.error.json"`,
      'fi',
      'exit "$rc"',
      '',
    ].join('\n');
  }

  async submit(scriptFile: string): Promise<string> {
    const r = await run('sbatch', ['--parsable', scriptFile], this.timeoutMs);
    if (r.code !== 0) throw new SchedulerError(`sbatch refused ${scriptFile}: ${r.stderr.trim() || r.stdout.trim() || `exit code ${r.code}`}`);
    // --parsable prints 'jobid' or 'jobid;cluster'
    const id = r.stdout.trim().split('\n').pop()!.split(';')[0];
    if (!/^\d+$/.test(id)) throw new SchedulerError(`sbatch printed no job id (it printed '${r.stdout.trim()}')`);
    return id;
  }

  async status(jobIds: string[]): Promise<TaskReport> {
    const notes: string[] = [];
    let forgets: string | undefined;
    const tasks = new Map<string, TaskInfo>();
    if (jobIds.length === 0) return { tasks: [], notes };
    const ids = jobIds.join(',');
    // squeue first: it knows queued and running tasks, and ended ones for MinJobAge.
    try {
      const q = await run('squeue', ['-h', '-r', '--states=all', '-j', ids, '-o', '%F|%K|%i|%T|%N|%r'], this.timeoutMs);
      if (q.code === 0) for (const t of parseSqueue(q.stdout)) tasks.set(`${t.jobId}_${t.index}`, t);
      // 'Invalid job id': the controller has forgotten every one of them; sacct may still know.
      // Any other failure (no configuration, the controller down): Slurm could not be asked at all,
      // so nothing is known about the tasks; a queued item must not read as missing.
      else if (!/invalid job id/i.test(q.stderr)) throw new SchedulerError(`squeue could not ask Slurm (${lastLine(q.stderr) || `exit code ${q.code}`})`);
    } catch (e) {
      if (e instanceof SchedulerError) throw e;
      notes.push((e as Error).message);
    }
    // sacct for tasks that ended before that (where the cluster keeps accounting).
    try {
      const a = await run('sacct', ['-n', '-P', '-X', '-j', ids, '-o', 'JobID,State,NodeList,ExitCode'], this.timeoutMs);
      if (a.code === 0) {
        for (const t of parseSacct(a.stdout)) if (!tasks.has(`${t.jobId}_${t.index}`)) tasks.set(`${t.jobId}_${t.index}`, t);
      } else forgets = `sacct: ${lastLine(a.stderr) || `exit code ${a.code}`}; Slurm forgets a task minutes after it ends (MinJobAge)`;
    } catch (e) {
      if (e instanceof SchedulerUnavailableError) forgets = 'sacct was not found on PATH; Slurm forgets a task minutes after it ends (MinJobAge)';
      else notes.push((e as Error).message);
    }
    return { tasks: [...tasks.values()], notes, ...(forgets ? { forgets } : {}) };
  }

  async cancel(jobId: string, indices?: number[]): Promise<void> {
    const targets = indices?.length ? indices.map((i) => `${jobId}_${i}`) : [jobId];
    const r = await run('scancel', targets, this.timeoutMs);
    if (r.code !== 0) throw new SchedulerError(`scancel ${targets.join(' ')}: ${r.stderr.trim() || `exit code ${r.code}`}`);
  }

  taskFromEnv(env: NodeJS.ProcessEnv): TaskIdentity | null {
    if (!env.SLURM_JOB_ID) return null;
    return {
      jobId: env.SLURM_JOB_ID,
      ...(env.SLURM_ARRAY_JOB_ID ? { arrayJobId: env.SLURM_ARRAY_JOB_ID } : {}),
      ...(env.SLURM_ARRAY_TASK_ID ? { arrayTaskId: env.SLURM_ARRAY_TASK_ID } : {}),
    };
  }
}

/** The last line a Slurm command wrote to stderr, without its 'squeue: fatal:' prefixes (the line that says why). */
function lastLine(text: string): string {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines[lines.length - 1] ?? '').replace(/^(\w+: )?(error|fatal): /, '');
}

/** `squeue -h -r -o '%F|%K|%i|%T|%N|%r'` lines: array job id, task index, task id, state, node, reason. */
export function parseSqueue(text: string): TaskInfo[] {
  const out: TaskInfo[] = [];
  for (const line of text.split('\n')) {
    const [jobId, k, taskId, state, node, reason] = line.trim().split('|');
    if (!state || !/^\d+$/.test(k ?? '')) continue; // a job that is not an array, or a header
    const phase = phaseOf(state);
    // A task cancelled while it waited keeps its waiting reason, which says nothing about how it ended.
    const stale = phase !== 'pending' && WAITING_REASON.test(reason ?? '');
    out.push({ jobId, index: Number(k), taskId, state, phase, ...(node ? { node } : {}), ...(reason && reason !== 'None' && !stale ? { reason } : {}) });
  }
  return out;
}

/** `sacct -n -P -X -o JobID,State,NodeList,ExitCode` lines ('123_4|CANCELLED by 0|node1|0:15'). */
export function parseSacct(text: string): TaskInfo[] {
  const out: TaskInfo[] = [];
  for (const line of text.split('\n')) {
    const [id, stateText, node, exit] = line.trim().split('|');
    const m = /^(\d+)_(\d+)$/.exec(id ?? ''); // '123_[4-7]': tasks never started, which squeue lists
    if (!m || !stateText) continue;
    const state = stateText.split(' ')[0];
    out.push({ jobId: m[1], index: Number(m[2]), taskId: id, state, phase: phaseOf(state), ...(node && node !== 'None assigned' ? { node } : {}), ...(exit && exit !== '0:0' ? { reason: `exit code ${exit}` } : {}) });
  }
  return out;
}
