// Metrics by kind: which metric heads a run of each kind, and the helpers the
// views and exports have always imported from here. What a metric is (label,
// unit, direction, digits) lives in metric-registry.ts; units and number
// formatting in units.ts.
import { describeMetric, isSpreadCompanion, metricDirection } from './metric-registry';
import { metricTimeUnit } from './units';

export { convertTime, formatPlain, formatSeconds, isRate, metricTimeUnit, TIME_UNIT_LABEL, trimZeros, type TimeUnit } from './units';
export {
  describeMetric, formatDifference, formatMetric, formatRatio, formatTick, formatValue, isSpreadCompanion, metricAxisName, metricContext, metricDirection, metricHeading,
  observableLabel, ratioOf, storedUnit, verdict, type Direction, type MetricContext, type MetricInfo,
} from './metric-registry';

/** Per kind: the figure the seed suite judges it by (src-main/bench/seed-cases.ts headlines). */
const HEADLINE_SPEED: Record<string, string> = {
  vqe: 'ms_per_iteration',
  qaoa: 's_per_problem',
  qnn: 'us_per_sample_batched',
  qsvm: 's_total',
  qgan: 'us_per_sample_batch32',
  'qgan-train': 's_total',
  circuit: 'ms_simulate',
};
/** Per kind: the quality figure that answers "did the speed cost anything" (docs/benchmarks.md, quality metrics). */
const HEADLINE_QUALITY: Record<string, string> = {
  vqe: 'energy_error',
  qaoa: 'approximation_ratio_expected',
  qnn: 'test_accuracy',
  qsvm: 'test_accuracy',
  qgan: 'truncation_loss',
  'qgan-train': 'mmd2_to_target',
};

/** The kind's headline speed metric if `available` has it, else the first time metric, else the first key. */
export function headlineSpeedMetric(kind: string, available: string[]): string | null {
  const h = HEADLINE_SPEED[kind];
  if (h && available.includes(h)) return h;
  const keys = available.filter((k) => !isSpreadCompanion(k));
  return keys.find((k) => metricTimeUnit(k)) ?? keys[0] ?? null;
}

export function headlineQualityMetric(kind: string, available: string[]): string | null {
  const h = HEADLINE_QUALITY[kind];
  if (h && available.includes(h)) return h;
  return available.find((k) => metricDirection(k)) ?? available[0] ?? null;
}

/**
 * A run's key figures, at most `n`: its kind's headline speed and quality
 * metrics first, then the other time metrics; spread companions and counts
 * left out (they read with their metric, on the run's page).
 */
export function keyMetricsOf(kind: string, metrics: Record<string, number>, quality: Record<string, number>, n = 3): { key: string; value: number }[] {
  const m = Object.keys(metrics).filter((k) => !isSpreadCompanion(k));
  const q = Object.keys(quality);
  const speed = headlineSpeedMetric(kind, m);
  const qual = q.length ? headlineQualityMetric(kind, q) : null;
  const rest = m.filter((k) => k !== speed && describeMetric(k).quantity.kind === 'time');
  const keys = [...(speed ? [speed] : []), ...(qual ? [qual] : []), ...rest].slice(0, n);
  return keys.map((key) => ({ key, value: key in metrics && key !== qual ? metrics[key] : quality[key] }));
}
