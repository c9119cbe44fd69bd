// How much memory a run of an experiment will allocate at its peak, before it
// is run: the editor shows it ("≈ 1.2 GiB peak"), warns when it would crowd
// the machine and refuses what cannot fit. Pure: from the experiment and the
// machine's core count only.
//
// Each runner (src-main/engine/workloads/*.ts) goes through phases one after
// the other (optimise, then the exact answer; training kernel, then test
// kernel, then the SVM; …); a phase's allocations are what is alive at once,
// the peak is the largest phase. The multipliers come from the native core,
// cited where used: per-thread scratch (native/include/quench/batch.h,
// for_batch: threads over the batch items when n < kParallelMinQubits = 14),
// the adjoint sweep's two states (adjoint.h, AdjointScratch), Lanczos vectors
// (native/src/lanczos.cc), the fidelity kernel's state matrices and tiles
// (native/src/qml.cc, fidelity_impl) and the Fock workspace (native/src/fock.cc,
// make_plan; native/src/fock_kernels.inl, Workspace::carve). The addon copies
// argument arrays into native vectors and results back into V8 arrays
// (native/binding), so those count twice while a call runs; the program cache
// keeps each program's key, which spells out its matrices, twice (program.cc).
// LIBSVM runs in libsvm-js's asm.js heap, which grows in steps and stops at
// 2 GiB: a training set beyond that cannot run at all. Not counted: the
// engine process itself (Node and the addon, ~50–100 MB), and small objects
// (kilobytes) such as the Hamiltonian's terms or optimizer state.
import type { Experiment } from '../project/schema';
import { withDefaults, type FilledParams } from './defaults';
import { planDynamic } from '../circuit/dynamic';
import type { CvGateSpec } from '../circuit/cv';
import { circuitProgram, qaoaGraphOf, qganGenerator, vqeHamiltonianOf } from './experiment-circuit';
import { featureMapPairs, QSVM_DEFAULTS } from './qsvm';
import { runtimeOf, unregistered } from './registry';

export interface MemoryPart {
  /** What the bytes hold, in the user's words. */
  what: string;
  bytes: number;
}

export interface MemoryEstimate {
  /** The largest phase's total, bytes. */
  peakBytes: number;
  /** The phase of the run where it peaks. */
  phase: string;
  /** What is alive at the peak. */
  parts: MemoryPart[];
  /** Amplitudes of one state: 2^qubits, or cutoff^modes for a Fock state. */
  stateAmplitudes: number;
  /** What the estimate assumes or leaves out for this experiment. */
  notes: string[];
  /** Limits the run would hit whatever the machine (LIBSVM's 2 GiB heap): each one blocks it. */
  limits: string[];
}

export interface MemoryContext {
  /** Logical cores of the machine that will run it: threads = 0 means all of them. Default 1. */
  logicalCores?: number;
}

/** Above this many amplitudes in one state a run is refused: 2^30 (16 GiB in f64). */
export const MAX_STATE_AMPLITUDES = 2 ** 30;

export class MemoryEstimateError extends Error {
  override name = 'MemoryEstimateError';
}

// ---- building blocks -------------------------------------------------------------------------
const F64 = 8;
/** Bytes of one complex amplitude (interleaved re, im). */
const ampBytes = (precision: 'f64' | 'f32') => (precision === 'f32' ? 8 : 16);
const stateBytes = (n: number, precision: 'f64' | 'f32') => 2 ** n * ampBytes(precision);
/** kParallelMinQubits (native/include/quench/program.h): below it batches run threads over items. */
const PARALLEL_MIN_QUBITS = 14;
/** Tiles of the fidelity kernel (native/src/qml.cc: kTileM = kTileN = 48). */
const TILE = 48;
/** LIBSVM's kernel cache (libsvm-js default cacheSize: 100 MB), filled up to the whole matrix in floats. */
const LIBSVM_CACHE = 100 * 2 ** 20;
/** libsvm-js (asm.js, Emscripten): the heap starts at 16 MiB and cannot grow past 2 GiB − 64 KiB. */
const LIBSVM_HEAP_START = 16 * 2 ** 20;
const LIBSVM_HEAP_LIMIT = 2 ** 31 - 65536;

