// Deciding between two sets of measurements (a quantum model and a classical
// baseline over the same trials; two backends over repeated runs) the way a
// careful paper does: means with t-based 95% CIs, Welch's t-test (the
// Welch–Satterthwaite degrees of freedom, the exact Student-t distribution),
// the paired t-test where trials share their data splits, a bootstrap CI of
// the difference, Hedges' g, and Holm's correction when one model is compared
// with several baselines. The tests and the t distribution come from stdlib
// (@stdlib/stats-*); the bootstrap and the effect size are a few lines each.
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import padjust from '@stdlib/stats-padjust';
import ttest from '@stdlib/stats-ttest';
import ttest2 from '@stdlib/stats-ttest2';
import { Rng } from '../random';

export const ALPHA = 0.05;

export interface MeanCi {
  n: number;
  mean: number;
  sd: number;
  ciLow: number;
  ciHigh: number;
}

const meanOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function sdOf(xs: readonly number[], mean = meanOf(xs)): number {
  if (xs.length < 2) return 0;
  return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
}

/** Mean with its t-based (1 − alpha) CI; n = 1 has no interval (the CI is the value). */
export function meanCi(xs: readonly number[], alpha = ALPHA): MeanCi {
  if (!xs.length) throw new RangeError('meanCi: no values');
  const mean = meanOf(xs), sd = sdOf(xs, mean), n = xs.length;
  const half = n > 1 ? tQuantile(1 - alpha / 2, n - 1) * (sd / Math.sqrt(n)) : 0;
  return { n, mean, sd, ciLow: mean - half, ciHigh: mean + half };
}

/**
 * Geometric mean with its CI (the t interval of the logs, exponentiated): for
 * times and other positive, multiplicatively spread values, whose arithmetic
 * CI can reach below zero.
 */
export function geometricMeanCi(xs: readonly number[], alpha = ALPHA): MeanCi {
  if (xs.some((v) => !(v > 0))) throw new RangeError('a geometric mean needs positive values');
  const l = meanCi(xs.map(Math.log), alpha);
  return { n: l.n, mean: Math.exp(l.mean), sd: sdOf(xs), ciLow: Math.exp(l.ciLow), ciHigh: Math.exp(l.ciHigh) };
}

export interface TTest {
  /** x − y (paired: the mean of the differences). */
  difference: number;
  ciLow: number;
  ciHigh: number;
  t: number;
  df: number;
  p: number;
}

/**
 * Welch's two-sample t-test of mean(x) − mean(y): unequal variances,
 * Welch–Satterthwaite df, two-sided p from the Student-t distribution.
 * Both samples constant: the difference is exact (p 0 or 1, a zero-width CI).
 */
export function welchTest(x: readonly number[], y: readonly number[], alpha = ALPHA): TTest {
  if (x.length < 2 || y.length < 2) throw new RangeError(`Welch's t-test needs at least 2 values per group (got ${x.length} and ${y.length})`);
  const d = meanOf(x) - meanOf(y);
  if (sdOf(x) === 0 && sdOf(y) === 0) return exact(d, x.length + y.length - 2);
  const r = ttest2([...x], [...y], { alpha, variance: 'unequal' });
  return { difference: d, ciLow: r.ci[0], ciHigh: r.ci[1], t: r.statistic, df: r.df, p: r.pValue };
}

/** The paired t-test of x[i] − y[i] (the trials share their data splits and seeds). */
export function pairedTest(x: readonly number[], y: readonly number[], alpha = ALPHA): TTest {
  if (x.length !== y.length) throw new RangeError(`a paired test needs as many values on each side (got ${x.length} and ${y.length})`);
  if (x.length < 2) throw new RangeError('a paired test needs at least 2 pairs');
  const diffs = x.map((v, i) => v - y[i]);
  const d = meanOf(diffs);
  if (sdOf(diffs) === 0) return exact(d, x.length - 1);
  const r = ttest([...x], [...y], { alpha });
  return { difference: d, ciLow: r.ci[0], ciHigh: r.ci[1], t: r.statistic, df: r.df, p: r.pValue };
}

