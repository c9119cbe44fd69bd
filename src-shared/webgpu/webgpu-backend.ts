// The WebGPU backend (`webgpu`): the Backend contract on complex64 state
// vectors in WGSL compute kernels. The same module runs in the renderer (on
// navigator.gpu) and in Node (on Dawn's GPU object): it is handed a GPU, or
// a GpuContext, by its caller.
//
// Precision: WGSL has no f64, so every result is computed in f32 and says
// so (precision: 'f32'); a request for f64 is run and reported as f32.
import type { Backend, ExecutionOptions, GradientResult, SimulationRequest, SimulationResult } from '../backend/backend';
import { sampleFromProbabilities } from '../backend/sampling';
import { boundMatrix, isParameterised, type LoweredCircuit, type LoweredGate } from '../circuit/lowered';
import { pauliTermMasks, validatePauliSum, type PauliSum } from '../observable/pauli';
import { GpuContext, type GpuContextOptions, type TimingSource } from './context';
import { blockMatrix, fuseGates, type FusedBlock } from './fusion';
import { MAX_DENSE_QUBITS } from './kernels';
import { GpuSimulator, groupTerms, type GateOp, type GpuRun, type RunTimings } from './simulator';
import { BYTES_PER_AMPLITUDE, MAX_INDEX_BITS, maxChunkBytes, maxChunks } from './state';

/** Default largest fused block (qubits) on the GPU; see bench/RESULTS.md (WebGPU). */
export const WEBGPU_DEFAULT_FUSION = 3;
/** Largest fused block the kernels are compiled for. */
export const WEBGPU_MAX_FUSION = 5;
/** Probabilities are read back into a Float64Array: at most 2^27 of them (1 GiB). */
export const MAX_READBACK_QUBITS = 27;

export interface WebGpuBackendOptions extends GpuContextOptions {
  /** Largest state chunk per binding, bytes (tests force splitting with a small value). */
  maxChunkBytes?: number;
  /** Largest rows × 2^n amplitudes of one batched run; bigger batches run in several (default 2^26, 512 MiB). */
  maxBatchAmplitudes?: number;
}

export interface WebGpuSimulationResult extends SimulationResult {
  precision: 'f32';
  /** How simulate/readout times were measured. */
  timing: TimingSource;
  adapter: string;
}

export class WebGpuBackend implements Backend {
  readonly id = 'webgpu' as const;
  readonly sim: GpuSimulator;
  /** Timings of the last run (simulate, gradient or runBatch). */
  lastRun: RunTimings | null = null;
  private readonly fused = new WeakMap<LoweredCircuit, Map<string, FusedBlock[]>>();
  private readonly ownsContext: boolean;

  constructor(readonly ctx: GpuContext, private readonly options: WebGpuBackendOptions = {}, ownsContext = false) {
    this.sim = new GpuSimulator(ctx, { maxChunkBytes: options.maxChunkBytes });
    this.ownsContext = ownsContext;
  }

  /** A backend on its own device from `gpu`; rejects with WebGpuUnavailableError where there is none. */
  static async create(gpu: GPU | null | undefined, options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
    return new WebGpuBackend(await GpuContext.create(gpu, options), options, true);
  }

  /** The adapter, as one line (vendor · architecture · description). */
  get adapter(): string {
    return this.ctx.adapter.name;
  }

  get timing(): TimingSource {
    return this.ctx.timing;
  }

  /** The largest state (qubits) one run can hold on this adapter. */
  maxQubits(rows = 1): number {
    const bytes = maxChunkBytes(this.ctx.limits, this.options.maxChunkBytes) * maxChunks(this.ctx.limits);
    return Math.min(MAX_INDEX_BITS - Math.ceil(Math.log2(rows)), Math.floor(Math.log2(bytes / BYTES_PER_AMPLITUDE / rows)));
  }

  dispose(): void {
    this.sim.destroy();
    if (this.ownsContext) this.ctx.destroy();
  }

  // ---- structure -----------------------------------------------------------

  private blocks(circuit: LoweredCircuit, fusion: number, forGradient: boolean): FusedBlock[] {
    const k = Math.max(0, Math.min(WEBGPU_MAX_FUSION, fusion));
    const key = `${k}${forGradient ? 'g' : ''}`;
    let byKey = this.fused.get(circuit);
    if (!byKey) this.fused.set(circuit, (byKey = new Map()));
    let b = byKey.get(key);
    if (!b) byKey.set(key, (b = fuseGates(circuit.gates, k, forGradient ? isParameterised : undefined)));
    return b;
  }

