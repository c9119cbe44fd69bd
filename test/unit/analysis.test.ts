// The analysis behind the Scaling, Sweeps, Compare and Hardware views, on
// results the engine really produces (small instances of the seed workloads,
// a small gates benchmark) rather than hand-made numbers.
import { beforeAll, describe, expect, it } from 'vitest';
import { benchGates } from '../../src-main/bench/gates';
import { benchQgan, trainQgan } from '../../src-main/engine/workloads/qgan';
import { runQnn } from '../../src-main/engine/workloads/qnn';
import { runQsvm } from '../../src-main/engine/workloads/qsvm';
import { runScale } from '../../src-main/engine/workloads/scale';
import { backendComparison, benchmarkBackend, benchmarkRows, defaultComparisonPair, engineAdapter, fractionByKind, machines, parseIntList } from '../../src-shared/analysis/benchmarks';
import { backendGroups, comparisonCsvRows, comparisonJson, configDiff, metricDeltas, overlaidCurves, quantumVsClassical, runLabels } from '../../src-shared/analysis/compare';
import {
  convertTime, formatMetric, formatSeconds, headlineQualityMetric, headlineSpeedMetric, isRate, metricDirection, metricTimeUnit, verdict,
} from '../../src-shared/analysis/metrics';
import { REFERENCES, referenceById, referencesFor, referenceValueIn, SEED_QGAN_BATCH_TABLE } from '../../src-shared/analysis/references';
import { batchMetricsOf, batchSeriesFromRun, batchSeriesFromSweep, isBatchParam, isSizeParam, sampleScalingFromRun, seedBatchSeries, speedupVsSeed, sweepLines, sweepsOver } from '../../src-shared/analysis/scaling';
import { checkGrid, describeParam, gridSuggestions, heatmapData, parallelData, splitValues, sweepableParams, sweepCsvRows, sweepMetricKeys, sweepRows } from '../../src-shared/analysis/sweeps';
import type { RunResult } from '../../src-shared/results';
import { Experiment, GatesReport, type Benchmark, type Run, type Sweep } from '../../src-shared/project/schema';
import { gridPoints, MAX_SWEEP_POINTS } from '../../src-shared/project/sweep';

let n = 0;
function asRun(result: RunResult, over: Partial<Run> = {}): Run {
  return {
    id: `run-${++n}`, experimentId: result.kind, startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), durationMs: 100, status: 'completed',
    settings: { backend: 'native-avx2', precision: 'f64', threads: 0 },
    result: result as unknown as Run['result'],
    ...over,
  };
}
const qganExperiment = Experiment.parse({ id: 'qgan', name: 'CV quantum GAN generator', kind: 'qgan', params: { modes: 4, latent: 4, cutoff: 4, layers: 2 } });

describe('metric names', () => {
  it('read their unit and direction from the name, as the workloads name them', () => {
    expect(metricTimeUnit('us_per_sample_batch32')).toBe('us');
    expect(metricTimeUnit('ms_per_iteration')).toBe('ms');
    expect(metricTimeUnit('s_per_problem')).toBe('s');
    expect(metricTimeUnit('latency_us_p50')).toBe('us');
    expect(metricTimeUnit('qsvm_kernel_s_1000')).toBe('s');
    expect(metricTimeUnit('rbf-svm_fit_ms')).toBe('ms');
    expect(metricTimeUnit('samples_per_s')).toBeNull();
    expect(isRate('samples_per_s')).toBe(true);
    expect(metricTimeUnit('test_accuracy')).toBeNull();

    expect(metricDirection('us_per_sample_batched')).toBe('lower');
    expect(metricDirection('s_total')).toBe('lower');
    expect(metricDirection('truncation_loss')).toBe('lower');
    expect(metricDirection('linear_interpolation_r2')).toBe('lower'); // the seed wants it near 0
    expect(metricDirection('energy_error')).toBe('lower');
    expect(metricDirection('test_accuracy')).toBe('higher');
    expect(metricDirection('approximation_ratio_expected')).toBe('higher');
    expect(metricDirection('gradient_flow')).toBe('higher');
    expect(metricDirection('samples_per_s')).toBe('higher');
    expect(metricDirection('iterations')).toBeNull();
    expect(metricDirection('exact_energy')).toBeNull();
    expect(metricDirection('classical_generator_params')).toBeNull();
  });

  it('judge better and worse by direction; a signed error by its size', () => {
    expect(verdict('ms_per_iteration', 2, 1)).toBe('better');
    expect(verdict('ms_per_iteration', 1, 2)).toBe('worse');
    expect(verdict('test_accuracy', 0.9, 0.95)).toBe('better');
    expect(verdict('test_accuracy', 0.9, 0.9)).toBe('same');
    expect(verdict('energy_error', 1e-3, -1e-4)).toBe('better');
    expect(verdict('iterations', 100, 50)).toBeNull();
  });

  it('format times with a readable unit and pick the headline metrics of each kind', () => {
    expect(formatSeconds(606e-3)).toBe('606 ms');
    expect(formatSeconds(22.754e-6)).toBe('22.8 µs');
    expect(formatSeconds(17 * 60)).toBe('17.0 min');
    expect(formatSeconds(1.5)).toBe('1.50 s');
    expect(formatSeconds(0.61)).toBe('610 ms');
    expect(formatMetric('us_per_sample_batch32', 22.754)).toBe('22.8 µs');
    expect(formatMetric('test_accuracy', 0.92)).toBe('92.0%');
    expect(formatMetric('truncation_loss', 3.6158e-3)).toBe('0.00362');
    expect(formatMetric('gradient_max_rel_error', 6.0e-7)).toBe('6.00 × 10⁻⁷');
    expect(formatMetric('x', null)).toBe('—');
    expect(convertTime(606, 'ms', 'us')).toBeCloseTo(606_000);
    expect(headlineSpeedMetric('qgan', ['us_per_sample_batch1', 'us_per_sample_batch32'])).toBe('us_per_sample_batch32');
    expect(headlineSpeedMetric('scale', ['qnn_us_per_sample_1000', 'qnn_us_per_sample_1000_min', 'qnn_per_sample_drift'])).toBe('qnn_us_per_sample_1000');
    expect(headlineQualityMetric('qnn', ['final_loss', 'test_accuracy'])).toBe('test_accuracy');
  });
});

