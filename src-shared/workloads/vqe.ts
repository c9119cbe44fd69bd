// VQE: a Hamiltonian as a Pauli sum and a hardware-efficient ansatz
// (RY·RZ on every qubit, then a CNOT ladder or ring, L times, plus a final
// rotation layer). One iteration = energy + full gradient (adjoint).
import type { Circuit, Operation } from '../circuit/circuit';
import { PARAM_DEFAULTS } from '../project/defaults';
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
  /**
   * 'hea': hardware-efficient (RY·RZ + CNOT ladder/ring), the seed configuration;
   * 'hva': Hamiltonian-variational ansatz for XXZ chains (singlet pairs, then
   * alternating even/odd-bond exchange layers exp(−iθ(XX+YY)/2)·exp(−iφ ZZ/2)).
   */
  ansatz: 'hea' | 'hva';
  entangler: 'ladder' | 'ring';
  seed: number;
}

const vqe = PARAM_DEFAULTS.vqe;
/** The builder's part of the vqe defaults (src-shared/project/defaults.ts). */
export const VQE_DEFAULTS: VqeSpec = { qubits: vqe.qubits, hamiltonian: vqe.hamiltonian, J: vqe.J, delta: vqe.delta, h: vqe.h, periodic: vqe.periodic, layers: vqe.layers, ansatz: vqe.ansatz, entangler: vqe.entangler, seed: vqe.seed };

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

export function vqeAnsatz(s: Pick<VqeSpec, 'qubits' | 'layers' | 'entangler'> & { ansatz?: VqeSpec['ansatz'] }): Circuit {
  return s.ansatz === 'hva' ? hamiltonianVariationalAnsatz(s) : hardwareEfficientAnsatz(s);
}

/**
 * HVA for XXZ chains (cf. Wiersema et al., PRX Quantum 2020): start in a
 * product of singlets on bonds (0,1), (2,3), … (an eigenstate of the even
 * bonds), then L layers of exchange rotations on even bonds, then odd bonds,
 * each bond with its own angles: exp(−iθ/2·XX)·exp(−iθ/2·YY) and exp(−iφ/2·ZZ).
 * Parameters: 2·(n − 1)·L (+ the periodic bond).
 */
export function hamiltonianVariationalAnsatz(s: Pick<VqeSpec, 'qubits' | 'layers' | 'entangler'>): Circuit {
  const n = s.qubits;
  const ops: Operation[] = [];
  for (let q = 0; q + 1 < n; q += 2) {
    // |01⟩ → singlet (|01⟩ − |10⟩)/√2 on (q, q+1)
    ops.push({ gate: 'x', qubits: [q + 1] }, { gate: 'h', qubits: [q] }, { gate: 'cx', qubits: [q, q + 1] }, { gate: 'z', qubits: [q] });
  }
  const bonds: [number, number][] = [];
  for (let q = 0; q + 1 < n; q += 2) bonds.push([q, q + 1]);
  for (let q = 1; q + 1 < n; q += 2) bonds.push([q, q + 1]);
  if (s.entangler === 'ring' && n > 2) bonds.push([n - 1, 0]);
  let slot = 0;
  for (let l = 0; l < s.layers; l++)
    for (const [a, b] of bonds) {
      const xy = { slot: slot++ }, zz = { slot: slot++ };
      ops.push({ gate: 'rxx', qubits: [a, b], params: [xy] }, { gate: 'ryy', qubits: [a, b], params: [xy] }, { gate: 'rzz', qubits: [a, b], params: [zz] });
    }
  return { numQubits: n, numParams: slot, ops };
}

/** Parameters: 2·qubits·(layers + 1), slot order layer-major, RY then RZ per qubit. */
export function hardwareEfficientAnsatz(s: Pick<VqeSpec, 'qubits' | 'layers' | 'entangler'>): Circuit {
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