  /** The block as a GPU gate, bound for one parameter row (or per row when `rows` has several). */
  private blockOp(circuit: LoweredCircuit, block: FusedBlock, rows: ArrayLike<number>[]): GateOp {
    const perRow = block.parameterised && rows.length > 1;
    const bind = (p: ArrayLike<number>): Float64Array => {
      if (block.members.length === 1) return boundMatrix(circuit.gates[block.members[0]], p);
      return blockMatrix(circuit.gates, block, p);
    };
    let matrix: Float64Array;
    if (perRow) {
      const first = bind(rows[0]);
      matrix = new Float64Array(first.length * rows.length);
      matrix.set(first, 0);
      for (let r = 1; r < rows.length; r++) matrix.set(bind(rows[r]), r * first.length);
    } else matrix = bind(rows[0]);
    if (block.members.length === 1) {
      const g = circuit.gates[block.members[0]];
      return { targets: g.qubits, controls: g.controls, diagonal: g.diagonal, matrix, perRow };
    }
    return { targets: block.qubits, controls: [], diagonal: block.diagonal, matrix, perRow };
  }

  // ---- checks --------------------------------------------------------------

  private check(circuit: LoweredCircuit, params: ArrayLike<number> | undefined, observables: PauliSum[], options: ExecutionOptions): void {
    const n = circuit.numQubits;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`WebGPU: number of qubits must be a positive integer, got ${n}`);
    circuit.gates.forEach((g, i) => {
      for (const q of [...g.qubits, ...g.controls])
        if (!Number.isInteger(q) || q < 0 || q >= n) throw new RangeError(`WebGPU: gate ${i} acts on qubit ${q}, but the circuit has ${n} qubits`);
      if (!g.diagonal && g.qubits.length > MAX_DENSE_QUBITS) throw new RangeError(`WebGPU: gate ${i} is a dense ${g.qubits.length}-qubit matrix; the kernels support at most ${MAX_DENSE_QUBITS}`);
      if (isParameterised(g) && (g.slot! >= circuit.numParams || !g.generator)) throw new RangeError(`WebGPU: gate ${i} references parameter slot ${g.slot}, but the circuit has ${circuit.numParams}`);
    });
    const p = params ?? [];
    if (p.length < circuit.numParams) throw new RangeError(`WebGPU: the circuit has ${circuit.numParams} parameters, got ${p.length} values`);
    for (let i = 0; i < circuit.numParams; i++) if (!Number.isFinite(p[i])) throw new RangeError(`WebGPU: parameter ${i} is ${p[i]}`);
    observables.forEach((o) => validatePauliSum(o, n));
    if (options.signal?.aborted) throw abortError();
    if (this.ctx.lost) throw new Error(this.ctx.lost);
  }

  private termMasks(observables: PauliSum[]) {
    const masks: { xMask: number; zMask: number }[] = [];
    const owner: { obs: number; coeff: number }[] = [];
    observables.forEach((o, j) =>
      o.terms.forEach((t) => {
        masks.push(pauliTermMasks(t));
        owner.push({ obs: j, coeff: t.coeff });
      }),
    );
    return { masks, owner, ...groupTerms(masks) };
  }

  // ---- Backend -------------------------------------------------------------

  async simulate(req: SimulationRequest, options: ExecutionOptions = {}): Promise<WebGpuSimulationResult> {
    const t0 = performance.now();
    const { circuit } = req;
    const n = circuit.numQubits;
    const observables = req.observables ?? [];
    this.check(circuit, req.params, observables, options);
    const shots = req.shots ?? 0;
    if (!Number.isInteger(shots) || shots < 0) throw new RangeError(`WebGPU: shots must be a non-negative integer, got ${req.shots}`);
    if (req.marginal) {
      const seen = new Set<number>();
      for (const q of req.marginal) {
        if (!Number.isInteger(q) || q < 0 || q >= n) throw new RangeError(`WebGPU: marginal qubit ${q} is not in 0..${n - 1}`);
        if (seen.has(q)) throw new RangeError(`WebGPU: marginal qubit ${q} is listed twice`);
        seen.add(q);
      }
    }
    const needProbs = Boolean(req.probabilities || shots > 0 || req.marginal);
    if (needProbs && n > MAX_READBACK_QUBITS)
      throw new RangeError(`WebGPU: probabilities, marginals and samples read all 2^n probabilities back; ${n} qubits is too many (at most ${MAX_READBACK_QUBITS})`);
    const params = req.params ?? [];
    const blocks = this.blocks(circuit, options.fusion ?? WEBGPU_DEFAULT_FUSION, false);
    const ops = blocks.map((b) => this.blockOp(circuit, b, [params]));
    const terms = this.termMasks(observables);
    const state = this.sim.allocState(n, 1);
    try {
      const out = await this.ctx.run('WebGPU simulate', async () => {
        const run = this.sim.begin(state);
        run.init();
        for (const op of ops) run.gate(op);
        run.readout();
        if (needProbs) run.queueProbabilities();
        const value = run.queuePauliSums(terms.groups);
        const t1 = performance.now();
        const timings = await run.submit();
        return { run, value, timings, compileMs: t1 - t0 };
      });
      if (options.signal?.aborted) throw abortError();
      const t2 = performance.now();
      const expectations = observables.map(() => 0);
      terms.where.forEach((w, i) => (expectations[terms.owner[i].obs] += terms.owner[i].coeff * out.value(w.group, w.slot, 0)));
      let probabilities: Float64Array | undefined;
      if (needProbs) probabilities = Float64Array.from(out.run.probabilities());
      const result: WebGpuSimulationResult = {
        numQubits: n,
        probabilities: req.probabilities ? probabilities : undefined,
        marginal: req.marginal ? marginalOf(probabilities!, req.marginal) : undefined,
        expectations,
        samples: shots > 0 ? sampleFromProbabilities(probabilities!, shots, req.seed ?? 0) : undefined,
        timings: {
          compile: out.compileMs,
          simulate: out.timings.simulateMs,
          readout: out.timings.readoutKernelMs + (performance.now() - t2) + (out.timings.timing === 'wall-clock' ? out.timings.wallMs - out.timings.simulateMs : 0),
        },
        passes: ops.length,
        precision: 'f32',
        timing: out.timings.timing,
        adapter: this.adapter,
      };
      this.lastRun = out.timings;
      options.onProgress?.(1);
      return result;
    } finally {
      this.sim.releaseState(state);
    }
  }

  /**
   * Adjoint differentiation on the GPU: ψ forward, λ = Hψ, then gate by gate
   * backwards ψ ← U†ψ, λ ← U†λ (both rows of one 2-row state, one dispatch),
   * with dθ contributions 2·Re⟨λ|P_c ⊗ (−iG)|ψ⟩ reduced on the GPU. Fixed
   * gates are fused; parameterised gates stay alone.
   */
  async gradient(circuit: LoweredCircuit, params: ArrayLike<number>, observable: PauliSum, options: ExecutionOptions = {}): Promise<GradientResult> {
    this.check(circuit, params, [observable], options);
    const n = circuit.numQubits;
    const blocks = this.blocks(circuit, options.fusion ?? WEBGPU_DEFAULT_FUSION, true);
    const ops = blocks.map((b) => this.blockOp(circuit, b, [params]));
    const terms = this.termMasks([observable]);
    const state = this.sim.allocState(n, 2);
    try {
      const out = await this.ctx.run('WebGPU gradient', async () => {
        const run = this.sim.begin(state);
        run.init(1);
        for (const op of ops) run.gate(op, 1);
        const value = run.queuePauliSums(terms.groups, 1);
        run.applyPauliSum(terms.masks.map((m, i) => ({ ...m, coeff: terms.owner[i].coeff })));
        const slots: { slot: number; scale: number; id: number }[] = [];
        for (let i = blocks.length - 1; i >= 0; i--) {
          const b = blocks[i];
          if (b.parameterised) {
            const g = circuit.gates[b.members[0]];
            slots.push({ slot: g.slot!, scale: g.scale ?? 1, id: run.queueGenerator(g.qubits, g.controls, g.diagonal, g.generator!) });
          }
          if (i > 0) run.gate(inverse(ops[i]), 2);
        }
        run.finishGenerators();
        const timings = await run.submit();
        return { run, value, slots, timings };
      });
      if (options.signal?.aborted) throw abortError();
      let value = 0;
      terms.where.forEach((w, i) => (value += terms.owner[i].coeff * out.value(w.group, w.slot, 0)));
      const gradient = new Float64Array(circuit.numParams);
      for (const s of out.slots) gradient[s.slot] += 2 * s.scale * out.run.generatorValue(s.id);
      this.lastRun = out.timings;
      options.onProgress?.(1);
      return { value, gradient };
    } finally {
      this.sim.releaseState(state);
    }
  }

  /**
   * batch × observables expectation values. All rows of a run are one state
   * buffer (row b at offset b·2^n): one dispatch per gate for every row,
   * matrices per row where the gate depends on the parameters.
   */
  async runBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, observables: PauliSum[], options: ExecutionOptions = {}): Promise<Float64Array> {
    const P = circuit.numParams;
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`WebGPU: batch must be a positive integer, got ${batch}`);
    if (params.length < batch * P) throw new RangeError(`WebGPU: ${batch} rows of ${P} parameters need ${batch * P} values, got ${params.length}`);
    this.check(circuit, params.subarray(0, P), observables, options);
    for (let i = 0; i < batch * P; i++) if (!Number.isFinite(params[i])) throw new RangeError(`WebGPU: parameter row ${Math.floor(i / P)}, slot ${i % P} is ${params[i]}`);
    const n = circuit.numQubits;
    const cap = Math.min(this.options.maxBatchAmplitudes ?? 2 ** 26, 2 ** this.maxQubits(1));
    const rowsPerRun = Math.max(1, Math.floor(cap / 2 ** n));
    const blocks = this.blocks(circuit, options.fusion ?? WEBGPU_DEFAULT_FUSION, false);
    const terms = this.termMasks(observables);
    const M = observables.length;
    const out = new Float64Array(batch * M);
    for (let first = 0; first < batch; first += rowsPerRun) {
      const rows = Math.min(rowsPerRun, batch - first);
      const rowParams = Array.from({ length: rows }, (_, r) => params.subarray((first + r) * P, (first + r + 1) * P));
      const ops = blocks.map((b) => this.blockOp(circuit, b, rowParams));
      const state = this.sim.allocState(n, rows);
      try {
        const res = await this.ctx.run('WebGPU runBatch', async () => {
          const run: GpuRun = this.sim.begin(state);
          run.init();
          for (const op of ops) run.gate(op);
          run.readout();
          const value = run.queuePauliSums(terms.groups);
          const timings = await run.submit();
          return { value, timings };
        });
        for (let r = 0; r < rows; r++)
          terms.where.forEach((w, i) => (out[(first + r) * M + terms.owner[i].obs] += terms.owner[i].coeff * res.value(w.group, w.slot, r)));
        this.lastRun = res.timings;
      } finally {
        this.sim.releaseState(state);
      }
      if (options.signal?.aborted) throw abortError();
      options.onProgress?.(Math.min(1, (first + rows) / batch));
    }
    return out;
  }
}

