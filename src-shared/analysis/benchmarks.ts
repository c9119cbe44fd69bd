// The gates benchmark history (Project.benchmarks, measured here or imported
// with another machine's project file): flat rows for the table, the
// machines they ran on, the fraction of in-place bandwidth per kernel kind
// that the Hardware view charts, and native vs WebGPU side by side.
import type { Benchmark, GatesBackend, GatesReport, Run } from '../project/schema';

/** Which kernels a benchmark measured: the options say (older files: native); a report from the WebGPU path says so too. */
export function benchmarkBackend(b: Benchmark): GatesBackend {
  if (b.options.backend) return b.options.backend;
  return (b.result?.env as Record<string, unknown> | undefined)?.backend === 'webgpu' ? 'webgpu' : 'native';
}

/** A WebGPU benchmark's adapter (env.adapter: vendor · architecture · device · description), or null. */
export function benchmarkAdapter(b: Benchmark): string | null {
  const a = (b.result?.env as Record<string, unknown> | undefined)?.adapter;
  return typeof a === 'string' && a ? a : null;
}

export type WebGpuTiming = 'gpu-timestamps' | 'wall-clock';
/** How a WebGPU benchmark's times were taken (env.timing, else its kernels'), or null (native, or not said). */
export function benchmarkTiming(b: Benchmark): WebGpuTiming | null {
  const t = (b.result?.env as Record<string, unknown> | undefined)?.timing ?? b.result?.results.find((r) => r.timing)?.timing;
  return t === 'gpu-timestamps' || t === 'wall-clock' ? t : null;
}

export const TIMING_TEXT: Record<WebGpuTiming, string> = {
  'gpu-timestamps': 'GPU timestamp queries',
  'wall-clock': 'wall clock (the adapter has no timestamp queries)',
};

/** What each backend's fraction is a fraction of. */
export const REFERENCE_TEXT: Record<GatesBackend, { short: string; long: string }> = {
  native: { short: 'in-place', long: "the CPU's in-place read+write bandwidth (same process, same threads)" },
  webgpu: { short: 'device in-place', long: "the device's in-place bandwidth (the fastest of three streaming kernels that read and write every amplitude once, timed the same way)" },
};

/** 'native' / 'WebGPU · SwiftShader…' for tables and legends. */
export function backendLabel(b: Benchmark): string {
  if (benchmarkBackend(b) === 'native') return 'native';
  const a = benchmarkAdapter(b);
  return a ? `WebGPU · ${a}` : 'WebGPU';
}

export interface BenchmarkRow {
  benchmarkId: string;
  startedAt: string;
  machine: string;
  imported: string | null;
  backend: GatesBackend;
  /** WebGPU: the adapter; native: null. */
  adapter: string | null;
  timing: WebGpuTiming | null;
  kind: string;
  qubits: number;
  precision: string;
  threads: number;
  msMedian: number;
  msMin: number;
  msMax: number;
  gbPerS: number;
  /** The reference bandwidth: CPU in-place (native) or device in-place (webgpu). */
  inplaceGbPerS: number;
  fractionOfInplace: number;
  /** The state fits in the last-level cache (native): no out-of-cache fraction applies. */
  inCache: boolean;
  /** Why the fraction is a measurement problem, not a result. */
  problem: string | null;
}

/**
 * The CPU model a benchmark's report names (env.cpu.model, as collected by
 * `quench info`). A failed or cancelled one has no report: it ran on this
 * machine (`here`) unless it was imported.
 */
export function benchmarkMachine(b: Benchmark, here?: string): string {
  const cpu = (b.result?.env as Record<string, unknown> | undefined)?.cpu;
  if (cpu && typeof cpu === 'object' && typeof (cpu as { model?: unknown }).model === 'string') return (cpu as { model: string }).model;
  if (typeof cpu === 'string') return cpu;
  return !b.importedFrom && here ? here : 'unknown machine';
}

