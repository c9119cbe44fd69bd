// Runs one experiment in a forked engine worker (src-main/engine/worker-main.ts)
// and turns however it ends into an outcome: the result, the worker's own
// error, a cancel, or a crash described by its exit code or signal.
import { fork } from 'node:child_process';
import type { Experiment } from '../../src-shared/project/schema';
import type { RunResult } from '../../src-shared/results';
import type { ExperimentProgress } from '../engine/run-experiment';
import type { FromWorker, ToWorker } from '../engine/worker-protocol';

export type WorkerOutcome = { status: 'completed'; result: RunResult } | { status: 'failed'; error: string } | { status: 'cancelled' };

export interface WorkerRun {
  pid: number | undefined;
  outcome: Promise<WorkerOutcome>;
  /** SIGTERM, then SIGKILL if it is still there after the grace period. */
  cancel(): void;
}

export const CANCEL_GRACE_MS = 2000;

export function runInWorker(workerPath: string, experiment: Experiment, baseDir: string, onProgress: (p: ExperimentProgress) => void): WorkerRun {
  // execArgv: [] so the worker does not inherit the parent's loader flags (vitest, inspectors).
  const child = fork(workerPath, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let cancelled = false;
  let reply: FromWorker | undefined;
  let killTimer: NodeJS.Timeout | undefined;

  const outcome = new Promise<WorkerOutcome>((resolve) => {
    child.on('message', (m: FromWorker) => {
      if (m.type === 'progress') onProgress(m.progress);
      else reply = m;
    });
    child.on('error', (e) => {
      // fork failed (e.g. the worker file is missing): no 'exit' follows
      if (child.exitCode === null && child.signalCode === null && child.pid === undefined) resolve({ status: 'failed', error: `cannot start the engine process: ${e.message}` });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(killTimer);
      if (cancelled) resolve({ status: 'cancelled' });
      else if (reply?.type === 'result') resolve({ status: 'completed', result: reply.result });
      else if (reply?.type === 'error') resolve({ status: 'failed', error: reply.message });
      else if (signal)
        resolve({ status: 'failed', error: `the engine process exited with signal ${signal}${signal === 'SIGKILL' ? ' (killed — out of memory?)' : ''} before finishing` });
      else resolve({ status: 'failed', error: `the engine process exited with code ${code} before finishing` });
    });
  });
  child.send({ experiment, baseDir } satisfies ToWorker);

  return {
    pid: child.pid,
    outcome,
    cancel() {
      if (cancelled || child.exitCode !== null || child.signalCode !== null) return;
      cancelled = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), CANCEL_GRACE_MS);
      killTimer.unref();
    },
  };
}
