// A Profile of one experiment: where its time goes (phases on a timeline,
// engine kernels by kind with their SIMD share), its memory (the engine's
// allocations and the process's resident set over the run), how it scales
// with threads, and bottlenecks — each citing the numbers that triggered it,
// and where a setting could help, the measured effect of a short trial run
// with that setting. Nothing here is canned advice: a recommendation exists
// only when a trial measured it (CIs apart) or a counter shows it.
import os from 'node:os';
import { headlineSpeedMetric, isSpreadCompanion } from '../../src-shared/analysis/metrics';
import type { Experiment } from '../../src-shared/project/schema';
import type { RunResult } from '../../src-shared/results';
import { collectUntilStable, now, recordTimeline, spread } from '../../src-shared/workloads/timing';
import { watchLoad } from '../engine/load';
import { runExperiment } from '../engine/run-experiment';
import { DEFAULT_FUSION } from '../backend/native-backend';
import { loadAddon, type EngineProfileSnapshot } from '../native/addon';
import { formatMs, formatShare, type Bottleneck, type ExperimentProfile, type ProfileKernel, type ProfileTrial } from '../../src-shared/analysis/profile';

export type { ExperimentProfile } from '../../src-shared/analysis/profile';

export interface ProfileOptions {
  baseDir?: string;
  /** Short trial runs for thread scaling and settings (default true). */
  trials?: boolean;
  onStep?: (label: string) => void;
}

const isNative = (e: Experiment) => e.settings.backend !== 'webgpu' && e.settings.backend !== 'reference';
/** Thread counts of the scaling trials: powers of two below the default, and the default. */
const threadTrials = (maxThreads: number) => [...new Set([1, 2, 4, 8, 16, 32, 64].filter((t) => t < maxThreads).concat(maxThreads))];
/** Fusion widths tried besides the experiment's own (the CV GAN's Fock circuits are not fused). */
const fusionTrials = (e: Experiment) => (['qgan', 'qgan-train'].includes(e.kind) ? [] : [0, 2, 4, 5].filter((f) => f !== (e.settings.fusion ?? DEFAULT_FUSION)));

/** How many onStep calls profileExperiment makes (for a progress bar): the run, then each trial. */
export function profileSteps(e: Experiment, trials = true): number {
  if (!trials) return 1;
  return 3 + (isNative(e) ? threadTrials(loadAddon().info().defaultThreads).length + 1 + fusionTrials(e).length : 0);
}

/** fn with the engine's counters on (restored to off afterwards). */
async function counted<T>(fn: () => Promise<T>): Promise<T> {
  const addon = loadAddon();
  addon.profileStart();
  try {
    return await fn();
  } finally {
    addon.profileStop();
  }
}

/** The experiment made short for trial runs: same circuits and settings, fewer iterations. */
export function shortened(e: Experiment): Experiment {
  const p = { ...(e.params as Record<string, unknown>) };
  const cap = (k: string, v: number) => {
    if (typeof p[k] !== 'number' || (p[k] as number) > v) p[k] = v;
  };
  switch (e.kind) {
    case 'vqe':
      cap('iterations', 30);
      break;
    case 'qaoa':
      cap('iterations', 10);
      break;
    case 'qnn':
      cap('epochs', 2);
      cap('latencySamples', 50);
      p.baselines = false;
      break;
    case 'qsvm':
      p.baseline = false;
      break;
    case 'qgan':
      p.batches = [1, 8, 32, 256];
      cap('repeats', 7);
      break;
    case 'qgan-train':
      cap('epochs', 1);
      break;
  }
  return { ...e, params: p } as Experiment;
}

const trialOf = (e: Experiment, settings: Partial<Experiment['settings']>): Experiment => ({ ...e, settings: { ...e.settings, ...settings } }) as Experiment;

/** Median and CI of the headline metric: from the run's own repeats, or over repeated runs where it has none. */
async function measureTrial(e: Experiment, metric: string, baseDir: string): Promise<{ median: number; ciLow: number; ciHigh: number; unstable?: string[] }> {
  // A run that measures the metric with its own repeats (and CI) is run once; a
  // single-shot metric (a circuit's simulate time) is repeated until its CI is
  // narrow or ~1.5 s is spent, so a verdict never rests on a 3-run min–max.
  const first = await runExperiment(e, baseDir);
  const m = first.metrics;
  if (typeof m[`${metric}_ci_lo`] === 'number')
    return { median: m[metric], ciLow: m[`${metric}_ci_lo`], ciHigh: m[`${metric}_ci_hi`], ...(first.unstable ? { unstable: Object.values(first.unstable).flat() } : {}) };
  const values = await collectUntilStable(async () => (await runExperiment(e, baseDir)).metrics[metric], { minRepeats: 6, maxRepeats: 25, budgetMs: 1500 }, [m[metric]]);
  const s = spread(values);
  return { median: s.median, ciLow: s.ciLow!, ciHigh: s.ciHigh!, ...(s.unstable ? { unstable: s.unstable } : {}) };
}

