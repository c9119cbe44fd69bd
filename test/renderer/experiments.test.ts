// @vitest-environment happy-dom
// The Experiments view: list (new, import, rename, duplicate, delete, run,
// cancel), the editor (validation as you type, debounced updates, memory
// estimate, circuit diagram, QASM export) and Run with….
import fs from 'node:fs';
import path from 'node:path';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KIND_HELP } from '../../src-shared/project/param-meta';
import type { Project } from '../../src-shared/project/schema';
import { setApi } from '../../src-renderer/api/current';
import { downloadText } from '../../src-renderer/export';
import ExperimentsList from '../../src-renderer/features/experiments/ExperimentsList.vue';
import ExperimentsView from '../../src-renderer/features/experiments/ExperimentsView.vue';
import { useProjectStore } from '../../src-renderer/stores/project';
import { useUiStore } from '../../src-renderer/stores/ui';
import { exampleProject, fakeApi, INFO, makeRun } from './fake-api';

vi.mock('../../src-renderer/export', () => ({ downloadText: vi.fn() }));

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../fixtures', name), 'utf8');

let fake: ReturnType<typeof fakeApi>;
let pinia: ReturnType<typeof createPinia>;
let wrapper: VueWrapper | undefined;

async function start(project: Project = exampleProject(), component: typeof ExperimentsView | typeof ExperimentsList = ExperimentsView) {
  fake = fakeApi(project);
  setApi(fake.api);
  await useProjectStore().load();
  wrapper = mount(component as typeof ExperimentsView, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

const select = async (w: VueWrapper, id: string) => {
  await w.find(`li[data-experiment="${id}"] button.name`).trigger('click');
  await flushPromises();
};
const sentExperiments = () => (fake.api.updateProject.mock.calls.at(-1)?.[0] as Project).experiments;

beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  vi.mocked(downloadText).mockClear();
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  vi.useRealTimers();
});