/** Every pair differed by the same amount: no sampling uncertainty left in the difference. */
function exact(d: number, df: number): TTest {
  return { difference: d, ciLow: d, ciHigh: d, t: d === 0 ? 0 : Math.sign(d) * Infinity, df, p: d === 0 ? 1 : 0 };
}

/**
 * Percentile bootstrap CI of mean(x) − mean(y): B resamples with a seeded
 * generator (the same inputs give the same interval). Paired: the pairs are
 * resampled together, keeping what the trials share.
 */
export function bootstrapDifferenceCi(x: readonly number[], y: readonly number[], o: { paired?: boolean; resamples?: number; seed?: number; alpha?: number } = {}): { ciLow: number; ciHigh: number; resamples: number } {
  const B = o.resamples ?? 10_000, alpha = o.alpha ?? ALPHA, rng = new Rng(o.seed ?? 12345);
  if (o.paired && x.length !== y.length) throw new RangeError('a paired bootstrap needs as many values on each side');
  const stats = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    if (o.paired) {
      let s = 0;
      for (let i = 0; i < x.length; i++) {
        const j = rng.int(x.length);
        s += x[j] - y[j];
      }
      stats[b] = s / x.length;
    } else {
      let sx = 0, sy = 0;
      for (let i = 0; i < x.length; i++) sx += x[rng.int(x.length)];
      for (let i = 0; i < y.length; i++) sy += y[rng.int(y.length)];
      stats[b] = sx / x.length - sy / y.length;
    }
  }
  stats.sort();
  const at = (q: number) => stats[Math.min(B - 1, Math.max(0, Math.round(q * (B - 1))))];
  return { ciLow: at(alpha / 2), ciHigh: at(1 - alpha / 2), resamples: B };
}

/**
 * Hedges' g: Cohen's d (difference of means over the pooled SD; paired: the
 * mean difference over the SD of the differences, d_z) times the small-sample
 * correction J = 1 − 3 / (4·df − 1). Null when the spread is zero.
 */
export function hedgesG(x: readonly number[], y: readonly number[], paired = false): number | null {
  let d: number, df: number;
  if (paired) {
    const diffs = x.map((v, i) => v - y[i]);
    const s = sdOf(diffs);
    if (s === 0) return null;
    d = meanOf(diffs) / s;
    df = diffs.length - 1;
  } else {
    const nx = x.length, ny = y.length;
    const pooled = Math.sqrt(((nx - 1) * sdOf(x) ** 2 + (ny - 1) * sdOf(y) ** 2) / (nx + ny - 2));
    if (pooled === 0) return null;
    d = (meanOf(x) - meanOf(y)) / pooled;
    df = nx + ny - 2;
  }
  return d * (1 - 3 / (4 * df - 1));
}

/** Holm's step-down adjustment of p-values (family-wise error rate), in the given order. */
export function holm(ps: readonly number[]): number[] {
  return ps.length <= 1 ? [...ps] : padjust([...ps], 'holm');
}

/** Words for an effect size (Cohen's conventional thresholds). */
export function effectWords(g: number | null): string {
  if (g === null) return 'no spread';
  const a = Math.abs(g);
  return a < 0.2 ? 'negligible' : a < 0.5 ? 'small' : a < 0.8 ? 'medium' : 'large';
}

/**
 * How many times larger x is than y, from the paired (or Welch) t-test on
 * log values: the ratio of geometric means with its CI. For times, which are
 * positive and spread multiplicatively.
 */
export function ratioTest(x: readonly number[], y: readonly number[], paired: boolean, alpha = ALPHA): { ratio: number; ciLow: number; ciHigh: number; p: number } {
  if ([...x, ...y].some((v) => !(v > 0))) throw new RangeError('a ratio needs positive values');
  const lx = x.map(Math.log), ly = y.map(Math.log);
  const r = paired ? pairedTest(lx, ly, alpha) : welchTest(lx, ly, alpha);
  return { ratio: Math.exp(r.difference), ciLow: Math.exp(r.ciLow), ciHigh: Math.exp(r.ciHigh), p: r.p };
}

/** A p-value as people write it: "p = 0.041", "p < 0.001". */
export function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`;
}
