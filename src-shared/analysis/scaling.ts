// Batch scaling and size (qubit) scaling, from stored results: a qgan Run's
// batch table (details.table, the seed report's table measured by Quench),
// and Sweeps over a batch-like or a size parameter. Pure: the Scaling view
// draws what these return.
import type { Experiment, ParamValue, Run, Sweep } from '../project/schema';
import { convertTime, metricTimeUnit } from './metrics';
import { SEED_QGAN_BATCH_TABLE } from './references';

export interface BatchPoint {
  batch: number;
  /** Time for the whole batch, s (from a sweep: time per sample × batch). */
  sTotal: number;
  usPerSample: number;
  usMin?: number;
  usMax?: number;
  /** 95% CI of the median time per sample (runs that recorded it). */
  usCiLow?: number;
  usCiHigh?: number;
  samplesPerS: number;
  quantumUs?: number;
  decoderUs?: number;
  runId?: string;
}

export interface BatchSeries {
  id: string;
  label: string;
  source: 'run' | 'sweep' | 'seed';
  /** What time per sample is: a measured per-sample metric, or a per-step metric ÷ batch (said so). */
  basis: string;
  points: BatchPoint[];
}

/** The parameters that set a batch size (qnn inferenceBatch/batchSize, qgan-train batch). */
export function isBatchParam(name: string): boolean {
  return /^(batch|batchSize|inferenceBatch)$/.test(name);
}

/** The parameters that set a problem's size: qubit-scaling sweeps. */
export const SIZE_PARAMS = ['qubits', 'nodes', 'features', 'modes', 'cutoff'] as const;
export function isSizeParam(name: string): boolean {
  return (SIZE_PARAMS as readonly string[]).includes(name);
}

interface QganTableRow { batch: number; s_total: number; ms_per_sample: number; us_per_sample: number; us_min: number; us_max: number; us_ci_lo: number; us_ci_hi: number; samples_per_s: number; quantum_us: number; decoder_us: number }

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A qgan run's batch table as a series; null for a run without one (another kind, failed, or an unexpected shape). */
export function batchSeriesFromRun(run: Run, label: string): BatchSeries | null {
  const table = run.result?.details?.table;
  if (run.status !== 'completed' || !Array.isArray(table)) return null;
  const points: BatchPoint[] = [];
  for (const row of table as Partial<QganTableRow>[]) {
    if (!row || !isNum(row.batch) || !isNum(row.us_per_sample) || row.us_per_sample <= 0) continue;
    points.push({
      batch: row.batch,
      sTotal: isNum(row.s_total) ? row.s_total : (row.us_per_sample * row.batch) / 1e6,
      usPerSample: row.us_per_sample,
      usMin: isNum(row.us_min) ? row.us_min : undefined,
      usMax: isNum(row.us_max) ? row.us_max : undefined,
      usCiLow: isNum(row.us_ci_lo) ? row.us_ci_lo : undefined,
      usCiHigh: isNum(row.us_ci_hi) ? row.us_ci_hi : undefined,
      samplesPerS: isNum(row.samples_per_s) ? row.samples_per_s : 1e6 / row.us_per_sample,
      quantumUs: isNum(row.quantum_us) ? row.quantum_us : undefined,
      decoderUs: isNum(row.decoder_us) ? row.decoder_us : undefined,
      runId: run.id,
    });
  }
  if (!points.length) return null;
  points.sort((a, b) => a.batch - b.batch);
  return { id: `run:${run.id}`, label, source: 'run', basis: 'details.table (time per sample, median of repeats)', points };
}

/** The seed report's batch-scaling table as a series. */
export function seedBatchSeries(): BatchSeries {
  return {
    id: 'seed-000',
    label: 'seed report (Strawberry Fields)',
    source: 'seed',
    basis: "the seed report's batch-scaling table",
    points: SEED_QGAN_BATCH_TABLE.map((r) => ({ batch: r.batch, sTotal: r.s_total, usPerSample: r.ms_per_sample * 1000, samplesPerS: r.samples_per_s })),
  };
}

