// @vitest-environment happy-dom
// The Hardware view's machines side by side: gates benchmarks and the runs a
// cluster job made, one column per machine fingerprint (CPU model, ISA,
// cores, memory, node name), medians with their spread, never pooled across
// machines. Figures are formatted through the metric registry.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import MachinesSideBySide from '../../src-renderer/features/hardware/MachinesSideBySide.vue';
import HardwareView from '../../src-renderer/features/hardware/HardwareView.vue';
import { useProjectStore } from '../../src-renderer/stores/project';
import { machinesSideBySide } from '../../src-shared/analysis/machines';
import { headlineSpeedMetric } from '../../src-shared/analysis/metrics';
import type { Benchmark, Project, Run } from '../../src-shared/project/schema';
import { exampleProject, freshApp, makeRun } from './fake-api';

const GiB = 2 ** 30;
interface Node { cpu: string; host?: string; isa?: string; cores?: number; mem?: number }
const XEON_A: Node = { cpu: 'Xeon Gold 6130', host: 'node-a', isa: 'avx2', cores: 32, mem: 192 * GiB };
const XEON_B: Node = { cpu: 'Xeon Gold 6130', host: 'node-b', isa: 'avx2', cores: 32, mem: 192 * GiB };
const EPYC: Node = { cpu: 'AMD EPYC 7763', host: 'gpu-1', isa: 'avx2', cores: 128, mem: 512 * GiB };

let n = 0;
/** A gates benchmark on `node`: one 1q f64 kernel at 20 qubits (1 thread and all), ms per gate as given. */
function bench(node: Node, ms1: number, msAll: number, extra: Partial<Benchmark> = {}): Benchmark {
  const k = (threads: number, ms: number) => ({
    kind: '1q', qubits: 20, precision: 'f64', threads, targets: [[0]], msPerGate: { median: ms, min: ms * 0.9, max: ms * 1.2 }, gbPerS: 10, inplaceGbPerS: 12, fractionOfInplace: 0.8,
  });
  return {
    id: `b${++n}`, startedAt: `2026-01-01T00:00:${String(n).padStart(2, '0')}.000Z`, durationMs: 1000, status: 'completed',
    options: { backend: 'native', qubits: [20], precision: ['f64'], threads: [1, 0], repeats: 5, isa: 'auto' },
    result: {
      env: { cpu: { model: node.cpu, logicalCores: node.cores }, isa: node.isa, ...(node.host ? { host: node.host, memoryBytes: node.mem } : { memory: { totalBytes: node.mem } }) },
      results: [k(1, ms1), k(node.cores ?? 4, msAll)],
      brickwork: { qubits: 20, layers: 1, gates: 1, passes: {}, msPerLayer: {} }, skipped: [],
    },
    ...extra,
  };
}

/** A qgan run a cluster job made on `node` (or, without a host, one made here). */
function run(node: Node, us: number, over: Partial<Run> = {}): Run {
  return makeRun(`r${++n}`, {
    experimentId: 'qgan-small',
    result: {
      kind: 'qgan', params: {}, metrics: { us_per_sample_batch32: us, ms_per_step: 3 }, quality: {}, curves: {}, phases: {}, details: {},
      env: {
        quench: '0.1.0', cpu: node.cpu, logicalCores: node.cores ?? 4, isa: node.isa ?? 'avx2', precision: 'f64', threads: 1, backend: 'native-avx2', node: '20', platform: 'linux-x64',
        ...(node.host ? { host: node.host, memoryBytes: node.mem, slurm: { jobId: '77', arrayJobId: '77', arrayTaskId: '0' } } : {}),
      },
    },
    ...over,
  });
}

const mounted: VueWrapper[] = [];
afterEach(() => {
  while (mounted.length) mounted.pop()!.unmount();
});
async function show(over: Partial<Project>, component: Parameters<typeof mount>[0] = MachinesSideBySide) {
  const { pinia } = freshApp({ ...exampleProject(), ...over });
  await useProjectStore().load();
  const w = mount(component, { global: { plugins: [pinia], stubs: { ChartFrame: true } } });
  mounted.push(w);
  await flushPromises();
  return w;
}
/** Per machine: 'value ratio | spread', or '—'. */
const cellsOf = (w: VueWrapper, rowKey: string) =>
  w.find(`tr[data-row="${rowKey}"]`).findAll('td').slice(1).map((td) => (td.find('.value').exists() ? [td.findAll('.value span').map((x) => x.text()).join(' '), td.find('.spread').text().replace(/\s+/g, ' ').trim()].filter(Boolean).join(' | ') : td.text()));