/**
 * The asm.js heap LIBSVM runs in, grown as Emscripten's enlargeMemory grows it
 * (doubling up to 512 MiB, then a quarter of the way to 2 GiB per step) until
 * `need` bytes fit; null when they never can.
 */
export function libsvmHeapBytes(need: number): number | null {
  if (need > LIBSVM_HEAP_LIMIT) return null;
  let t = LIBSVM_HEAP_START;
  const align = (x: number) => Math.ceil(x / 65536) * 65536;
  while (t < need) t = t <= 2 ** 29 ? align(2 * t) : Math.min(align((3 * t + 2 ** 31) / 4), LIBSVM_HEAP_LIMIT);
  return t;
}

/** LIBSVM training on `rows` samples of `values` numbers each: the svm_node arrays (16 B per value and one terminator) and the kernel cache, in its heap. */
function libsvmPart(rows: number, values: number, kernelEntries: number, limits: string[], what: string): MemoryPart {
  const need = rows * (values + 1) * 16 + Math.min(LIBSVM_CACHE, 4 * kernelEntries);
  const heap = libsvmHeapBytes(need);
  if (heap === null) limits.push(`${what}: LIBSVM (libsvm-js, asm.js) can use at most 2 GiB and needs ≈ ${formatBytes(need)} for ${rows} training samples (${rows} × ${values} values of 16 B); use fewer training samples`);
  return part('LIBSVM heap (the training set as svm_nodes and the kernel cache, asm.js)', heap ?? need);
}
/** Fock samples run in chunks of 4 (native/src/fock.cc kLanesBaseline, fock_avx2.cc kLanesAvx2). */
const FOCK_LANES = 4;

type Phase = { name: string; parts: MemoryPart[] };
const total = (parts: MemoryPart[]) => parts.reduce((a, p) => a + p.bytes, 0);
const part = (what: string, bytes: number): MemoryPart => ({ what, bytes });

class Machine {
  readonly threads: number;
  constructor(threads: number, ctx: MemoryContext) {
    this.threads = Math.max(1, threads || ctx.logicalCores || 1);
  }
  /** Threads that each own a scratch state in a batched call (batch.h, for_batch). */
  batchThreads(n: number, batch: number): number {
    return n < PARALLEL_MIN_QUBITS && this.threads > 1 && batch > 1 ? Math.min(this.threads, batch) : 1;
  }
  /** Threads that each own a Fock workspace (fock.cc, execute: threads over chunks of 4 samples). */
  fockThreads(batch: number): number {
    return Math.min(this.threads, Math.max(1, Math.ceil(batch / FOCK_LANES)));
  }
}

const times = (k: number, what: string) => (k > 1 ? `${k} × ${what}` : what);

// ---- per kind ---------------------------------------------------------------------------------------
function vqe(e: Extract<Experiment, { kind: 'vqe' }>): Phase[] {
  const s = withDefaults('vqe', e.params);
  const n = s.qubits, prec = e.settings.precision;
  // Lanczos runs in double on real vectors when every term has an even number of Ys (H real), else complex (lanczos.cc).
  const H = vqeHamiltonianOf(e);
  const real = H ? H.terms.every((t) => t.paulis.filter((p) => p.op === 'Y').length % 2 === 0) : false;
  const w = real ? 1 : 2;
  return [
    { name: 'optimisation (adjoint gradients)', parts: [part('2 state vectors (|ψ⟩ and λ = H|ψ⟩) of the adjoint sweep', 2 * stateBytes(n, prec))] },
    { name: 'exact ground energy (Lanczos)', parts: [part(`Lanczos vectors and the diagonal (${real ? 'real' : 'complex'} H, double precision)`, (2 * w + 1) * F64 * 2 ** n)] },
  ];
}

