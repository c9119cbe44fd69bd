// The continuous-variable quantum GAN of the seed report (docs/benchmarks.md): a CV
// generator in a truncated Fock basis (native, batched), a classical linear
// decoder to 2-D, and a classical discriminator, trained on a bimodal 2-D
// Gaussian mixture. Generator gradients are exact: the discriminator's and
// decoder's backward passes give ∂L/∂⟨x⟩, and the core's vector–Jacobian
// product turns that into ∂L/∂weights through the Fock-space gates.
// With backend 'webgpu' the Fock-space part (forward and VJP) runs on the GPU
// (src-shared/webgpu/cv, complex64); decoder and discriminator stay on the CPU.
import { Mlp } from '../../../src-shared/ml/baselines';
import { makeGaussianMixture2D } from '../../../src-shared/ml/datasets';
import { gradientFlow, linearFitR2 } from '../../../src-shared/ml/metrics';
import { Adam } from '../../../src-shared/ml/optimizers';
import { Rng } from '../../../src-shared/random';
import type { RunEnvironment, RunResult, Spread } from '../../../src-shared/results';
import { GpuCvSimulator } from '../../../src-shared/webgpu/cv/simulator';
import { PARAM_DEFAULTS } from '../../../src-shared/workloads/defaults';
import { createNodeWebGpuBackend } from '../../backend/webgpu-node';
import { loadFockAddon, type CvCircuit, type CvOptions, type CvOutputs } from '../../native/fock';
import { NativeSession, type SessionOptions } from '../session';
import { markPhase, now, spread, spreadMetrics, unstableOf } from '../../../src-shared/workloads/timing';

export interface QganSpec {
  modes: number;
  latent: number;
  cutoff: number;
  layers: number;
  /** Latent values are uniform in [−latentScale, latentScale]. */
  latentScale: number;
  seed: number;
}

const { batches: DEFAULT_BATCHES, repeats: DEFAULT_REPEATS, ...GENERATOR_DEFAULTS } = PARAM_DEFAULTS.qgan;
export const QGAN_DEFAULTS: QganSpec = GENERATOR_DEFAULTS;

/** Runner options: the session's, and where the generator's Fock-space circuit runs (default native). */
export type QganRunOptions = SessionOptions & { backend?: 'native' | 'webgpu' };

/** The Fock-space simulator on Dawn's WebGPU adapter, for one run. */
interface CvGpu {
  sim: GpuCvSimulator;
  adapter: string;
  close(): void;
}

async function openCvGpu(): Promise<CvGpu> {
  const backend = await createNodeWebGpuBackend();
  const close = () => {
    sim?.destroy();
    backend.dispose();
  };
  let sim: GpuCvSimulator | null = null;
  try {
    sim = new GpuCvSimulator(backend.ctx);
  } catch (e) {
    close();
    throw e;
  }
  return { sim, adapter: backend.adapter, close };
}

/** The run's environment: the native session's, or the GPU's (f32 whatever was asked: WGSL has no f64). */
function runEnvironment(session: NativeSession, gpu: CvGpu | null): RunEnvironment {
  const env = session.environment();
  return gpu ? { ...env, isa: 'webgpu', precision: 'f32', threads: 0, backend: 'webgpu', adapter: gpu.adapter, timing: 'wall-clock' } : env;
}

/** The generator: quantum circuit + decoder, with parameters and scratch. */
export class QganGenerator {
  readonly addon = loadFockAddon();
  readonly circuit: CvCircuit;
  readonly weights: Float64Array;
  readonly decoder: Mlp;
  readonly numWeights: number;

  constructor(readonly spec: QganSpec, readonly exec: CvOptions) {
    this.circuit = this.addon.cvQganGenerator(spec.modes, spec.cutoff, spec.layers, spec.latent);
    this.numWeights = this.circuit.numParams - spec.latent;
    const rng = new Rng(spec.seed);
    // Small initial weights keep the state inside the cutoff (low truncation loss).
    this.weights = Float64Array.from({ length: this.numWeights }, () => rng.normal() * 0.1);
    this.decoder = new Mlp({ sizes: [spec.modes, 2], activations: 'identity', seed: spec.seed });
  }

