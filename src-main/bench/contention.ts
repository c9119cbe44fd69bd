// `quench bench contention`: the engine's default thread setting against one
// thread, on an idle machine and beside a competing CPU load (a busy process
// pinned to one core, as another program on a laptop would be). The default
// must stay close to the best single-threaded figure when a core is taken,
// and still use the second core when it is free.
//
// Samples of the two settings are interleaved (A, B, A, B …) so that drift in
// the machine's state falls on both; each figure is a median with its 95% CI.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { describeLoad, type MachineLoad, type Spread } from '../../src-shared/results';
import { lower } from '../../src-shared/circuit/lower';
import { randomUnitary } from '../../src-shared/circuit/random-circuits';
import { Rng } from '../../src-shared/random';
import { PARAM_DEFAULTS } from '../../src-shared/workloads/defaults';
import { qnnCircuit, qnnInitialWeights, qnnParamRows, qnnReadout } from '../../src-shared/workloads/qnn';
import { now, spread } from '../../src-shared/workloads/timing';
import { vqeAnsatz, vqeHamiltonian, vqeInitialParams, VQE_DEFAULTS } from '../../src-shared/workloads/vqe';
import { UsageError } from '../errors';
import { collectInfo, lastLevelCacheBytes } from '../engine/machine-info';
import { BUSY_CORES, watchLoad } from '../engine/load';
import { NativeSession } from '../engine/session';
import { QGAN_DEFAULTS, QganGenerator } from '../engine/workloads/qgan';
import { loadAddon } from '../native/addon';
import { makeProgress } from './progress';

/** The default may be at most this much slower than the best single-threaded figure under load. */
export const LOADED_GOAL = 1.3;
/** And at least this much faster than one thread on an idle machine, for large states. */
export const IDLE_GOAL = 1.7;
export const IDLE_GOAL_MIN_QUBITS = 22;
/** The gates case's state: f32, at least 24 qubits and at least 4× this machine's last-level cache (out of cache). */
const gateQubits = () => Math.max(24, Math.ceil(Math.log2((4 * lastLevelCacheBytes()) / 8)));
const QNN = PARAM_DEFAULTS.qnn;

interface Workload {
  id: string;
  title: string;
  unit: string;
  qubits?: number;
  /** Prepares the workload for a thread setting (0 = the default); returns one call and how many units it does. */
  make(threads: number): { call: () => unknown; units: number; dispose?: () => void };
}

const WORKLOADS: Workload[] = [
  ...[8, 32, 256].map((B): Workload => ({
    id: `qgan-b${B}`,
    title: `CV-GAN generator (seed circuit), batch ${B}`,
    unit: 'µs/sample',
    make(threads) {
      const gen = new QganGenerator(QGAN_DEFAULTS, { threads });
      const z = gen.sampleLatent(B, new Rng(1));
      return { call: () => gen.generate(z, B), units: B / 1000 };
    },
  })),
  {
    id: 'qnn',
    title: `QNN inference (${QNN.qubits} qubits, ${QNN.layers} layers), batch ${QNN.inferenceBatch}`,
    unit: 'µs/sample',
    make(threads) {
      const s = QNN;
      const session = new NativeSession({ threads });
      const circuit = lower(qnnCircuit(s));
      session.prepare(circuit);
      const rng = new Rng(2);
      const features = Float64Array.from({ length: s.inferenceBatch * s.qubits }, () => rng.next() * Math.PI);
      const rows = qnnParamRows(features, Array.from({ length: s.inferenceBatch }, (_, i) => i), s.qubits, qnnInitialWeights(s));
      return { call: () => session.runBatch(circuit, rows, s.inferenceBatch, [qnnReadout()]), units: s.inferenceBatch / 1000, dispose: () => session.dispose() };
    },
  },
  {
    id: 'vqe',
    title: `VQE energy + adjoint gradient (${VQE_DEFAULTS.qubits} qubits, seed ansatz)`,
    unit: 'ms',
    make(threads) {
      const session = new NativeSession({ threads });
      const H = vqeHamiltonian(VQE_DEFAULTS);
      const circuit = lower(vqeAnsatz(VQE_DEFAULTS));
      session.prepare(circuit);
      const x = vqeInitialParams(circuit.numParams, 1);
      return { call: () => session.gradient(circuit, x, H), units: 1, dispose: () => session.dispose() };
    },
  },
  {
    id: 'gates',
    // Sized from the machine when the case runs (not when the CLI starts).
    get title() {
      const n = gateQubits();
      return `gate application out of cache: ${n} qubits f32 (${(8 * 2 ** n) / 2 ** 20} MiB, ≥ 4× the last-level cache), dense 1- and 2-qubit gates on low, middle and high qubits`;
    },
    unit: 'ms/gate',
    get qubits() {
      return gateQubits();
    },
    make(threads) {
      const addon = loadAddon();
      const n = gateQubits();
      const state = new addon.State(n, 'f32');
      const rng = new Rng(3);
      const mid = Math.floor(n / 2);
      const gates = [[0], [mid], [n - 1], [0, 1], [mid - 1, mid], [n - 2, n - 1]].map((q) => ({ qubits: q, controls: [], diagonal: false, matrix: randomUnitary(q.length, rng) }));
      const exec = { threads };
      return { call: () => gates.forEach((g) => state.apply(g, undefined, exec)), units: gates.length, dispose: () => state.dispose() };
    },
  },
];