describe('seed references', () => {
  it('carry the seed documents’ figures in their own units, each with its source', () => {
    for (const r of REFERENCES) {
      expect(r.label.length).toBeGreaterThan(10);
      expect(['seed report', 'seed guide', 'Quench goal']).toContain(r.source);
      expect(r.label).not.toMatch(/BENCHMARKS/);
    }
    // the seed report: ~606 ms per sample; Quench's goal ≤ 60 µs at batch 32
    expect(referenceValueIn(referenceById('qgan-seed'), 'us_per_sample')).toBeCloseTo(606_000);
    expect(referenceValueIn(referenceById('qgan-goal'), 'us_per_sample')).toBe(60);
    expect(referenceValueIn(referenceById('qgan-phase3'), 'us_per_sample', 'upTo')).toBeCloseTo(100_000);
    // the seed guide: VQE < 1 s per iteration, in the metric's ms
    const vqe = referencesFor('vqe', 'ms_per_iteration');
    expect(vqe.map((r) => [r.role, r.valueInMetric])).toEqual([['seed-target', 1000], ['goal', 2]]);
    expect(referencesFor('qnn', 'us_per_sample_batched').map((r) => r.valueInMetric)).toEqual([10_000, 20]);
    expect(referencesFor('qsvm', 's_total').map((r) => r.valueInMetric)).toEqual([60, 1]);
    expect(referencesFor('qgan-train', 's_total')[0].valueInMetric).toBe(1020);
    // the seed's batch table, as printed
    expect(SEED_QGAN_BATCH_TABLE.map((r) => r.ms_per_sample)).toEqual([606, 657, 619, 591, 574]);
  });
});

