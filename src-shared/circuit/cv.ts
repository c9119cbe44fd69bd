// Continuous-variable (Fock-space) circuits as the native addon builds and
// runs them (native/binding/fock.cc): one definition for the native wrapper
// (src-main/native/fock.ts) and the WebGPU simulator (src-shared/webgpu/cv).

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
