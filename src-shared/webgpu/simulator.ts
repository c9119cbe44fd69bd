// The GPU simulator's machinery below the Backend contract: states in pooled
// buffers, and runs. A run records kernels (gates, reductions, readouts)
// against one state, packs every kernel's parameters into ONE storage buffer
// (records at aligned offsets, bound with a dynamic offset), encodes every
// dispatch into ONE command encoder (a simulate pass and a readout pass,
// with timestamp queries where the device has them), submits once and
// reads the outputs back.
import { BufferPool } from './buffer-pool';
import type { GpuContext, TimingSource } from './context';
import { GRAM_TILE, H, HEADER_BYTES, HEADER_WORDS, MAX_DENSE_QUBITS, MAX_POSITIONS, MAX_TARGETS, PipelineCache, TERMS_PER_REDUCE, kernels, workgroupSizeFor, type KernelProgram } from './kernels';
import { BYTES_PER_AMPLITUDE, formatBytes, planState, type StatePlan } from './state';

// Spec-defined flag values (WebGPU §buffer usages, map modes, shader stages),
// so this module needs no GPU* globals from its host.
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, STORAGE: 0x80, QUERY_RESOLVE: 0x200 } as const;
const MAP_READ_MODE = 0x1;
const U = () => USAGE;

/**
 * A gate ready for the GPU: bound matrix (or one per batch row), sorted
 * targets, controls — or, for a parameterised diagonal bound on the GPU,
 * its cached generator and angle(s) instead of a matrix.
 */
export interface GateOp {
  targets: number[];
  controls: number[];
  diagonal: boolean;
  /** Dense: 2·4^k numbers; diagonal: 2·2^k; per row when `perRow` (rows of that size back to back). Absent with `phase`. */
  matrix?: Float64Array;
  perRow?: boolean;
  /**
   * diag(e^{−iθλ_j}) computed on the GPU (diagonal gates only): λ from the
   * gate's cached buffer, θ/2π in `turns` — one per batch row when `perRow`,
   * else one for every row.
   */
  phase?: { lambda: GpuLambda; turns: Float64Array };
}

/**
 * A diagonal generator λ (2^k reals) uploaded once: vec2f(hi, lo) per entry,
 * hi with at most 12 significant bits (see splitHiLo and gate-phase.wgsl).
 */
export interface GpuLambda {
  buffer: GPUBuffer;
  entries: number;
}

/**
 * x = hi + lo with hi of at most 12 significant bits (so a product of two
 * hi parts is exact in f32) and lo = x − hi rounded to f32: together 36 bits.
 */
export function splitHiLo(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  const ax = Math.abs(x);
  if (ax < 4096 && Number.isInteger(x)) return [x, 0];
  let e = Math.floor(Math.log2(ax));
  while (2 ** e > ax) e--;
  while (2 ** (e + 1) <= ax) e++;
  const quantum = 2 ** (e - 11); // 2^11 ≤ ax / quantum < 2^12
  const hi = Math.round(x / quantum) * quantum;
  return [hi, Math.fround(x - hi)];
}

/** Up to four Pauli strings with one X/Y flip mask, reduced by one dispatch. */
export interface TermGroup {
  xMask: number;
  zMasks: number[];
  phases: number[];
}

export class GpuState {
  released = false;
  constructor(readonly plan: StatePlan, readonly buffers: GPUBuffer[], readonly bindGroup: GPUBindGroup) {}
  get numQubits(): number {
    return this.plan.numQubits;
  }
}

export interface RunTimings {
  timing: TimingSource;
  /** GPU time of the simulate pass (timestamps) or wall-clock from submit to done (includes readout kernels). */
  simulateMs: number;
  /** GPU time of the readout pass (timestamps), 0 with wall-clock. */
  readoutKernelMs: number;
  /** Host wall-clock from submit until the results are mapped. */
  wallMs: number;
  dispatches: number;
}

interface Record_ {
  hdr: Uint32Array;
  /** Matrix area as raw 32-bit words (f32 bits, or u32 for pauli-apply terms). */
  m: Uint32Array;
}

type AuxUse =
  | { kind: 'none' }
  | { kind: 'reduce' }
  | { kind: 'probabilities'; index: number }
  | { kind: 'floats'; index: number }
  /** A GPU-bound diagonal's λ at binding 1: beside a dummy (the gate), or the partials (its generator reduction). */
  | { kind: 'lambda'; buffer: GPUBuffer; reduce: boolean };

