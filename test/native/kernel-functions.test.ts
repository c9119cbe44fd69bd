// The addon's quantum-kernel and spectrum entry points: statesBatch,
// fidelityKernel (QSVM Gram matrices) and groundEnergy (Lanczos), sync and
// async, against references computed here, and their argument checks.
import { describe, expect, it } from 'vitest';
import type { Circuit, Operation } from '../../src-shared/circuit/circuit';
import { lower } from '../../src-shared/circuit/lower';
import { Rng } from '../../src-shared/random';
import { loadAddon, type NativeObservable } from '../../src-main/native/addon';

const addon = loadAddon();

// ZZ feature map (full entanglement, 2 repetitions); slots x_i then (π − x_i)(π − x_j).
function featureMap(F: number): Circuit {
  const ops: Operation[] = [];
  let k = 0;
  for (let r = 0; r < 2; r++) {
    for (let q = 0; q < F; q++) ops.push({ gate: 'h', qubits: [q] });
    for (let q = 0; q < F; q++) ops.push({ gate: 'p', qubits: [q], params: [{ slot: q, scale: 2 }] });
    k = 0;
    for (let i = 0; i < F; i++)
      for (let j = i + 1; j < F; j++, k++) {
        ops.push({ gate: 'cx', qubits: [i, j] });
        ops.push({ gate: 'p', qubits: [j], params: [{ slot: F + k, scale: 2 }] });
        ops.push({ gate: 'cx', qubits: [i, j] });
      }
  }
  return { numQubits: F, numParams: F + k, ops };
}
function featureParams(F: number, rows: number, rng: Rng): Float64Array {
  const P = F + (F * (F - 1)) / 2;
  const out = new Float64Array(rows * P);
  for (let b = 0; b < rows; b++) {
    const x = Array.from({ length: F }, () => 2 * Math.PI * rng.next());
    out.set(x, b * P);
    let k = F;
    for (let i = 0; i < F; i++) for (let j = i + 1; j < F; j++) out[b * P + k++] = (Math.PI - x[i]) * (Math.PI - x[j]);
  }
  return out;
}
// |<a|b>|^2 from interleaved state rows.
function overlap2(A: Float64Array, i: number, B: Float64Array, j: number, dim: number): number {
  let re = 0;
  let im = 0;
  for (let t = 0; t < dim; t++) {
    const ar = A[2 * (i * dim + t)], ai = A[2 * (i * dim + t) + 1];
    const br = B[2 * (j * dim + t)], bi = B[2 * (j * dim + t) + 1];
    re += ar * br + ai * bi;
    im += ar * bi - ai * br;
  }
  return re * re + im * im;
}

describe('statesBatch and fidelityKernel', () => {
  const F = 5;
  const dim = 1 << F;
  const program = new addon.Program(lower(featureMap(F)), 3);
  const rng = new Rng(11);
  const na = 57;
  const nb = 9;
  const pa = featureParams(F, na, rng);
  const pb = featureParams(F, nb, rng);

  it('statesBatch equals State.run per point', () => {
    const states = addon.statesBatch(program, pa, na);
    expect(states.length).toBe(na * 2 * dim);
    const s = new addon.State(F, 'f64');
    for (const i of [0, 13, na - 1]) {
      s.reset();
      s.run(program, pa.subarray(i * program.numParams, (i + 1) * program.numParams));
      expect(Array.from(states.subarray(i * 2 * dim, (i + 1) * 2 * dim))).toEqual(Array.from(s.amplitudes()));
    }
  });

  it('computes the symmetric Gram matrix and the cross kernel', async () => {
    const A = addon.statesBatch(program, pa, na);
    const B = addon.statesBatch(program, pb, nb);
    const G = addon.fidelityKernel(program, pa, na, null);
    expect(G.length).toBe(na * na);
    const K = addon.fidelityKernel(program, pa, na, pb, nb);
    expect(K.length).toBe(na * nb);
    let dg = 0;
    let dk = 0;
    for (let i = 0; i < na; i++) {
      expect(G[i * na + i]).toBeCloseTo(1, 12);
      for (let j = 0; j < na; j++) {
        dg = Math.max(dg, Math.abs(G[i * na + j] - overlap2(A, i, A, j, dim)));
        expect(G[i * na + j]).toBe(G[j * na + i]);
      }
      for (let j = 0; j < nb; j++) dk = Math.max(dk, Math.abs(K[i * nb + j] - overlap2(A, i, B, j, dim)));
    }
    expect(dg).toBeLessThan(1e-12);
    expect(dk).toBeLessThan(1e-12);
    // Async, f32, scalar and one thread agree.
    const seen: number[] = [];
    const Ka = await addon.fidelityKernelAsync(program, pa, na, pb, nb, { onProgress: (f) => seen.push(f) });
    expect(Array.from(Ka)).toEqual(Array.from(K));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((f) => f >= 0 && f <= 1)).toBe(true);
    const K32 = addon.fidelityKernel(program, pa, na, pb, nb, { precision: 'f32', threads: 1 });
    const Ks = addon.fidelityKernel(program, pa, na, pb, nb, { isa: 'scalar' });
    for (let i = 0; i < K.length; i++) {
      expect(K32[i]).toBeCloseTo(K[i], 5);
      expect(Ks[i]).toBeCloseTo(K[i], 12);
    }
    // Every ISA this CPU has, both precisions, 1 and 2 threads: the same kernel (exactly symmetric).
    for (const isa of addon.info().isaAvailable)
      for (const threads of [1, 2]) {
        const Ki = addon.fidelityKernel(program, pa, na, pb, nb, { isa, threads });
        const Gi = addon.fidelityKernel(program, pa, na, null, na, { isa, threads });
        const Gf = addon.fidelityKernel(program, pa, na, null, na, { isa, threads, precision: 'f32' });
        for (let i = 0; i < K.length; i++) expect(Math.abs(Ki[i] - K[i])).toBeLessThan(1e-12);
        for (let i = 0; i < na; i++)
          for (let j = 0; j < na; j++) {
            expect(Math.abs(Gi[i * na + j] - G[i * na + j])).toBeLessThan(1e-12);
            expect(Gi[i * na + j]).toBe(Gi[j * na + i]);
            expect(Gf[i * na + j]).toBe(Gf[j * na + i]);
            expect(Math.abs(Gf[i * na + j] - G[i * na + j])).toBeLessThan(1e-5);
          }
      }
    const Sa = await addon.statesBatchAsync(program, pb, nb);
    expect(Array.from(Sa)).toEqual(Array.from(B));
  });

  it('names bad arguments', async () => {
    expect(() => addon.fidelityKernel(program, pa, na + 1, null)).toThrow(/paramsA has/);
    expect(() => addon.fidelityKernel(program, pa, 0, null)).toThrow(RangeError);
    expect(() => addon.fidelityKernel(program, pa, na, pb, nb + 1)).toThrow(/paramsB has/);
    expect(() => addon.fidelityKernel(program, pa, na, pb)).toThrow(/nb/);
    expect(() => addon.fidelityKernel(program, pa, na, null, 3)).toThrow(/nb must equal na/);
    expect(() => addon.fidelityKernel(program, pa, na, 'x' as unknown as Float64Array, nb)).toThrow(TypeError);
    const bad = pa.slice();
    bad[3] = NaN;
    expect(() => addon.fidelityKernel(program, bad, na, null)).toThrow(/paramsA\[3\]/);
    expect(() => addon.fidelityKernel(program, pa, na, null, undefined, { precision: 'f16' as 'f64' })).toThrow(/precision/);
    expect(() => addon.fidelityKernel({} as never, pa, na, null)).toThrow(TypeError);
    expect(() => addon.statesBatch(program, pa, na + 1)).toThrow(/params has/);
    // A kernel too large for memory is refused with the numbers, before any work.
    const big = new addon.Program(lower({ numQubits: 26, numParams: 0, ops: [] }), 0);
    expect(() => addon.fidelityKernel(big, new Float64Array(0), 100000, null)).toThrow(/GiB/);
    // Cancellation of the async job.
    const token = new addon.CancelToken();
    const many = featureParams(F, 3000, new Rng(3));
    const pending = addon.fidelityKernelAsync(program, many, 3000, null, undefined, { signal: token, threads: 1 });
    token.cancel();
    await expect(pending).rejects.toThrow(/cancel/);
  });
});

