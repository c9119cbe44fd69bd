// The QNN runner on a session the options name (src-shared/workloads/runners/qnn.ts).
import type { RunResult } from '../../../src-shared/results';
import { runQnnOn, type QnnRunOptions, type QnnRunSpec } from '../../../src-shared/workloads/runners/qnn';
import { withSession, type SessionOptions } from '../session';

export { QNN_RUN_DEFAULTS, QnnTrainer, type QnnRunOptions, type QnnRunSpec } from '../../../src-shared/workloads/runners/qnn';
export const runQnn = (spec: Partial<QnnRunSpec> = {}, opts: QnnRunOptions & SessionOptions = {}): Promise<RunResult> => withSession(opts, (s) => runQnnOn(s, spec, opts));