interface Dispatch {
  program: KernelProgram;
  record: number;
  workgroups: number;
  aux: AuxUse;
  phase: 0 | 1;
}

/** See GpuSimulator.dispatchShape: x · y ≥ workgroups, x and y ≤ max, y rows as few and x as small as that allows. */
export function dispatchShapeFor(workgroups: number, max: number): [number, number] {
  if (workgroups <= max) return [Math.max(1, workgroups), 1];
  const y = Math.ceil(workgroups / max);
  if (y > max) throw new RangeError(`WebGPU: ${workgroups} workgroups exceed the dispatch limit (maxComputeWorkgroupsPerDimension ${max} squared)`);
  return [Math.ceil(workgroups / y), y];
}

export class GpuSimulator {
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  private querySet: GPUQuerySet | null = null;
  private dummy: GPUBuffer[] | null = null;
  /**
   * Diagonal generators on the GPU, by the circuit's generator array (treated
   * as immutable, like the rest of a lowered circuit): uploaded on first use,
   * destroyed when the array is collected or the simulator destroyed.
   */
  private lambdas = new WeakMap<Float64Array, GpuLambda>();
  private readonly liveLambdas = new Set<GPUBuffer>();
  private readonly lambdaCollector = new FinalizationRegistry<GPUBuffer>((b) => {
    if (this.liveLambdas.delete(b)) b.destroy();
  });

  constructor(readonly ctx: GpuContext, readonly options: { maxChunkBytes?: number } = {}) {
    this.pool = new BufferPool(ctx.device, 1 << 30);
    this.pipelines = new PipelineCache(ctx.device);
  }

  get device(): GPUDevice {
    return this.ctx.device;
  }

  plan(numQubits: number, rows: number): StatePlan {
    return planState(numQubits, rows, this.ctx.limits, this.options.maxChunkBytes);
  }

  /** Storage for rows × 2^n amplitudes (contents undefined until a run's init). */
  allocState(numQubits: number, rows = 1): GpuState {
    const plan = this.plan(numQubits, rows);
    const total = plan.amplitudes * BYTES_PER_AMPLITUDE;
    const usage = U().STORAGE | U().COPY_SRC | U().COPY_DST;
    const buffers: GPUBuffer[] = [];
    for (let c = 0; c < plan.chunks; c++) {
      const bytes = Math.min(plan.chunkBytes, total - c * plan.chunkBytes);
      buffers.push(this.pool.acquire(Math.max(bytes, 256), usage, `quench state ${c}/${plan.chunks}`));
    }
    const layout = this.pipelines.layout(plan.chunks).state;
    const bindGroup = this.device.createBindGroup({
      layout,
      entries: buffers.map((buffer, c) => ({ binding: c, resource: { buffer, size: Math.max(256, Math.min(plan.chunkBytes, total - c * plan.chunkBytes)) } })),
    });
    return new GpuState(plan, buffers, bindGroup);
  }

  releaseState(s: GpuState): void {
    if (s.released) return;
    s.released = true;
    for (const b of s.buffers) this.pool.release(b);
  }

  begin(state: GpuState): GpuRun {
    return new GpuRun(this, state);
  }

  /** Query set for the two passes' begin/end timestamps, or null (wall-clock). */
  timestampQueries(): GPUQuerySet | null {
    if (this.ctx.timing !== 'gpu-timestamps') return null;
    this.querySet ??= this.device.createQuerySet({ type: 'timestamp', count: 4, label: 'quench passes' });
    return this.querySet;
  }

  dummyBuffers(): GPUBuffer[] {
    this.dummy ??= [0, 1].map((i) => this.device.createBuffer({ label: `quench aux dummy ${i}`, size: 256, usage: U().STORAGE }));
    return this.dummy;
  }

  workgroupSize(name: KernelProgram['name'], k = 1): number {
    return workgroupSizeFor(name, k, Math.min(this.ctx.limits.maxComputeInvocationsPerWorkgroup, this.ctx.limits.maxComputeWorkgroupSizeX));
  }

  /**
   * Workgroups → a 1-D or 2-D dispatch within the per-dimension limit, with
   * rows as even as they can be: a full first row (x = the limit) would
   * launch up to twice the workgroups needed (65 536 → 65 535 × 2), the
   * surplus exiting at once but still scheduled (measured on an NVIDIA H200:
   * 1-amplitude kernels at 24 qubits 40% slower than at 26).
   */
  dispatchShape(workgroups: number): [number, number] {
    return dispatchShapeFor(workgroups, this.ctx.limits.maxComputeWorkgroupsPerDimension);
  }