  sampleLatent(batch: number, rng: Rng): Float64Array {
    return Float64Array.from({ length: batch * this.spec.latent }, () => (rng.next() * 2 - 1) * this.spec.latentScale);
  }

  /** Parameter rows [z, weights] per sample. */
  paramRows(latent: Float64Array, batch: number): Float64Array {
    const P = this.circuit.numParams, L = this.spec.latent;
    const rows = new Float64Array(batch * P);
    for (let b = 0; b < batch; b++) {
      rows.set(latent.subarray(b * L, (b + 1) * L), b * P);
      rows.set(this.weights, b * P + L);
    }
    return rows;
  }

  /** Quantum part only: ⟨x⟩ per mode and norms. */
  quantum(latent: Float64Array, batch: number) {
    return this.addon.cvRunBatch(this.circuit, this.paramRows(latent, batch), batch, this.exec);
  }

  /** Generated 2-D samples, with the time spent per component. */
  generate(latent: Float64Array, batch: number) {
    const t0 = now();
    const q = this.quantum(latent, batch);
    const t1 = now();
    markPhase('quantum', t0, t1);
    return this.decode(q, batch, t1 - t0, t1);
  }

  /** As generate, with the quantum part on the GPU: its time is wall-clock from the call until the results are back on the host. */
  async generateOn(gpu: GpuCvSimulator, latent: Float64Array, batch: number) {
    const t0 = now();
    const q = await gpu.run(this.circuit, this.paramRows(latent, batch), batch, { normalize: this.exec.normalize });
    const t1 = now();
    markPhase('quantum', t0, t1);
    return this.decode(q, batch, t1 - t0, t1);
  }

  /** ∂L/∂params per sample (batch × numParams) for the upstream dL/d⟨x⟩ (native core). */
  vjp(rows: Float64Array, batch: number, dx: Float64Array) {
    return this.addon.cvVjpBatch(this.circuit, rows, batch, dx, null, null, this.exec);
  }

  /** As vjp, on the GPU. */
  vjpOn(gpu: GpuCvSimulator, rows: Float64Array, batch: number, dx: Float64Array) {
    return gpu.vjp(this.circuit, rows, batch, dx, null, null, { normalize: this.exec.normalize });
  }

  private decode(q: CvOutputs, batch: number, quantumMs: number, t1: number) {
    const out = this.decoder.forward(q.x, batch);
    const t2 = now();
    markPhase('decoder', t1, t2);
    return { samples: out, quantum: q, quantumMs, decoderMs: t2 - t1 };
  }
}

/** Squared maximum mean discrepancy with an RBF kernel (bandwidth σ): 0 when the samples' distributions agree. */
export function mmd2(a: Float64Array, b: Float64Array, sigma = 0.5): number {
  const k = (x: Float64Array, i: number, y: Float64Array, j: number) => Math.exp(-((x[2 * i] - y[2 * j]) ** 2 + (x[2 * i + 1] - y[2 * j + 1]) ** 2) / (2 * sigma * sigma));
  const n = a.length / 2, m = b.length / 2;
  let aa = 0, bb = 0, ab = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) aa += k(a, i, a, j);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) bb += k(b, i, b, j);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) ab += k(a, i, b, j);
  return aa / (n * (n - 1)) + bb / (m * (m - 1)) - (2 * ab) / (n * m);
}

/**
 * The classical baseline: an MLP generator with the same latent size
 * (latent → 16 → 2, tanh), the same discriminator, steps and batch.
 */