describe('batch scaling', () => {
  let run: Run;
  beforeAll(async () => {
    run = asRun(await benchQgan({ batches: [1, 4, 32, 256], repeats: 3 }));
  });

  it("reads a qgan run's batch table (the seed report's table, measured)", () => {
    const s = batchSeriesFromRun(run, 'qgan')!;
    expect(s.points.map((p) => p.batch)).toEqual([1, 4, 32, 256]);
    for (const p of s.points) {
      expect(p.usPerSample).toBeGreaterThan(0);
      expect(p.samplesPerS).toBeCloseTo(1e6 / p.usPerSample, 6);
      expect(p.sTotal).toBeCloseTo((p.usPerSample * p.batch) / 1e6, 9);
      expect(p.usMin!).toBeLessThanOrEqual(p.usMax!);
    }
    // against the seed's 606/657/…/574 ms at the same batch; nothing where the seed has no row
    const at32 = s.points.find((p) => p.batch === 32)!;
    expect(speedupVsSeed(at32)).toBeCloseTo(574_000 / at32.usPerSample, 6);
    expect(speedupVsSeed(s.points.find((p) => p.batch === 256)!)).toBeNull();
    expect(batchSeriesFromRun({ ...run, status: 'failed' }, 'x')).toBeNull();
    expect(batchSeriesFromRun({ ...run, result: { ...run.result!, details: {} } }, 'x')).toBeNull();
  });

  it("reads a scale run's sample-count scaling", async () => {
    const r = asRun(await runScale({ sizes: [64, 128], qubits: 4, layers: 1, features: 3 }));
    const s = sampleScalingFromRun(r, 'scale')!;
    expect(s.qnn.map((p) => p.n)).toEqual([64, 128]);
    expect(s.qsvm.map((p) => p.n)).toEqual([64, 128]);
    expect(s.qnn[1].usPerSample).toBe(r.result!.metrics.qnn_us_per_sample_128);
    expect(s.drift).toBeCloseTo(s.qnn[1].usPerSample / s.qnn[0].usPerSample - 1, 12);
    expect(sampleScalingFromRun(run, 'qgan')).toBeNull();
    // the qgan seed table is not a yardstick for another workload
    expect(speedupVsSeed({ batch: 32, sTotal: 0, usPerSample: 10, samplesPerS: 1e5 }, 'qnn')).toBeNull();
  });

  it('gives the seed series from the seed report and recognises batch and size parameters', () => {
    const seed = seedBatchSeries();
    expect(seed.points[0]).toMatchObject({ batch: 1, usPerSample: 606_000, samplesPerS: 1.65, sTotal: 0.61 });
    expect(['batch', 'batchSize', 'inferenceBatch'].every(isBatchParam)).toBe(true);
    expect(isBatchParam('batches')).toBe(false);
    expect(['qubits', 'nodes', 'features', 'modes', 'cutoff'].every(isSizeParam)).toBe(true);
  });
});