/** Metrics that are a time per sample already. */
export const isPerSampleMetric = (name: string) => /per_(training_)?sample|latency/.test(name) && metricTimeUnit(name) !== null;
/** Metrics that are a time per batch (one step or iteration over `batch` samples). */
export const isPerBatchMetric = (name: string) => /per_(step|iteration)/.test(name) && metricTimeUnit(name) !== null;

/** The metrics of a sweep's runs that give a time per sample at each batch size: per-sample ones first. */
export function batchMetricsOf(runs: Run[]): string[] {
  const keys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.result?.metrics ?? {})) if (!/_(min|max)$/.test(k)) keys.add(k);
  const all = [...keys];
  return [...all.filter(isPerSampleMetric), ...all.filter(isPerBatchMetric)];
}

export interface SweepLine {
  /** The other parameters' values for this line ('' when the sweep has one parameter). */
  label: string;
  fixed: Record<string, ParamValue>;
  /** y: the median over runs at x; ci: the span of those runs' 95% CIs, where they recorded one. */
  points: { x: number; y: number; runIds: string[]; ci?: [number, number] }[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const fmtValue = (v: ParamValue) => (Array.isArray(v) ? `[${v.join(',')}]` : String(v));

/** A run's value of a sweep parameter: its override, else its stored params, else the experiment's. */
export function runParam(run: Run, name: string, experiment?: Experiment): ParamValue | undefined {
  const o = run.overrides?.[name];
  if (o !== undefined) return o;
  const p = (run.result?.params as Record<string, unknown> | undefined)?.[name];
  if (p !== undefined) return p as ParamValue;
  return (experiment?.params as Record<string, ParamValue> | undefined)?.[name];
}

/**
 * A sweep's completed runs as lines of `metric` against the numeric parameter
 * `xParam`: one line per combination of the other parameters. Repeated points
 * take the median. Points with a non-positive value are left out (log axes).
 */
export function sweepLines(sweep: Sweep, runById: Map<string, Run>, xParam: string, metric: string, experiment?: Experiment, transform?: (y: number, x: number) => number): SweepLine[] {
  const others = Object.keys(sweep.grid).filter((k) => k !== xParam);
  const lines = new Map<string, { fixed: Record<string, ParamValue>; byX: Map<number, { ys: number[]; runIds: string[]; lo: number[]; hi: number[] }> }>();
  for (const id of sweep.runIds) {
    const run = runById.get(id);
    if (!run || run.status !== 'completed' || !run.result) continue;
    const x = runParam(run, xParam, experiment);
    const raw = run.result.metrics[metric] ?? run.result.quality[metric];
    if (typeof x !== 'number' || !isNum(raw)) continue;
    const y = transform ? transform(raw, x) : raw;
    if (!isNum(y) || y <= 0) continue;
    const fixed: Record<string, ParamValue> = {};
    for (const k of others) {
      const v = runParam(run, k, experiment);
      if (v !== undefined) fixed[k] = v;
    }
    const key = others.map((k) => `${k}=${fixed[k] === undefined ? '?' : fmtValue(fixed[k])}`).join(', ');
    const line = lines.get(key) ?? { fixed, byX: new Map() };
    lines.set(key, line);
    const pt = line.byX.get(x) ?? { ys: [], runIds: [], lo: [], hi: [] };
    pt.ys.push(y);
    pt.runIds.push(run.id);
    // The run's own 95% CI of the metric's median, where it recorded one (same transform as y).
    const lo = run.result.metrics[`${metric}_ci_lo`], hi = run.result.metrics[`${metric}_ci_hi`];
    if (isNum(lo) && isNum(hi)) {
      pt.lo.push(transform ? transform(lo, x) : lo);
      pt.hi.push(transform ? transform(hi, x) : hi);
    }
    line.byX.set(x, pt);
  }
  return [...lines.entries()].map(([label, l]) => ({
    label,
    fixed: l.fixed,
    points: [...l.byX.entries()].sort((a, b) => a[0] - b[0]).map(([x, p]) => ({ x, y: median(p.ys), runIds: p.runIds, ...(p.lo.length ? { ci: [Math.min(...p.lo), Math.max(...p.hi)] as [number, number] } : {}) })),
  }));
}

/**
 * A batch sweep as batch series (one per combination of the other parameters):
 * time per sample from a per-sample metric, or a per-step metric ÷ batch.
 */
export function batchSeriesFromSweep(sweep: Sweep, runById: Map<string, Run>, batchParam: string, metric: string, name: string, experiment?: Experiment): BatchSeries[] {
  const unit = metricTimeUnit(metric);
  if (!unit) return [];
  const perBatch = !isPerSampleMetric(metric) && isPerBatchMetric(metric);
  const toUs = (y: number, batch: number) => convertTime(perBatch ? y / batch : y, unit, 'us');
  return sweepLines(sweep, runById, batchParam, metric, experiment, toUs).map((l) => ({
    id: `sweep:${sweep.id}:${l.label}`,
    label: l.label ? `${name} (${l.label})` : name,
    source: 'sweep' as const,
    basis: perBatch ? `${metric} ÷ ${batchParam}` : metric,
    points: l.points.map((p) => ({ batch: p.x, sTotal: (p.y * p.x) / 1e6, usPerSample: p.y, samplesPerS: 1e6 / p.y, runId: p.runIds[0] })),
  }));
}

/**
 * Seed 000's time per sample at the same batch size, for the "× faster than
 * the seed" column; null where the seed has no row. Only for the seed's own
 * workload (qgan's generator): another workload's time is not comparable.
 */
export function speedupVsSeed(p: BatchPoint, kind = 'qgan'): number | null {
  if (kind !== 'qgan') return null;
  const s = SEED_QGAN_BATCH_TABLE.find((r) => r.batch === p.batch);
  return s ? (s.ms_per_sample * 1000) / p.usPerSample : null;
}

/** Sweeps with a parameter of the given sort, with that parameter's name. */
export function sweepsOver(sweeps: Sweep[], test: (param: string) => boolean): { sweep: Sweep; param: string }[] {
  const out: { sweep: Sweep; param: string }[] = [];
  for (const s of sweeps) {
    const p = Object.keys(s.grid).find((k) => test(k) && s.grid[k].every((v) => typeof v === 'number'));
    if (p) out.push({ sweep: s, param: p });
  }
  return out;
}

export interface SampleScaling {
  runId: string;
  label: string;
  /** QNN training: time per sample of one epoch at each data size (µs). */
  qnn: { n: number; usPerSample: number }[];
  /** QSVM: the symmetric fidelity kernel at each data size (s). */
  qsvm: { n: number; seconds: number }[];
  /** Per-sample time at the largest size ÷ at the smallest − 1 (the scale goal: at most +10%). */
  drift: number | null;
}

/** A `scale` run's sample-count scaling (metrics qnn_us_per_sample_N, qsvm_kernel_s_N); null for other runs. */
export function sampleScalingFromRun(run: Run, label: string): SampleScaling | null {
  if (run.status !== 'completed' || run.result?.kind !== 'scale') return null;
  const m = run.result.metrics;
  const qnn: SampleScaling['qnn'] = [], qsvm: SampleScaling['qsvm'] = [];
  for (const [k, v] of Object.entries(m)) {
    if (!isNum(v)) continue;
    const q = /^qnn_us_per_sample_(\d+)$/.exec(k);
    if (q) qnn.push({ n: Number(q[1]), usPerSample: v });
    const s = /^qsvm_kernel_s_(\d+)$/.exec(k);
    if (s) qsvm.push({ n: Number(s[1]), seconds: v });
  }
  if (!qnn.length && !qsvm.length) return null;
  qnn.sort((a, b) => a.n - b.n);
  qsvm.sort((a, b) => a.n - b.n);
  return { runId: run.id, label, qnn, qsvm, drift: isNum(m.qnn_per_sample_drift) ? m.qnn_per_sample_drift : null };
}
