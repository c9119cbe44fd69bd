// Timing for runs and benchmarks: wall clock per phase, and the statistics of
// repeated measurements the way pyperf, hyperfine and Criterion report them —
// the median with a distribution-free 95% confidence interval, Tukey's
// outliers, and a plain statement when the figure is not to be trusted.
import { max, median, min, quantileSorted } from 'simple-statistics';
import type { Spread } from '../results';

export const now = (): number => performance.now();

/** A median whose 95% CI is wider than this share of it (either side) is flagged. */
export const UNSTABLE_CI = 0.1;
/** More than this share of samples beyond the outer fences is flagged. */
export const UNSTABLE_OUTLIERS = 0.1;

/**
 * 1-based ranks (lo, hi) of the order statistics bounding a 95% CI of the
 * median of n samples: the widest l with P(B ≤ l − 1) ≤ 2.5% for
 * B ~ Binomial(n, ½), so [x(l), x(n+1−l)] covers the median with at least
 * 95% whatever the distribution (exact; n < 6 has no interval narrower than
 * the range).
 */
export function medianCiRanks(n: number): [number, number] {
  if (n < 1) return [1, 1];
  let l = 1, cdf = 0, logC = 0; // log C(n, k)
  for (let k = 0; k < n; k++) {
    cdf += Math.exp(logC - n * Math.LN2);
    if (cdf > 0.025) break;
    if (k + 1 <= n / 2) l = k + 1;
    logC += Math.log((n - k) / (k + 1));
  }
  return [l, n + 1 - l];
}

export function spread(samples: number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const m = median(sorted);
  const [lo, hi] = medianCiRanks(n);
  const out: Spread = { median: m, min: min(sorted), max: max(sorted), p95: quantileSorted(sorted, 0.95), samples: n, ciLow: sorted[lo - 1], ciHigh: sorted[hi - 1] };
  if (n >= 4) {
    const q1 = quantileSorted(sorted, 0.25), q3 = quantileSorted(sorted, 0.75), iqr = q3 - q1;
    out.outliers = sorted.filter((v) => v < q1 - 3 * iqr || v > q3 + 3 * iqr).length;
  }
  const reasons = instability(out);
  if (reasons.length) out.unstable = reasons;
  return out;
}

/** Why a spread's median should not be trusted; empty when it can be. */
export function instability(s: Spread): string[] {
  const reasons: string[] = [];
  if (s.samples < 3) return reasons; // too few repeats to judge: said by `samples`
  const half = Math.max(s.median - (s.ciLow ?? s.median), (s.ciHigh ?? s.median) - s.median);
  if (s.median > 0 && half / s.median > UNSTABLE_CI)
    reasons.push(`95% CI of the median ±${((100 * half) / s.median).toFixed(0)}% (over ±${100 * UNSTABLE_CI}%)`);
  if (s.outliers && s.outliers / s.samples > UNSTABLE_OUTLIERS) reasons.push(`${s.outliers} of ${s.samples} samples are outliers`);
  return reasons;
}

/** The metrics a spread adds under `key`: the median, and key_min/_max/_ci_lo/_ci_hi beside it. */
export function spreadMetrics(key: string, s: Spread): Record<string, number> {
  const m: Record<string, number> = { [key]: s.median, [`${key}_min`]: s.min, [`${key}_max`]: s.max };
  if (s.ciLow !== undefined && s.ciHigh !== undefined) {
    m[`${key}_ci_lo`] = s.ciLow;
    m[`${key}_ci_hi`] = s.ciHigh;
  }
  return m;
}

/** A run's `unstable` field from its named spreads: present only when one of them is. */
export function unstableOf(spreads: Record<string, Spread>): { unstable?: Record<string, string[]> } {
  const u: Record<string, string[]> = {};
  for (const [k, s] of Object.entries(spreads)) if (s.unstable?.length) u[k] = s.unstable;
  return Object.keys(u).length ? { unstable: u } : {};
}