export type Verdict = 'pass' | 'miss' | 'not judged';

export interface ContentionFigure {
  threads: 'default' | 1;
  condition: 'idle' | 'loaded';
  /** Per unit (the workload's unit): median, CI and spread of the samples. */
  spread: Spread;
}

export interface ContentionResult {
  id: string;
  title: string;
  unit: string;
  figures: ContentionFigure[];
  /** Loaded default ÷ best single-threaded median (idle or loaded). */
  loadedRatio: number;
  /** Idle: one thread ÷ default (the default's speed-up). */
  idleSpeedup: number;
  checks: { name: string; verdict: Verdict; detail: string }[];
}

export interface ContentionReport {
  env: ReturnType<typeof collectInfo>;
  defaultThreads: number;
  /** How the competing load was placed. */
  hog: string;
  /** What else ran during each condition (the idle one should be idle). */
  load: Record<'idle' | 'loaded', MachineLoad | null>;
  results: ContentionResult[];
}

export interface BenchContentionOptions {
  json?: boolean;
  case?: string[];
  /** Interleaved A/B rounds per condition (each round: one sample of each setting). */
  rounds?: number;
}

/** A process spinning on one core (the last one) until killed. */
function startHog(): { child: ChildProcess; how: string } {
  const cores = os.availableParallelism();
  const spin = ['-e', 'for(;;){}'];
  const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
  const child = hasTaskset && cores > 1 ? spawn('taskset', ['-c', String(cores - 1), process.execPath, ...spin], { stdio: 'ignore' }) : spawn(process.execPath, spin, { stdio: 'ignore' });
  return { child, how: hasTaskset && cores > 1 ? `one busy process pinned to CPU ${cores - 1} (taskset)` : 'one busy process (not pinned: no taskset)' };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Samples of one call, each long enough (≥ 20 ms) that the clock's resolution does not matter. */
async function sampleOnce(call: () => unknown, units: number, inner: number): Promise<number> {
  const t0 = now();
  for (let i = 0; i < inner; i++) await call();
  return (now() - t0) / inner / units; // ms per unit (units are scaled to the workload's unit)
}

export async function benchContention(opts: BenchContentionOptions, onStep?: (label: string) => void): Promise<ContentionReport> {
  const ids = opts.case ?? WORKLOADS.map((w) => w.id);
  const unknown = ids.filter((id) => !WORKLOADS.some((w) => w.id === id));
  if (unknown.length) throw new UsageError(`unknown case(s) ${unknown.join(', ')}; cases: ${WORKLOADS.map((w) => w.id).join(', ')}`);
  const rounds = opts.rounds ?? 15;
  if (!Number.isInteger(rounds) || rounds < 3 || rounds > 1000) throw new UsageError(`--rounds must be an integer from 3 to 1000 (got ${opts.rounds})`);
  const info = loadAddon().info();
  const results: ContentionResult[] = [];
  const loads: ContentionReport['load'] = { idle: null, loaded: null };
  let hogHow = '';
  const samples = new Map<string, number[]>();
  const key = (id: string, t: 'default' | 1, c: 'idle' | 'loaded') => `${id}|${t}|${c}`;
  for (const condition of ['idle', 'loaded'] as const) {
    let hog: ChildProcess | null = null;
    if (condition === 'loaded') {
      const h = startHog();
      hog = h.child;
      hogHow = h.how;
      await sleep(300); // let it reach its core
    }
    const stop = watchLoad();
    try {
      for (const w of WORKLOADS.filter((x) => ids.includes(x.id))) {
        onStep?.(`${w.id} ${condition}`);
        const runs = { default: w.make(0), one: w.make(1) };
        try {
          // Calls per sample: enough for ~20 ms on one thread.
          const t0 = now();
          await runs.one.call();
          await runs.default.call(); // warm-up of both
          const once = Math.max(0.01, now() - t0);
          const inner = Math.max(1, Math.min(10_000, Math.round(20 / (once / 2))));
          for (let r = 0; r < rounds; r++) {
            // Alternate which goes first so neither always follows the other.
            const order: ['default' | 1, typeof runs.one][] = r % 2 ? [[1, runs.one], ['default', runs.default]] : [['default', runs.default], [1, runs.one]];
            for (const [t, run] of order) {
              const k = key(w.id, t, condition);
              const list = samples.get(k) ?? [];
              list.push(await sampleOnce(run.call, run.units, inner));
              samples.set(k, list);
            }
          }
        } finally {
          runs.default.dispose?.();
          runs.one.dispose?.();
        }
      }
    } finally {
      const l = stop();
      if (l) loads[condition] = l;
      if (hog) {
        hog.kill('SIGKILL');
        await sleep(100);
      }
    }
  }
  for (const w of WORKLOADS.filter((x) => ids.includes(x.id))) {
    const figures: ContentionFigure[] = [];
    for (const condition of ['idle', 'loaded'] as const)
      for (const t of ['default', 1] as const) figures.push({ threads: t, condition, spread: spread(samples.get(key(w.id, t, condition))!) });
    const fig = (t: 'default' | 1, c: 'idle' | 'loaded') => figures.find((f) => f.threads === t && f.condition === c)!.spread;
    const single = fig(1, 'idle').median <= fig(1, 'loaded').median ? fig(1, 'idle') : fig(1, 'loaded');
    const loaded = fig('default', 'loaded');
    const loadedRatio = loaded.median / single.median;
    const idleSpeedup = fig(1, 'idle').median / fig('default', 'idle').median;
    // A goal is judged on medians, unless the CIs cannot tell: then it is not judged, and says so.
    const judge = (ok: boolean, clearMiss: boolean): Verdict => (ok ? 'pass' : clearMiss ? 'miss' : 'not judged');
    const checks: ContentionResult['checks'] = [
      {
        name: 'loaded: default ≤ 1.3× the best single-threaded figure',
        verdict: judge(loadedRatio <= LOADED_GOAL, loaded.ciLow! > LOADED_GOAL * single.ciHigh!),
        detail: `${loadedRatio.toFixed(2)}× (same-condition one thread: ${(loaded.median / fig(1, 'loaded').median).toFixed(2)}×)`,
      },
    ];
    if ((w.qubits ?? 0) >= IDLE_GOAL_MIN_QUBITS && info.cpu.logicalCores > 1) {
      const d = fig('default', 'idle'), one = fig(1, 'idle');
      checks.push({ name: `idle: default ≥ ${IDLE_GOAL}× faster than one thread`, verdict: judge(idleSpeedup >= IDLE_GOAL, one.ciHigh! / d.ciLow! < IDLE_GOAL), detail: `${idleSpeedup.toFixed(2)}×` });
    }
    for (const c of checks) if (c.verdict === 'not judged') c.detail += ': the 95% CIs are too wide to tell (a disturbed measurement); run again'
    results.push({ id: w.id, title: w.title, unit: w.unit, figures, loadedRatio, idleSpeedup, checks });
  }
  return { env: collectInfo(), defaultThreads: info.defaultThreads, hog: hogHow, load: loads, results };
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));

