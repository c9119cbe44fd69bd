// QNN classifier: angle encoding RY(x_i) on qubit i (inputs are parameter
// slots, so one compiled program serves every sample), then L entangling
// layers (RY·RZ on every qubit, CNOT ring), readout f = ⟨Z_0⟩.
// Binary classes map to targets t = +1 (class 0) / −1 (class 1); loss is the
// mean squared error (f − t)², prediction is class 1 when f < 0.
import type { Circuit, Operation } from '../circuit/circuit';
import type { PauliSum } from '../observable/pauli';
import { PARAM_DEFAULTS } from '../project/defaults';
import { Rng } from '../random';

export interface QnnSpec {
  qubits: number;
  layers: number;
  seed: number;
}

const qnn = PARAM_DEFAULTS.qnn;
/** The builder's part of the qnn defaults (src-shared/project/defaults.ts). */
export const QNN_DEFAULTS: QnnSpec = { qubits: qnn.qubits, layers: qnn.layers, seed: qnn.seed };

/** Slots 0..n−1: input features (radians); then 2·n·L trainable weights. */
export function qnnCircuit(s: QnnSpec): Circuit {
  const n = s.qubits;
  const ops: Operation[] = [];
  for (let q = 0; q < n; q++) ops.push({ gate: 'ry', qubits: [q], params: [{ slot: q }] });
  let slot = n;
  for (let l = 0; l < s.layers; l++) {
    for (let q = 0; q < n; q++) ops.push({ gate: 'ry', qubits: [q], params: [{ slot: slot++ }] });
    for (let q = 0; q < n; q++) ops.push({ gate: 'rz', qubits: [q], params: [{ slot: slot++ }] });
    for (let q = 0; q < n; q++) if (n > 1 && (q + 1 < n || n > 2)) ops.push({ gate: 'cx', qubits: [q, (q + 1) % n] });
  }
  return { numQubits: n, numParams: slot, ops };
}

export const qnnReadout = (): PauliSum => ({ terms: [{ coeff: 1, paulis: [{ qubit: 0, op: 'Z' }] }] });

export function qnnInitialWeights(s: QnnSpec): Float64Array {
  const rng = new Rng(s.seed);
  return Float64Array.from({ length: 2 * s.qubits * s.layers }, () => (rng.next() * 2 - 1) * Math.PI);
}

/**
 * Parameter rows for a batch: [x_0 … x_{n−1}, weights…] per sample.
 * features: N × n row-major (already scaled to radians).
 */
export function qnnParamRows(features: Float64Array, rows: ArrayLike<number>, n: number, weights: Float64Array, out?: Float64Array): Float64Array {
  const P = n + weights.length;
  const params = out ?? new Float64Array(rows.length * P);
  for (let b = 0; b < rows.length; b++) {
    params.set(features.subarray(rows[b] * n, rows[b] * n + n), b * P);
    params.set(weights, b * P + n);
  }
  return params;
}
