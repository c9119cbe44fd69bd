// The scale runner on a session the options name (src-shared/workloads/runners/scale.ts).
import type { RunResult } from '../../../src-shared/results';
import { runScaleOn, type ScaleSpec } from '../../../src-shared/workloads/runners/scale';
import { withSession, type SessionOptions } from '../session';

export { SCALE_DEFAULTS, type ScaleSpec } from '../../../src-shared/workloads/runners/scale';
export const runScale = (spec: Partial<ScaleSpec> = {}, opts: SessionOptions = {}): Promise<RunResult> => withSession(opts, (s) => runScaleOn(s, spec));
