// WebGPU against the reference, where it runs: seeded random circuits (every
// gate form: dense k ≤ 3, controlled, diagonal, parameterised) simulated on the
// GPU and by the TypeScript reference — probabilities, Pauli expectations and
// a batch of parameter rows at f32 tolerance, adjoint gradients against
// central differences of the reference — the conformance suite's checks. The workbench runs it on the window's own
// navigator.gpu (Hardware view), so a user sees that this adapter gives right
// answers before trusting its timings.
import type { Backend } from '../backend/backend';
import { ReferenceState, referenceGradient } from '../backend/reference';
import { randomLoweredCircuit } from '../circuit/random-circuits';
import type { PauliSum } from '../observable/pauli';
import { Rng } from '../random';

/** f32 state vectors: the conformance suite's tolerance for probabilities and expectations. */
export const SELF_CHECK_TOLERANCE = 1e-5;
/** Adjoint gradients in f32 against finite differences of the f64 reference (the conformance suite's). */
export const SELF_CHECK_GRADIENT_TOLERANCE = 1e-4;
/** Parameter rows in the batched check. */
const BATCH_ROWS = 3;

export interface SelfCheckCase {
  qubits: number;
  gates: number;
  maxProbabilityError: number;
  maxExpectationError: number;
  /** runBatch of BATCH_ROWS parameter rows, every observable, against the reference per row. */
  maxBatchError: number;
  maxGradientError: number;
  ms: number;
}
export interface SelfCheckReport {
  cases: SelfCheckCase[];
  maxError: number;
  tolerance: number;
  maxGradientError: number;
  gradientTolerance: number;
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
    let dp = 0;
    for (let i = 0; i < want.length; i++) dp = Math.max(dp, Math.abs(want[i] - got.probabilities![i]));
    let de = 0;
    observables.forEach((o, i) => (de = Math.max(de, Math.abs(ref.expectation(o) - got.expectations[i]))));
    const rows = Float64Array.from({ length: BATCH_ROWS * numParams }, () => rng.next() * 4 - 2);
    const batch = await backend.runBatch(circuit, rows, BATCH_ROWS, observables, { precision: 'f32' });
    let db = 0;
    for (let r = 0; r < BATCH_ROWS; r++) {
      const s = new ReferenceState(n).run(circuit, rows.subarray(r * numParams, (r + 1) * numParams));
      observables.forEach((o, i) => (db = Math.max(db, Math.abs(s.expectation(o) - batch[r * observables.length + i]))));
    }
    const g = await backend.gradient(circuit, params, observables[observables.length - 1], { precision: 'f32' });
    const fd = referenceGradient(circuit, params, observables[observables.length - 1]);
    let dg = 0;
    for (let i = 0; i < numParams; i++) dg = Math.max(dg, Math.abs(g.gradient[i] - fd[i]));
    cases.push({ qubits: n, gates: circuit.gates.length, maxProbabilityError: dp, maxExpectationError: de, maxBatchError: db, maxGradientError: dg, ms: performance.now() - t0 });
  }
  const maxError = Math.max(...cases.map((c) => Math.max(c.maxProbabilityError, c.maxExpectationError, c.maxBatchError)));
  const maxGradientError = Math.max(...cases.map((c) => c.maxGradientError));
  return {
    cases, maxError, tolerance: SELF_CHECK_TOLERANCE, maxGradientError, gradientTolerance: SELF_CHECK_GRADIENT_TOLERANCE,
    pass: maxError <= SELF_CHECK_TOLERANCE && maxGradientError <= SELF_CHECK_GRADIENT_TOLERANCE,
  };
}
