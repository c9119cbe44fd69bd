// Sweeps: the grid a person types (parameter names and comma-separated
// values), checked point by point with the experiment schema before anything
// is queued; and a finished sweep as a table of grid points with speed and
// quality, the heatmap cells of a two-parameter grid, and parallel
// coordinates for any grid.
import type { z } from 'zod';
import { WORKLOAD_PARAMS, type Experiment, type ExperimentKind, type ParamValue, type Run, type Sweep } from '../project/schema';
import { gridPoints, gridSize, MAX_SWEEP_POINTS, OverrideError, withOverrides } from '../project/sweep';
import { describeMetric, isSpreadCompanion, storedUnit } from './metric-registry';
import { groupByMachine, machineLabel } from './machines';

type Field = z.ZodType & { type?: string; unwrap?: () => Field };

/** The parameter names of a kind, in the schema's order. */
export function sweepableParams(kind: ExperimentKind): string[] {
  return Object.keys((WORKLOAD_PARAMS[kind] as unknown as z.ZodObject).shape);
}

function field(kind: ExperimentKind, name: string): Field | null {
  const f = ((WORKLOAD_PARAMS[kind] as unknown as z.ZodObject).shape as Record<string, Field>)[name];
  if (!f) return null;
  return f.type === 'optional' && f.unwrap ? f.unwrap() : f;
}