function qaoa(e: Extract<Experiment, { kind: 'qaoa' }>): Phase[] {
  const s = withDefaults('qaoa', e.params);
  const n = s.nodes, prec = e.settings.precision, N = 2 ** n;
  let edges: number;
  let weighted = s.edges?.some((t) => t.length === 3 && t[2] !== 1) ?? false;
  try {
    edges = qaoaGraphOf(e.params).edges.length;
  } catch {
    edges = Math.round((n * s.degree) / 2);
    weighted = false;
  }
  // The cost layer is one diagonal gate per round whose generator is the 2^n cut values; the native
  // program keeps each round's copy and, from 10 qubits, an index of its distinct values (1 byte
  // when ≤ 256 distinct cuts, else 2; program.cc, index_diagonal).
  const indexBytes = n >= 10 ? (!weighted && edges + 1 <= 256 ? 1 : 2) : 0;
  // The program cache's key spells out every generator, and is held twice (the LRU entry and its index;
  // program.cc, cache_key / compile).
  const base = [
    part('cut value of every basis state (2^n doubles)', F64 * N),
    part(`compiled program: ${times(s.p, 'cost diagonal')} (cut values${indexBytes ? ' and their index' : ''})`, s.p * (F64 + indexBytes) * N),
    part("the program cache's key (the cut values of every round, held twice)", 2 * s.p * F64 * N),
  ];
  return [
    { name: 'optimisation (adjoint gradients)', parts: [...base, part('2 state vectors of the adjoint sweep', 2 * stateBytes(n, prec))] },
    { name: 'sampling the optimised state', parts: [...base, part('the optimised state', stateBytes(n, prec)), part(`${s.shots} shots (sampler and outcomes)`, s.shots * (32 + 8))] },
    { name: 'exact max cut (classical)', parts: [...base, part('cut values again (exhaustive search)', F64 * N)] },
  ];
}

/** The dataset in memory: features projected to `features` columns, the split and its scaled copy (data.ts). */
const datasetPart = (samples: number, features: number) => part(`dataset: ${samples} samples × ${features} features (split and scaled copies)`, 2 * samples * features * F64);

function qnn(e: Extract<Experiment, { kind: 'qnn' }>, m: Machine, notes: string[], limits: string[]): Phase[] {
  const s = withDefaults('qnn', e.params);
  const n = s.qubits, prec = e.settings.precision;
  const P = n + 2 * n * s.layers; // inputs + 2·n·L weights (qnn.ts)
  const S = stateBytes(n, prec);
  if (s.csv) notes.push('the CSV dataset is sized as train + test rows');
  const data = datasetPart(s.train + s.test, n);
  // Parameter rows (batch × P doubles) are copied into the addon; results come back as V8 arrays.
  const rows = (b: number) => part(`parameter rows (${b} × ${P}, and the addon's copy)`, 2 * b * P * F64);
  const tb = m.batchThreads(n, s.batchSize), tt = m.batchThreads(n, s.train), ti = m.batchThreads(n, s.inferenceBatch);
  const phases: Phase[] = [
    {
      name: `training (per-sample adjoint gradients, batch ${s.batchSize})`,
      parts: [data, part(times(tb, '2 state vectors (adjoint scratch per thread)'), 2 * tb * S), rows(s.batchSize), part('per-sample gradients (native and V8 copy)', 2 * s.batchSize * P * F64)],
    },
    { name: `accuracy on the training split (${s.train} samples in one batch)`, parts: [data, part(times(tt, 'state vector (per thread)'), tt * S), rows(s.train)] },
    { name: `throughput (inference batch ${s.inferenceBatch})`, parts: [data, part(times(ti, 'state vector (per thread)'), ti * S), rows(s.inferenceBatch)] },
  ];
  if (s.baselines) {
    phases.push({ name: 'classical baselines (RBF-SVM)', parts: [data, libsvmPart(s.train, n + 1, s.train ** 2, limits, 'the RBF-SVM baseline')] });
  }
  return phases;
}

/** The fidelity kernel's allocations (native/src/qml.cc, fidelity_impl) for na × nb points (nb = null: symmetric). */
function fidelityKernel(n: number, na: number, nb: number | null, prec: 'f64' | 'f32', m: Machine, label: string): MemoryPart[] {
  const fp = prec === 'f32' ? 4 : 8;
  const ld = Math.ceil((2 * 2 ** n) / 16) * 16; // a state's row, padded to 16 values
  const pad = (x: number) => Math.ceil(x / TILE) * TILE;
  const points = pad(na) + (nb === null ? 0 : pad(nb));
  const T = m.threads;
  return [
    part(`${na + (nb ?? 0)} states of ${n} qubits for the ${label}`, fp * ld * points),
    part(`${T} thread(s): a state, a panel of ${TILE} points and a tile each`, T * (2 * TILE * ld * fp + TILE * 2 * TILE * F64 + stateBytes(n, prec))),
    part(`the ${label} (${na} × ${nb ?? na} doubles)`, na * (nb ?? na) * F64),
  ];
}

