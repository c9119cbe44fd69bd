// The native backends (`native-avx2`, `native-scalar`): the Backend contract
// over the N-API addon. Programs are compiled once per lowered circuit and
// fusion setting (the core also caches by structure across circuits).
import type { Backend, BackendId, BranchState, ExecutionOptions, GradientResult, SimulationRequest, SimulationResult } from '../../src-shared/backend/backend';
import type { LoweredCircuit } from '../../src-shared/circuit/lowered';
import { pauliTermMasks, type PauliSum } from '../../src-shared/observable/pauli';
import { defaultFusion, FALLBACK_FUSION } from './fusion-calibration';
import { loadAddon, type NativeAddon, type NativeCancelToken, type NativeExecOptions, type NativeIsaName, type NativeObservable, type NativeProgram, type NativeState } from '../native/addon';

/** The width when none is asked for and the machine is not calibrated (fusion-calibration.ts). */
export const DEFAULT_FUSION = FALLBACK_FUSION;

export function toNativeObservable(sum: PauliSum): NativeObservable {
  return sum.terms.map((t) => {
    const { xMask, zMask } = pauliTermMasks(t);
    return { coeff: t.coeff, xMask, zMask };
  });
}

export class NativeBackend implements Backend {
  readonly id: BackendId;
  private readonly addon: NativeAddon;
  private readonly programs = new WeakMap<LoweredCircuit, Map<number, NativeProgram>>();

  constructor(readonly isa: NativeIsaName = 'avx2', addon: NativeAddon = loadAddon()) {
    this.addon = addon;
    this.id = `native-${isa}`;
    if (!addon.info().isaAvailable.includes(isa))
      throw new RangeError(`backend ${this.id} is not available on this CPU (${isa === 'avx512' ? 'no AVX-512 F/DQ/BW/VL' : 'no AVX2+FMA'})`);
  }

  /** The compiled program for a circuit and fusion setting (cached); no setting: this machine's calibrated width. */
  program(circuit: LoweredCircuit, fusion = defaultFusion(circuit.numQubits, this.isa).fusion): NativeProgram {
    let byFusion = this.programs.get(circuit);
    if (!byFusion) this.programs.set(circuit, (byFusion = new Map()));
    let p = byFusion.get(fusion);
    if (!p) byFusion.set(fusion, (p = new this.addon.Program(circuit, fusion)));
    return p;
  }

  private nativeOptions(o: ExecutionOptions = {}): { opts: NativeExecOptions; done: () => void } {
    const opts: NativeExecOptions = { isa: this.isa, threads: o.threads ?? 0, precision: o.precision ?? 'f64', onProgress: o.onProgress };
    if (!o.signal) return { opts, done: () => {} };
    const token: NativeCancelToken = new this.addon.CancelToken();
    if (o.signal.aborted) token.cancel();
    const onAbort = () => token.cancel();
    o.signal.addEventListener('abort', onAbort);
    opts.signal = token;
    return { opts, done: () => o.signal!.removeEventListener('abort', onAbort) };
  }

  async simulate(req: SimulationRequest, options: ExecutionOptions = {}): Promise<SimulationResult> {
    const t0 = performance.now();
    const program = this.program(req.circuit, options.fusion);
    const params = Float64Array.from(req.params ?? []);
    const { opts, done } = this.nativeOptions(options);
    const state = new this.addon.State(req.circuit.numQubits, opts.precision);
    const t1 = performance.now();
    try {
      await state.runAsync(program, params, opts);
    } finally {
      done();
    }
    const t2 = performance.now();
    const read = { isa: opts.isa, threads: opts.threads };
    const result: SimulationResult = {
      numQubits: req.circuit.numQubits,
      probabilities: req.probabilities ? state.probabilities(read) : undefined,
      marginal: req.marginal ? state.marginal(req.marginal, read) : undefined,
      expectations: (req.observables ?? []).map((o) => state.expectation(toNativeObservable(o), read)),
      samples: req.shots ? state.sample(req.shots, req.seed ?? 0, read) : undefined,
      timings: { compile: t1 - t0, simulate: t2 - t1, readout: performance.now() - t2 },
      passes: program.stats().passes,
    };
    return result;
  }

  async createState(numQubits: number, options: ExecutionOptions = {}): Promise<BranchState> {
    const precision = options.precision ?? 'f64';
    const fusion = options.fusion;
    const { opts } = this.nativeOptions({ ...options, signal: undefined });
    const read = { isa: opts.isa, threads: opts.threads };
    const wrap = (s: NativeState): BranchState => ({
      numQubits,
      apply: (circuit) => s.runAsync(this.program(circuit, fusion), new Float64Array(0), opts),
      probabilityOfOne: async (q) => s.marginal([q], read)[1],
      collapse: async (q, outcome) => void s.collapse(q, outcome, read),
      clone: async () => {
        const c = new this.addon.State(numQubits, precision);
        c.copyFrom(s);
        return wrap(c);
      },
      probabilities: async () => s.probabilities(read),
      expectations: async (obs) => obs.map((o) => s.expectation(toNativeObservable(o), read)),
      sample: async (shots, seed) => s.sample(shots, seed, read),
      dispose: () => s.dispose(),
    });
    return wrap(new this.addon.State(numQubits, precision));
  }

  async gradient(circuit: LoweredCircuit, params: ArrayLike<number>, observable: PauliSum, options: ExecutionOptions = {}): Promise<GradientResult> {
    const program = this.program(circuit, options.fusion);
    const { opts, done } = this.nativeOptions(options);
    try {
      return await this.addon.adjointGradientAsync(program, Float64Array.from(params), toNativeObservable(observable), opts);
    } finally {
      done();
    }
  }

  async runBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, observables: PauliSum[], options: ExecutionOptions = {}): Promise<Float64Array> {
    const program = this.program(circuit, options.fusion);
    const { opts, done } = this.nativeOptions(options);
    try {
      return await this.addon.runBatchAsync(program, params, batch, observables.map(toNativeObservable), opts);
    } finally {
      done();
    }
  }
}
