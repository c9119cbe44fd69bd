// The WebGPU backend (`webgpu`): the Backend contract on complex64 state
// vectors in WGSL compute kernels. The same module runs in the renderer (on
// navigator.gpu) and in Node (on Dawn's GPU object): it is handed a GPU, or
// a GpuContext, by its caller.
//
// Precision: WGSL has no f64, so every result is computed in f32 and says
// so (precision: 'f32'); a request for f64 is run and reported as f32.
import type { Backend, BranchState, ExecutionOptions, GradientResult, SimulationRequest, SimulationResult } from '../backend/backend';
import { sampleFromProbabilities } from '../backend/sampling';
import { boundMatrix, gateAngle, isParameterised, type LoweredCircuit, type LoweredGate } from '../circuit/lowered';
import { pauliTermMasks, validatePauliSum, type PauliSum } from '../observable/pauli';
import { GpuContext, type GpuContextOptions, type TimingSource } from './context';
import { blockMatrix, fuseGates, type FusedBlock } from './fusion';
import { MAX_DENSE_QUBITS } from './kernels';
import { GpuSimulator, groupTerms, type GateOp, type GpuRun, type GpuState, type RunTimings } from './simulator';
import { BYTES_PER_AMPLITUDE, MAX_INDEX_BITS, maxChunkBytes, maxChunks } from './state';

/** Default largest fused block (qubits) on the GPU; see bench/RESULTS.md (WebGPU). */
export const WEBGPU_DEFAULT_FUSION = 3;
/** Largest fused block the kernels are compiled for. */
export const WEBGPU_MAX_FUSION = 5;
/** Probabilities are read back into a Float64Array: at most 2^27 of them (1 GiB). */
export const MAX_READBACK_QUBITS = 27;
/**
 * Lone parameterised diagonal gates on at least this many target qubits are
 * bound on the GPU (e^{−iθλ_j} per amplitude, λ uploaded once per gate)
 * rather than in JavaScript, where 2^k cos/sin per call and batch row and
 * their copies into the run kept the host busy (QAOA's cost layer: one
 * diagonal over every qubit). Smaller ones cost the host next to nothing
 * and each uploaded λ is a buffer of its own.
 */
export const WEBGPU_PHASE_ON_GPU_QUBITS = 6;

export interface WebGpuBackendOptions extends GpuContextOptions {
  /** Largest state chunk per binding, bytes (tests force splitting with a small value). */
  maxChunkBytes?: number;
  /** Largest rows × 2^n amplitudes of one batched run; bigger batches run in several (default 2^26, 512 MiB). */
  maxBatchAmplitudes?: number;
  /** Smallest parameterised diagonal (target qubits) bound on the GPU (default WEBGPU_PHASE_ON_GPU_QUBITS; tests use 0: all). */
  phaseOnGpuQubits?: number;
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

