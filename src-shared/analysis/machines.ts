// Which machine made a run, for comparisons that must not mix hardware:
// results from different CPUs are never pooled into one statistic. A run's
// machine is its CPU model (env.cpu); the node's name (env.host, recorded by
// runs a cluster job made) is kept for the label. Runs on several nodes with
// the same CPU model do pool: that is how repeats across a homogeneous
// partition of a cluster are meant to be read.
import type { Benchmark, Run } from '../project/schema';
import { formatBytes } from '../workloads/memory';
import { describeMetric, ratioOf } from './metric-registry';

/** The CPU model that made the run, or null for a run without a result. */
export function runMachine(r: Run): string | null {
  return r.result?.env.cpu ?? null;
}

export interface MachineGroup {
  /** The CPU model. */
  machine: string;
  /** The node names among its runs (cluster jobs record them), in the order first seen. */
  hosts: string[];
  runs: Run[];
}

/** Runs with a result by the CPU that made them, in the order first seen. */
export function groupByMachine(runs: readonly Run[]): MachineGroup[] {
  const groups = new Map<string, MachineGroup>();
  for (const r of runs) {
    const machine = runMachine(r);
    if (machine === null) continue;
    let g = groups.get(machine);
    if (!g) groups.set(machine, (g = { machine, hosts: [], runs: [] }));
    g.runs.push(r);
    const host = r.result?.env.host;
    if (host && !g.hosts.includes(host)) g.hosts.push(host);
  }
  return [...groups.values()];
}

/** 'Xeon Gold 6130 (node12, node13)': a machine group in words. */
export function machineLabel(g: Pick<MachineGroup, 'machine' | 'hosts'>): string {
  const hosts = g.hosts.length > 3 ? `${g.hosts.slice(0, 3).join(', ')} and ${g.hosts.length - 3} more` : g.hosts.join(', ');
  return hosts ? `${g.machine} (${hosts})` : g.machine;
}

// ---- Machines side by side (the Hardware view) ----------------------------
// A machine's fingerprint is everything that makes its figures its own: the
// CPU model, the ISA the kernels used, its logical cores, its memory and, for
// a cluster's nodes, its name. Gates benchmarks, and the runs a cluster job
// made (env.host / env.slurm), are grouped by fingerprint, one column each;
// a figure is the median of that machine's results with their spread, and
// nothing is ever pooled across two fingerprints.

export interface MachineFingerprint {
  cpu: string;
  isa: string | null;
  logicalCores: number | null;
  memoryBytes: number | null;
  /** The node's name (runs and benchmarks a cluster job made record it); null where it was not recorded. */
  host: string | null;
}

type Env = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The fingerprint of a gates benchmark's machine (its report's env), or null without a report. */
export function benchmarkFingerprint(b: Benchmark): MachineFingerprint | null {
  const env = b.result?.env as Env | undefined;
  if (!env) return null;
  const cpu = env.cpu as Env | string | undefined;
  const model = typeof cpu === 'string' ? cpu : str(cpu?.model);
  if (!model) return null;
  const memory = env.memory as Env | undefined;
  return {
    cpu: model,
    isa: str(env.isa),
    logicalCores: typeof cpu === 'object' ? num(cpu.logicalCores) : null,
    memoryBytes: num(env.memoryBytes) ?? num(memory?.totalBytes),
    host: str(env.host),
  };
}

/** The fingerprint of a run's machine, or null for a run without a result. */
export function runFingerprint(r: Run): MachineFingerprint | null {
  const env = r.result?.env;
  if (!env) return null;
  return { cpu: env.cpu, isa: env.isa || null, logicalCores: env.logicalCores ?? null, memoryBytes: env.memoryBytes ?? null, host: env.host ?? null };
}

export const fingerprintKey = (f: MachineFingerprint) => JSON.stringify([f.cpu, f.isa, f.logicalCores, f.memoryBytes, f.host]);

/** 'node7 · AVX2 · 32 cores · 125.8 GiB': what tells machines with one CPU model apart. */
export function fingerprintFacts(f: MachineFingerprint): string {
  return [f.host ?? 'no node name', f.isa ? `ISA ${f.isa}` : null, f.logicalCores !== null ? `${f.logicalCores} cores` : null, f.memoryBytes !== null ? formatBytes(f.memoryBytes) : null].filter(Boolean).join(' · ');
}

/** One machine's figure for a row: the median of its results and their spread. */
export interface MachineCell {
  median: number;
  low: number;
  high: number;
  /** How many results (benchmarks or runs) the median is of. */
  n: number;
  /** What low–high spans: the results' range, or a single result's own range (its repeats, or its 95% CI). */
  spread: 'range' | 'repeats' | 'ci' | 'none';
  /** median ÷ the first machine's median with a figure on this row (a ratio scale only); null for that machine. */
  ratio: number | null;
  /** Better than every other machine on the row with no overlap of the spreads. */
  best: boolean;
}

export interface MachineRow {
  section: 'gates' | 'runs';
  key: string;
  /** What was measured: 'fused · 20 qubits · f64 · all threads', or the experiment and its grid point. */
  label: string;
  /** The metric (a metric-registry key: formatted, labelled and compared through it). */
  metric: string;
  /** A gates row's setting, for filters. */
  precision?: string;
  threads?: '1 thread' | 'all threads' | string;
  cells: (MachineCell | null)[];
}

export interface MachineColumn extends MachineFingerprint {
  key: string;
  benchmarks: number;
  runs: number;
}

