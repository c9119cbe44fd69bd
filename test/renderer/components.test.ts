// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Run } from '../../src-shared/project/schema';
import RunDetail from '../../src-renderer/features/runs/RunDetail.vue';
import RunsTable from '../../src-renderer/features/runs/RunsTable.vue';
import { useProjectStore } from '../../src-renderer/stores/project';
import { useRunsStore } from '../../src-renderer/stores/runs';
import { exampleProject, fakeApi, freshApp, makeRun, vqeResult } from './fake-api';

/** A completed VQE run of the given duration, with a result. */
const run = (id: string, durationMs: number): Run => makeRun(id, { durationMs, result: vqeResult(durationMs) });

let fake: ReturnType<typeof fakeApi>;
let pinia: Pinia;
beforeEach(() => {
  ({ pinia, fake } = freshApp());
});

describe('runs store', () => {
  it('applies run-progress and run-finished events', async () => {
    const project = useProjectStore();
    const runs = useRunsStore();
    await project.load();
    fake.api.onEvent((e) => runs.applyEvent(e));
    const runIds = await runs.run('vqe');
    expect(runIds).toEqual(['run-1']);
    expect(runs.liveByExperiment.vqe.fraction).toBe(0);

    fake.emit({ event: 'run-progress', payload: { runId: 'run-1', fraction: 0.25, message: 'iteration 1', point: { series: 'energy', x: 0, y: -3 } } });
    fake.emit({ event: 'run-progress', payload: { runId: 'run-1', fraction: 0.5, message: 'iteration 2', point: { series: 'energy', x: 1, y: -7 } } });
    fake.emit({ event: 'run-progress', payload: { runId: 'other', fraction: 0.5 } }); // not ours: ignored
    expect(runs.live['run-1'].fraction).toBe(0.5);
    expect(runs.live['run-1'].message).toBe('iteration 2');
    expect(runs.live['run-1'].points.energy).toEqual([[0, -3], [1, -7]]);
    expect(runs.activeRun?.runId).toBe('run-1');

    fake.emit({ event: 'run-finished', payload: { runId: 'run-1', run: run('run-1', 1200) } });
    expect(runs.live['run-1']).toBeUndefined();
    expect(runs.liveByExperiment.vqe).toBeUndefined();
    expect(project.runs.map((r) => r.id)).toEqual(['run-1']);
  });

  it('reports a failed call instead of throwing', async () => {
    fake.api.runExperiment.mockRejectedValueOnce(new Error("no experiment 'x'"));
    expect(await useRunsStore().run('x')).toBeNull();
    expect(useRunsStore().error).toContain("no experiment 'x'");
  });
});

describe('runs table', () => {
  it('sorts by duration: ascending, descending, then back to newest first', async () => {
    const w = mount(RunsTable, { props: { runs: [run('a', 3000), run('b', 500), run('c', 90_000)], experiments: exampleProject().experiments }, global: { plugins: [pinia] } });
    const order = () => w.findAll('tbody tr').map((r) => r.attributes('data-run'));
    expect(order()).toEqual(['c', 'b', 'a']);
    const sort = w.findAll('th button.sort').find((b) => b.text().startsWith('Duration'))!;
    await sort.trigger('click');
    expect(order()).toEqual(['b', 'a', 'c']);
    await sort.trigger('click');
    expect(order()).toEqual(['c', 'a', 'b']);
    await sort.trigger('click');
    expect(order()).toEqual(['c', 'b', 'a']);
    // key metrics in words with their unit; the raw key on hover
    expect(w.find('tbody tr').text()).toContain('Time per iteration 900 ms');
    expect(w.find('tbody tr .metric').attributes('title')).toBe('ms_per_iteration');
    expect(w.find('tbody tr').text()).toContain('Energy −17.300');
    // the run's page has an address to copy
    expect(w.find('tbody tr a.run-link').attributes('href')).toBe('#/runs/c');
    await w.find('tbody tr').trigger('click');
    expect(w.emitted('select')?.[0]).toEqual(['c']);
  });

  it('says how to start when there are no runs', () => {
    const w = mount(RunsTable, { props: { runs: [], experiments: [] }, global: { plugins: [pinia] } });
    expect(w.text()).toContain('Press Run');
  });
});

describe('run detail', () => {
  it("draws the run's curves (chart stubbed) and lists metrics and quality in words with units", () => {
    const w = mount(RunDetail, { props: { run: run('a', 1500), experimentName: 'VQE' }, global: { stubs: { CurveChart: true } } });
    const charts = w.findAllComponents({ name: 'CurveChart' });
    expect(charts).toHaveLength(1);
    const spec = charts[0].props('spec');
    expect(spec.title).toBe('Energy per iteration');
    expect(spec.series).toEqual([{ name: 'energy', label: 'Energy', data: [[1, -1], [2, -5], [3, -12], [4, -17.3]] }]);
    expect(w.text()).toContain('Metrics');
    const row = w.find('[data-table="metrics"] tr[data-metric="ms_per_iteration"]');
    expect(row.find('th').text()).toContain('Time per iteration');
    expect(row.find('th').attributes('title')).toBe('ms_per_iteration');
    expect(row.find('td').text()).toBe('15.0 ms');
    expect(w.text()).toContain('Quality');
    expect(w.find('[data-table="quality"] tr[data-metric="energy"] td').text()).toBe('−17.300');
  });
});
