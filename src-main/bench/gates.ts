// `quench bench gates`: raw gate application per kernel kind, as time per gate
// and effective bandwidth, against this machine's in-place read+write
// bandwidth measured in the same process with the same threads and the same
// statistic (median of the repeats). That fraction is the figure of merit.
import { max, median, min } from 'simple-statistics';
import { lower } from '../../src-shared/circuit/lower';
import { brickwork, denseTestState, randomUnitary } from '../../src-shared/circuit/random-circuits';
import type { LoweredGate } from '../../src-shared/circuit/lowered';
import { Rng } from '../../src-shared/random';
import { timeGate, timeInPlace } from '../../src-shared/webgpu/bench-kernels';
import { WEBGPU_DEFAULT_FUSION, type WebGpuBackend } from '../../src-shared/webgpu/webgpu-backend';
import { FALLBACK_FUSION, calibrationFile, calibrationStoreProblem, writeCalibration, type FusionCalibrationEntry } from '../backend/fusion-calibration';
import { DEFAULT_FUSION } from '../backend/native-backend';
import { createNodeWebGpuBackend } from '../backend/webgpu-node';
import { collectInfo, lastLevelCacheBytes } from '../engine/machine-info';
import { UsageError } from '../errors';
import { loadAddon, type NativeAddon, type NativeIsa, type NativePrecision } from '../native/addon';
import { makeProgress } from './progress';
import { sampleUntilStable, spread } from '../../src-shared/workloads/timing';

export interface BenchGatesOptions {
  json?: boolean;
  /** native (default): the addon's kernels vs in-place bandwidth; webgpu: WGSL kernels vs the device's in-place bandwidth. */
  backend?: 'native' | 'webgpu';
  qubits: number[];
  /** Default f32 and f64 (native), f32 (webgpu: WGSL has no f64). */
  precision?: NativePrecision[];
  threads?: number[];
  isa: NativeIsa;
  repeats: number;
  fusion?: number;
}

export type KernelKind = '1q' | '2q' | 'diagonal' | 'fused';

export interface KernelResult {
  kind: KernelKind;
  qubits: number;
  precision: NativePrecision;
  threads: number;
  /** Target qubit sets measured (low, middle, high). */
  targets: number[][];
  /** Median, range and the median's 95% CI over every timed gate (all target sets). */
  msPerGate: { median: number; min: number; max: number; ciLow?: number; ciHigh?: number };
  /** Effective bandwidth: state bytes read + written per gate / median time. */
  gbPerS: number;
  /**
   * Same-run reference bandwidth (median), GB/s: in-place read+write on the
   * CPU (native); on the device (webgpu), a kernel that reads and writes every
   * amplitude of the state once, in place, timed as the gate kernels are.
   */
  inplaceGbPerS: number;
  fractionOfInplace: number;
  /** The state fits in the last-level cache: its kernels may beat the out-of-cache reference legitimately. */
  inCache?: boolean;
  /** Why this row's fraction is not a result (over 100% of the reference, out of cache: a disturbed measurement). */
  problem?: string;
  /**
   * The reference's own 95% CI (GB/s) and instability; `bytes`: the buffer it
   * reads and writes (native: well out of cache; webgpu: the state itself).
   * webgpu: `timing`, how the reference was timed (the kernels' `timing`).
   */
  reference?: { bytes: number; ciLow: number; ciHigh: number; unstable?: string[]; timing?: 'gpu-timestamps' | 'wall-clock' };
  /** webgpu: how times were taken (same for the kernels and the in-place reference). */
  timing?: 'gpu-timestamps' | 'wall-clock';
}

export interface BrickworkResult {
  qubits: number;
  layers: number;
  gates: number;
  passes: Record<string, number>;
  msPerLayer: Record<string, number>;
}

interface Sample {
  timesMs: number[];
}

function timeIt(fn: () => void, repeats: number): Sample {
  fn(); // warm-up: pages touched, caches and branch predictors primed
  const timesMs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    timesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { timesMs };
}

