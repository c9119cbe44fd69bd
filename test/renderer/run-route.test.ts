// @vitest-environment happy-dom
// A run's page is an address (#/runs/<id>): the runs table links to it, it
// opens at the top of the view, back and forward work, an unknown id says so;
// the views are addresses too. And what the page draws per kind of result: a
// circuit's probabilities, counts and named observables; a classifier's
// decision boundary and confusion matrix; the exact energy on a VQE's chart;
// a QNN's loss and accuracy per epoch; a GAN's samples — nothing for an old
// run without those details, and no error either.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWebHashHistory, type Router } from 'vue-router';
import type { Project, Run } from '../../src-shared/project/schema';
import App from '../../src-renderer/App.vue';
import CompareView from '../../src-renderer/features/compare/CompareView.vue';
import { createWorkbenchRouter } from '../../src-renderer/router';
import { useCompareStore } from '../../src-renderer/stores/compare';
import { useUiStore } from '../../src-renderer/stores/ui';
import { exampleProject, freshApp, makeRun, vqeResult } from './fake-api';

type AnyOption = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Result = NonNullable<Run['result']>;

const ENV: Result['env'] = { quench: '0.1.0', cpu: 'Test CPU', logicalCores: 4, isa: 'avx2', precision: 'f64', threads: 4, backend: 'native-avx2', node: '20', platform: 'linux-x64' };
const result = (kind: Result['kind'], over: Partial<Result>): Result => ({ kind, params: {}, metrics: {}, quality: {}, curves: {}, phases: {}, details: {}, env: ENV, ...over });

const circuit = makeRun('bell-1', {
  experimentId: 'circuit',
  startedAt: '2025-01-02T00:00:00.000Z',
  result: result('circuit', {
    params: { qubits: 2, operations: 2 },
    metrics: { ms_simulate: 0.0123, ms_compile: 0.2, ms_readout: 0.01 },
    quality: { expectation_0: 1, expectation_1: 0 },
    details: { observables: ['Z0*Z1', 'X0'], probabilities: [0.5, 0, 0, 0.5], counts: { '00': 507, '11': 493 } },
  }),
});
const boundary = { features: ['x0', 'x1'], classes: ['0', '1'], x: [-1, 2], y: [-1, 1.5], nx: 2, ny: 2, predicted: [0, 1, 0, 1], score: [0.8, -0.4, 0.3, -0.9], scoreName: '⟨Z₀⟩', test: [[0, 0, 0, 0], [1, 1, 1, 0]] };
const qnn = makeRun('qnn-1', {
  experimentId: 'qnn',
  startedAt: '2025-01-03T00:00:00.000Z',
  result: result('qnn', {
    metrics: { us_per_sample_batched: 13.31, us_per_sample_batched_ci_lo: 13.1, us_per_sample_batched_ci_hi: 13.6, ms_per_epoch: 2.0566 },
    quality: { test_accuracy: 0.9, train_accuracy: 0.925, final_loss: 0.3618 },
    curves: { loss: [0.9, 0.5, 0.36], train_accuracy: [0.6, 0.85, 0.925], test_accuracy: [0.55, 0.8, 0.9] },
    details: { confusion: { classes: ['0', '1'], matrix: [[9, 1], [1, 9]] }, decisionBoundary: boundary },
  }),
});
const vqe = makeRun('vqe-1', { startedAt: '2025-01-04T00:00:00.000Z', result: { ...vqeResult(2000), quality: { energy: -17.3, exact_energy: -17.5, energy_error: 0.2 } } });
const gan = makeRun('gan-1', {
  experimentId: 'qgan-train',
  startedAt: '2025-01-05T00:00:00.000Z',
  result: result('qgan-train', { metrics: { s_total: 1.5 }, curves: { d_loss: [0.7, 0.6], g_loss: [0.8, 0.75] }, details: { samples: { generated: [[0, 1], [0.5, 0.5]], target: [[1, 0]] } } }),
});
// an older file's QNN run: no confusion matrix, no boundary, no test accuracy per epoch
const oldQnn = makeRun('qnn-old', { experimentId: 'qnn', startedAt: '2024-01-01T00:00:00.000Z', result: result('qnn', { quality: { test_accuracy: 0.8 }, curves: { loss: [1, 0.5] }, details: { dataset: 'moons' } }) });
// enough runs that the table is long
const filler = Array.from({ length: 18 }, (_, i) => makeRun(`vqe-f${i}`, { startedAt: `2024-06-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`, result: vqeResult(1000 + i) }));

const project = (): Project => ({ ...exampleProject(), runs: [oldQnn, ...filler, circuit, qnn, vqe, gan] });

let pinia: Pinia;
let router: Router;
let w: VueWrapper | null = null;
let scrolled: Element[];

beforeEach(() => {
  ({ pinia } = freshApp(project()));
  window.location.hash = '';
  router = createWorkbenchRouter(createWebHashHistory());
  useUiStore().bindRouter(router);
  scrolled = [];
  Element.prototype.scrollIntoView = vi.fn(function (this: Element) {
    scrolled.push(this);
  });
});
afterEach(() => {
  w?.unmount();
  w = null;
});

