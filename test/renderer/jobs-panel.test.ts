// @vitest-environment happy-dom
// The Runs view's Cluster jobs panel: follow a job folder, see each work
// item's state, and collect its finished runs into the open project.
import { flushPromises, mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import type { JobCollectSummary, JobStatus } from '../../src-shared/api/contract';
import JobsPanel from '../../src-renderer/features/jobs/JobsPanel.vue';
import RunDetail from '../../src-renderer/features/runs/RunDetail.vue';
import type { Run } from '../../src-shared/project/schema';
import { useProjectStore } from '../../src-renderer/stores/project';
import { freshApp, INFO } from './fake-api';

const status = (states: ('done' | 'running' | 'pending' | 'failed')[]): JobStatus => ({
  jobDir: '/shared/p.jobs/qgan-sweep-1', id: 'qgan-sweep-1', name: 'qgan-sweep', description: "sweep 'grid' of experiment 'qgan' (cutoff): 3 grid points",
  items: states.map((state, i) => ({ id: `point-000${i}`, index: i, label: `cutoff=${i + 3}`, state, ...(state === 'failed' ? { error: 'stopped by SIGTERM (scancel, or the time limit)' } : {}), ...(state !== 'pending' ? { host: 'node7' } : {}) })),
  counts: { done: states.filter((s) => s === 'done').length, running: states.filter((s) => s === 'running').length, pending: states.filter((s) => s === 'pending').length, failed: states.filter((s) => s === 'failed').length, missing: 0 },
  notes: [],
});

let fake: ReturnType<typeof freshApp>['fake'];
beforeEach(async () => {
  localStorage.clear();
  ({ fake } = freshApp());
  fake.api.info.mockResolvedValue({ ...INFO, projectPath: '/shared/p.quench.json', unsaved: false });
  await useProjectStore().load();
});

describe('Cluster jobs panel', () => {
  it("follows a job folder and shows every work item's state, with the node and why an item failed", async () => {
    fake.api.jobStatus.mockResolvedValue(status(['done', 'running', 'failed']));
    const w = mount(JobsPanel);
    await w.find('input[name="job-folder"]').setValue('/shared/p.jobs/qgan-sweep-1');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(fake.api.jobStatus).toHaveBeenCalledWith('/shared/p.jobs/qgan-sweep-1');
    expect(w.find('[data-job-summary]').text()).toBe('1 of 3 done · 1 running · 0 pending · 1 failed · 0 missing');
    expect(w.find('[data-item="point-0002"]').attributes('data-state')).toBe('failed');
    expect(w.find('[data-item="point-0002"]').text()).toContain('stopped by SIGTERM');
    expect(w.find('[data-item="point-0000"]').text()).toContain('node7');
    // remembered for the next time the view opens
    expect(JSON.parse(localStorage.getItem('quench.jobFolders')!)).toEqual(['/shared/p.jobs/qgan-sweep-1']);
    w.unmount();
  });

  it('collects the finished runs into the project and reloads it; a refusal shows its message', async () => {
    localStorage.setItem('quench.jobFolders', JSON.stringify(['/shared/p.jobs/qgan-sweep-1']));
    fake.api.jobStatus.mockResolvedValue(status(['done', 'done', 'done']));
    const w = mount(JobsPanel);
    await flushPromises();
    const summary: JobCollectSummary = { added: 3, alreadyThere: 0, sweepId: 'sweep-qgan-sweep-1', status: status(['done', 'done', 'done']) };
    fake.api.collectJob.mockResolvedValueOnce(summary);
    const loads = fake.api.getProject.mock.calls.length;
    await w.find('[data-action="collect"]').trigger('click');
    await flushPromises();
    expect(fake.api.collectJob).toHaveBeenCalledWith('/shared/p.jobs/qgan-sweep-1');
    expect(fake.api.getProject.mock.calls.length).toBe(loads + 1);
    expect(w.find('[data-collected]').text()).toBe('Collected: 3 added, 0 already in the project (sweep sweep-qgan-sweep-1).');
    fake.api.collectJob.mockRejectedValueOnce(new Error('collectJob: job folder /shared/p.jobs/qgan-sweep-1 not found'));
    await w.find('[data-action="collect"]').trigger('click');
    await flushPromises();
    expect(w.find('.job .error-text').text()).toBe('collectJob: job folder /shared/p.jobs/qgan-sweep-1 not found');
    w.unmount();
  });

  it("shows a cluster run's node and Slurm task in its environment", () => {
    const run: Run = {
      id: 'job-point-0001', experimentId: 'qgan', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 10, status: 'completed', settings: { backend: 'native-avx2', precision: 'f64', threads: 0 },
      result: {
        kind: 'qgan', params: {}, metrics: { us_per_sample_batch32: 1 }, quality: {}, curves: {}, phases: {}, details: {},
        env: { quench: '0.1.0', cpu: 'Xeon', logicalCores: 2, isa: 'avx2', precision: 'f64', threads: 1, backend: 'native-avx2', node: '20', platform: 'linux-x64', host: 'node7', slurm: { jobId: '14', arrayJobId: '13', arrayTaskId: '1' } },
      },
    };
    const w = mount(RunDetail, { props: { run, live: null } });
    expect(w.text()).toContain('node7');
    expect(w.text()).toContain('jobId 14, arrayJobId 13, arrayTaskId 1');
    expect(w.text()).not.toContain('[object Object]');
    w.unmount();
  });
});