export function benchmarkRows(benchmarks: Benchmark[], here?: string): BenchmarkRow[] {
  const rows: BenchmarkRow[] = [];
  for (const b of benchmarks) {
    if (!b.result) continue;
    const machine = benchmarkMachine(b, here);
    const backend = benchmarkBackend(b), adapter = benchmarkAdapter(b), timing = benchmarkTiming(b);
    for (const r of b.result.results)
      rows.push({
        benchmarkId: b.id, startedAt: b.startedAt, machine, imported: b.importedFrom ?? null, backend, adapter, timing: r.timing ?? timing,
        kind: r.kind, qubits: r.qubits, precision: r.precision, threads: r.threads,
        msMedian: r.msPerGate.median, msMin: r.msPerGate.min, msMax: r.msPerGate.max,
        gbPerS: r.gbPerS, inplaceGbPerS: r.inplaceGbPerS, fractionOfInplace: r.fractionOfInplace,
        inCache: !!r.inCache, problem: r.problem ?? null,
      });
  }
  return rows;
}

export interface MachineSummary {
  machine: string;
  benchmarks: Benchmark[];
  runs: number;
  /** Project files its results came from (empty: measured here). */
  importedFrom: string[];
  lastAt: string | null;
  /** The largest in-place bandwidth any of its native benchmarks measured, GB/s. */
  peakInplaceGbPerS: number | null;
  /** Per kernel kind: the best fraction of in-place bandwidth at its largest qubit count (native benchmarks). */
  bestFraction: Record<string, number>;
  /** The WebGPU adapters its WebGPU benchmarks ran on. */
  adapters: string[];
  isa: string | null;
  logicalCores: number | null;
}

/** Benchmarks and runs grouped by the machine they ran on (CPU model), newest machine activity first. */
export function machines(benchmarks: Benchmark[], runs: Run[], here?: string): MachineSummary[] {
  const m = new Map<string, MachineSummary>();
  const get = (name: string) => {
    let s = m.get(name);
    if (!s) m.set(name, (s = { machine: name, benchmarks: [], runs: 0, importedFrom: [], lastAt: null, peakInplaceGbPerS: null, bestFraction: {}, adapters: [], isa: null, logicalCores: null }));
    return s;
  };
  const later = (a: string | null, b: string) => (!a || b > a ? b : a);
  for (const b of benchmarks) {
    const s = get(benchmarkMachine(b, here));
    s.benchmarks.push(b);
    s.lastAt = later(s.lastAt, b.startedAt);
    if (b.importedFrom && !s.importedFrom.includes(b.importedFrom)) s.importedFrom.push(b.importedFrom);
    const env = b.result?.env as { isa?: unknown; cpu?: { logicalCores?: unknown } } | undefined;
    if (typeof env?.isa === 'string') s.isa = env.isa;
    if (typeof env?.cpu?.logicalCores === 'number') s.logicalCores = env.cpu.logicalCores;
    if (!b.result) continue;
    if (benchmarkBackend(b) === 'webgpu') {
      // the device's in-place bandwidth is not the CPU's: WebGPU figures stay out of these columns
      const a = benchmarkAdapter(b);
      if (a && !s.adapters.includes(a)) s.adapters.push(a);
      continue;
    }
    for (const r of b.result.results) s.peakInplaceGbPerS = Math.max(s.peakInplaceGbPerS ?? 0, r.inplaceGbPerS);
    for (const [kind, f] of Object.entries(fractionByKind(b.result, 'any', 'any'))) s.bestFraction[kind] = Math.max(s.bestFraction[kind] ?? 0, f.fraction);
  }
  for (const r of runs) {
    if (!r.result) continue;
    const s = get(r.result.env.cpu);
    s.runs++;
    s.lastAt = later(s.lastAt, r.startedAt);
    if (r.importedFrom && !s.importedFrom.includes(r.importedFrom)) s.importedFrom.push(r.importedFrom);
    s.isa ??= r.result.env.isa;
    s.logicalCores ??= r.result.env.logicalCores;
  }
  return [...m.values()].sort((a, b) => (b.lastAt ?? '').localeCompare(a.lastAt ?? ''));
}

export const KERNEL_KINDS = ['1q', '2q', 'diagonal', 'fused'] as const;

/**
 * Per kernel kind, the fraction of in-place bandwidth at the largest qubit
 * count measured (where bandwidth, not cache, is what is measured), for one
 * precision and thread setting: 'single' = 1 thread, 'all' = the most threads
 * the benchmark used; 'any' takes the best of all settings.
 */
