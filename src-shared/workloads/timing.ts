// Timing helpers for runs and benchmarks: wall clock per phase, and
// median/min/max/p95 of repeated measurements (simple-statistics).
import { max, median, min, quantileSorted } from 'simple-statistics';
import type { Spread } from '../results';

export const now = (): number => performance.now();

export function spread(samples: number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: median(sorted), min: min(sorted), max: max(sorted), p95: quantileSorted(sorted, 0.95), samples: sorted.length };
}

/** Accumulates milliseconds per named phase. */
export class PhaseClock {
  readonly phases: Record<string, number> = {};
  time<T>(phase: string, fn: () => T): T {
    const t0 = now();
    try {
      return fn();
    } finally {
      this.phases[phase] = (this.phases[phase] ?? 0) + (now() - t0);
    }
  }
  /** time() for work that finishes later (a GPU call): counts until it settles. */
  async timeAsync<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const t0 = now();
    try {
      return await fn();
    } finally {
      this.phases[phase] = (this.phases[phase] ?? 0) + (now() - t0);
    }
  }
}
