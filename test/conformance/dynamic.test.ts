// Dynamic circuits (mid-circuit measurement, reset, if) on every CPU backend,
// against an independent density-matrix oracle on seeded random programs.
import { describe, expect, it } from 'vitest';
import type { Backend, ExecutionOptions } from '../../src-shared/backend/backend';
import { simulateProgram } from '../../src-shared/backend/dynamic-runner';
import { ReferenceBackend } from '../../src-shared/backend/reference-backend';
import { NativeBackend } from '../../src-main/backend/native-backend';
import { loadAddon } from '../../src-main/native/addon';
import { maxAbsDiff } from './cases';
import { dynamicCases, totalVariation } from './dynamic-cases';

interface Variant {
  name: string;
  backend: Backend;
  options: ExecutionOptions;
  tol: number;
}

const VARIANTS: Variant[] = [{ name: 'reference', backend: new ReferenceBackend(), options: {}, tol: 1e-10 }];
for (const isa of loadAddon().info().isaAvailable)
  for (const precision of ['f64', 'f32'] as const)
    VARIANTS.push({ name: `native-${isa} ${precision}`, backend: new NativeBackend(isa), options: { precision, threads: 1, fusion: 3 }, tol: precision === 'f64' ? 1e-10 : 2e-5 });

const CASES = dynamicCases([1, 2, 3, 4], 6);

const keyDiff = (a: Record<string, number>, b: Record<string, number>) => {
  let m = 0;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) m = Math.max(m, Math.abs((a[k] ?? 0) - (b[k] ?? 0)));
  return m;
};

it('the random programs are dynamic and branch', () => {
  expect(CASES.every((c) => c.program.dynamic)).toBe(true);
  expect(CASES.filter((c) => Object.keys(c.outcomes).length > 1).length).toBeGreaterThan(CASES.length / 2);
});

describe.each(VARIANTS)('dynamic circuits: $name', (v) => {
  it('exact probabilities, expectation values and outcome distributions match the density-matrix oracle', async () => {
    for (const c of CASES) {
      const r = await simulateProgram(v.backend, c.program, { observables: c.observables, probabilities: true, outcomeProbabilities: true }, v.options);
      const where = c.qasm;
      expect(r.dynamic, where).toBe(true);
      expect(maxAbsDiff(r.probabilities!, c.probabilities), where).toBeLessThan(v.tol);
      expect(maxAbsDiff(r.expectations, c.expectations), where).toBeLessThan(v.tol * 10);
      expect(keyDiff(r.outcomeProbabilities!, c.outcomes), where).toBeLessThan(v.tol);
    }
  });

  it('shots follow the outcome distribution, reproducibly for a seed', async () => {
    const shots = 4000;
    for (const c of CASES) {
      const r = await simulateProgram(v.backend, c.program, { shots, seed: 11 }, v.options);
      const total = Object.values(r.counts!).reduce((a, b) => a + b, 0);
      expect(total).toBe(shots);
      // Typical distance for ≤ 64 outcomes at 4000 shots is ~0.03; seeded, so this cannot flicker.
      expect(totalVariation(r.counts!, c.outcomes), c.qasm).toBeLessThan(0.08);
      // Each distinct trajectory is simulated once, not once per shot.
      expect(r.branches!).toBeLessThanOrEqual(Math.min(shots, 2 ** 12));
      const again = await simulateProgram(v.backend, c.program, { shots, seed: 11 }, v.options);
      expect(again.counts).toEqual(r.counts);
    }
  });
});