/** The workbench at an address, charts stubbed (no canvas here). */
async function open(path: string) {
  await router.push(path);
  await router.isReady();
  w = mount(App, { global: { plugins: [pinia, router], stubs: { ChartFrame: true } }, attachTo: document.body });
  await flushPromises();
  return w;
}
/** Wait for the router to settle on a path after back/forward (history events are asynchronous). */
async function settled(path: string): Promise<void> {
  for (let i = 0; i < 1000 && router.currentRoute.value.path !== path; i++) await new Promise((r) => setTimeout(r, 5));
  await flushPromises();
  expect(router.currentRoute.value.path).toBe(path);
}
const frames = (x: VueWrapper) => x.findAllComponents({ name: 'ChartFrame' });
const frame = (x: VueWrapper, title: string | RegExp) => frames(x).find((f) => (typeof title === 'string' ? f.props('title') === title : title.test(String(f.props('title')))));

describe('addresses', () => {
  it('every view is an address; the sidebar links to them', async () => {
    const app = await open('/compare');
    expect(app.find('main').attributes('data-view')).toBe('compare');
    expect(app.find('[data-nav="runs"]').attributes('href')).toBe('#/runs');
    expect(app.find('[data-nav="compare"]').attributes('aria-current')).toBe('page');
    useUiStore().show('hardware');
    await flushPromises();
    expect(router.currentRoute.value.path).toBe('/hardware');
    expect(app.find('main').attributes('data-view')).toBe('hardware');
    await router.push('/no/such/view');
    await flushPromises();
    expect(router.currentRoute.value.path).toBe('/experiments');
  });

  it("opens a run's page from a long runs table, at the top; back returns to the table, forward to the run", async () => {
    const app = await open('/runs');
    const rows = app.findAll('tbody tr[data-run]');
    expect(rows).toHaveLength(23);
    // the oldest run is the last row: its link is an address that can be copied
    const last = rows[rows.length - 1];
    expect(last.attributes('data-run')).toBe('qnn-old');
    expect(last.find('a.run-link').attributes('href')).toBe('#/runs/qnn-old');
    await last.trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.path).toBe('/runs/qnn-old');
    const page = app.find('[data-run-page="qnn-old"]');
    expect(page.exists()).toBe(true);
    expect(app.find('tbody tr[data-run]').exists()).toBe(false); // its own page, not below the table
    expect(scrolled).toContain(page.element);
    expect(app.find('main').attributes('data-view')).toBe('runs');

    router.back();
    await settled('/runs');
    expect(app.findAll('tbody tr[data-run]')).toHaveLength(23);
    router.forward();
    await settled('/runs/qnn-old');
    expect(app.find('[data-run-page="qnn-old"]').exists()).toBe(true);
    expect(app.find('[data-action="all-runs"]').attributes('href')).toBe('#/runs');
  });

  it('an address of a run this project does not have says so', async () => {
    const app = await open('/runs/not-here');
    expect(app.find('[data-run-missing]').text()).toContain('No run with this address');
    expect(app.find('[data-run-missing]').text()).toContain('not-here');
  });

  it("Compare from the runs table goes to the Compare view's address", async () => {
    const app = await open('/runs');
    for (const id of ['vqe-1', 'vqe-f0']) await app.find(`tr[data-run="${id}"] input[data-compare]`).setValue(true);
    await app.find('[data-action="compare"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.path).toBe('/compare');
    expect(useCompareStore().selected).toEqual(['vqe-1', 'vqe-f0']);
  });
});

describe('Compare', () => {
  it('compares an energy by its difference with sign, never by a ratio, coloured by its direction; times by both', async () => {
    const a = makeRun('e-a', { startedAt: '2025-02-01T00:00:00.000Z', result: { ...vqeResult(2000), quality: { energy: -17.03, exact_energy: -17.5 } } });
    const b = makeRun('e-b', { startedAt: '2025-02-02T00:00:00.000Z', result: { ...vqeResult(1000), quality: { energy: -15.51, exact_energy: -17.5 } } });
    ({ pinia } = freshApp({ ...exampleProject(), runs: [a, b] }));
    useUiStore().bindRouter(router);
    useCompareStore().set(['e-a', 'e-b']);
    const app = await open('/compare');
    const cells = (key: string) => app.find(`[data-metric="${key}"]`).findAll('td');
    const energy = cells('energy');
    expect(energy.map((c) => c.text())).toEqual(['−17.030', '−15.510', '+1.52', '']);
    expect(energy[2].classes()).toContain('worse'); // a higher energy is worse
    expect(app.find('[data-metric="energy"] th').text()).toContain('Energy');
    expect(app.find('[data-metric="energy"] th').attributes('title')).toBe('energy');
    const exact = cells('exact_energy');
    expect(exact[2].text()).toBe('±0');
    expect(exact[2].classes()).not.toContain('better');
    expect(exact[2].classes()).not.toContain('worse');
    const time = cells('ms_per_iteration');
    expect(time.map((c) => c.text())).toEqual(['20.0 ms', '10.0 ms', '−10.0 ms', '0.500×']);
    expect(time[2].classes()).toContain('better');
    // the statistics panel's place: a slot the view renders with the picked runs
    const view = mount(CompareView, { global: { plugins: [pinia, router], stubs: { ChartFrame: true } }, slots: { statistics: `<template #statistics="{ runs }"><div data-stats>{{ runs.length }} runs</div></template>` } });
    await flushPromises();
    expect(view.find('[data-stats]').text()).toBe('2 runs');
    view.unmount();
  });
});

