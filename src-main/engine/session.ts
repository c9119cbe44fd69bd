// A synchronous session on the native engine for the workload runners: they
// run in the CLI or in the engine worker process, never on a UI thread, so
// tight optimisation loops call the addon directly (no promise per step).
// Programs are compiled once per lowered circuit and fusion setting.
import os from 'node:os';
import type { LoweredCircuit } from '../../src-shared/circuit/lowered';
import type { PauliSum } from '../../src-shared/observable/pauli';
import type { RunEnvironment } from '../../src-shared/results';
import { DEFAULT_FUSION, toNativeObservable } from '../backend/native-backend';
import { loadAddon, type NativeAddon, type NativeExecOptions, type NativeObservable, type NativeProgram } from '../native/addon';

export interface SessionOptions {
  isa?: 'auto' | 'avx2' | 'scalar';
  precision?: 'f64' | 'f32';
  threads?: number;
  fusion?: number;
}

export class NativeSession {
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

  /** ⟨H⟩ and its gradient (adjoint). */
  gradient(circuit: LoweredCircuit, params: Float64Array, H: PauliSum) {
    return this.addon.adjointGradient(this.program(circuit), params, this.observable(H), this.exec);
  }

  /** batch × observables expectation values. */
  runBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, obs: PauliSum[]) {
    return this.addon.runBatch(this.program(circuit), params, batch, obs.map((o) => this.observable(o)), this.exec);
  }

  /** Per-sample values and gradients (batch × numParams) of one observable. */
  gradientBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, obs: PauliSum) {
    return this.addon.gradientBatch(this.program(circuit), params, batch, this.observable(obs), this.exec);
  }

  /** The final state's probabilities. */
  probabilities(circuit: LoweredCircuit, params: Float64Array): Float64Array {
    const s = new this.addon.State(circuit.numQubits, this.exec.precision);
    s.run(this.program(circuit), params, this.exec);
    return s.probabilities(this.exec);
  }

  /** Seeded samples (basis-state indices) of the final state. */
  sample(circuit: LoweredCircuit, params: Float64Array, shots: number, seed: number): Float64Array {
    const s = new this.addon.State(circuit.numQubits, this.exec.precision);
    s.run(this.program(circuit), params, this.exec);
    return s.sample(shots, seed, this.exec);
  }

  /** The exact ground energy of H (Lanczos in the core). */
  groundEnergy(H: PauliSum, numQubits: number): number {
    const ground = (this.addon as unknown as { groundEnergy?: (o: NativeObservable, n: number, e?: NativeExecOptions) => { energy: number } }).groundEnergy;
    if (!ground) throw new Error('this build of the native addon has no groundEnergy');
    return ground(this.observable(H), numQubits, this.exec).energy;
  }

  environment(): RunEnvironment {
    const info = this.addon.info();
    return {
      quench: '0.1.0',
      cpu: info.cpu.model,
      logicalCores: info.cpu.logicalCores,
      isa: this.exec.isa!,
      precision: this.exec.precision!,
      threads: this.exec.threads || info.cpu.logicalCores,
      backend: `native-${this.exec.isa}`,
      node: process.versions.node,
      platform: `${os.platform()}-${os.arch()}`,
    };
  }
}
