// The one place that loads the native addon and describes its JS surface.
// A missing or broken binary becomes one actionable message, not a stack of
// "Cannot find module" errors.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type NativePrecision = 'f64' | 'f32';
export type NativeIsa = 'auto' | 'avx512' | 'avx2' | 'scalar';
/** An ISA the addon runs (what 'auto' resolves to). */
export type NativeIsaName = Exclude<NativeIsa, 'auto'>;

export interface NativeExecOptions {
  isa?: NativeIsa;
  threads?: number;
  precision?: NativePrecision;
  onProgress?: (fraction: number) => void;
  signal?: NativeCancelToken;
}

/** A lowered gate in the addon's wire form (see src-shared/circuit/lowered.ts). */
export interface NativeGate {
  qubits: number[];
  controls?: number[];
  diagonal?: boolean;
  matrix?: Float64Array;
  slot?: number;
  scale?: number;
  offset?: number;
  generator?: Float64Array;
}
export interface NativeCircuit {
  numQubits: number;
  numParams: number;
  gates: NativeGate[];
}
export interface NativePauliTerm {
  coeff: number;
  xMask: number | bigint;
  zMask: number | bigint;
}
export type NativeObservable = NativePauliTerm[];

export interface NativeProgram {
  readonly numQubits: number;
  readonly numParams: number;
  stats(): { gates: number; passes: number; maxFusedQubits: number; cacheHits: number; cacheMisses: number };
}

export interface NativeState {
  readonly numQubits: number;
  readonly precision: NativePrecision;
  readonly bytes: number;
  reset(): void;
  setAmplitudes(a: Float64Array): void;
  amplitudes(): Float64Array;
  run(program: NativeProgram, params?: Float64Array | number[], options?: NativeExecOptions): void;
  runAsync(program: NativeProgram, params?: Float64Array | number[], options?: NativeExecOptions): Promise<void>;
  apply(gate: NativeGate, params?: Float64Array | number[], options?: NativeExecOptions): void;
  normSquared(options?: NativeExecOptions): number;
  expectation(observable: NativeObservable, options?: NativeExecOptions): number;
  probabilities(options?: NativeExecOptions): Float64Array;
  marginal(qubits: number[], options?: NativeExecOptions): Float64Array;
  sample(shots: number, seed?: number, options?: NativeExecOptions): Float64Array;
  /** Projects `qubit` onto |outcome⟩ and renormalises; returns the probability the outcome had. */
  collapse(qubit: number, outcome: 0 | 1, options?: NativeExecOptions): number;
  /** Copies the amplitudes of a state with the same qubits and precision. */
  copyFrom(other: NativeState): void;
  /** Frees the amplitudes now; any later use throws. */
  dispose(): void;
}

export interface NativeCancelToken {
  cancel(): void;
  readonly cancelled: boolean;
}

/** Kernel time per kind (CPU time summed over threads, ns) and the engine's large allocations. */
export interface EngineProfileSnapshot {
  kinds: Record<string, { ns: number; calls: number; amplitudes: number; vectorNs: number }>;
  allocations: { currentBytes: number; peakBytes: number; count: number };
  /** Samples every ~10 ms of the last (or current) profile: ms since its start, resident set, engine allocations. */
  memory: { ms: Float64Array; rssBytes: Float64Array; engineBytes: Float64Array };
  /** What one counted kernel call costs the profiler on this machine (ns). */
  scopeCostNs: number;
  enabled: boolean;
}

export interface NativeInfo {
  cpu: { model: string; logicalCores: number; avx2: boolean; fma: boolean; avx512f: boolean; avx512dq: boolean; avx512bw: boolean; avx512vl: boolean };
  /** What a thread setting of 0 means here, and why (CPUs this process may use, cgroup quota). */
  defaultThreads: number;
  defaultThreadsReason: string;
  defaultIsa: NativeIsaName;
  isaAvailable: NativeIsaName[];
  availableMemory: number;
  build: string;
  napiVersion: number;
}

export interface GradientResult {
  value: number;
  gradient: Float64Array;
}

/** Lanczos settings of groundEnergy (with the usual isa/threads/onProgress/signal). */
export interface NativeGroundEnergyOptions extends NativeExecOptions {
  /** Lanczos steps at most (default 3000). */
  maxIterations?: number;
  /** Stop when the Ritz residual ‖Hy − θy‖ < tolerance · Σ|coeff| (default 1e-10). */
  tolerance?: number;
  /** Seed of the random start vector (default 1). */
  seed?: number;
}
export interface NativeGroundEnergyResult {
  energy: number;
  iterations: number;
  residual: number;
  converged: boolean;
}

