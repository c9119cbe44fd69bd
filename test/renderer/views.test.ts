// @vitest-environment happy-dom
// The four analysis views (Scaling, Sweeps, Compare, Hardware) on results the
// engine really produced (small qgan and qsvm runs, a small gates benchmark).
// ECharts has no canvas here: ChartFrame is stubbed and its option checked.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { benchGates } from '../../src-main/bench/gates';
import { benchQgan } from '../../src-main/engine/workloads/qgan';
import { runQsvm } from '../../src-main/engine/workloads/qsvm';
import { runScale } from '../../src-main/engine/workloads/scale';
import { GatesReport, type Benchmark, type Project, type Run, type Sweep } from '../../src-shared/project/schema';
import { gridPoints } from '../../src-shared/project/sweep';
import type { RunResult } from '../../src-shared/results';
import CompareView from '../../src-renderer/features/compare/CompareView.vue';
import HardwareView from '../../src-renderer/features/hardware/HardwareView.vue';
import ScalingView from '../../src-renderer/features/scaling/ScalingView.vue';
import SweepsView from '../../src-renderer/features/sweeps/SweepsView.vue';
import { useCompareStore } from '../../src-renderer/stores/compare';
import { useProjectStore } from '../../src-renderer/stores/project';
import { useRunsStore } from '../../src-renderer/stores/runs';
import { exampleProject, fakeApi, freshApp, INFO } from './fake-api';

type AnyOption = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let n = 0;
function asRun(result: RunResult, over: Partial<Run> = {}): Run {
  return {
    id: `r${++n}`, experimentId: result.kind, startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), durationMs: 120, status: 'completed',
    settings: { backend: 'native-avx2', precision: 'f64', threads: 0 }, result: result as unknown as Run['result'], ...over,
  };
}

// Real results, made once.
let qganRun: Run, qganRun1t: Run, qsvmRun: Run, scaleRun: Run, report: GatesReport;
let cutoffRuns: Run[];
beforeAll(async () => {
  qganRun = asRun(await benchQgan({ batches: [1, 4, 8, 16, 32, 256], repeats: 2 }));
  qganRun1t = asRun(await benchQgan({ batches: [1, 4, 8, 16, 32, 256], repeats: 2 }, { threads: 1 }));
  qsvmRun = asRun(await runQsvm({ train: 40, test: 20 }));
  scaleRun = asRun(await runScale({ sizes: [64, 128], qubits: 4, layers: 1, features: 3 }));
  cutoffRuns = [];
  for (const p of gridPoints({ cutoff: [2, 3, 4] })) cutoffRuns.push(asRun(await benchQgan({ cutoff: p.cutoff as number, batches: [32], repeats: 1 }), { overrides: p, sweepId: 'sw-cutoff' }));
  report = GatesReport.parse(await benchGates({ qubits: [10, 12], precision: ['f64'], threads: [1, 2], isa: 'auto', repeats: 2 }));
}, 60_000);

let fake: ReturnType<typeof fakeApi>;
let pinia: Pinia;
const mounted: VueWrapper[] = [];
function setup(p: Project = exampleProject()) {
  ({ pinia, fake } = freshApp(p));
  fake.api.onEvent((e) => useRunsStore().applyEvent(e));
}
async function view(component: Parameters<typeof mount>[0]) {
  await useProjectStore().load();
  const w = mount(component, { global: { plugins: [pinia], stubs: { ChartFrame: true } }, attachTo: document.body });
  mounted.push(w);
  await flushPromises();
  return w;
}
const charts = (w: VueWrapper) => w.findAllComponents({ name: 'ChartFrame' });
const withResults = (over: Partial<Project>): Project => ({ ...exampleProject(), ...over });

let blobs: Blob[];
beforeEach(() => {
  setup();
  blobs = [];
  URL.createObjectURL = vi.fn((b: Blob) => {
    blobs.push(b);
    return 'blob:quench';
  }) as typeof URL.createObjectURL;
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
});
afterEach(() => {
  while (mounted.length) mounted.pop()!.unmount();
  vi.restoreAllMocks();
});