function qsvm(e: Extract<Experiment, { kind: 'qsvm' }>, m: Machine, notes: string[], limits: string[]): Phase[] {
  const s = withDefaults('qsvm', e.params);
  const n = s.features, N = s.train, M = s.test, prec = e.settings.precision;
  const P = n + featureMapPairs(s).length;
  if (s.csv) notes.push('the CSV dataset is sized as train + test rows');
  const data = datasetPart(N + M, n);
  const params = part(`feature-map angles (${N + M} × ${P}, and the addon's copy)`, 2 * (N + M) * P * F64);
  const K = part(`training kernel (${N} × ${N} doubles)`, N * N * F64);
  const Kx = part(`test kernel (${M} × ${N} doubles)`, M * N * F64);
  const phases: Phase[] = [
    { name: 'training kernel (train × train)', parts: [data, params, ...fidelityKernel(n, N, null, prec, m, 'training kernel')] },
    { name: 'test kernel (test × train)', parts: [data, params, K, ...fidelityKernel(n, M, N, prec, m, 'test kernel')] },
    {
      name: 'SVM training (LIBSVM on the precomputed kernel)',
      // LIBSVM's precomputed format: each row is the sample's id and its N kernel values (svm.ts)
      parts: [data, params, K, Kx, part('kernel rows for LIBSVM (N × (N + 1) doubles)', N * (N + 1) * F64), libsvmPart(N, N + 1, N * N, limits, 'the SVM on the quantum kernel')],
    },
  ];
  if (s.baseline) phases.push({ name: 'RBF-SVM baseline', parts: [data, params, K, Kx, libsvmPart(N, n, N * N, limits, 'the RBF-SVM baseline')] });
  return phases;
}

// ---- Fock space ------------------------------------------------------------------------------------
export interface FockPlanSize {
  dim: number;
  /** Non-diagonal ops after folding + 1: the states the VJP keeps. */
  buffers: number;
  /** Complex lane vectors of all ops' matrices (VJP) and of the largest one (forward). */
  matTotal: number;
  matMax: number;
  /** Bytes of one thread's workspace (forward only, and with the VJP). */
  workspaceForward: number;
  workspaceVjp: number;
  /** The plan's index tables (bases per mode and mode pair, beamsplitter recurrences). */
  planBytes: number;
}

const isDiag = (k: CvGateSpec['kind']) => k === 'Rotation' || k === 'Kerr';
const isDense = (k: CvGateSpec['kind']) => k === 'Displacement' || k === 'Squeezing';
const touches = (g: CvGateSpec, mode: number) => g.mode0 === mode || (g.kind === 'Beamsplitter' && g.mode1 === mode);

/**
 * The sizes of the core's execution plan for a CV circuit (native/src/fock.cc, make_plan, with
 * fuse_diagonals on as the engine runs it): Rotation/Kerr gates folded into the nearest
 * Displacement/Squeezing on their mode; then the workspace one thread carves
 * (fock_kernels.inl, Workspace::carve/count) for `lanes` samples at a time.
 */