/**
 * The `problem` of a kernel row whose fraction exceeds 1 — faster than a
 * reference no kernel can beat (`where`: the condition it holds under, e.g.
 * out of cache) by more than the reference's own 95% CI reaches (`ciHigh`,
 * GB/s, when known): the reference or the figure was disturbed. A kernel
 * within that CI streams at the reference's speed, as a memory-bound kernel
 * should. Undefined otherwise.
 */
export function overReferenceProblem(fraction: number, referenceGbPerS: number, opts: { where?: string; unstable?: string[]; ciHigh?: number } = {}): string | undefined {
  if (!(fraction > 1)) return undefined;
  if (opts.ciHigh !== undefined && fraction * referenceGbPerS <= opts.ciHigh) return undefined;
  const ci = opts.ciHigh !== undefined ? `, its 95% CI up to ${opts.ciHigh.toFixed(1)}` : '';
  const ref = `${referenceGbPerS.toFixed(1)} GB/s${ci}${opts.unstable?.length ? `, ${opts.unstable.join('; ')}` : ''}`;
  return `${(100 * fraction).toFixed(0)}% of a reference no kernel can beat${opts.where ? ` ${opts.where}` : ''}: the reference (${ref}) or this figure was disturbed`;
}

/** The time-per-gate figure of a kernel row: the spread's median, range and CI. */
function msPerGateOf(times: number[]): KernelResult['msPerGate'] {
  const s = spread(times);
  return { median: s.median, min: s.min, max: s.max, ciLow: s.ciLow, ciHigh: s.ciHigh };
}

function gateFor(kind: KernelKind, targets: number[], rng: Rng): LoweredGate {
  const k = targets.length;
  if (kind === 'diagonal') {
    const d = new Float64Array(2 << k);
    for (let i = 0; i < 1 << k; i++) {
      const a = rng.next() * 2 * Math.PI;
      d[2 * i] = Math.cos(a);
      d[2 * i + 1] = Math.sin(a);
    }
    return { qubits: targets, controls: [], diagonal: true, matrix: d };
  }
  return { qubits: targets, controls: [], diagonal: false, matrix: randomUnitary(k, rng) };
}

/** Low, middle and high target sets of k consecutive qubits. */
function targetSets(n: number, k: number): number[][] {
  const run = (s: number) => Array.from({ length: k }, (_, i) => s + i);
  const starts = [...new Set([0, Math.max(0, Math.floor(n / 2) - Math.floor(k / 2)), n - k])];
  return starts.map(run);
}

const BRICKWORK_WIDTHS = [0, 2, 3, 4, 5];

/** The brickwork's sizes: the report's (the largest asked for, at most 20) and every size asked for from 8 qubits up. */
export function calibrationSizes(qubits: number[]): number[] {
  return [...new Set([Math.min(20, Math.max(...qubits)), ...qubits.filter((q) => q >= 8)])].sort((a, b) => a - b);
}

/**
 * The width to use: the fastest, unless the default width is within 3% of it
 * (a difference this benchmark's noise can make), in which case the default stays.
 */
export function fastestWidth(msPerLayer: Record<string, number>): number {
  const widths = BRICKWORK_WIDTHS.filter((k) => Number.isFinite(msPerLayer[`fusion${k}`]));
  const best = widths.reduce((a, k) => (msPerLayer[`fusion${k}`] < msPerLayer[`fusion${a}`] ? k : a), widths[0]);
  const fallback = msPerLayer[`fusion${FALLBACK_FUSION}`];
  return Number.isFinite(fallback) && fallback <= 1.03 * msPerLayer[`fusion${best}`] ? FALLBACK_FUSION : best;
}

/**
 * How many progress steps (onStep calls) a benchmark with these options makes:
 * per size (and precision and thread count, native) the reference plus each
 * kernel kind that fits, then the 5 brickwork fusion settings. `logicalCores`
 * (native only) resolves threads 0 and duplicates as benchGates does.
 */
export function benchGatesSteps(opts: BenchGatesOptions, logicalCores = 1): number {
  const webgpu = opts.backend === 'webgpu';
  const fusion = opts.fusion ?? (webgpu ? WEBGPU_DEFAULT_FUSION : DEFAULT_FUSION);
  const perSize = opts.qubits.reduce((sum, n) => sum + 1 + [1, 2, 2, fusion].filter((k) => k <= n).length, 0);
  if (webgpu) return perSize + 5;
  const threads = new Set((opts.threads ?? [1, 0]).map((t) => (t === 0 ? logicalCores : t))).size;
  return (opts.precision ?? ['f32', 'f64']).length * threads * perSize + BRICKWORK_WIDTHS.length * calibrationSizes(opts.qubits).length;
}