function kernelsOf(s: EngineProfileSnapshot): ProfileKernel[] {
  return Object.entries(s.kinds)
    .map(([kind, k]) => ({ kind, ms: k.ns / 1e6, calls: k.calls, meanUs: k.ns / 1e3 / k.calls, mAmpsPerS: k.ns ? k.amplitudes / (k.ns / 1e9) / 1e6 : 0, vectorShare: k.ns ? k.vectorNs / k.ns : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

const pct = formatShare, ms = formatMs;

export async function profileExperiment(e: Experiment, opts: ProfileOptions = {}): Promise<ExperimentProfile> {
  const addon = loadAddon();
  const baseDir = opts.baseDir ?? process.cwd();
  const info = addon.info();
  // ---- the profiled run: counters, timeline, memory samples ----------------------------
  opts.onStep?.('profiled run');
  const t0 = now();
  const stopLoad = watchLoad();
  addon.profileStart();
  recordTimeline(true);
  let result: RunResult;
  try {
    result = await runExperiment(e, baseDir);
  } finally {
    addon.profileStop();
  }
  const timeline = recordTimeline(false).map((ev) => ({ phase: ev.phase, start: ev.start - t0, end: ev.end - t0 }));
  const wallMs = now() - t0;
  const load = stopLoad();
  const snap = addon.profileSnapshot();
  // The engine's sampler thread took these every ~10 ms, also inside long synchronous engine calls.
  const m = snap.memory;
  const rss = Array.from(m.ms, (t, i): [number, number] => [t, m.rssBytes[i]]);
  const engineLive = Array.from(m.ms, (t, i): [number, number] => [t, m.engineBytes[i]]);
  const kernels = kernelsOf(snap);
  const kernelNs = kernels.reduce((a, k) => a + k.ms, 0);
  const simdShare = kernelNs > 0 ? kernels.reduce((a, k) => a + k.ms * k.vectorShare, 0) / kernelNs : null;

  // Phase totals: the timeline's stretches, and the run's own totals (ms) for phases it
  // computes rather than times (the optimizer's share). The qgan benchmark's `phases` are
  // µs per sample at batch 32, not totals: there only the timeline counts.
  const totals = new Map<string, number>();
  for (const ev of timeline) totals.set(ev.phase, (totals.get(ev.phase) ?? 0) + (ev.end - ev.start));
  if (e.kind !== 'qgan')
    for (const [k, v] of Object.entries(result.phases)) if (typeof v === 'number' && v > 0) totals.set(k, Math.max(totals.get(k) ?? 0, v));
  const phaseSum = [...totals.values()].reduce((a, v) => a + v, 0);
  const phases = [...[...totals].map(([phase, v]) => ({ phase, ms: v, share: v / wallMs })), { phase: 'other', ms: Math.max(0, wallMs - phaseSum), share: Math.max(0, wallMs - phaseSum) / wallMs }];
  const threads = result.env.threads || 1;
  // Kernel-bearing wall time: the phases that run circuits (simulate, quantum, readout), else the whole run.
  const kernelWall = phases.filter((p) => ['simulate', 'quantum', 'readout', 'gradient'].includes(p.phase)).reduce((a, p) => a + p.ms, 0) || wallMs;
  const kernelShare = kernelNs > 0 && result.env.backend.startsWith('native') ? Math.min(1, kernelNs / kernelWall) : null;

  const metric = headlineSpeedMetric(e.kind, Object.keys(result.metrics).filter((k) => !isSpreadCompanion(k)));
  const headline = { metric, value: metric ? result.metrics[metric] ?? null : null, ...(metric && result.metrics[`${metric}_ci_lo`] !== undefined ? { ciLow: result.metrics[`${metric}_ci_lo`], ciHigh: result.metrics[`${metric}_ci_hi`] } : {}) };

  // ---- trials ---------------------------------------------------------------------------
  const scaling: ExperimentProfile['scaling'] = [];
  const trials: ProfileTrial[] = [];
  let overhead: ExperimentProfile['overhead'] = null;
  const native = isNative(e);
  let configured: ExperimentProfile['scaling'][number] | null = null; // the thread-scaling trial at the configured threads
  // Trials compare a timing metric with a CI of its own where the run has one (QAOA's
  // s_per_problem has none, its ms_per_iteration has); otherwise each trial is repeated.
  const withCi = Object.keys(result.metrics).filter((k) => !isSpreadCompanion(k) && typeof result.metrics[`${k}_ci_lo`] === 'number');
  const trialMetric = metric && typeof result.metrics[`${metric}_ci_lo`] === 'number' ? metric : (withCi[0] ?? metric);
  if (opts.trials !== false && trialMetric) {
    const short = shortened(e);
    const metric = trialMetric;
    opts.onStep?.('trial: baseline');
    // One untimed run first: the first run of a configuration pays for warm caches and
    // code paths, and a baseline slowed by that would make every trial look "better".
    await runExperiment(short, baseDir);
    const base = await measureTrial(short, metric, baseDir);
    const judge = (name: string, setting: string, value: string | number, m: Awaited<ReturnType<typeof measureTrial>>): ProfileTrial => {
      const separate = m.ciLow > base.ciHigh || m.ciHigh < base.ciLow;
      return { name, setting, value, metric, median: m.median, ciLow: m.ciLow, ciHigh: m.ciHigh, ratio: m.median / base.median, separate, verdict: !separate ? 'same' : m.median < base.median ? 'better' : 'worse', ...(m.unstable ? { unstable: m.unstable } : {}) };
    };
    trials.push(judge('baseline', 'as configured', 'shortened', base));
    // The profiler's own cost, two ways: interleaved A/B runs of the shortened experiment
    // (counters off, on, off, on: drift falls on both), and the counters' calibrated
    // cost per call times the calls this run made.
    opts.onStep?.('trial: profiler overhead');
    const on1 = await counted(() => measureTrial(short, metric, baseDir));
    const off2 = await measureTrial(short, metric, baseDir);
    const on2 = await counted(() => measureTrial(short, metric, baseDir));
    const offs = [base, off2], ons = [on1, on2];
    const mid = (xs: { median: number }[]) => (xs[0].median + xs[1].median) / 2;
    const calls = kernels.reduce((a, k) => a + k.calls, 0);
    overhead = {
      ratio: mid(ons) / mid(offs),
      separate: Math.min(...ons.map((x) => x.ciLow)) > Math.max(...offs.map((x) => x.ciHigh)) || Math.max(...ons.map((x) => x.ciHigh)) < Math.min(...offs.map((x) => x.ciLow)),
      perCallNs: snap.scopeCostNs,
      estimatedShare: (calls * snap.scopeCostNs) / 1e6 / wallMs,
    };
    if (native) {
      const maxThreads = info.defaultThreads;
      for (const t of threadTrials(maxThreads)) {
        opts.onStep?.(`trial: threads ${t}`);
        const m = await measureTrial(trialOf(short, { threads: t }), metric, baseDir);
        scaling.push({ threads: t, median: m.median, ciLow: m.ciLow, ciHigh: m.ciHigh, speedup: 0, efficiency: 0 });
        if (t !== (e.settings.threads || maxThreads)) trials.push(judge(`threads ${t}`, 'threads', t, m));
      }
      const one = scaling.find((s) => s.threads === 1)?.median;
      for (const s of scaling) {
        s.speedup = one ? one / s.median : 0;
        s.efficiency = s.speedup / s.threads;
      }
      configured = scaling.find((s) => s.threads === (e.settings.threads || maxThreads)) ?? null;
      const precision = e.settings.precision === 'f32' ? 'f64' : 'f32';
      opts.onStep?.(`trial: precision ${precision}`);
      trials.push(judge(`precision ${precision}`, 'precision', precision, await measureTrial(trialOf(short, { precision }), metric, baseDir)));
      for (const f of fusionTrials(e)) {
        opts.onStep?.(`trial: fusion ${f}`);
        trials.push(judge(`fusion ${f}`, 'fusion', f, await measureTrial(trialOf(short, { fusion: f }), metric, baseDir)));
      }
    }
  }

  // ---- bottlenecks ------------------------------------------------------------------------
  // Advice rests only on trials whose figure and baseline were both stable.
  const trustworthy = (t: ProfileTrial) => !t.unstable && !trials[0]?.unstable;
  const bottlenecks: Bottleneck[] = [];
  if (load?.busy) bottlenecks.push({ title: 'The machine was busy', evidence: load.busy, recommendation: 'Profile again with the other programs stopped: these figures include their interference.' });
  const classical = phases.filter((p) => ['classical', 'optimizer', 'decoder', 'encoding'].includes(p.phase));
  const classicalShare = classical.reduce((a, p) => a + p.share, 0);
  if (classicalShare >= 0.4)
    bottlenecks.push({
      title: 'Classical processing dominates',
      evidence: `${classical.filter((p) => p.share >= 0.01).map((p) => `${p.phase} ${pct(p.share)}`).join(', ')} of ${ms(wallMs)}`,
      recommendation: 'A faster simulator will not shorten this run much: reduce the classical work (optimizer iterations, decoder size, baselines) or batch it.',
    });
  if (kernels.length) {
    const top = kernels[0];
    bottlenecks.push({
      title: `Most engine time is in ${top.kind} kernels`,
      evidence: `${pct(top.ms / kernelNs)} of ${ms(kernelNs)} kernel time, ${top.calls.toLocaleString('en-US')} calls of ${top.meanUs.toFixed(top.meanUs < 10 ? 2 : 0)} µs mean`,
      recommendation: top.meanUs < 2 ? 'Calls this short are overhead-bound: batch the evaluations (larger batch, fewer separate circuit runs).' : 'These kernels are the run\'s floor; the trials below show which settings move them.',
    });
    if (simdShare !== null && simdShare < 0.8 && info.isaAvailable.includes('avx2'))
      bottlenecks.push({
        title: 'Kernel time outside SIMD paths',
        evidence: `${pct(1 - simdShare)} of kernel time ran scalar code although AVX2 is available (${result.env.isa}); scalar paths serve states below the vector kernels' minimum size and the ISA 'scalar' setting`,
        recommendation: result.env.isa === 'scalar' ? "Set the backend to 'native' (AVX2)." : 'Small states cannot use the vector kernels; batching more circuits per call amortises the scalar share.',
      });
  }
  const efficiency = configured && configured.threads > 1 && configured.speedup > 0 ? configured.efficiency : null;
  if (configured && efficiency !== null && efficiency < 0.6) {
    const t1 = trials.find((t) => t.name === 'threads 1');
    bottlenecks.push({
      title: 'Threads mostly idle',
      evidence: `${configured.threads} threads ran the shortened run ${configured.speedup.toFixed(2)}× as fast as 1 thread: parallel efficiency ${pct(efficiency)}`,
      recommendation: t1 ? (t1.verdict === 'better' && trustworthy(t1) ? `One thread was measured faster (${t1.median.toPrecision(3)} vs ${trials[0].median.toPrecision(3)} ${t1.metric}): set threads to 1.` : t1.verdict === 'better' ? 'One thread measured faster, but the figures were unstable: profile again on a quieter machine before changing threads.' : `One thread measured ${t1.verdict === 'same' ? 'the same (CIs overlap)' : 'slower'}: keep the default.`) : 'The work per call is small for several threads.',
      ...(t1 ? { trial: t1.name } : {}),
    });
  }
  const peak = Math.max(snap.allocations.peakBytes, 0);
  if (peak > 0.5 * info.availableMemory)
    bottlenecks.push({ title: 'Memory', evidence: `engine peak ${(peak / 2 ** 30).toFixed(2)} GiB of ${(info.availableMemory / 2 ** 30).toFixed(1)} GiB available`, recommendation: e.settings.precision === 'f64' ? 'f32 halves the state memory (see the precision trial for its speed).' : 'Fewer qubits or a smaller batch.' });
  for (const t of trials.filter((x) => x.name !== 'baseline' && x.verdict === 'better' && x.ratio < 0.95 && trustworthy(x)))
    bottlenecks.push({
      title: `Measured: ${t.name} is faster`,
      evidence: `${t.metric} ${t.median.toPrecision(3)} [${t.ciLow.toPrecision(3)}–${t.ciHigh.toPrecision(3)}] vs ${trials[0].median.toPrecision(3)} [${trials[0].ciLow.toPrecision(3)}–${trials[0].ciHigh.toPrecision(3)}] as configured (${pct(1 - t.ratio)} less, CIs apart)`,
      recommendation: `Set ${t.setting} to ${t.value}${t.setting === 'precision' && t.value === 'f32' ? ' if the quality metrics allow it (f32 carries ~1e-6 relative error)' : ''}.`,
      trial: t.name,
    });

  const rssPeakBytes = Math.max(...rss.map(([, b]) => b));
  return {
    experiment: { id: e.id, kind: e.kind, name: e.name },
    env: result.env,
    load,
    wallMs,
    headline,
    phases,
    timeline,
    kernels,
    simdShare,
    parallel: { threads, kernelMs: kernelNs, wallMs: kernelWall, kernelShare, efficiency },
    memory: { engine: { peakBytes: snap.allocations.peakBytes, allocations: snap.allocations.count }, rss, engineLive, rssPeakBytes, availableBytes: info.availableMemory || os.freemem() },
    scaling,
    trials,
    overhead,
    bottlenecks,
  };
}
