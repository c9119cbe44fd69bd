// Sessions in the engine process (and the CLI): the WorkloadSession the
// runners use (src-shared/workloads/session.ts), on the native addon
// (NativeSession: answers at once, a microtask per call is all the runners'
// awaits cost) or on Dawn's WebGPU adapter (the shared WebGpuSession).
// Native programs are compiled once per lowered circuit and fusion setting.
import os from 'node:os';
import type { GradientValue, WorkloadSession } from '../../src-shared/workloads/session';
import type { LoweredCircuit } from '../../src-shared/circuit/lowered';
import type { PauliSum } from '../../src-shared/observable/pauli';
import type { RunEnvironment } from '../../src-shared/results';
import { defaultFusion } from '../backend/fusion-calibration';
import { NativeBackend, toNativeObservable } from '../backend/native-backend';
import { loadAddon, type NativeAddon, type NativeExecOptions, type NativeObservable, type NativeProgram } from '../native/addon';
import { WebGpuSession, type MachineInfo } from '../../src-shared/workloads/webgpu-session';
import { createNodeWebGpuBackend } from '../backend/webgpu-node';

export type { GradientValue, WorkloadSession } from '../../src-shared/workloads/session';
export { WebGpuSession };

export interface SessionOptions {
  /** Where the circuits run: the native engine (default) or WGSL kernels on the WebGPU adapter. */
  backend?: 'native' | 'webgpu';
  isa?: 'auto' | 'avx512' | 'avx2' | 'scalar';
  precision?: 'f64' | 'f32';
  threads?: number;
  /** How `threads` was chosen, for the run's environment, when not by the run's own setting (default 'asked'). */
  threadsReason?: string;
  fusion?: number;
}

/**
 * QUENCH_THREADS: the threads a run uses when its setting is 0 (the default),
 * instead of every CPU this process may run on. A batch scheduler's task sets
 * it to the CPUs it was given (a node's other cores belong to other tasks).
 * Undefined when unset; a value that is not a thread count is an error naming it.
 */
export function threadsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env.QUENCH_THREADS;
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new RangeError(`QUENCH_THREADS must be a whole number from 1 to 1024, got '${v}'`);
  return n;
}

/** A session on the backend the options name (WebGPU: Dawn's adapter in this process). */
export async function openSession(opts: SessionOptions = {}): Promise<WorkloadSession> {
  if (opts.backend !== 'webgpu') return new NativeSession(opts);
  if (opts.precision === 'f64') throw new RangeError('the WebGPU backend computes in f32 (WGSL has no f64): choose precision f32');
  const addon = loadAddon();
  // Lanczos in f64 on the CPU: a reference for the GPU's answer, not part of it.
  const native = new NativeSession({ precision: 'f64' });
  return new WebGpuSession(await createNodeWebGpuBackend(), machine(addon), {
    fusion: opts.fusion,
    groundEnergy: (H, n) => native.groundEnergy(H, n),
  });
}

/** fn on a session opened for it, disposed afterwards (the GPU device too) whatever happens. */
export async function withSession<T>(opts: SessionOptions, fn: (s: WorkloadSession) => Promise<T>): Promise<T> {
  const session = await openSession(opts);
  try {
    return await fn(session);
  } finally {
    session.dispose();
  }
}

function machine(addon: NativeAddon): MachineInfo {
  const info = addon.info();
  return { quench: '0.1.0', cpu: info.cpu.model, logicalCores: info.cpu.logicalCores, node: process.versions.node, platform: `${os.platform()}-${os.arch()}` };
}

export class NativeSession implements WorkloadSession {
  readonly addon: NativeAddon;
  readonly exec: NativeExecOptions;
  /** The experiment's fusion setting; undefined: this machine's calibrated width per circuit. */
  readonly fusion: number | undefined;
  private fusionWhy: string | undefined;
  private readonly threadsReason: string;
  private readonly programs = new WeakMap<LoweredCircuit, NativeProgram>();
  private readonly observables = new WeakMap<PauliSum, NativeObservable>();

  constructor(opts: SessionOptions = {}) {
    this.addon = loadAddon();
    const info = this.addon.info();
    const isa = !opts.isa || opts.isa === 'auto' ? info.defaultIsa : opts.isa;
    if (!info.isaAvailable.includes(isa)) throw new RangeError(`ISA ${isa} is not available on this CPU`);
    this.exec = { isa, threads: opts.threads ?? 0, precision: opts.precision ?? 'f64' };
    this.fusion = opts.fusion;
    if (opts.fusion !== undefined) this.fusionWhy = `width ${opts.fusion}, set by the experiment`;
    this.threadsReason = opts.threadsReason ?? 'asked';
  }

  get precision(): 'f32' | 'f64' {
    return this.exec.precision ?? 'f64';
  }

  program(circuit: LoweredCircuit): NativeProgram {
    let p = this.programs.get(circuit);
    if (!p) {
      let fusion = this.fusion;
      if (fusion === undefined) {
        const d = defaultFusion(circuit.numQubits, this.exec.isa, this.precision);
        (fusion = d.fusion), (this.fusionWhy = d.why);
      }
      this.programs.set(circuit, (p = new this.addon.Program(circuit, fusion)));
    }
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
    return { backend: new NativeBackend(this.exec.isa as 'avx512' | 'avx2' | 'scalar'), exec: { precision: this.exec.precision, threads: this.exec.threads, ...(this.fusion !== undefined ? { fusion: this.fusion } : {}) } };
  }

  environment(): RunEnvironment {
    const info = this.addon.info();
    return {
      ...machine(this.addon),
      isa: this.exec.isa!,
      precision: this.exec.precision!,
      threads: this.exec.threads || info.defaultThreads,
      threadsChosen: this.exec.threads ? this.threadsReason : `default: ${info.defaultThreadsReason}`,
      ...(this.fusionWhy ? { fusionChosen: this.fusionWhy } : {}),
      backend: `native-${this.exec.isa}`,
    };
  }

  dispose(): void {
    /* programs and observables are freed with the session's maps */
  }
}