describe('experiments list', () => {
  it('lists kind and key parameters, runs one, then offers Cancel', async () => {
    const w = await start(exampleProject(), ExperimentsList);
    const items = w.findAll('li.experiment');
    expect(items).toHaveLength(exampleProject().experiments.length);
    expect(items[0].find('.kind').text()).toBe('vqe');
    expect(items[0].text()).toContain('qubits 10');
    await w.find('li[data-experiment="qaoa"] button.run').trigger('click');
    await flushPromises();
    expect(fake.api.runExperiment).toHaveBeenCalledWith('qaoa', undefined);
    expect(w.find('li[data-experiment="qaoa"] [role="progressbar"]').exists()).toBe(true);
    await w.find('li[data-experiment="qaoa"] button.cancel').trigger('click');
    expect(fake.api.cancelRun).toHaveBeenCalledWith('run-1');
  });

  it('creates an experiment of the chosen kind with the defaults, and selects it', async () => {
    const w = await start();
    await w.find('select[name="new-kind"]').setValue('qaoa');
    await w.find('[data-action="new-experiment"]').trigger('click');
    await flushPromises();
    const added = sentExperiments().at(-1)!;
    expect(added).toMatchObject({ id: 'qaoa-2', kind: 'qaoa', name: 'QAOA — MaxCut', params: {} });
    expect(useUiStore().selectedExperimentId).toBe('qaoa-2');
    expect(w.find('[data-editor="qaoa-2"]').exists()).toBe(true);
    expect(w.find('[data-editor="qaoa-2"] [data-kind-help]').text()).toBe(KIND_HELP.qaoa); // what the kind is
    // the form shows each default as the placeholder
    expect(w.find('input[name="nodes"]').attributes('placeholder')).toBe('default: 20');
  });

  it('renames inline (Enter saves, an empty name is refused) and duplicates after the original', async () => {
    const w = await start(exampleProject(), ExperimentsList);
    await w.find('li[data-experiment="qsvm"] [data-action="rename"]').trigger('click');
    const input = w.find('li[data-experiment="qsvm"] input[name="rename"]');
    await input.setValue('   ');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(w.find('li[data-experiment="qsvm"]').text()).toContain('name: must not be empty');
    expect(fake.api.updateProject).not.toHaveBeenCalled();
    await input.setValue('Kernel, 1000 points');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(sentExperiments().find((e) => e.id === 'qsvm')?.name).toBe('Kernel, 1000 points');

    await w.find('li[data-experiment="qsvm"] [data-action="duplicate"]').trigger('click');
    await flushPromises();
    const ids = sentExperiments().map((e) => e.id);
    expect(ids[ids.indexOf('qsvm') + 1]).toBe('qsvm-copy');
    expect(sentExperiments().find((e) => e.id === 'qsvm-copy')?.name).toBe('Kernel, 1000 points (copy)');
  });

  it('deletes an experiment with its runs after saying how many go with it', async () => {
    const p = exampleProject();
    p.runs = [makeRun('r1', { experimentId: 'qaoa' }), makeRun('r2', { experimentId: 'qaoa' }), makeRun('r3')];
    const w = await start(p, ExperimentsList);
    await w.find('li[data-experiment="qaoa"] [data-action="delete"]').trigger('click');
    const confirm = w.find('li[data-experiment="qaoa"] .confirm');
    expect(confirm.text()).toContain('and its 2 runs');
    await confirm.find('[data-action="confirm-delete"]').trigger('click');
    await flushPromises();
    expect(fake.api.deleteRuns).toHaveBeenCalledWith(['r1', 'r2']);
    expect(fake.api.deleteRuns.mock.invocationCallOrder[0]).toBeLessThan(fake.api.updateProject.mock.invocationCallOrder[0]);
    expect(sentExperiments().some((e) => e.id === 'qaoa')).toBe(false);
    expect(useProjectStore().runs.map((r) => r.id)).toEqual(['r3']);
  });

  it('imports a QASM file as a circuit experiment; a parse error names line:col and adds nothing', async () => {
    const w = await start();
    const input = w.find('[data-action="import-qasm"] input[type="file"]');
    const choose = async (name: string, text: string) => {
      Object.defineProperty(input.element, 'files', { value: [new File([text], name, { type: 'text/plain' })], configurable: true });
      await input.trigger('change');
      await flushPromises();
    };
    await choose('bad.qasm', fixture('bad.qasm'));
    expect(w.find('[data-import-error]').text()).toMatch(/^bad\.qasm:5:1: .* — nothing was imported\.$/);
    expect(fake.api.updateProject).not.toHaveBeenCalled();

    await choose('bell.qasm', fixture('bell.qasm'));
    const added = sentExperiments().at(-1)!;
    // the example project has a 'bell' experiment already: the id is made unique
    expect(added).toMatchObject({ id: 'bell-2', kind: 'circuit', name: 'bell (3 qubits)', params: { qasm: fixture('bell.qasm') } });
    expect(w.find('[data-import-error]').exists()).toBe(false);
    expect(w.find('[data-editor="bell-2"] svg').exists()).toBe(true);
  });

  it('shows how to start when the project is empty', async () => {
    const w = await start({ ...exampleProject(), experiments: [], runs: [] });
    expect(w.find('[data-empty]').text()).toContain('no experiments yet');
    expect(w.find('[data-editor]').exists()).toBe(false);
    await w.find('[data-action="open-example"]').trigger('click');
    await flushPromises();
    expect(fake.api.openExample).toHaveBeenCalled();
    expect(w.findAll('li.experiment').length).toBe(exampleProject().experiments.length);
  });
});

