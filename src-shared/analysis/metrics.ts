// What a metric's name says about it: its unit (units live in the names —
// src-shared/results.ts), which way is better, and which metric heads a run
// of each kind. Pure TypeScript, no DOM: the views and the exports share it.

export type TimeUnit = 'ns' | 'us' | 'ms' | 's' | 'min';

const SECONDS: Record<TimeUnit, number> = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, min: 60 };
export const TIME_UNIT_LABEL: Record<TimeUnit, string> = { ns: 'ns', us: 'µs', ms: 'ms', s: 's', min: 'min' };

const tokens = (name: string) => name.toLowerCase().split(/[_\s]+/);

/**
 * The time unit in a metric's name ('us_per_sample_batch32' → 'us',
 * 'latency_us_p50' → 'us', 'qsvm_kernel_s_1000' → 's'), or null when the
 * name carries none or names a rate ('samples_per_s').
 */
export function metricTimeUnit(name: string): TimeUnit | null {
  const t = tokens(name);
  for (let i = 0; i < t.length; i++) {
    if (t[i] in SECONDS) return i > 0 && t[i - 1] === 'per' ? null : (t[i] as TimeUnit);
  }
  return null;
}

/** A rate per unit of time ('samples_per_s', 'gb_per_s'). */
export function isRate(name: string): boolean {
  const t = tokens(name);
  return t.some((x, i) => i > 0 && t[i - 1] === 'per' && x in SECONDS);
}

/** Powers of ten of each unit (and minutes as 60 s), so 606 ms is exactly 606000 µs. */
const EXP: Record<TimeUnit, [number, number]> = { ns: [-9, 1], us: [-6, 1], ms: [-3, 1], s: [0, 1], min: [0, 60] };
export function convertTime(value: number, from: TimeUnit, to: TimeUnit): number {
  const [ef, mf] = EXP[from], [et, mt] = EXP[to];
  const p = ef - et;
  const scaled = p >= 0 ? value * 10 ** p : value / 10 ** -p;
  return (scaled * mf) / mt;
}

/** A duration in seconds with a readable unit: 22.75 µs, 606 ms, 17 min. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  if (s === 0) return '0';
  const a = Math.abs(s);
  const [v, u] = a >= 120 ? [s / 60, 'min'] : a >= 1 ? [s, 's'] : a >= 1e-3 ? [s * 1e3, 'ms'] : a >= 1e-6 ? [s * 1e6, 'µs'] : [s * 1e9, 'ns'];
  // 4 significant digits, trailing zeros dropped: 22.75 µs, 606 ms, 17 min
  const txt = Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(4).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return `${txt} ${u}`;
}

/** Format a metric's value with its unit when the name has one (times auto-scaled), else as a plain number. */
export function formatMetric(name: string, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const u = metricTimeUnit(name);
  if (u) return formatSeconds(convertTime(value, u, 's'));
  return formatPlain(value);
}

/** A plain number, 4 significant digits (6 from 1000 up), trailing zeros dropped; exponent outside 1e-3…1e6. */
export function formatPlain(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3).replace(/\.?0+e/, 'e');
  if (Number.isInteger(v)) return String(v);
  return v.toPrecision(a >= 1000 ? 6 : 4).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

export type Direction = 'lower' | 'higher';

/**
 * Which way a metric is better, from its name; null when neither (counts,
 * exact reference values). Times and losses: lower. Accuracies, ratios,
 * alignments, gradient flow, rates, fractions: higher. The seed report wants
 * the linear-interpolation R² near 0 (docs/benchmarks.md, quality metrics): lower.
 */
export function metricDirection(name: string): Direction | null {
  const n = name.toLowerCase();
  if (/^exact_|^max_cut$|(^|_)(iterations|evaluations|steps|passes|gates|params|num_?weights|samples)$/.test(n)) return null;
  // whole words only: 'ms_per_iteration' holds 'ratio'
  if (isRate(n) || /(^|[_-])(accuracy|ratio|alignment|speedup)($|_)|gradient_flow|^fraction|^expected_cut$/.test(n)) return 'higher';
  if (metricTimeUnit(n) || /(^|_)(loss|error|mmd2?|truncation|drift|latency|energy)($|_)|linear_interpolation_r2/.test(n)) return 'lower';
  return null;
}

/** 'better' | 'worse' | 'same' of `value` against `baseline`, or null when the direction is not known. */
export function verdict(name: string, baseline: number, value: number): 'better' | 'worse' | 'same' | null {
  const d = metricDirection(name);
  if (!d || !Number.isFinite(baseline) || !Number.isFinite(value)) return null;
  // energy_error is signed (reached − exact): closer to 0 is better
  const [b, v] = /error|drift/.test(name) ? [Math.abs(baseline), Math.abs(value)] : [baseline, value];
  if (v === b) return 'same';
  return (d === 'lower') === (v < b) ? 'better' : 'worse';
}

/** Spread companions (x_min, x_max) are shown with their metric, not as metrics of their own. */
export const isSpreadCompanion = (name: string) => /_(min|max|ci_lo|ci_hi)$/.test(name) && !/^(latency_us_max)$/.test(name);

/** Per kind: the figure the seed suite judges it by (src-main/bench/seed-cases.ts headlines). */
const HEADLINE_SPEED: Record<string, string> = {
  vqe: 'ms_per_iteration',
  qaoa: 's_per_problem',
  qnn: 'us_per_sample_batched',
  qsvm: 's_total',
  qgan: 'us_per_sample_batch32',
  'qgan-train': 's_total',
  circuit: 'ms_simulate',
};
/** Per kind: the quality figure that answers "did the speed cost anything" (docs/benchmarks.md, quality metrics). */
const HEADLINE_QUALITY: Record<string, string> = {
  vqe: 'energy_error',
  qaoa: 'approximation_ratio_expected',
  qnn: 'test_accuracy',
  qsvm: 'test_accuracy',
  qgan: 'truncation_loss',
  'qgan-train': 'mmd2_to_target',
};

/** The kind's headline speed metric if `available` has it, else the first time metric, else the first key. */
export function headlineSpeedMetric(kind: string, available: string[]): string | null {
  const h = HEADLINE_SPEED[kind];
  if (h && available.includes(h)) return h;
  const keys = available.filter((k) => !isSpreadCompanion(k));
  return keys.find((k) => metricTimeUnit(k)) ?? keys[0] ?? null;
}

export function headlineQualityMetric(kind: string, available: string[]): string | null {
  const h = HEADLINE_QUALITY[kind];
  if (h && available.includes(h)) return h;
  return available.find((k) => metricDirection(k)) ?? available[0] ?? null;
}

/** A metric's axis name: 'us_per_sample_batch32 (µs)'. */
export function metricAxisName(name: string): string {
  const u = metricTimeUnit(name);
  return u ? `${name} (${TIME_UNIT_LABEL[u]})` : name;
}
