import { describe, expect, it } from 'vitest';
import { GATE_SPECS, type Circuit, type GateName } from '../../src-shared/circuit/circuit';
import { CircuitError, lower, u3Matrix } from '../../src-shared/circuit/lower';
import { boundMatrix } from '../../src-shared/circuit/lowered';
import { denseTestState, randomUnitary } from '../../src-shared/circuit/random-circuits';
import { adjoint, identity, matmul, maxDiff } from '../../src-shared/circuit/complex-matrix';
import { ReferenceState } from '../../src-shared/backend/reference';
import { Rng } from '../../src-shared/random';

/** A random normalised state on n qubits. */
function randomState(n: number, rng: Rng): ReferenceState {
  const s = new ReferenceState(n);
  let norm = 0;
  for (let i = 0; i < s.amplitudes.length; i++) norm += (s.amplitudes[i] = rng.normal()) ** 2;
  for (let i = 0; i < s.amplitudes.length; i++) s.amplitudes[i] /= Math.sqrt(norm);
  return s;
}
function runOn(circuit: Circuit, start: ReferenceState, params: number[] = []): Float64Array {
  const s = new ReferenceState(circuit.numQubits);
  s.amplitudes.set(start.amplitudes);
  return s.run(lower(circuit), params).amplitudes;
}
function fidelity(a: Float64Array, b: Float64Array): number {
  let re = 0, im = 0;
  for (let i = 0; i < a.length; i += 2) {
    re += a[i] * b[i] + a[i + 1] * b[i + 1];
    im += a[i] * b[i + 1] - a[i + 1] * b[i];
  }
  return re * re + im * im;
}