describe('Machines side by side', () => {
  it('gives each machine fingerprint its own column, nodes with one CPU model too, and never pools them', async () => {
    const benchmarks = [bench(XEON_A, 2, 0.5), bench(XEON_A, 4, 0.7), bench(XEON_A, 3, 0.6), bench(XEON_B, 30, 5), bench(EPYC, 1, 0.1)];
    const w = await show({ benchmarks });
    const heads = w.findAll('th[data-machine-column]');
    // sorted by CPU model, then node
    expect(heads.map((h) => h.attributes('data-machine-column'))).toEqual(['gpu-1', 'node-a', 'node-b']);
    expect(heads[1].text()).toContain('Xeon Gold 6130');
    expect(heads[1].text()).toContain('node-a · ISA avx2 · 32 cores · 192 GiB');
    expect(heads[1].text()).toContain('3 benchmarks · 0 runs');
    expect(heads[0].text()).toContain('gpu-1 · ISA avx2 · 128 cores · 512 GiB');

    const single = cellsOf(w, 'gates|1q|20|f64|1 thread');
    // EPYC: one benchmark, its repeats' range; node-a: the median of 2, 4, 3 ms and their range; node-b alone (not pooled with node-a)
    expect(single[0]).toBe('1.00 ms | 900 µs – 1.20 ms');
    expect(single[1]).toBe('3.00 ms 3.00× | 2.00 ms – 4.00 ms · n=3');
    expect(single[2]).toBe('30.0 ms 30.0× | 27.0 ms – 36.0 ms');
    // the fastest machine, its spread apart from every other one's, is marked
    expect(w.find('tr[data-row="gates|1q|20|f64|1 thread"]').findAll('td')[1].classes()).toContain('best');
    expect(w.find('tr[data-row="gates|1q|20|f64|all threads"]').exists()).toBe(true);

    await w.find('select[name="side-threads"]').setValue('1 thread');
    expect(w.findAll('tr[data-row^="gates|"]').map((r) => r.attributes('data-row'))).toEqual(['gates|1q|20|f64|1 thread']);
    await w.find('select[name="side-precision"]').setValue('f32');
    expect(w.findAll('tr[data-row^="gates|"]')).toHaveLength(0);
  });

  it("puts the runs a cluster job made beside each other by node, each experiment's headline speed with its spread; runs made here stay out", async () => {
    const runs = [run(XEON_A, 100), run(XEON_A, 120), run(XEON_A, 110), run(EPYC, 50), run({ cpu: 'Xeon Gold 6130' }, 1)];
    runs.push(run(XEON_B, 400, { overrides: { cutoff: 4 } }));
    const w = await show({ runs, experiments: [...exampleProject().experiments, { id: 'qgan-small', name: 'Small QGAN', kind: 'qgan', params: {} } as Project['experiments'][number]] });
    expect(w.findAll('th[data-machine-column]').map((h) => h.attributes('data-machine-column'))).toEqual(['gpu-1', 'node-a', 'node-b']);
    const row = w.find('tr[data-row="runs|qgan-small||us_per_sample_batch32"]');
    expect(row.find('td.what').text()).toBe('Small QGANTime per sample (batch 32)');
    expect(cellsOf(w, 'runs|qgan-small||us_per_sample_batch32')).toEqual(['50.0 µs', '110 µs 2.20× | 100 µs – 120 µs · n=3', '—']);
    // a grid point is a row of its own
    expect(cellsOf(w, 'runs|qgan-small|cutoff=4|us_per_sample_batch32')).toEqual(['—', '—', '400 µs']);
    expect(w.text()).not.toContain('Test CPU');
  });

  it('says how to get a column when there is nothing to compare, and sits in the Hardware view', async () => {
    const empty = await show({ runs: [run({ cpu: 'Here CPU' }, 5)], benchmarks: [] });
    expect(empty.text()).toContain('No gates benchmarks or cluster runs yet');
    expect(empty.text()).toContain('quench submit --bench gates --slurm');
    const view = await show({ benchmarks: [bench(XEON_A, 2, 1)] }, HardwareView);
    expect(view.find('[data-panel="machines-side-by-side"] th[data-machine-column="node-a"]').exists()).toBe(true);
  });

  it('is computed in one place (src-shared/analysis/machines.ts): a failed benchmark and a WebGPU one are left out', () => {
    const failed = bench(XEON_A, 9, 9, { status: 'failed' });
    const gpu = bench(EPYC, 9, 9, { options: { backend: 'webgpu', qubits: [20], precision: ['f32'], threads: [0], repeats: 5, isa: 'auto' } });
    const t = machinesSideBySide([failed, gpu, bench(XEON_B, 2, 1)], [], headlineSpeedMetric);
    expect(t.machines.map((m) => m.host)).toEqual(['node-b']);
    expect(t.rows.map((r) => r.cells[0]?.median)).toEqual([2, 1]);
  });
});
