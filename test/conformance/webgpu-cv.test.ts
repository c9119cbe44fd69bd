// The Fock-space (CV) simulator on WebGPU against the native core: gate
// matrices (TypeScript, f64) against cvGateMatrix, forward outputs against
// cvRunBatch and gradients against cvVjpBatch, on random circuits and the
// QGAN generator at small sizes; and bad inputs. Skips (saying why) where
// this machine has no WebGPU adapter. f32 tolerances: the GPU state is complex64.
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/random';
import { CV_KINDS, type CvCircuit, type CvGate, type CvGateKind } from '../../src-shared/webgpu/cv/circuit';
import { CvGateBuilder, bsBlockOffset, bsBlocks, cvGateMatrix, opEntries, opType } from '../../src-shared/webgpu/cv/gates';
import { GpuCvSimulator } from '../../src-shared/webgpu/cv/simulator';
import type { WebGpuBackend } from '../../src-shared/webgpu/webgpu-backend';
import { createNodeWebGpuBackend } from '../../src-main/backend/webgpu-node';
import { loadFockAddon } from '../../src-main/native/fock';
import { benchQgan, trainQgan } from '../../src-main/engine/workloads/qgan';

/** ⟨x⟩, ⟨n⟩, ‖ψ‖² within 1e-4 of the native f64 values. */
const TOL = 1e-4;
/** Gradients: max |Δ| over a row's gradients ≤ 1e-3 × (that row's largest |gradient|, at least 1). */
const GRAD_REL = 1e-3;
/** SwiftShader compiles and runs on the CPU, beside other test files. */
const SLOW = 240_000;

const addon = loadFockAddon();
const exec = { threads: 1 };

let backend: WebGpuBackend | null = null;
let unavailable: string | null = null;
try {
  backend = await createNodeWebGpuBackend();
} catch (e) {
  unavailable = (e as Error).message;
  console.warn(`WebGPU CV conformance skipped: ${unavailable}`);
}
const sim = backend ? new GpuCvSimulator(backend.ctx) : null;
afterAll(() => {
  sim?.destroy();
  backend?.dispose();
});

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** Worst over rows of max|Δ| / max(1, max|g|) in that row. */
function gradRelError(gpu: Float64Array, native: Float64Array, batch: number, P: number): number {
  let worst = 0;
  for (let r = 0; r < batch; r++) {
    let scale = 1, d = 0;
    for (let s = 0; s < P; s++) {
      scale = Math.max(scale, Math.abs(native[r * P + s]));
      d = Math.max(d, Math.abs(gpu[r * P + s] - native[r * P + s]));
    }
    worst = Math.max(worst, d / scale);
  }
  return worst;
}

/** Typical angle ranges per kind (states stay mostly inside the cutoff, as in real circuits). */
function angleRange(kind: CvGateKind, which: 'a' | 'b'): number {
  if (which === 'b') return Math.PI;
  return { Displacement: 0.6, Squeezing: 0.35, Rotation: Math.PI, Beamsplitter: Math.PI, Kerr: 0.4 }[kind];
}

/** A random circuit: every kind, slotted angles (random scale/offset) and constants, parameters in range. */
function randomCircuit(rng: Rng, modes: number, cutoff: number, gates: number): { circuit: CvCircuit; params: (batch: number) => Float64Array } {
  const numParams = 3 + rng.int(6);
  const kinds = CV_KINDS.filter((k) => modes > 1 || k !== 'Beamsplitter');
  const list: CvGate[] = [];
  const ranges: number[] = new Array(numParams).fill(0.3);
  const angle = (kind: CvGateKind, which: 'a' | 'b') => {
    const range = angleRange(kind, which);
    if (rng.next() < 0.3) return (rng.next() * 2 - 1) * range; // constant
    const slot = rng.int(numParams);
    ranges[slot] = Math.min(ranges[slot], range);
    return { slot, scale: rng.next() < 0.5 ? 1 : 0.5 + rng.next(), value: (rng.next() * 2 - 1) * 0.1 };
  };
  // Displace first, so the state is not just the vacuum.
  list.push({ kind: 'Displacement', mode0: 0, a: { slot: 0 }, b: angle('Displacement', 'b') });
  for (let g = 1; g < gates; g++) {
    const kind = kinds[rng.int(kinds.length)];
    const mode0 = rng.int(modes);
    const gate: CvGate = { kind, mode0, a: angle(kind, 'a') };
    if (kind === 'Beamsplitter') gate.mode1 = (mode0 + 1 + rng.int(modes - 1)) % modes;
    if (kind !== 'Rotation' && kind !== 'Kerr') gate.b = angle(kind, 'b');
    list.push(gate);
  }
  ranges[0] = 0.5;
  return {
    circuit: { modes, cutoff, numParams, gates: list },
    params: (batch) => Float64Array.from({ length: batch * numParams }, (_, i) => (rng.next() * 2 - 1) * ranges[i % numParams]),
  };
}

