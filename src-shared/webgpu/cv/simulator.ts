// The Fock-space (continuous-variable) simulator on WebGPU: the native
// core's cvRunBatch / cvVjpBatch (native/src/fock*.cc) for complex64 states.
//
// A pass holds `rows` samples: rows × D^M amplitudes (vec2f), index
// row · D^M + Σ n_m D^m (mode 0 fastest, as in the core). Every gate is ONE
// dispatch over all rows; gates whose angles read a parameter slot get one
// matrix per row (built on the host in f64 by gates.ts, uploaded as f32),
// constant gates one matrix for all. Readouts ⟨x_m⟩, ⟨n_m⟩, ‖ψ‖² are reduced
// on the GPU per row. The VJP keeps every intermediate state (the truncated
// gates are not unitary, so states cannot be recovered backwards), seeds
// g = 2 ∂L/∂ψ* on the GPU, and per gate (last to first) reduces
// Re⟨g|∂U/∂θ|x⟩ for each slotted angle and steps g ← U† g — the adjoint
// method, as the core does. One submission per pass; batches too big for
// one pass (memory, binding limits) run in several.
//
// Precision: f32 (WGSL has no f64); the host sums partial reductions and
// maps gradients to slots in f64.
import { BufferPool } from '../buffer-pool';
import { WebGpuRunError, type GpuContext } from '../context';
import { dispatchShapeFor } from '../simulator';
import { CV_MAX_CUTOFF, isDiagonalKind, toAngle, validateCvCircuit, type Angle, type CvCircuit, type CvGateKind, type CvOutputs } from './circuit';
import { CvGateBuilder, opEntries, opType, type OpType, type Target } from './gates';
import { CV_WG, CvPipelines, HDR, HDR_BYTES, cvProgram, groupSize, type CvProgram, type CvShape } from './kernels';

const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const MAP_READ_MODE = 0x1;
const AMP_BYTES = 8;
/** Indices are u32 in WGSL; keep rows × D^M (and i ± strides) below 2^31. */
const MAX_PASS_AMPLITUDES = 2 ** 31 - 1;

export interface CvRunOptions {
  /** Divide ⟨x⟩, ⟨n⟩ by ‖ψ‖² (default: un-normalised truncated state), as the native option. */
  normalize?: boolean;
}

export interface CvVjpOutputs extends CvOutputs {
  /** batch × numParams: dL/dparams per row. */
  gradients: Float64Array;
}

/** Wall-clock of the last call (host matrices, GPU work including upload and readback). */
export interface CvTimings {
  /** Building the per-row gate matrices on the host. */
  buildMs: number;
  /** From the first upload of a pass until its results are mapped, summed over passes. */
  gpuMs: number;
  totalMs: number;
  passes: number;
  dispatches: number;
}

export interface GpuCvSimulatorOptions {
  /** Most bytes of GPU memory one pass may use (default 1 GiB); larger batches run in several passes. */
  maxPassBytes?: number;
}

interface PlanOp {
  index: number;
  kind: CvGateKind;
  type: OpType;
  sqz: boolean;
  s0: number;
  s1: number;
  a: Angle;
  b: Angle;
  /** Complex entries of one matrix (compact layout). */
  entries: number;
  /** No angle reads a slot: one matrix for every row, and no gradient. */
  fixed: boolean;
  /** The angles with a slot, in order (a before b): their derivative matrices. */
  ders: ('a' | 'b')[];
  /** Column of this op in the gradient partials, or −1. */
  gradCol: number;
}

interface Plan {
  shape: CvShape;
  dim: number;
  numParams: number;
  ops: PlanOp[];
  gradOps: number;
}

/** Matrix offsets (complex entries) of one pass. */
interface Layout {
  mo: number[];
  dOff: number[][];
  total: number;
}

function fmtBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} bytes`;
}

function makePlan(c: CvCircuit): Plan {
  validateCvCircuit(c);
  const D = c.cutoff, M = c.modes;
  const stride = (m: number) => D ** m;
  let gradOps = 0;
  const ops = c.gates.map((g, index): PlanOp => {
    const type = opType(g.kind);
    const name = `fock: gate ${index} (${g.kind})`;
    const a = toAngle(g.a, `${name}: a`, c.numParams);
    const b = isDiagonalKind(g.kind) ? { slot: -1, scale: 1, value: 0 } : toAngle(g.b, `${name}: b`, c.numParams);
    const ders: ('a' | 'b')[] = [];
    if (a.slot >= 0) ders.push('a');
    if (b.slot >= 0) ders.push('b');
    return {
      index, kind: g.kind, type, sqz: g.kind === 'Squeezing', s0: stride(g.mode0), s1: type === 'bs' ? stride(g.mode1 ?? 0) : 0,
      a, b, entries: opEntries(type, D), fixed: ders.length === 0, ders, gradCol: ders.length ? gradOps++ : -1,
    };
  });
  return { shape: { cutoff: D, modes: M }, dim: D ** M, numParams: c.numParams, ops, gradOps };
}

function layoutFor(plan: Plan, rows: number, vjp: boolean): Layout {
  const mo: number[] = [], dOff: number[][] = [];
  let total = 0;
  for (const op of plan.ops) {
    mo.push(total);
    total += (op.fixed ? 1 : rows) * op.entries;
    const d: number[] = [];
    if (vjp) for (let j = 0; j < op.ders.length; j++) {
      d.push(total);
      total += rows * op.entries;
    }
    dOff.push(d);
  }
  return { mo, dOff, total: Math.max(total, 1) };
}

/** Segments a row's reduction over `items` is split into: one invocation each, ~16 items apiece. */
const segmentsFor = (items: number) => Math.max(1, Math.min(1024, Math.ceil(items / 16)));

export class GpuCvSimulator {
  readonly pool: BufferPool;
  readonly pipelines: CvPipelines;
  lastTimings: CvTimings | null = null;
  private readonly plans = new WeakMap<CvCircuit, { key: string; plan: Plan }>();
  private readonly builders = new Map<number, CvGateBuilder>();
  private dummy: GPUBuffer | null = null;

  constructor(readonly ctx: GpuContext, readonly options: GpuCvSimulatorOptions = {}) {
    this.pool = new BufferPool(ctx.device, 512 * 2 ** 20);
    this.pipelines = new CvPipelines(ctx.device);
  }

  get device(): GPUDevice {
    return this.ctx.device;
  }

  /** Largest bytes of one storage binding (and one buffer) on this device. */
  get maxBindingBytes(): number {
    return Math.min(this.ctx.limits.maxStorageBufferBindingSize, this.ctx.limits.maxBufferSize);
  }

  /** Forward run: ⟨x⟩, ⟨n⟩ per mode and ‖ψ‖² per row (params: batch × numParams). */
  async run(circuit: CvCircuit, params: Float64Array | number[], batch: number, opts: CvRunOptions = {}): Promise<CvOutputs> {
    const plan = this.plan(circuit);
    const p = checkParams(plan, params, batch);
    return this.ctx.run('WebGPU CV run', () => this.execute(plan, p, batch, null, opts));
  }

  /**
   * Vector–Jacobian product, as cvVjpBatch: L = Σ dx·x + Σ dn·n + Σ dnorm·norm per row;
   * returns the forward outputs and dL/dparams (batch × numParams). dn, dnorm may be null.
   */
  async vjp(circuit: CvCircuit, params: Float64Array | number[], batch: number, dx: Float64Array | number[], dn: Float64Array | number[] | null = null, dnorm: Float64Array | number[] | null = null, opts: CvRunOptions = {}): Promise<CvVjpOutputs> {
    const plan = this.plan(circuit);
    const p = checkParams(plan, params, batch);
    const M = plan.shape.modes;
    const vec = (v: Float64Array | number[] | null, n: number, what: string) => {
      if (v === null || v === undefined) return null;
      if (v.length !== n) throw new RangeError(`${what} must hold ${what === 'dnorm' ? 'batch' : 'batch × modes'} = ${n} values (got ${v.length})`);
      for (let i = 0; i < n; i++) if (!Number.isFinite(v[i])) throw new TypeError(`${what}[${i}] is not finite`);
      return v;
    };
    if (!dx) throw new RangeError('vjp: dx is required (batch × modes values)');
    const up = { dx: vec(dx, batch * M, 'dx')!, dn: vec(dn, batch * M, 'dn'), dnorm: vec(dnorm, batch, 'dnorm') };
    return this.ctx.run('WebGPU CV vjp', () => this.execute(plan, p, batch, up, opts)) as Promise<CvVjpOutputs>;
  }

  destroy(): void {
    this.pool.trim();
    this.dummy?.destroy();
    this.dummy = null;
  }

  private plan(c: CvCircuit): Plan {
    // Keyed by content too: callers may edit a circuit object between calls.
    const key = JSON.stringify([c.modes, c.cutoff, c.numParams, c.gates]);
    const hit = this.plans.get(c);
    if (hit && hit.key === key) return hit.plan;
    const plan = makePlan(c);
    this.plans.set(c, { key, plan });
    return plan;
  }

  private builder(D: number): CvGateBuilder {
    let b = this.builders.get(D);
    if (!b) this.builders.set(D, (b = new CvGateBuilder(D)));
    return b;
  }

  /** Rows per pass within the binding limits and the memory budget; throws, naming the limit, when one row does not fit. */
  private rowsPerPass(plan: Plan, batch: number, vjp: boolean): number {
    const { cutoff: D, modes: M } = plan.shape;
    const dim = plan.dim, limit = this.maxBindingBytes;
    const budget = this.options.maxPassBytes ?? 2 ** 30;
    const what = `cutoff ${D}, ${M} mode${M > 1 ? 's' : ''}: ${D}^${M} = ${dim} amplitudes`;
    const rowBytes = dim * AMP_BYTES;
    if (rowBytes > limit || dim > MAX_PASS_AMPLITUDES)
      throw new RangeError(`WebGPU CV: one sample's state (${what}, ${fmtBytes(rowBytes)}) exceeds this adapter's largest storage binding (maxStorageBufferBindingSize ${fmtBytes(limit)}); lower the cutoff or the number of modes`);
    let perRowMats = 0, fixedMats = 0;
    for (const op of plan.ops) {
      if (op.fixed) fixedMats += op.entries;
      else perRowMats += op.entries * (1 + (vjp ? op.ders.length : 0));
    }
    const states = vjp ? plan.ops.length + 3 : 2;
    const perRow = states * rowBytes + perRowMats * AMP_BYTES;
    if (perRow + fixedMats * AMP_BYTES > budget)
      throw new RangeError(
        `WebGPU CV: one sample needs ${fmtBytes(perRow)} of GPU memory (${what}; ${vjp ? `the VJP keeps ${plan.ops.length + 1} states of ${fmtBytes(rowBytes)}` : 'two states'}), over the budget of ${fmtBytes(budget)} per pass; lower the cutoff or the number of modes`,
      );
    let rows = Math.min(batch, Math.floor(limit / rowBytes), Math.floor(MAX_PASS_AMPLITUDES / dim), Math.floor((budget - fixedMats * AMP_BYTES) / perRow));
    if (perRowMats > 0) rows = Math.min(rows, Math.floor((limit / AMP_BYTES - fixedMats) / perRowMats));
    if (rows < 1) throw new RangeError(`WebGPU CV: one sample's gate matrices (${fmtBytes((perRowMats + fixedMats) * AMP_BYTES)}) exceed this adapter's largest storage binding (${fmtBytes(limit)})`);
    return rows;
  }

  private async execute(plan: Plan, params: Float64Array, batch: number, up: { dx: ArrayLike<number>; dn: ArrayLike<number> | null; dnorm: ArrayLike<number> | null } | null, opts: CvRunOptions): Promise<CvOutputs | CvVjpOutputs> {
    const t0 = performance.now();
    const M = plan.shape.modes, P = plan.numParams;
    const vjp = up !== null;
    const out = { x: new Float64Array(batch * M), n: new Float64Array(batch * M), norm: new Float64Array(batch), ...(vjp ? { gradients: new Float64Array(batch * P) } : {}) };
    const timings: CvTimings = { buildMs: 0, gpuMs: 0, totalMs: 0, passes: 0, dispatches: 0 };
    const rowsMax = this.rowsPerPass(plan, batch, vjp);
    for (let row0 = 0; row0 < batch; row0 += rowsMax) {
      const rows = Math.min(rowsMax, batch - row0);
      await this.pass(plan, params, row0, rows, up, opts, out, timings);
      timings.passes++;
    }
    if (opts.normalize)
      for (let r = 0; r < batch; r++)
        for (let m = 0; m < M; m++) {
          out.x[r * M + m] /= out.norm[r];
          out.n[r * M + m] /= out.norm[r];
        }
    timings.totalMs = performance.now() - t0;
    this.lastTimings = timings;
    return out;
  }

  private async pass(
    plan: Plan, params: Float64Array, row0: number, rows: number,
    up: { dx: ArrayLike<number>; dn: ArrayLike<number> | null; dnorm: ArrayLike<number> | null } | null,
    opts: CvRunOptions, out: CvOutputs & { gradients?: Float64Array }, timings: CvTimings,
  ): Promise<void> {
    const device = this.device;
    const { cutoff: D, modes: M } = plan.shape;
    const dim = plan.dim, P = plan.numParams, K = 2 * M + 1;
    const vjp = up !== null;
    const count = rows * dim;
    const segs = segmentsFor(dim);
    // Gradient partials: per gradient op, rows × its segments (vec2f), back to back.
    const gradSegs = plan.ops.map((op) => segmentsFor(dim / groupSize(op.type, D)));
    const gradOff: number[] = [];
    let gradSlots = 0;
    for (const op of plan.ops) {
      gradOff.push(gradSlots);
      if (op.gradCol >= 0) gradSlots += rows * gradSegs[op.index];
    }

    // ---- matrices, on the host (f64 → f32)
    const tb = performance.now();
    const layout = layoutFor(plan, rows, vjp);
    const mats = new Float32Array(2 * layout.total);
    const builder = this.builder(D);
    const theta = (a: Angle, r: number) => (a.slot < 0 ? a.value : a.scale * params[(row0 + r) * P + a.slot] + a.value);
    plan.ops.forEach((op, k) => {
      const mo = layout.mo[k], d = layout.dOff[k];
      if (op.fixed) {
        builder.build(op.kind, op.a.value, op.b.value, { out: mats, at: mo });
        return;
      }
      const ja = op.ders.indexOf('a'), jb = op.ders.indexOf('b');
      for (let r = 0; r < rows; r++) {
        const at = (base: number): Target => ({ out: mats, at: base + r * op.entries });
        builder.build(op.kind, theta(op.a, r), theta(op.b, r), at(mo), vjp && ja >= 0 ? at(d[ja]) : null, vjp && jb >= 0 ? at(d[jb]) : null);
      }
    });
    let upstream: Float32Array<ArrayBuffer> | null = null;
    if (up) {
      upstream = new Float32Array(rows * K);
      for (let r = 0; r < rows; r++) {
        const g = row0 + r;
        for (let m = 0; m < M; m++) {
          upstream[r * K + m] = up.dx[g * M + m];
          upstream[r * K + M + m] = up.dn ? up.dn[g * M + m] : 0;
        }
        upstream[r * K + 2 * M] = up.dnorm ? up.dnorm[g] : 0;
      }
    }
    timings.buildMs += performance.now() - tb;

    // ---- buffers
    const tg = performance.now();
    const taken: GPUBuffer[] = [];
    const take = (bytes: number, usage: number, label: string) => {
      const b = this.pool.acquire(bytes, usage, label);
      taken.push(b);
      return b;
    };
    try {
      const S = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
      const stateBytes = count * AMP_BYTES;
      // Forward only: two states, ping-pong. VJP: every intermediate state, and two for g.
      const states = Array.from({ length: vjp ? plan.ops.length + 1 : 2 }, (_, i) => take(stateBytes, S, `quench cv state ${i}`));
      const stateAt = (k: number) => (vjp ? states[k] : states[k % 2]);
      const grads = vjp ? [take(stateBytes, S, 'quench cv g 0'), take(stateBytes, S, 'quench cv g 1')] : [];
      const matBuf = take(mats.byteLength, USAGE.STORAGE | USAGE.COPY_DST, 'quench cv matrices');
      device.queue.writeBuffer(matBuf, 0, mats);
      const redBytes = rows * segs * K * 4;
      const redBuf = take(redBytes, USAGE.STORAGE | USAGE.COPY_SRC, 'quench cv readouts');
      const gradBytes = Math.max(8, gradSlots * 8);
      const gradBuf = vjp ? take(gradBytes, USAGE.STORAGE | USAGE.COPY_SRC, 'quench cv gradients') : null;
      let upBuf: GPUBuffer | null = null;
      if (upstream) {
        upBuf = take(upstream.byteLength, USAGE.STORAGE | USAGE.COPY_DST, 'quench cv upstream');
        device.queue.writeBuffer(upBuf, 0, upstream);
      }
      this.dummy ??= device.createBuffer({ label: 'quench cv dummy', size: 256, usage: USAGE.STORAGE });
      const dummy = this.dummy;

      // ---- dispatches: headers in one uniform buffer at aligned offsets
      const align = Math.max(HDR_BYTES, (device.limits as unknown as { minUniformBufferOffsetAlignment: number }).minUniformBufferOffsetAlignment ?? 256);
      interface Dispatch { program: CvProgram; hdr: Partial<Record<keyof typeof HDR, number>>; workgroups: number; mats?: GPUBuffer; src?: GPUBuffer; second?: GPUBuffer; out: GPUBuffer; aux?: GPUBuffer }
      const list: Dispatch[] = [];
      const elementWgs = Math.ceil(count / CV_WG);
      const shape = plan.shape;
      list.push({ program: cvProgram('init', shape), hdr: { count }, workgroups: elementWgs, out: stateAt(0) });
      // Gate kernels: one invocation per group of amplitudes the gate mixes.
      const groups = (op: PlanOp) => count / groupSize(op.type, D);
      plan.ops.forEach((op, k) => {
        list.push({
          program: cvProgram('apply', shape, op.type, op.sqz), workgroups: Math.ceil(groups(op) / CV_WG),
          hdr: { count: groups(op), rows, s0: op.s0, s1: op.s1, mo: layout.mo[k], ms: op.fixed ? 0 : op.entries },
          mats: matBuf, src: stateAt(k), out: stateAt(k + 1),
        });
      });
      const last = stateAt(plan.ops.length);
      list.push({ program: cvProgram('readout', shape), hdr: { rows, segs }, workgroups: Math.ceil((rows * segs) / CV_WG), src: last, out: redBuf });
      if (vjp) {
        list.push({ program: cvProgram('seed', shape), hdr: { count, rows, segs, normalize: opts.normalize ? 1 : 0 }, workgroups: elementWgs, src: last, second: redBuf, out: grads[0], aux: upBuf! });
        let g = 0;
        for (let k = plan.ops.length - 1; k >= 0; k--) {
          const op = plan.ops[k];
          const common = { rows, s0: op.s0, s1: op.s1, ms: op.fixed ? 0 : op.entries };
          if (!op.fixed) {
            const d = layout.dOff[k];
            list.push({
              program: cvProgram('grad', shape, op.type, op.sqz), workgroups: Math.ceil((rows * gradSegs[k]) / CV_WG),
              hdr: { ...common, segs: gradSegs[k], nder: op.ders.length, d0: d[0], d1: d[1] ?? d[0], col: gradOff[k] },
              mats: matBuf, src: stateAt(k), second: grads[g], out: gradBuf!,
            });
          }
          if (k === 0) break; // nothing reads g before the first gate
          list.push({
            program: cvProgram('apply', shape, op.type, op.sqz), workgroups: Math.ceil(groups(op) / CV_WG),
            hdr: { ...common, count: groups(op), mo: layout.mo[k], adj: 1 },
            mats: matBuf, src: grads[g], out: grads[1 - g],
          });
          g = 1 - g;
        }
      }
      const headers = new Uint32Array((list.length * align) / 4);
      list.forEach((d, i) => {
        for (const [f, v] of Object.entries(d.hdr)) headers[(i * align) / 4 + HDR[f as keyof typeof HDR]] = (v as number) >>> 0;
      });
      const hdrBuf = take(headers.byteLength, USAGE.UNIFORM | USAGE.COPY_DST, 'quench cv headers');
      device.queue.writeBuffer(hdrBuf, 0, headers);

      const encoder = device.createCommandEncoder({ label: 'quench cv' });
      const pass = encoder.beginComputePass({ label: 'quench cv' });
      const maxWg = this.ctx.limits.maxComputeWorkgroupsPerDimension;
      list.forEach((d, i) => {
        const bind = (binding: number, buffer: GPUBuffer | undefined) => ({ binding, resource: { buffer: buffer ?? dummy } });
        const group = device.createBindGroup({
          layout: this.pipelines.layout,
          entries: [
            { binding: 0, resource: { buffer: hdrBuf, offset: 0, size: HDR_BYTES } },
            bind(1, d.mats), bind(2, d.src), bind(3, d.second), bind(4, d.out), bind(5, d.aux),
          ],
        });
        pass.setPipeline(this.pipelines.get(d.program));
        pass.setBindGroup(0, group, [i * align]);
        const [x, y] = dispatchShapeFor(Math.max(1, d.workgroups), maxWg);
        pass.dispatchWorkgroups(x, y);
      });
      pass.end();
      const redStage = take(redBytes, USAGE.MAP_READ | USAGE.COPY_DST, 'quench cv readback');
      encoder.copyBufferToBuffer(redBuf, 0, redStage, 0, redBytes);
      const gradStage = gradBuf ? take(gradBytes, USAGE.MAP_READ | USAGE.COPY_DST, 'quench cv readback') : null;
      if (gradBuf && gradStage) encoder.copyBufferToBuffer(gradBuf, 0, gradStage, 0, gradBytes);
      device.queue.submit([encoder.finish()]);
      await Promise.all([redStage.mapAsync(MAP_READ_MODE, 0, redBytes), gradStage?.mapAsync(MAP_READ_MODE, 0, gradBytes)]);
      const red = new Float32Array(redStage.getMappedRange(0, redBytes).slice(0));
      redStage.unmap();
      let gp: Float32Array | null = null;
      if (gradStage) {
        gp = new Float32Array(gradStage.getMappedRange(0, gradBytes).slice(0));
        gradStage.unmap();
      }
      timings.gpuMs += performance.now() - tg;
      timings.dispatches += list.length;

      // ---- partial sums (f64) → outputs; gradient columns → slots (× scale)
      for (let r = 0; r < rows; r++) {
        const g = row0 + r;
        const acc = new Float64Array(K);
        for (let s = 0; s < segs; s++) for (let k = 0; k < K; k++) acc[k] += red[(r * segs + s) * K + k];
        for (let m = 0; m < M; m++) {
          out.x[g * M + m] = acc[m];
          out.n[g * M + m] = acc[M + m];
        }
        out.norm[g] = acc[2 * M];
      }
      if (gp && out.gradients) {
        const grad = out.gradients;
        for (const op of plan.ops) {
          if (op.gradCol < 0) continue;
          const gs = gradSegs[op.index];
          for (let r = 0; r < rows; r++) {
            let v0 = 0, v1 = 0;
            for (let s = 0; s < gs; s++) {
              const e = 2 * (gradOff[op.index] + r * gs + s);
              v0 += gp[e];
              v1 += gp[e + 1];
            }
            op.ders.forEach((which, j) => {
              const a = which === 'a' ? op.a : op.b;
              grad[(row0 + r) * P + a.slot] += a.scale * (j === 0 ? v0 : v1);
            });
          }
        }
      }
      if (!Number.isFinite(out.norm[row0])) throw new WebGpuRunError('WebGPU CV: the GPU returned a non-finite norm (device error?)');
    } finally {
      for (const b of taken) this.pool.release(b);
    }
  }
}

function checkParams(plan: Plan, params: Float64Array | number[], batch: number): Float64Array {
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer (got ${batch})`);
  const P = plan.numParams;
  if (!params || params.length !== batch * P)
    throw new RangeError(`params has ${params?.length ?? 0} value(s), expected batch × numParams = ${batch} × ${P}`);
  for (let i = 0; i < params.length; i++)
    if (!Number.isFinite(params[i])) throw new TypeError(`params[${Math.floor(i / P)}][${i % P}] is not finite`);
  return params instanceof Float64Array ? params : Float64Array.from(params);
}

/** Largest cutoff whose single-sample state fits one storage binding of this device for `modes` modes. */
export function maxCutoffFor(ctx: GpuContext, modes: number): number {
  const limit = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  let D = 2;
  while (D < CV_MAX_CUTOFF && (D + 1) ** modes * AMP_BYTES <= limit) D++;
  return D;
}
