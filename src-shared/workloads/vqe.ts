// VQE: a Hamiltonian as a Pauli sum and a hardware-efficient ansatz
// (RY·RZ on every qubit, then a CNOT ladder or ring, L times, plus a final
// rotation layer). One iteration = energy + full gradient (adjoint).
import type { Circuit, Operation } from '../circuit/circuit';
import { heisenbergXXZ, parsePauliSum, transverseIsing, validatePauliSum, type PauliSum } from '../observable/pauli';
import { Rng } from '../random';

export interface VqeSpec {
  qubits: number;
  hamiltonian: 'heisenberg' | 'tfim' | 'custom';
  /** Coupling J, anisotropy Δ (Heisenberg XXZ), field h (TFIM). */
  J: number;
  delta: number;
  h: number;
  periodic: boolean;
  /** Pauli-sum text for hamiltonian = 'custom'. */
  pauliSum?: string;
  layers: number;
  entangler: 'ladder' | 'ring';
  seed: number;
}

export const VQE_DEFAULTS: VqeSpec = { qubits: 10, hamiltonian: 'heisenberg', J: 1, delta: 1, h: 1, periodic: false, layers: 4, entangler: 'ladder', seed: 1 };

export function vqeHamiltonian(s: VqeSpec): PauliSum {
  let H: PauliSum;
  if (s.hamiltonian === 'heisenberg') H = heisenbergXXZ(s.qubits, { J: s.J, delta: s.delta, periodic: s.periodic });
  else if (s.hamiltonian === 'tfim') H = transverseIsing(s.qubits, { J: s.J, h: s.h, periodic: s.periodic });
  else {
    if (!s.pauliSum) throw new RangeError("hamiltonian 'custom' needs pauliSum text, e.g. '0.5*Z0*Z1 - X0'");
    H = parsePauliSum(s.pauliSum);
  }
  validatePauliSum(H, s.qubits);
  return H;
}

/** Parameters: 2·qubits·(layers + 1), slot order layer-major, RY then RZ per qubit. */
export function vqeAnsatz(s: Pick<VqeSpec, 'qubits' | 'layers' | 'entangler'>): Circuit {
  const n = s.qubits;
  const ops: Operation[] = [];
  let slot = 0;
  const rotations = () => {
    for (let q = 0; q < n; q++) ops.push({ gate: 'ry', qubits: [q], params: [{ slot: slot++ }] });
    for (let q = 0; q < n; q++) ops.push({ gate: 'rz', qubits: [q], params: [{ slot: slot++ }] });
  };
  for (let l = 0; l < s.layers; l++) {
    rotations();
    for (let q = 0; q + 1 < n; q++) ops.push({ gate: 'cx', qubits: [q, q + 1] });
    if (s.entangler === 'ring' && n > 2) ops.push({ gate: 'cx', qubits: [n - 1, 0] });
  }
  rotations();
  return { numQubits: n, numParams: slot, ops };
}

/** Small random initial angles (near the identity avoids barren starts). */
export function vqeInitialParams(numParams: number, seed: number, spread = 0.1): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: numParams }, () => (rng.next() * 2 - 1) * spread);
}