  /**
   * The generator λ of a parameterised diagonal gate as a GPU buffer, uploaded
   * once per generator array; null where it exceeds one storage binding.
   */
  lambda(generator: Float64Array): GpuLambda | null {
    const cached = this.lambdas.get(generator);
    if (cached) return cached;
    const bytes = 8 * generator.length;
    const limits = this.ctx.limits;
    if (bytes > Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize)) return null;
    const words = new Float32Array(2 * generator.length);
    for (let j = 0; j < generator.length; j++) {
      const [hi, lo] = splitHiLo(generator[j]);
      words[2 * j] = hi;
      words[2 * j + 1] = lo;
    }
    const buffer = this.device.createBuffer({ label: `quench generator λ (${generator.length})`, size: Math.max(16, bytes), usage: U().STORAGE | U().COPY_DST });
    this.device.queue.writeBuffer(buffer, 0, words);
    const l: GpuLambda = { buffer, entries: generator.length };
    this.lambdas.set(generator, l);
    this.liveLambdas.add(buffer);
    this.lambdaCollector.register(generator, buffer);
    return l;
  }

  destroy(): void {
    for (const b of this.liveLambdas) b.destroy();
    this.liveLambdas.clear();
    this.lambdas = new WeakMap();
    this.pool.trim();
    this.querySet?.destroy();
    for (const b of this.dummy ?? []) b.destroy();
    this.querySet = null;
    this.dummy = null;
  }
}

const popcount = (x: number) => {
  let c = 0;
  for (let v = x >>> 0; v; v &= v - 1) c++;
  return c;
};

/** Groups the Pauli terms of several sums by X/Y flip mask, four per group. */
export function groupTerms(masks: { xMask: number; zMask: number }[]): { groups: TermGroup[]; where: { group: number; slot: number }[] } {
  const byX = new Map<number, number[]>();
  masks.forEach((m, i) => {
    const list = byX.get(m.xMask) ?? [];
    list.push(i);
    byX.set(m.xMask, list);
  });
  const groups: TermGroup[] = [];
  const where: { group: number; slot: number }[] = new Array(masks.length);
  for (const [xMask, list] of byX)
    for (let s = 0; s < list.length; s += TERMS_PER_REDUCE) {
      const chunk = list.slice(s, s + TERMS_PER_REDUCE);
      chunk.forEach((ti, slot) => (where[ti] = { group: groups.length, slot }));
      groups.push({
        xMask,
        zMasks: chunk.map((ti) => masks[ti].zMask),
        phases: chunk.map((ti) => popcount(masks[ti].xMask & masks[ti].zMask) % 4),
      });
    }
  return { groups, where };
}

/** One submission's worth of kernels against one state. */
export class GpuRun {
  private readonly records: Record_[] = [];
  private readonly dispatches: Dispatch[] = [];
  private partialSlots = 0;
  private outputSlots = 0;
  private readonly probOutputs: { start: number; count: number }[] = [];
  private readonly floatOutputs: { start: number; count: number }[] = [];
  private floatData: Float32Array[] = [];
  private phase: 0 | 1 = 0;
  private outputs: Float32Array | null = null;
  private probs: Float32Array | null = null;

  constructor(private readonly sim: GpuSimulator, readonly state: GpuState) {}

  private get n(): number {
    return this.state.plan.numQubits;
  }

  private record(fields: Partial<Record<keyof typeof H, number>>, arrays: { t?: number[]; p?: number[] }, matrixWords: number): Record_ {
    const hdr = new Uint32Array(HEADER_WORDS);
    for (const [k, v] of Object.entries(fields)) hdr[H[k as keyof typeof H]] = v! >>> 0;
    if ((arrays.t?.length ?? 0) > MAX_TARGETS || (arrays.p?.length ?? 0) > MAX_POSITIONS)
      throw new RangeError(`WebGPU: a gate acts on more than ${MAX_TARGETS} qubits`);
    arrays.t?.forEach((v, i) => (hdr[H.t + i] = v >>> 0));
    arrays.p?.forEach((v, i) => (hdr[H.p + i] = v >>> 0));
    const rec = { hdr, m: new Uint32Array(Math.max(2, matrixWords)) };
    this.records.push(rec);
    return rec;
  }

  private dispatch(program: KernelProgram, workgroups: number, aux: AuxUse = { kind: 'none' }): void {
    this.dispatches.push({ program, record: this.records.length - 1, workgroups, aux, phase: this.phase });
  }

