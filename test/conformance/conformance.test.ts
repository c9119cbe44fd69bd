// The conformance suite: every backend variant against the TypeScript
// reference on the same seeded random circuits. A new backend joins by
// adding itself to VARIANTS.
import { describe, expect, it } from 'vitest';
import type { Backend, ExecutionOptions } from '../../src-shared/backend/backend';
import { ReferenceState, referenceGradient } from '../../src-shared/backend/reference';
import { conformanceCases, maxAbsDiff, structuredCases, type Case } from './cases';
import { NativeBackend } from '../../src-main/backend/native-backend';
import { loadAddon } from '../../src-main/native/addon';

interface Variant {
  name: string;
  backend: Backend;
  options: ExecutionOptions;
  /** Tolerance on probabilities / expectation values. */
  tol: number;
  gradTol: number;
}

const addon = loadAddon();
const isas = addon.info().isaAvailable;
const VARIANTS: Variant[] = [];
for (const isa of isas)
  for (const precision of ['f64', 'f32'] as const)
    for (const threads of [1, 2])
      for (const fusion of [0, 3, 5])
        VARIANTS.push({
          name: `native-${isa} ${precision} threads=${threads} fusion=${fusion}`,
          backend: new NativeBackend(isa),
          options: { precision, threads, fusion },
          tol: precision === 'f64' ? 1e-10 : 2e-5,
          gradTol: precision === 'f64' ? 1e-6 : 2e-3,
        });

const CASES: Case[] = conformanceCases([1, 2, 3, 5, 8, 11, 14, 15]);
// Below and above the vector kernels' minimum (4), the parallel threshold (14)
// and the f64/f32 cache tiles (13/14 low qubits): 16 qubits runs tiled in both.
const STRUCTURED_CASES: Case[] = structuredCases([2, 3, 4, 5, 7, 14, 16]);

describe.each(VARIANTS)('conformance: $name', (v) => {
  it('probabilities, marginals and expectation values match the reference', async () => {
    for (const c of CASES) {
      const r = await v.backend.simulate({ circuit: c.circuit, params: c.params, observables: c.observables, probabilities: true, marginal: c.marginalQubits }, v.options);
      const where = `${c.circuit.numQubits} qubits`;
      expect(maxAbsDiff(r.probabilities!, c.probabilities), where).toBeLessThan(v.tol);
      expect(maxAbsDiff(r.marginal!, c.marginal), where).toBeLessThan(v.tol);
      expect(maxAbsDiff(r.expectations, c.expectations), where).toBeLessThan(v.tol * 10);
    }
  });

  it('structured gates (permutations, phases, controlled) match the reference', async () => {
    for (const c of STRUCTURED_CASES) {
      const r = await v.backend.simulate({ circuit: c.circuit, params: c.params, observables: c.observables, probabilities: true, marginal: c.marginalQubits }, v.options);
      const where = `structured, ${c.circuit.numQubits} qubits`;
      expect(maxAbsDiff(r.probabilities!, c.probabilities), where).toBeLessThan(v.tol);
      expect(maxAbsDiff(r.marginal!, c.marginal), where).toBeLessThan(v.tol);
      expect(maxAbsDiff(r.expectations, c.expectations), where).toBeLessThan(v.tol * 10);
    }
  });

  it('adjoint gradients of structured gates match finite differences of the reference', async () => {
    for (const c of STRUCTURED_CASES.filter((c) => c.circuit.numQubits <= 5)) {
      const g = await v.backend.gradient(c.circuit, c.params, c.observables[0], v.options);
      const fd = referenceGradient(c.circuit, c.params, c.observables[0]);
      expect(maxAbsDiff(g.gradient, fd), `structured, ${c.circuit.numQubits} qubits`).toBeLessThan(v.gradTol);
    }
  });

  it('adjoint gradients match finite differences of the reference', async () => {
    for (const c of CASES.filter((c) => c.circuit.numQubits <= 8)) {
      const g = await v.backend.gradient(c.circuit, c.params, c.observables[0], v.options);
      const fd = referenceGradient(c.circuit, c.params, c.observables[0]);
      expect(Math.abs(g.value - c.expectations[0])).toBeLessThan(v.tol * 10);
      expect(maxAbsDiff(g.gradient, fd), `${c.circuit.numQubits} qubits`).toBeLessThan(v.gradTol);
    }
  });

  it('batched runs match one run per parameter set', async () => {
    const c = CASES[4]; // 8 qubits
    const batch = 5;
    const P = c.circuit.numParams;
    const params = Float64Array.from({ length: batch * P }, (_, i) => Math.sin(i + 1) * 2);
    const out = await v.backend.runBatch(c.circuit, params, batch, c.observables, v.options);
    for (let b = 0; b < batch; b++) {
      const s = new ReferenceState(c.circuit.numQubits).run(c.circuit, params.subarray(b * P, (b + 1) * P));
      c.observables.forEach((o, j) => expect(Math.abs(out[b * c.observables.length + j] - s.expectation(o))).toBeLessThan(v.tol * 10));
    }
  });

  it('samples follow the probabilities and repeat for a seed', async () => {
    const c = CASES[3]; // 5 qubits
    const shots = 20000;
    const a = await v.backend.simulate({ circuit: c.circuit, params: c.params, shots, seed: 42 }, v.options);
    const b = await v.backend.simulate({ circuit: c.circuit, params: c.params, shots, seed: 42 }, v.options);
    expect(Array.from(a.samples!)).toEqual(Array.from(b.samples!));
    const freq = new Float64Array(c.probabilities.length);
    for (const s of a.samples!) freq[s] += 1 / shots;
    // 5 standard deviations of a binomial frequency
    c.probabilities.forEach((p, i) => expect(Math.abs(freq[i] - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / shots) + 1e-9));
  });
});