  /** Frees the backend's buffers and (when it owns it) its device; settles once the device is gone. */
  dispose(): Promise<void> {
    this.sim.destroy();
    return this.ownsContext ? this.ctx.destroy() : Promise.resolve();
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

  /**
   * The gate's λ on the GPU when it is a parameterised diagonal bound there
   * (see WEBGPU_PHASE_ON_GPU_QUBITS), else null.
   */
  private phaseLambda(g: LoweredGate) {
    if (!g.diagonal || !isParameterised(g) || g.qubits.length < (this.options.phaseOnGpuQubits ?? WEBGPU_PHASE_ON_GPU_QUBITS)) return null;
    return this.sim.lambda(g.generator!);
  }

  /** The block as a GPU gate, bound for one parameter row (or per row when `rows` has several). */
  private blockOp(circuit: LoweredCircuit, block: FusedBlock, rows: ArrayLike<number>[]): GateOp {
    const perRow = block.parameterised && rows.length > 1;
    if (block.members.length === 1) {
      const g = circuit.gates[block.members[0]];
      const lambda = this.phaseLambda(g);
      if (lambda) {
        // θ/2π per row: the kernel reduces the phase in turns
        const turns = Float64Array.from(perRow ? rows : rows.slice(0, 1), (p) => gateAngle(g, p) / (2 * Math.PI));
        return { targets: g.qubits, controls: g.controls, diagonal: true, phase: { lambda, turns }, perRow };
      }
    }
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

  /** check() for `batch` rows of parameters, each row's values named when bad. */
  private checkRows(circuit: LoweredCircuit, params: Float64Array, batch: number, observables: PauliSum[], options: ExecutionOptions): void {
    const P = circuit.numParams;
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`WebGPU: batch must be a positive integer, got ${batch}`);
    if (params.length < batch * P) throw new RangeError(`WebGPU: ${batch} rows of ${P} parameters need ${batch * P} values, got ${params.length}`);
    this.check(circuit, params.subarray(0, P), observables, options);
    for (let i = 0; i < batch * P; i++) if (!Number.isFinite(params[i])) throw new RangeError(`WebGPU: parameter row ${Math.floor(i / P)}, slot ${i % P} is ${params[i]}`);
  }

  /** Amplitudes one batched run may hold (all its rows together). */
  private batchCapacity(): number {
    return Math.min(this.options.maxBatchAmplitudes ?? 2 ** 26, 2 ** this.maxQubits(1));
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
   * A state for dynamic circuits: each step is one submitted run on the same
   * buffers; a measurement's projection is a (non-unitary) diagonal gate, a
   * branch a buffer copy. f32, like every WebGPU result.
   */
  async createState(numQubits: number, options: ExecutionOptions = {}): Promise<BranchState> {
    if (!Number.isInteger(numQubits) || numQubits < 1) throw new RangeError(`WebGPU: number of qubits must be a positive integer, got ${numQubits}`);
    if (numQubits > MAX_READBACK_QUBITS)
      throw new RangeError(`WebGPU: dynamic circuits read probabilities back; ${numQubits} qubits is too many (at most ${MAX_READBACK_QUBITS})`);
    const fusion = options.fusion ?? WEBGPU_DEFAULT_FUSION;
    const step = async <T>(state: GpuState, label: string, record: (run: GpuRun) => () => T): Promise<T> => {
      if (this.ctx.lost) throw new Error(this.ctx.lost);
      return this.ctx.run(label, async () => {
        const run = this.sim.begin(state);
        const read = record(run);
        await run.submit();
        return read();
      });
    };
    const pauliSums = async (state: GpuState, observables: PauliSum[]): Promise<number[]> => {
      const terms = this.termMasks(observables);
      const out = observables.map(() => 0);
      if (terms.masks.length === 0) {
        // Only constant terms (or none): no reduction to queue.
        observables.forEach((o, j) => o.terms.forEach((t) => (out[j] += t.coeff)));
        return out;
      }
      const value = await step(state, 'WebGPU expectation', (run) => {
        run.readout();
        const at = run.queuePauliSums(terms.groups);
        return () => at;
      });
      terms.where.forEach((w, i) => (out[terms.owner[i].obs] += terms.owner[i].coeff * value(w.group, w.slot, 0)));
      return out;
    };
    const probabilities = (state: GpuState) =>
      step(state, 'WebGPU probabilities', (run) => {
        run.readout();
        run.queueProbabilities();
        return () => Float64Array.from(run.probabilities());
      });
    const wrap = (state: GpuState): BranchState => ({
      numQubits,
      apply: async (circuit) => {
        this.check(circuit, [], [], options);
        const ops = this.blocks(circuit, fusion, false).map((b) => this.blockOp(circuit, b, [[]]));
        await step(state, 'WebGPU dynamic circuit', (run) => {
          for (const op of ops) run.gate(op);
          return () => undefined;
        });
      },
      probabilityOfOne: async (q) => {
        const [z] = await pauliSums(state, [{ terms: [{ coeff: 1, paulis: [{ qubit: q, op: 'Z' }] }] }]);
        return (1 - z) / 2;
      },
      collapse: async (q, outcome, probability) => {
        const s = 1 / Math.sqrt(probability);
        const matrix = new Float64Array(outcome === 0 ? [s, 0, 0, 0] : [0, 0, s, 0]);
        await step(state, 'WebGPU measurement', (run) => {
          run.gate({ targets: [q], controls: [], diagonal: true, matrix });
          return () => undefined;
        });
      },
      clone: async () => {
        const copy = this.sim.allocState(numQubits, 1);
        try {
          await this.ctx.run('WebGPU branch', async () => {
            const enc = this.ctx.device.createCommandEncoder({ label: 'quench branch copy' });
            state.buffers.forEach((b, c) => enc.copyBufferToBuffer(b, 0, copy.buffers[c], 0, Math.min(b.size, copy.buffers[c].size)));
            this.ctx.device.queue.submit([enc.finish()]);
            await this.ctx.device.queue.onSubmittedWorkDone();
          });
        } catch (e) {
          this.sim.releaseState(copy);
          throw e;
        }
        return wrap(copy);
      },
      probabilities: () => probabilities(state),
      expectations: (obs) => pauliSums(state, obs),
      sample: async (shots, seed) => sampleFromProbabilities(await probabilities(state), shots, seed),
      dispose: () => this.sim.releaseState(state),
    });
    const state = this.sim.allocState(numQubits, 1);
    try {
      await step(state, 'WebGPU state', (run) => {
        run.init();
        return () => undefined;
      });
    } catch (e) {
      this.sim.releaseState(state);
      throw e;
    }
    return wrap(state);
  }

  /**
   * Adjoint differentiation on the GPU: ψ forward, λ = Hψ, then gate by gate
   * backwards ψ ← U†ψ, λ ← U†λ (both rows of one 2-row state, one dispatch),
   * with dθ contributions 2·Re⟨λ|P_c ⊗ (−iG)|ψ⟩ reduced on the GPU. Fixed
   * gates are fused; parameterised gates stay alone.
   */
  async gradient(circuit: LoweredCircuit, params: ArrayLike<number>, observable: PauliSum, options: ExecutionOptions = {}): Promise<GradientResult> {
    const p = Float64Array.from({ length: circuit.numParams }, (_, i) => params[i]);
    if (params.length < circuit.numParams) this.check(circuit, params, [observable], options); // names the short parameter list
    const r = await this.gradientBatch(circuit, p, 1, observable, options);
    return { value: r.values[0], gradient: r.gradients };
  }

  /**
   * Per-row values and adjoint gradients (batch × numParams) of one
   * observable, all rows in one state: ψ rows 0…B−1 and λ rows B…2B−1, one
   * dispatch per gate for all of them (matrices per row where the gate
   * depends on the row's parameters), the generator terms reduced per row.
   */
  async gradientBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, observable: PauliSum, options: ExecutionOptions = {}): Promise<{ values: Float64Array; gradients: Float64Array }> {
    const P = circuit.numParams;
    this.checkRows(circuit, params, batch, [observable], options);
    const n = circuit.numQubits;
    const rowsPerRun = Math.max(1, Math.floor(this.batchCapacity() / 2 ** n / 2));
    const blocks = this.blocks(circuit, options.fusion ?? WEBGPU_DEFAULT_FUSION, true);
    const terms = this.termMasks([observable]);
    const coeffTerms = terms.masks.map((m, i) => ({ ...m, coeff: terms.owner[i].coeff }));
    const values = new Float64Array(batch);
    const gradients = new Float64Array(batch * P);
    for (let first = 0; first < batch; first += rowsPerRun) {
      const rows = Math.min(rowsPerRun, batch - first);
      const rowParams = Array.from({ length: rows }, (_, r) => params.subarray((first + r) * P, (first + r + 1) * P));
      const ops = blocks.map((b) => this.blockOp(circuit, b, rowParams));
      const state = this.sim.allocState(n, 2 * rows);
      try {
        const out = await this.ctx.run('WebGPU gradient', async () => {
          const run = this.sim.begin(state);
          run.init(rows);
          for (const op of ops) run.gate(op, rows);
          const value = run.queuePauliSums(terms.groups, rows);
          run.applyPauliSum(coeffTerms, rows);
          const slots: { slot: number; scale: number; id: number }[] = [];
          for (let i = blocks.length - 1; i >= 0; i--) {
            const b = blocks[i];
            if (b.parameterised) {
              const g = circuit.gates[b.members[0]];
              slots.push({ slot: g.slot!, scale: g.scale ?? 1, id: run.queueGenerator(g.qubits, g.controls, g.diagonal, g.generator!, rows, ops[i].phase?.lambda) });
            }
            if (i > 0) run.gate(inverseForBothHalves(ops[i]), 2 * rows);
          }
          run.finishGenerators();
          const timings = await run.submit();
          return { run, value, slots, timings };
        });
        for (let r = 0; r < rows; r++) {
          let v = 0;
          terms.where.forEach((w, i) => (v += terms.owner[i].coeff * out.value(w.group, w.slot, r)));
          values[first + r] = v;
          const g = gradients.subarray((first + r) * P, (first + r + 1) * P);
          for (const s of out.slots) g[s.slot] += 2 * s.scale * out.run.generatorValue(s.id, r);
        }
        this.lastRun = out.timings;
      } finally {
        this.sim.releaseState(state);
      }
      if (options.signal?.aborted) throw abortError();
      options.onProgress?.(Math.min(1, (first + rows) / batch));
    }
    return { values, gradients };
  }

  /**
   * The fidelity kernel K[i][j] = |⟨ψ(a_i)|ψ(b_j)⟩|² of one feature-map
   * circuit at two sets of parameter rows (b = null: the symmetric kernel of
   * a with itself). States are prepared on the GPU, a block of A rows and a
   * block of B rows in one state, and each block pair's Gram is one tiled
   * dispatch; blocks are sized to the adapter's buffer limits.
   */
  async fidelityKernel(circuit: LoweredCircuit, a: Float64Array, nA: number, b: Float64Array | null, nB: number, options: ExecutionOptions = {}): Promise<Float64Array> {
    const P = circuit.numParams;
    this.checkRows(circuit, a, nA, [], options);
    if (b) this.checkRows(circuit, b, nB, [], options);
    else if (nB !== nA) throw new RangeError(`WebGPU: the symmetric kernel needs nB = nA (${nA}), got ${nB}`);
    const n = circuit.numQubits;
    const maxFloats = Math.floor(Math.min(this.ctx.limits.maxStorageBufferBindingSize, this.ctx.limits.maxBufferSize) / 4);
    const R = Math.max(1, Math.min(Math.floor(this.batchCapacity() / 2 ** n / 2), Math.floor(Math.sqrt(maxFloats))));
    const blocks = this.blocks(circuit, options.fusion ?? WEBGPU_DEFAULT_FUSION, false);
    const rowsOf = (src: Float64Array, from: number, count: number) => Array.from({ length: count }, (_, r) => src.subarray((from + r) * P, (from + r + 1) * P));
    const K = new Float64Array(nA * nB);
    const pairs: [number, number][] = [];
    for (let i = 0; i < nA; i += R) for (let j = b ? 0 : i; j < nB; j += R) pairs.push([i, j]);
    let done = 0;
    for (const [i0, j0] of pairs) {
      const ni = Math.min(R, nA - i0), nj = Math.min(R, nB - j0);
      const same = !b && i0 === j0; // a diagonal block of the symmetric kernel: one set of states
      const rowParams = same ? rowsOf(a, i0, ni) : [...rowsOf(a, i0, ni), ...rowsOf(b ?? a, j0, nj)];
      const ops = blocks.map((blk) => this.blockOp(circuit, blk, rowParams));
      const state = this.sim.allocState(n, rowParams.length);
      try {
        const block = await this.ctx.run('WebGPU fidelity kernel', async () => {
          const run = this.sim.begin(state);
          run.init();
          for (const op of ops) run.gate(op);
          run.readout();
          const id = run.queueGram(0, ni, same ? 0 : ni, nj);
          const timings = await run.submit();
          return { gram: run.floats(id), timings };
        });
        for (let r = 0; r < ni; r++)
          for (let c = 0; c < nj; c++) {
            const v = block.gram[r * nj + c];
            K[(i0 + r) * nB + j0 + c] = v;
            if (!b) K[(j0 + c) * nB + i0 + r] = v;
          }
        this.lastRun = block.timings;
      } finally {
        this.sim.releaseState(state);
      }
      if (options.signal?.aborted) throw abortError();
      options.onProgress?.(++done / pairs.length);
    }
    return K;
  }

  /**
   * batch × observables expectation values. All rows of a run are one state
   * buffer (row b at offset b·2^n): one dispatch per gate for every row,
   * matrices per row where the gate depends on the parameters.
   */
  async runBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, observables: PauliSum[], options: ExecutionOptions = {}): Promise<Float64Array> {
    const P = circuit.numParams;
    this.checkRows(circuit, params, batch, observables, options);
    const n = circuit.numQubits;
    const rowsPerRun = Math.max(1, Math.floor(this.batchCapacity() / 2 ** n));
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

/**
 * U† of a bound gate — conjugate transpose (dense) or conjugate (diagonal) —
 * for the backward pass over ψ rows and λ rows together: per-row matrices
 * are inverted row by row and repeated for the λ half. A diagonal bound on
 * the GPU only negates its angles (U(θ)† = U(−θ)).
 */
function inverseForBothHalves(op: GateOp): GateOp {
  if (op.phase) {
    const t = op.phase.turns;
    const inv = new Float64Array(op.perRow ? 2 * t.length : 1);
    for (let i = 0; i < inv.length; i++) inv[i] = -t[i % t.length];
    return { ...op, phase: { lambda: op.phase.lambda, turns: inv } };
  }
  const m = op.matrix!;
  const entries = op.diagonal ? 1 << op.targets.length : 1 << (2 * op.targets.length);
  const inv = new Float64Array(m.length);
  const d = 1 << op.targets.length;
  for (let o = 0; o < m.length; o += 2 * entries) {
    if (op.diagonal) for (let j = 0; j < 2 * entries; j += 2) (inv[o + j] = m[o + j]), (inv[o + j + 1] = -m[o + j + 1]);
    else
      for (let r = 0; r < d; r++)
        for (let c = 0; c < d; c++) {
          inv[o + 2 * (r * d + c)] = m[o + 2 * (c * d + r)];
          inv[o + 2 * (r * d + c) + 1] = -m[o + 2 * (c * d + r) + 1];
        }
  }
  if (!op.perRow) return { ...op, matrix: inv };
  const both = new Float64Array(2 * inv.length);
  both.set(inv, 0);
  both.set(inv, inv.length);
  return { ...op, matrix: both };
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
