// The N-API surface: argument checks, errors, the memory guard, async jobs,
// progress and cancellation. No input from JS may crash the process.
import { describe, expect, it } from 'vitest';
import { lower } from '../../src-shared/circuit/lower';
import { brickwork } from '../../src-shared/circuit/random-circuits';
import { Rng } from '../../src-shared/random';
import { loadAddon, type NativeGate } from '../../src-main/native/addon';

const addon = loadAddon();
const X: NativeGate = { qubits: [0], matrix: new Float64Array([0, 0, 1, 0, 1, 0, 0, 0]) };

describe('native addon', () => {
  it('reports the machine', () => {
    const info = addon.info();
    expect(info.cpu.logicalCores).toBeGreaterThan(0);
    expect(info.isaAvailable).toContain('scalar');
    expect(['avx512', 'avx2', 'scalar']).toContain(info.defaultIsa);
    expect(info.isaAvailable).toContain(info.defaultIsa);
    // avx512 needs AVX2 too (the avx512 tables keep AVX2 kernels where those measured faster).
    if (info.isaAvailable.includes('avx512')) expect(info.isaAvailable).toContain('avx2');
    expect(info.availableMemory).toBeGreaterThan(0);
    expect(info.build.length).toBeGreaterThan(0);
  });

  it('round-trips amplitudes and applies gates', () => {
    const s = new addon.State(2, 'f64');
    expect(Array.from(s.amplitudes())).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    s.apply(X);
    expect(s.probabilities()[1]).toBe(1);
    s.setAmplitudes(new Float64Array([0, 0, 0, 0, 0.6, 0, 0, 0.8]));
    expect(s.normSquared()).toBeCloseTo(1, 14);
    expect(Array.from(s.marginal([1]))).toEqual([0, expect.closeTo(1, 14)]);
    s.reset();
    expect(s.amplitudes()[0]).toBe(1);
  });

  it('names the bad argument in TypeErrors and RangeErrors', () => {
    const s = new addon.State(3, 'f64');
    expect(() => s.apply({ ...X, qubits: [3] })).toThrow(RangeError);
    expect(() => s.apply({ ...X, qubits: [3] })).toThrow(/qubit 3/);
    expect(() => s.apply({ qubits: [0, 0], matrix: new Float64Array(32) })).toThrow(RangeError);
    expect(() => s.apply({ qubits: [0], matrix: new Float64Array([1, 0, 1, 0, 0, 0, 1, 0]) })).toThrow(/unitary/);
    expect(() => s.apply({ qubits: [0], matrix: new Float64Array([NaN, 0, 0, 0, 0, 0, 1, 0]) })).toThrow(RangeError);
    expect(() => s.apply({ qubits: [0], matrix: new Float64Array(6) })).toThrow(/matrix/);
    expect(() => s.apply({ qubits: 'zero' } as unknown as NativeGate)).toThrow(TypeError);
    expect(() => s.apply(null as unknown as NativeGate)).toThrow(TypeError);
    expect(() => new addon.State(-1)).toThrow(RangeError);
    expect(() => new addon.State(3, 'f16' as 'f64')).toThrow(/precision/);
    expect(() => s.marginal([0, 0])).toThrow(/twice/);
    expect(() => s.expectation([{ coeff: 1, xMask: 8, zMask: 0 }])).toThrow(RangeError);
    expect(() => s.expectation([{ coeff: NaN, xMask: 1, zMask: 0 }])).toThrow(RangeError);
    expect(() => s.probabilities({ isa: 'sse9' as 'avx2' })).toThrow(/isa/);
    expect(() => s.setAmplitudes(new Float64Array(3))).toThrow(/amplitudes/);
    expect(() => s.run({} as never)).toThrow(TypeError);
    expect(() => new addon.Program({ numQubits: 2, numParams: 0, gates: [{ ...X, qubits: [5] }] })).toThrow(/gate 0/);
  });

  it('refuses a state that does not fit in memory, with the numbers', () => {
    let err: Error | undefined;
    try {
      new addon.State(40, 'f64');
    } catch (e) {
      err = e as Error;
    }
    expect(err).toBeDefined();
    expect(err!.message).toMatch(/40 qubits/);
    expect(err!.message).toMatch(/GiB/);
    expect((err as Error & { code: string }).code).toMatch(/QUENCH_(MEMORY|RANGE)/);
    expect(() => new addon.State(64)).toThrow();
  });

  it('runs programs asynchronously with progress, and cancels', async () => {
    const circuit = lower(brickwork(16, 60, new Rng(5)));
    const program = new addon.Program(circuit, 0);
    const s = new addon.State(16, 'f64');
    const seen: number[] = [];
    await s.runAsync(program, undefined, { onProgress: (f) => seen.push(f) });
    expect(s.normSquared()).toBeCloseTo(1, 10);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((f) => f >= 0 && f <= 1)).toBe(true);

    const token = new addon.CancelToken();
    const big = new addon.State(20, 'f64');
    const pending = big.runAsync(new addon.Program(lower(brickwork(20, 200, new Rng(6))), 0), undefined, { signal: token, threads: 1 });
    expect(() => big.reset()).toThrow(/in use/);
    token.cancel();
    await expect(pending).rejects.toThrow(/cancel/);
    big.reset(); // usable again once settled
  });

  it('caches compiled programs by structure', () => {
    const c = lower(brickwork(6, 4, new Rng(9)));
    const a = new addon.Program(c, 3).stats();
    const b = new addon.Program(c, 3).stats();
    expect(b.cacheHits).toBeGreaterThan(a.cacheHits);
    expect(b.passes).toBeLessThan(b.gates);
  });

  it('checks parameter counts', () => {
    const circuit = { numQubits: 1, numParams: 1, gates: [{ qubits: [0], slot: 0, generator: new Float64Array([0, 0, 1, 0, 1, 0, 0, 0]) }] };
    const p = new addon.Program(circuit);
    const s = new addon.State(1);
    expect(() => s.run(p, [])).toThrow(/params has 0/);
    expect(() => s.run(p, [Infinity])).toThrow(RangeError);
    s.run(p, [Math.PI / 2]); // exp(−i π/2 X) = −iX
    expect(s.probabilities()[1]).toBeCloseTo(1, 12);
  });

  it('measures in-place bandwidth', () => {
    const bw = addon.measureInplaceBandwidth(1 << 24, 1, 2);
    expect(bw).toBeGreaterThan(1e8);
    expect(() => addon.measureInplaceBandwidth(10)).toThrow(RangeError);
  });
});