export function fractionByKind(report: GatesReport, precision: string | 'any', threads: 'single' | 'all' | 'any'): Record<string, { fraction: number; qubits: number; threads: number; precision: string; ci?: [number, number] }> {
  const maxThreads = Math.max(...report.results.map((r) => r.threads));
  const pool = report.results.filter(
    (r) => (precision === 'any' || r.precision === precision) && (threads === 'any' || (threads === 'single' ? r.threads === 1 : r.threads === maxThreads)),
  );
  const out: Record<string, { fraction: number; qubits: number; threads: number; precision: string; ci?: [number, number] }> = {};
  for (const kind of new Set(pool.map((r) => r.kind))) {
    const ofKind = pool.filter((r) => r.kind === kind);
    const n = Math.max(...ofKind.map((r) => r.qubits));
    const best = ofKind.filter((r) => r.qubits === n).reduce((a, b) => (b.fractionOfInplace > a.fractionOfInplace ? b : a));
    // The fraction is inversely proportional to the time per gate: its CI follows the time's.
    const t = best.msPerGate;
    const ci: [number, number] | undefined = t.ciLow && t.ciHigh ? [(best.fractionOfInplace * t.median) / t.ciHigh, (best.fractionOfInplace * t.median) / t.ciLow] : undefined;
    out[kind] = { fraction: best.fractionOfInplace, qubits: n, threads: best.threads, precision: best.precision, ...(ci ? { ci } : {}) };
  }
  return out;
}

/** A benchmark's label for charts and pickers: 'AMD EPYC · 2026-12-01 12:34 (imported)'. */
export function benchmarkLabel(b: Benchmark, here?: string): string {
  const d = b.startedAt.replace('T', ' ').slice(0, 16);
  return `${benchmarkMachine(b, here)} · ${d}${b.importedFrom ? ' (imported)' : ''}`;
}

/** Qubit counts the benchmark form accepts: '16, 20, 22' → [16, 20, 22]; errors name the bad entry. */
export function parseIntList(textValue: string, what: string, min: number, max: number, maxCount: number): { values: number[]; error: string | null } {
  const parts = textValue.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (!parts.length) return { values: [], error: `${what}: give at least one value` };
  if (parts.length > maxCount) return { values: [], error: `${what}: at most ${maxCount} values (got ${parts.length})` };
  const values: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return { values: [], error: `${what}: '${p}' is not a whole number` };
    const v = Number(p);
    if (v < min || v > max) return { values: [], error: `${what}: ${v} is outside ${min}–${max}` };
    if (values.includes(v)) return { values: [], error: `${what}: ${v} is listed twice` };
    values.push(v);
  }
  return { values, error: null };
}

/** One backend's figures for one kernel kind at one size. */
export interface ComparisonCell {
  msMedian: number;
  msMin: number;
  msMax: number;
  /** 95% CI of the median time per gate, where the benchmark recorded it. */
  msCi?: [number, number];
  gbPerS: number;
  /** The backend's reference bandwidth (REFERENCE_TEXT) and the kernel's fraction of it. */
  referenceGbPerS: number;
  fraction: number;
  precision: string;
  threads: number;
}

export interface ComparisonRow {
  kind: string;
  qubits: number;
  native: ComparisonCell | null;
  webgpu: ComparisonCell | null;
  /** Native time ÷ WebGPU time (> 1: WebGPU is faster), where both measured it. */
  speedup: number | null;
}

export interface ComparisonOptions {
  /** The native kernels to compare: f32 is WebGPU's own precision. */
  precision: 'f32' | 'f64';
  /** 'all': the most threads the native benchmark used; 'single': 1 thread. */
  threads: 'all' | 'single';
}

/** The native side's settings actually found in a benchmark (precisions measured, the thread count 'all' means). */
export function nativeSettings(b: Benchmark | null): { precisions: string[]; maxThreads: number | null; hasSingle: boolean } {
  const rs = b?.result?.results ?? [];
  return {
    precisions: [...new Set(rs.map((r) => r.precision))].sort(),
    maxThreads: rs.length ? Math.max(...rs.map((r) => r.threads)) : null,
    hasSingle: rs.some((r) => r.threads === 1),
  };
}