/** The native kernels (the default backend); benchGatesWebGpu is the WebGPU one. */
export async function benchGates(opts: BenchGatesOptions, onStep?: (label: string) => void) {
  if (opts.backend === 'webgpu') throw new UsageError('benchGates runs the native kernels; use benchGatesWebGpu for --backend webgpu');
  const precisions = opts.precision ?? ['f32', 'f64'];
  const addon: NativeAddon = loadAddon();
  const info = addon.info();
  const cores = info.cpu.logicalCores;
  const threadList = (opts.threads ?? [1, 0]).map((t) => (t === 0 ? cores : t)).filter((t, i, a) => a.indexOf(t) === i);
  const fusion = opts.fusion ?? DEFAULT_FUSION;
  const isa = opts.isa === 'auto' ? info.defaultIsa : opts.isa;
  if (!info.isaAvailable.includes(isa)) throw new UsageError(`--isa ${isa} is not available on this CPU`);
  const kinds: [KernelKind, number][] = [['1q', 1], ['2q', 2], ['diagonal', 2], ['fused', fusion]];
  const results: KernelResult[] = [];
  const skipped: string[] = [];
  const rng = new Rng(2024);
  // The reference: in-place read+write passes (one memory stream and two, the
  // fastest counts) over a buffer out of the last-level cache, median of
  // samples with its CI, measured just before and just after each kernel row:
  // on a shared host the memory bandwidth moves by 2× within minutes, and a
  // reference taken once, before the kernels, made them read up to 117% of it.
  // The buffer is the state's size, capped at 4× the cache or 256 MiB
  // (whichever is more), so that a cache that keeps part of a large buffer
  // between passes helps both alike; a state that nearly fits in the cache is
  // compared with the capped size.
  const llc = lastLevelCacheBytes();
  const outOfCacheBytes = Math.max(4 * llc, 256 * 2 ** 20);
  const refSamples = (refBytes: number, threads: number, count: number): number[] => {
    const samples: number[] = [];
    for (let r = 0; r < count; r++) samples.push(addon.measureInplaceBandwidth(refBytes, threads, 1) / 1e9);
    return samples;
  };
  const refAround = Math.max(3, Math.ceil(opts.repeats / 2)); // samples on each side of a row

  for (const precision of precisions)
    for (const n of opts.qubits)
      for (const threads of threadList) {
        const bytes = (precision === 'f64' ? 16 : 8) * 2 ** n;
        let state;
        try {
          state = new addon.State(n, precision);
        } catch (e) {
          skipped.push(`${n} qubits ${precision}: ${(e as Error).message}`);
          continue;
        }
        const exec = { isa, threads };
        // Timed on a state with no zero amplitudes, as a circuit's state is (denseTestState).
        state.run(new addon.Program(lower(denseTestState(n)), fusion), [], exec);
        // Fits, or nearly fits (under 2×): part of the state stays cached between passes.
        const inCache = llc > 0 && bytes < 2 * llc;
        const refBytes = inCache ? outOfCacheBytes : Math.min(bytes, outOfCacheBytes);
        onStep?.(`in-place bandwidth ${threads}t`);
        addon.measureInplaceBandwidth(refBytes, threads, 1); // warm-up: pages touched
        let before = refSamples(refBytes, threads, refAround);
        for (const [kind, k] of kinds) {
          if (k > n) continue;
          onStep?.(`${kind} ${n}q ${precision} ${threads}t`);
          const targets = targetSets(n, k);
          const times: number[] = [];
          for (const t of targets) {
            const gate = gateFor(kind, t, rng);
            // At least `repeats`, more (up to 10×, ~1 s) until the median's CI is within ±5%.
            times.push(...sampleUntilStable(() => state.apply(gate, undefined, exec), { minRepeats: opts.repeats, maxRepeats: 10 * opts.repeats, budgetMs: 1000 / targets.length }));
          }
          const after = refSamples(refBytes, threads, refAround);
          const ref = spread([...before, ...after]);
          before = after; // the next row's "before"
          const inplaceGbPerS = ref.median;
          const med = median(times);
          const gbPerS = (2 * bytes) / (med / 1e3) / 1e9;
          const fraction = gbPerS / inplaceGbPerS;
          const problem = inCache ? undefined : overReferenceProblem(fraction, inplaceGbPerS, { where: 'out of cache', unstable: ref.unstable, ciHigh: ref.ciHigh });
          results.push({
            kind, qubits: n, precision, threads, targets,
            msPerGate: msPerGateOf(times),
            gbPerS, inplaceGbPerS, fractionOfInplace: fraction,
            reference: { bytes: refBytes, ciLow: ref.ciLow!, ciHigh: ref.ciHigh!, ...(ref.unstable ? { unstable: ref.unstable } : {}) },
            ...(inCache ? { inCache } : {}),
            ...(problem ? { problem } : {}),
          });
        }
      }

  // Fusion on a 20-layer brickwork: passes over the state and time per layer, at each size asked
  // for; the fastest width per size is this machine's fusion calibration (fusion-calibration.ts).
  const bn = Math.min(20, Math.max(...opts.qubits));
  let brick: BrickworkResult | null = null;
  const calibration: FusionCalibrationEntry[] = [];
  for (const n of calibrationSizes(opts.qubits)) {
    const circuit = lower(brickwork(n, 20, new Rng(7)));
    const b: BrickworkResult = { qubits: n, layers: 20, gates: circuit.gates.length, passes: {}, msPerLayer: {} };
    for (const k of BRICKWORK_WIDTHS) {
      onStep?.(`brickwork ${n} qubits fusion ${k}`);
      const program = new addon.Program(circuit, k);
      const state = new addon.State(n, 'f64');
      const s = timeIt(() => state.run(program, undefined, { isa }), Math.max(3, Math.floor(opts.repeats / 2)));
      state.dispose();
      b.passes[`fusion${k}`] = program.stats().passes;
      b.msPerLayer[`fusion${k}`] = median(s.timesMs) / 20;
    }
    if (n === bn) brick = b;
    calibration.push({ qubits: n, precision: 'f64', threads: 0, msPerLayer: Object.fromEntries(BRICKWORK_WIDTHS.map((k) => [String(k), b.msPerLayer[`fusion${k}`]])), best: fastestWidth(b.msPerLayer) });
  }
  // A store that fails (QUENCH_HOME not writable) loses the calibration, never the measurements.
  let stored: { file: string; notStored?: string };
  try {
    stored = { file: writeCalibration({ cpu: info.cpu.model, isa, logicalCores: cores, measuredAt: new Date().toISOString(), entries: calibration }) };
  } catch (e) {
    stored = { file: calibrationFile(), notStored: (e as Error).message };
  }
  return { env: { ...collectInfo(), isa, threads: threadList, lastLevelCache: llc, referenceBytes: outOfCacheBytes }, results, brickwork: brick!, skipped, fusionCalibration: { ...stored, entries: calibration } };
}

