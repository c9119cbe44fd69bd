// Parameterised diagonal gates bound on the GPU (gate-phase.wgsl: e^{−iθλ_j}
// per amplitude, λ uploaded once per gate, θ per batch row in the record;
// the adjoint's backward pass with −θ; generator reductions reading the same
// λ buffer) against the f64 reference. The circuits are QAOA-like but harder:
// diagonals over every qubit and over scattered qubits with a control, λ up
// to 40 in magnitude (integers and fractions, both signs), scales and
// offsets, one generator array shared by two gates, angles up to ~4.6 rad —
// phases up to ~180 rad, where a careless f32 reduction errs by ~1e-5 rad.
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ExecutionOptions } from '../../src-shared/backend/backend';
import { ReferenceBackend } from '../../src-shared/backend/reference-backend';
import { ReferenceState, referenceGradient } from '../../src-shared/backend/reference';
import type { LoweredCircuit, LoweredGate } from '../../src-shared/circuit/lowered';
import type { PauliSum } from '../../src-shared/observable/pauli';
import { Rng } from '../../src-shared/random';
import { splitHiLo } from '../../src-shared/webgpu/simulator';
import type { WebGpuBackend, WebGpuBackendOptions } from '../../src-shared/webgpu/webgpu-backend';
import { createNodeWebGpuBackend } from '../../src-main/backend/webgpu-node';
import { maxAbsDiff, randomObservable } from './cases';

/** The conformance suite's tolerances (test/conformance/webgpu.test.ts). */
const TOL = 1e-5;
const GRAD_TOL = 1e-4;
const SLOW = 240_000;

interface Variant {
  name: string;
  backend: WebGpuBackendOptions;
  options: ExecutionOptions;
  /** Qubits of the forward cases, of the one-row gradient cases, and of the batched ones. */
  sizes: { forward: number[]; gradient: number[]; batch: number };
}

// The default (diagonals on ≥ 6 qubits on the GPU), every parameterised
// diagonal on the GPU (the 2-qubit one too) without fusion, and the default
// with states split across 64 KiB buffers (8192 amplitudes: 13 qubits and up,
// or 12 with the gradient's two rows, span several).
const VARIANTS: Variant[] = [
  { name: 'default', backend: {}, options: { fusion: 3 }, sizes: { forward: [6, 9, 12], gradient: [6, 9], batch: 8 } },
  { name: 'all diagonals on the GPU, fusion=0', backend: { phaseOnGpuQubits: 0 }, options: { fusion: 0 }, sizes: { forward: [6, 10], gradient: [7], batch: 6 } },
  { name: 'split 64 KiB', backend: { maxChunkBytes: 64 * 1024 }, options: { fusion: 3 }, sizes: { forward: [14], gradient: [13], batch: 12 } },
];

const backends = new Map<string, WebGpuBackend>();
let unavailable: string | null = null;
try {
  for (const v of VARIANTS) backends.set(v.name, await createNodeWebGpuBackend(v.backend));
} catch (e) {
  unavailable = (e as Error).message;
  console.warn(`WebGPU phase conformance skipped: ${unavailable}`);
}
afterAll(() => {
  for (const b of backends.values()) b.dispose();
});

const H = Math.SQRT1_2;
const HADAMARD = new Float64Array([H, 0, H, 0, H, 0, -H, 0]);
const PAULI_X = new Float64Array([0, 0, 1, 0, 1, 0, 0, 0]);
const PAULI_Y = new Float64Array([0, 0, 0, -1, 0, 1, 0, 0]);
const P = 7;

/** Parameterised diagonals over many qubits with large λ, mixed by parameterised X and Y rotations. */
function phaseCircuit(n: number, rng: Rng): LoweredCircuit {
  const all = Array.from({ length: n }, (_, q) => q);
  // QAOA-like: integer λ in 0…40 over every qubit, used by two gates (one array)
  const cuts = Float64Array.from({ length: 2 ** n }, () => Math.floor(rng.next() * 41));
  // fractions of both signs up to 40, over every qubit but 0 and 2, controlled by 0
  const rest = all.filter((q) => q !== 0 && q !== 2);
  const frac = Float64Array.from({ length: 2 ** rest.length }, () => (rng.next() * 2 - 1) * 40);
  const gates: LoweredGate[] = [];
  const rot = (slot: number, G: Float64Array) => all.forEach((q) => gates.push({ qubits: [q], controls: [], diagonal: false, slot, scale: 1, offset: 0, generator: G }));
  all.forEach((q) => gates.push({ qubits: [q], controls: [], diagonal: false, matrix: HADAMARD }));
  gates.push({ qubits: all, controls: [], diagonal: true, slot: 0, scale: 1, offset: 0, generator: cuts });
  rot(1, PAULI_X);
  gates.push({ qubits: rest, controls: [0], diagonal: true, slot: 2, scale: -1.3, offset: 0.7, generator: frac });
  rot(3, PAULI_Y);
  gates.push({ qubits: all, controls: [], diagonal: true, slot: 4, scale: 0.5, offset: -0.2, generator: cuts });
  // a 2-qubit ZZ-like diagonal (on the GPU only where phaseOnGpuQubits allows)
  gates.push({ qubits: [1, n - 1], controls: [], diagonal: true, slot: 5, scale: 1, offset: 0, generator: Float64Array.of(0.5, -0.5, -0.5, 0.5) });
  rot(6, PAULI_X);
  return { numQubits: n, numParams: P, gates };
}