  private shape() {
    return { chunks: this.state.plan.chunks, chunkBits: this.state.plan.chunkBits };
  }

  /** |0…0⟩ in the first `rows` batch rows. */
  init(rows = this.state.plan.rows): void {
    const count = rows * 2 ** this.n;
    const wg = this.sim.workgroupSize('init');
    this.record({ count, rowShift: this.n }, {}, 0);
    this.dispatch(kernels.init(this.shape(), wg), Math.ceil(count / wg));
  }

  /** Applies a gate to the first `rows` batch rows. */
  gate(op: GateOp, rows = this.state.plan.rows): void {
    const n = this.n;
    const k = op.targets.length, c = op.controls.length;
    if (k + c > n) throw new RangeError(`WebGPU: a gate on ${k + c} qubits in a ${n}-qubit state`);
    const cmask = op.controls.reduce((m, q) => m | (1 << q), 0) >>> 0;
    if (op.phase) {
      const { lambda, turns } = op.phase;
      if (!op.diagonal) throw new RangeError('WebGPU: only diagonal gates are bound on the GPU');
      if (lambda.entries !== 2 ** k) throw new RangeError(`WebGPU: a generator of ${lambda.entries} entries for a gate on ${k} qubits`);
      const angles = op.perRow ? rows : 1;
      if (turns.length !== angles) throw new RangeError(`WebGPU: ${turns.length} angles for ${angles}`);
      const positions = [...op.controls].sort((a, b) => a - b);
      const count = rows * 2 ** (n - c);
      const program = kernels.phase(k, positions.length, this.shape(), this.sim.workgroupSize('diagonal'));
      const rec = this.record({ count, npos: positions.length, cmask, k, rowShift: n, rowStride: op.perRow ? 1 : 0 }, { t: op.targets, p: positions }, 2 * angles);
      const f = new Float32Array(rec.m.buffer);
      for (let r = 0; r < angles; r++) [f[2 * r], f[2 * r + 1]] = splitHiLo(turns[r]);
      this.dispatch(program, Math.ceil(count / program.workgroupSize), { kind: 'lambda', buffer: lambda.buffer, reduce: false });
      return;
    }
    if (!op.matrix) throw new RangeError('WebGPU: a gate without a matrix');
    const entries = op.diagonal ? 2 ** k : 4 ** k;
    const perRowEntries = op.perRow ? entries : 0;
    const mEntries = op.perRow ? entries * rows : entries;
    if (op.matrix.length !== 2 * mEntries) throw new RangeError(`WebGPU: gate matrix has ${op.matrix.length} numbers, expected ${2 * mEntries}`);
    let program: KernelProgram, count: number, positions: number[];
    if (op.diagonal) {
      positions = [...op.controls].sort((a, b) => a - b);
      count = rows * 2 ** (n - c);
      program = kernels.diagonal(k, positions.length, this.shape(), this.sim.workgroupSize('diagonal'));
    } else {
      if (k > MAX_DENSE_QUBITS) throw new RangeError(`WebGPU: dense gates on more than ${MAX_DENSE_QUBITS} qubits are not supported (got ${k})`);
      positions = [...op.targets, ...op.controls].sort((a, b) => a - b);
      count = rows * 2 ** (n - k - c);
      program = kernels.dense(k, positions.length, this.shape(), this.sim.workgroupSize('dense', k));
    }
    const rec = this.record({ count, npos: positions.length, cmask, k, rowShift: n, rowStride: perRowEntries }, { t: op.targets, p: positions }, 2 * mEntries);
    new Float32Array(rec.m.buffer).set(op.matrix);
    this.dispatch(program, Math.ceil(count / program.workgroupSize));
  }

  /** Readout kernels from here on go to the readout pass. */
  readout(): void {
    this.phase = 1;
  }

  /** Queues |ψ|² of all rows; read with probabilities() after submit. */
  queueProbabilities(): void {
    const total = this.state.plan.amplitudes;
    const perOut = 2 ** Math.floor(Math.log2(Math.min(this.sim.ctx.limits.maxStorageBufferBindingSize, this.sim.ctx.limits.maxBufferSize) / 4));
    const wg = this.sim.workgroupSize('probabilities');
    for (let start = 0; start < total; start += perOut) {
      const count = Math.min(perOut, total - start);
      this.record({ count, a: start }, {}, 0);
      this.probOutputs.push({ start, count });
      this.dispatch(kernels.probabilities(this.shape(), wg), Math.ceil(count / wg), { kind: 'probabilities', index: this.probOutputs.length - 1 });
    }
  }