export function fockPlanSize(modes: number, cutoff: number, numParams: number, gates: CvGateSpec[], lanes = FOCK_LANES): FockPlanSize {
  const D = cutoff, M = modes, dim = D ** M;
  let bsTotal = 0;
  for (let N = 0; N + 1 < 2 * D; N++) {
    const size = Math.min(N, D - 1) - Math.max(0, N - (D - 1)) + 1;
    bsTotal += size * size;
  }
  const folded = gates.map(() => false);
  gates.forEach((g, i) => {
    if (!isDiag(g.kind)) return;
    const blocker = (j: number) => touches(gates[j], g.mode0) && !isDiag(gates[j].kind);
    for (let j = i + 1; j < gates.length; j++) {
      if (!blocker(j)) continue;
      if (isDense(gates[j].kind)) folded[i] = true;
      break;
    }
    if (folded[i]) return;
    for (let j = i - 1; j >= 0; j--) {
      if (!blocker(j)) continue;
      if (isDense(gates[j].kind)) folded[i] = true;
      break;
    }
  });
  let buffers = 0, matTotal = 0, matMax = 0;
  const pairs = new Set<string>();
  gates.forEach((g, i) => {
    if (folded[i]) return;
    let mats: number;
    if (isDiag(g.kind)) mats = D;
    else if (isDense(g.kind)) {
      buffers++;
      mats = 2 * D * D;
    } else {
      buffers++;
      mats = 2 * bsTotal;
      pairs.add(`${Math.min(g.mode0, g.mode1!)}/${Math.max(g.mode0, g.mode1!)}`);
    }
    matTotal += mats;
    matMax = Math.max(matMax, mats);
  });
  buffers += 1;
  matMax = Math.max(matMax, 1);
  const L = lanes, C = 2 * L;
  const round8 = (k: number) => Math.ceil(k / 8) * 8;
  const big = Math.max(D * D, bsTotal);
  const workspace = (vjp: boolean) => {
    let count = 8 + D * D; // alignment slack, beamsplitter pair offsets
    const takes = [(vjp ? buffers : 2) * dim * C, vjp ? dim * C : 0, (vjp ? matTotal : matMax) * C, big * L, big * L, big * C, D * C, D * C, D * C, D * C, (numParams + 1) * L, (numParams + 1) * L, D * L, D * L, (2 * M + 1) * L, (2 * M + 1) * L];
    for (const k of takes) if (k) count += round8(k);
    return count * F64;
  };
  const planBytes = (M * (dim / D) + pairs.size * (dim / (D * D))) * 8 + bsTotal * 32;
  return { dim, buffers, matTotal, matMax, workspaceForward: workspace(false), workspaceVjp: workspace(true), planBytes };
}

function cvParts(s: { modes: number; cutoff: number; layers: number; latent: number }, m: Machine, batch: number, vjp: boolean, plan: FockPlanSize, P: number): MemoryPart[] {
  const t = m.fockThreads(batch);
  const out = [
    part('execution plan (index tables)', plan.planBytes),
    part(
      vjp
        ? `${times(t, 'workspace')}: ${plan.buffers} Fock states kept for the backward pass × ${FOCK_LANES} samples, and the gate matrices`
        : `${times(t, 'workspace')}: 2 Fock states × ${FOCK_LANES} samples and the largest gate matrix`,
      t * (vjp ? plan.workspaceVjp : plan.workspaceForward),
    ),
    part(`parameter rows (${batch} × ${P}, and the addon's copy)`, 2 * batch * P * F64),
    part(`readouts ⟨x⟩, ⟨n⟩, norm (${batch} samples)`, 2 * batch * (2 * s.modes + 1) * F64),
  ];
  if (vjp) out.push(part(`gradients (${batch} × ${P}, native and V8 copy)`, 2 * batch * P * F64));
  return out;
}

function cvSetup(e: Extract<Experiment, { kind: 'qgan' | 'qgan-train' }>, notes: string[]) {
  const s = withDefaults(e.kind, e.params) as FilledParams<'qgan'> | FilledParams<'qgan-train'>;
  if (s.latent > 2 * s.modes) throw new MemoryEstimateError(`latent = ${s.latent} exceeds 2 × modes = ${2 * s.modes}`);
  const gen = qganGenerator(s.modes, s.layers, s.latent);
  const plan = fockPlanSize(s.modes, s.cutoff, gen.numParams, gen.gates);
  notes.push(`Fock states run ${FOCK_LANES} samples at a time per thread, so memory grows with threads, not with the batch`);
  if (e.settings.precision === 'f32') notes.push('the Fock simulator always computes in double precision');
  return { s, gen, plan };
}

function qgan(e: Extract<Experiment, { kind: 'qgan' }>, m: Machine, notes: string[]): Phase[] {
  const { s, gen, plan } = cvSetup(e, notes);
  const batches = withDefaults('qgan', e.params).batches;
  const phases: Phase[] = batches.map((b) => ({ name: `batch ${b} (forward)`, parts: cvParts(s, m, b, false, plan, gen.numParams) }));
  // Quality metrics: 256 samples with the VJP (benchQgan), then a 4-sample finite-difference check.
  phases.push({ name: 'gradient flow (256 samples, forward + backward)', parts: cvParts(s, m, 256, true, plan, gen.numParams) });
  return phases;
}

