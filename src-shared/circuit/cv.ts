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

/** Which part of a CV generator a gate belongs to: the diagram draws them, the memory estimate counts them. */
export type CvBlock = 'latent' | 'interferometer 1' | 'squeezing' | 'interferometer 2' | 'displacement' | 'Kerr';
/** One gate of a CV generator as the workbench describes it (src-shared/workloads/experiment-circuit.ts, qganGenerator). */
export interface CvGateSpec {
  kind: CvGateKind;
  mode0: number;
  /** Beamsplitter only. */
  mode1?: number;
  /** θ = slot === undefined ? value : params[slot] + value (as the core's fock::Angle, scale 1). */
  a: Omit<CvAngle, 'scale'>;
  /** Displacement, Squeezing: φ; Beamsplitter: φ. Unused for Rotation and Kerr. */
  b?: Omit<CvAngle, 'scale'>;
  /** −1 for the latent encoding, else the CV layer. */
  layer: number;
  block: CvBlock;
}
