// @vitest-environment happy-dom
// WebGPU runs in the window: the runs store sends a WebGPU experiment to a
// window worker when that is the window's choice (the worker is mocked here:
// happy-dom has neither workers nor WebGPU; the real one runs in the
// Chromium e2e), shows its progress, stores the outcome with recordRun, and
// cancels running and queued ones. The editor offers the choice for WebGPU only.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Project } from '../../src-shared/project/schema';
import type { RunResult } from '../../src-shared/results';
import { setApi } from '../../src-renderer/api/current';
import ExperimentsView from '../../src-renderer/features/experiments/ExperimentsView.vue';
import { useProjectStore } from '../../src-renderer/stores/project';
import { useRunsStore } from '../../src-renderer/stores/runs';
import type { WindowOutcome } from '../../src-renderer/webgpu/window-run';
import { exampleProject, fakeApi } from './fake-api';

interface FakeHandle { progress: (f: number) => void; settle: (o: WindowOutcome) => void; cancelled: boolean }
const handles: FakeHandle[] = [];
vi.mock('../../src-renderer/webgpu/window-run', () => ({
  windowProblem: () => null,
  startWindowRun: (_e: unknown, _m: unknown, onProgress: (p: { fraction: number; message?: string }) => void) => {
    let settle!: (o: WindowOutcome) => void;
    const outcome = new Promise<WindowOutcome>((r) => (settle = r));
    const h: FakeHandle = { progress: (f) => onProgress({ fraction: f, message: `iteration ${f}` }), settle, cancelled: false };
    handles.push(h);
    return { outcome, cancel: () => ((h.cancelled = true), settle({ status: 'cancelled' })) };
  },
}));

const gpuProject = (): Project => {
  const p = exampleProject();
  const vqe = p.experiments.find((e) => e.id === 'vqe')!;
  vqe.settings = { ...vqe.settings, backend: 'webgpu', precision: 'f32' };
  return p;
};
const result = { kind: 'vqe', params: {}, metrics: {}, quality: { energy: -1 }, curves: {}, phases: {}, details: {}, env: { backend: 'webgpu', runIn: 'window' } } as unknown as RunResult;

let fake: ReturnType<typeof fakeApi>;
beforeEach(async () => {
  setActivePinia(createPinia());
  handles.length = 0;
  localStorage.clear();
  fake = fakeApi(gpuProject());
  setApi(fake.api);
  await useProjectStore().load();
});

describe('WebGPU runs in the window', () => {
  it('runs there when chosen: progress, then the outcome stored with recordRun', async () => {
    const runs = useRunsStore();
    runs.setWebgpuWhere('window');
    expect(localStorage.getItem('quench.webgpuWhere')).toBe('window');
    const ids = await runs.run('vqe');
    expect(ids).toEqual(['window-1']);
    expect(fake.api.runExperiment).not.toHaveBeenCalled();
    await flushPromises();
    handles[0].progress(0.5);
    expect(runs.live['window-1']).toMatchObject({ experimentId: 'vqe', fraction: 0.5, message: 'iteration 0.5' });
    handles[0].settle({ status: 'completed', result });
    await flushPromises();
    expect(fake.api.recordRun).toHaveBeenCalledWith(expect.objectContaining({ experimentId: 'vqe', status: 'completed', result }));
    expect(runs.live['window-1']).toBeUndefined();
    expect(runs.selectedRunId).toMatch(/^vqe-recorded-/);
  });

  it('runs repetitions one after another; cancel stops the running one and the queued one', async () => {
    const runs = useRunsStore();
    runs.setWebgpuWhere('window');
    const ids = (await runs.run('vqe', { repeats: 2 }))!;
    await flushPromises();
    expect(handles).toHaveLength(1); // the second waits for the first
    expect(await runs.cancel(ids[1])).toBe(true); // queued
    expect(await runs.cancel(ids[0])).toBe(true); // running
    await flushPromises();
    expect(handles[0].cancelled).toBe(true);
    expect(handles).toHaveLength(1); // the cancelled queued run never started
    const statuses = fake.api.recordRun.mock.calls.map((c) => c[0].status);
    expect(statuses).toEqual(['cancelled', 'cancelled']);
    expect(Object.keys(runs.live)).toEqual([]);
    expect(fake.api.cancelRun).not.toHaveBeenCalled();
  });

  it('a failed window run is stored as failed with its message', async () => {
    const runs = useRunsStore();
    runs.setWebgpuWhere('window');
    await runs.run('vqe');
    await flushPromises();
    handles[0].settle({ status: 'failed', error: 'WebGPU: device lost' });
    await flushPromises();
    expect(fake.api.recordRun).toHaveBeenCalledWith(expect.objectContaining({ status: 'failed', error: 'WebGPU: device lost' }));
  });

  it('goes to the engine process by default, and for native experiments always', async () => {
    const runs = useRunsStore();
    await runs.run('vqe');
    expect(fake.api.runExperiment).toHaveBeenCalledWith('vqe', undefined);
    runs.setWebgpuWhere('window');
    await runs.run('qaoa'); // native-avx2
    expect(fake.api.runExperiment).toHaveBeenCalledWith('qaoa', undefined);
    expect(handles).toHaveLength(0);
  });
});

describe('the editor on WebGPU', () => {
  it('fixes precision to f32, has no threads, and offers where to run', async () => {
    const w = mount(ExperimentsView, { attachTo: document.body });
    await flushPromises();
    await w.find('li[data-experiment="vqe"] button.name').trigger('click');
    await flushPromises();
    expect(w.find('#setting-precision').attributes('disabled')).toBeDefined();
    expect(w.text()).toContain('WebGPU computes in f32: WGSL has no f64.');
    expect(w.find('#setting-threads').attributes('disabled')).toBeDefined();
    const where = w.find('#setting-where');
    expect(where.exists()).toBe(true);
    await where.setValue('window');
    expect(useRunsStore().webgpuWhere).toBe('window');
    await w.find('li[data-experiment="qaoa"] button.name').trigger('click');
    await flushPromises();
    expect(w.find('#setting-where').exists()).toBe(false);
    w.unmount();
  });
});
