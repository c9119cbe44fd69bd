// The TypeScript fuser of the WebGPU backend: blocks within the width, in a
// valid order, and their f64 matrices reproduce the circuit exactly.
import { describe, expect, it } from 'vitest';
import { ReferenceState } from '../../src-shared/backend/reference';
import { isParameterised, type LoweredCircuit, type LoweredGate } from '../../src-shared/circuit/lowered';
import { randomLoweredCircuit } from '../../src-shared/circuit/random-circuits';
import { Rng } from '../../src-shared/random';
import { blockMatrix, fuseGates } from '../../src-shared/webgpu/fusion';

/** The circuit rebuilt from its blocks (each block one gate on its qubits). */
function fusedCircuit(c: LoweredCircuit, maxFused: number, params: number[], barrier?: (g: LoweredGate) => boolean): LoweredCircuit {
  const blocks = fuseGates(c.gates, maxFused, barrier);
  return {
    numQubits: c.numQubits,
    numParams: 0,
    gates: blocks.map((b) => ({ qubits: b.qubits, controls: [], diagonal: b.diagonal, matrix: blockMatrix(c.gates, b, params) })),
  };
}

describe('WebGPU fusion', () => {
  const rng = new Rng(99);
  it('blocks cover every gate once, stay within the width, and reproduce the state', () => {
    for (const n of [3, 6, 9]) {
      const c = randomLoweredCircuit(n, 60, rng, 3);
      const params = [0.4, -1.3, 2.2];
      const want = new ReferenceState(n).run(c, params).amplitudes;
      for (const k of [2, 3, 4, 5]) {
        const blocks = fuseGates(c.gates, k);
        const members = blocks.flatMap((b) => b.members).sort((a, b) => a - b);
        expect(members).toEqual(c.gates.map((_, i) => i));
        for (const b of blocks) if (b.members.length > 1) expect(b.qubits.length).toBeLessThanOrEqual(k);
        expect(blocks.length).toBeLessThan(c.gates.length);
        const got = new ReferenceState(n).run(fusedCircuit(c, k, params)).amplitudes;
        let err = 0;
        for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(want[i] - got[i]));
        expect(err, `n=${n} k=${k}`).toBeLessThan(1e-12);
      }
    }
  });

  it('keeps barrier gates (parameterised, for the adjoint pass) alone', () => {
    const c = randomLoweredCircuit(5, 50, rng, 2);
    const blocks = fuseGates(c.gates, 4, isParameterised);
    for (const b of blocks) if (b.members.some((m) => isParameterised(c.gates[m]))) expect(b.members).toHaveLength(1);
    expect(blocks.some((b) => b.members.length > 1)).toBe(true);
  });

  it('marks all-diagonal blocks diagonal and multiplies them as diagonals', () => {
    const d = (q: number[], phase: number): LoweredGate => ({
      qubits: q, controls: [], diagonal: true,
      matrix: Float64Array.from({ length: 2 << q.length }, (_, i) => (i % 2 ? Math.sin(phase * (i + 1)) : Math.cos(phase * (i + 1)))),
    });
    const gates = [d([0], 0.3), d([0, 1], 0.7), d([1], 1.1)];
    const blocks = fuseGates(gates, 2);
    expect(blocks).toHaveLength(1);
    expect(blocks[0].diagonal).toBe(true);
    expect(blockMatrix(gates, blocks[0], [])).toHaveLength(8);
  });
});