  /** Segments per row for reductions: enough workgroups to fill the device, few enough partials. */
  private segments(rowLen: number, wg: number): number {
    return Math.max(1, Math.min(1024, Math.ceil(rowLen / wg)));
  }

  /**
   * A reduction's workgroup: no wider than the items each workgroup has
   * (small states in big batches: many short rows), so idle invocations do
   * not wait at every barrier — they cost a software adapter as much as busy ones.
   */
  private narrow(wg: number, itemsPerWorkgroup: number): number {
    let w = 1;
    while (w < itemsPerWorkgroup && w < wg) w *= 2;
    return w;
  }

  /**
   * Queues Re⟨ψ|P|ψ⟩ for every group's strings in each of the first `rows`
   * rows. Returns where the sums land: value(group, slot, row) after submit.
   */
  queuePauliSums(groups: TermGroup[], rows = this.state.plan.rows): (group: number, slot: number, row: number) => number {
    if (groups.length === 0) return () => 0;
    const n = this.n;
    const rowLen = 2 ** n;
    const wide = this.sim.workgroupSize('pauli-reduce');
    const segs = this.segments(rowLen, wide);
    const wg = this.narrow(wide, Math.ceil(rowLen / segs));
    const base = this.partialSlots;
    const program = kernels.pauliReduce(this.shape(), wg);
    groups.forEach((g, gi) => {
      const t = [0, 0, 0, 0, 0, 0, 0, 0];
      g.zMasks.forEach((z, u) => (t[u] = z));
      g.phases.forEach((p, u) => (t[4 + u] = p));
      this.record({ count: rows * segs, a: rowLen, b: segs, c: g.xMask, d: base + gi * rows * segs }, { t }, 0);
      this.dispatch(program, rows * segs, { kind: 'reduce' });
    });
    this.partialSlots += groups.length * rows * segs;
    const out = this.queueSum(base, segs, groups.length * rows);
    return (group, slot, row) => this.outputs![4 * (out + group * rows + row) + slot];
  }

  /** Second pass: `outputs` sums of `segs` consecutive partials from `base`. Returns the first output slot. */
  private queueSum(base: number, segs: number, outputs: number): number {
    const out = this.outputSlots;
    this.record({ count: outputs, a: segs, c: base, d: out }, {}, 0);
    this.dispatch(kernels.sum(this.shape(), this.narrow(this.sim.workgroupSize('sum'), segs)), outputs, { kind: 'reduce' });
    this.outputSlots += outputs;
    return out;
  }

  /**
   * λ = H ψ for the first `rows` rows: ψ rows 0…rows−1 → λ rows rows…2·rows−1
   * (the state needs 2·rows rows). `terms` as masks and f32-rounded coefficients.
   */
  applyPauliSum(terms: { xMask: number; zMask: number; coeff: number }[], rows = 1): void {
    const n = this.n;
    if (this.state.plan.rows < 2 * rows) throw new RangeError(`WebGPU: applyPauliSum on ${rows} rows needs a ${2 * rows}-row state`);
    const count = rows * 2 ** n;
    const rec = this.record({ count, k: terms.length, a: count }, {}, 4 * terms.length);
    const f = new Float32Array(rec.m.buffer);
    terms.forEach((t, u) => {
      rec.m[4 * u] = t.xMask >>> 0;
      rec.m[4 * u + 1] = t.zMask >>> 0;
      rec.m[4 * u + 2] = popcount(t.xMask & t.zMask) % 4;
      f[4 * u + 3] = t.coeff;
    });
    const wg = this.sim.workgroupSize('pauli-apply');
    this.dispatch(kernels.pauliApply(this.shape(), wg), Math.ceil(count / wg));
  }

  private genSegs = 0;
  private genRows = 1;
  private genSlots: number[] = [];

