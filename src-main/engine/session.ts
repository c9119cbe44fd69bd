// The engine session the workload runners use: one interface, two backends.
// NativeSession calls the addon directly (answers at once); WebGpuSession
// runs the same requests as WGSL kernels (answers when the GPU is done). The
// runners are written once against WorkloadSession and await every call:
// the native path pays a microtask per call, nothing more.
// Programs are compiled once per lowered circuit and fusion setting.
import os from 'node:os';
import type { Backend, ExecutionOptions } from '../../src-shared/backend/backend';
import type { LoweredCircuit } from '../../src-shared/circuit/lowered';
import type { PauliSum } from '../../src-shared/observable/pauli';
import type { RunEnvironment } from '../../src-shared/results';
import { DEFAULT_FUSION, NativeBackend, toNativeObservable } from '../backend/native-backend';
import { loadAddon, type NativeAddon, type NativeExecOptions, type NativeObservable, type NativeProgram } from '../native/addon';
import { WEBGPU_DEFAULT_FUSION, type WebGpuBackend } from '../../src-shared/webgpu/webgpu-backend';
import { createNodeWebGpuBackend, releaseNodeGpu } from '../backend/webgpu-node';

export interface SessionOptions {
  /** Where the circuits run: the native engine (default) or WGSL kernels on the WebGPU adapter. */
  backend?: 'native' | 'webgpu';
  isa?: 'auto' | 'avx2' | 'scalar';
  precision?: 'f64' | 'f32';
  threads?: number;
  fusion?: number;
}

export interface GradientValue {
  value: number;
  gradient: Float64Array;
}

/** What the workload runners ask of a backend. Every circuit call resolves when its results are on the host. */
export interface WorkloadSession {
  readonly precision: 'f32' | 'f64';
  /** Compile ahead of the first call (native programs), so compile time is its own phase. */
  prepare(circuit: LoweredCircuit): void;
  /** ⟨H⟩ and its gradient (adjoint). */
  gradient(circuit: LoweredCircuit, params: Float64Array, H: PauliSum): Promise<GradientValue>;
  /** batch × observables expectation values. */
  runBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, obs: PauliSum[]): Promise<Float64Array>;
  /** Per-sample values and gradients (batch × numParams) of one observable. */
  gradientBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, obs: PauliSum): Promise<{ values: Float64Array; gradients: Float64Array }>;
  /** Seeded samples (basis-state indices) of the final state. */
  sample(circuit: LoweredCircuit, params: Float64Array, shots: number, seed: number): Promise<Float64Array>;
  /** K[i][j] = |⟨ψ(a_i)|ψ(b_j)⟩|² (b null: a with itself, nB = nA), row-major nA × nB. */
  fidelityKernel(circuit: LoweredCircuit, a: Float64Array, nA: number, b: Float64Array | null, nB: number): Promise<Float64Array>;
  /** The exact ground energy of H: a classical reference, on the CPU whatever the backend. */
  groundEnergy(H: PauliSum, numQubits: number): number;
  /** The public Backend with these settings (what the workbench calls; QNN latency is measured through it). */
  publicBackend(): { backend: Backend; exec: ExecutionOptions };
  environment(): RunEnvironment;
  dispose(): void;
}

/** A session on the backend the options name (WebGPU: Dawn's adapter in this process). */
export async function openSession(opts: SessionOptions = {}): Promise<WorkloadSession> {
  if (opts.backend !== 'webgpu') return new NativeSession(opts);
  if (opts.precision === 'f64') throw new RangeError('the WebGPU backend computes in f32 (WGSL has no f64): choose precision f32');
  return new WebGpuSession(await createNodeWebGpuBackend(), opts);
}

function machine(addon: NativeAddon): Pick<RunEnvironment, 'quench' | 'cpu' | 'logicalCores' | 'node' | 'platform'> {
  const info = addon.info();
  return { quench: '0.1.0', cpu: info.cpu.model, logicalCores: info.cpu.logicalCores, node: process.versions.node, platform: `${os.platform()}-${os.arch()}` };
}

export class NativeSession implements WorkloadSession {
  readonly addon: NativeAddon;
  readonly exec: NativeExecOptions;
  readonly fusion: number;
  private readonly programs = new WeakMap<LoweredCircuit, NativeProgram>();
  private readonly observables = new WeakMap<PauliSum, NativeObservable>();

  constructor(opts: SessionOptions = {}) {
    this.addon = loadAddon();
    const info = this.addon.info();
    const isa = !opts.isa || opts.isa === 'auto' ? info.defaultIsa : opts.isa;
    if (!info.isaAvailable.includes(isa)) throw new RangeError(`ISA ${isa} is not available on this CPU`);
    this.exec = { isa, threads: opts.threads ?? 0, precision: opts.precision ?? 'f64' };
    this.fusion = opts.fusion ?? DEFAULT_FUSION;
  }

  get precision(): 'f32' | 'f64' {
    return this.exec.precision ?? 'f64';
  }

  program(circuit: LoweredCircuit): NativeProgram {
    let p = this.programs.get(circuit);
    if (!p) this.programs.set(circuit, (p = new this.addon.Program(circuit, this.fusion)));
    return p;
  }