export function trainClassicalGan(s: QganTrainSpec): { seconds: number; mmd2: number; dLoss: number; gLoss: number; params: number } {
  const t0 = now();
  const rng = new Rng(s.seed + 100);
  const gen = new Mlp({ sizes: [s.latent, 16, 2], activations: ['tanh', 'identity'], seed: s.seed + 2 });
  const disc = new Mlp({ sizes: [2, 16, 1], activations: ['leakyRelu', 'identity'], seed: s.seed + 1 });
  const gOpt = new Adam({ lr: s.learningRate }), dOpt = new Adam({ lr: s.learningRate });
  const B = s.batch;
  const steps = s.epochs * s.stepsPerEpoch;
  const real = makeGaussianMixture2D({ n: steps * B, seed: s.seed });
  const latent = (n: number) => Float64Array.from({ length: n * s.latent }, () => (rng.next() * 2 - 1) * s.latentScale);
  let dLoss = 0, gLoss = 0;
  for (let step = 0; step < steps; step++) {
    const fake = gen.forward(latent(B), B).slice();
    const X = new Float64Array(4 * B);
    X.set(real.subarray(step * 2 * B, (step + 1) * 2 * B), 0);
    X.set(fake, 2 * B);
    const logits = disc.forward(X, 2 * B);
    const dOut = new Float64Array(2 * B);
    dLoss = 0;
    for (let i = 0; i < 2 * B; i++) {
      const label = i < B ? 1 : 0;
      dLoss += bceWithLogits(logits[i], label) / (2 * B);
      dOut[i] = (sigmoid(logits[i]) - label) / (2 * B);
    }
    dOpt.step(disc.params, disc.backward(dOut).gradParams);
    const samples = gen.forward(latent(B), B);
    const gl = disc.forward(samples, B);
    const gOut = new Float64Array(B);
    gLoss = 0;
    for (let i = 0; i < B; i++) {
      gLoss += bceWithLogits(gl[i], 1) / B;
      gOut[i] = (sigmoid(gl[i]) - 1) / B;
    }
    gOpt.step(gen.params, gen.backward(disc.backward(gOut).gradInput).gradParams);
  }
  const seconds = (now() - t0) / 1000;
  const generated = gen.forward(latent(512), 512);
  return { seconds, mmd2: mmd2(generated, makeGaussianMixture2D({ n: 512, seed: s.seed + 7 })), dLoss, gLoss, params: gen.paramCount };
}