describe('a cutoff × layers sweep over the seed generator', () => {
  const grid = { cutoff: [2, 3, 4], layers: [1, 2] };
  let sweep: Sweep;
  let byId: Map<string, Run>;
  beforeAll(async () => {
    const points = gridPoints(grid);
    const runs: Run[] = [];
    for (const p of points) runs.push(asRun(await benchQgan({ ...(p as { cutoff: number; layers: number }), batches: [32], repeats: 2 }), { experimentId: 'qgan', overrides: p, sweepId: 'sweep-1' }));
    sweep = { id: 'sweep-1', experimentId: 'qgan', name: 'cutoff × layers', createdAt: '2026-01-01T00:00:00.000Z', grid, runIds: runs.map((r) => r.id) };
    byId = new Map(runs.map((r) => [r.id, r]));
  });

  it('tabulates every grid point with speed and quality, matched by overrides', () => {
    const keys = sweepMetricKeys(sweep, byId);
    expect(keys.metrics).toContain('us_per_sample_batch32');
    expect(keys.metrics).not.toContain('us_per_sample_batch32_min');
    expect(keys.quality).toContain('truncation_loss');
    const rows = sweepRows(sweep, byId, { speed: 'us_per_sample_batch32', quality: 'truncation_loss' });
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.state === 'completed' && r.speed! > 0 && r.quality !== null)).toBe(true);
    // a larger cutoff truncates less: 1 − ‖ψ‖² falls as the Fock space grows (what "cutoff 4 → 3" costs)
    const trunc = (c: number) => rows.find((r) => r.point.cutoff === c && r.point.layers === 2)!.quality!;
    expect(trunc(2)).toBeGreaterThan(trunc(3));
    expect(trunc(3)).toBeGreaterThan(trunc(4));
    const csv = sweepCsvRows(sweep, rows, 'us_per_sample_batch32', 'truncation_loss');
    expect(Object.keys(csv[0])).toEqual(['cutoff', 'layers', 'state', 'us_per_sample_batch32 (µs)', 'truncation_loss', 'runs']);
  });

  it('marks points by where their run is: stored, running, queued, or deleted', () => {
    const points = gridPoints(grid);
    const first = [...byId.values()][0];
    const s: Sweep = { ...sweep, runIds: [first.id, 'live-1', 'live-2', 'x', 'y', 'z'] };
    const rows = sweepRows(s, new Map([[first.id, first]]), { speed: 'us_per_sample_batch32', quality: null }, { 'live-1': { fraction: 0.5 }, 'live-2': { fraction: 0 } });
    expect(rows.map((r) => r.state)).toEqual(['completed', 'running', 'queued', 'queued', 'queued', 'queued']);
    expect(rows[1].point).toEqual(points[1]);
    // after a deletion the ids no longer line up with the points: unmatched points are 'missing'
    const rows2 = sweepRows({ ...s, runIds: [first.id] }, new Map([[first.id, first]]), { speed: null, quality: null });
    expect(rows2.filter((r) => r.state === 'missing')).toHaveLength(5);
  });

  it('gives heatmap cells for the two parameters and parallel coordinates for all', () => {
    const rows = sweepRows(sweep, byId, { speed: 'us_per_sample_batch32', quality: 'truncation_loss' });
    const h = heatmapData(sweep, rows, 'speed')!;
    expect(h.xParam).toBe('cutoff');
    expect(h.yParam).toBe('layers');
    expect(h.xs).toEqual(['2', '3', '4']);
    expect(h.ys).toEqual(['1', '2']);
    expect(h.cells).toHaveLength(6);
    expect(h.cells.find(([x, y]) => x === 2 && y === 1)![2]).toBe(rows.find((r) => r.point.cutoff === 4 && r.point.layers === 2)!.speed);
    expect(heatmapData({ ...sweep, grid: { cutoff: [2, 3] } }, rows, 'speed')).toBeNull();

    const p = parallelData(sweep, rows, 'us_per_sample_batch32', 'truncation_loss');
    expect(p.axes.map((a) => a.name)).toEqual(['cutoff', 'layers', 'Time per sample (batch 32)', 'Truncation loss']);
    expect(p.lines).toHaveLength(6);
    expect(p.axes[0]).toEqual({ name: 'cutoff', type: 'category', categories: ['2', '3', '4'] });
    expect(p.lines[0].slice(0, 2)).toEqual(['2', '1']);
  });

  it('draws speed against a size parameter, one line per other parameter', () => {
    const lines = sweepLines(sweep, byId, 'cutoff', 'us_per_sample_batch32', qganExperiment);
    expect(lines.map((l) => l.label)).toEqual(['layers=1', 'layers=2']);
    expect(lines[0].points.map((p) => p.x)).toEqual([2, 3, 4]);
    // each point is its run's measurement (timings are not compared: the machine is shared and noisy)
    const at = (c: number, l: number) => [...byId.values()].find((r) => r.overrides!.cutoff === c && r.overrides!.layers === l)!;
    const m = at(4, 2).result!.metrics;
    // with its run's 95% CI, drawn as an error bar
    expect(lines[1].points[2]).toEqual({ x: 4, y: m.us_per_sample_batch32, runIds: [at(4, 2).id], ci: [m.us_per_sample_batch32_ci_lo, m.us_per_sample_batch32_ci_hi] });
    expect(m.us_per_sample_batch32_ci_lo).toBeLessThanOrEqual(m.us_per_sample_batch32);
    expect(sweepsOver([sweep], isSizeParam)).toEqual([{ sweep, param: 'cutoff' }]);
    expect(sweepsOver([sweep], isBatchParam)).toEqual([]);
  });

  it('turns a batch sweep into time per sample, dividing per-step times by the batch', async () => {
    const runs: Run[] = [];
    for (const b of [4, 16]) runs.push(asRun(await trainQgan({ epochs: 1, stepsPerEpoch: 2, batch: b }), { experimentId: 'qgan-train', overrides: { batch: b } }));
    const s: Sweep = { id: 's2', experimentId: 'qgan-train', name: 'batch', createdAt: '2026-01-01T00:00:00.000Z', grid: { batch: [4, 16] }, runIds: runs.map((r) => r.id) };
    const m = new Map(runs.map((r) => [r.id, r]));
    expect(batchMetricsOf(runs)).toEqual(['ms_per_step']);
    const [series] = batchSeriesFromSweep(s, m, 'batch', 'ms_per_step', 'qgan-train batch');
    expect(series.basis).toBe('ms_per_step ÷ batch');
    expect(series.points[1].usPerSample).toBeCloseTo((runs[1].result!.metrics.ms_per_step * 1000) / 16, 6);
    expect(batchSeriesFromSweep(s, m, 'batch', 'steps', 'x')).toEqual([]);
  });
});