describe('Sweeps view', () => {
  it('fills the seed question (qgan cutoff × layers) in one press, counts 12 runs and queues the sweep', async () => {
    const w = await view(SweepsView);
    expect(w.text()).toContain('No sweeps yet');
    expect((w.find('select[name="experiment"]').element as HTMLSelectElement).value).toBe('qgan');
    await w.find('[data-suggestion="cutoff-layers"]').trigger('click');
    expect(w.find('[data-count]').text()).toMatch(/^12 runs/);
    const values = w.findAll('input[name="values"]').map((i) => (i.element as HTMLInputElement).value);
    expect(values).toEqual(['2, 3, 4, 5', '1, 2, 3']);
    expect(w.text()).toContain('integer 2–30 · now 4');
    expect(w.find('.why').text()).toContain("the seed report asks what 'cutoff 4 → 3, layers 2 → 1' costs in quality for its speed-up");

    fake.api.runSweep.mockResolvedValueOnce({ sweepId: 'sw1', runIds: Array.from({ length: 12 }, (_, i) => `q${i}`) });
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(fake.api.runSweep).toHaveBeenCalledTimes(1);
    expect(fake.api.runSweep).toHaveBeenCalledWith({ experimentId: 'qgan', grid: { cutoff: [2, 3, 4, 5], layers: [1, 2, 3] } });
    expect(w.text()).toContain('Queued 12 runs');
  });

  it('names a wrong value and refuses a grid over the limit', async () => {
    const w = await view(SweepsView);
    await w.find('select[name="param"]').setValue('cutoff');
    await w.find('input[name="values"]').setValue('3, three');
    expect(w.find('.row-error').text()).toMatch(/^cutoff: 'three' is not valid/);
    expect(w.find('[data-action="run-sweep"]').attributes('disabled')).toBeDefined();

    await w.find('input[name="values"]').setValue(Array.from({ length: 29 }, (_, i) => i + 2).join(','));
    await w.find('button.add').trigger('click');
    const selects = w.findAll('select[name="param"]');
    await selects[1].setValue('layers');
    await w.findAll('input[name="values"]')[1].setValue(Array.from({ length: 40 }, (_, i) => i + 1).join(','));
    expect(w.find('[data-count]').classes()).toContain('over');
    expect(w.find('.errors').text()).toContain('1,160 points; a sweep runs at most 1000');
    expect(w.find('[data-action="run-sweep"]').attributes('disabled')).toBeDefined();
  });

  it('shows a sweep as it fills: states, speed and quality, heatmap pair, parallel coordinates, CSV', async () => {
    const grid = { cutoff: [2, 3, 4], layers: [2] };
    const sweep: Sweep = { id: 'sw-cutoff', experimentId: 'qgan', name: 'cutoff sweep', createdAt: '2026-01-01T00:00:00.000Z', grid: { cutoff: [2, 3, 4] }, runIds: cutoffRuns.map((r) => r.id) };
    const twoParam: Sweep = { ...sweep, id: 'sw2', name: 'cutoff × layers', createdAt: '2026-01-02T00:00:00.000Z', grid, runIds: ['p1', 'p2', 'p3'] };
    setup(withResults({ sweeps: [sweep, twoParam], runs: [...cutoffRuns] }));
    const w = await view(SweepsView);
    // the newest sweep first: its runs are not in yet
    expect(w.find('.sweep-result h2').text()).toBe('cutoff × layers');
    expect(w.findAll('tbody tr[data-point] .state').map((s) => s.text())).toEqual(['queued', 'queued', 'queued']);
    fake.emit({ event: 'run-queued', payload: { runId: 'p1', experimentId: 'qgan', job: 'run' } });
    fake.emit({ event: 'run-progress', payload: { runId: 'p1', fraction: 0.3 } });
    await flushPromises();
    expect(w.findAll('tbody tr[data-point] .state')[0].text()).toBe('running');
    const finished = asRun(cutoffRuns[0].result as unknown as RunResult, { id: 'p1', overrides: { cutoff: 2, layers: 2 }, sweepId: 'sw2' });
    fake.emit({ event: 'run-finished', payload: { runId: 'p1', run: finished } });
    await flushPromises();
    expect(w.findAll('tbody tr[data-point] .state').map((s) => s.text())).toEqual(['completed', 'queued', 'queued']);
    expect(w.find('[data-progress]').text()).toBe('1 of 3 done');

    // the first sweep: all done; the experiment's own cutoff (4) is the baseline row
    await w.find('[data-sweep-item="sw-cutoff"]').trigger('click');
    const rows = w.findAll('tbody tr[data-point]');
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.find('.state').text())).toEqual(['completed', 'completed', 'completed']);
    expect((w.find('select[name="speed-metric"]').element as HTMLSelectElement).value).toBe('us_per_sample_batch32');
    expect((w.find('select[name="quality-metric"]').element as HTMLSelectElement).value).toBe('truncation_loss');
    expect(rows[2].classes()).toContain('base');
    expect(rows[2].text()).toContain('1×');
    expect(rows[0].text()).toMatch(/µs/);
    // one parameter: no heatmap, parallel coordinates over cutoff + the two metrics
    expect(charts(w)).toHaveLength(1);
    const par = charts(w)[0].props('option') as AnyOption;
    expect(par.parallelAxis.map((a: AnyOption) => a.name)).toEqual(['cutoff', 'Time per sample (batch 32)', 'Truncation loss']);
    // choosing another quality metric redraws
    await w.find('select[name="quality-metric"]').setValue('gradient_flow');
    expect((charts(w)[0].props('option') as AnyOption).parallelAxis[2].name).toBe('Gradient flow');

    await w.find('[data-action="export-sweep-csv"]').trigger('click');
    const csv = await blobs[0].text();
    expect(csv.split('\r\n')[0]).toBe('cutoff,state,us_per_sample_batch32 (µs),gradient_flow,runs');
    expect(csv.split('\r\n')).toHaveLength(5);
  });

  it('draws the speed | quality heatmap pair for a two-parameter grid', async () => {
    const grid = { cutoff: [2, 3, 4], layers: [1] };
    const runs = cutoffRuns.map((r) => ({ ...r, id: `${r.id}-2`, overrides: { cutoff: r.overrides!.cutoff, layers: 1 } }));
    const sweep: Sweep = { id: 's', experimentId: 'qgan', name: 'pair', createdAt: '2026-01-01T00:00:00.000Z', grid, runIds: runs.map((r) => r.id) };
    setup(withResults({ sweeps: [sweep], runs }));
    const w = await view(SweepsView);
    const c = charts(w);
    expect(c.map((x) => x.props('title'))).toEqual(['Speed: time per sample (batch 32)', 'Quality: truncation loss', expect.stringContaining('parallel coordinates')]);
    const speed = c[0].props('option') as AnyOption;
    expect(speed.series[0].type).toBe('heatmap');
    expect(speed.xAxis.data).toEqual(['2', '3', '4']);
    expect(speed.yAxis.data).toEqual(['1']);
  });
});