export interface AdaptiveOptions {
  /** Untimed calls first (default 1). */
  warmup?: number;
  minRepeats?: number;
  maxRepeats?: number;
  /** Stop once the median's 95% CI is within ±this share of it (default UNSTABLE_CI / 2). */
  targetCi?: number;
  /** Stop after this much time in timed calls, ms (default 2000). */
  budgetMs?: number;
}

/**
 * Times fn (ms per call) until the median's CI is narrow enough or the budget
 * is spent, as hyperfine and pyperf do: the number of repeats follows the
 * noise instead of being fixed. Returns the samples (after the warm-up calls).
 */
export function sampleUntilStable(fn: () => unknown, o: AdaptiveOptions = {}): number[] {
  const minR = o.minRepeats ?? 7, maxR = Math.max(minR, o.maxRepeats ?? 200), budget = o.budgetMs ?? 2000, target = o.targetCi ?? UNSTABLE_CI / 2;
  for (let i = 0; i < (o.warmup ?? 1); i++) fn();
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < maxR) {
    const t0 = now();
    fn();
    const dt = now() - t0;
    samples.push(dt);
    spent += dt;
    if (settled(samples, minR, target) || (samples.length >= minR && spent >= budget)) break;
  }
  return samples;
}

/**
 * sampleUntilStable for figures a run reports itself (a metric of a whole
 * experiment run): calls sample() until the median's CI is within target or
 * the wall-clock budget is spent, continuing from samples the caller already has.
 */
export async function collectUntilStable(sample: () => Promise<number>, o: AdaptiveOptions = {}, first: number[] = []): Promise<number[]> {
  const minR = o.minRepeats ?? 5, maxR = Math.max(minR, o.maxRepeats ?? 30), budget = o.budgetMs ?? 2000, target = o.targetCi ?? UNSTABLE_CI / 2;
  const samples = [...first];
  const t0 = now();
  while (samples.length < maxR) {
    samples.push(await sample());
    if (settled(samples, minR, target) || (samples.length >= minR && now() - t0 >= budget)) break;
  }
  return samples;
}

function settled(samples: number[], minRepeats: number, target: number): boolean {
  if (samples.length < minRepeats) return false;
  const s = spread(samples);
  return Math.max(s.median - s.ciLow!, s.ciHigh! - s.median) <= target * s.median;
}

/** One stretch of a phase on the clock (ms on performance.now()'s scale). */
export interface TimelineEvent {
  phase: string;
  start: number;
  end: number;
}

/** Events kept per profiled run; later ones are merged into the last of their phase. */
export const MAX_TIMELINE_EVENTS = 20_000;
let timeline: TimelineEvent[] | null = null;

/** Starts (on) or ends recording every PhaseClock stretch into a timeline; returns what was recorded. */
export function recordTimeline(on: boolean): TimelineEvent[] {
  const out = timeline ?? [];
  timeline = on ? [] : null;
  return out;
}

/** Records a stretch timed without a PhaseClock (a workload's own clock) into the timeline. */
export function markPhase(phase: string, start: number, end: number): void {
  mark(phase, start, end);
}

function mark(phase: string, start: number, end: number): void {
  if (!timeline) return;
  const last = timeline[timeline.length - 1];
  // Back-to-back stretches of one phase (an optimizer's many small steps) are one event.
  if (last && last.phase === phase && start - last.end < 0.05) last.end = end;
  else if (timeline.length < MAX_TIMELINE_EVENTS) timeline.push({ phase, start, end });
  else if (last) last.end = end;
}

/** Accumulates milliseconds per named phase (and, while a profile records, a timeline). */
export class PhaseClock {
  readonly phases: Record<string, number> = {};
  time<T>(phase: string, fn: () => T): T {
    const t0 = now();
    try {
      return fn();
    } finally {
      const t1 = now();
      this.phases[phase] = (this.phases[phase] ?? 0) + (t1 - t0);
      mark(phase, t0, t1);
    }
  }
  /** time() for work that finishes later (a GPU call): counts until it settles. */
  async timeAsync<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const t0 = now();
    try {
      return await fn();
    } finally {
      const t1 = now();
      this.phases[phase] = (this.phases[phase] ?? 0) + (t1 - t0);
      mark(phase, t0, t1);
    }
  }
}
