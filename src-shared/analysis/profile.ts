// A Profile of one experiment as the engine reports it (src-main/profile):
// the types shared by the CLI, the HTML report and the workbench's Profile
// view, and the charts all three draw. Custom series carry a renderItem name
// ('__TIMELINE__', '__ERRORBAR__') that each drawer replaces with its function.
import { describeMetric, formatMetric, metricHeading } from './metric-registry';
import type { MachineLoad, RunEnvironment } from '../results';
import type { TimelineEvent } from '../workloads/timing';

/** How a profile writes its figures (CLI text, HTML report, Profile view alike). */
export const formatShare = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)}%`;
export const formatMs = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : x >= 1 ? `${x.toFixed(1)} ms` : `${(x * 1000).toFixed(0)} µs`);
export const formatFigure = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3));
/** A figure of a metric in its unit ('2.06 ms'); a plain figure where the metric is unknown. */
export const formatProfileFigure = (metric: string | null | undefined, v: number) => (metric ? formatMetric(metric, v) : formatFigure(v));
/** A metric's name in words ('Time per iteration'); '' for none. */
export const metricLabel = (metric: string | null | undefined) => (metric ? describeMetric(metric).label : '');

export interface ProfileKernel {
  kind: string;
  /** Wall time of its calls, ms (a call on several threads counts once: its threads work inside it). */
  ms: number;
  calls: number;
  meanUs: number;
  /** Amplitudes touched per second (work rate), millions. */
  mAmpsPerS: number;
  /** Share of this kind's time in SIMD (AVX2) kernels. */
  vectorShare: number;
}

export interface ProfileTrial {
  /** What was changed: 'threads 1', 'fusion 0', 'precision f32' … ('baseline': the experiment as configured, shortened). */
  name: string;
  setting: string;
  value: string | number;
  metric: string;
  median: number;
  ciLow: number;
  ciHigh: number;
  /** Against the baseline trial: value ÷ baseline, and whether the CIs separate. */
  ratio: number;
  separate: boolean;
  /** Better, worse or the same (CIs overlap) by the metric's direction (lower times are better). */
  verdict: 'better' | 'worse' | 'same';
  unstable?: string[];
}

export interface Bottleneck {
  title: string;
  /** The measured numbers that triggered it. */
  evidence: string;
  recommendation: string;
  /** The trial that measured the recommendation's effect, if any. */
  trial?: string;
}

export interface ExperimentProfile {
  experiment: { id: string; kind: string; name: string };
  env: RunEnvironment;
  load: MachineLoad | null;
  wallMs: number;
  headline: { metric: string | null; value: number | null; ciLow?: number; ciHigh?: number };
  /** Phase totals from the run (ms) and their share of the wall time; 'other' is the rest. */
  phases: { phase: string; ms: number; share: number }[];
  /** Phase stretches relative to the run's start, ms. */
  timeline: TimelineEvent[];
  kernels: ProfileKernel[];
  /** Kernel time in SIMD paths ÷ all kernel time (null without kernel time). */
  simdShare: number | null;
  /**
   * kernelMs: time inside kernel calls, of wallMs, the circuit phases' wall time (kernelShare =
   * their ratio). efficiency: speed-up ÷ threads at the configured thread count, from the
   * thread-scaling trials (null without them): the kernels' timers run on the calling thread,
   * so they cannot tell how busy the other threads were.
   */
  parallel: { threads: number; kernelMs: number; wallMs: number; kernelShare: number | null; efficiency: number | null };
  memory: {
    engine: { peakBytes: number; allocations: number };
    /** [ms since start, bytes] samples of the resident set and the engine's live allocations. */
    rss: [number, number][];
    engineLive: [number, number][];
    rssPeakBytes: number;
    availableBytes: number;
  };
  scaling: { threads: number; median: number; ciLow: number; ciHigh: number; speedup: number; efficiency: number }[];
  trials: ProfileTrial[];
  /** The profiler's cost: the shortened run with counters on vs off (ratio of medians; 1 = free). */
  overhead: {
    /** A/B on the shortened run, interleaved (off, on, off, on): median ratio, and whether the CIs separate. */
    ratio: number;
    separate: boolean;
    /** Calibrated: the counters' measured cost per kernel call × the calls of the profiled run, as a share of its wall time. */
    perCallNs: number;
    estimatedShare: number;
  } | null;
  bottlenecks: Bottleneck[];
}

/** ECharts options for each chart of the report (also what the workbench's Profile view draws). */
export function profileCharts(p: ExperimentProfile): { id: string; title: string; option: Record<string, unknown> }[] {
  const charts: { id: string; title: string; option: Record<string, unknown> }[] = [];
  if (p.phases.length)
    charts.push({
      id: 'phases', title: 'Where the wall time goes',
      option: { tooltip: {}, grid: { left: 100, right: 20, top: 10, bottom: 30 }, xAxis: { type: 'value', name: 'ms' }, yAxis: { type: 'category', data: p.phases.map((x) => x.phase) }, series: [{ type: 'bar', data: p.phases.map((x) => Number(x.ms.toFixed(3))) }] },
    });
  if (p.timeline.length) {
    const phases = [...new Set(p.timeline.map((t) => t.phase))];
    charts.push({
      id: 'timeline', title: 'Timeline (phases over the run)',
      option: {
        tooltip: {}, grid: { left: 100, right: 20, top: 10, bottom: 30 },
        xAxis: { type: 'value', name: 'ms', min: 0 }, yAxis: { type: 'category', data: phases },
        series: [{ type: 'custom', encode: { x: [1, 2], y: 0 }, data: p.timeline.map((t) => [phases.indexOf(t.phase), Number(t.start.toFixed(3)), Number(t.end.toFixed(3))]), renderItem: '__TIMELINE__' }],
      },
    });
  }
  if (p.kernels.length)
    charts.push({
      id: 'kernels', title: 'Engine kernel time by kind',
      option: { tooltip: {}, legend: { top: 0 }, grid: { left: 120, right: 20, top: 36, bottom: 30 }, xAxis: { type: 'value', name: 'ms' }, yAxis: { type: 'category', data: p.kernels.map((k) => k.kind) }, series: [
        { type: 'bar', stack: 't', name: 'SIMD', data: p.kernels.map((k) => Number((k.ms * k.vectorShare).toFixed(3))) },
        { type: 'bar', stack: 't', name: 'scalar', data: p.kernels.map((k) => Number((k.ms * (1 - k.vectorShare)).toFixed(3))) },
      ] },
    });
  charts.push({
    id: 'memory', title: 'Memory over the run',
    option: { tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 70, right: 20, top: 36, bottom: 30 }, xAxis: { type: 'value', name: 'ms' }, yAxis: { type: 'value', name: 'MiB' }, series: [
      { type: 'line', name: 'process resident', showSymbol: false, data: p.memory.rss.map(([t, b]) => [Number(t.toFixed(1)), Number((b / 2 ** 20).toFixed(2))]) },
      { type: 'line', name: 'engine allocations', showSymbol: false, data: p.memory.engineLive.map(([t, b]) => [Number(t.toFixed(1)), Number((b / 2 ** 20).toFixed(2))]) },
    ] },
  });
  if (p.scaling.length)
    charts.push({
      id: 'scaling', title: `Thread scaling (${metricLabel(p.trials[0]?.metric)}, median and 95% CI)`,
      option: { tooltip: { trigger: 'axis' }, grid: { left: 70, right: 20, top: 10, bottom: 30 }, xAxis: { type: 'value', name: 'threads', minInterval: 1, min: 1 }, yAxis: { type: 'value', name: p.trials[0]?.metric ? metricHeading(p.trials[0].metric) : '' }, series: [
        { type: 'line', data: p.scaling.map((s) => [s.threads, s.median]) },
        // encode y on both ends so the axis extends to the CI's high end, not only the medians.
        { type: 'custom', encode: { x: 0, y: [1, 2] }, data: p.scaling.map((s) => [s.threads, s.ciLow, s.ciHigh]), renderItem: '__ERRORBAR__' },
      ] },
    });
  return charts;
}

