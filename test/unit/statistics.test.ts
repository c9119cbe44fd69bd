// The statistics behind validations and comparisons, checked against
// published reference values: Student's sleep data (R's `sleep`, as in
// t.test's documentation), the Welch example of Wikipedia's "Welch's t-test",
// tabulated t quantiles, R's p.adjust, and SciPy's percentile bootstrap.
import { describe, expect, it } from 'vitest';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { compareRunGroups } from '../../src-shared/analysis/run-statistics';
import type { Run } from '../../src-shared/project/schema';
import { bootstrapDifferenceCi, formatP, hedgesG, holm, meanCi, pairedTest, ratioTest, welchTest } from '../../src-shared/ml/statistics';

// Student (1908): extra hours of sleep with two drugs, the same 10 patients.
const drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('t-tests against published values', () => {
  it("Welch's test on the sleep data: t = −1.8608, df = 17.776, p = 0.0794, CI −3.3655 … 0.2055 (R t.test)", () => {
    const r = welchTest(drug1, drug2);
    expect(r.difference).toBeCloseTo(-1.58, 10);
    expect(r.t).toBeCloseTo(-1.8608, 4);
    expect(r.df).toBeCloseTo(17.7765, 3);
    expect(r.p).toBeCloseTo(0.07939, 5);
    expect(r.ciLow).toBeCloseTo(-3.3654832, 5);
    expect(r.ciHigh).toBeCloseTo(0.2054832, 5);
  });
  it("Welch's test, Wikipedia's example 1: t = −2.46, df = 24.99, p = 0.021", () => {
    const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const r = welchTest(a1, a2);
    expect(r.t).toBeCloseTo(-2.46, 2);
    expect(r.df).toBeCloseTo(24.99, 2);
    expect(r.p).toBeCloseTo(0.021, 3);
  });
  it('the paired test on the sleep data: t = −4.0621, df = 9, p = 0.002833, CI −2.4599 … −0.7001', () => {
    const r = pairedTest(drug1, drug2);
    expect(r.t).toBeCloseTo(-4.0621, 4);
    expect(r.df).toBe(9);
    expect(r.p).toBeCloseTo(0.002833, 6);
    expect(r.ciLow).toBeCloseTo(-2.4598858, 5);
    expect(r.ciHigh).toBeCloseTo(-0.7001142, 5);
  });
  it('t quantiles match the tables: t(0.975; 1) = 12.706, t(0.975; 10) = 2.228, t(0.95; 5) = 2.015', () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(tQuantile(0.95, 5)).toBeCloseTo(2.015, 3);
  });
  it('a mean with its t-based CI: sleep drug 2, mean 2.33, CI 0.8976 … 3.7624', () => {
    const m = meanCi(drug2);
    expect(m.mean).toBeCloseTo(2.33, 10);
    expect(m.ciLow).toBeCloseTo(0.8976, 3);
    expect(m.ciHigh).toBeCloseTo(3.7624, 3);
  });
  it('identical or constant samples: an exact difference, no NaN', () => {
    expect(pairedTest([0.9, 0.8, 0.95], [0.9, 0.8, 0.95])).toMatchObject({ difference: 0, p: 1, ciLow: 0, ciHigh: 0 });
    expect(pairedTest([1, 2, 3], [0, 1, 2])).toMatchObject({ difference: 1, p: 0 });
    expect(welchTest([1, 1], [1, 1]).p).toBe(1);
    expect(() => pairedTest([1, 2], [1])).toThrow(/as many/);
    expect(() => welchTest([1], [1, 2])).toThrow(/at least 2/);
  });
});