describe("a run's charts", () => {
  it('a circuit: probabilities (bitstrings, every outcome), counts as a histogram, observables by their Pauli text', async () => {
    const app = await open('/runs/bell-1');
    const probs = frame(app, 'Probabilities')!;
    expect(app.text()).toContain('All 4 outcomes.');
    expect(app.text()).toContain('1,000 shots.');
    const o = probs.props('option') as AnyOption;
    expect(o.xAxis.data).toEqual(['00', '01', '10', '11']);
    expect(o.series[0].data).toEqual([0.5, 0, 0, 0.5]);
    const counts = frame(app, 'Counts')!.props('option') as AnyOption;
    expect(counts.xAxis.data).toEqual(['00', '11']);
    expect(counts.series[0].data).toEqual([507, 493]);
    const obs = app.find('[data-observables]');
    expect(obs.findAll('th').map((t) => t.text())).toEqual(['⟨Z₀Z₁⟩', '⟨X₀⟩']);
    expect(obs.findAll('td').map((t) => t.text())).toEqual(['1.0000', '0.0000']);
    expect(obs.find('th').attributes('title')).toBe('Z0*Z1 (expectation_0)');
    expect(app.find('[data-table="metrics"] [data-metric="ms_simulate"] td').text()).toBe('12.3 µs');
  });

  it('a classifier: decision boundary with the test points, confusion matrix, loss and accuracy per epoch', async () => {
    const app = await open('/runs/qnn-1');
    const db = frame(app, /^Decision boundary/)!.props('option') as AnyOption;
    expect(db.series[0].type).toBe('custom');
    expect(db.series[0].data).toHaveLength(4);
    expect(db.series.map((s: AnyOption) => s.name)).toEqual(['predicted class', '0', '1', 'misclassified']);
    expect(db.series[3].data).toEqual([[1, 1, 0]]);
    expect(db.xAxis.name).toBe('x0');
    const cm = app.find('[data-confusion]');
    expect(cm.text()).toContain('test set, 20 samples');
    expect(cm.find('[data-cell="0-0"]').text()).toBe('990%');
    expect(cm.find('[data-cell="0-1"]').text()).toBe('110%');
    const loss = app.findAllComponents({ name: 'CurveChart' }).map((c) => c.props('spec'));
    expect(loss.map((s) => [s.title, s.xName])).toEqual([['Training loss (MSE) per epoch', 'epoch'], ['Accuracy per epoch', 'epoch']]);
    expect(loss[1].series.map((s: { label: string }) => s.label)).toEqual(['Train accuracy', 'Test accuracy']);
    const m = app.find('[data-table="metrics"] [data-metric="us_per_sample_batched"]');
    expect(m.find('th').text()).toContain('Time per sample (batched inference)');
    expect(m.find('td').text()).toBe('13.3 µs95% CI 13.1 µs – 13.6 µs');
    expect(app.find('[data-table="quality"] [data-metric="test_accuracy"] td').text()).toBe('90.0%');
  });

  it('a VQE: the exact ground energy as a line on the energy chart', async () => {
    const app = await open('/runs/vqe-1');
    const spec = app.findComponent({ name: 'CurveChart' }).props('spec');
    expect(spec.refLines).toEqual([{ value: -17.5, label: 'exact ground energy −17.500', role: 'reference' }]);
    const option = frame(app, 'Energy per iteration')!.props('option') as AnyOption;
    expect(option.series.find((s: AnyOption) => s.name === 'references').markLine.data[0].yAxis).toBe(-17.5);
  });

  it("a GAN's training: its losses per step and generated samples over the target", async () => {
    const app = await open('/runs/gan-1');
    const samples = frame(app, 'Generated samples over the target distribution')!.props('option') as AnyOption;
    expect(samples.series.map((s: AnyOption) => [s.name, s.data.length])).toEqual([['target', 1], ['generated', 2]]);
    expect(frame(app, 'GAN losses per step')).toBeDefined();
  });

  it('an old run without those details: its curves and tables, no boundary, no matrix, no error', async () => {
    const app = await open('/runs/qnn-old');
    expect(frame(app, /^Decision boundary/)).toBeUndefined();
    expect(app.find('[data-confusion]').exists()).toBe(false);
    expect(app.find('[data-boundary-note]').exists()).toBe(false);
    expect(app.findAllComponents({ name: 'CurveChart' }).map((c) => c.props('spec').title)).toEqual(['Training loss (MSE) per epoch']);
    expect(app.find('[data-table="quality"] [data-metric="test_accuracy"] td').text()).toBe('80.0%');
  });
});