describe('a sweep grid as typed', () => {
  const e = qganExperiment;
  it('accepts the seed question in one grid: cutoff 2–5 × layers 1–3 (12 runs)', () => {
    const s = gridSuggestions('qgan').find((x) => x.id === 'cutoff-layers')!;
    const c = checkGrid(e, s.entries);
    expect(c.ok).toBe(true);
    expect(c.size).toBe(12);
    expect(c.grid).toEqual({ cutoff: [2, 3, 4, 5], layers: [1, 2, 3] });
    for (const kind of ['vqe', 'qaoa', 'qnn', 'qsvm', 'qgan-train'] as const) {
      const ex = Experiment.parse({ id: kind, name: kind, kind, params: {} });
      for (const g of gridSuggestions(kind)) expect(checkGrid(ex, g.entries).ok, `${kind} ${g.id}`).toBe(true);
    }
  });

  it('names the parameter and value that are wrong', () => {
    const bad = checkGrid(e, [{ name: 'cutoff', values: '3, x' }]);
    expect(bad.ok).toBe(false);
    expect(bad.rowErrors[0]).toMatch(/^cutoff: 'x' is not valid — .*number.* \(cutoff takes integer 2–30\)$/);
    expect(checkGrid(e, [{ name: 'cutoff', values: '1, 3' }]).rowErrors[0]).toMatch(/cutoff: '1' is not valid .*2/);
    expect(checkGrid(e, [{ name: 'cutoff', values: '3.5' }]).rowErrors[0]).toMatch(/cutoff: '3.5' is not valid .*integer/);
    expect(checkGrid(e, [{ name: 'cutof', values: '3' }]).rowErrors[0]).toMatch(/'cutof' is not a parameter of qgan \(its parameters: modes, latent, cutoff/);
    expect(checkGrid(e, [{ name: 'cutoff', values: '' }]).rowErrors[0]).toMatch(/cutoff: give at least one value/);
    expect(checkGrid(e, [{ name: 'cutoff', values: '3,,4' }]).rowErrors[0]).toMatch(/cutoff: value 2 is empty/);
    expect(checkGrid(e, [{ name: 'cutoff', values: '3, 3' }]).rowErrors[0]).toMatch(/cutoff: 3 is listed twice/);
    expect(checkGrid(e, [{ name: 'cutoff', values: '3' }, { name: 'cutoff', values: '4' }]).rowErrors[1]).toMatch(/cutoff is already in the grid/);
    expect(checkGrid(e, [{ name: '', values: '3' }]).rowErrors[0]).toBe('choose a parameter');
    expect(checkGrid(e, []).errors).toEqual(['add a parameter to sweep']);
  });

  it('refuses more than MAX_SWEEP_POINTS runs', () => {
    const many = Array.from({ length: 29 }, (_, i) => i + 2).join(',');
    const c = checkGrid(e, [{ name: 'cutoff', values: many }, { name: 'layers', values: Array.from({ length: 40 }, (_, i) => i + 1).join(',') }]);
    expect(c.size).toBe(29 * 40);
    expect(c.size).toBeGreaterThan(MAX_SWEEP_POINTS);
    expect(c.ok).toBe(false);
    expect(c.errors[0]).toMatch(/1,160 points; a sweep runs at most 1000/);
  });

  it('reads numbers, booleans, enums and bracketed lists by the parameter’s type', () => {
    const qnn = Experiment.parse({ id: 'qnn', name: 'qnn', kind: 'qnn', params: {} });
    expect(checkGrid(qnn, [{ name: 'baselines', values: 'true, false' }]).grid.baselines).toEqual([true, false]);
    expect(checkGrid(qnn, [{ name: 'dataset', values: 'moons, circles' }]).grid.dataset).toEqual(['moons', 'circles']);
    expect(checkGrid(qnn, [{ name: 'dataset', values: 'moon' }]).rowErrors[0]).toMatch(/dataset: 'moon' is not valid .*one of moons, circles/);
    expect(checkGrid(qnn, [{ name: 'learningRate', values: '0.01, 1e-3' }]).grid.learningRate).toEqual([0.01, 0.001]);
    expect(checkGrid(e, [{ name: 'batches', values: '[1,4,8], [32]' }]).grid.batches).toEqual([[1, 4, 8], [32]]);
    expect(splitValues(' 1, [2, 3] ,4 ')).toEqual(['1', '[2, 3]', '4']);
    expect(splitValues('  ')).toEqual([]);
    expect(describeParam('qgan', 'latentScale')).toBe('number > 0');
    expect(describeParam('qnn', 'baselines')).toBe('true or false');
    expect(sweepableParams('qgan')).toEqual(['modes', 'latent', 'cutoff', 'layers', 'latentScale', 'seed', 'batches', 'repeats']);
  });
});

describe('a Comparison', () => {
  let qnnA: Run, qnnB: Run, qsvm: Run, gan: Run;
  const experiments = new Map<string, Experiment>([
    ['qnn', Experiment.parse({ id: 'qnn', name: 'QNN', kind: 'qnn', params: { epochs: 2 } })],
    ['qsvm', Experiment.parse({ id: 'qsvm', name: 'QSVM', kind: 'qsvm', params: {} })],
  ]);
  beforeAll(async () => {
    const spec = { epochs: 2, train: 60, test: 30, latencySamples: 10, inferenceBatch: 64 };
    qnnA = asRun(await runQnn(spec, { threads: 1 }), { experimentId: 'qnn' });
    qnnB = asRun(await runQnn(spec, { threads: 2, precision: 'f32' }), { experimentId: 'qnn', settings: { backend: 'native-avx2', precision: 'f32', threads: 2 }, overrides: { layers: 3 } });
    qsvm = asRun(await runQsvm({ train: 40, test: 20 }), { experimentId: 'qsvm' });
    gan = asRun(await trainQgan({ epochs: 1, stepsPerEpoch: 2, batch: 4 }), { experimentId: 'qgan-train' });
  }, 60_000);

  it('diffs configuration: settings, parameters with overrides, environment', () => {
    const rows = configDiff([qnnA, qnnB], experiments);
    const row = (k: string) => rows.find((r) => `${r.section}.${r.key}` === k)!;
    expect(row('settings.precision')).toMatchObject({ values: ['f64', 'f32'], differs: true });
    expect(row('environment.threads')).toMatchObject({ values: ['1', '2'], differs: true });
    expect(row('environment.cpu').differs).toBe(false);
    expect(row('params.layers')).toMatchObject({ differs: false, overridden: [false, true] });
    expect(row('params.epochs').values).toEqual(['2', '2']);
    expect(row('experiment.experiment').values).toEqual(['QNN', 'QNN']);
  });

  it('gives metric and quality deltas against the baseline with better/worse by direction', () => {
    const d = metricDeltas([qnnA, qnnB]);
    const m = d.find((x) => x.key === 'us_per_sample_batched')!;
    expect(m.group).toBe('metric');
    expect(m.direction).toBe('lower');
    const [a, b] = m.cells;
    expect(a.abs).toBeNull();
    expect(b.abs).toBeCloseTo(b.value! - a.value!, 12);
    expect(b.ratio).toBeCloseTo(b.value! / a.value!, 12);
    // A time is better or worse only when the two runs' 95% CIs do not overlap.
    expect(a.ci![0]).toBeLessThanOrEqual(a.value!);
    const overlap = a.ci![0] <= b.ci![1] && b.ci![0] <= a.ci![1];
    expect(!!b.withinNoise).toBe(overlap);
    expect(b.verdict).toBe(overlap ? 'same' : b.value! < a.value! ? 'better' : 'worse');
    expect(d.some((x) => x.key.endsWith('_min') || x.key.endsWith('_ci_lo'))).toBe(false);
    expect(d.find((x) => x.key === 'test_accuracy')!.group).toBe('quality');
  });

  it('overlays same-named curves and exports CSV and JSON', () => {
    const labels = runLabels([qnnA, qnnB], experiments);
    expect(labels[0]).toMatch(/^#1 qnn \(native-avx(?:2|512) f64 1t\)$/);
    expect(labels[1]).toMatch(/^#2 qnn layers=3 \(native-avx(?:2|512) f32 2t\)$/);
    const c = overlaidCurves([qnnA, qnnB], labels);
    expect(Object.keys(c)).toEqual(['loss', 'train_accuracy', 'test_accuracy']);
    expect(Object.keys(c.loss)).toEqual(labels);
    expect(c.loss[labels[0]][1]).toEqual([2, qnnA.result!.curves.loss[1]]); // epoch 2
    const csv = comparisonCsvRows([qnnA, qnnB], experiments);
    expect(csv.find((r) => r.key === 'us_per_sample_batched')![`${labels[1]} ratio`]).toBeCloseTo(qnnB.result!.metrics.us_per_sample_batched / qnnA.result!.metrics.us_per_sample_batched, 12);
    const json = comparisonJson([qnnA, qnnB], experiments);
    expect(json.baseline).toBe(qnnA.id);
    expect(json.runs).toHaveLength(2);
    expect(JSON.parse(JSON.stringify(json)).deltas.length).toBeGreaterThan(5);
  });

  it('groups backend against backend for runs of the same parameters only', () => {
    const pick = (kind: string, m: string[], q: string[]) => ({ speed: headlineSpeedMetric(kind, m), quality: headlineQualityMetric(kind, q) });
    expect(backendGroups([qnnA, qnnB], pick)).toEqual([]); // qnnB has an override: another configuration
    const qnnC = { ...qnnB, id: 'c', overrides: undefined };
    const [g] = backendGroups([qnnA, qnnC, qsvm], pick);
    expect(g.experimentId).toBe('qnn');
    expect(g.speedMetric).toBe('us_per_sample_batched');
    expect(g.variants).toHaveLength(2);
    expect(g.variants[0].slowdown).toBe(1);
    expect(g.variants[1].slowdown).toBeGreaterThanOrEqual(1);
    expect(g.variants.map((v) => v.threads).sort()).toEqual([1, 2]);
    expect(g.variants.map((v) => v.short).sort()).toEqual(['f32 · 2 threads', 'f64 · 1 thread']);
  });

  it('puts each quantum model beside the classical baselines its workload measured', () => {
    const q = quantumVsClassical(qnnA);
    expect(q.map((m) => m.measure)).toEqual(['test accuracy', 'training time (ms)']);
    expect(q[0].entries.map((e) => `${e.side}:${e.name}`)).toEqual(['quantum:QNN', 'classical:RBF-SVM', 'classical:logistic regression', 'classical:MLP']);
    expect(q[0].entries[0].value).toBe(qnnA.result!.quality.test_accuracy);
    expect(q[1].entries[0].value).toBeCloseTo(qnnA.result!.metrics.ms_per_epoch * 2, 9);
    const s = quantumVsClassical(qsvm);
    expect(s[0].entries.map((e) => e.name)).toEqual(['QSVM', 'RBF-SVM']);
    const g = quantumVsClassical(gan);
    expect(g.map((m) => m.measure)).toEqual(['MMD² to the target distribution', 'training time (s)', 'generator parameters']);
    expect(quantumVsClassical({ ...qnnA, status: 'failed' })).toEqual([]);
  });
});

describe('benchmark history', () => {
  let report: GatesReport;
  beforeAll(async () => {
    report = GatesReport.parse(await benchGates({ qubits: [10, 12], precision: ['f64', 'f32'], threads: [1, 2], isa: 'auto', repeats: 2 }));
  }, 60_000);
  const bench = (id: string, at: string, importedFrom?: string): Benchmark => ({
    id, startedAt: at, durationMs: 10, status: 'completed', options: { backend: 'native', qubits: [10, 12], precision: ['f64', 'f32'], threads: [1, 2], repeats: 2, isa: 'auto' }, result: report, ...(importedFrom ? { importedFrom } : {}),
  });

  it('flattens kernels into rows and groups machines, imported ones included', async () => {
    const here = bench('b1', '2026-01-02T00:00:00.000Z');
    const other: Benchmark = { ...bench('b2', '2026-01-01T00:00:00.000Z', 'lab.quench.json'), result: { ...report, env: { ...report.env, cpu: { model: 'Other CPU', logicalCores: 64 } } } };
    const rows = benchmarkRows([here, other]);
    expect(rows).toHaveLength(2 * report.results.length);
    const model = (report.env.cpu as { model: string }).model;
    expect(rows[0]).toMatchObject({ benchmarkId: 'b1', machine: model, imported: null });
    expect(rows.at(-1)).toMatchObject({ machine: 'Other CPU', imported: 'lab.quench.json' });
    for (const r of rows) expect(r.fractionOfInplace).toBeCloseTo(r.gbPerS / r.inplaceGbPerS, 9);

    const ms = machines([here, other], [asRun(await benchQgan({ batches: [1], repeats: 1 }), { importedFrom: 'lab.quench.json' })]);
    expect(ms.map((m) => m.machine)).toEqual([model, 'Other CPU']);
    expect(ms[0].runs).toBe(1);
    expect(ms[0].importedFrom).toEqual(['lab.quench.json']); // the run was imported, the benchmark measured here
    expect(ms[1]).toMatchObject({ logicalCores: 64, importedFrom: ['lab.quench.json'] });
    expect(Object.keys(ms[0].bestFraction).sort()).toEqual(['1q', '2q', 'diagonal', 'fused']);
  });

  it('charts the fraction of in-place bandwidth per kernel kind at the largest size', () => {
    const f = fractionByKind(report, 'f64', 'single');
    expect(Object.keys(f).sort()).toEqual(['1q', '2q', 'diagonal', 'fused']);
    for (const v of Object.values(f)) expect(v).toMatchObject({ qubits: 12, threads: 1, precision: 'f64' });
    const r = report.results.find((x) => x.kind === '1q' && x.qubits === 12 && x.threads === 1 && x.precision === 'f64')!;
    expect(f['1q'].fraction).toBe(r.fractionOfInplace);
    expect(Object.values(fractionByKind(report, 'f32', 'all')).every((v) => v.threads === Math.max(...report.results.map((x) => x.threads)))).toBe(true);
  });

  it('puts native and WebGPU side by side per kind and size, each against its own reference', () => {
    const native = bench('n1', '2026-01-02T00:00:00.000Z');
    // a WebGPU report in the shape benchGatesWebGpu gives: f32, threads 0, the device's in-place bandwidth as the reference
    const gpuResults = report.results.filter((r) => r.precision === 'f32' && r.threads === 1 && r.qubits === 12 && r.kind !== 'fused')
      .map((r) => ({ ...r, threads: 0, msPerGate: { median: 2 * r.msPerGate.median, min: r.msPerGate.min, max: 3 * r.msPerGate.max }, gbPerS: r.gbPerS / 2, inplaceGbPerS: 7, fractionOfInplace: r.gbPerS / 2 / 7, timing: 'wall-clock' as const }));
    gpuResults.push({ ...gpuResults[0], qubits: 14 });
    const gpu: Benchmark = {
      id: 'g1', startedAt: '2026-01-03T00:00:00.000Z', durationMs: 10, status: 'completed', options: { backend: 'webgpu', qubits: [12, 14], precision: ['f32'], threads: [0], repeats: 1, isa: 'auto' },
      result: { ...report, env: { ...report.env, backend: 'webgpu', adapter: 'soft · gpu', timing: 'wall-clock' }, results: gpuResults },
    };
    expect([benchmarkBackend(native), benchmarkBackend(gpu)]).toEqual(['native', 'webgpu']);
    // an options object without backend (as hand-written data may have) still reads the report's env
    expect(benchmarkBackend({ ...gpu, options: { ...gpu.options, backend: undefined as never } })).toBe('webgpu');

    const rows = backendComparison(native, gpu, { precision: 'f32', threads: 'all' });
    expect(rows.map((r) => `${r.kind}@${r.qubits}`)).toEqual(['1q@10', '2q@10', 'diagonal@10', 'fused@10', '1q@12', '2q@12', 'diagonal@12', 'fused@12', '1q@14']);
    const r12 = rows.find((r) => r.kind === '2q' && r.qubits === 12)!;
    const nat = report.results.find((r) => r.kind === '2q' && r.qubits === 12 && r.precision === 'f32' && r.threads === 2)!;
    expect(r12.native).toMatchObject({ msMedian: nat.msPerGate.median, referenceGbPerS: nat.inplaceGbPerS, fraction: nat.fractionOfInplace, precision: 'f32', threads: 2 });
    expect(r12.webgpu).toMatchObject({ referenceGbPerS: 7, threads: 0 });
    const single = report.results.find((r) => r.kind === '2q' && r.qubits === 12 && r.precision === 'f32' && r.threads === 1)!;
    expect(r12.speedup).toBeCloseTo(nat.msPerGate.median / (2 * single.msPerGate.median), 12);
    expect(rows.find((r) => r.qubits === 10)!.webgpu).toBeNull();
    expect(rows.at(-1)).toMatchObject({ native: null, speedup: null });
    expect(backendComparison(native, gpu, { precision: 'f64', threads: 'single' }).find((r) => r.kind === '1q' && r.qubits === 10)!.native).toMatchObject({ precision: 'f64', threads: 1 });
    expect(backendComparison(null, null, { precision: 'f32', threads: 'all' })).toEqual([]);

    // the default pair: newest WebGPU and the newest native on its machine; the engine's adapter from what ran here
    const elsewhere: Benchmark = { ...bench('n2', '2026-01-04T00:00:00.000Z', 'lab.quench.json'), result: { ...report, env: { ...report.env, cpu: { model: 'Other CPU' } } } };
    expect(defaultComparisonPair([native, gpu, elsewhere])).toEqual({ native, webgpu: gpu });
    expect(defaultComparisonPair([elsewhere])).toEqual({ native: elsewhere, webgpu: null });
    expect(engineAdapter([native, gpu], [])).toBe('soft · gpu');
    expect(engineAdapter([{ ...gpu, importedFrom: 'x.quench.json' }], [])).toBeNull();

    // rows and machines: the WebGPU reference is not counted as in-place bandwidth
    const flat = benchmarkRows([gpu]);
    expect(flat[0]).toMatchObject({ backend: 'webgpu', adapter: 'soft · gpu', timing: 'wall-clock', inplaceGbPerS: 7 });
    const [m] = machines([native, gpu], []);
    expect(m.adapters).toEqual(['soft · gpu']);
    expect(m.peakInplaceGbPerS).toBe(Math.max(...report.results.map((r) => r.inplaceGbPerS)));
    expect(machines([gpu], [])[0]).toMatchObject({ peakInplaceGbPerS: null, bestFraction: {} });
  });

  it('reads the form’s number lists with messages that name the bad entry', () => {
    expect(parseIntList('16, 20,22', 'qubits', 4, 30, 8)).toEqual({ values: [16, 20, 22], error: null });
    expect(parseIntList('16, x', 'qubits', 4, 30, 8).error).toBe("qubits: 'x' is not a whole number");
    expect(parseIntList('3', 'qubits', 4, 30, 8).error).toBe('qubits: 3 is outside 4–30');
    expect(parseIntList('', 'qubits', 4, 30, 8).error).toBe('qubits: give at least one value');
    expect(parseIntList('1,2,3,4,5', 'threads', 0, 1024, 4).error).toBe('threads: at most 4 values (got 5)');
    expect(parseIntList('8,8', 'qubits', 4, 30, 8).error).toBe('qubits: 8 is listed twice');
  });
});