const randomParams = (rng: Rng, rows = 1) => Float64Array.from({ length: rows * P }, () => rng.next() * 6 - 3);
const observable = (n: number, rng: Rng): PauliSum => ({ terms: [...randomObservable(n, rng, 5).terms, { coeff: 0.7, paulis: [{ qubit: 0, op: 'Z' }, { qubit: n - 1, op: 'Z' }] }] });

describe('splitHiLo', () => {
  it('splits into a 12-bit head and an f32 tail that sum to the value', () => {
    const rng = new Rng(3);
    const values = [0, 1, -1, 40, 4095, 4096, 4097, 0.1, -0.30000000000000004, 1 / 3, 2 ** -30, 123456.789, Math.PI, -(2 ** 11) + 0.5];
    for (let i = 0; i < 500; i++) values.push((rng.next() * 2 - 1) * 10 ** (rng.int(12) - 6));
    for (const x of values) {
      const [hi, lo] = splitHiLo(x);
      expect(Math.fround(hi)).toBe(hi);
      expect(Math.fround(lo)).toBe(lo);
      // at most 12 significant bits: |hi| = m · 2^(e−11), m an integer, 2^e ≤ |hi| < 2^(e+1)
      if (hi !== 0) expect(Number.isInteger(Math.abs(hi) / 2 ** (Math.floor(Math.log2(Math.abs(hi))) - 11)), `${x}`).toBe(true);
      expect(Math.abs(hi + lo - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -35);
    }
  });
});

describe.skipIf(unavailable !== null).each(VARIANTS)('WebGPU parameterised diagonals bound on the GPU: $name', (v) => {
  const backend = () => backends.get(v.name)!;
  /**
   * Runs body on each size's phase circuit and observable (drawn in that order from one Rng of
   * `seed`), and fails the test if no diagonal went the GPU path (the cases are about it).
   */
  const eachOnGpuPath = async (sizes: number[], seed: number, body: (n: number, circuit: LoweredCircuit, obs: PauliSum, rng: Rng) => Promise<void>) => {
    const spy = vi.spyOn(backend().sim, 'lambda');
    const rng = new Rng(seed);
    for (const n of sizes) await body(n, phaseCircuit(n, rng), observable(n, rng), rng);
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  };

  it('probabilities and expectation values match the reference within 1e-5', async () => {
    await eachOnGpuPath(v.sizes.forward, 101, async (n, circuit, obs, rng) => {
      for (let trial = 0; trial < 2; trial++) {
        const params = randomParams(rng);
        const r = await backend().simulate({ circuit, params, observables: [obs], probabilities: true }, v.options);
        const ref = await new ReferenceBackend().simulate({ circuit, params, observables: [obs], probabilities: true });
        expect(maxAbsDiff(r.probabilities!, ref.probabilities!), `${n} qubits`).toBeLessThan(TOL);
        expect(Math.abs(r.expectations[0] - ref.expectations[0]), `${n} qubits`).toBeLessThan(TOL);
      }
    });
  }, SLOW);

  it('adjoint gradients match finite differences of the reference', async () => {
    await eachOnGpuPath(v.sizes.gradient, 202, async (n, circuit, obs, rng) => {
      const params = randomParams(rng);
      const g = await backend().gradient(circuit, params, obs, v.options);
      const exact = new ReferenceState(n).run(circuit, params).expectation(obs);
      expect(Math.abs(g.value - exact), `${n} qubits`).toBeLessThan(TOL);
      expect(maxAbsDiff(g.gradient, referenceGradient(circuit, params, obs)), `${n} qubits`).toBeLessThan(GRAD_TOL);
    });
  }, SLOW);

  it('batch rows with different parameters: values, gradients and runBatch per row', async () => {
    const rng = new Rng(303);
    const n = v.sizes.batch, batch = 3;
    const circuit = phaseCircuit(n, rng);
    const obs = observable(n, rng);
    const params = randomParams(rng, batch);
    const out = await backend().gradientBatch(circuit, params, batch, obs, v.options);
    const energies = await backend().runBatch(circuit, params, batch, [obs], v.options);
    for (let b = 0; b < batch; b++) {
      const row = params.subarray(b * P, (b + 1) * P);
      const exact = new ReferenceState(n).run(circuit, row).expectation(obs);
      expect(Math.abs(out.values[b] - exact), `row ${b}`).toBeLessThan(TOL);
      expect(Math.abs(energies[b] - exact), `row ${b}`).toBeLessThan(TOL);
      expect(maxAbsDiff(out.gradients.subarray(b * P, (b + 1) * P), referenceGradient(circuit, row, obs)), `${n} qubits, row ${b}`).toBeLessThan(GRAD_TOL);
    }
  }, SLOW);
});
