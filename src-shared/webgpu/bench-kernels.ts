// Timing helpers for `quench bench gates --backend webgpu` (and, later, the
// workbench's Hardware view): one gate kind applied many times per
// submission, and the device's copy bandwidth (copyBufferToBuffer of the
// state size) measured the same way, so their ratio is the figure of merit.
import type { GateOp, GpuSimulator, GpuState } from './simulator';
import { BYTES_PER_AMPLITUDE } from './state';

export interface KernelSample {
  /** Milliseconds per operation, one per submission. */
  msPerOp: number[];
  timing: 'gpu-timestamps' | 'wall-clock';
}

/** A submission should take at least this long, so timer resolution and launch cost do not dominate. */
const MIN_SAMPLE_MS = 1;
const MAX_INNER = 4096;

/**
 * Warm-up, then grow `inner` (×4) until one submission of `inner` operations
 * takes MIN_SAMPLE_MS, then `repeats` timed submissions. The same policy for
 * kernels and copies, so their ratio compares like with like.
 */
async function sample(once: (inner: number) => Promise<number>, inner: number, repeats: number): Promise<number[]> {
  let n = Math.max(1, inner);
  for (let t = await once(n); t < MIN_SAMPLE_MS && n < MAX_INNER; t = await once(n)) n = Math.min(MAX_INNER, n * 4);
  const msPerOp: number[] = [];
  for (let r = 0; r < repeats; r++) msPerOp.push((await once(n)) / n);
  if (msPerOp.some((t) => !(t > 0))) throw new Error(`the timer reported no elapsed time for ${n} operations (resolution too coarse)`);
  return msPerOp;
}

/** `repeats` submissions of `inner` (or more, see sample) applications of `op` to `state`. */
export async function timeGate(sim: GpuSimulator, state: GpuState, op: GateOp, inner: number, repeats: number): Promise<KernelSample> {
  const initRun = sim.begin(state);
  initRun.init();
  await sim.ctx.run('WebGPU bench init', () => initRun.submit());
  let timing: KernelSample['timing'] = sim.ctx.timing;
  const once = (count: number) =>
    sim.ctx.run('WebGPU bench gate', async () => {
      const run = sim.begin(state);
      for (let i = 0; i < count; i++) run.gate(op);
      const t = await run.submit();
      timing = t.timing;
      return t.simulateMs;
    });
  const msPerOp = await sample(once, inner, repeats);
  return { msPerOp, timing };
}

/**
 * copyBufferToBuffer of `bytes` between two buffers, `inner` copies per
 * submission. With timestamp queries the copies sit between two empty
 * compute passes (end of the first, beginning of the second), so they are
 * timed by the same GPU clock as the kernels; else wall-clock, as the kernels are.
 */
export async function timeCopy(sim: GpuSimulator, bytes: number, inner: number, repeats: number): Promise<KernelSample> {
  const device = sim.device;
  const usage = 0x4 | 0x8; // COPY_SRC | COPY_DST
  const a = sim.pool.acquire(bytes, usage, 'quench bench copy a');
  const b = sim.pool.acquire(bytes, usage, 'quench bench copy b');
  const queries = sim.timestampQueries();
  try {
    const once = (inner: number) =>
      sim.ctx.run('WebGPU bench copy', async () => {
        const enc = device.createCommandEncoder();
        if (queries) enc.beginComputePass({ timestampWrites: { querySet: queries, endOfPassWriteIndex: 0 } }).end();
        for (let i = 0; i < inner; i++) enc.copyBufferToBuffer(i % 2 ? b : a, 0, i % 2 ? a : b, 0, bytes);
        let staging: GPUBuffer | null = null;
        let resolve: GPUBuffer | null = null;
        if (queries) {
          enc.beginComputePass({ timestampWrites: { querySet: queries, beginningOfPassWriteIndex: 1 } }).end();
          resolve = sim.pool.acquire(256, 0x200 | 0x4, 'quench bench resolve');
          staging = sim.pool.acquire(256, 0x1 | 0x8, 'quench bench stamps');
          enc.resolveQuerySet(queries, 0, 2, resolve, 0);
          enc.copyBufferToBuffer(resolve, 0, staging, 0, 16);
        }
        const t0 = performance.now();
        device.queue.submit([enc.finish()]);
        await device.queue.onSubmittedWorkDone();
        const wall = performance.now() - t0;
        if (!staging) return wall;
        await staging.mapAsync(0x1, 0, 16);
        const s = new BigInt64Array(staging.getMappedRange(0, 16).slice(0));
        staging.unmap();
        sim.pool.release(staging);
        sim.pool.release(resolve!);
        return Number(s[1] - s[0]) / 1e6;
      });
    const msPerOp = await sample(once, inner, repeats);
    return { msPerOp, timing: queries ? 'gpu-timestamps' : 'wall-clock' };
  } finally {
    sim.pool.release(a);
    sim.pool.release(b);
  }
}

/** Bytes of an n-qubit complex64 state. */
export const stateBytes = (n: number) => BYTES_PER_AMPLITUDE * 2 ** n;
