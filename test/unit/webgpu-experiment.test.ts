// Experiments with backend 'webgpu' run in the engine's process on Dawn
// (f32, the adapter named in env): raw circuits, and the VQE, QAOA, QNN,
// QSVM and scale runners through the same WorkloadSession the native engine
// answers — each checked against the same run on the native engine. The CV
// GAN's Fock-space circuit runs on the GPU too (src-shared/webgpu/cv).
import { describe, expect, it } from 'vitest';
import { parseProject } from '../../src-shared/project/schema';
import { createNodeWebGpuBackend } from '../../src-main/backend/webgpu-node';
import { runExperiment } from '../../src-main/engine/run-experiment';
import { SELF_CHECK_TOLERANCE, webGpuSelfCheck } from '../../src-shared/webgpu/self-check';

let unavailable: string | null = null;
try {
  (await createNodeWebGpuBackend()).dispose();
} catch (e) {
  unavailable = (e as Error).message;
  console.warn(`WebGPU experiment tests skipped: ${unavailable}`);
}

const project = parseProject(JSON.stringify({
  format: 'quench-project', version: 2, name: 'gpu',
  experiments: [
    { id: 'ghz', name: 'GHZ on WebGPU', kind: 'circuit', settings: { backend: 'webgpu', precision: 'f64' },
      params: { qasm: 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\n', observables: ['Z0*Z1', 'X0*X1*X2', 'Z2'], shots: 500, seed: 3 } },
    { id: 'vqe', name: 'VQE on WebGPU', kind: 'vqe', settings: { backend: 'webgpu' }, params: { qubits: 4, layers: 2, iterations: 40 } },
    { id: 'qaoa', name: 'QAOA on WebGPU', kind: 'qaoa', settings: { backend: 'webgpu' }, params: { nodes: 8, p: 2, iterations: 15, optimizer: 'lbfgs' } },
    { id: 'qnn', name: 'QNN on WebGPU', kind: 'qnn', settings: { backend: 'webgpu' }, params: { qubits: 4, layers: 2, epochs: 2, train: 48, test: 24, batchSize: 16, inferenceBatch: 32, latencySamples: 5, baselines: false } },
    { id: 'qsvm', name: 'QSVM on WebGPU', kind: 'qsvm', settings: { backend: 'webgpu' }, params: { train: 40, test: 20, features: 4, baseline: false } },
    { id: 'scale', name: 'Scale on WebGPU', kind: 'scale', settings: { backend: 'webgpu' }, params: { sizes: [32, 64], qubits: 3, layers: 1, features: 3 } },
    { id: 'gan', name: 'QGAN on WebGPU', kind: 'qgan', settings: { backend: 'webgpu' }, params: { modes: 2, latent: 2, cutoff: 4, layers: 1, batches: [1, 8], repeats: 1 } },
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
    expect(r.env.timing).toBe(r.details.timing);
  });

  /** The same experiment on the native engine in f32, for comparison. */
  const onNative = (id: string) => {
    const e = project.experiments.find((x) => x.id === id)!;
    return runExperiment({ ...e, settings: { ...e.settings, backend: 'native-avx2', precision: 'f32', threads: 1 } });
  };
  const gpuEnv = { backend: 'webgpu', precision: 'f32', isa: 'webgpu', timing: 'wall-clock' };

  it('runs a VQE: the same optimisation as the native engine, to f32 accuracy', async () => {
    const [gpu, cpu] = [await runExperiment(project.experiments.find((x) => x.id === 'vqe')!), await onNative('vqe')];
    expect(gpu.env).toMatchObject(gpuEnv);
    expect(gpu.env.adapter).toMatch(/\S/);
    expect(Math.abs(gpu.quality.energy - cpu.quality.energy)).toBeLessThan(1e-4);
    expect(gpu.quality.exact_energy).toBeCloseTo(cpu.quality.exact_energy, 10); // Lanczos on the CPU either way
    expect((gpu.curves.energy as number[]).length).toBeGreaterThan(5);
    expect(gpu.metrics.ms_per_iteration).toBeGreaterThan(0);
  }, 240_000);

  it('runs a QAOA and samples the optimised state', async () => {
    const [gpu, cpu] = [await runExperiment(project.experiments.find((x) => x.id === 'qaoa')!), await onNative('qaoa')];
    expect(gpu.env).toMatchObject(gpuEnv);
    expect(Math.abs(gpu.quality.expected_cut - cpu.quality.expected_cut)).toBeLessThan(1e-3);
    expect(gpu.quality.approximation_ratio_best_sampled).toBeGreaterThan(0.8);
    expect(gpu.quality.max_cut).toBe(cpu.quality.max_cut);
  }, 240_000);

  it('trains a QNN with batched per-sample gradients on the GPU', async () => {
    const [gpu, cpu] = [await runExperiment(project.experiments.find((x) => x.id === 'qnn')!), await onNative('qnn')];
    expect(gpu.env).toMatchObject(gpuEnv);
    const [lg, lc] = [gpu.curves.loss as number[], cpu.curves.loss as number[]];
    expect(lg.length).toBe(2);
    // Same data order and initial weights; f32 rounding only: the first epoch's loss agrees closely.
    expect(Math.abs(lg[0] - lc[0])).toBeLessThan(1e-3);
    expect(Math.abs(gpu.quality.test_accuracy - cpu.quality.test_accuracy)).toBeLessThanOrEqual(1 / 24 + 1e-9);
    expect(gpu.metrics.latency_us_p50).toBeGreaterThan(0);
  }, 240_000);

  it('computes the QSVM fidelity kernel on the GPU and trains the same SVM', async () => {
    const [gpu, cpu] = [await runExperiment(project.experiments.find((x) => x.id === 'qsvm')!), await onNative('qsvm')];
    expect(gpu.env).toMatchObject(gpuEnv);
    expect(Math.abs(gpu.quality.kernel_target_alignment - cpu.quality.kernel_target_alignment)).toBeLessThan(1e-4);
    expect(gpu.quality.test_accuracy).toBe(cpu.quality.test_accuracy);
    expect(gpu.quality.train_accuracy).toBe(cpu.quality.train_accuracy);
  }, 240_000);

  it('runs the CV GAN generator with its Fock-space circuit on the GPU', async () => {
    const [gpu, cpu] = [await runExperiment(project.experiments.find((x) => x.id === 'gan')!), await onNative('gan')];
    expect(gpu.env).toMatchObject(gpuEnv);
    expect(Math.abs(gpu.quality.truncation_loss - cpu.quality.truncation_loss)).toBeLessThan(1e-5);
    expect(gpu.quality.gradient_max_rel_error).toBeLessThan(1e-3);
  }, 240_000);

  it('runs the scale case (QNN epochs and kernels at growing sizes)', async () => {
    const r = await runExperiment(project.experiments.find((x) => x.id === 'scale')!);
    expect(r.env).toMatchObject(gpuEnv);
    expect(r.metrics.qnn_us_per_sample_64).toBeGreaterThan(0);
    expect(r.metrics.qsvm_kernel_s_64).toBeGreaterThan(0);
  }, 240_000);

  it("passes the workbench's self-check against the reference (what the Hardware view runs in the window)", async () => {
    const gpu = await createNodeWebGpuBackend();
    try {
      const report = await webGpuSelfCheck(gpu);
      expect(report.cases.map((c) => c.qubits)).toEqual([2, 5, 8, 12]);
      expect(report.maxError).toBeLessThan(SELF_CHECK_TOLERANCE);
      expect(report.maxGradientError).toBeLessThan(report.gradientTolerance);
      for (const c of report.cases) expect(Number.isFinite(c.maxBatchError) && c.maxBatchError < SELF_CHECK_TOLERANCE).toBe(true);
      expect(report.pass).toBe(true);
    } finally {
      gpu.dispose();
    }
  });
});


