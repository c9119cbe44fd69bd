// The conformance suite's cases, shared by every backend's file: seeded random
// circuits with parameters, observables and a marginal, and the reference
// backend's answers for them.
import { ReferenceState } from '../../src-shared/backend/reference';
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

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
