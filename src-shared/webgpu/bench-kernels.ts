// Timing helpers for `quench bench gates --backend webgpu` (and the
// workbench's Hardware view): one gate kind applied many times per
// submission, and the device's in-place bandwidth (a kernel that reads and
// writes every amplitude once) measured the same way, so their ratio is the
// figure of merit.
import { median } from 'simple-statistics';
import { lower } from '../circuit/lower';
import { boundMatrix } from '../circuit/lowered';
import { denseTestState } from '../circuit/random-circuits';
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
 * the gate kernels and the in-place reference, so their ratio compares like with like.
 */
async function sample(once: (inner: number) => Promise<number>, inner: number, repeats: number): Promise<number[]> {
  let n = Math.max(1, inner);
  for (let t = await once(n); t < MIN_SAMPLE_MS && n < MAX_INNER; t = await once(n)) n = Math.min(MAX_INNER, n * 4);
  const msPerOp: number[] = [];
  for (let r = 0; r < repeats; r++) msPerOp.push((await once(n)) / n);
  if (msPerOp.some((t) => !(t > 0))) throw new Error(`the timer reported no elapsed time for ${n} operations (resolution too coarse)`);
  return msPerOp;
}

/** States already holding the test state: the gates timed on them are unitary, so it stays dense and normalised. */
const prepared = new WeakSet<GpuState>();

/**
 * Timed on a state with no zero amplitudes (denseTestState), as a circuit's
 * state is: prepared once per state, not before every kernel (2n gates).
 */
async function prepare(sim: GpuSimulator, state: GpuState): Promise<void> {
  if (prepared.has(state)) return;
  const run = sim.begin(state);
  run.init();
  for (const g of lower(denseTestState(state.plan.numQubits)).gates)
    run.gate({ targets: g.qubits, controls: g.controls, diagonal: g.diagonal, matrix: boundMatrix(g, []) });
  await sim.ctx.run('WebGPU bench init', () => run.submit());
  prepared.add(state);
}

/** `repeats` submissions of `inner` (or more, see sample) applications of `op` to `state`. */
export async function timeGate(sim: GpuSimulator, state: GpuState, op: GateOp, inner: number, repeats: number): Promise<KernelSample> {
  await prepare(sim, state);
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
 * The reference of the WebGPU gates benchmark, the device's in-place
 * bandwidth: the fastest of three streaming kernels that read and write every
 * amplitude of `state` once, in place, with no arithmetic worth the name,
 * dispatched and timed exactly as the gate kernels are (timeGate): the
 * identity diagonal on zero qubits (one amplitude per invocation), and the
 * identity on the top qubit and on the top two (two and four per invocation:
 * more loads in flight, up to 6% faster on an NVIDIA H200). A copy
 * (copyBufferToBuffer) is no such ceiling: on that driver it measured 4×
 * below the gate kernels.
 */
export async function timeInPlace(sim: GpuSimulator, state: GpuState, inner: number, repeats: number): Promise<KernelSample> {
  const n = state.plan.numQubits;
  let best: KernelSample | null = null;
  for (const op of [IN_PLACE_OP, ...(n >= 1 ? [identityOn([n - 1])] : []), ...(n >= 2 ? [identityOn([n - 2, n - 1])] : [])]) {
    const s = await timeGate(sim, state, op, inner, repeats);
    if (!best || median(s.msPerOp) < median(best.msPerOp)) best = s;
  }
  return best!;
}

/** The in-place reference's first kernel: st(i, m[0] · ld(i)) with m[0] = 1, over every amplitude. */
export const IN_PLACE_OP: GateOp = { targets: [], controls: [], diagonal: true, matrix: Float64Array.of(1, 0) };

/** The identity as a dense gate on `targets` (the reference's kernels with 2^k amplitudes per invocation). */
export function identityOn(targets: number[]): GateOp {
  const D = 2 ** targets.length;
  const matrix = new Float64Array(2 * D * D);
  for (let r = 0; r < D; r++) matrix[2 * (r * D + r)] = 1;
  return { targets, controls: [], diagonal: false, matrix };
}

/** Bytes of an n-qubit complex64 state. */
export const stateBytes = (n: number) => BYTES_PER_AMPLITUDE * 2 ** n;