/** U† of a bound gate: conjugate transpose (dense) or conjugate (diagonal). */
function inverse(op: GateOp): GateOp {
  const m = op.matrix;
  const out = new Float64Array(m.length);
  if (op.diagonal) for (let j = 0; j < m.length; j += 2) (out[j] = m[j]), (out[j + 1] = -m[j + 1]);
  else {
    const d = 1 << op.targets.length;
    for (let r = 0; r < d; r++)
      for (let c = 0; c < d; c++) {
        out[2 * (r * d + c)] = m[2 * (c * d + r)];
        out[2 * (r * d + c) + 1] = -m[2 * (c * d + r) + 1];
      }
  }
  return { ...op, matrix: out };
}

/** Marginal over `qubits` (bit j ↔ qubits[j]) from full probabilities, accumulated in f64. */
function marginalOf(p: Float64Array, qubits: number[]): Float64Array {
  const out = new Float64Array(1 << qubits.length);
  for (let i = 0; i < p.length; i++) {
    let j = 0;
    for (let b = 0; b < qubits.length; b++) if ((i >>> qubits[b]) & 1) j |= 1 << b;
    out[j] += p[i];
  }
  return out;
}

function abortError(): Error {
  const e = new Error('WebGPU run cancelled');
  e.name = 'AbortError';
  return e;
}
