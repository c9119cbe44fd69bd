// QSVM: the ZZ feature map of Havlíček et al. (Qiskit's ZZFeatureMap with
// full entanglement): per repetition, H on every qubit, P(2·x_i) on qubit i,
// and for every pair i < j: CX(i,j) · P(2·(π − x_i)(π − x_j)) on j · CX(i,j).
// The pair angles are products of two features, so each data point supplies
// derived slots y_ij = (π − x_i)(π − x_j): every angle stays affine in one
// slot and ONE compiled program maps every data point to its state.
import type { Circuit, Operation } from '../circuit/circuit';
import { PARAM_DEFAULTS } from '../project/defaults';

export interface QsvmSpec {
  features: number;
  reps: number;
  entanglement: 'full' | 'linear';
}

const qsvm = PARAM_DEFAULTS.qsvm;
/** The feature map's part of the qsvm defaults (src-shared/project/defaults.ts). */
export const QSVM_DEFAULTS: QsvmSpec = { features: qsvm.features, reps: qsvm.reps, entanglement: qsvm.entanglement };

export function featureMapPairs(s: QsvmSpec): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < s.features; i++)
    for (let j = i + 1; j < s.features; j++) if (s.entanglement === 'full' || j === i + 1) pairs.push([i, j]);
  return pairs;
}

/** Slots: x_0..x_{F−1}, then y_ij for each pair in featureMapPairs order. */
export function zzFeatureMap(s: QsvmSpec): Circuit {
  const F = s.features;
  const pairs = featureMapPairs(s);
  const ops: Operation[] = [];
  for (let r = 0; r < s.reps; r++) {
    for (let q = 0; q < F; q++) ops.push({ gate: 'h', qubits: [q] });
    for (let q = 0; q < F; q++) ops.push({ gate: 'p', qubits: [q], params: [{ slot: q, scale: 2 }] });
    pairs.forEach(([i, j], k) => {
      ops.push({ gate: 'cx', qubits: [i, j] });
      ops.push({ gate: 'p', qubits: [j], params: [{ slot: F + k, scale: 2 }] });
      ops.push({ gate: 'cx', qubits: [i, j] });
    });
  }
  return { numQubits: F, numParams: F + pairs.length, ops };
}

/** Parameter rows (N × numParams) for data points (N × F, radians). */
export function featureMapParams(s: QsvmSpec, features: Float64Array, numSamples: number): Float64Array {
  const F = s.features;
  const pairs = featureMapPairs(s);
  const P = F + pairs.length;
  const out = new Float64Array(numSamples * P);
  for (let b = 0; b < numSamples; b++) {
    const x = features.subarray(b * F, b * F + F);
    out.set(x, b * P);
    pairs.forEach(([i, j], k) => (out[b * P + F + k] = (Math.PI - x[i]) * (Math.PI - x[j])));
  }
  return out;
}