const bceWithLogits = (logit: number, label: number) => Math.max(logit, 0) - logit * label + Math.log1p(Math.exp(-Math.abs(logit)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export interface QganTrainSpec extends QganSpec {
  epochs: number;
  stepsPerEpoch: number;
  batch: number;
  learningRate: number;
}

export const QGAN_TRAIN_DEFAULTS: QganTrainSpec = { ...PARAM_DEFAULTS['qgan-train'] };

/** Seed report's training loop: per step one discriminator and one generator update. */
export async function trainQgan(spec: Partial<QganTrainSpec> = {}, opts: QganRunOptions & { onStep?: (step: number, dLoss: number, gLoss: number) => void } = {}): Promise<RunResult> {
  const s: QganTrainSpec = { ...QGAN_TRAIN_DEFAULTS, ...spec };
  const session = new NativeSession(opts);
  const gpu = opts.backend === 'webgpu' ? await openCvGpu() : null;
  try {
    return await trainWith(s, session, gpu, opts.onStep);
  } finally {
    gpu?.close();
  }
}

async function trainWith(s: QganTrainSpec, session: NativeSession, gpu: CvGpu | null, onStep?: (step: number, dLoss: number, gLoss: number) => void): Promise<RunResult> {
  const exec: CvOptions = { isa: session.exec.isa, threads: session.exec.threads };
  const sim = gpu?.sim ?? null;
  const t0 = now();
  const gen = new QganGenerator(s, exec);
  const disc = new Mlp({ sizes: [2, 16, 1], activations: ['leakyRelu', 'identity'], seed: s.seed + 1 });
  const gOpt = new Adam({ lr: s.learningRate }), decOpt = new Adam({ lr: s.learningRate }), dOpt = new Adam({ lr: s.learningRate });
  const rng = new Rng(s.seed);
  const B = s.batch, L = s.latent, P = gen.circuit.numParams;
  const real = makeGaussianMixture2D({ n: s.epochs * s.stepsPerEpoch * B, seed: s.seed });
  const dLosses: number[] = [], gLosses: number[] = [];
  const phases = { quantum: 0, decoder: 0, classical: 0 };
  let step = 0;
  for (let epoch = 0; epoch < s.epochs; epoch++)
    for (let k = 0; k < s.stepsPerEpoch; k++, step++) {
      // ---- discriminator step: real → 1, fake → 0
      const zFake = gen.sampleLatent(B, rng);
      const fake = sim ? await gen.generateOn(sim, zFake, B) : gen.generate(zFake, B);
      phases.quantum += fake.quantumMs;
      phases.decoder += fake.decoderMs;
      const c0 = now();
      const X = new Float64Array(4 * B);
      X.set(real.subarray(step * 2 * B, (step + 1) * 2 * B), 0);
      X.set(fake.samples, 2 * B);
      const logits = disc.forward(X, 2 * B);
      let dLoss = 0;
      const dOut = new Float64Array(2 * B);
      for (let i = 0; i < 2 * B; i++) {
        const label = i < B ? 1 : 0;
        dLoss += bceWithLogits(logits[i], label) / (2 * B);
        dOut[i] = (sigmoid(logits[i]) - label) / (2 * B);
      }
      dOpt.step(disc.params, disc.backward(dOut).gradParams);
      phases.classical += now() - c0;
      markPhase('classical', c0, now());

      // ---- generator step: non-saturating loss −log D(G(z))
      const z = gen.sampleLatent(B, rng);
      const g = sim ? await gen.generateOn(sim, z, B) : gen.generate(z, B);
      phases.quantum += g.quantumMs;
      phases.decoder += g.decoderMs;
      const c1 = now();
      const gl = disc.forward(g.samples, B);
      let gLoss = 0;
      const gOut = new Float64Array(B);
      for (let i = 0; i < B; i++) {
        gLoss += bceWithLogits(gl[i], 1) / B;
        gOut[i] = (sigmoid(gl[i]) - 1) / B;
      }
      const dSamples = disc.backward(gOut).gradInput; // ∂L/∂generated (B × 2)
      gen.decoder.forward(g.quantum.x, B); // re-prime the decoder's cache for this batch
      const dec = gen.decoder.backward(dSamples); // ∂L/∂decoder params, ∂L/∂⟨x⟩
      phases.classical += now() - c1;
      markPhase('classical', c1, now());
      const q0 = now();
      const vjpRows = gen.paramRows(z, B);
      const vjp = sim ? await gen.vjpOn(sim, vjpRows, B, dec.gradInput) : gen.vjp(vjpRows, B, dec.gradInput);
      phases.quantum += now() - q0;
      const c2 = now();
      markPhase('quantum', q0, c2);
      const gw = new Float64Array(gen.numWeights);
      for (let b = 0; b < B; b++) for (let w = 0; w < gen.numWeights; w++) gw[w] += vjp.gradients[b * P + L + w];
      gOpt.step(gen.weights, gw);
      decOpt.step(gen.decoder.params, dec.gradParams);
      phases.classical += now() - c2;
      markPhase('classical', c2, now());
      dLosses.push(dLoss);
      gLosses.push(gLoss);
      onStep?.(step, dLoss, gLoss);
    }
  const totalS = (now() - t0) / 1000;
  // quality of the trained generator on a fresh batch
  const zEval = gen.sampleLatent(512, rng);
  const ev = sim ? await gen.generateOn(sim, zEval, 512) : gen.generate(zEval, 512);
  let truncation = 0;
  for (const v of ev.quantum.norm) truncation += (1 - v) / ev.quantum.norm.length;
  const classical = trainClassicalGan(s);
  const target = makeGaussianMixture2D({ n: 512, seed: s.seed + 7 });
  return {
    kind: 'qgan-train',
    params: { ...s, numWeights: gen.numWeights },
    metrics: { s_total: totalS, ms_per_step: (totalS * 1000) / step, steps: step, ms_quantum: phases.quantum, ms_decoder: phases.decoder, ms_training_overhead: phases.classical },
    quality: {
      final_d_loss: dLosses[dLosses.length - 1],
      final_g_loss: gLosses[gLosses.length - 1],
      truncation_loss: truncation,
      linear_interpolation_r2: linearFitR2(zEval, ev.samples, 512),
      mmd2_to_target: mmd2(ev.samples, target),
      classical_mmd2_to_target: classical.mmd2,
      classical_s_total: classical.seconds,
      classical_generator_params: classical.params,
    },
    curves: { d_loss: dLosses, g_loss: gLosses },
    phases,
    // a few hundred generated and target points, for the run page's scatter
    details: { samples: { generated: samplePairs(ev.samples), target: samplePairs(target) }, ...(gpu ? { timing: 'wall-clock' } : {}) },
    env: runEnvironment(session, gpu),
  };
}

/** Samples kept per side for the scatter of generated against target points. */
const SCATTER_SAMPLES = 300;
/** The first SCATTER_SAMPLES (x, y) pairs of a flat 2-D sample array, 4 significant digits (a drawing, not a dataset). */
function samplePairs(xy: Float64Array): [number, number][] {
  const n = Math.min(SCATTER_SAMPLES, xy.length / 2);
  return Array.from({ length: n }, (_, i) => [Number(xy[2 * i].toPrecision(4)), Number(xy[2 * i + 1].toPrecision(4))]);
}

export interface QganBenchSpec extends QganSpec {
  batches: number[];
  repeats: number;
}

/** The seed report's batch-scaling table for Quench, plus quality metrics and a gradient check. */
export async function benchQgan(spec: Partial<QganBenchSpec> = {}, opts: QganRunOptions = {}): Promise<RunResult> {
  const s: QganBenchSpec = { ...QGAN_DEFAULTS, batches: [...DEFAULT_BATCHES], repeats: DEFAULT_REPEATS, ...spec };
  const session = new NativeSession(opts);
  const gpu = opts.backend === 'webgpu' ? await openCvGpu() : null;
  try {
    return await benchWith(s, session, gpu);
  } finally {
    gpu?.close();
  }
}

async function benchWith(s: QganBenchSpec, session: NativeSession, gpu: CvGpu | null): Promise<RunResult> {
  const exec: CvOptions = { isa: session.exec.isa, threads: session.exec.threads };
  const sim = gpu?.sim ?? null;
  const gen = new QganGenerator(s, exec);
  const rng = new Rng(s.seed);
  const table: { batch: number; s_total: number; ms_per_sample: number; us_per_sample: number; us_min: number; us_max: number; us_ci_lo: number; us_ci_hi: number; samples_per_s: number; quantum_us: number; decoder_us: number }[] = [];
  const spreads = new Map<number, Spread>();
  for (const B of s.batches) {
    const z = gen.sampleLatent(B, rng);
    const reps = B >= 1024 ? Math.max(3, Math.floor(s.repeats / 2)) : s.repeats;
    const per: number[] = [], q: number[] = [], d: number[] = [];
    // Warm-up (GPU: pipelines compile, buffers enter the pool).
    if (sim) await gen.generateOn(sim, z, B);
    else gen.generate(z, B);
    for (let r = 0; r < reps; r++) {
      const t0 = now();
      const g = sim ? await gen.generateOn(sim, z, B) : gen.generate(z, B);
      per.push(((now() - t0) * 1000) / B);
      q.push((g.quantumMs * 1000) / B);
      d.push((g.decoderMs * 1000) / B);
    }
    const sp = spread(per);
    spreads.set(B, sp);
    table.push({ batch: B, s_total: (sp.median * B) / 1e6, ms_per_sample: sp.median / 1000, us_per_sample: sp.median, us_min: sp.min, us_max: sp.max, us_ci_lo: sp.ciLow!, us_ci_hi: sp.ciHigh!, samples_per_s: 1e6 / sp.median, quantum_us: spread(q).median, decoder_us: spread(d).median });
  }
  // quality: truncation loss, linear-interpolation R², gradient flow, VJP vs finite differences
  const N = 256;
  const z = gen.sampleLatent(N, rng);
  const ev = sim ? await gen.generateOn(sim, z, N) : gen.generate(z, N);
  let truncation = 0;
  for (const v of ev.quantum.norm) truncation += (1 - v) / N;
  const dx = Float64Array.from({ length: N * s.modes }, () => rng.next() * 2 - 1);
  const vjpRows = gen.paramRows(z, N);
  const vjp = sim ? await gen.vjpOn(sim, vjpRows, N, dx) : gen.vjp(vjpRows, N, dx);
  const P = gen.circuit.numParams;
  const perSample: Float64Array[] = [];
  for (let b = 0; b < N; b++) perSample.push(vjp.gradients.subarray(b * P + s.latent, (b + 1) * P));
  const gradCheck = await finiteDifferenceCheck(gen, exec, rng, sim);
  const b32 = table.find((r) => r.batch === 32) ?? table[table.length - 1];
  return {
    kind: 'qgan',
    params: { ...s, numWeights: gen.numWeights, gates: gen.circuit.gates.length },
    metrics: {
      ...spreadMetrics('us_per_sample_batch32', spreads.get(b32.batch)!),
      us_per_sample_batch1: table[0].us_per_sample,
      us_per_sample_largest_batch: table[table.length - 1].us_per_sample,
    },
    quality: {
      truncation_loss: truncation,
      linear_interpolation_r2: linearFitR2(z, ev.samples, N),
      gradient_flow: gradientFlow(perSample),
      gradient_max_rel_error: gradCheck,
    },
    curves: {},
    phases: { quantum: b32.quantum_us, decoder: b32.decoder_us },
    details: gpu ? { table, timing: 'wall-clock' } : { table },
    env: runEnvironment(session, gpu),
    ...unstableOf(Object.fromEntries([...spreads].map(([B, sp]) => [`us_per_sample_batch${B}`, sp]))),
  };
}

/**
 * Max relative error of the VJP (native, or the GPU's) against central finite
 * differences on a few weights; the differences are of the native f64 forward
 * run, so a GPU's f32 error shows in full.
 */
async function finiteDifferenceCheck(gen: QganGenerator, exec: CvOptions, rng: Rng, gpu: GpuCvSimulator | null): Promise<number> {
  const B = 4, P = gen.circuit.numParams, M = gen.spec.modes;
  const rows = gen.paramRows(gen.sampleLatent(B, rng), B);
  const dx = Float64Array.from({ length: B * M }, () => rng.next() * 2 - 1);
  const vjp = gpu ? await gen.vjpOn(gpu, rows, B, dx) : gen.vjp(rows, B, dx);
  const loss = (r: Float64Array) => gen.addon.cvRunBatch(gen.circuit, r, B, exec).x.reduce((acc, v, i) => acc + v * dx[i], 0);
  let worst = 0;
  const h = 1e-6;
  for (let trial = 0; trial < 12; trial++) {
    const k = rng.int(P);
    const plus = rows.slice(), minus = rows.slice();
    for (let b = 0; b < B; b++) {
      plus[b * P + k] += h;
      minus[b * P + k] -= h;
    }
    const fd = (loss(plus) - loss(minus)) / (2 * h);
    let an = 0;
    for (let b = 0; b < B; b++) an += vjp.gradients[b * P + k];
    worst = Math.max(worst, Math.abs(an - fd) / Math.max(1e-3, Math.abs(fd)));
  }
  return worst;
}