describe('lowering', () => {
  it('produces unitary matrices on sorted qubits for every gate', () => {
    const rng = new Rng(1);
    for (const name of Object.keys(GATE_SPECS) as GateName[]) {
      const spec = GATE_SPECS[name];
      const qubits = rng.distinct(spec.qubits, 4);
      const params = Array.from({ length: spec.params }, () => rng.next() * 6 - 3);
      const low = lower({ numQubits: 4, numParams: 0, ops: [{ gate: name, qubits, params }] });
      for (const g of low.gates) {
        expect([...g.qubits].sort((a, b) => a - b)).toEqual(g.qubits);
        if (!g.diagonal) {
          const m = boundMatrix(g, []);
          const d = 1 << g.qubits.length;
          expect(maxDiff(matmul(adjoint(m), m), identity(d))).toBeLessThan(1e-12);
        }
      }
    }
  });

  it('parameterised gates equal their fixed versions (controlled ones exactly, up to global phase otherwise)', () => {
    const rng = new Rng(2);
    for (const name of Object.keys(GATE_SPECS) as GateName[]) {
      const spec = GATE_SPECS[name];
      if (spec.params === 0) continue;
      const n = 4;
      const qubits = rng.distinct(spec.qubits, n);
      const values = Array.from({ length: spec.params }, () => rng.next() * 6 - 3);
      const start = randomState(n, rng);
      const fixed = runOn({ numQubits: n, numParams: 0, ops: [{ gate: name, qubits, params: values }] }, start);
      // each angle as a slot with a scale and offset: p = (v − offset) / scale
      const scales = values.map(() => 0.5 + rng.next());
      const offsets = values.map(() => rng.next() - 0.5);
      const params = values.map((v, i) => (v - offsets[i]) / scales[i]);
      const param = runOn(
        { numQubits: n, numParams: values.length, ops: [{ gate: name, qubits, params: values.map((_, i) => ({ slot: i, scale: scales[i], offset: offsets[i] })) }] },
        start,
        params,
      );
      expect(fidelity(fixed, param), name).toBeGreaterThan(1 - 1e-12);
      if (name.startsWith('c')) expect(maxDiff(fixed, param), name).toBeLessThan(1e-12);
    }
  });

  it('implements the textbook gates', () => {
    const bell = new ReferenceState(2).run(lower({ numQubits: 2, numParams: 0, ops: [{ gate: 'h', qubits: [0] }, { gate: 'cx', qubits: [0, 1] }] }));
    expect(Array.from(bell.probabilities())).toEqual([expect.closeTo(0.5, 12), 0, 0, expect.closeTo(0.5, 12)]);
    // cx with control 1, target 0: |10⟩ (index 2) → |11⟩ (index 3)
    const s = new ReferenceState(2).run(lower({ numQubits: 2, numParams: 0, ops: [{ gate: 'x', qubits: [1] }, { gate: 'cx', qubits: [1, 0] }] }));
    expect(s.probabilities()[3]).toBeCloseTo(1, 12);
    // ccx needs both controls
    const t = new ReferenceState(3).run(lower({ numQubits: 3, numParams: 0, ops: [{ gate: 'x', qubits: [0] }, { gate: 'ccx', qubits: [0, 1, 2] }] }));
    expect(t.probabilities()[1]).toBeCloseTo(1, 12);
    // u3(θ, φ, λ) = RZ(φ)·RY(θ)·RZ(λ) up to phase; u3(π, 0, π) = X
    expect(maxDiff(u3Matrix(Math.PI, 0, Math.PI), new Float64Array([0, 0, 1, 0, 1, 0, 0, 0]))).toBeLessThan(1e-15);
    // swap moves |01⟩ to |10⟩
    const w = new ReferenceState(2).run(lower({ numQubits: 2, numParams: 0, ops: [{ gate: 'x', qubits: [0] }, { gate: 'swap', qubits: [0, 1] }] }));
    expect(w.probabilities()[2]).toBeCloseTo(1, 12);
  });

  it('rzz equals cx · rz · cx and cu3 equals its qelib1 definition', () => {
    const rng = new Rng(3);
    const start = randomState(3, rng);
    const a = runOn({ numQubits: 3, numParams: 0, ops: [{ gate: 'rzz', qubits: [2, 0], params: [0.7] }] }, start);
    const b = runOn({ numQubits: 3, numParams: 0, ops: [{ gate: 'cx', qubits: [2, 0] }, { gate: 'rz', qubits: [0], params: [0.7] }, { gate: 'cx', qubits: [2, 0] }] }, start);
    expect(maxDiff(a, b)).toBeLessThan(1e-12);
    const [th, ph, la] = [0.3, -1.1, 2.4];
    const c = runOn({ numQubits: 3, numParams: 0, ops: [{ gate: 'cu3', qubits: [1, 2], params: [th, ph, la] }] }, start);
    // qelib1: u1((λ+φ)/2) c; u1((λ−φ)/2) t; cx c,t; u3(−θ/2,0,−(φ+λ)/2) t; cx c,t; u3(θ/2,φ,0) t;
    const d = runOn(
      {
        numQubits: 3, numParams: 0,
        ops: [
          { gate: 'u1', qubits: [1], params: [(la + ph) / 2] },
          { gate: 'u1', qubits: [2], params: [(la - ph) / 2] },
          { gate: 'cx', qubits: [1, 2] },
          { gate: 'u3', qubits: [2], params: [-th / 2, 0, -(ph + la) / 2] },
          { gate: 'cx', qubits: [1, 2] },
          { gate: 'u3', qubits: [2], params: [th / 2, ph, 0] },
        ],
      },
      start,
    );
    expect(maxDiff(c, d)).toBeLessThan(1e-12);
  });

  it('rejects bad operations with a message naming them', () => {
    const bad = (ops: unknown[], numParams = 0) => () => lower({ numQubits: 3, numParams, ops } as Circuit);
    expect(bad([{ gate: 'foo', qubits: [0] }])).toThrow(/operation 0: unknown gate 'foo'/);
    expect(bad([{ gate: 'h', qubits: [3] }])).toThrow(/qubit 3 out of range for a 3-qubit circuit/);
    expect(bad([{ gate: 'cx', qubits: [1, 1] }])).toThrow(/qubit 1 used twice/);
    expect(bad([{ gate: 'rx', qubits: [0], params: [NaN] }])).toThrow(/not a finite number/);
    expect(bad([{ gate: 'rx', qubits: [0], params: [{ slot: 2 }] }], 1)).toThrow(/slot 2/);
    expect(bad([{ gate: 'cx', qubits: [0] }])).toThrow(/expects 2 qubit/);
    expect(() => lower({ numQubits: 0, numParams: 0, ops: [] })).toThrow(CircuitError);
  });

  it('random unitaries are unitary', () => {
    const rng = new Rng(4);
    for (const k of [1, 2, 3, 4]) {
      const u = randomUnitary(k, rng);
      expect(maxDiff(matmul(adjoint(u), u), identity(1 << k))).toBeLessThan(1e-12);
    }
  });
});

describe('the benchmarks\' test state', () => {
  it('has no zero amplitude, so gate timings see a circuit\'s data, not |0…0⟩\'s', () => {
    for (const n of [1, 5, 12]) {
      const probs = new ReferenceState(n).run(lower(denseTestState(n))).probabilities();
      // Far from zero, and its amplitudes (~1e-7 here, ~1e-14 at 26 qubits) normal numbers even in f32.
      expect(Math.min(...probs)).toBeGreaterThan(1e-20);
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });
});
