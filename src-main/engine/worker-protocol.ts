// Messages between the workbench and its engine worker process (IPC of
// child_process.fork headless, MessagePort of Electron's utilityProcess).
import type { BenchmarkOptions, Experiment, GatesReport } from '../../src-shared/project/schema';
import type { RunResult } from '../../src-shared/results';
import type { ExperimentProfile } from '../../src-shared/analysis/profile';
import type { ExperimentProgress } from './run-experiment';

export type ToWorker =
  | { job: 'run'; experiment: Experiment; baseDir: string }
  | { job: 'benchmark'; options: BenchmarkOptions }
  | { job: 'profile'; experiment: Experiment; baseDir: string };
export type FromWorker =
  | { type: 'progress'; progress: ExperimentProgress }
  | { type: 'result'; result: RunResult | GatesReport | ExperimentProfile }
  | { type: 'error'; message: string };

/**
 * The parent's side of one worker process, whatever started it: fork() headless,
 * utilityProcess.fork() in Electron (src-main/app/utility-worker.ts).
 */
export interface WorkerChannel {
  readonly pid: number | undefined;
  send(msg: ToWorker): void;
  onMessage(fn: (msg: FromWorker) => void): void;
  /** Called once when the process is gone; `signal` is null where the platform does not tell (utilityProcess). */
  onExit(fn: (code: number | null, signal: NodeJS.Signals | null) => void): void;
  /** The process could not be started at all (no exit follows). */
  onSpawnError(fn: (e: Error) => void): void;
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
}

export type SpawnWorker = (workerPath: string) => WorkerChannel;