  observable(sum: PauliSum): NativeObservable {
    let o = this.observables.get(sum);
    if (!o) this.observables.set(sum, (o = toNativeObservable(sum)));
    return o;
  }

  prepare(circuit: LoweredCircuit): void {
    this.program(circuit);
  }

  async gradient(circuit: LoweredCircuit, params: Float64Array, H: PauliSum): Promise<GradientValue> {
    return this.addon.adjointGradient(this.program(circuit), params, this.observable(H), this.exec);
  }

  async runBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, obs: PauliSum[]): Promise<Float64Array> {
    return this.addon.runBatch(this.program(circuit), params, batch, obs.map((o) => this.observable(o)), this.exec);
  }

  async gradientBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, obs: PauliSum) {
    return this.addon.gradientBatch(this.program(circuit), params, batch, this.observable(obs), this.exec);
  }

  /** The final state's probabilities. */
  probabilities(circuit: LoweredCircuit, params: Float64Array): Float64Array {
    const s = new this.addon.State(circuit.numQubits, this.exec.precision);
    s.run(this.program(circuit), params, this.exec);
    return s.probabilities(this.exec);
  }

  async sample(circuit: LoweredCircuit, params: Float64Array, shots: number, seed: number): Promise<Float64Array> {
    const s = new this.addon.State(circuit.numQubits, this.exec.precision);
    s.run(this.program(circuit), params, this.exec);
    return s.sample(shots, seed, this.exec);
  }

  async fidelityKernel(circuit: LoweredCircuit, a: Float64Array, nA: number, b: Float64Array | null, nB: number): Promise<Float64Array> {
    return this.addon.fidelityKernel(this.program(circuit), a, nA, b, nB, this.exec);
  }

  groundEnergy(H: PauliSum, numQubits: number): number {
    const ground = (this.addon as unknown as { groundEnergy?: (o: NativeObservable, n: number, e?: NativeExecOptions) => { energy: number } }).groundEnergy;
    if (!ground) throw new Error('this build of the native addon has no groundEnergy');
    return ground(this.observable(H), numQubits, this.exec).energy;
  }

  publicBackend() {
    return { backend: new NativeBackend(this.exec.isa as 'avx2' | 'scalar'), exec: { precision: this.exec.precision, threads: this.exec.threads, fusion: this.fusion } };
  }

  environment(): RunEnvironment {
    const info = this.addon.info();
    return {
      ...machine(this.addon),
      isa: this.exec.isa!,
      precision: this.exec.precision!,
      threads: this.exec.threads || info.cpu.logicalCores,
      backend: `native-${this.exec.isa}`,
    };
  }

  dispose(): void {
    /* programs and observables are freed with the session's maps */
  }
}

/**
 * The runners' requests as WGSL kernels (src-shared/webgpu) on Dawn's
 * adapter. f32 throughout (WGSL has no f64); times the runners take around
 * these calls are host wall-clock from submit until the results are mapped
 * back, so they include the readback a user waits for (env.timing says so).
 */
export class WebGpuSession implements WorkloadSession {
  readonly precision = 'f32' as const;
  readonly exec: ExecutionOptions;
  private readonly addon = loadAddon();

  constructor(readonly gpu: WebGpuBackend, opts: SessionOptions = {}) {
    this.exec = { precision: 'f32', fusion: opts.fusion ?? WEBGPU_DEFAULT_FUSION };
  }

  prepare(): void {
    /* pipelines compile on first use and are cached by key; fusion plans per circuit */
  }

  gradient(circuit: LoweredCircuit, params: Float64Array, H: PauliSum): Promise<GradientValue> {
    return this.gpu.gradient(circuit, params, H, this.exec);
  }

  runBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, obs: PauliSum[]): Promise<Float64Array> {
    return this.gpu.runBatch(circuit, params, batch, obs, this.exec);
  }

  gradientBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, obs: PauliSum) {
    return this.gpu.gradientBatch(circuit, params, batch, obs, this.exec);
  }

  async sample(circuit: LoweredCircuit, params: Float64Array, shots: number, seed: number): Promise<Float64Array> {
    const r = await this.gpu.simulate({ circuit, params, shots, seed }, this.exec);
    return r.samples ?? new Float64Array(0);
  }

  fidelityKernel(circuit: LoweredCircuit, a: Float64Array, nA: number, b: Float64Array | null, nB: number): Promise<Float64Array> {
    return this.gpu.fidelityKernel(circuit, a, nA, b, nB, this.exec);
  }

  groundEnergy(H: PauliSum, numQubits: number): number {
    // Lanczos in f64 on the CPU: a reference for the GPU's answer, not part of it.
    return new NativeSession({ precision: 'f64' }).groundEnergy(H, numQubits);
  }

  publicBackend() {
    return { backend: this.gpu as Backend, exec: this.exec };
  }

  environment(): RunEnvironment {
    return { ...machine(this.addon), isa: 'webgpu', precision: 'f32', threads: 0, backend: 'webgpu', adapter: this.gpu.adapter, timing: 'wall-clock' };
  }

  dispose(): void {
    this.gpu.dispose();
    releaseNodeGpu();
  }
}