/**
 * The same report on the WebGPU backend: per kind and size the time per
 * gate (median of `repeats` submissions, each `inner` gates in one pass), and
 * the device's in-place bandwidth as the reference: a kernel that reads and
 * writes every amplitude of the same state once (timeInPlace), dispatched and
 * timed the same way. f32 only; `threads` is 0 (not applicable).
 */
export async function benchGatesWebGpu(opts: BenchGatesOptions, onStep?: (label: string) => void) {
  const skipped: string[] = [];
  if (opts.precision?.includes('f64')) skipped.push('f64: the WebGPU backend computes in f32 only (WGSL has no f64)');
  const backend: WebGpuBackend = await createNodeWebGpuBackend();
  try {
    const sim = backend.sim;
    const fusion = opts.fusion ?? WEBGPU_DEFAULT_FUSION;
    const kinds: [KernelKind, number][] = [['1q', 1], ['2q', 2], ['diagonal', 2], ['fused', fusion]];
    const results: KernelResult[] = [];
    const rng = new Rng(2024);
    for (const n of opts.qubits) {
      const bytes = 8 * 2 ** n;
      // Several gates per submission for small states, so launch overhead does not dominate.
      const inner = Math.max(1, Math.min(64, 2 ** (22 - n)));
      let state;
      try {
        state = sim.allocState(n, 1);
      } catch (e) {
        skipped.push(`${n} qubits f32: ${(e as Error).message}`);
        continue;
      }
      try {
        onStep?.(`device in-place bandwidth ${n}q`);
        // Read and written once per pass, as a gate's state is: 2 × state bytes. As many
        // samples as a kernel row has (its three target sets), at least 5 as on the CPU.
        const ref = await timeInPlace(sim, state, inner, Math.max(5, 3 * opts.repeats));
        const refMs = spread(ref.msPerOp);
        const gb = (ms: number) => (2 * bytes) / (ms / 1e3) / 1e9;
        const refGbPerS = gb(refMs.median);
        const reference: NonNullable<KernelResult['reference']> = {
          bytes, ciLow: gb(refMs.ciHigh ?? refMs.max), ciHigh: gb(refMs.ciLow ?? refMs.min), timing: ref.timing,
          ...(refMs.unstable ? { unstable: refMs.unstable } : {}),
        };
        for (const [kind, k] of kinds) {
          if (k > n) continue;
          onStep?.(`${kind} ${n}q webgpu`);
          const targets = targetSets(n, k);
          const times: number[] = [];
          let timing = ref.timing;
          for (const t of targets) {
            const g = gateFor(kind, t, rng);
            const s = await timeGate(sim, state, { targets: g.qubits, controls: [], diagonal: g.diagonal, matrix: g.matrix! }, inner, opts.repeats);
            timing = s.timing;
            times.push(...s.msPerOp);
          }
          const med = median(times);
          const gbPerS = gb(med);
          const fraction = gbPerS / refGbPerS;
          const problem = overReferenceProblem(fraction, refGbPerS, { unstable: reference.unstable, ciHigh: reference.ciHigh });
          results.push({
            kind, qubits: n, precision: 'f32', threads: 0, targets,
            msPerGate: msPerGateOf(times),
            gbPerS, inplaceGbPerS: refGbPerS, fractionOfInplace: fraction, timing, reference,
            ...(problem ? { problem } : {}),
          });
        }
      } catch (e) {
        skipped.push(`${n} qubits f32: ${(e as Error).message}`);
      } finally {
        sim.releaseState(state);
      }
    }

    // Fusion on a 20-layer brickwork (at most 20 qubits, and no more than the smallest size asked for).
    const bn = Math.max(2, Math.min(20, ...opts.qubits));
    const circuit = lower(brickwork(bn, 20, new Rng(7)));
    const brick: BrickworkResult = { qubits: bn, layers: 20, gates: circuit.gates.length, passes: {}, msPerLayer: {} };
    for (const k of [0, 2, 3, 4, 5]) {
      onStep?.(`brickwork fusion ${k} webgpu`);
      await backend.simulate({ circuit }, { fusion: k }); // warm-up: pipelines compiled
      const ms: number[] = [];
      let passes = 0;
      for (let r = 0; r < Math.max(3, Math.floor(opts.repeats / 2)); r++) {
        const res = await backend.simulate({ circuit }, { fusion: k });
        ms.push(res.timings.simulate);
        passes = res.passes ?? 0;
      }
      brick.passes[`fusion${k}`] = passes;
      brick.msPerLayer[`fusion${k}`] = median(ms) / 20;
    }
    const env = { ...collectInfo(), backend: 'webgpu', adapter: backend.adapter, timing: backend.timing, precision: 'f32', limits: backend.ctx.limits };
    return { env, results, brickwork: brick, skipped };
  } finally {
    backend.dispose();
  }
}

