// Display helpers shared by the views.
import type { Experiment, Run } from '../src-shared/project/schema';

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3);
  if (Number.isInteger(v)) return String(v);
  return v.toPrecision(a >= 1000 ? 6 : 4);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms - m * 60_000) / 1000)} s`;
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** The few parameters that tell experiments of a kind apart (at most 4), as "name value". */
export function keyParams(e: Experiment): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(e.params as Record<string, unknown>)) {
    if (out.length >= 4) break;
    if (k === 'qasm') out.push(`${String(v).split('\n').filter((l) => l.trim()).length} QASM lines`);
    else if (typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 24)) out.push(`${k} ${v}`);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'number') && v.length <= 8) out.push(`${k} ${v.join(',')}`);
  }
  return out;
}

/** Headline metrics first (a time per unit of work), then whatever the run has, at most `n`. */
const HEADLINE = ['ms_per_iteration', 's_per_problem', 'us_per_sample_batched', 'latency_us_p50', 's_total', 'ms_per_step', 'us_per_sample_batch32', 'ms_kernel', 'ms_simulate', 'ms_per_epoch'];
export function keyMetrics(run: Run, n = 3): [string, number][] {
  const m = run.result?.metrics ?? {};
  const keys = [...HEADLINE.filter((k) => k in m), ...Object.keys(m).filter((k) => !HEADLINE.includes(k) && !/_(min|max)$/.test(k))];
  return keys.slice(0, n).map((k) => [k, m[k]]);
}
