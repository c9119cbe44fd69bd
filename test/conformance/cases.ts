// The conformance suite's cases, shared by every backend's file: seeded random
// circuits with parameters, observables and a marginal, and the reference
// backend's answers for them.
import { ReferenceState } from '../../src-shared/backend/reference';
import { GATE_SPECS, type Angle, type GateName, type Operation } from '../../src-shared/circuit/circuit';
import { lower } from '../../src-shared/circuit/lower';
import type { LoweredCircuit } from '../../src-shared/circuit/lowered';
import { randomLoweredCircuit } from '../../src-shared/circuit/random-circuits';
import type { PauliSum, PauliTerm } from '../../src-shared/observable/pauli';
import { Rng } from '../../src-shared/random';

export function randomObservable(n: number, rng: Rng, terms = 4): PauliSum {
  const out: PauliTerm[] = [];
  for (let t = 0; t < terms; t++) {
    const k = 1 + rng.int(Math.min(3, n));
    const paulis = rng
      .distinct(k, n)
      .sort((a, b) => a - b)
      .map((qubit) => ({ qubit, op: (['X', 'Y', 'Z'] as const)[rng.int(3)] }));
    out.push({ coeff: rng.next() * 2 - 1, paulis });
  }
  return { terms: out };
}

export interface Case {
  circuit: LoweredCircuit;
  params: Float64Array;
  observables: PauliSum[];
  probabilities: Float64Array;
  expectations: number[];
  marginalQubits: number[];
  marginal: Float64Array;
}

/** One case per qubit count; `observables` picks each case's observables (default: a 4-term and a 1-term sum). */
export function conformanceCases(
  sizes: number[],
  observables: (n: number, rng: Rng) => PauliSum[] = (n, rng) => [randomObservable(n, rng), randomObservable(n, rng, 1)],
  seed = 20261122,
): Case[] {
  const rng = new Rng(seed);
  return sizes.map((n) => {
    const numParams = 3;
    const circuit = randomLoweredCircuit(n, 12 + 3 * n, rng, numParams);
    const params = Float64Array.from({ length: numParams }, () => rng.next() * 4 - 2);
    const obs = observables(n, rng);
    const ref = new ReferenceState(n).run(circuit, params);
    const marginalQubits = rng.distinct(Math.min(3, n), n);
    return {
      circuit, params, observables: obs,
      probabilities: ref.probabilities(),
      expectations: obs.map((o) => ref.expectation(o)),
      marginalQubits, marginal: ref.marginal(marginalQubits),
    };
  });
}

/**
 * Named gates the native engine applies as structured kernels — permutations
 * (x, cx, ccx, swap, cswap), phases on a control subspace (z, s, t, p, cz,
 * cp, cu1), diagonals under controls (rz, crz, rzz) and controlled 1-qubit
 * gates (crx, cry, cy, ch, cu3) — some with parameterised angles.
 */
const STRUCTURED: { gate: GateName; param?: boolean }[] = [
  { gate: 'x' }, { gate: 'cx' }, { gate: 'ccx' }, { gate: 'swap' }, { gate: 'cswap' },
  { gate: 'z' }, { gate: 's' }, { gate: 'sdg' }, { gate: 't' }, { gate: 'tdg' }, { gate: 'p' }, { gate: 'p', param: true },
  { gate: 'cz' }, { gate: 'cp' }, { gate: 'cp', param: true }, { gate: 'cu1' },
  { gate: 'rz' }, { gate: 'rz', param: true }, { gate: 'crz' }, { gate: 'crz', param: true }, { gate: 'rzz', param: true },
  { gate: 'crx' }, { gate: 'crx', param: true }, { gate: 'cry' }, { gate: 'cy' }, { gate: 'ch' }, { gate: 'cu3' },
];

/**
 * Qubit tuples for a k-qubit gate on n qubits (controls first): the lowest
 * qubits (inside one SIMD vector and one cache line), the highest, both ends,
 * adjacent and far apart, controls above and below the targets.
 */
function edgeTuples(n: number, k: number): number[][] {
  const h = n - 1, m = Math.floor(n / 2);
  const all: number[][] =
    k === 1 ? [[0], [1], [2], [m], [h]]
    : k === 2 ? [[0, 1], [1, 0], [0, 2], [2, 0], [1, h], [h, 1], [h - 1, h], [h, h - 1], [0, m], [m, 0]]
    : [[0, 1, 2], [2, 1, 0], [0, h, 1], [h, 0, 1], [h - 2, h - 1, h], [h, h - 1, h - 2], [1, m, h], [m, h, 0]];
  return all.filter((t) => t.every((q) => q >= 0 && q < n) && new Set(t).size === t.length);
}

/**
 * Circuits of the structured gates at every edge placement (and a few random
 * ones), between layers of random u3 gates so the state is generic and every
 * phase shows in the probabilities and the observables; then the reference's
 * answers. Sizes should span the vector kernels' minimum (4 qubits), the
 * parallel threshold (14) and the cache tiles (13–14 low qubits).
 */
export function structuredCases(sizes: number[], seed = 20261210): Case[] {
  const rng = new Rng(seed);
  const numParams = 3;
  const u3Layer = (n: number): Operation[] =>
    Array.from({ length: n }, (_, q) => ({ gate: 'u3' as const, qubits: [q], params: [rng.next() * Math.PI, rng.next() * 6, rng.next() * 6] }));
  return sizes.map((n) => {
    const ops: Operation[] = u3Layer(n);
    for (const { gate, param } of STRUCTURED) {
      const k = GATE_SPECS[gate].qubits;
      if (k > n) continue;
      const tuples = [...edgeTuples(n, k), rng.distinct(k, n)];
      for (const qubits of tuples) {
        const angle = (): Angle => (param ? { slot: rng.int(numParams), scale: rng.next() * 2 - 1, offset: rng.next() } : rng.next() * 6 - 3);
        const params = Array.from({ length: GATE_SPECS[gate].params }, angle);
        ops.push({ gate, qubits, ...(params.length ? { params } : {}) });
      }
      if (rng.int(3) === 0) ops.push(...u3Layer(n));
    }
    ops.push(...u3Layer(n));
    const circuit = lower({ numQubits: n, numParams, ops });
    const params = Float64Array.from({ length: numParams }, () => rng.next() * 4 - 2);
    const obs = [randomObservable(n, rng), randomObservable(n, rng, 1)];
    const ref = new ReferenceState(n).run(circuit, params);
    const marginalQubits = rng.distinct(Math.min(3, n), n);
    return {
      circuit, params, observables: obs,
      probabilities: ref.probabilities(),
      expectations: obs.map((o) => ref.expectation(o)),
      marginalQubits, marginal: ref.marginal(marginalQubits),
    };
  });
}

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
