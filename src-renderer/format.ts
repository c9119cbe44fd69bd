// Display helpers shared by the views.
import { describeMetric, formatMetric, keyMetricsOf, metricContext } from '../src-shared/analysis/metrics';
import type { Experiment, Run } from '../src-shared/project/schema';

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

/** A run's key figures (its kind's headline speed and quality first), labelled and formatted; the raw key kept for tooltips. */
export function keyMetrics(run: Run, n = 3): { key: string; label: string; value: string }[] {
  const r = run.result;
  if (!r) return [];
  const ctx = metricContext(r);
  return keyMetricsOf(r.kind, r.metrics ?? {}, r.quality ?? {}, n).map(({ key, value }) => ({ key, label: describeMetric(key, ctx).label, value: formatMetric(key, value, ctx) }));
}