/** What a parameter takes, in words: 'integer 2–30', 'one of moons, circles, …', 'true or false', 'list of integers [1,4,8]'. */
export function describeParam(kind: ExperimentKind, name: string): string {
  const f = field(kind, name) as (Field & { minValue?: number | null; maxValue?: number | null; isInt?: boolean; options?: string[]; element?: Field }) | null;
  if (!f) return 'not a parameter of this kind';
  switch (f.type) {
    case 'number': {
      const lo = f.minValue, hi = f.maxValue;
      const word = f.isInt ? 'integer' : 'number';
      if (lo !== null && lo !== undefined && Number.isFinite(lo) && hi !== null && hi !== undefined && Number.isFinite(hi)) return `${word} ${lo}–${hi}`;
      if (lo === 0 && !f.safeParse(0).success) return `${word} > 0`;
      return word;
    }
    case 'enum':
      return `one of ${(f.options ?? []).join(', ')}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'text';
    case 'array':
      return 'a list in brackets, e.g. [1,4,8]';
    case 'union':
      return 'text or number';
    default:
      return f.type ?? 'value';
  }
}

/** Split a value list on commas that are not inside brackets: '1, 2, [3,4]' → ['1', '2', '[3,4]']. */
export function splitValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = '';
  for (const ch of text) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out.length === 1 && out[0] === '' ? [] : out;
}

/** The candidate readings of a token, most specific first. */
function readings(token: string): ParamValue[] {
  const out: ParamValue[] = [];
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(token)) out.push(Number(token));
  if (token === 'true' || token === 'false') out.push(token === 'true');
  if (token.startsWith('[')) {
    try {
      const v = JSON.parse(token) as unknown;
      if (Array.isArray(v)) out.push(v as number[]);
    } catch {
      /* not a list: tried as text below */
    }
  }
  out.push(token);
  return out;
}

export interface GridEntry {
  name: string;
  /** Comma-separated values as typed. */
  values: string;
}

export interface GridCheck {
  grid: Record<string, ParamValue[]>;
  /** Number of grid points (runs). */
  size: number;
  /** Per row of the form (same order as the entries): what is wrong with it, or null. */
  rowErrors: (string | null)[];
  /** Problems of the grid as a whole (too many points, a grid point the experiment refuses). */
  errors: string[];
  ok: boolean;
}

const show = (v: ParamValue) => (typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.join(',')}]` : String(v));

/**
 * Read and check a grid as typed in the form: each parameter must belong to
 * the experiment's kind, appear once and have at least one value of its type;
 * then every grid point is checked with withOverrides (the experiment schema),
 * and the size against MAX_SWEEP_POINTS. Errors name the parameter and value.
 */
export function checkGrid(experiment: Experiment, entries: GridEntry[]): GridCheck {
  const grid: Record<string, ParamValue[]> = {};
  const rowErrors: (string | null)[] = [];
  const names = sweepableParams(experiment.kind);
  for (const e of entries) {
    const name = e.name.trim();
    if (!name) {
      rowErrors.push('choose a parameter');
      continue;
    }
    if (!names.includes(name)) {
      rowErrors.push(`'${name}' is not a parameter of ${experiment.kind} (its parameters: ${names.join(', ')})`);
      continue;
    }
    if (name in grid) {
      rowErrors.push(`${name} is already in the grid: give all its values in one row`);
      continue;
    }
    const tokens = splitValues(e.values);
    if (tokens.length === 0) {
      rowErrors.push(`${name}: give at least one value (comma-separated, e.g. ${describeParam(experiment.kind, name)})`);
      continue;
    }
    const f = field(experiment.kind, name)!;
    const values: ParamValue[] = [];
    let err: string | null = null;
    for (const [i, t] of tokens.entries()) {
      if (t === '') {
        err = `${name}: value ${i + 1} is empty (two commas in a row?)`;
        break;
      }
      const ok = readings(t).find((v) => f.safeParse(v).success);
      if (ok === undefined) {
        const first = readings(t)[0];
        const issue = f.safeParse(first).error?.issues[0]?.message ?? 'invalid';
        err = `${name}: '${t}' is not valid — ${issue} (${name} takes ${describeParam(experiment.kind, name)})`;
        break;
      }
      if (values.some((v) => JSON.stringify(v) === JSON.stringify(ok))) {
        err = `${name}: ${show(ok)} is listed twice`;
        break;
      }
      values.push(ok);
    }
    if (!err && values.length > 100) err = `${name}: ${values.length} values; at most 100 per parameter`;
    rowErrors.push(err);
    if (!err) grid[name] = values;
  }
  const errors: string[] = [];
  const size = gridSize(grid);
  if (entries.length === 0) errors.push('add a parameter to sweep');
  if (size > MAX_SWEEP_POINTS) errors.push(`the grid has ${size.toLocaleString('en-US')} points; a sweep runs at most ${MAX_SWEEP_POINTS} (fewer values, or split it)`);
  else if (size > 0) {
    const seen = new Set<string>();
    for (const point of gridPoints(grid)) {
      try {
        withOverrides(experiment, point, `grid point ${Object.entries(point).map(([k, v]) => `${k}=${show(v)}`).join(', ')}`);
      } catch (e) {
        const msg = e instanceof OverrideError ? e.message : String(e);
        if (!seen.has(msg)) errors.push(msg);
        seen.add(msg);
        if (seen.size >= 5) break;
      }
    }
  }
  const ok = rowErrors.every((x) => x === null) && errors.length === 0 && size > 0;
  return { grid, size, rowErrors, errors, ok };
}

/** Ready-made grids per kind, for the questions the seed documents ask. */
export interface GridSuggestion {
  id: string;
  label: string;
  why: string;
  entries: GridEntry[];
}

export function gridSuggestions(kind: ExperimentKind): GridSuggestion[] {
  switch (kind) {
    case 'qgan':
    case 'qgan-train':
      return [
        {
          id: 'cutoff-layers',
          label: 'cutoff 2–5 × layers 1–3',
          // the seed report's first optimisations: cutoff 4 → 3 (~2–3×), layers 2 → 1 (~2×)
          why: "the seed report asks what 'cutoff 4 → 3, layers 2 → 1' costs in quality for its speed-up",
          entries: [{ name: 'cutoff', values: '2, 3, 4, 5' }, { name: 'layers', values: '1, 2, 3' }],
        },
        { id: 'modes', label: 'modes 1–6', why: 'Fock space grows as cutoff^modes', entries: [{ name: 'modes', values: '1, 2, 3, 4, 5, 6' }] },
        ...(kind === 'qgan-train' ? [{ id: 'batch', label: 'batch 1–64', why: 'training time per sample against the batch (the seed report: batching does not help)', entries: [{ name: 'batch', values: '1, 4, 8, 16, 32, 64' }] }] : []),
      ];
    case 'vqe':
      return [{ id: 'qubits', label: 'qubits 4–16', why: 'seed guide target: < 1 s/iteration at 10 qubits', entries: [{ name: 'qubits', values: '4, 6, 8, 10, 12, 14, 16' }] }];
    case 'qaoa':
      return [{ id: 'nodes', label: 'nodes 8–20', why: 'seed guide target: < 5 s/problem at 20 qubits', entries: [{ name: 'nodes', values: '8, 12, 16, 20' }] }];
    case 'qnn':
      return [
        { id: 'inference-batch', label: 'inference batch 1–4096', why: 'seed guide target: < 10 ms/sample; batching is what gets there', entries: [{ name: 'inferenceBatch', values: '1, 4, 16, 64, 256, 1024, 4096' }] },
        { id: 'qubits-layers', label: 'qubits 4–12 × layers 1–3', why: 'speed against test accuracy', entries: [{ name: 'qubits', values: '4, 6, 8, 10, 12' }, { name: 'layers', values: '1, 2, 3' }] },
      ];
    case 'qsvm':
      return [{ id: 'features-reps', label: 'features 2–10 × reps 1–3', why: 'seed guide target: < 1 min for 1000 samples', entries: [{ name: 'features', values: '2, 4, 6, 8, 10' }, { name: 'reps', values: '1, 2, 3' }] }];
    default:
      return [];
  }
}

export type PointState = 'completed' | 'failed' | 'cancelled' | 'running' | 'queued' | 'missing';

export interface SweepRow {
  key: string;
  point: Record<string, ParamValue>;
  state: PointState;
  runIds: string[];
  speed: number | null;
  quality: number | null;
  /** The speed's 95% CI (from the run's metric_ci_lo/_ci_hi; the span of several runs' CIs). */
  speedCi?: [number, number] | null;
  /** Why the speed is not to be trusted (the run's own flags: wide CI, outliers, a busy machine). */
  unstable?: string[];
  /** The point's runs were made on several CPUs: only the latest run's CPU is in its figures, and this says what was left out. */
  otherMachines?: string;
  error?: string;
}

const keyOf = (params: string[], point: Record<string, ParamValue | undefined>) => JSON.stringify(params.map((k) => point[k] ?? null));

const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const valueOf = (run: Run, metric: string | null): number | null => {
  if (!metric || !run.result) return null;
  const v = run.result.metrics[metric] ?? run.result.quality[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/**
 * One row per grid point. A stored run is matched to its point by its
 * overrides; a run not stored yet by its position (the engine queues one run
 * per point, in gridPoints order) and is 'running' or 'queued' per `live`.
 * A point whose run was deleted is 'missing'. Several runs of a point: median.
 */
export function sweepRows(sweep: Sweep, runById: Map<string, Run>, metrics: { speed: string | null; quality: string | null }, live: Record<string, { fraction: number }> = {}): SweepRow[] {
  const params = Object.keys(sweep.grid);
  const points = gridPoints(sweep.grid);
  const rows = new Map<string, SweepRow & { runs: Run[] }>();
  for (const p of points) rows.set(keyOf(params, p), { key: keyOf(params, p), point: p, state: 'missing', runIds: [], speed: null, quality: null, runs: [] });
  const byIndex = sweep.runIds.length === points.length;
  sweep.runIds.forEach((id, i) => {
    const run = runById.get(id);
    const row = run?.overrides ? rows.get(keyOf(params, run.overrides)) : byIndex ? rows.get(keyOf(params, points[i])) : undefined;
    if (!row) return;
    row.runIds.push(id);
    if (run) row.runs.push(run);
    else if (row.state === 'missing' || row.state === 'queued') row.state = live[id] ? (live[id].fraction > 0 ? 'running' : 'queued') : 'queued';
  });
  return [...rows.values()].map(({ runs, ...row }) => {
    if (runs.length) {
      let done = runs.filter((r) => r.status === 'completed');
      // Runs of one point on different CPUs are never pooled: the figures are the latest run's CPU's.
      const machines = groupByMachine(done);
      if (machines.length > 1) {
        const latest = done.reduce((a, b) => (b.startedAt > a.startedAt ? b : a));
        const keep = machines.find((m) => m.runs.includes(latest))!;
        const others = machines.filter((m) => m !== keep);
        row.otherMachines = `${others.reduce((n, m) => n + m.runs.length, 0)} run(s) on other CPUs left out (${others.map(machineLabel).join('; ')}): runs on different CPUs are not pooled`;
        done = keep.runs;
      }
      if (row.state !== 'running' && row.state !== 'queued') row.state = done.length ? 'completed' : runs[runs.length - 1].status;
      row.speed = median(done.map((r) => valueOf(r, metrics.speed)).filter((v): v is number => v !== null));
      row.quality = median(done.map((r) => valueOf(r, metrics.quality)).filter((v): v is number => v !== null));
      if (metrics.speed) {
        const key = metrics.speed;
        const los = done.map((r) => r.result?.metrics[`${key}_ci_lo`]).filter((v): v is number => typeof v === 'number');
        const his = done.map((r) => r.result?.metrics[`${key}_ci_hi`]).filter((v): v is number => typeof v === 'number');
        row.speedCi = los.length && his.length ? [Math.min(...los), Math.max(...his)] : null;
        const flags = done.flatMap((r) => [...(r.result?.unstable?.[key] ?? []), ...(r.result?.unstable?.load ?? [])]);
        if (flags.length) row.unstable = [...new Set(flags)];
      }
      const failed = runs.find((r) => r.error);
      if (!done.length && failed) row.error = failed.error;
    }
    return row;
  });
}

/** The CPUs a sweep's runs were made on (more than one: its points were measured on different hardware). */
export function sweepMachines(sweep: Sweep, runById: Map<string, Run>): string[] {
  return groupByMachine(sweep.runIds.map((id) => runById.get(id)).filter((r): r is Run => !!r)).map(machineLabel);
}

/** The metric and quality keys the completed runs of a sweep report. */
export function sweepMetricKeys(sweep: Sweep, runById: Map<string, Run>): { metrics: string[]; quality: string[] } {
  const m = new Set<string>(), q = new Set<string>();
  for (const id of sweep.runIds) {
    const r = runById.get(id)?.result;
    if (!r) continue;
    for (const k of Object.keys(r.metrics)) if (!isSpreadCompanion(k)) m.add(k);
    for (const k of Object.keys(r.quality)) q.add(k);
  }
  return { metrics: [...m], quality: [...q] };
}

export const formatParamValue = show;

export interface HeatmapData {
  xParam: string;
  yParam: string;
  xs: string[];
  ys: string[];
  /** [x index, y index, value or null (no result)] */
  cells: [number, number, number | null][];
}

/** A two-parameter grid as heatmap cells of one column of the rows ('speed' or 'quality'). */
export function heatmapData(sweep: Sweep, rows: SweepRow[], which: 'speed' | 'quality'): HeatmapData | null {
  const params = Object.keys(sweep.grid);
  if (params.length !== 2) return null;
  const [xParam, yParam] = params;
  const xs = sweep.grid[xParam].map(show), ys = sweep.grid[yParam].map(show);
  const cells: [number, number, number | null][] = rows.map((r) => [xs.indexOf(show(r.point[xParam])), ys.indexOf(show(r.point[yParam])), r[which]]);
  return { xParam, yParam, xs, ys, cells: cells.filter(([x, y]) => x >= 0 && y >= 0) };
}

export interface ParallelAxis {
  name: string;
  /** Metrics on a value axis; parameters as categories, in grid order. */
  type: 'value' | 'category';
  categories?: string[];
}

/**
 * Parallel coordinates for any grid: every parameter (its grid values, in
 * order, as categories: a grid is a handful of chosen values, not a range),
 * then the two metrics; one line per point with a result.
 */
export function parallelData(sweep: Sweep, rows: SweepRow[], speedName: string, qualityName: string): { axes: ParallelAxis[]; lines: (number | string)[][] } {
  const params = Object.keys(sweep.grid);
  const axes: ParallelAxis[] = params.map((p) => ({ name: p, type: 'category', categories: sweep.grid[p].map(show) }));
  axes.push({ name: describeMetric(speedName).label, type: 'value' }, { name: describeMetric(qualityName).label, type: 'value' });
  const lines = rows
    .filter((r) => r.speed !== null || r.quality !== null)
    .map((r) => [...params.map((p) => show(r.point[p])), r.speed ?? NaN, r.quality ?? NaN]);
  return { axes, lines };
}

/** Rows for CSV: one object per grid point; a metric's column is its key with the unit its values are in ('us_per_sample_batch32 (µs)'). */
export function sweepCsvRows(sweep: Sweep, rows: SweepRow[], speedName: string | null, qualityName: string | null): Record<string, string | number | null>[] {
  const params = Object.keys(sweep.grid);
  const column = (key: string) => (storedUnit(key) ? `${key} (${storedUnit(key)})` : key);
  return rows.map((r) => ({
    ...Object.fromEntries(params.map((p) => [p, Array.isArray(r.point[p]) ? show(r.point[p]) : (r.point[p] as string | number)])),
    state: r.state,
    ...(speedName ? { [column(speedName)]: r.speed } : {}),
    ...(qualityName ? { [column(qualityName)]: r.quality } : {}),
    runs: r.runIds.join(' '),
  }));
}

/**
 * The row that is best by the speed metric, when the data can say so: its CI
 * must not overlap the runner-up's, and neither may be unstable. Otherwise
 * null with the reason (the points are not ranked on noise).
 */
export function bestSpeedRow(rows: SweepRow[], lowerIsBetter: boolean): { key: string | null; tied: string[]; reason: string | null } {
  const v = rows.filter((r) => r.speed !== null).sort((a, b) => (lowerIsBetter ? a.speed! - b.speed! : b.speed! - a.speed!));
  if (!v.length) return { key: null, tied: [], reason: null };
  const best = v[0];
  if (best.unstable?.length) return { key: null, tied: [best.key], reason: `the fastest point is unstable (${best.unstable.join('; ')})` };
  const ci = (r: SweepRow): [number, number] => r.speedCi ?? [r.speed!, r.speed!];
  const overlaps = (a: SweepRow, b: SweepRow) => ci(a)[0] <= ci(b)[1] && ci(b)[0] <= ci(a)[1];
  const tied = v.slice(1).filter((r) => overlaps(best, r) || r.unstable?.length);
  if (tied.length) return { key: null, tied: [best.key, ...tied.map((r) => r.key)], reason: `${tied.length + 1} points are within each other's 95% CIs or unstable: no single fastest` };
  return { key: best.key, tied: [], reason: null };
}
