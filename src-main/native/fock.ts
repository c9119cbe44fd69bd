// The Fock-space (CV) part of the addon's JS surface (native/binding/fock.cc).
import type { CvCircuit, CvGateKind, CvOutputs } from '../../src-shared/circuit/cv';
import { loadAddon, type NativeAddon, type NativeExecOptions } from './addon';

export type { CvAngle, CvCircuit, CvGate, CvGateKind, CvOutputs } from '../../src-shared/circuit/cv';

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