describe('groundEnergy', () => {
  const XX = 3;
  const heisenberg: NativeObservable = [
    { coeff: 1, xMask: XX, zMask: 0 },
    { coeff: 1, xMask: XX, zMask: XX },
    { coeff: 1, xMask: 0, zMask: XX },
  ];
  function tfim(n: number, h: number): NativeObservable {
    const terms: NativeObservable = [];
    for (let q = 0; q + 1 < n; q++) terms.push({ coeff: -1, xMask: 0, zMask: 3 * 2 ** q });
    for (let q = 0; q < n; q++) terms.push({ coeff: -h, xMask: 2 ** q, zMask: 0 });
    return terms;
  }

  it('finds the singlet energy −3 and the TFIM ground energy', async () => {
    const r = addon.groundEnergy(heisenberg, 2);
    expect(r.energy).toBeCloseTo(-3, 10);
    expect(r.converged).toBe(true);
    // 2-site TFIM, H = −ZZ − h(X0 + X1): E0 = −sqrt(1 + 4h²).
    const h = 0.7;
    expect(addon.groundEnergy(tfim(2, h), 2).energy).toBeCloseTo(-Math.sqrt(1 + 4 * h * h), 10);
    // 12 qubits, async with progress, same as sync.
    const seen: number[] = [];
    const a = await addon.groundEnergyAsync(tfim(12, 1), 12, { onProgress: (f) => seen.push(f), tolerance: 1e-11 });
    const s = addon.groundEnergy(tfim(12, 1), 12, { tolerance: 1e-11 });
    expect(a.energy).toBeCloseTo(s.energy, 9);
    expect(a.residual).toBeLessThan(1e-11 * 23);
    expect(seen.length).toBeGreaterThan(0);
  });

  it('names bad arguments', () => {
    expect(() => addon.groundEnergy(heisenberg, 27)).toThrow(/numQubits/);
    expect(() => addon.groundEnergy(heisenberg, 0)).toThrow(RangeError);
    expect(() => addon.groundEnergy(heisenberg, 1)).toThrow(/observable/);
    expect(() => addon.groundEnergy(heisenberg, 2, { tolerance: -1 })).toThrow(/tolerance/);
    expect(() => addon.groundEnergy(heisenberg, 2, { maxIterations: 0 })).toThrow(/maxIterations/);
    expect(() => addon.groundEnergy(heisenberg, 2, { seed: 1.5 })).toThrow(/seed/);
    expect(() => addon.groundEnergy('H' as unknown as NativeObservable, 2)).toThrow(TypeError);
    const capped = addon.groundEnergy(tfim(10, 1), 10, { maxIterations: 3 });
    expect(capped.converged).toBe(false);
    expect(capped.iterations).toBe(3);
  });
});
