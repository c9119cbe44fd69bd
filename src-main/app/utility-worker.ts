// Electron's utilityProcess as a WorkerChannel (src-main/engine/worker-protocol.ts):
// the engine worker of the desktop app. It differs from child_process.fork in
// three ways this adapter hides: a failed start is reported as an exit before
// 'spawn' (there is no spawn error), the exit gives a code but never a signal,
// and kill() can only send SIGTERM — so kills go through process.kill(pid).
// Nothing here throws on an unexpected exit: a crashed worker fails its run,
// never the main process.
import type { ForkOptions, UtilityProcess } from 'electron';
import type { FromWorker, SpawnWorker, ToWorker, WorkerChannel } from '../engine/worker-protocol';

/** The part of a UtilityProcess used here (tests drive a fake EventEmitter). */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'spawn', listener: () => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

/** Electron's `utilityProcess` module, or a fake. */
export interface UtilityForker {
  fork(modulePath: string, args?: string[], options?: ForkOptions): UtilityProcessLike | UtilityProcess;
}

export type KillPid = (pid: number, signal: NodeJS.Signals) => void;

export const ENGINE_SERVICE_NAME = 'Quench engine';

export function utilityWorkerSpawner(forker: UtilityForker, killPid: KillPid = (pid, signal) => void process.kill(pid, signal)): SpawnWorker {
  return (workerPath) => {
    const child = forker.fork(workerPath, [], { serviceName: ENGINE_SERVICE_NAME, stdio: 'inherit' }) as UtilityProcessLike;
    let state: 'starting' | 'running' | 'exited' = 'starting';
    let pid: number | undefined = child.pid;
    // A cancel that arrives before the process is up is applied once it is (the strongest one asked for).
    let pendingKill: 'SIGTERM' | 'SIGKILL' | null = null;
    const exitListeners: ((code: number | null, signal: NodeJS.Signals | null) => void)[] = [];
    const spawnErrorListeners: ((e: Error) => void)[] = [];

    const killNow = (signal: 'SIGTERM' | 'SIGKILL') => {
      if (pid !== undefined) {
        try {
          killPid(pid, signal);
          return;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ESRCH') return; // already gone; its exit event follows
        }
      }
      try {
        child.kill(); // no pid, or process.kill refused: Electron's own (SIGTERM, reaped)
      } catch {
        /* the process is already gone */
      }
    };

    child.on('spawn', () => {
      if (state !== 'starting') return;
      state = 'running';
      pid = child.pid;
      if (pendingKill) killNow(pendingKill);
    });
    child.on('exit', (code) => {
      if (state === 'exited') return;
      const neverStarted = state === 'starting';
      state = 'exited';
      pid = undefined;
      // A cancelled start is a cancel, not a start failure: report it as an exit.
      if (neverStarted && !pendingKill && spawnErrorListeners.length) {
        const e = new Error(`the engine process (${workerPath}) did not start (exit code ${code})`);
        for (const fn of spawnErrorListeners) fn(e);
        return;
      }
      // utilityProcess reports a code only: a kill or a crash shows as its code, the signal is unknown
      for (const fn of exitListeners) fn(typeof code === 'number' ? code : null, null);
    });

    const channel: WorkerChannel = {
      get pid() {
        return pid;
      },
      send(msg: ToWorker) {
        if (state === 'exited') return;
        try {
          child.postMessage(msg);
        } catch {
          /* the process went away between the check and the post; its exit event reports it */
        }
      },
      onMessage(fn) {
        child.on('message', (m) => fn(m as FromWorker));
      },
      onExit(fn) {
        exitListeners.push(fn);
      },
      onSpawnError(fn) {
        spawnErrorListeners.push(fn);
      },
      kill(signal) {
        if (state === 'exited') return;
        if (state === 'starting') {
          if (pendingKill !== 'SIGKILL') pendingKill = signal;
          return;
        }
        killNow(signal);
      },
    };
    return channel;
  };
}
