// Messages between the server and the engine worker (IPC of child_process.fork).
import type { Experiment } from '../../src-shared/project/schema';
import type { RunResult } from '../../src-shared/results';
import type { ExperimentProgress } from './run-experiment';

export interface ToWorker {
  experiment: Experiment;
  baseDir: string;
}
export type FromWorker = { type: 'progress'; progress: ExperimentProgress } | { type: 'result'; result: RunResult } | { type: 'error'; message: string };