function qganTrain(e: Extract<Experiment, { kind: 'qgan-train' }>, m: Machine, notes: string[]): Phase[] {
  const { s: g, gen, plan } = cvSetup(e, notes);
  const s = withDefaults('qgan-train', e.params);
  const steps = s.epochs * s.stepsPerEpoch;
  // The target distribution is drawn up front for every step (trainQgan), and again by the classical baseline.
  const real = part(`real samples for all ${steps} steps (${steps * s.batch} × 2 doubles)`, steps * s.batch * 2 * F64);
  return [
    { name: `generator step (batch ${s.batch}, forward + backward)`, parts: [real, ...cvParts(g, m, s.batch, true, plan, gen.numParams)] },
    { name: 'evaluation (512 samples, forward)', parts: [real, ...cvParts(g, m, 512, false, plan, gen.numParams)] },
    { name: 'classical GAN baseline', parts: [real, part('its own real samples', real.bytes)] },
  ];
}

function scale(e: Extract<Experiment, { kind: 'scale' }>, m: Machine): Phase[] {
  const s = withDefaults('scale', e.params);
  const prec = e.settings.precision;
  const P = s.qubits + 2 * s.qubits * s.layers;
  const phases: Phase[] = [];
  for (const n of s.sizes) {
    const test = Math.max(2, Math.round(n / 10));
    const tb = m.batchThreads(s.qubits, 32); // QnnTrainer with batchSize 32 (scale.ts)
    phases.push({
      name: `QNN epoch at ${n} samples`,
      parts: [datasetPart(n + test, s.qubits), part(times(tb, '2 state vectors (adjoint scratch per thread)'), 2 * tb * stateBytes(s.qubits, prec)), part('parameter rows and gradients of a batch of 32', 4 * 32 * P * F64)],
    });
    const fP = s.features + featureMapPairs({ ...QSVM_DEFAULTS, features: s.features }).length; // scale.ts: the default map on `features`
    phases.push({
      name: `QSVM kernel at ${n} samples`,
      parts: [datasetPart(n + 2, s.features), part(`feature-map angles (${n} × ${fP}, and the addon's copy)`, 2 * n * fP * F64), ...fidelityKernel(s.features, n, null, prec, m, 'kernel')],
    });
  }
  return phases;
}

function circuit(e: Extract<Experiment, { kind: 'circuit' }>, notes: string[]): { phases: Phase[]; n: number } {
  const program = circuitProgram(e.params.qasm ?? '');
  const n = program.circuit.numQubits;
  const reference = e.settings.backend === 'reference';
  const S = reference ? 16 * 2 ** n : stateBytes(n, e.settings.precision); // the reference backend is f64 only
  // Per gate: the parsed op, its lowered matrix, the native program's copy and the program cache's key
  // (held twice): 5 copies of a 1–3 qubit matrix (64 B – 1 KiB), and the objects around them.
  let gateBytes = 0;
  for (const op of program.circuit.ops) gateBytes += 120 + 150 + 5 * 16 * 4 ** Math.min(op.qubits.length, 3);
  if (program.circuit.ops.length > 100_000) notes.push('the compiled program of a long circuit is estimated at ~0.5 KB per gate');
  const parts = [part(reference ? 'state vector (reference backend, f64)' : 'state vector', S), part(`parsed and compiled circuit (${program.circuit.ops.length} gates)`, gateBytes)];
  if (n <= 20) parts.push(part('probabilities (2^n doubles)', F64 * 2 ** n));
  if (program.dynamic) {
    // The branch walk holds one copy of the state per branch point on the current path (depth first).
    const depth = planDynamic(n, program.numClbits, program.classicalRegisters, program.instructions).branchPoints;
    if (depth > 0) parts.push(part(`state copies for branches (up to ${depth}: one per mid-circuit measurement or reset on a path)`, depth * S));
    if (n <= 20) parts.push(part('the mixture of final-state probabilities (2^n doubles)', F64 * 2 ** n));
  }
  const shots = e.params.shots ?? 0;
  if (shots) parts.push(part(`${shots} shots (sampler and outcomes)`, shots * (32 + 8)));
  return { phases: [{ name: 'simulation', parts }], n };
}

/**
 * The peak memory of a run of `e`: the largest phase and what is in it.
 * Throws MemoryEstimateError (or the parser's QasmError) when the experiment
 * is not well formed enough to size (experimentProblems names the field).
 */