describe('CV gate matrices (TypeScript) against the native core', () => {
  it('every kind at cutoffs 2–12 matches cvGateMatrix within 1e-12', () => {
    const rng = new Rng(11);
    let worst = 0;
    for (const kind of CV_KINDS)
      for (const D of [2, 3, 4, 5, 8, 12])
        for (let t = 0; t < 3; t++) {
          const a = (rng.next() * 2 - 1) * (kind === 'Squeezing' ? 0.8 : 1.5), b = (rng.next() * 2 - 1) * Math.PI;
          const ours = cvGateMatrix(kind, a, b, D), native = addon.cvGateMatrix(kind, a, b, D);
          expect(ours.length, `${kind} D=${D}`).toBe(native.length);
          worst = Math.max(worst, maxAbs(ours, native));
        }
    console.info(`gate matrices: max |TS − native| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-12);
  });

  it("the beamsplitter's block offsets in closed form (as the WGSL computes them) match the block table", () => {
    for (let D = 2; D <= 30; D++) {
      const b = bsBlocks(D);
      b.off.forEach((off, N) => expect(bsBlockOffset(N, D), `D=${D} N=${N}`).toBe(off));
    }
  });

  it('∂U/∂a and ∂U/∂b match central differences of U', () => {
    const rng = new Rng(12);
    const h = 1e-6;
    let worst = 0;
    for (const kind of CV_KINDS)
      for (const D of [3, 6]) {
        const n = 2 * opEntries(opType(kind), D);
        const B = new CvGateBuilder(D);
        const a = rng.next() - 0.5, b = rng.next() * 2 - 1;
        const u = new Float64Array(n), da = new Float64Array(n), db = new Float64Array(n);
        B.build(kind, a, b, { out: u, at: 0 }, { out: da, at: 0 }, { out: db, at: 0 });
        const at = (x: number, y: number) => {
          const o = new Float64Array(n);
          B.build(kind, x, y, { out: o, at: 0 });
          return o;
        };
        const fa = at(a + h, b).map((v, i) => (v - at(a - h, b)[i]) / (2 * h));
        const fb = at(a, b + h).map((v, i) => (v - at(a, b - h)[i]) / (2 * h));
        worst = Math.max(worst, maxAbs(da, fa), maxAbs(db, fb));
      }
    expect(worst).toBeLessThan(1e-7);
  });
});

describe.skipIf(unavailable !== null)('WebGPU CV simulator against the native core', () => {
  it('random circuits (modes 1–3, cutoff 3–12, batch 1–16): outputs within 1e-4, gradients within 1e-3 relative', async () => {
    const rng = new Rng(2024);
    // [modes, cutoff, batch]; cutoffs above 8 take the kernels' looped (not unrolled) code.
    const shapes = [
      [1, 3, 1], [1, 8, 16], [2, 3, 5], [2, 5, 16], [2, 8, 3], [3, 3, 16], [3, 4, 7], [3, 6, 2], [1, 12, 4], [2, 10, 3],
    ];
    let worstOut = 0, worstGrad = 0;
    for (const [modes, cutoff, batch] of shapes) {
      const { circuit, params } = randomCircuit(rng, modes, cutoff, 6 + rng.int(10));
      const p = params(batch);
      const where = `modes ${modes}, cutoff ${cutoff}, batch ${batch}`;
      const nat = addon.cvRunBatch(circuit, p, batch, exec);
      const gpu = await sim!.run(circuit, p, batch);
      const outErr = Math.max(maxAbs(gpu.x, nat.x), maxAbs(gpu.n, nat.n), maxAbs(gpu.norm, nat.norm));
      expect(outErr, where).toBeLessThan(TOL);
      // VJP with all three upstreams.
      const dx = Float64Array.from({ length: batch * modes }, () => rng.next() * 2 - 1);
      const dn = Float64Array.from({ length: batch * modes }, () => rng.next() * 2 - 1);
      const dnorm = Float64Array.from({ length: batch }, () => rng.next() * 2 - 1);
      const nv = addon.cvVjpBatch(circuit, p, batch, dx, dn, dnorm, exec);
      const gv = await sim!.vjp(circuit, p, batch, dx, dn, dnorm);
      const gradErr = gradRelError(gv.gradients, nv.gradients, batch, circuit.numParams);
      expect(maxAbs(gv.x, nv.x), where).toBeLessThan(TOL);
      expect(gradErr, where).toBeLessThan(GRAD_REL);
      worstOut = Math.max(worstOut, outErr);
      worstGrad = Math.max(worstGrad, gradErr);
    }
    console.info(`random circuits: max output error ${worstOut.toExponential(2)}, max gradient error ${worstGrad.toExponential(2)} (relative)`);
  }, SLOW);

  it('dx only (dn, dnorm null) and normalize match the native options', async () => {
    const rng = new Rng(7);
    const { circuit, params } = randomCircuit(rng, 2, 5, 10);
    const batch = 6, p = params(batch);
    const dx = Float64Array.from({ length: batch * 2 }, () => rng.next() * 2 - 1);
    const dnorm = Float64Array.from({ length: batch }, () => rng.next());
    for (const normalize of [false, true]) {
      const nv = addon.cvVjpBatch(circuit, p, batch, dx, null, normalize ? dnorm : null, { ...exec, normalize });
      const gv = await sim!.vjp(circuit, p, batch, dx, null, normalize ? dnorm : null, { normalize });
      expect(maxAbs(gv.x, nv.x), `normalize ${normalize}`).toBeLessThan(TOL);
      expect(maxAbs(gv.n, nv.n)).toBeLessThan(TOL);
      expect(gradRelError(gv.gradients, nv.gradients, batch, circuit.numParams), `normalize ${normalize}`).toBeLessThan(GRAD_REL);
    }
  }, SLOW);

  it('the QGAN generator (2–3 modes, cutoff 4–6, 1–2 layers) matches cvRunBatch and cvVjpBatch', async () => {
    const rng = new Rng(5);
    let worstOut = 0, worstGrad = 0;
    for (const [modes, cutoff, layers, latent, batch] of [[2, 4, 1, 2, 16], [3, 5, 2, 3, 8], [2, 6, 2, 4, 4]]) {
      const circuit = addon.cvQganGenerator(modes, cutoff, layers, latent);
      const P = circuit.numParams;
      const p = Float64Array.from({ length: batch * P }, (_, i) => (i % P < latent ? 0.5 : 0.15) * (rng.next() * 2 - 1));
      const dx = Float64Array.from({ length: batch * modes }, () => rng.next() * 2 - 1);
      const nv = addon.cvVjpBatch(circuit, p, batch, dx, null, null, exec);
      const gv = await sim!.vjp(circuit, p, batch, dx);
      const gf = await sim!.run(circuit, p, batch);
      const where = `qgan ${modes} modes, cutoff ${cutoff}, ${layers} layers`;
      const outErr = Math.max(maxAbs(gf.x, nv.x), maxAbs(gf.n, nv.n), maxAbs(gf.norm, nv.norm), maxAbs(gv.x, nv.x));
      const gradErr = gradRelError(gv.gradients, nv.gradients, batch, P);
      expect(outErr, where).toBeLessThan(TOL);
      expect(gradErr, where).toBeLessThan(GRAD_REL);
      worstOut = Math.max(worstOut, outErr);
      worstGrad = Math.max(worstGrad, gradErr);
    }
    console.info(`QGAN generator: max output error ${worstOut.toExponential(2)}, max gradient error ${worstGrad.toExponential(2)} (relative)`);
  }, SLOW);

  it('a batch split over several passes gives the same answers', async () => {
    const circuit = addon.cvQganGenerator(2, 4, 1, 2);
    const batch = 9, P = circuit.numParams;
    const rng = new Rng(3);
    const p = Float64Array.from({ length: batch * P }, () => 0.2 * (rng.next() * 2 - 1));
    const dx = Float64Array.from({ length: batch * 2 }, () => rng.next() * 2 - 1);
    // Room for two samples' VJP per pass: states (gates + 3 of 4² amplitudes) and at most
    // three matrices of ≤ 44 entries (the cutoff-4 beamsplitter) per gate.
    const perRow = (circuit.gates.length + 3) * 16 * 8 + circuit.gates.length * 3 * 44 * 8;
    const small = new GpuCvSimulator(backend!.ctx, { maxPassBytes: 2 * perRow });
    try {
      const split = await small.vjp(circuit, p, batch, dx);
      expect(small.lastTimings!.passes).toBeGreaterThanOrEqual(2);
      const nv = addon.cvVjpBatch(circuit, p, batch, dx, null, null, exec);
      expect(maxAbs(split.x, nv.x)).toBeLessThan(TOL);
      expect(gradRelError(split.gradients, nv.gradients, batch, P)).toBeLessThan(GRAD_REL);
    } finally {
      small.destroy();
    }
  }, SLOW);

  it('bad inputs fail with a message naming what is wrong', async () => {
    const circuit = addon.cvQganGenerator(2, 4, 1, 2);
    const P = circuit.numParams;
    await expect(sim!.run(circuit, new Float64Array(P * 2 - 1), 2)).rejects.toThrow(`params has ${2 * P - 1} value(s), expected batch × numParams = 2 × ${P}`);
    await expect(sim!.run(circuit, new Float64Array(P).fill(Number.NaN), 1)).rejects.toThrow('params[0][0] is not finite');
    await expect(sim!.vjp(circuit, new Float64Array(P), 1, new Float64Array(3))).rejects.toThrow('dx must hold batch × modes = 2 values (got 3)');
    await expect(sim!.run(circuit, new Float64Array(0), 0)).rejects.toThrow('batch must be a positive integer');
    const badMode: CvCircuit = { modes: 2, cutoff: 4, numParams: 1, gates: [{ kind: 'Beamsplitter', mode0: 1, mode1: 1, a: { slot: 0 } }] };
    await expect(sim!.run(badMode, [0.1], 1)).rejects.toThrow('gate 0 (Beamsplitter): mode1 = 1 equals mode0');
    const badSlot: CvCircuit = { modes: 1, cutoff: 4, numParams: 1, gates: [{ kind: 'Kerr', mode0: 0, a: { slot: 3 } }] };
    await expect(sim!.run(badSlot, [0.1], 1)).rejects.toThrow('gate 0 (Kerr): a.slot 3 out of range for 1 params');
    await expect(sim!.run({ modes: 1, cutoff: 31, numParams: 0, gates: [] }, [], 1)).rejects.toThrow('cutoff = 31 out of range 2..30');
    // A cutoff the core allows but whose state cannot be one storage binding on this adapter.
    const huge: CvCircuit = { modes: 8, cutoff: 30, numParams: 0, gates: [{ kind: 'Rotation', mode0: 0, a: 0.1 }] };
    await expect(sim!.run(huge, [], 1)).rejects.toThrow(/cutoff 30, 8 modes: 30\^8 = \d+ amplitudes.*exceeds this adapter's largest storage binding \(maxStorageBufferBindingSize/);
    // The device still works after the rejections.
    const ok = await sim!.run(circuit, new Float64Array(P), 1);
    expect(ok.norm[0]).toBeCloseTo(1, 5);
  }, SLOW);
});

// Last: the runners open (and release) their own Dawn device.
describe.skipIf(unavailable !== null)('the QGAN workloads on WebGPU', () => {
  const small = { modes: 2, latent: 2, cutoff: 4, layers: 1 };

  it('benchQgan: f32 on the GPU, labelled so, with the quality of the native run', async () => {
    const spec = { ...small, batches: [1, 8, 32], repeats: 2 };
    const native = await benchQgan(spec, { threads: 1 });
    const gpu = await benchQgan(spec, { threads: 1, backend: 'webgpu' });
    expect(gpu.env).toMatchObject({ isa: 'webgpu', precision: 'f32', backend: 'webgpu' });
    expect(gpu.env.adapter).toBeTruthy();
    expect(native.env.backend).toMatch(/^native-/);
    expect((gpu.details.table as unknown[]).length).toBe(3);
    expect(gpu.quality.truncation_loss).toBeCloseTo(native.quality.truncation_loss, 5);
    expect(gpu.quality.linear_interpolation_r2).toBeCloseTo(native.quality.linear_interpolation_r2, 4);
    expect(gpu.quality.gradient_flow).toBeCloseTo(native.quality.gradient_flow, 2);
    // The GPU's VJP against finite differences of the native f64 forward.
    expect(gpu.quality.gradient_max_rel_error).toBeLessThan(1e-3);
    console.info(`qgan bench (2 modes, cutoff 4, 1 layer) µs/sample at batch 1, 8, 32: native ${(native.details.table as { us_per_sample: number }[]).map((r) => r.us_per_sample.toFixed(1)).join(', ')}; webgpu ${(gpu.details.table as { us_per_sample: number }[]).map((r) => r.us_per_sample.toFixed(1)).join(', ')}; GPU gradient error ${gpu.quality.gradient_max_rel_error.toExponential(2)}`);
  }, SLOW);

  it('trainQgan: the same training curve as the native run (f32 gradients)', async () => {
    const spec = { ...small, epochs: 1, stepsPerEpoch: 4, batch: 4 };
    const native = await trainQgan(spec, { threads: 1 });
    const gpu = await trainQgan(spec, { threads: 1, backend: 'webgpu' });
    expect(gpu.env).toMatchObject({ isa: 'webgpu', precision: 'f32', backend: 'webgpu' });
    expect(gpu.curves.g_loss).toHaveLength(4);
    const worst = Math.max(maxAbs(gpu.curves.g_loss, native.curves.g_loss), maxAbs(gpu.curves.d_loss, native.curves.d_loss));
    console.info(`qgan-train: max |loss(webgpu) − loss(native)| over 4 steps ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
    expect(gpu.metrics.ms_quantum).toBeGreaterThan(0);
  }, SLOW);
});