/**
 * Native and WebGPU side by side: per kernel kind and qubit count measured by
 * either benchmark, each backend's time per gate and fraction of its own
 * reference bandwidth (CPU in-place vs device in-place), sizes ascending and kinds
 * in KERNEL_KINDS order. Either benchmark may be missing (its cells are null).
 */
export function backendComparison(native: Benchmark | null, webgpu: Benchmark | null, opts: ComparisonOptions): ComparisonRow[] {
  const cell = (r: GatesReport['results'][number]): ComparisonCell => ({
    msMedian: r.msPerGate.median, msMin: r.msPerGate.min, msMax: r.msPerGate.max, gbPerS: r.gbPerS,
    ...(r.msPerGate.ciLow && r.msPerGate.ciHigh ? { msCi: [r.msPerGate.ciLow, r.msPerGate.ciHigh] as [number, number] } : {}),
    referenceGbPerS: r.inplaceGbPerS, fraction: r.fractionOfInplace, precision: r.precision, threads: r.threads,
  });
  const key = (kind: string, n: number) => `${kind}@${n}`;
  const nat = new Map<string, ComparisonCell>();
  const { maxThreads } = nativeSettings(native);
  for (const r of native?.result?.results ?? [])
    if (r.precision === opts.precision && r.threads === (opts.threads === 'single' ? 1 : maxThreads)) nat.set(key(r.kind, r.qubits), cell(r));
  const gpu = new Map<string, ComparisonCell>();
  for (const r of webgpu?.result?.results ?? []) gpu.set(key(r.kind, r.qubits), cell(r));
  const order = (k: string) => {
    const i = (KERNEL_KINDS as readonly string[]).indexOf(k);
    return i < 0 ? KERNEL_KINDS.length : i;
  };
  const pairs = new Map<string, { kind: string; qubits: number }>();
  for (const r of [...(native?.result?.results ?? []), ...(webgpu?.result?.results ?? [])]) pairs.set(key(r.kind, r.qubits), { kind: r.kind, qubits: r.qubits });
  return [...pairs.values()]
    .sort((a, b) => a.qubits - b.qubits || order(a.kind) - order(b.kind) || a.kind.localeCompare(b.kind))
    .map(({ kind, qubits }) => {
      const n = nat.get(key(kind, qubits)) ?? null, g = gpu.get(key(kind, qubits)) ?? null;
      return { kind, qubits, native: n, webgpu: g, speedup: n && g && g.msMedian > 0 ? n.msMedian / g.msMedian : null };
    })
    .filter((r) => r.native || r.webgpu);
}

/**
 * The pair the comparison starts with: the newest completed WebGPU benchmark
 * and the newest completed native one on the same machine (the newest native
 * anywhere when that machine has none). Newest native alone where no WebGPU one exists.
 */
export function defaultComparisonPair(benchmarks: Benchmark[], here?: string): { native: Benchmark | null; webgpu: Benchmark | null } {
  const done = benchmarks.filter((b) => b.status === 'completed' && b.result).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const webgpu = done.find((b) => benchmarkBackend(b) === 'webgpu') ?? null;
  const natives = done.filter((b) => benchmarkBackend(b) === 'native');
  const native = (webgpu && natives.find((b) => benchmarkMachine(b, here) === benchmarkMachine(webgpu, here))) || natives[0] || null;
  return { native, webgpu };
}

/**
 * The WebGPU adapter the engine found on this machine, from the newest WebGPU
 * benchmark or run measured here (not imported); null until one has run.
 */
export function engineAdapter(benchmarks: Benchmark[], runs: Run[]): string | null {
  const seen: { at: string; adapter: string }[] = [];
  for (const b of benchmarks) {
    const a = !b.importedFrom && benchmarkBackend(b) === 'webgpu' ? benchmarkAdapter(b) : null;
    if (a) seen.push({ at: b.startedAt, adapter: a });
  }
  for (const r of runs) if (!r.importedFrom && r.result?.env.backend === 'webgpu' && r.result.env.adapter) seen.push({ at: r.startedAt, adapter: r.result.env.adapter });
  return seen.sort((a, b) => b.at.localeCompare(a.at))[0]?.adapter ?? null;
}
