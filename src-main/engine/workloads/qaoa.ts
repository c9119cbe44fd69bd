// The QAOA runner on a session the options name (src-shared/workloads/runners/qaoa.ts).
import type { RunResult } from '../../../src-shared/results';
import { runQaoaOn, type QaoaRunOptions, type QaoaSpec } from '../../../src-shared/workloads/runners/qaoa';
import { withSession, type SessionOptions } from '../session';

export { QAOA_DEFAULTS, qaoaGraph, type QaoaRunOptions, type QaoaSpec } from '../../../src-shared/workloads/runners/qaoa';
export const runQaoa = (spec: Partial<QaoaSpec> = {}, opts: QaoaRunOptions & SessionOptions = {}): Promise<RunResult> => withSession(opts, (s) => runQaoaOn(s, spec, opts));