export interface MachinesSideBySide {
  machines: MachineColumn[];
  rows: MachineRow[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const KIND_ORDER = ['1q', '2q', 'diagonal', 'fused'];
const threadsWord = (t: number, most: number) => (t === 1 ? '1 thread' : t === most ? 'all threads' : `${t} threads`);

/** A run of a cluster job: it names its node (env.host) or its Slurm task (env.slurm). */
export const isNodeRun = (r: Run) => !!(r.result?.env.host || r.result?.env.slurm);

/**
 * Completed native gates benchmarks, and completed runs a cluster job made,
 * side by side: one column per machine fingerprint, one row per thing
 * measured (a kernel at a size, precision and thread setting; an experiment's
 * headline speed metric at a grid point). `headline(kind, keys)` picks a
 * run's metric (analysis/metrics.ts headlineSpeedMetric).
 */
export function machinesSideBySide(benchmarks: readonly Benchmark[], runs: readonly Run[], headline: (kind: string, keys: string[]) => string | null, experimentName: (id: string) => string = (id) => id): MachinesSideBySide {
  const columns = new Map<string, MachineColumn>();
  const column = (f: MachineFingerprint) => {
    const key = fingerprintKey(f);
    let c = columns.get(key);
    if (!c) columns.set(key, (c = { ...f, key, benchmarks: 0, runs: 0 }));
    return c;
  };
  // row key → machine key → [median, low, high][] (one per result)
  const values = new Map<string, { row: Omit<MachineRow, 'cells'>; order: (string | number)[]; by: Map<string, { v: number; lo: number; hi: number; spread: MachineCell['spread'] }[]> }>();
  const add = (row: Omit<MachineRow, 'cells'>, order: (string | number)[], machine: string, v: number, lo: number, hi: number, spread: MachineCell['spread']) => {
    let e = values.get(row.key);
    if (!e) values.set(row.key, (e = { row, order, by: new Map() }));
    const list = e.by.get(machine) ?? [];
    list.push({ v, lo, hi, spread });
    e.by.set(machine, list);
  };

  for (const b of benchmarks) {
    if (b.status !== 'completed' || !b.result || b.options.backend === 'webgpu' || (b.result.env as Env).backend === 'webgpu') continue;
    const f = benchmarkFingerprint(b);
    if (!f) continue;
    const c = column(f);
    c.benchmarks++;
    const most = Math.max(...b.result.results.map((r) => r.threads));
    for (const r of b.result.results) {
      const threads = threadsWord(r.threads, most);
      const key = `gates|${r.kind}|${r.qubits}|${r.precision}|${threads}`;
      const t = r.msPerGate;
      add({ section: 'gates', key, label: `${r.kind} · ${r.qubits} qubits · ${r.precision} · ${threads}`, metric: 'ms_per_gate', precision: r.precision, threads }, [0, KIND_ORDER.indexOf(r.kind), r.qubits, r.precision, threads === '1 thread' ? 0 : 1], c.key, t.median, t.min, t.max, 'repeats');
    }
  }
  for (const r of runs) {
    if (r.status !== 'completed' || !r.result || !isNodeRun(r)) continue;
    const f = runFingerprint(r)!;
    const metric = headline(r.result.kind, Object.keys(r.result.metrics));
    if (!metric || typeof r.result.metrics[metric] !== 'number') continue;
    const c = column(f);
    c.runs++;
    const point = r.overrides && Object.keys(r.overrides).length ? Object.entries(r.overrides).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`).join(', ') : '';
    const key = `runs|${r.experimentId}|${point}|${metric}`;
    const v = r.result.metrics[metric];
    const lo = r.result.metrics[`${metric}_ci_lo`], hi = r.result.metrics[`${metric}_ci_hi`];
    const ci = typeof lo === 'number' && typeof hi === 'number';
    add({ section: 'runs', key, label: `${experimentName(r.experimentId)}${point ? ` · ${point}` : ''}`, metric }, [1, experimentName(r.experimentId), point], c.key, v, ci ? lo : v, ci ? hi : v, ci ? 'ci' : 'none');
  }

  const machines = [...columns.values()].sort((a, b) => a.cpu.localeCompare(b.cpu) || (a.host ?? '').localeCompare(b.host ?? '') || (a.isa ?? '').localeCompare(b.isa ?? ''));
  const cmp = (a: (string | number)[], b: (string | number)[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i] ?? '', y = b[i] ?? '';
      if (x === y) continue;
      return typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'en', { numeric: true });
    }
    return 0;
  };
  const rows = [...values.values()].sort((a, b) => cmp(a.order, b.order)).map(({ row, by }): MachineRow => {
    const cells = machines.map((m): MachineCell | null => {
      const list = by.get(m.key);
      if (!list?.length) return null;
      const med = median(list.map((x) => x.v));
      // Several results: the spread of their medians; one: its own range (repeats, or its CI).
      const [low, high, spread] = list.length > 1 ? [Math.min(...list.map((x) => x.v)), Math.max(...list.map((x) => x.v)), 'range' as const] : [list[0].lo, list[0].hi, list[0].spread];
      return { median: med, low, high, n: list.length, spread, ratio: null, best: false };
    });
    const base = cells.find((c) => c !== null);
    const info = describeMetric(row.metric);
    for (const c of cells) if (c && base && c !== base) c.ratio = ratioOf(row.metric, base.median, c.median);
    const present = cells.filter((c): c is MachineCell => c !== null);
    if (present.length > 1 && info.better !== 'neutral') {
      const lower = info.better === 'lower';
      const top = present.reduce((a, b) => ((lower ? b.median < a.median : b.median > a.median) ? b : a));
      if (present.every((c) => c === top || (lower ? top.high < c.low : top.low > c.high))) top.best = true;
    }
    return { ...row, cells };
  });
  return { machines, rows };
}