  /**
   * Queues Re⟨λ_r|P_c ⊗ (−iG)|ψ_r⟩ (ψ rows 0…rows−1, λ rows after them, as
   * applyPauliSum leaves them) for a parameterised gate with generator G
   * (dense complex 2·4^k, or diagonal real 2^k). Returns an index for
   * generatorValue() after finishGenerators() and submit. Every call of a
   * run uses the same `rows`. A diagonal generator already on the GPU
   * (`lambda`, see GpuSimulator.lambda) is read from there, not copied.
   */
  queueGenerator(targets: number[], controls: number[], diagonal: boolean, generator: Float64Array, rows = 1, lambda?: GpuLambda | null): number {
    const n = this.n;
    const k = targets.length, c = controls.length;
    const cmask = controls.reduce((m, q) => m | (1 << q), 0) >>> 0;
    if (this.genSlots.length === 0) {
      this.genRows = rows;
      this.genSegs = this.segments(2 ** (n - 1), 64);
      this.genBase = this.partialSlots;
    } else if (rows !== this.genRows) throw new RangeError(`WebGPU: generator reductions of one run must share a row count (${this.genRows}, got ${rows})`);
    const segs = this.genSegs;
    let positions: number[], count: number, words: Float32Array;
    const wg = () => this.narrow(this.sim.workgroupSize('generator-reduce', diagonal ? 1 : k), Math.ceil(count / segs));
    const onGpu = diagonal && lambda ? lambda : null;
    if (onGpu) {
      if (onGpu.entries !== 2 ** k) throw new RangeError(`WebGPU: a generator of ${onGpu.entries} entries for a gate on ${k} qubits`);
      positions = [...controls].sort((a, b) => a - b);
      count = 2 ** (n - c);
      words = new Float32Array(0);
    } else if (diagonal) {
      positions = [...controls].sort((a, b) => a - b);
      count = 2 ** (n - c);
      words = new Float32Array(2 * generator.length);
      generator.forEach((l, j) => (words[2 * j] = l));
    } else {
      positions = [...targets, ...controls].sort((a, b) => a - b);
      count = 2 ** (n - k - c);
      words = Float32Array.from(generator);
    }
    const slot = this.genSlots.length;
    const per = rows * segs;
    const rec = this.record({ count, npos: positions.length, cmask, k, rowShift: n, a: rows * 2 ** n, b: segs, c: rows, d: this.genBase + slot * per }, { t: targets, p: positions }, words.length);
    new Float32Array(rec.m.buffer).set(words);
    this.genSlots.push(slot);
    this.partialSlots = this.genBase + (slot + 1) * per;
    this.dispatch(kernels.generatorReduce(k, diagonal, positions.length, this.shape(), wg(), onGpu !== null), per, onGpu ? { kind: 'lambda', buffer: onGpu.buffer, reduce: true } : { kind: 'reduce' });
    return slot;
  }

  private genBase = 0;
  private genOut = -1;

  /** The second pass over every queued generator reduction (call once, after the last). */
  finishGenerators(): void {
    if (this.genSlots.length > 0) this.genOut = this.queueSum(this.genBase, this.genSegs, this.genSlots.length * this.genRows);
  }

  /** Re⟨λ_r|P_c ⊗ (−iG)|ψ_r⟩ for a queued generator and row r, after submit. */
  generatorValue(slot: number, row = 0): number {
    return this.outputs![4 * (this.genOut + slot * this.genRows + row)];
  }

  /**
   * Queues the fidelities |⟨ψ_i|φ_j⟩|² of rows i ∈ [a, a + nA) with rows
   * j ∈ [b, b + nB) of this state, row-major (nA × nB, f32), into a
   * float output read with floats(index) after submit. Tiled: each workgroup
   * owns a GRAM_TILE × GRAM_TILE block and streams both rows' amplitudes
   * through workgroup memory, so each amplitude is read once per tile.
   */
  queueGram(a: number, nA: number, b: number, nB: number): number {
    const tile = GRAM_TILE;
    const tilesA = Math.ceil(nA / tile), tilesB = Math.ceil(nB / tile);
    const rows = this.state.plan.rows;
    if (a < 0 || b < 0 || a + nA > rows || b + nB > rows) throw new RangeError(`WebGPU: Gram rows [${a}, ${a + nA}) × [${b}, ${b + nB}) outside a ${rows}-row state`);
    const maxFloats = Math.floor(Math.min(this.sim.ctx.limits.maxStorageBufferBindingSize, this.sim.ctx.limits.maxBufferSize) / 4);
    if (nA * nB > maxFloats) throw new RangeError(`WebGPU: a ${nA} × ${nB} Gram block exceeds the adapter's largest buffer binding (${maxFloats} floats); split it`);
    this.record({ count: tilesA * tilesB, k: this.n, a, b, c: tilesB, e: nA, f: nB }, {}, 0);
    this.floatOutputs.push({ start: 0, count: nA * nB });
    this.dispatch(kernels.gram(this.shape(), tile), tilesA * tilesB, { kind: 'floats', index: this.floatOutputs.length - 1 });
    return this.floatOutputs.length - 1;
  }

