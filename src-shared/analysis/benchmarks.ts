// The gates benchmark history (Project.benchmarks, measured here or imported
// with another machine's project file): flat rows for the table, the
// machines they ran on, and the fraction of in-place bandwidth per kernel
// kind that the Hardware view charts.
import type { Benchmark, GatesReport, Run } from '../project/schema';

export interface BenchmarkRow {
  benchmarkId: string;
  startedAt: string;
  machine: string;
  imported: string | null;
  kind: string;
  qubits: number;
  precision: string;
  threads: number;
  msMedian: number;
  msMin: number;
  msMax: number;
  gbPerS: number;
  inplaceGbPerS: number;
  fractionOfInplace: number;
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
    for (const r of b.result.results)
      rows.push({
        benchmarkId: b.id, startedAt: b.startedAt, machine, imported: b.importedFrom ?? null,
        kind: r.kind, qubits: r.qubits, precision: r.precision, threads: r.threads,
        msMedian: r.msPerGate.median, msMin: r.msPerGate.min, msMax: r.msPerGate.max,
        gbPerS: r.gbPerS, inplaceGbPerS: r.inplaceGbPerS, fractionOfInplace: r.fractionOfInplace,
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
  /** The largest in-place bandwidth any of its benchmarks measured, GB/s. */
  peakInplaceGbPerS: number | null;
  /** Per kernel kind: the best fraction of in-place bandwidth at its largest qubit count. */
  bestFraction: Record<string, number>;
  isa: string | null;
  logicalCores: number | null;
}

/** Benchmarks and runs grouped by the machine they ran on (CPU model), newest machine activity first. */
export function machines(benchmarks: Benchmark[], runs: Run[], here?: string): MachineSummary[] {
  const m = new Map<string, MachineSummary>();
  const get = (name: string) => {
    let s = m.get(name);
    if (!s) m.set(name, (s = { machine: name, benchmarks: [], runs: 0, importedFrom: [], lastAt: null, peakInplaceGbPerS: null, bestFraction: {}, isa: null, logicalCores: null }));
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
export function fractionByKind(report: GatesReport, precision: string | 'any', threads: 'single' | 'all' | 'any'): Record<string, { fraction: number; qubits: number; threads: number; precision: string }> {
  const maxThreads = Math.max(...report.results.map((r) => r.threads));
  const pool = report.results.filter(
    (r) => (precision === 'any' || r.precision === precision) && (threads === 'any' || (threads === 'single' ? r.threads === 1 : r.threads === maxThreads)),
  );
  const out: Record<string, { fraction: number; qubits: number; threads: number; precision: string }> = {};
  for (const kind of new Set(pool.map((r) => r.kind))) {
    const ofKind = pool.filter((r) => r.kind === kind);
    const n = Math.max(...ofKind.map((r) => r.qubits));
    const best = ofKind.filter((r) => r.qubits === n).reduce((a, b) => (b.fractionOfInplace > a.fractionOfInplace ? b : a));
    out[kind] = { fraction: best.fractionOfInplace, qubits: n, threads: best.threads, precision: best.precision };
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
