// Runs one job (an experiment run or a gates benchmark) in an engine worker
// process (src-main/engine/worker-main.ts) and turns however it ends into an
// outcome: the result, the worker's own error, a cancel, or a crash described
// by its exit code or signal. How the process is started is a parameter: fork()
// headless (forkWorker, here), utilityProcess in Electron.
import { fork } from 'node:child_process';
import type { ExperimentProgress } from '../engine/run-experiment';
import type { FromWorker, SpawnWorker, ToWorker, WorkerChannel } from '../engine/worker-protocol';

export type WorkerOutcome<R = unknown> = { status: 'completed'; result: R } | { status: 'failed'; error: string } | { status: 'cancelled' };

export interface WorkerRun<R = unknown> {
  pid: number | undefined;
  outcome: Promise<WorkerOutcome<R>>;
  /** SIGTERM, then SIGKILL if it is still there after the grace period. */
  cancel(): void;
}

export const CANCEL_GRACE_MS = 2000;

/** child_process.fork as a WorkerChannel. */
export const forkWorker: SpawnWorker = (workerPath) => {
  // execArgv: [] so the worker does not inherit the parent's loader flags (vitest, inspectors).
  const child = fork(workerPath, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    pid: child.pid,
    send: (m) => void child.send(m),
    onMessage: (fn) => void child.on('message', (m) => fn(m as FromWorker)),
    onExit: (fn) => void child.on('exit', (code, signal) => fn(code, signal)),
    onSpawnError: (fn) =>
      void child.on('error', (e) => {
        if (child.exitCode === null && child.signalCode === null && child.pid === undefined) fn(e);
      }),
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
};

export function runInWorker<R>(spawn: SpawnWorker, workerPath: string, job: ToWorker, onProgress: (p: ExperimentProgress) => void): WorkerRun<R> {
  let child: WorkerChannel;
  try {
    child = spawn(workerPath);
  } catch (e) {
    return { pid: undefined, outcome: Promise.resolve({ status: 'failed', error: `cannot start the engine process: ${(e as Error).message}` }), cancel: () => undefined };
  }
  let cancelled = false, exited = false;
  let reply: FromWorker | undefined;
  let killTimer: NodeJS.Timeout | undefined;

  const outcome = new Promise<WorkerOutcome<R>>((resolve) => {
    child.onMessage((m) => {
      if (m.type === 'progress') onProgress(m.progress);
      else reply = m;
    });
    child.onSpawnError((e) => {
      exited = true;
      resolve({ status: 'failed', error: `cannot start the engine process: ${e.message}` });
    });
    child.onExit((code, signal) => {
      exited = true;
      clearTimeout(killTimer);
      if (cancelled) resolve({ status: 'cancelled' });
      else if (reply?.type === 'result') resolve({ status: 'completed', result: reply.result as R });
      else if (reply?.type === 'error') resolve({ status: 'failed', error: reply.message });
      else if (signal)
        resolve({ status: 'failed', error: `the engine process exited with signal ${signal}${signal === 'SIGKILL' ? ' (killed — out of memory?)' : ''} before finishing` });
      else resolve({ status: 'failed', error: `the engine process exited with code ${code} before finishing${code === null ? ' (killed — out of memory?)' : ''}` });
    });
  });
  child.send(job);

  return {
    pid: child.pid,
    outcome,
    cancel() {
      if (cancelled || exited) return;
      cancelled = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), CANCEL_GRACE_MS);
      killTimer.unref();
    },
  };
}