describe('Scaling view', () => {
  it('says how to produce data when there is none', async () => {
    const w = await view(ScalingView);
    expect(w.text()).toContain('Run the qgan experiment');
    expect(w.text()).toContain('Sweep qubits in the Sweeps view');
    expect(charts(w)).toHaveLength(0);
  });

  it("shows a qgan run's batch table beside the seed report's, with the seed figure and the goal drawn", async () => {
    setup(withResults({ runs: [qganRun] }));
    const w = await view(ScalingView);
    const quench = w.find('table[data-table="quench"]');
    expect(quench.findAll('tbody tr').map((r) => r.find('td').text())).toEqual(['1', '4', '8', '16', '32', '256']);
    expect(quench.findAll('tbody tr')[4].find('.speedup').text()).toMatch(/^[\d,]+× faster$/);
    expect(w.find('table[data-table="seed"]').findAll('tbody tr').map((r) => r.findAll('td')[2].text())).toEqual(['606', '657', '619', '591', '574']);
    const [time, rate] = charts(w).map((c) => c.props('option') as AnyOption);
    expect(time.xAxis.type).toBe('log');
    expect(time.yAxis.type).toBe('log');
    // each measured batch has its 95% CI as an error bar (a custom series named like its line)
    const bars = time.series.filter((s: AnyOption) => s.type === 'custom');
    expect(bars.length).toBeGreaterThan(0);
    for (const b of bars) for (const [, lo, hi] of b.data) expect(lo).toBeLessThanOrEqual(hi);
    expect(typeof bars[0].renderItem).toBe('function');
    const refs = time.series.find((s: AnyOption) => s.name === 'references');
    expect(refs.markLine.data.map((d: AnyOption) => [d.yAxis, d.label.formatter])).toEqual([
      [606_000, 'seed report: 606 ms/sample, flat in batch'],
      [60, 'goal: ≤ 60 µs/sample at batch 32'],
    ]);
    expect(refs.markArea.data[0][0].yAxis).toBeCloseTo(50_000, 6);
    expect(refs.markArea.data[0][1].yAxis).toBeCloseTo(100_000, 6);
    expect(time.series.map((s: AnyOption) => s.name)).toContain('seed report (Strawberry Fields)');
    const quenchSeries = time.series[0];
    expect(quenchSeries.data[0]).toEqual([1, (qganRun.result!.details.table as { us_per_sample: number }[])[0].us_per_sample]);
    expect(rate.series.find((s: AnyOption) => s.name === 'references').markLine.data.map((d: AnyOption) => d.yAxis)).toEqual([1.65, 1e6 / 60]);

    // hide the seed: its series goes, the Quench run stays
    await w.find('input[data-source="seed"]').setValue(false);
    expect((charts(w)[0].props('option') as AnyOption).series.map((s: AnyOption) => s.name)).not.toContain('seed report (Strawberry Fields)');
  });

  it("draws sample-count scaling from a scale run, with Quench's goals", async () => {
    setup(withResults({ runs: [scaleRun] }));
    const w = await view(ScalingView);
    expect(w.find('#sample-scaling').exists()).toBe(true);
    const c = charts(w).filter((x) => String(x.props('title')).startsWith('QNN training') || String(x.props('title')).startsWith('QSVM kernel'));
    expect(c).toHaveLength(2);
    const qnn = c[0].props('option') as AnyOption;
    expect(qnn.series[0].data.map((d: number[]) => d[0])).toEqual([64, 128]);
    const goal = qnn.series.find((s: AnyOption) => s.name === 'references').markLine.data[0];
    expect(goal.yAxis).toBeCloseTo(scaleRun.result!.metrics.qnn_us_per_sample_64 * 1.1, 9);
    expect(goal.label.formatter).toBe('goal: ≤ +10% of the 64-sample figure');
    expect((c[1].props('option') as AnyOption).series.find((s: AnyOption) => s.name === 'references').markLine.data[0].yAxis).toBe(30);
  });

  it('draws a size sweep (qgan cutoff) against its size, log y', async () => {
    const sweep: Sweep = { id: 'sw-cutoff', experimentId: 'qgan', name: 'cutoff sweep', createdAt: '2026-01-01T00:00:00.000Z', grid: { cutoff: [2, 3, 4] }, runIds: cutoffRuns.map((r) => r.id) };
    setup(withResults({ sweeps: [sweep], runs: cutoffRuns }));
    const w = await view(ScalingView);
    expect(w.text()).toContain('No batch-scaling results yet');
    const c = charts(w);
    expect(c).toHaveLength(1);
    expect(c[0].props('title')).toBe('Time per sample (batch 32) against cutoff — cutoff sweep');
    const o = c[0].props('option') as AnyOption;
    expect(o.yAxis.type).toBe('log');
    expect(o.yAxis.name).toBe('Time per sample (batch 32)');
    expect(o.series[0].data.map((d: number[]) => d[0])).toEqual([2, 3, 4]);
    // qgan's headline metric has the seed's batch-32 figure and the goal
    expect(o.series.find((s: AnyOption) => s.name === 'references').markLine.data.map((d: AnyOption) => d.yAxis)).toEqual([574_000, 60]);
  });
});