describe('effect size, multiple comparisons, bootstrap', () => {
  it("Hedges' g on the sleep data: independent −0.797, paired (d_z) −1.174", () => {
    expect(hedgesG(drug1, drug2)).toBeCloseTo(-0.797, 3);
    expect(hedgesG(drug1, drug2, true)).toBeCloseTo(-1.1745, 3);
    expect(hedgesG([1, 1, 1], [1, 1, 1])).toBeNull();
  });
  it("Holm's adjustment matches R's p.adjust(c(.01,.02,.03,.04,.05), 'holm')", () => {
    const adj = holm([0.01, 0.02, 0.03, 0.04, 0.05]);
    [0.05, 0.08, 0.09, 0.09, 0.09].forEach((v, i) => expect(adj[i]).toBeCloseTo(v, 10));
    expect(holm([0.3])).toEqual([0.3]);
  });
  it("the percentile bootstrap agrees with SciPy's (sleep data, 200 000 resamples): paired −2.38 … −0.95, independent −3.15 … 0.00", () => {
    const paired = bootstrapDifferenceCi(drug1, drug2, { paired: true, resamples: 40_000, seed: 3 });
    expect(paired.ciLow).toBeCloseTo(-2.38, 1);
    expect(paired.ciHigh).toBeCloseTo(-0.95, 1);
    const ind = bootstrapDifferenceCi(drug1, drug2, { resamples: 40_000, seed: 3 });
    expect(ind.ciLow).toBeCloseTo(-3.15, 1);
    expect(ind.ciHigh).toBeCloseTo(0.0, 1);
    // Seeded: the same inputs give the same interval.
    expect(bootstrapDifferenceCi(drug1, drug2, { paired: true, resamples: 2000, seed: 9 })).toEqual(bootstrapDifferenceCi(drug1, drug2, { paired: true, resamples: 2000, seed: 9 }));
  });
  it('ratios of positive values on the log scale: 2× slower with a CI around 2', () => {
    const fast = [10, 11, 9.5, 10.5, 10.2], slow = fast.map((v, i) => 2 * v * (1 + 0.01 * (i - 2)));
    const r = ratioTest(slow, fast, true);
    expect(r.ratio).toBeCloseTo(2, 1);
    expect(r.ciLow).toBeLessThan(2.01);
    expect(r.ciHigh).toBeGreaterThan(1.99);
    expect(r.p).toBeLessThan(0.001);
    expect(() => ratioTest([1, 0], [1, 2], false)).toThrow(/positive/);
  });
  it('writes p-values as papers do', () => {
    expect(formatP(0.41)).toBe('p = 0.41');
    expect(formatP(0.0041)).toBe('p = 0.004');
    expect(formatP(0.00001)).toBe('p < 0.001');
  });
});

describe('backends and configurations compared by their runs', () => {
  const run = (id: string, backend: 'native-avx2' | 'webgpu', ms: number, ci?: [number, number]): Run => ({
    id, experimentId: 'vqe', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1, status: 'completed', settings: { backend, precision: 'f64', threads: 0 },
    result: {
      kind: 'vqe', params: {}, quality: {}, curves: {}, phases: {}, details: {},
      metrics: { ms_per_iteration: ms, ...(ci ? { ms_per_iteration_ci_lo: ci[0], ms_per_iteration_ci_hi: ci[1] } : {}), iterations: 10 },
      env: { quench: '0', cpu: 'x', logicalCores: 2, isa: 'avx2', precision: 'f64', threads: 2, backend, node: '20', platform: 'linux' },
    },
  });
  it('tests repeated runs with Welch on log times: a 2× slower backend, and an indistinguishable one', () => {
    const native = [1.0, 1.05, 0.97, 1.02, 0.99].map((v, i) => run(`n${i}`, 'native-avx2', v));
    const gpu = [2.0, 2.1, 1.95, 2.04, 1.98].map((v, i) => run(`g${i}`, 'webgpu', v));
    const r = compareRunGroups([...native, ...gpu]);
    expect(r.groups).toHaveLength(2);
    const [c] = r.comparisons;
    expect(c).toMatchObject({ metric: 'ms_per_iteration', method: 'welch', significant: true, n: [5, 5] });
    expect(c.ratio).toBeCloseTo(2, 1);
    expect(c.verdict).toMatch(/^2(\.\d+)?× slower than the baseline \(95% CI/);
    const same = compareRunGroups([...native, ...[1.01, 0.98, 1.03, 1.0, 0.99].map((v, i) => run(`h${i}`, 'webgpu', v))]).comparisons[0];
    expect(same.significant).toBe(false);
    expect(same.verdict).toMatch(/^no significant difference/);
  });
  it('single runs are judged by their own CIs, never by a test they cannot support', () => {
    const apart = compareRunGroups([run('a', 'native-avx2', 1, [0.95, 1.05]), run('b', 'webgpu', 2, [1.9, 2.1])]).comparisons[0];
    expect(apart).toMatchObject({ method: 'ci-overlap', significant: true });
    const overlap = compareRunGroups([run('a', 'native-avx2', 1, [0.8, 1.3]), run('b', 'webgpu', 1.1, [0.9, 1.4])]).comparisons[0];
    expect(overlap.significant).toBe(false);
    expect(overlap.verdict).toMatch(/within noise/);
    expect(compareRunGroups([run('a', 'native-avx2', 1)]).comparisons).toEqual([]);
  });
});
