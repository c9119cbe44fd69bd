// Sweeps and overrides: a run may use other parameter values than its
// experiment's (one grid point of a sweep, a batch size tried once). The
// result is checked with the experiment schema, so a bad value is named
// exactly as it would be in the project file.
import { Experiment, formatPath, WORKLOAD_PARAMS, type ParamValue, type Sweep } from './schema';

export class OverrideError extends Error {
  override name = 'OverrideError';
}

/** The most runs one sweep may queue: a grid is a plan a person reads, not a search space. */
export const MAX_SWEEP_POINTS = 1000;

/** The experiment with `overrides` merged into its parameters, validated; the error names the bad parameter. */
export function withOverrides(e: Experiment, overrides: Record<string, ParamValue> | undefined, source = `experiment '${e.id}'`): Experiment {
  if (!overrides || Object.keys(overrides).length === 0) return e;
  // Every key by name first, so the message names the experiment and its parameters; '__proto__' (an own key
  // when it came through JSON.parse) and 'constructor' are refused like any other name no parameter has.
  const known = Object.keys(WORKLOAD_PARAMS[e.kind].shape);
  for (const k of Object.keys(overrides))
    if (!Object.prototype.hasOwnProperty.call(WORKLOAD_PARAMS[e.kind].shape, k))
      throw new OverrideError(`${source}: '${k}' is not a parameter of experiment '${e.id}' (${e.kind}; its parameters: ${known.join(', ')})`);
  const candidate = { ...e, params: { ...(e.params as Record<string, unknown>), ...overrides } };
  const r = Experiment.safeParse(candidate);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new OverrideError(`${source}: ${formatPath(issue.path)}: ${issue.message}`);
  }
  return r.data;
}

/** Every point of the grid (Cartesian product, the first parameter varying slowest). */
export function gridPoints(grid: Sweep['grid']): Record<string, ParamValue>[] {
  const keys = Object.keys(grid);
  let points: Record<string, ParamValue>[] = [{}];
  for (const k of keys) points = points.flatMap((p) => grid[k].map((v) => ({ ...p, [k]: v })));
  return keys.length ? points : [];
}

export function gridSize(grid: Sweep['grid']): number {
  const keys = Object.keys(grid);
  return keys.length ? keys.reduce((n, k) => n * grid[k].length, 1) : 0;
}