describe('Compare view', () => {
  it('says how to pick runs, and how differences are judged', async () => {
    const w = await view(CompareView);
    expect(w.text()).toContain('Tick the runs to compare in the Runs view');
    expect(w.find('#stats-title').text()).toBe('How differences are judged');
    expect(w.text()).toContain('intervals do not overlap');
  });

  it('diffs two runs, colours the deltas, groups backends and exports the comparison', async () => {
    setup(withResults({ runs: [qganRun, qganRun1t, qsvmRun] }));
    useCompareStore().set([qganRun.id, qganRun1t.id]);
    const w = await view(CompareView);
    expect(w.findAll('.chips li')).toHaveLength(2);
    const threads = w.find('[data-key="environment.threads"]');
    expect(threads.classes()).toContain('differs');
    expect(threads.findAll('td').map((t) => t.text())).toEqual([String(qganRun.result!.env.threads), '1']);
    expect(w.find('[data-key="environment.cpu"]').classes()).not.toContain('differs');
    await w.find('input[name="only-diffs"]').setValue(true);
    expect(w.find('[data-key="environment.cpu"]').exists()).toBe(false);

    const m = w.find('[data-metric="us_per_sample_batch32"]');
    const a = qganRun.result!.metrics.us_per_sample_batch32, b = qganRun1t.result!.metrics.us_per_sample_batch32;
    const cells = m.findAll('td');
    expect(cells[3].text()).toBe(`${(b / a).toPrecision(3)}×`);
    // better or worse only when the two runs' 95% CIs are apart; within them, ≈ and 'same'
    const ma = qganRun.result!.metrics, mb = qganRun1t.result!.metrics;
    const overlap = ma.us_per_sample_batch32_ci_lo <= mb.us_per_sample_batch32_ci_hi && mb.us_per_sample_batch32_ci_lo <= ma.us_per_sample_batch32_ci_hi;
    expect(cells[3].classes()).toContain(overlap ? 'same' : b < a ? 'better' : 'worse');
    expect(cells[2].text().startsWith('≈')).toBe(overlap);

    // backend vs backend: the same experiment on different thread counts
    const group = w.find('[data-group="qgan"]');
    expect(group.exists()).toBe(true);
    expect(group.findAll('tbody tr')).toHaveLength(2);
    expect(group.text()).toContain('fastest');

    await w.find('[data-action="export-comparison-json"]').trigger('click');
    const json = JSON.parse(await blobs[0].text());
    expect(json.format).toBe('quench-comparison');
    expect(json.runs.map((r: { id: string }) => r.id)).toEqual([qganRun.id, qganRun1t.id]);
    await w.find('[data-action="export-comparison-csv"]').trigger('click');
    expect((await blobs[1].text()).split('\r\n')[0]).toMatch(/^section,key,label,unit,differs,#1 qgan/);

    // make the second the baseline
    await w.findAll('.chips li')[1].find('button.mini').trigger('click');
    expect(useCompareStore().selected).toEqual([qganRun1t.id, qganRun.id]);
  });

  it('draws 16 backends as rows beside the table, and keeps the statistics findings in their box', async () => {
    // Like `quench bench peers --save` on the brickwork case: Quench and three peers, f32 and f64, 1 and 2 threads, 2 runs each.
    const backends = ['quench native-avx512', 'qsim 0.22.1', 'qulacs 0.6.11', 'aer 0.15.1'];
    const runs: Run[] = [];
    backends.forEach((backend, b) => ['f32', 'f64'].forEach((precision, p) => [1, 2].forEach((threads) => [0, 1].forEach((rep) => {
      const result = structuredClone(qganRun.result!);
      result.env = { ...result.env, backend, precision: precision as 'f32' | 'f64', threads, isa: b === 0 ? 'avx512' : 'peer' };
      const ms = (10 + 5 * b) * (1 + p) / threads * (1 + 0.01 * rep);
      result.metrics = { us_per_sample_batch32: ms, us_per_sample_batch32_ci_lo: ms * 0.99, us_per_sample_batch32_ci_hi: ms * 1.01 };
      runs.push(asRun(result as unknown as RunResult));
    }))));
    setup(withResults({ runs }));
    useCompareStore().set(runs.map((r) => r.id));
    const w = await view(CompareView);
    const group = w.find('[data-group="qgan"]');
    expect(group.findAll('tbody tr')).toHaveLength(16);
    const frame = group.findComponent({ name: 'ChartFrame' });
    const o = frame.props('option') as AnyOption;
    // one row per backend, in the table's order (fastest first, on top), each name written out
    expect(o.yAxis).toMatchObject({ type: 'category', inverse: true, axisLabel: { interval: 0, overflow: 'truncate' }, tooltip: { show: true } });
    expect(o.yAxis.data).toHaveLength(16);
    expect(o.yAxis.data[0]).toBe(group.find('tbody tr td.where').text().replace(/ · [^·]*$/, '')); // the short name: the CPU, the same for all, left out
    expect(o.xAxis.type).toMatch(/^(value|log)$/);
    expect(frame.props('height')).toBeGreaterThanOrEqual(16 * 24); // as tall as the rows need

    const stats = w.find('[data-statistics]');
    const findings = stats.find('table[data-statistics-groups]');
    expect(findings.classes()).toContain('findings'); // the class that lets long configurations and findings wrap
    const rows = findings.findAll('tbody tr');
    expect(rows).toHaveLength(15);
    expect(rows[0].find('td.finding').text()).toMatch(/than the baseline|no significant difference/);
    expect(rows[0].find('td.config').text()).toContain('qgan');
    // the forest plot names each row by what differs (not the experiment's id, the same in all), the full name in its tooltip
    const options = stats.findAllComponents({ name: 'ChartFrame' }).map((c: { props: () => Record<string, unknown> }) => c.props().option as AnyOption);
    const forest = options.find((x: AnyOption) => x.yAxis?.inverse && x.series?.[1]?.type === 'scatter')!;
    expect(forest.yAxis.data).toHaveLength(15);
    for (const label of forest.yAxis.data as string[]) expect(label.startsWith('qgan')).toBe(false);
    expect(forest.yAxis.data[0]).toMatch(/^quench native-avx512 f32 · 2 thread/);
  });

  it('puts a quantum model beside its classical baseline', async () => {
    setup(withResults({ runs: [qsvmRun] }));
    const w = await view(CompareView);
    await w.find('select[name="add-run"]').setValue(qsvmRun.id);
    expect(useCompareStore().selected).toEqual([qsvmRun.id]);
    const qc = w.find(`[data-qc="${qsvmRun.id}"]`);
    expect(qc.exists()).toBe(true);
    const bars = qc.findAllComponents({ name: 'ChartFrame' }).map((c: { props: () => Record<string, unknown> }) => c.props().option as AnyOption);
    expect(bars[0].xAxis.data).toEqual(['QSVM', 'RBF-SVM']);
    expect(bars[0].series[0].data.map((d: AnyOption) => d.value)).toEqual([qsvmRun.result!.quality.test_accuracy, qsvmRun.result!.quality.rbf_svm_accuracy]);
  });
});

describe('Hardware view', () => {
  const bench = (over: Partial<Benchmark> = {}): Benchmark => ({
    id: 'b1', startedAt: '2026-01-02T00:00:00.000Z', durationMs: 900, status: 'completed',
    options: { backend: 'native', qubits: [10, 12], precision: ['f64'], threads: [1, 2], repeats: 2, isa: 'auto' }, result: report, ...over,
  });

  it("shows this machine, runs the benchmark with the form's options, follows its progress and cancels it", async () => {
    const w = await view(HardwareView);
    expect(w.find('[data-fact="cpu"]').text()).toBe('Test CPU');
    expect(w.text()).toContain('8.0 GiB free — room for a 29-qubit f64');
    expect(w.text()).toContain('not measured yet');
    expect(w.text()).toContain('No benchmarks yet');

    await w.find('input[name="bench-qubits"]').setValue('12, x');
    expect(w.find('.bench-form .errors').text()).toContain("qubits: 'x' is not a whole number");
    expect(w.find('[data-action="run-benchmark"]').attributes('disabled')).toBeDefined();
    await w.find('input[name="bench-qubits"]').setValue('30');
    expect(w.find('.bench-form .errors').text()).toContain('30 qubits f64 needs a 16.0 GiB state; 8.0 GiB of memory is free now');
    await w.find('input[name="bench-qubits"]').setValue('12, 14');
    await w.find('input[name="bench-f32"]').setValue(false);
    await w.find('input[name="bench-threads"]').setValue('1');
    await w.find('.bench-form form').trigger('submit');
    await flushPromises();
    expect(fake.api.runBenchmark).toHaveBeenCalledWith({ backend: 'native', qubits: [12, 14], precision: ['f64'], threads: [1], repeats: 5, isa: 'auto' });
    const id = (await fake.api.runBenchmark.mock.results[0].value).benchmarkId;
    fake.emit({ event: 'run-progress', payload: { runId: id, fraction: 0.4, message: '1q 12q f64 1t' } });
    await flushPromises();
    expect(w.find('[data-live-benchmark]').text()).toContain('1q 12q f64 1t · 40%');
    await w.find('[data-action="cancel-benchmark"]').trigger('click');
    expect(fake.api.cancelRun).toHaveBeenCalledWith(id);
  });

  it('lists the benchmark history with its table and the fraction-of-bandwidth chart, machines incl. imported', async () => {
    const model = (report.env.cpu as { model: string }).model;
    const imported = bench({ id: 'b2', startedAt: '2026-01-01T00:00:00.000Z', importedFrom: 'lab.quench.json', result: { ...report, env: { ...report.env, cpu: { model: 'Lab CPU', logicalCores: 64 } } } });
    setup(withResults({ benchmarks: [bench(), imported], runs: [qganRun] }));
    fake.api.info.mockResolvedValue({ ...INFO, cpu: model });
    const w = await view(HardwareView);
    expect(w.text()).toMatch(/GB\/s in-place read\+write/);
    expect(w.findAll('[data-benchmark]')).toHaveLength(2);
    const rows = w.find('table[data-table="kernels"]').findAll('tbody tr');
    expect(rows).toHaveLength(2 * report.results.length);
    expect(rows[0].text()).toContain(model);
    const chart = charts(w).find((c) => String(c.props('title')).startsWith('Fraction of in-place bandwidth'))!;
    const o = chart.props('option') as AnyOption;
    expect(o.xAxis.data).toEqual(['1q', '2q', 'diagonal', 'fused']);
    expect(o.series.filter((s: AnyOption) => s.type === 'bar')).toHaveLength(2);
    expect(o.series.find((s: AnyOption) => s.name === 'references').markLine.data[0].yAxis).toBe(85);
    // the measured benchmark's fractions carry their 95% CIs as error bars: [kind, low, high, series, of]
    const bars = o.series.filter((s: AnyOption) => s.type === 'custom');
    expect(bars.length).toBeGreaterThan(0);
    for (const [kind, lo, hi, i, n] of bars[0].data) {
      expect(lo).toBeLessThanOrEqual(hi);
      expect(kind).toBeLessThan(4);
      expect(i).toBeLessThan(n);
    }
    const machines = w.findAll('table[data-table="machines"] tbody tr');
    expect(machines.map((r) => r.attributes('data-machine'))).toEqual([model, 'Lab CPU']);
    expect(machines[0].text()).toContain('this machine');
    expect(machines[1].text()).toContain('lab.quench.json');
    await w.find('select[name="bench-machine"]').setValue('Lab CPU');
    expect(w.find('table[data-table="kernels"]').findAll('tbody tr')).toHaveLength(report.results.length);
    await w.find('[data-action="export-benchmarks-csv"]').trigger('click');
    expect((await blobs[0].text()).split('\r\n')[0]).toBe('date,machine,imported_from,backend,adapter,timing,reference,kind,qubits,precision,threads,ms_per_gate_median,ms_per_gate_min,ms_per_gate_max,gb_per_s,inplace_gb_per_s,fraction_of_inplace,benchmark');
  });

  describe('native vs WebGPU', () => {
    const ADAPTER = 'acme · gpu9 · Acme G9 (fake)';
    /** A kernel result with consistent figures: 2·8·2^n bytes per gate (f32) at `ms`, against `ref` GB/s. */
    const kernel = (kind: string, qubits: number, ms: number, ref: number, precision = 'f32', threads = 0, timing?: 'gpu-timestamps' | 'wall-clock') => {
      const gbPerS = (2 * (precision === 'f64' ? 16 : 8) * 2 ** qubits) / (ms / 1e3) / 1e9;
      return { kind, qubits, precision, threads, targets: [[0]], msPerGate: { median: ms, min: 0.9 * ms, max: 1.2 * ms }, gbPerS, inplaceGbPerS: ref, fractionOfInplace: gbPerS / ref, ...(timing ? { timing } : {}) };
    };
    const brickwork = { qubits: 10, layers: 20, gates: 290, passes: { fusion0: 290, fusion3: 50 }, msPerLayer: { fusion0: 1, fusion3: 0.5 } };
    const cpu = { model: 'Test CPU', logicalCores: 4 };
    const nativeBench = (over: Partial<Benchmark> = {}): Benchmark => ({
      id: 'nat', startedAt: '2026-02-01T00:00:00.000Z', durationMs: 500, status: 'completed',
      options: { backend: 'native', qubits: [10, 12], precision: ['f32', 'f64'], threads: [1, 0], repeats: 2, isa: 'auto' },
      result: {
        env: { cpu, isa: 'avx2', threads: [1, 4] }, brickwork, skipped: [],
        results: [
          ...['1q', '2q'].flatMap((k) => [kernel(k, 10, 0.004, 20, 'f32', 1), kernel(k, 10, 0.002, 40, 'f32', 4), kernel(k, 10, 0.008, 20, 'f64', 4)]),
          kernel('1q', 12, 0.008, 40, 'f32', 4),
        ],
      },
      ...over,
    });
    const webgpuBench = (over: Partial<Benchmark> = {}): Benchmark => ({
      id: 'gpu', startedAt: '2026-02-01T00:01:00.000Z', durationMs: 4000, status: 'completed',
      options: { backend: 'webgpu', qubits: [10, 14], precision: ['f32'], threads: [0], repeats: 1, isa: 'auto' },
      result: {
        env: { cpu, backend: 'webgpu', adapter: ADAPTER, timing: 'gpu-timestamps', precision: 'f32' }, brickwork, skipped: [],
        results: [kernel('1q', 10, 0.001, 10, 'f32', 0, 'gpu-timestamps'), kernel('2q', 10, 0.004, 10, 'f32', 0, 'gpu-timestamps'), kernel('1q', 14, 0.01, 12, 'f32', 0, 'gpu-timestamps')],
      },
      ...over,
    });

    it('puts the newest native and WebGPU benchmarks side by side per kind and size: times, fractions of each reference, adapter, timing', async () => {
      // an older native benchmark from another machine, imported: still in the history, not the default pair
      const lab = nativeBench({ id: 'lab', startedAt: '2026-01-01T00:00:00.000Z', importedFrom: 'lab.quench.json', result: { ...nativeBench().result!, env: { cpu: { model: 'Lab CPU', logicalCores: 64 }, isa: 'avx2' } } });
      setup(withResults({ benchmarks: [lab, nativeBench(), webgpuBench()] }));
      const w = await view(HardwareView);
      const panel = w.find('[data-backend-comparison]');
      expect(panel.find('[data-reference="native"]').text()).toMatch(/^Test CPU · f32 · 4 threads — fraction of the CPU's in-place read\+write bandwidth .*: 40\.0 GB\/s$/);
      const gpuRef = panel.find('[data-reference="webgpu"]').text();
      expect(gpuRef).toContain(`${ADAPTER} · f32 — fraction of the device's in-place bandwidth (the fastest of three streaming kernels that read and write every amplitude once, timed the same way)`);
      expect(gpuRef).toContain('10.0–12.0 GB/s');
      expect(panel.find('[data-timing]').text()).toBe('GPU timestamp queries');
      expect(gpuRef).toContain('(gpu-timestamps)');

      const rows = panel.findAll('table[data-table="backend-comparison"] tbody tr');
      expect(rows.map((r) => r.attributes('data-row'))).toEqual(['1q@10', '2q@10', '1q@12', '1q@14']);
      const cell = (row: number, name: string) => rows[row].find(`[data-cell="${name}"]`).text();
      expect(cell(0, 'native-ms')).toMatch(/^0\.0020 \[0\.0018–0\.0024\]$/);
      expect(cell(0, 'webgpu-ms')).toMatch(/^0\.0010 /);
      expect(cell(0, 'speedup')).toBe('2.00×'); // native 0.002 ms ÷ WebGPU 0.001 ms
      expect(cell(1, 'speedup')).toBe('0.50×');
      expect(cell(0, 'native-fraction')).toBe(`${((100 * (16 * 1024)) / 0.002e-3 / 1e9 / 40).toFixed(0)}%`);
      expect(cell(0, 'webgpu-fraction')).toBe(`${((100 * (16 * 1024)) / 0.001e-3 / 1e9 / 10).toFixed(0)}%`);
      expect(rows[2].text()).toContain('not measured'); // 12 qubits: native only
      expect(rows[3].find('[data-cell="native-ms"]').exists()).toBe(false);
      expect(cell(3, 'speedup')).toBe('—');

      const frames = charts(w);
      const time = frames.find((c) => String(c.props('title')).startsWith('Time per gate'))!.props('option') as AnyOption;
      expect(time.xAxis.data).toEqual(['1q · 10q', '2q · 10q', '1q · 12q', '1q · 14q']);
      expect(time.yAxis.type).toBe('log');
      expect(time.yAxis.name).toBe('µs per gate (log)'); // every value ≥ 1 in its unit: the log axis' bars grow upwards
      const bars = time.series.filter((x: AnyOption) => x.type === 'bar');
      expect(bars.map((x: AnyOption) => x.name)).toEqual(['native', 'WebGPU']);
      expect(bars[0].data).toEqual([2, 2, 8, '-']);
      expect(bars[1].data).toEqual([1, 4, '-', 10]);
      const frac = frames.find((c) => String(c.props('title')).startsWith("Fraction of each backend's reference"))!.props('option') as AnyOption;
      expect(frac.series.map((x: AnyOption) => x.name)).toEqual(['native: % of CPU in-place', 'WebGPU: % of device in-place']);

      // native 1 thread, then f64: the native side follows the pick
      await panel.find('select[name="compare-threads"]').setValue('single');
      expect(panel.find('[data-reference="native"]').text()).toContain('Test CPU · f32 · 1 thread —');
      expect(panel.find('[data-row="1q@10"] [data-cell="native-ms"]').text()).toMatch(/^0\.0040 /);
      await panel.find('select[name="compare-threads"]').setValue('all');
      await panel.find('select[name="compare-precision"]').setValue('f64');
      expect(panel.find('[data-row="1q@10"] [data-cell="native-ms"]').text()).toMatch(/^0\.0080 /);
      expect(panel.find('[data-row="1q@12"]').exists()).toBe(false); // no f64 at 12 qubits, no WebGPU there either
      // the imported benchmark from the other machine can be picked, and the panel says the machines differ
      await panel.find('select[name="compare-native"]').setValue('lab');
      expect(panel.find('[data-reference="native"]').text()).toContain('Lab CPU');
      expect(panel.find('[data-reference="native"] .tag').text()).toBe('imported');
      expect(panel.text()).toContain('These two ran on different machines (Lab CPU and Test CPU)');

      // the history tags each benchmark with its backend and names the adapter and timing; its in-place chart is native only
      const list = w.findAll('[data-benchmark]');
      expect(list.map((li) => li.find('[data-backend]').text())).toEqual(['WebGPU', 'native', 'native']);
      expect(list[0].text()).toContain(`${ADAPTER} · gpu-timestamps`);
      expect(list[0].text()).toContain('10,14 qubits · f32 · 1 repeat');
      const inplace = charts(w).find((c) => String(c.props('title')).startsWith('Fraction of in-place bandwidth'))!.props('option') as AnyOption;
      expect(inplace.series.filter((x: AnyOption) => x.type === 'bar')).toHaveLength(2);
      const kernels = w.find('table[data-table="kernels"]').findAll('tbody tr');
      expect(kernels.filter((r) => r.text().includes('WebGPU'))).toHaveLength(3);
      expect(kernels.find((r) => r.text().includes('WebGPU'))!.text()).toContain('device in-place');
      // machines: the device's in-place bandwidth is not this CPU's in-place peak; the adapter is named
      const me = w.find('table[data-table="machines"] tr[data-machine="Test CPU"]');
      expect(me.text()).toContain(`WebGPU: ${ADAPTER}`);
      expect(me.findAll('td')[5].text()).toBe('40.0');
      // this machine's bandwidth fact comes from the native benchmark
      expect(w.find('.this-machine').text()).toContain('40.0 GB/s in-place read+write, 20.0 GB/s on 1 thread');
    });

    it('offers WebGPU in the form with the adapter the engine found, f32 fixed, no threads or ISA, and queues it', async () => {
      setup(withResults({ benchmarks: [webgpuBench()] }));
      const w = await view(HardwareView);
      const backend = w.find('select[name="bench-backend"]');
      expect(backend.findAll('option').map((o) => o.text())).toEqual(['native (avx2 kernels)', `WebGPU — ${ADAPTER}`]);
      await backend.setValue('webgpu');
      expect(w.find('[data-precision-fixed]').text()).toBe('f32');
      expect(w.find('.bench-form').text()).toContain('fixed: WGSL has no f64');
      expect(w.find('[data-webgpu-note]').text()).toContain("against the device's own in-place bandwidth");
      expect(w.find('input[name="bench-threads"]').exists()).toBe(false);
      expect(w.find('select[name="bench-isa"]').exists()).toBe(false);
      expect(w.find('input[name="bench-f64"]').exists()).toBe(false);
      await w.find('input[name="bench-qubits"]').setValue('10');
      await w.find('input[name="bench-repeats"]').setValue(1);
      await w.find('.bench-form form').trigger('submit');
      await flushPromises();
      expect(fake.api.runBenchmark).toHaveBeenCalledWith({ backend: 'webgpu', qubits: [10], precision: ['f32'], repeats: 1 });
      // only WebGPU so far: the comparison says what is missing
      expect(w.find('[data-backend-comparison] [data-missing="native"]').exists()).toBe(true);
      expect(w.find('[data-backend-comparison] [data-row="1q@10"] [data-cell="webgpu-ms"]').exists()).toBe(true);
    });

    it('names WebGPU without an adapter until one has run, and shows a failed WebGPU job with its line', async () => {
      const failed: Benchmark = {
        id: 'gpu-failed', startedAt: '2026-02-02T00:00:00.000Z', durationMs: 300, status: 'failed',
        options: { backend: 'webgpu', qubits: [10], precision: ['f32'], threads: [0], repeats: 1, isa: 'auto' },
        error: 'WebGPU: no adapter available (no GPU, no driver, and no software adapter such as SwiftShader)',
      };
      setup(withResults({ benchmarks: [failed] }));
      const w = await view(HardwareView);
      expect(w.findAll('select[name="bench-backend"] option').map((o) => o.text())).toEqual(['native (avx2 kernels)', 'WebGPU']);
      await w.find('select[name="bench-backend"]').setValue('webgpu');
      expect(w.find('.bench-form').text()).toContain('the adapter is named once it has run');
      const li = w.find('[data-benchmark="gpu-failed"]');
      expect(li.find('[data-backend]').text()).toBe('WebGPU');
      expect(li.text()).toContain('WebGPU: no adapter available');
      expect(w.find('[data-backend-comparison]').text()).toContain('Run the gates benchmark once with each backend');
    });
  });

  it('imports results from a file the browser reads (serve mode), reloads the project and shows the counts', async () => {
    const w = await view(HardwareView);
    fake.api.importResultsText.mockResolvedValueOnce({ runs: 3, benchmarks: 1, experiments: 1, skipped: 2 });
    const input = w.find('input[name="import-file"]');
    const file = new File(['{"format":"quench-project"}'], 'lab.quench.json', { type: 'application/json' });
    Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
    const loads = fake.api.getProject.mock.calls.length;
    await input.trigger('change');
    await flushPromises();
    expect(fake.api.importResultsText).toHaveBeenCalledWith('{"format":"quench-project"}', 'lab.quench.json');
    expect(fake.api.getProject.mock.calls.length).toBe(loads + 1);
    expect(w.find('[data-import-result]').text()).toBe('From lab.quench.json: imported 3 runs and 1 benchmark, with 1 experiment this project did not have; 2 skipped (already here).');
  });

  it('imports through the native dialog in the desktop app', async () => {
    fake.api.info.mockResolvedValue({ ...INFO, mode: 'electron' });
    const w = await view(HardwareView);
    fake.api.chooseFile.mockResolvedValueOnce({ path: '/data/lab.quench.json' });
    fake.api.importResults.mockResolvedValueOnce({ runs: 1, benchmarks: 0, experiments: 0, skipped: 0 });
    await w.find('[data-action="import-results"]').trigger('click');
    await flushPromises();
    expect(fake.api.chooseFile).toHaveBeenCalledWith('import');
    expect(fake.api.importResults).toHaveBeenCalledWith('/data/lab.quench.json');
    expect(w.find('[data-import-result]').text()).toContain('imported 1 run and 0 benchmarks');
    // a refused file: the server's message, naming the file and the bad field
    fake.api.chooseFile.mockResolvedValueOnce({ path: '/data/bad.quench.json' });
    fake.api.importResults.mockRejectedValueOnce(new Error('bad.quench.json: runs[0].status: Invalid option'));
    await w.find('[data-action="import-results"]').trigger('click');
    await flushPromises();
    expect(w.find('.import .error-text').text()).toBe('bad.quench.json: runs[0].status: Invalid option');
  });
});
