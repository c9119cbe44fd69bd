// WebGPU against the reference, where it runs: seeded random circuits (every
// gate form: dense k ≤ 3, controlled, diagonal, parameterised) simulated on the
// GPU and by the TypeScript reference, probabilities and Pauli expectations
// compared at f32 tolerance. The workbench runs it on the window's own
// navigator.gpu (Hardware view), so a user sees that this adapter gives right
// answers before trusting its timings.
import type { Backend } from '../backend/backend';
import { ReferenceState } from '../backend/reference';
import { randomLoweredCircuit } from '../circuit/random-circuits';
import type { PauliSum } from '../observable/pauli';
import { Rng } from '../random';

/** f32 state vectors: the conformance suite's tolerance for probabilities and expectations. */
export const SELF_CHECK_TOLERANCE = 1e-5;

export interface SelfCheckCase {
  qubits: number;
  gates: number;
  maxProbabilityError: number;
  maxExpectationError: number;
  ms: number;
}
export interface SelfCheckReport {
  cases: SelfCheckCase[];
  maxError: number;
  tolerance: number;
  pass: boolean;
}

/** Z on every qubit, and XX / YY on neighbours: every flip mask and phase the reduction handles. */
function observablesFor(n: number): PauliSum[] {
  const out: PauliSum[] = [{ terms: Array.from({ length: n }, (_, q) => ({ coeff: 1 / n, paulis: [{ qubit: q, op: 'Z' as const }] })) }];
  if (n >= 2)
    out.push(
      { terms: [{ coeff: 1, paulis: [{ qubit: 0, op: 'X' }, { qubit: 1, op: 'X' }] }] },
      { terms: [{ coeff: 0.5, paulis: [{ qubit: n - 2, op: 'Y' }, { qubit: n - 1, op: 'Y' }] }, { coeff: 0.25, paulis: [] }] },
    );
  return out;
}

export async function webGpuSelfCheck(backend: Backend, sizes: number[] = [2, 5, 8, 12], seed = 2026): Promise<SelfCheckReport> {
  const rng = new Rng(seed);
  const cases: SelfCheckCase[] = [];
  for (const n of sizes) {
    const numParams = 3;
    const circuit = randomLoweredCircuit(n, 12 + 3 * n, rng, numParams);
    const params = Float64Array.from({ length: numParams }, () => rng.next() * 4 - 2);
    const observables = observablesFor(n);
    const ref = new ReferenceState(n).run(circuit, params);
    const want = ref.probabilities();
    const t0 = performance.now();
    const got = await backend.simulate({ circuit, params, observables, probabilities: true }, { precision: 'f32' });
    const ms = performance.now() - t0;
    let dp = 0;
    for (let i = 0; i < want.length; i++) dp = Math.max(dp, Math.abs(want[i] - got.probabilities![i]));
    let de = 0;
    observables.forEach((o, i) => (de = Math.max(de, Math.abs(ref.expectation(o) - got.expectations[i]))));
    cases.push({ qubits: n, gates: circuit.gates.length, maxProbabilityError: dp, maxExpectationError: de, ms });
  }
  const maxError = Math.max(...cases.map((c) => Math.max(c.maxProbabilityError, c.maxExpectationError)));
  return { cases, maxError, tolerance: SELF_CHECK_TOLERANCE, pass: maxError <= SELF_CHECK_TOLERANCE };
}
