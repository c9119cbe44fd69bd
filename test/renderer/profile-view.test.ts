// @vitest-environment happy-dom
// The Profile view on a profile the engine really produced (a small VQE with
// its trials): starting a profile, following it live, then the bottlenecks
// with their numbers, the kernel and trial tables, and every chart.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentProfile } from '../../src-shared/analysis/profile';
import type { Experiment } from '../../src-shared/project/schema';
import { profileExperiment } from '../../src-main/profile/profile';
import ProfileView from '../../src-renderer/features/profile/ProfileView.vue';
import { useProjectStore } from '../../src-renderer/stores/project';
import { useRunsStore } from '../../src-renderer/stores/runs';
import { exampleProject, freshApp } from './fake-api';

let profile: ExperimentProfile;
beforeAll(async () => {
  const e = { id: 'vqe', kind: 'vqe', name: 'VQE', params: { qubits: 6, layers: 2, iterations: 10 }, settings: { backend: 'native-avx2', precision: 'f64', threads: 0 } } as Experiment;
  profile = await profileExperiment(e);
}, 120_000);

const mounted: VueWrapper[] = [];
afterEach(() => mounted.splice(0).forEach((w) => w.unmount()));

/** The Profile view on the example project, with the fake engine's events applied. */
async function open() {
  const { pinia, fake } = freshApp(exampleProject());
  fake.api.onEvent((e) => useRunsStore().applyEvent(e));
  await useProjectStore().load();
  const w = mount(ProfileView, { global: { plugins: [pinia], stubs: { ChartFrame: true } }, attachTo: document.body });
  mounted.push(w);
  await flushPromises();
  return { w, fake };
}

describe('Profile view', () => {
  it('profiles the chosen experiment, shows its progress, then the report with bottlenecks, tables and charts', async () => {
    const { w, fake } = await open();
    expect(w.text()).toContain('No profile in this session yet.');
    await w.find('select[name=profile-experiment]').setValue('vqe');
    await w.find('[data-action=profile]').trigger('click');
    await flushPromises();
    expect(fake.api.profileExperiment).toHaveBeenCalledWith('vqe');
    const profileId = await fake.api.profileExperiment.mock.results[0].value.then((r: { profileId: string }) => r.profileId);
    fake.emit({ event: 'run-progress', payload: { runId: profileId, fraction: 0.3, message: 'trial: threads 1' } });
    await flushPromises();
    expect(w.find('[data-live-profile]').text()).toContain('trial: threads 1');
    expect(w.find('[data-action=profile]').attributes('disabled')).toBeDefined();

    fake.emit({ event: 'profile-finished', payload: { profileId, experimentId: 'vqe', startedAt: new Date().toISOString(), status: 'completed', profile } });
    await flushPromises();
    expect(w.find('[data-live-profile]').exists()).toBe(false);
    const items = w.findAll('[data-bottleneck]');
    expect(items.length).toBe(profile.bottlenecks.length);
    for (const [i, b] of profile.bottlenecks.entries()) expect(items[i].text()).toContain(b.evidence);
    const kernelRows = w.findAll('[data-table=kernels] tbody tr');
    expect(kernelRows.map((r) => r.find('td').text())).toEqual(profile.kernels.map((k) => k.kind));
    expect(w.findAll('[data-table=trials] tbody tr').length).toBe(profile.trials.length);
    // Every chart of the report, with the custom series' drawing functions in place.
    const frames = w.findAllComponents({ name: 'ChartFrame' });
    expect(frames.map((f) => f.props('title'))).toEqual(expect.arrayContaining(['Where the wall time goes', 'Timeline (phases over the run)', 'Engine kernel time by kind', 'Memory over the run']));
    for (const f of frames) for (const s of (f.props('option') as { series: { renderItem?: unknown }[] }).series) if ('renderItem' in s) expect(typeof s.renderItem).toBe('function');
  });

  it('says why a profile failed', async () => {
    const { w, fake } = await open();
    fake.emit({ event: 'profile-finished', payload: { profileId: 'p1', experimentId: 'qgan', startedAt: new Date().toISOString(), status: 'failed', error: 'the engine process ran out of memory' } });
    await flushPromises();
    expect(w.text()).toContain('The profile failed: the engine process ran out of memory');
  });
});
