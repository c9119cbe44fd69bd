// The WebGPU backend's machinery on Dawn: states split across buffers
// (gates whose targets are chunk-index bits), the refusal that names the
// limits, one dispatch per gate for a whole batch, GPU errors as rejected
// promises, a lost device, and the adapter description.
import { afterAll, describe, expect, it } from 'vitest';
import { ReferenceState } from '../../src-shared/backend/reference';
import type { LoweredCircuit, LoweredGate } from '../../src-shared/circuit/lowered';
import { randomLoweredCircuit, randomUnitary } from '../../src-shared/circuit/random-circuits';
import type { PauliSum } from '../../src-shared/observable/pauli';
import { Rng } from '../../src-shared/random';
import { GpuContext, WebGpuRunError, WebGpuUnavailableError } from '../../src-shared/webgpu/context';
import { planState } from '../../src-shared/webgpu/state';
import { dispatchShapeFor } from '../../src-shared/webgpu/simulator';
import { IN_PLACE_OP, identityOn } from '../../src-shared/webgpu/bench-kernels';
import { WebGpuBackend } from '../../src-shared/webgpu/webgpu-backend';
import { createNodeWebGpuBackend, nodeGpu } from '../../src-main/backend/webgpu-node';

let backend: WebGpuBackend | null = null;
let split: WebGpuBackend | null = null;
let unavailable: string | null = null;
try {
  backend = await createNodeWebGpuBackend();
  // 1 KiB per binding: a 10-qubit state spans 8 buffers (qubits 7–9 index the buffer).
  split = await createNodeWebGpuBackend({ maxChunkBytes: 1024 });
} catch (e) {
  unavailable = (e as Error).message;
  console.warn(`WebGPU backend tests skipped: ${unavailable}`);
}
afterAll(() => {
  backend?.dispose();
  split?.dispose();
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
const limits = { maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28, maxStorageBuffersPerShaderStage: 8, minStorageBufferOffsetAlignment: 256, maxComputeWorkgroupsPerDimension: 65535, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256, maxComputeWorkgroupStorageSize: 16384 };

describe('WebGPU state planning', () => {
  it('splits a state over the binding limit into power-of-two chunks', () => {
    expect(planState(24, 1, limits)).toMatchObject({ chunks: 1 });
    expect(planState(25, 1, limits)).toMatchObject({ chunks: 2, chunkBits: 24 });
    expect(planState(26, 1, limits)).toMatchObject({ chunks: 4, chunkBits: 24 });
  });
  it('refuses what does not fit with the qubit count and the limits', () => {
    expect(() => planState(27, 1, limits)).toThrow(/a state of 27 qubits \(1 GiB of complex64\) would need 8 buffers of 128 MiB, but this adapter allows 4 \(maxStorageBufferBindingSize 134217728, maxBufferSize 268435456, maxStorageBuffersPerShaderStage 8\): at most 26 qubits here/);
    expect(() => planState(31, 2, limits)).toThrow(/2 batch rows of 31 qubits needs 32 index bits/);
  });
});

describe('WebGPU dispatch shape', () => {
  it('covers every workgroup with rows as even as the limit allows', () => {
    expect(dispatchShapeFor(1000, 65535)).toEqual([1000, 1]);
    expect(dispatchShapeFor(65535, 65535)).toEqual([65535, 1]);
    // 2^24 amplitudes at 256 per workgroup: two rows of 32 768, not 65 535 × 2.
    expect(dispatchShapeFor(65536, 65535)).toEqual([32768, 2]);
    for (const w of [65536, 65537, 262144, 2 ** 22 + 3, 123457 * 7]) {
      const [x, y] = dispatchShapeFor(w, 65535);
      expect(x * y).toBeGreaterThanOrEqual(w);
      expect(x).toBeLessThanOrEqual(65535);
      expect(x * y - w).toBeLessThan(y); // less than one workgroup per row spare
    }
    expect(() => dispatchShapeFor(65536 * 65536, 65535)).toThrow(/exceed the dispatch limit \(maxComputeWorkgroupsPerDimension 65535 squared\)/);
  });
});

describe.skipIf(unavailable !== null)('WebGPU backend on Dawn', () => {
  it('names its adapter and how it times', () => {
    expect(backend!.adapter.length).toBeGreaterThan(0);
    expect(['gpu-timestamps', 'wall-clock']).toContain(backend!.timing);
  });

  it('applies gates across split buffers: targets and controls on buffer-index bits', async () => {
    const rng = new Rng(5);
    const n = 10;
    const gates: LoweredGate[] = [];
    for (const qs of [[9], [8, 9], [0, 9], [7, 8, 9], [2, 5, 8], [1, 3, 7, 9]]) gates.push({ qubits: qs, controls: [], diagonal: false, matrix: randomUnitary(qs.length, rng) });
    gates.push({ qubits: [1], controls: [8, 9], diagonal: false, matrix: randomUnitary(1, rng) });
    gates.push({ qubits: [0, 9], controls: [], diagonal: true, matrix: Float64Array.from({ length: 8 }, (_, i) => (i % 2 ? 0.6 : 0.8)) });
    const circuit: LoweredCircuit = { numQubits: n, numParams: 0, gates: [...gates, ...randomLoweredCircuit(n, 40, rng).gates] };
    const ref = new ReferenceState(n).run(circuit);
    const obs: PauliSum = { terms: [{ coeff: 0.7, paulis: [{ qubit: 0, op: 'X' }, { qubit: 9, op: 'Y' }] }, { coeff: -0.2, paulis: [{ qubit: 8, op: 'Z' }] }] };
    for (const fusion of [0, 4]) {
      const r = await split!.simulate({ circuit, probabilities: true, observables: [obs] }, { fusion });
      expect(maxAbsDiff(r.probabilities!, ref.probabilities())).toBeLessThan(1e-5);
      expect(Math.abs(r.expectations[0] - ref.expectation(obs))).toBeLessThan(1e-5);
    }
  }, 120_000);

  it("runs the gates benchmark's in-place reference: a zero-qubit diagonal over every amplitude, across split buffers", async () => {
    // m[0] = 1 (IN_PLACE_OP) and the identity on the top qubits leave the state as it is; m[0] = 0.5 quarters every probability, so every amplitude was read and written
    for (const b of [backend!, split!]) {
      const sim = b.sim;
      const n = 10;
      const state = sim.allocState(n, 1);
      try {
        const rng = new Rng(8);
        const probs = (prep: (run: ReturnType<typeof sim.begin>) => void) =>
          sim.ctx.run('test', async () => {
            const run = sim.begin(state);
            prep(run);
            run.readout();
            run.queueProbabilities();
            await run.submit();
            return Float64Array.from(run.probabilities());
          });
        const p0 = await probs((run) => {
          run.init();
          for (let q = 0; q < n; q++) run.gate({ targets: [q], controls: [], diagonal: false, matrix: randomUnitary(1, rng) });
        });
        expect(p0.filter((p) => p > 1e-9).length).toBe(2 ** n); // every amplitude non-zero
        const same = await probs((run) => run.gate(IN_PLACE_OP));
        expect(maxAbsDiff(same, p0)).toBeLessThan(1e-7);
        // the other reference kernels (the top qubits: buffer-index bits when split) too
        expect(maxAbsDiff(await probs((run) => run.gate(identityOn([n - 1]))), p0)).toBeLessThan(1e-7);
        expect(maxAbsDiff(await probs((run) => run.gate(identityOn([n - 2, n - 1]))), p0)).toBeLessThan(1e-7);
        const quartered = await probs((run) => run.gate({ targets: [], controls: [], diagonal: true, matrix: Float64Array.of(0.5, 0) }));
        expect(maxAbsDiff(quartered, p0.map((p) => p / 4))).toBeLessThan(1e-7);
      } finally {
        sim.releaseState(state);
      }
    }
  }, 120_000);

  it('splits batches and gradients too (8-qubit rows over 1 KiB buffers)', async () => {
    const rng = new Rng(6);
    const circuit = randomLoweredCircuit(8, 40, rng, 3);
    const obs: PauliSum = { terms: [{ coeff: 1, paulis: [{ qubit: 7, op: 'X' }] }, { coeff: 0.5, paulis: [{ qubit: 2, op: 'Z' }, { qubit: 6, op: 'Y' }] }] };
    const params = Float64Array.from({ length: 12 }, (_, i) => Math.cos(i) * 2);
    const a = await split!.runBatch(circuit, params, 4, [obs]);
    const b = await backend!.runBatch(circuit, params, 4, [obs]);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
    const ga = await split!.gradient(circuit, params.subarray(0, 3), obs);
    const gb = await backend!.gradient(circuit, params.subarray(0, 3), obs);
    expect(maxAbsDiff(ga.gradient, gb.gradient)).toBeLessThan(1e-5);
  }, 120_000);

  it('splits kernel blocks and gradient batches at the batch capacity (64 amplitudes: 4 three-qubit rows a block)', async () => {
    const small = await createNodeWebGpuBackend({ maxBatchAmplitudes: 64 });
    try {
      const circuit = randomLoweredCircuit(3, 30, new Rng(11), 3);
      const P = circuit.numParams;
      const rows = (count: number, seed: number) => Float64Array.from({ length: count * P }, (_, i) => Math.sin(seed * i + 1));
      const a = rows(10, 0.7), b = rows(5, 1.9);
      expect(maxAbsDiff(await small.fidelityKernel(circuit, a, 10, null, 10), await backend!.fidelityKernel(circuit, a, 10, null, 10))).toBeLessThan(1e-6);
      expect(maxAbsDiff(await small.fidelityKernel(circuit, a, 10, b, 5), await backend!.fidelityKernel(circuit, a, 10, b, 5))).toBeLessThan(1e-6);
      const obs: PauliSum = { terms: [{ coeff: 0.5, paulis: [{ qubit: 1, op: 'X' }, { qubit: 2, op: 'Z' }] }] };
      const g1 = await small.gradientBatch(circuit, a, 10, obs), g2 = await backend!.gradientBatch(circuit, a, 10, obs);
      expect(maxAbsDiff(g1.gradients, g2.gradients)).toBeLessThan(1e-6);
      expect(maxAbsDiff(g1.values, g2.values)).toBeLessThan(1e-6);
    } finally {
      small.dispose();
    }
  }, 120_000);

  it('names bad kernel and batch inputs', async () => {
    const circuit = randomLoweredCircuit(3, 10, new Rng(4), 2);
    await expect(backend!.fidelityKernel(circuit, new Float64Array(3), 2, null, 2)).rejects.toThrow(/2 rows of 2 parameters need 4 values, got 3/);
    await expect(backend!.fidelityKernel(circuit, new Float64Array(4), 2, null, 3)).rejects.toThrow(/symmetric kernel needs nB = nA \(2\), got 3/);
    await expect(backend!.gradientBatch(circuit, Float64Array.of(0, 0, 1, NaN), 2, { terms: [] })).rejects.toThrow(/parameter row 1, slot 1 is NaN/);
    await expect(backend!.gradient(circuit, [1], { terms: [] })).rejects.toThrow(/the circuit has 2 parameters, got 1 values/);
  });

  it('refuses a state that cannot fit, naming the qubits and the limits', async () => {
    const circuit = randomLoweredCircuit(11, 5, new Rng(1));
    await expect(split!.simulate({ circuit })).rejects.toThrow(/WebGPU: a state of 11 qubits .* would need 16 buffers of 1024 bytes, but this adapter allows 8 .*maxStorageBuffersPerShaderStage \d+\): at most 10 qubits here/);
    await expect(backend!.simulate({ circuit: { numQubits: 31, numParams: 0, gates: [] } })).rejects.toThrow(/a state of 31 qubits needs 31 index bits|31 qubits/);
  });

  it('runs a batch as one dispatch per gate, whatever the batch size', async () => {
    const circuit = randomLoweredCircuit(4, 20, new Rng(3), 2);
    const obs: PauliSum = { terms: [{ coeff: 1, paulis: [{ qubit: 0, op: 'Z' }] }] };
    const counts: number[] = [];
    for (const batch of [1, 7, 300]) {
      const params = Float64Array.from({ length: 2 * batch }, (_, i) => Math.sin(i));
      const out = await backend!.runBatch(circuit, params, batch, [obs], { fusion: 2 });
      counts.push(backend!.lastRun!.dispatches);
      for (const row of [0, batch - 1]) {
        const s = new ReferenceState(4).run(circuit, params.subarray(2 * row, 2 * row + 2));
        expect(Math.abs(out[row] - s.expectation(obs))).toBeLessThan(1e-5);
      }
    }
    expect(new Set(counts).size).toBe(1);
  });

  it('turns a GPU validation error into a rejected run with the message', async () => {
    const ctx = backend!.ctx;
    await expect(
      ctx.run('bad run', async () => {
        ctx.device.createBuffer({ size: 16, usage: 0x1 | 0x80 }); // MAP_READ with STORAGE is invalid
      }),
    ).rejects.toThrow(WebGpuRunError);
    // The context stays usable afterwards.
    const r = await backend!.simulate({ circuit: randomLoweredCircuit(3, 5, new Rng(2)), probabilities: true });
    expect(r.probabilities!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('fails runs on a lost device with the reason', async () => {
    const ctx = await GpuContext.create(await nodeGpu());
    const lost = new WebGpuBackend(ctx, {}, true);
    ctx.device.destroy();
    await ctx.device.lost;
    // destroy() by someone else than the context counts as lost
    await expect(lost.simulate({ circuit: randomLoweredCircuit(3, 5, new Rng(2)) })).rejects.toThrow(/device lost/);
    lost.dispose();
  });

  it('says clearly when there is no GPU object', async () => {
    await expect(WebGpuBackend.create(undefined)).rejects.toThrow(WebGpuUnavailableError);
  });
});