export function estimateMemory(e: Experiment, ctx: MemoryContext = {}): MemoryEstimate {
  const runtime = runtimeOf(e.kind);
  if (runtime) return runtime.memory(e as never, ctx, estimateMemory);
  const m = new Machine(e.settings.threads, ctx);
  const notes: string[] = [];
  const limits: string[] = [];
  let phases: Phase[];
  let amplitudes: number;
  switch (e.kind) {
    case 'vqe':
      phases = vqe(e);
      amplitudes = 2 ** withDefaults('vqe', e.params).qubits;
      break;
    case 'qaoa':
      phases = qaoa(e);
      amplitudes = 2 ** withDefaults('qaoa', e.params).nodes;
      break;
    case 'qnn':
      phases = qnn(e, m, notes, limits);
      amplitudes = 2 ** withDefaults('qnn', e.params).qubits;
      break;
    case 'qsvm':
      phases = qsvm(e, m, notes, limits);
      amplitudes = 2 ** withDefaults('qsvm', e.params).features;
      break;
    case 'qgan':
      phases = qgan(e, m, notes);
      amplitudes = withDefaults('qgan', e.params).cutoff ** withDefaults('qgan', e.params).modes;
      break;
    case 'qgan-train':
      phases = qganTrain(e, m, notes);
      amplitudes = withDefaults('qgan-train', e.params).cutoff ** withDefaults('qgan-train', e.params).modes;
      break;
    case 'scale': {
      const s = withDefaults('scale', e.params);
      phases = scale(e, m);
      amplitudes = 2 ** Math.max(s.qubits, s.features);
      break;
    }
    case 'circuit': {
      const r = circuit(e, notes);
      phases = r.phases;
      amplitudes = 2 ** r.n;
      break;
    }
    default:
      throw unregistered(e);
  }
  let peak = phases[0];
  for (const p of phases) if (total(p.parts) > total(peak.parts)) peak = p;
  if (e.settings.backend === 'webgpu')
    notes.push(`on WebGPU the states live in the GPU's memory (${(8 * amplitudes).toLocaleString('en-US')} bytes per state in f32; batches are split to the adapter's buffer limits); this estimate is the host's side`);
  return { peakBytes: total(peak.parts), phase: peak.name, parts: peak.parts.filter((p) => p.bytes > 0), stateAmplitudes: amplitudes, notes, limits };
}

// ---- verdict ------------------------------------------------------------------------------------------
export interface MemoryVerdict {
  level: 'ok' | 'warn' | 'block';
  /** Why, when not ok. */
  message: string | null;
}

/**
 * Whether the run fits this machine: blocked above its physical memory or above
 * 2^30 amplitudes in one state, warned above half of what is free now.
 */
export function memoryVerdict(est: MemoryEstimate, machine: { totalMemoryBytes: number; freeMemoryBytes: number } | null): MemoryVerdict {
  if (est.stateAmplitudes > MAX_STATE_AMPLITUDES)
    return { level: 'block', message: `one state has ${formatCount(est.stateAmplitudes)} amplitudes; at most 2^30 (${formatCount(MAX_STATE_AMPLITUDES)}) can be simulated here` };
  if (machine && est.peakBytes > machine.totalMemoryBytes)
    return { level: 'block', message: `needs ≈ ${formatBytes(est.peakBytes)} at its peak (${est.phase}), more than this machine's ${formatBytes(machine.totalMemoryBytes)} of memory` };
  if (est.limits.length) return { level: 'block', message: est.limits[0] };
  if (machine && est.peakBytes > machine.freeMemoryBytes / 2)
    return { level: 'warn', message: `needs ≈ ${formatBytes(est.peakBytes)} at its peak, more than half of the ${formatBytes(machine.freeMemoryBytes)} free now: other programs may be pushed to swap, or the run may be killed` };
  return { level: 'ok', message: null };
}

/** 1536 → "1.5 KiB": one decimal below 10 of a unit, whole numbers above. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = bytes, u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${Math.round(v)} B`;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

function formatCount(x: number): string {
  if (x < 1e6) return String(x);
  const e = Math.floor(Math.log10(x));
  return `${(x / 10 ** e).toFixed(2)}e${e}`;
}