export function formatContention(r: ContentionReport): string {
  const lines = [
    `Quench bench contention — ${r.env.cpu.model}, ${r.env.cpu.logicalCores} cores, ISA ${r.env.isa.inUse}; default threads here: ${r.defaultThreads}`,
    `Competing load: ${r.hog}. Figures: median [95% CI] of interleaved samples.`,
  ];
  for (const c of ['idle', 'loaded'] as const) {
    const l = r.load[c];
    if (l) lines.push(`  during the ${c} runs: ${describeLoad(l)}${c === 'idle' && (l.othersCores ?? 0) >= BUSY_CORES ? ' — NOT IDLE: the idle figures are disturbed' : ''}`);
  }
  for (const x of r.results) {
    lines.push('', `■ ${x.id} — ${x.title}`);
    for (const f of x.figures) {
      const s = f.spread;
      lines.push(`  ${f.condition.padEnd(7)} ${(f.threads === 'default' ? 'default' : '1 thread').padEnd(9)} ${fmt(s.median).padStart(8)} ${x.unit} [${fmt(s.ciLow!)} – ${fmt(s.ciHigh!)}]${s.unstable ? `  unstable: ${s.unstable.join('; ')}` : ''}`);
    }
    lines.push(`  idle speed-up of the default over one thread: ${x.idleSpeedup.toFixed(2)}×`);
    for (const c of x.checks) lines.push(`  ${c.verdict === 'pass' ? 'pass' : c.verdict === 'miss' ? 'MISS' : 'NOT JUDGED'}  ${c.name}: ${c.detail}`);
  }
  const missed = r.results.filter((x) => x.checks.some((c) => c.verdict === 'miss')).map((x) => x.id);
  const unjudged = r.results.filter((x) => x.checks.some((c) => c.verdict === 'not judged')).map((x) => x.id);
  lines.push('', missed.length ? `missed: ${missed.join(', ')}` : unjudged.length ? 'no goal missed' : `all ${r.results.length} cases met the contention goals`);
  if (unjudged.length) lines.push(`not judged (CIs too wide; run again on a calmer machine): ${unjudged.join(', ')}`);
  return lines.join('\n') + '\n';
}

export async function runBenchContention(opts: BenchContentionOptions): Promise<number> {
  const n = (opts.case ?? WORKLOADS.map((w) => w.id)).length * 2;
  const progress = makeProgress(n, !opts.json);
  const report = await benchContention(opts, (label) => progress.step(label));
  progress.stop();
  process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatContention(report));
  return 0;
}

export const CONTENTION_CASES = WORKLOADS.map((w) => w.id);
