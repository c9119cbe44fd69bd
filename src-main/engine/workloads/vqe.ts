// The VQE runner on a session the options name (src-shared/workloads/runners/vqe.ts).
import type { RunResult } from '../../../src-shared/results';
import { runVqeOn, type VqeRunOptions } from '../../../src-shared/workloads/runners/vqe';
import type { VqeSpec } from '../../../src-shared/workloads/vqe';
import { withSession, type SessionOptions } from '../session';

export type { VqeRunOptions };
export const runVqe = (spec: Partial<VqeSpec> = {}, opts: VqeRunOptions & SessionOptions = {}): Promise<RunResult> => withSession(opts, (s) => runVqeOn(s, spec, opts));
