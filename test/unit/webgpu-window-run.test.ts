// What the window runs on its own navigator.gpu (src-shared/workloads/run-on-gpu.ts,
// which the renderer's worker calls), here on Dawn's GPU object: the same shared
// runners as the engine process, the VQE's exact energy from the TypeScript
// Lanczos, cancel through the signal, and the kinds that stay in the engine.
import { describe, expect, it } from 'vitest';
import { parseProject } from '../../src-shared/project/schema';
import { runExperimentOnGpu } from '../../src-shared/workloads/run-on-gpu';
import { nodeGpu, createNodeWebGpuBackend } from '../../src-main/backend/webgpu-node';
import { runExperiment } from '../../src-main/engine/run-experiment';

let unavailable: string | null = null;
try {
  (await createNodeWebGpuBackend()).dispose();
} catch (e) {
  unavailable = (e as Error).message;
  console.warn(`WebGPU window-run tests skipped: ${unavailable}`);
}

const project = parseProject(JSON.stringify({
  format: 'quench-project', version: 2, name: 'window',
  experiments: [
    { id: 'vqe', name: 'VQE', kind: 'vqe', settings: { backend: 'webgpu', precision: 'f32' }, params: { qubits: 4, layers: 2, iterations: 30 } },
    { id: 'bell', name: 'Bell', kind: 'circuit', settings: { backend: 'webgpu', precision: 'f32' }, params: { qasm: 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0];\ncx q[0],q[1];\n', observables: ['Z0*Z1'], shots: 100, seed: 1 } },
    { id: 'gan', name: 'GAN', kind: 'qgan', settings: { backend: 'webgpu', precision: 'f32' }, params: {} },
  ],
}));
const byId = (id: string) => project.experiments.find((e) => e.id === id)!;
const machine = { quench: '0.1.0', cpu: 'test cpu', logicalCores: 2, node: 'none (window)', platform: 'test', runIn: 'window' as const };

describe.skipIf(unavailable !== null)('runs made on a GPU object handed over (the window)', () => {
  it('a VQE: the engine-process result, the exact energy from the TypeScript Lanczos, the window in env', async () => {
    const points: number[] = [];
    const w = await runExperimentOnGpu(await nodeGpu(), byId('vqe'), machine, { onProgress: (p) => p.point && points.push(p.point.y) });
    const engine = await runExperiment(byId('vqe'));
    expect(w.env).toMatchObject({ backend: 'webgpu', precision: 'f32', runIn: 'window', cpu: 'test cpu', timing: 'wall-clock' });
    expect(w.quality.exact_energy).toBeCloseTo(engine.quality.exact_energy, 9);
    expect(Math.abs(w.quality.energy - engine.quality.energy)).toBeLessThan(1e-5);
    expect(points.length).toBe((w.curves.energy as number[]).length);
  }, 240_000);

  it('a circuit', async () => {
    const r = await runExperimentOnGpu(await nodeGpu(), byId('bell'), machine);
    expect(r.quality.expectation_0).toBeCloseTo(1, 5);
    expect(r.env.runIn).toBe('window');
  });

  it('stops at the next GPU call when cancelled', async () => {
    const ac = new AbortController();
    const run = runExperimentOnGpu(await nodeGpu(), byId('vqe'), machine, { signal: ac.signal, onProgress: () => ac.abort() });
    await expect(run).rejects.toThrow(/cancelled/);
  }, 240_000);

  it('leaves the CV GAN to the engine process', async () => {
    await expect(runExperimentOnGpu(await nodeGpu(), byId('gan'), machine)).rejects.toThrow(/the CV GAN runs on WebGPU in the engine process/);
  });
});

describe('without a GPU object', () => {
  it('says so in one line', async () => {
    await expect(runExperimentOnGpu(undefined, byId('bell'), machine)).rejects.toThrow(/WebGPU/);
  });
});
