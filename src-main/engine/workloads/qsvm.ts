// The QSVM runner on a session the options name (src-shared/workloads/runners/qsvm.ts).
import type { RunResult } from '../../../src-shared/results';
import { runQsvmOn, type QsvmRunSpec } from '../../../src-shared/workloads/runners/qsvm';
import { withSession, type SessionOptions } from '../session';

export { QSVM_RUN_DEFAULTS, type QsvmRunSpec } from '../../../src-shared/workloads/runners/qsvm';
export const runQsvm = (spec: Partial<QsvmRunSpec> = {}, opts: SessionOptions = {}): Promise<RunResult> => withSession(opts, (s) => runQsvmOn(s, spec));
