// `quench bench gates`: raw gate application per kernel kind, as time per gate
// and effective bandwidth, against this machine's in-place read+write
// bandwidth measured in the same process with the same threads and the same
// statistic (median of the repeats). That fraction is the figure of merit.
import { max, median, min } from 'simple-statistics';
import { lower } from '../../src-shared/circuit/lower';
import { brickwork, randomUnitary } from '../../src-shared/circuit/random-circuits';
import type { LoweredGate } from '../../src-shared/circuit/lowered';
import { Rng } from '../../src-shared/random';
import { DEFAULT_FUSION } from '../backend/native-backend';
import { collectInfo } from '../cli/info';
import { UsageError } from '../cli/errors';
import { loadAddon, type NativeAddon, type NativeIsa, type NativePrecision } from '../native/addon';
import { makeProgress } from './progress';

export interface BenchGatesOptions {
  json?: boolean;
  qubits: number[];
  precision: NativePrecision[];
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
  msPerGate: { median: number; min: number; max: number };
  /** Effective bandwidth: state bytes read + written per gate / median time. */
  gbPerS: number;
  /** Same-run in-place read+write bandwidth (median), GB/s. */
  inplaceGbPerS: number;
  fractionOfInplace: number;
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

export async function benchGates(opts: BenchGatesOptions, onStep?: (label: string) => void) {
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

  for (const precision of opts.precision)
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
        // Same statistic for the reference: median of single in-place passes.
        onStep?.(`in-place bandwidth ${n}q ${precision} ${threads}t`);
        addon.measureInplaceBandwidth(bytes, threads, 1); // warm-up
        const bwSamples: number[] = [];
        for (let r = 0; r < opts.repeats; r++) bwSamples.push(addon.measureInplaceBandwidth(bytes, threads, 1));
        const inplaceGbPerS = median(bwSamples) / 1e9;
        for (const [kind, k] of kinds) {
          if (k > n) continue;
          onStep?.(`${kind} ${n}q ${precision} ${threads}t`);
          const targets = targetSets(n, k);
          const times: number[] = [];
          for (const t of targets) {
            const gate = gateFor(kind, t, rng);
            times.push(...timeIt(() => state.apply(gate, undefined, exec), opts.repeats).timesMs);
          }
          const med = median(times);
          const gbPerS = (2 * bytes) / (med / 1e3) / 1e9;
          results.push({
            kind, qubits: n, precision, threads, targets,
            msPerGate: { median: med, min: min(times), max: max(times) },
            gbPerS, inplaceGbPerS, fractionOfInplace: gbPerS / inplaceGbPerS,
          });
        }
      }

  // Fusion on a 20-layer brickwork: passes over the state and time per layer.
  const bn = Math.min(20, Math.max(...opts.qubits));
  const circuit = lower(brickwork(bn, 20, new Rng(7)));
  const brick: BrickworkResult = { qubits: bn, layers: 20, gates: circuit.gates.length, passes: {}, msPerLayer: {} };
  for (const k of [0, 2, 3, 4, 5]) {
    onStep?.(`brickwork fusion ${k}`);
    const program = new addon.Program(circuit, k);
    const state = new addon.State(bn, 'f64');
    const s = timeIt(() => state.run(program, undefined, { isa }), Math.max(3, Math.floor(opts.repeats / 2)));
    brick.passes[`fusion${k}`] = program.stats().passes;
    brick.msPerLayer[`fusion${k}`] = median(s.timesMs) / 20;
  }
  return { env: { ...collectInfo(), isa, threads: threadList }, results, brickwork: brick, skipped };
}

export async function runBenchGates(opts: BenchGatesOptions): Promise<number> {
  const totalSteps = opts.precision.length * opts.qubits.length * (opts.threads?.length ?? 2) * 5 + 5;
  const progress = makeProgress(totalSteps, !opts.json);
  const out = await benchGates(opts, (label) => progress.step(label));
  progress.stop();
  if (opts.json) {
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  const lines: string[] = [];
  lines.push(`Quench bench gates — ${out.env.cpu.model}, ISA ${out.env.isa}, ${opts.repeats} repeats (median [min–max])`);
  lines.push('kind      qubits prec threads   ms/gate                      GB/s   in-place GB/s  of in-place');
  for (const r of out.results) {
    lines.push(
      `${r.kind.padEnd(9)} ${String(r.qubits).padStart(6)} ${r.precision.padEnd(4)} ${String(r.threads).padStart(7)}   ` +
        `${fmt(r.msPerGate.median).padStart(9)} [${fmt(r.msPerGate.min)}–${fmt(r.msPerGate.max)}]`.padEnd(30) +
        `${r.gbPerS.toFixed(1).padStart(6)} ${r.inplaceGbPerS.toFixed(1).padStart(14)} ${(100 * r.fractionOfInplace).toFixed(0).padStart(10)}%`,
    );
  }
  for (const s of out.skipped) lines.push(`skipped: ${s}`);
  const b = out.brickwork;
  lines.push(`Fusion on a ${b.layers}-layer brickwork, ${b.qubits} qubits, ${b.gates} gates (f64, all threads):`);
  for (const key of Object.keys(b.passes))
    lines.push(`  ${key.padEnd(8)} ${String(b.passes[key]).padStart(5)} passes  ${fmt(b.msPerLayer[key])} ms/layer  (${(b.passes.fusion0 / b.passes[key]).toFixed(1)}× fewer passes)`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(4);
}
