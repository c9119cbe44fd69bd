// QAOA for MaxCut: |+⟩^n, then p rounds of e^{−iγC} (the whole cost
// Hamiltonian as ONE diagonal pass over the state, λ_z = cut(z)) and the
// mixer e^{−iβΣX}. Parameters: [γ_1, β_1, …, γ_p, β_p].
import type { LoweredCircuit, LoweredGate } from '../circuit/lowered';
import { maxCutCost, type PauliSum } from '../observable/pauli';
import { cutValues, type Graph } from './graph';

const H = Math.SQRT1_2;
const HADAMARD = new Float64Array([H, 0, H, 0, H, 0, -H, 0]);
const PAULI_X = new Float64Array([0, 0, 1, 0, 1, 0, 0, 0]);

export function qaoaCircuit(graph: Graph, p: number, cuts: Float64Array = cutValues(graph)): LoweredCircuit {
  const n = graph.nodes;
  const gates: LoweredGate[] = [];
  for (let q = 0; q < n; q++) gates.push({ qubits: [q], controls: [], diagonal: false, matrix: HADAMARD });
  const all = Array.from({ length: n }, (_, i) => i);
  for (let l = 0; l < p; l++) {
    // e^{−iγC}: U = diag(e^{−iθλ}) with θ = γ, λ = cut values
    gates.push({ qubits: all, controls: [], diagonal: true, slot: 2 * l, scale: 1, offset: 0, generator: cuts });
    // e^{−iβX} on every qubit: generator X, θ = β
    for (let q = 0; q < n; q++) gates.push({ qubits: [q], controls: [], diagonal: false, slot: 2 * l + 1, scale: 1, offset: 0, generator: PAULI_X });
  }
  return { numQubits: n, numParams: 2 * p, gates };
}

/** The cost C = Σ w (1 − Z_u Z_v)/2 as a Pauli sum; QAOA minimises −⟨C⟩. */
export function qaoaCost(graph: Graph): PauliSum {
  return maxCutCost(graph.edges.map(([u, v, w]) => [u, v, w] as [number, number, number]));
}

/** A standard starting point: linear ramp γ_l = 0.4·l/p, β_l = 0.4·(1 − l/p) (cf. Zhou et al. 2020). */
export function qaoaInitialParams(p: number): Float64Array {
  const x = new Float64Array(2 * p);
  for (let l = 0; l < p; l++) {
    x[2 * l] = (0.8 * (l + 1)) / (p + 1);
    x[2 * l + 1] = 0.8 * (1 - (l + 1) / (p + 1));
  }
  return x;
}