export async function runBenchGates(opts: BenchGatesOptions): Promise<number> {
  const webgpu = opts.backend === 'webgpu';
  // Said before the minutes of measuring; the report comes all the same.
  const storeProblem = webgpu ? null : calibrationStoreProblem();
  if (storeProblem) process.stderr.write(`quench: the fusion calibration will not be stored: ${storeProblem}\n`);
  const progress = makeProgress(benchGatesSteps(opts, webgpu ? 1 : loadAddon().info().cpu.logicalCores), !opts.json);
  const out = webgpu ? await benchGatesWebGpu(opts, (label) => progress.step(label)) : await benchGates(opts, (label) => progress.step(label));
  progress.stop();
  if (opts.json) {
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  const lines: string[] = [];
  const env = out.env as Record<string, unknown> & { cpu: { model: string } };
  if (webgpu) lines.push(`Quench bench gates — WebGPU on ${String(env.adapter)}, f32, ${String(env.timing)}, ${opts.repeats} repeats (median [min–max])`);
  else lines.push(`Quench bench gates — ${env.cpu.model}, ISA ${String(env.isa)}, ${opts.repeats} repeats (median [min–max])`);
  lines.push('kind      qubits prec threads   ms/gate                      GB/s   in-place GB/s  of in-place');
  for (const r of out.results) {
    lines.push(
      `${r.kind.padEnd(9)} ${String(r.qubits).padStart(6)} ${r.precision.padEnd(4)} ${String(r.threads).padStart(7)}   ` +
        `${fmt(r.msPerGate.median).padStart(9)} [${fmt(r.msPerGate.min)}–${fmt(r.msPerGate.max)}]`.padEnd(30) +
        `${r.gbPerS.toFixed(1).padStart(6)} ${r.inplaceGbPerS.toFixed(1).padStart(14)} ${(r.problem ? '?' : r.inCache ? 'in cache' : `${(100 * r.fractionOfInplace).toFixed(0)}%`).padStart(11)}`,
    );
  }
  if (webgpu) {
    lines.push("In-place reference: the device's in-place bandwidth, the fastest of three streaming kernels that read and write every amplitude of the same state once (one, two or four per invocation), timed the same way as the gate kernels.");
  } else {
    const llc = Number(env.lastLevelCache) || 0;
    lines.push(`In-place reference: a buffer of the state's size (at most ${((Number(env.referenceBytes) || 0) / 2 ** 20).toFixed(0)} MiB) read and written in place, the faster of one memory stream and two (its halves in step, as a gate on the top qubit walks the state), measured just before and after each row (out of the ${(llc / 2 ** 20).toFixed(0)} MiB last-level cache); 'in cache': the state fits or nearly fits (under 2×) in that cache, so no out-of-cache fraction applies.`);
  }
  for (const r of out.results) if (r.problem) lines.push(`MEASUREMENT PROBLEM ${r.kind} ${r.qubits}q ${r.precision} ${r.threads}t: ${r.problem}`);
  const unstableRefs = new Set(out.results.filter((r) => r.reference?.unstable).map((r) => `${webgpu ? `${r.qubits} qubits` : `${r.threads} thread(s)`}: ${r.reference!.unstable!.join('; ')}`));
  for (const u of unstableRefs) lines.push(`UNSTABLE reference at ${u}`);
  for (const s of out.skipped) lines.push(`skipped: ${s}`);
  const b = out.brickwork;
  lines.push(`Fusion on a ${b.layers}-layer brickwork, ${b.qubits} qubits, ${b.gates} gates (${webgpu ? 'f32, WebGPU' : 'f64, all threads'}):`);
  for (const key of Object.keys(b.passes))
    lines.push(`  ${key.padEnd(8)} ${String(b.passes[key]).padStart(5)} passes  ${fmt(b.msPerLayer[key])} ms/layer  (${(b.passes.fusion0 / b.passes[key]).toFixed(1)}× fewer passes)`);
  if ('fusionCalibration' in out && out.fusionCalibration) {
    const c = out.fusionCalibration;
    lines.push(c.notStored ? `Fusion calibration, NOT stored (${c.notStored}); the engine keeps its previous width:` : `Fusion calibration (the engine's default width from now on, stored in ${c.file}):`);
    for (const e of c.entries)
      lines.push(`  ${String(e.qubits).padStart(2)} qubits: width ${e.best}  (ms/layer ${Object.entries(e.msPerLayer).map(([k, v]) => `${k}: ${fmt(v)}`).join(', ')})`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(4);
}
