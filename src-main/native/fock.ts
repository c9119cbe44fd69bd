// The Fock-space (CV) part of the addon's JS surface (native/binding/fock.cc).
import { loadAddon, type NativeAddon, type NativeExecOptions } from './addon';

export type CvGateKind = 'Displacement' | 'Squeezing' | 'Rotation' | 'Beamsplitter' | 'Kerr';
/** θ = slot < 0 ? value : scale·params[slot] + value. */
export interface CvAngle {
  slot?: number;
  scale?: number;
  value?: number;
}
export interface CvGate {
  kind: CvGateKind;
  mode0: number;
  mode1?: number;
  a?: CvAngle | number;
  b?: CvAngle | number;
}
export interface CvCircuit {
  modes: number;
  cutoff: number;
  numParams: number;
  gates: CvGate[];
}
/** x, n: batch × modes; norm: batch (‖ψ‖² = 1 − truncation loss). */
export interface CvOutputs {
  x: Float64Array;
  n: Float64Array;
  norm: Float64Array;
}
export interface CvOptions extends NativeExecOptions {
  /** Divide ⟨x⟩, ⟨n⟩ by ‖ψ‖² (default: un-normalised truncated state). */
  normalize?: boolean;
}

export interface FockAddon {
  cvQganGenerator(modes: number, cutoff: number, layers: number, latentDim: number): CvCircuit;
  cvRunBatch(c: CvCircuit, params: Float64Array, batch: number, o?: CvOptions): CvOutputs;
  cvVjpBatch(c: CvCircuit, params: Float64Array, batch: number, dx: Float64Array, dn: Float64Array | null, dnorm: Float64Array | null, o?: CvOptions): CvOutputs & { gradients: Float64Array };
  cvGateMatrix(kind: CvGateKind, a: number, b: number, cutoff: number): Float64Array;
}

export function loadFockAddon(): NativeAddon & FockAddon {
  return loadAddon() as NativeAddon & FockAddon;
}