describe('experiment editor', () => {
  it('checks every change, shows each field its own message, and sends only valid edits after a pause', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const w = await start();
    await select(w, 'vqe');
    const qubits = w.find('input[name="qubits"]');
    await qubits.setValue('30');
    expect(w.find('input[name="qubits"]').element.closest('.field')!.textContent).toContain('qubits: must be ≤ 26');
    await qubits.setValue('ten');
    expect(w.find('input[name="qubits"]').element.closest('.field')!.textContent).toContain("qubits: 'ten' is not a number");
    vi.advanceTimersByTime(1000);
    await flushPromises();
    expect(fake.api.updateProject).not.toHaveBeenCalled();
    expect(w.find('[data-status]').text()).toContain('Not saved');
    expect(w.find('[data-action="run"]').attributes('disabled')).toBeDefined();

    await qubits.setValue('12');
    vi.advanceTimersByTime(300);
    await flushPromises();
    expect(fake.api.updateProject).not.toHaveBeenCalled(); // still typing
    await w.find('input[name="layers"]').setValue('6');
    vi.advanceTimersByTime(400);
    await flushPromises();
    expect(fake.api.updateProject).toHaveBeenCalledTimes(1);
    expect(sentExperiments().find((e) => e.id === 'vqe')?.params).toMatchObject({ qubits: 12, layers: 6 });
    expect(w.find('input[name="qubits"]').element.closest('.field')!.querySelector('.message')).toBeNull();
  });

  it('checks what the schema cannot: a Pauli sum that does not parse, nodes × degree', async () => {
    const w = await start();
    await select(w, 'vqe');
    await w.find('select[name="hamiltonian"]').setValue('custom');
    expect(w.find('textarea[name="pauliSum"]').element.closest('.field')!.textContent).toContain("pauliSum: needed for Hamiltonian 'custom'");
    await select(w, 'qaoa');
    await w.find('input[name="nodes"]').setValue('21');
    expect(w.find('input[name="degree"]').element.closest('.field')!.textContent).toContain('degree: nodes × degree must be even (21 × 3 = 63)');
  });

  it('flushes a pending edit before running', async () => {
    const w = await start();
    await select(w, 'qnn');
    await w.find('select[name="precision"]').setValue('f32');
    await w.find('[data-action="run"]').trigger('click');
    await flushPromises();
    expect(sentExperiments().find((e) => e.id === 'qnn')?.settings.precision).toBe('f32');
    expect(fake.api.updateProject.mock.invocationCallOrder[0]).toBeLessThan(fake.api.runExperiment.mock.invocationCallOrder[0]);
  });

  it('estimates the peak memory, warns when it crowds the machine, and refuses what cannot fit', async () => {
    const w = await start();
    await select(w, 'vqe');
    await w.find('input[name="qubits"]').setValue('26');
    expect(w.find('[data-memory]').text()).toContain('≈ 2.0 GiB peak');
    expect(w.find('[data-memory]').classes()).toContain('ok');
    fake.api.info.mockResolvedValue({ ...INFO, freeMemoryBytes: 3 * 2 ** 30 });
    await useProjectStore().refreshInfo();
    await flushPromises();
    expect(w.find('[data-memory]').text()).toContain('Warning: needs ≈ 2.0 GiB at its peak, more than half of the 3.0 GiB free now');

    await select(w, 'qsvm');
    await w.find('input[name="train"]').setValue('100000');
    expect(w.find('[data-memory]').text()).toMatch(/Cannot run: needs ≈ \d+ GiB .* more than this machine's 16 GiB/);
    expect(w.find('[data-action="run"]').attributes('disabled')).toBeDefined();
    expect(w.find('[data-editor="qsvm"] [role="alert"]').text()).toContain('Cannot run');
  });

  it('draws the circuit: qubit wires and gates, CV modes with layers, a long circuit cut short', async () => {
    const w = await start();
    await select(w, 'vqe');
    await w.find('input[name="layers"]').setValue('20'); // the diagram follows the form
    const svg = w.find('[data-editor="vqe"] svg');
    expect(svg.findAll('.wire-label').map((t) => t.text()).slice(0, 3)).toEqual(['q0', 'q1', 'q2']);
    expect(svg.findAll('[data-gate="ry"]').length).toBeGreaterThan(0);
    expect(svg.findAll('[data-gate="cx"] circle.target').length).toBeGreaterThan(0);
    expect(w.find('[data-editor="vqe"] .more').text()).toMatch(/^\+ \d+ more columns \(\d+ operations in all\)/);

    await select(w, 'qgan');
    const cv = w.find('[data-editor="qgan"] svg');
    expect(cv.findAll('.wire-label').map((t) => t.text())).toEqual(['mode 0', 'mode 1', 'mode 2', 'mode 3']);
    expect(cv.findAll('.layer-label').map((t) => t.text())).toEqual(['layer 1', 'layer 2']);
    expect(cv.findAll('[data-gate="Beamsplitter"]').length).toBeGreaterThan(0);
  });

  it('exports the circuit as OpenQASM, and says why a CV circuit cannot be', async () => {
    const w = await start();
    await select(w, 'qaoa');
    await w.find('[data-action="export-qasm"]').trigger('click');
    expect(downloadText).toHaveBeenCalledTimes(1);
    const [fileName, text] = vi.mocked(downloadText).mock.calls[0];
    expect(fileName).toBe('qaoa.qasm');
    expect(text).toMatch(/^OPENQASM 2\.0;\ninclude "qelib1.inc";\n\/\/ Quench experiment/);
    expect(text).toContain('qreg q[20];');
    await select(w, 'qgan');
    const button = w.find('[data-action="export-qasm"]');
    expect(button.attributes('disabled')).toBeDefined();
    expect(button.attributes('title')).toMatch(/continuous-variable/);
  });
});

