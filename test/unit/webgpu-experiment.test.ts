// A circuit experiment with backend 'webgpu' runs in the engine's process on
// Dawn (f32, the adapter named in env); other kinds are refused with the same
// message the editor shows.
import { afterAll, describe, expect, it } from 'vitest';
import { parseProject } from '../../src-shared/project/schema';
import { createNodeWebGpuBackend, releaseNodeGpu } from '../../src-main/backend/webgpu-node';
import { runExperiment } from '../../src-main/engine/run-experiment';
import { SELF_CHECK_TOLERANCE, webGpuSelfCheck } from '../../src-shared/webgpu/self-check';

let unavailable: string | null = null;
try {
  (await createNodeWebGpuBackend()).dispose();
} catch (e) {
  unavailable = (e as Error).message;
  console.warn(`WebGPU experiment tests skipped: ${unavailable}`);
}
afterAll(() => releaseNodeGpu());

const project = parseProject(JSON.stringify({
  format: 'quench-project', version: 2, name: 'gpu',
  experiments: [
    { id: 'ghz', name: 'GHZ on WebGPU', kind: 'circuit', settings: { backend: 'webgpu', precision: 'f64' },
      params: { qasm: 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\n', observables: ['Z0*Z1', 'X0*X1*X2', 'Z2'], shots: 500, seed: 3 } },
    { id: 'vqe', name: 'VQE on WebGPU', kind: 'vqe', settings: { backend: 'webgpu' }, params: { qubits: 4 } },
  ],
}));

// Skipped (reason printed above) only where no WebGPU adapter exists.
describe.skipIf(unavailable !== null)('experiments on the WebGPU backend', () => {
  it('runs a circuit experiment in f32 and names the adapter', async () => {
    const r = await runExperiment(project.experiments[0]);
    expect(r.env).toMatchObject({ backend: 'webgpu', precision: 'f32', isa: 'webgpu' });
    expect(r.env.adapter).toMatch(/\S/);
    expect(r.quality.expectation_0).toBeCloseTo(1, 5);
    expect(r.quality.expectation_1).toBeCloseTo(1, 5);
    expect(r.quality.expectation_2).toBeCloseTo(0, 5);
    const counts = r.details.counts as Record<string, number>;
    expect(Object.keys(counts).sort()).toEqual(['000', '111']);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(500);
    expect(['gpu-timestamps', 'wall-clock']).toContain(r.details.timing);
  });

  it("passes the workbench's self-check against the reference (what the Hardware view runs in the window)", async () => {
    const gpu = await createNodeWebGpuBackend();
    try {
      const report = await webGpuSelfCheck(gpu);
      expect(report.cases.map((c) => c.qubits)).toEqual([2, 5, 8, 12]);
      expect(report.maxError).toBeLessThan(SELF_CHECK_TOLERANCE);
      expect(report.pass).toBe(true);
    } finally {
      gpu.dispose();
    }
  });
});

describe('the WebGPU backend for other workloads', () => {
  it('is refused with the reason, as in the editor', async () => {
    await expect(runExperiment(project.experiments[1])).rejects.toThrow(/experiment 'vqe': the WebGPU backend runs raw circuits/);
  });
});
