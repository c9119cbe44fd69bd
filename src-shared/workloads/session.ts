// What the workload runners ask of a backend: one interface, answered by the
// native engine (src-main/engine/session.ts, at once) and by the WebGPU
// backend (src-shared/workloads/webgpu-session.ts, when the GPU is done). The
// runners (./runners) are written once against it and await every call, so
// the same code runs in the engine process and in the window.
import type { Backend, ExecutionOptions } from '../backend/backend';
import type { LoweredCircuit } from '../circuit/lowered';
import type { PauliSum } from '../observable/pauli';
import type { RunEnvironment } from '../results';

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
  /** The exact ground energy of H: a classical reference, on the CPU whatever the backend; undefined where none is at hand. */
  groundEnergy(H: PauliSum, numQubits: number): number | undefined;
  /** The public Backend with these settings (what the workbench calls; QNN latency is measured through it). */
  publicBackend(): { backend: Backend; exec: ExecutionOptions };
  environment(): RunEnvironment;
  dispose(): void;
}