describe('run with…', () => {
  it('saves the chosen settings to the experiment, then queues repetitions with a batch-size override', async () => {
    const w = await start();
    await select(w, 'qnn');
    await w.find('[data-action="run-with"]').trigger('click');
    const dialog = w.find('[data-run-dialog]');
    expect(dialog.find('option[value="reference"]').attributes('disabled')).toBeDefined();
    expect(dialog.find('input[name="run-batchSize"]').attributes('placeholder')).toBe('default: 32');
    await dialog.find('select[name="run-precision"]').setValue('f32');
    await dialog.find('input[name="run-repeats"]').setValue('3');
    await dialog.find('input[name="run-batchSize"]').setValue('0');
    expect(dialog.text()).toContain('batchSize: must be ≥ 1');
    expect(dialog.find('[data-action="start-run"]').attributes('disabled')).toBeDefined();
    await dialog.find('input[name="run-batchSize"]').setValue('64');
    await dialog.find('input[name="run-repeats"]').setValue('101');
    expect(dialog.text()).toContain('repetitions: a whole number from 1 to 100');
    await dialog.find('input[name="run-repeats"]').setValue('3');
    expect(dialog.find('[data-action="start-run"]').text()).toBe('Run 3×');
    await dialog.trigger('submit');
    await flushPromises();
    expect(w.find('[data-run-dialog]').exists()).toBe(false);
    expect(sentExperiments().find((e) => e.id === 'qnn')?.settings.precision).toBe('f32');
    expect((sentExperiments().find((e) => e.id === 'qnn')?.params as Record<string, unknown>).batchSize).toBeUndefined(); // an override is not an edit
    expect(fake.api.runExperiment).toHaveBeenCalledWith('qnn', { repeats: 3, overrides: { batchSize: 64 } });
    expect(fake.api.updateProject.mock.invocationCallOrder.at(-1)!).toBeLessThan(fake.api.runExperiment.mock.invocationCallOrder[0]);
  });

  it('checks the overridden run against the memory of this machine', async () => {
    const w = await start();
    await select(w, 'qgan');
    await w.find('[data-action="run-with"]').trigger('click');
    const dialog = w.find('[data-run-dialog]');
    await dialog.find('input[name="run-batches"]').setValue('1, 8, x');
    expect(dialog.text()).toContain("batches: value 3 ('x') is not a number");
    await dialog.find('input[name="run-batches"]').setValue('32, 1000000');
    expect(dialog.find('[data-memory]').text()).toContain('peak');
    await dialog.find('[data-action="cancel-run-dialog"]').trigger('click');
    expect(w.find('[data-run-dialog]').exists()).toBe(false);
    expect(fake.api.runExperiment).not.toHaveBeenCalled();
  });
});
