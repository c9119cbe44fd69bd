// The Backend contract: every simulator (native AVX2, native scalar, WebGPU,
// the TypeScript reference) takes the same lowered circuits and answers the
// same questions. The conformance suite (test/conformance) holds them to it.
import type { LoweredCircuit } from '../circuit/lowered';
import type { PauliSum } from '../observable/pauli';

export type BackendId = 'native-avx512' | 'native-avx2' | 'native-scalar' | 'webgpu' | 'reference';
export type Precision = 'f64' | 'f32';

export interface ExecutionOptions {
  precision?: Precision;
  /** 0 or undefined: all cores. */
  threads?: number;
  /** Largest fused block (qubits); 0/1 disables fusion. */
  fusion?: number;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export interface SimulationRequest {
  circuit: LoweredCircuit;
  params?: ArrayLike<number>;
  observables?: PauliSum[];
  probabilities?: boolean;
  /** Marginal probabilities over these qubits (bit j of an index ↔ qubits[j]). */
  marginal?: number[];
  shots?: number;
  seed?: number;
}

/** Wall-clock time per phase, in milliseconds. */
export interface PhaseTimings {
  compile: number;
  simulate: number;
  readout: number;
}

export interface SimulationResult {
  numQubits: number;
  probabilities?: Float64Array;
  marginal?: Float64Array;
  expectations: number[];
  /** Sampled basis-state indices, one per shot. */
  samples?: Float64Array;
  timings: PhaseTimings;
  /** Passes over the state after fusion, where the backend fuses. */
  passes?: number;
}

export interface GradientResult {
  value: number;
  gradient: Float64Array;
}

/**
 * A state vector the caller drives step by step: what dynamic circuits
 * (mid-circuit measurement, reset, `if`) run on. Every backend offers one.
 */
export interface BranchState {
  readonly numQubits: number;
  apply(circuit: LoweredCircuit): Promise<void>;
  /** Probability that `qubit` reads 1. */
  probabilityOfOne(qubit: number): Promise<number>;
  /** Projects `qubit` onto |outcome⟩ (which has `probability` > 0) and renormalises. */
  collapse(qubit: number, outcome: 0 | 1, probability: number): Promise<void>;
  /** An independent copy (a branch of the simulation). */
  clone(): Promise<BranchState>;
  probabilities(): Promise<Float64Array>;
  expectations(observables: PauliSum[]): Promise<number[]>;
  /** `shots` basis-state indices, seeded. */
  sample(shots: number, seed: number): Promise<Float64Array>;
  dispose(): void;
}

export interface Backend {
  readonly id: BackendId;
  /** |0…0⟩ on `numQubits` qubits, to be driven step by step. */
  createState(numQubits: number, options?: ExecutionOptions): Promise<BranchState>;
  simulate(request: SimulationRequest, options?: ExecutionOptions): Promise<SimulationResult>;
  /** Value and gradient of ⟨observable⟩ with respect to every parameter slot. */
  gradient(circuit: LoweredCircuit, params: ArrayLike<number>, observable: PauliSum, options?: ExecutionOptions): Promise<GradientResult>;
  /** batch × observables expectation values, one circuit over `batch` parameter rows. */
  runBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, observables: PauliSum[], options?: ExecutionOptions): Promise<Float64Array>;
}

/** Turn sampled indices into counts keyed by bitstring, qubit 0 rightmost. */
export function countsFromSamples(samples: ArrayLike<number>, numQubits: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < samples.length; i++) {
    const key = samples[i].toString(2).padStart(numQubits, '0');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