  /** A queued float output (a Gram block), after submit. */
  floats(index: number): Float32Array {
    const f = this.floatData[index];
    if (!f) throw new Error(`WebGPU: float output ${index} was not queued in this run`);
    return f;
  }

  /** The probabilities of all rows (f32 from the GPU), after submit. */
  probabilities(): Float32Array {
    if (!this.probs) throw new Error('WebGPU: probabilities were not queued in this run');
    return this.probs;
  }

  /** Encodes everything into one command encoder, submits once, maps the outputs back. */
  async submit(): Promise<RunTimings> {
    const sim = this.sim;
    const device = sim.device;
    const limits = sim.ctx.limits;
    const pool = sim.pool;
    const taken: GPUBuffer[] = [];
    const take = (size: number, usage: GPUBufferUsageFlags, label: string) => {
      const b = pool.acquire(size, usage, label);
      taken.push(b);
      return b;
    };
    try {
      // ONE storage buffer for every kernel's record, at aligned offsets.
      const align = Math.max(256, limits.minStorageBufferOffsetAlignment);
      let maxBytes = HEADER_BYTES + 8;
      for (const r of this.records) maxBytes = Math.max(maxBytes, HEADER_BYTES + 4 * r.m.length);
      maxBytes = Math.ceil(maxBytes / 16) * 16;
      if (maxBytes > limits.maxStorageBufferBindingSize)
        throw new RangeError(`WebGPU: one gate's data is ${formatBytes(maxBytes)}, over maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize}`);
      const offsets: number[] = [];
      let end = 0;
      for (const r of this.records) {
        offsets.push(end);
        end += Math.ceil((HEADER_BYTES + 4 * r.m.length) / align) * align;
      }
      const gateBytes = offsets.length > 0 ? offsets[offsets.length - 1] + maxBytes : maxBytes;
      if (gateBytes > limits.maxBufferSize) throw new RangeError(`WebGPU: this run's gate data (${formatBytes(gateBytes)}) exceeds maxBufferSize ${limits.maxBufferSize}`);
      const packed = new Uint32Array(Math.ceil(gateBytes / 4));
      this.records.forEach((r, i) => {
        packed.set(r.hdr, offsets[i] / 4);
        packed.set(r.m, offsets[i] / 4 + HEADER_WORDS);
      });
      const gateBuf = take(gateBytes, U().STORAGE | U().COPY_DST, 'quench gate records');
      device.queue.writeBuffer(gateBuf, 0, packed);
      const layouts = sim.pipelines.layout(this.state.plan.chunks);
      const gateGroup = device.createBindGroup({ layout: layouts.gate, entries: [{ binding: 0, resource: { buffer: gateBuf, offset: 0, size: maxBytes } }] });

      // Auxiliary buffers: reduction partials and outputs, probability outputs.
      const dummy = sim.dummyBuffers();
      const auxGroup = (a: GPUBuffer, b: GPUBuffer, sizeA?: number) =>
        device.createBindGroup({ layout: layouts.aux, entries: [{ binding: 0, resource: { buffer: a, size: sizeA } }, { binding: 1, resource: { buffer: b } }] });
      const noAux = auxGroup(dummy[0], dummy[1]);
      let reduceGroup: GPUBindGroup | null = null;
      let outBuf: GPUBuffer | null = null;
      let partials: GPUBuffer | null = null;
      const outBytes = Math.max(16, this.outputSlots * 16);
      if (this.outputSlots > 0) {
        partials = take(Math.max(16, this.partialSlots * 16), U().STORAGE, 'quench partials');
        outBuf = take(outBytes, U().STORAGE | U().COPY_SRC, 'quench outputs');
        reduceGroup = auxGroup(partials, outBuf);
      }
      // GPU-bound diagonals: their λ at binding 1, one group per buffer and use.
      const lambdaGroups = [new Map<GPUBuffer, GPUBindGroup>(), new Map<GPUBuffer, GPUBindGroup>()];
      const lambdaGroup = (buffer: GPUBuffer, reduce: boolean) => {
        const byBuffer = lambdaGroups[reduce ? 1 : 0];
        let g = byBuffer.get(buffer);
        if (!g) {
          if (reduce && !partials) throw new Error('WebGPU: a generator reduction without finishGenerators()');
          byBuffer.set(buffer, (g = auxGroup(reduce ? partials! : dummy[0], buffer)));
        }
        return g;
      };
      const probBufs = this.probOutputs.map((p, i) => take(p.count * 4, U().STORAGE | U().COPY_SRC, `quench probabilities ${i}`));
      const probGroups = probBufs.map((b, i) => auxGroup(b, dummy[1], this.probOutputs[i].count * 4));
      const floatBufs = this.floatOutputs.map((f, i) => take(Math.max(16, f.count * 4), U().STORAGE | U().COPY_SRC, `quench float output ${i}`));
      const floatGroups = floatBufs.map((b, i) => auxGroup(b, dummy[1], Math.max(16, this.floatOutputs[i].count * 4)));

      const queries = sim.timestampQueries();
      const encoder = device.createCommandEncoder({ label: 'quench run' });
      let pass: GPUComputePassEncoder | null = null;
      let passPhase = -1;
      for (const d of this.dispatches) {
        if (d.phase !== passPhase) {
          pass?.end();
          passPhase = d.phase;
          pass = encoder.beginComputePass({
            label: d.phase === 0 ? 'quench simulate' : 'quench readout',
            timestampWrites: queries ? { querySet: queries, beginningOfPassWriteIndex: 2 * d.phase, endOfPassWriteIndex: 2 * d.phase + 1 } : undefined,
          });
        }
        pass!.setPipeline(sim.pipelines.get(d.program, this.state.plan.chunks));
        pass!.setBindGroup(0, this.state.bindGroup);
        pass!.setBindGroup(1, gateGroup, [offsets[d.record]]);
        const aux = d.aux;
        pass!.setBindGroup(
          2,
          aux.kind === 'none' ? noAux
            : aux.kind === 'reduce' ? reduceGroup!
            : aux.kind === 'lambda' ? lambdaGroup(aux.buffer, aux.reduce)
            : aux.kind === 'floats' ? floatGroups[aux.index]
            : probGroups[aux.index],
        );
        const [x, y] = sim.dispatchShape(d.workgroups);
        pass!.dispatchWorkgroups(x, y);
      }
      pass?.end();

      // Copies to mappable buffers, then one submit.
      const reads: { staging: GPUBuffer; bytes: number; use: (data: ArrayBuffer) => void }[] = [];
      const readBack = (src: GPUBuffer, bytes: number, use: (data: ArrayBuffer) => void) => {
        const staging = take(bytes, U().MAP_READ | U().COPY_DST, 'quench readback');
        encoder.copyBufferToBuffer(src, 0, staging, 0, bytes);
        reads.push({ staging, bytes, use });
      };
      const phases = new Set(this.dispatches.map((d) => d.phase));
      const got: { stamps?: BigInt64Array } = {};
      if (queries && this.dispatches.length > 0) {
        const resolve = take(32, U().QUERY_RESOLVE | U().COPY_SRC, 'quench timestamps');
        encoder.resolveQuerySet(queries, 0, 4, resolve, 0);
        readBack(resolve, 32, (d) => (got.stamps = new BigInt64Array(d.slice(0))));
      }
      if (outBuf) readBack(outBuf, this.outputSlots * 16, (d) => (this.outputs = new Float32Array(d.slice(0))));
      if (probBufs.length > 0) {
        const all = new Float32Array(this.state.plan.amplitudes);
        probBufs.forEach((b, i) => readBack(b, this.probOutputs[i].count * 4, (d) => all.set(new Float32Array(d), this.probOutputs[i].start)));
        this.probs = all;
      }
      floatBufs.forEach((b, i) => readBack(b, this.floatOutputs[i].count * 4, (d) => (this.floatData[i] = new Float32Array(d.slice(0)))));
      const t0 = performance.now();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
      const tDone = performance.now();
      await Promise.all(reads.map((r) => r.staging.mapAsync(MAP_READ_MODE, 0, r.bytes)));
      for (const r of reads) {
        r.use(r.staging.getMappedRange(0, r.bytes));
        r.staging.unmap();
      }
      const wallMs = performance.now() - t0;
      const stamps = got.stamps;
      const span = (p: number) => (stamps && phases.has(p as 0 | 1) ? Number(stamps[2 * p + 1] - stamps[2 * p]) / 1e6 : 0);
      return stamps
        ? { timing: 'gpu-timestamps', simulateMs: span(0), readoutKernelMs: span(1), wallMs, dispatches: this.dispatches.length }
        : { timing: 'wall-clock', simulateMs: tDone - t0, readoutKernelMs: 0, wallMs, dispatches: this.dispatches.length };
    } finally {
      for (const b of taken) pool.release(b);
    }
  }
}
