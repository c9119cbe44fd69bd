// @vitest-environment happy-dom
// The shell around the views: project files (New/Open/Save/Save As/Recent,
// upload, recovery), keyboard shortcuts, the runs table's filters and compare
// picks, and jobs queued from elsewhere showing up live.
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { dispatchWorkbenchCommand } from '../../src-renderer/api/commands';
import ProjectBar from '../../src-renderer/features/project/ProjectBar.vue';
import RecoveryBanner from '../../src-renderer/features/project/RecoveryBanner.vue';
import RunsTable from '../../src-renderer/features/runs/RunsTable.vue';
import { shortcutCommand } from '../../src-renderer/shortcuts';
import { useCompareStore } from '../../src-renderer/stores/compare';
import { useProjectStore } from '../../src-renderer/stores/project';
import { useRunsStore } from '../../src-renderer/stores/runs';
import { exampleProject, fakeApi, freshApp, INFO, makeRun } from './fake-api';

let fake: ReturnType<typeof fakeApi>;
let pinia: Pinia;
beforeEach(() => {
  ({ pinia, fake } = freshApp());
  // happy-dom's <dialog> lacks showModal in some versions; the component only needs open/close
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
});

describe('project bar', () => {
  it('opens a path typed in the browser-mode dialog, and shows the server error inside it', async () => {
    fake.api.info.mockResolvedValue({ ...INFO, mode: 'serve', projectPath: '/p/a.quench.json', unsaved: false, recentFiles: ['/p/a.quench.json', '/p/b.quench.json'] });
    await useProjectStore().load();
    const w = mount(ProjectBar, { global: { plugins: [pinia] }, attachTo: document.body });
    await w.find('[data-action="open"]').trigger('click');
    await w.find('input[name="open-path"]').setValue('/p/missing.quench.json');
    fake.api.openProject.mockRejectedValueOnce(new Error('cannot read /p/missing.quench.json: ENOENT'));
    await w.find('dialog form').trigger('submit');
    await flushPromises();
    expect(fake.api.openProject).toHaveBeenCalledWith('/p/missing.quench.json');
    expect(w.find('dialog [role="alert"]').text()).toMatch(/ENOENT/);
    // recent files are offered in the header too
    expect(w.find('.recent').text()).toContain('b.quench.json');
    w.unmount();
  });

  it('Save on a project without a file asks for a path; the path must end in .quench.json', async () => {
    await useProjectStore().load(); // INFO: unsaved
    const w = mount(ProjectBar, { global: { plugins: [pinia] }, attachTo: document.body });
    dispatchWorkbenchCommand('save');
    await flushPromises();
    const input = w.find('input[name="save-path"]');
    expect((input.element as HTMLInputElement).value).toBe('seed-suite.quench.json');
    await input.setValue('/tmp/x.json');
    await w.findAll('dialog form')[1].trigger('submit');
    expect(fake.api.saveProject).not.toHaveBeenCalled();
    expect(w.text()).toMatch(/must end in \.quench\.json/);
    await input.setValue('/tmp/x.quench.json');
    await w.findAll('dialog form')[1].trigger('submit');
    await flushPromises();
    expect(fake.api.saveProject).toHaveBeenCalledWith(expect.objectContaining({ name: 'Seed suite', runs: [] }), '/tmp/x.quench.json');
    w.unmount();
  });

  it('uses native dialogs in the desktop app, and asks before replacing unsaved work', async () => {
    fake.api.info.mockResolvedValue({ ...INFO, mode: 'electron', dirty: true, unsaved: false, projectPath: '/p/a.quench.json' });
    fake.api.chooseFile.mockResolvedValue({ path: '/p/c.quench.json' });
    await useProjectStore().load();
    const w = mount(ProjectBar, { global: { plugins: [pinia] } });
    const confirm = vi.fn().mockReturnValueOnce(false).mockReturnValueOnce(true);
    window.confirm = confirm;
    await w.find('[data-action="open"]').trigger('click');
    await flushPromises();
    expect(fake.api.chooseFile).not.toHaveBeenCalled(); // declined
    await w.find('[data-action="open"]').trigger('click');
    await flushPromises();
    expect(confirm).toHaveBeenCalledTimes(2);
    expect(fake.api.chooseFile).toHaveBeenCalledWith('open');
    expect(fake.api.openProject).toHaveBeenCalledWith('/p/c.quench.json');
    expect(w.find('.badge').text()).toMatch(/modified|unsaved/);
  });
});

