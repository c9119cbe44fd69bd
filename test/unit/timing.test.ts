// The statistics every reported time goes through: the median's 95% CI from
// order statistics, Tukey's outer-fence outliers, and the instability flags.
import { describe, expect, it } from 'vitest';
import { bestSpeedRow, type SweepRow } from '../../src-shared/analysis/sweeps';
import { medianCiRanks, sampleUntilStable, spread, spreadMetrics, unstableOf } from '../../src-shared/workloads/timing';
import { watchLoad } from '../../src-main/engine/load';
import { describeLoad } from '../../src-shared/results';

describe('timing statistics', () => {
  it('bounds the median by the binomial order statistics (n=10: ranks 2..9, n=100: 40..61)', () => {
    expect(medianCiRanks(5)).toEqual([1, 5]);
    expect(medianCiRanks(10)).toEqual([2, 9]);
    expect(medianCiRanks(100)).toEqual([40, 61]);
  });

  it('covers the true median of a skewed distribution about 95% of the time', () => {
    // Exponential(1): median ln 2. 2000 experiments of 25 samples, seeded.
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
    let covered = 0;
    for (let e = 0; e < 2000; e++) {
      const s = spread(Array.from({ length: 25 }, () => -Math.log(rand())));
      if (s.ciLow! <= Math.LN2 && Math.LN2 <= s.ciHigh!) covered++;
    }
    expect(covered / 2000).toBeGreaterThan(0.93);
    expect(covered / 2000).toBeLessThan(0.99);
  });

  it('flags a wide CI and outliers, and not a tight run', () => {
    const tight = spread([10, 10.1, 9.9, 10.05, 9.95, 10.02, 9.98, 10.01]);
    expect(tight.unstable).toBeUndefined();
    expect(tight.outliers).toBe(0);
    const noisy = spread([406, 420, 900, 2000, 10920, 450, 3000, 700]);
    expect(noisy.unstable?.join(' ')).toMatch(/95% CI of the median ±\d+%/);
    const spikes = spread([10, 10, 10, 10.1, 10, 9.9, 10, 10, 10, 10.1, 10, 80, 90]);
    expect(spikes.outliers).toBe(2);
    expect(spikes.unstable?.join(' ')).toMatch(/2 of 13 samples are outliers/);
  });

  it('writes the CI beside the metric and gathers only unstable spreads', () => {
    const s = spread([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(spreadMetrics('ms', s)).toEqual({ ms: 5.5, ms_min: 1, ms_max: 10, ms_ci_lo: 2, ms_ci_hi: 9 });
    expect(unstableOf({ a: spread([10, 10, 10, 10]) })).toEqual({});
    expect(Object.keys(unstableOf({ a: spread([1, 50, 2, 90, 3, 70, 4]) }).unstable ?? {})).toEqual(['a']);
  });
});

describe('repeats that follow the noise', () => {
  const busy = (ms: number) => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      /* spin */
    }
  };
  it('stops at the minimum once the CI is tight, and goes on to the maximum while it is not', () => {
    // Two modes 1 ms apart, alternating: the median's CI spans both, so it never narrows.
    let i = 0;
    const bimodal = sampleUntilStable(() => busy(i++ % 2 ? 1.5 : 0.2), { minRepeats: 6, maxRepeats: 24, budgetMs: 1e9 });
    expect(bimodal.length).toBe(24);
    // The same budget cuts it short: at least the minimum, and no more calls than the budget allows.
    const cut = sampleUntilStable(() => busy(2), { minRepeats: 3, maxRepeats: 1000, budgetMs: 10, targetCi: 0 });
    expect(cut.length).toBeGreaterThanOrEqual(3);
    expect(cut.length).toBeLessThanOrEqual(6);
  });
});

describe('ranking sweep points', () => {
  const row = (key: string, speed: number, ci: [number, number], unstable?: string[]): SweepRow => ({ key, point: {}, state: 'completed', runIds: [], speed, quality: null, speedCi: ci, ...(unstable ? { unstable } : {}) });
  it('names the fastest point only when its CI is clear of the others', () => {
    expect(bestSpeedRow([row('a', 10, [9, 11]), row('b', 20, [19, 21])], true)).toMatchObject({ key: 'a', tied: [] });
    const tie = bestSpeedRow([row('a', 10, [8, 15]), row('b', 12, [11, 13]), row('c', 30, [29, 31])], true);
    expect(tie.key).toBeNull();
    expect(tie.tied).toEqual(['a', 'b']);
    expect(bestSpeedRow([row('a', 10, [9, 11], ['other processes used 1.0 of 2 cores']), row('b', 20, [19, 21])], true).reason).toMatch(/unstable/);
    expect(bestSpeedRow([row('a', 10, [9, 11]), row('b', 20, [19, 21])], false).key).toBe('b');
  });
});

describe('the load around a run', () => {
  it('does not claim to know what other processes used during a run too short to measure', () => {
    const stop = watchLoad();
    const load = stop();
    if (process.platform !== 'linux') return expect(load).toBeNull();
    expect(load!.othersCores).toBeUndefined();
    expect(load!.busy).toBeUndefined();
    expect(describeLoad(load!)).toMatch(/too short to tell/);
    expect(describeLoad({ loadBefore: 1, loadAfter: 2, othersCores: 0.97, busy: 'other processes used 1.0 of 2 cores' })).toBe(
      'other processes used 0.97 cores, load average 1.00 → 2.00 — BUSY: other processes used 1.0 of 2 cores',
    );
  });
});