export interface NativeAddon {
  info(): NativeInfo;
  /** The ISA of every later call that names none (the command line's --isa); RangeError when the CPU lacks it. */
  setDefaultIsa(isa: NativeIsaName): void;
  /** The engine's profiler (native/include/quench/profile.h): zero and enable, disable, read. */
  profileStart(): void;
  profileStop(): void;
  profileSnapshot(): EngineProfileSnapshot;
  /** Ends the process with `code` without running static destructors (see webgpu-node.ts, exitProcess). */
  exitProcess(code: number): never;
  State: new (numQubits: number, precision?: NativePrecision) => NativeState;
  Program: new (circuit: NativeCircuit, maxFusedQubits?: number) => NativeProgram;
  CancelToken: new () => NativeCancelToken;
  adjointGradient(p: NativeProgram, params: Float64Array | number[], obs: NativeObservable, o?: NativeExecOptions): GradientResult;
  adjointGradientAsync(p: NativeProgram, params: Float64Array | number[], obs: NativeObservable, o?: NativeExecOptions): Promise<GradientResult>;
  parameterShiftGradient(p: NativeProgram, params: Float64Array | number[], obs: NativeObservable, o?: NativeExecOptions): GradientResult;
  runBatch(p: NativeProgram, params: Float64Array, batch: number, obs: NativeObservable[], o?: NativeExecOptions): Float64Array;
  runBatchAsync(p: NativeProgram, params: Float64Array, batch: number, obs: NativeObservable[], o?: NativeExecOptions): Promise<Float64Array>;
  gradientBatch(p: NativeProgram, params: Float64Array, batch: number, obs: NativeObservable, o?: NativeExecOptions): { values: Float64Array; gradients: Float64Array };
  gradientBatchAsync(p: NativeProgram, params: Float64Array, batch: number, obs: NativeObservable, o?: NativeExecOptions): Promise<{ values: Float64Array; gradients: Float64Array }>;
  /** States ψ(p_i) = program(p_i)|0…0⟩: batch × 2·2^n numbers (interleaved re, im). */
  statesBatch(p: NativeProgram, params: Float64Array, batch: number, o?: NativeExecOptions): Float64Array;
  statesBatchAsync(p: NativeProgram, params: Float64Array, batch: number, o?: NativeExecOptions): Promise<Float64Array>;
  /**
   * Fidelity (QSVM) kernel K_ij = |⟨ψ(a_i)|ψ(b_j)⟩|², row-major na × nb. paramsB null (or undefined)
   * gives the symmetric Gram matrix of the a's (nb = na).
   */
  fidelityKernel(p: NativeProgram, paramsA: Float64Array, na: number, paramsB: Float64Array | null, nb?: number, o?: NativeExecOptions): Float64Array;
  fidelityKernelAsync(p: NativeProgram, paramsA: Float64Array, na: number, paramsB: Float64Array | null, nb?: number, o?: NativeExecOptions): Promise<Float64Array>;
  /** Lowest eigenvalue of a Pauli-sum Hamiltonian (Lanczos); numQubits 1..26. */
  groundEnergy(obs: NativeObservable, numQubits: number, o?: NativeGroundEnergyOptions): NativeGroundEnergyResult;
  groundEnergyAsync(obs: NativeObservable, numQubits: number, o?: NativeGroundEnergyOptions): Promise<NativeGroundEnergyResult>;
  measureInplaceBandwidth(bytes: number, threads?: number, repeats?: number): number;
  clearProgramCache(): void;
  /** Indices of the k largest values above floor, largest first, equal values by lower index (a selection, not a sort). */
  largestIndices(values: Float64Array, k: number, floor?: number, o?: { threads?: number }): number[];
  /**
   * Writes `values` as a JSON list body ("0.5,0,1e-7", exactly JSON.stringify's
   * numbers) into `out`, which must hold JSON_NUMBER_MAX_BYTES per value; returns the bytes written.
   */
  formatJsonNumbers(values: Float64Array, out: Uint8Array, o?: { threads?: number }): number;
}

/** The most bytes formatJsonNumbers writes per number, comma included (native/include/quench/readout.h). */
export const JSON_NUMBER_MAX_BYTES = 26;

export class AddonLoadError extends Error {
  override name = 'AddonLoadError';
}

/** The package root: the nearest folder above this file with Quench's package.json. */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'quench') return dir;
      } catch {
        /* keep looking */
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new AddonLoadError(`cannot find Quench's package.json above ${from}`);
    dir = up;
  }
}

let cached: NativeAddon | undefined;

/** Load the addon once. QUENCH_NATIVE overrides the path of the .node file. */
export function loadAddon(): NativeAddon {
  if (cached) return cached;
  const file = process.env.QUENCH_NATIVE ?? path.join(packageRoot(), 'native', 'build', 'Release', 'quench_native.node');
  if (!fs.existsSync(file))
    throw new AddonLoadError(
      `Quench's native simulator is not built (${file} is missing). Run 'npm run build:native' ` +
        `(needs cmake and a C++17 compiler), or reinstall with 'npm install'.`,
    );
  try {
    cached = createRequire(file)(file) as NativeAddon;
  } catch (e) {
    throw new AddonLoadError(
      `Quench's native simulator failed to load from ${file}: ${(e as Error).message}. ` +
        `Rebuild it with 'npm run build:native' for this Node/Electron version and CPU.`,
    );
  }
  return cached;
}