describe('recovery banner', () => {
  it('offers the autosaved copy and restores it', async () => {
    fake.api.info.mockResolvedValue({ ...INFO, recovery: { savedAt: '2026-01-01T10:00:00.000Z', experiments: 9, runs: 3 } });
    await useProjectStore().load();
    const w = mount(RecoveryBanner, { global: { plugins: [pinia] } });
    expect(w.text()).toMatch(/9 experiment\(s\), 3 run\(s\)/);
    await w.find('[data-action="restore"]').trigger('click');
    await flushPromises();
    expect(fake.api.restoreRecovery).toHaveBeenCalled();
  });
});

describe('keyboard shortcuts', () => {
  it('maps keys to workbench commands', () => {
    const k = (key: string, mods: Partial<KeyboardEvent> = {}) => shortcutCommand({ key, ctrlKey: true, metaKey: false, shiftKey: false, altKey: false, ...mods });
    expect(k('s')).toBe('save');
    expect(k('S', { shiftKey: true })).toBe('save-as');
    expect(k('o')).toBe('open');
    expect(k('Enter')).toBe('run');
    expect(k('n')).toBeNull(); // the browser's new window
    expect(k('n', { altKey: true })).toBe('new');
    expect(shortcutCommand({ key: 's', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false })).toBeNull();
  });
});

describe('runs table', () => {
  const runs = [
    makeRun('a', { durationMs: 300 }),
    makeRun('b', { experimentId: 'qaoa', durationMs: 100, status: 'failed', error: 'the engine process exited with signal SIGKILL' }),
    makeRun('c', { durationMs: 200, settings: { backend: 'native-scalar', precision: 'f32', threads: 1 } }),
  ];
  const mountTable = () => mount(RunsTable, { props: { runs, experiments: exampleProject().experiments }, global: { plugins: [pinia] } });

  it('filters by status, backend and text', async () => {
    const w = mountTable();
    expect(w.findAll('tbody tr')).toHaveLength(3);
    await w.find('select[name="status"]').setValue('failed');
    expect(w.findAll('tbody tr').map((r) => r.attributes('data-run'))).toEqual(['b']);
    await w.find('select[name="status"]').setValue('');
    await w.find('select[name="backend"]').setValue('native-scalar');
    expect(w.findAll('tbody tr').map((r) => r.attributes('data-run'))).toEqual(['c']);
    await w.find('select[name="backend"]').setValue('');
    await w.find('input[name="filter"]').setValue('sigkill');
    expect(w.findAll('tbody tr').map((r) => r.attributes('data-run'))).toEqual(['b']);
    await w.find('input[name="filter"]').setValue('no such thing');
    expect(w.text()).toContain('No run matches the filter');
  });

  it('sorts by a column and picks runs to compare', async () => {
    const w = mountTable();
    const order = () => w.findAll('tbody tr').map((r) => r.attributes('data-run'));
    expect(order()).toEqual(['c', 'b', 'a']); // newest first
    const durationHeader = w.findAll('th button.sort').find((b) => b.text().startsWith('Duration'))!;
    await durationHeader.trigger('click');
    expect(order()).toEqual(['b', 'c', 'a']);
    await durationHeader.trigger('click');
    expect(order()).toEqual(['a', 'c', 'b']);
    await w.find('tr[data-run="a"] input[data-compare]').setValue(true);
    await w.find('tr[data-run="c"] input[data-compare]').setValue(true);
    expect(useCompareStore().selected).toEqual(['a', 'c']);
    expect(w.find('[data-action="compare"]').text()).toBe('Compare 2');
  });
});

describe('runs store', () => {
  it('shows jobs queued by another window live, and files them when they finish', async () => {
    const project = useProjectStore();
    await project.load();
    const runsStore = useRunsStore();
    runsStore.applyEvent({ event: 'run-queued', payload: { runId: 'x1', experimentId: 'qaoa', job: 'run' } });
    runsStore.applyEvent({ event: 'run-progress', payload: { runId: 'x1', fraction: 0.5, message: 'iteration 50', point: { series: 'expected_cut', x: 49, y: 22 } } });
    expect(runsStore.liveByExperiment.qaoa).toMatchObject({ fraction: 0.5, message: 'iteration 50' });
    runsStore.applyEvent({ event: 'run-finished', payload: { runId: 'x1', run: makeRun('x1', { experimentId: 'qaoa' }) } });
    expect(runsStore.live).toEqual({});
    expect(project.runs.map((r) => r.id)).toContain('x1');
    // a late 'queued' reply for a run that already finished does not resurrect it
    runsStore.applyEvent({ event: 'run-queued', payload: { runId: 'x1', experimentId: 'qaoa', job: 'run' } });
    expect(runsStore.live).toEqual({});
  });
});
