// A Comparison of Runs: what differs in their configuration, how their
// metrics and quality move against the first (baseline) run, their curves on
// one chart, backend against backend, and each quantum model against its
// classical baselines. Every metric differs by value − baseline (with its
// sign and unit); a ratio is given only for strictly positive quantities
// (times, rates, counts), never for signed ones such as an energy. A timing
// difference counts only when the runs' 95% CIs of the median (stored as
// NAME_ci_lo/_ci_hi) do not overlap; otherwise it is 'within noise', and a
// run flagged unstable is said to be so.
import type { Experiment, Run } from '../project/schema';
import { curvePoints } from './curves';
import { describeMetric, isSpreadCompanion, metricContext, metricDirection, ratioOf, storedUnit, verdict, type Direction, type MetricContext } from './metric-registry';

export type ConfigSection = 'experiment' | 'settings' | 'params' | 'environment';

export interface ConfigRow {
  section: ConfigSection;
  key: string;
  /** One per run, as text ('' when the run has no value). */
  values: string[];
  differs: boolean;
  /** Per run: the value is an override of the experiment's (a sweep point, a one-off). */
  overridden: boolean[];
}

const text = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.length > 80 ? `${v.slice(0, 77)}…` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};

/** The parameters a run used: what it stored (defaults filled in by the runner), else its experiment's with its overrides. */
export function runParams(run: Run, experiment?: Experiment): Record<string, unknown> {
  const stored = run.result?.params as Record<string, unknown> | undefined;
  if (stored) return { ...stored, ...(run.overrides ?? {}) };
  return { ...((experiment?.params as Record<string, unknown>) ?? {}), ...(run.overrides ?? {}) };
}

const ENV_KEYS = ['cpu', 'logicalCores', 'isa', 'threads', 'backend', 'precision', 'adapter', 'quench', 'node', 'platform'] as const;

/** Configuration side by side: experiment, settings, parameters (incl. overrides), environment. */
export function configDiff(runs: Run[], experimentById: Map<string, Experiment>): ConfigRow[] {
  const rows: ConfigRow[] = [];
  const add = (section: ConfigSection, key: string, values: unknown[], overridden: boolean[] = runs.map(() => false)) => {
    const t = values.map(text);
    rows.push({ section, key, values: t, differs: new Set(t).size > 1, overridden });
  };
  add('experiment', 'experiment', runs.map((r) => experimentById.get(r.experimentId)?.name ?? r.experimentId));
  add('experiment', 'kind', runs.map((r) => r.result?.kind ?? experimentById.get(r.experimentId)?.kind));
  add('experiment', 'started', runs.map((r) => r.startedAt));
  add('experiment', 'status', runs.map((r) => r.status));
  if (runs.some((r) => r.importedFrom)) add('experiment', 'imported from', runs.map((r) => r.importedFrom ?? ''));
  for (const k of ['backend', 'precision', 'threads', 'fusion'] as const) add('settings', k, runs.map((r) => r.settings[k]));
  const params = runs.map((r) => runParams(r, experimentById.get(r.experimentId)));
  const keys = [...new Set(params.flatMap((p) => Object.keys(p)))];
  for (const k of keys) add('params', k, params.map((p) => p[k]), runs.map((r) => r.overrides?.[k] !== undefined));
  for (const k of ENV_KEYS) {
    const vals = runs.map((r) => (r.result?.env as Record<string, unknown> | undefined)?.[k]);
    if (vals.some((v) => v !== undefined)) add('environment', k, vals);
  }
  return rows;
}

export interface DeltaCell {
  value: number | null;
  /** value − baseline */
  abs: number | null;
  /** value / baseline, only where the metric is a strictly positive quantity (null for energies, accuracies …). */
  ratio: number | null;
  verdict: 'better' | 'worse' | 'same' | null;
  /** 95% CI of the median where the run recorded one. */
  ci?: [number, number];
  /** The CIs of this run and the baseline overlap: the difference is not beyond noise. */
  withinNoise?: boolean;
  /** Why this run's figure should not be trusted (its unstable flags and the machine's load). */
  unstable?: string[];
}

export interface DeltaRow {
  group: 'metric' | 'quality';
  key: string;
  /** In words, from the metric registry ('Time per iteration', '⟨Z₀Z₁⟩'). */
  label: string;
  /** The unit values are shown in ('' when none). */
  unit: string;
  direction: Direction | null;
  /** How runs compare on it: by ratio (strictly positive quantities) or by difference only. */
  compare: 'ratio' | 'difference';
  /** Per run; the first is the baseline (its delta is null). */
  cells: DeltaCell[];
}

const ciOf = (r: Run, key: string): [number, number] | undefined => {
  const lo = r.result?.metrics[`${key}_ci_lo`], hi = r.result?.metrics[`${key}_ci_hi`];
  return typeof lo === 'number' && typeof hi === 'number' ? [lo, hi] : undefined;
};

/** Metric and quality deltas of every run against the first. Spread companions (_min/_max) are left out. */
export function metricDeltas(runs: Run[]): DeltaRow[] {
  const rows: DeltaRow[] = [];
  const ctx = comparisonContext(runs);
  for (const group of ['metric', 'quality'] as const) {
    const pick = (r: Run) => (group === 'metric' ? r.result?.metrics : r.result?.quality) ?? {};
    const keys = [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].filter((k) => group === 'quality' || !isSpreadCompanion(k));
    for (const key of keys) {
      const base = pick(runs[0])[key];
      const cells = runs.map((r, i): DeltaCell => {
        const v = pick(r)[key];
        const value = typeof v === 'number' ? v : null;
        const extra: Partial<DeltaCell> = {};
        if (group === 'metric') {
          const ci = ciOf(r, key);
          if (ci) extra.ci = ci;
          // a busy machine spoils timings, not counts (iterations, evaluations)
          const timing = ['time', 'si'].includes(describeMetric(key).quantity.kind);
          const flags = timing ? [...(r.result?.unstable?.[key] ?? []), ...(r.result?.unstable?.load ?? [])] : [];
          if (flags.length) extra.unstable = flags;
        }
        if (i === 0 || value === null || typeof base !== 'number') return { value, abs: null, ratio: null, verdict: null, ...extra };
        const baseCi = ciOf(runs[0], key);
        if (extra.ci && baseCi && extra.ci[0] <= baseCi[1] && baseCi[0] <= extra.ci[1]) extra.withinNoise = true;
        return { value, abs: value - base, ratio: ratioOf(key, base, value), verdict: extra.withinNoise ? 'same' : verdict(key, base, value), ...extra };
      });
      const info = describeMetric(key, ctx);
      rows.push({ group, key, label: info.label, unit: info.unit, direction: metricDirection(key), compare: info.compare, cells });
    }
  }
  return rows;
}

/** What names the runs' metrics: the first run's observables (circuit runs of one experiment share them). */
export function comparisonContext(runs: Run[]): MetricContext {
  for (const r of runs) {
    const c = metricContext(r.result);
    if (c.observables) return c;
  }
  return {};
}

/** Same-named curves of all runs on one chart: curve name → run label → [x, y][] (epochs, iterations, steps from 1). */
export function overlaidCurves(runs: Run[], labels: string[]): Record<string, Record<string, [number, number][]>> {
  const out: Record<string, Record<string, [number, number][]>> = {};
  runs.forEach((r, i) => {
    for (const [name, ys] of Object.entries(r.result?.curves ?? {})) {
      if (!ys.length) continue;
      (out[name] ??= {})[labels[i]] = curvePoints(name, ys, r.result?.params);
    }
  });
  return out;
}

/** Short distinct labels for runs: '#1 qgan (avx2 f64 2t)'. */
export function runLabels(runs: Run[], experimentById: Map<string, Experiment>): string[] {
  return runs.map((r, i) => {
    const env = r.result?.env;
    const how = env ? `${env.backend} ${env.precision} ${env.threads}t` : `${r.settings.backend} ${r.settings.precision}`;
    const over = r.overrides ? ` ${Object.entries(r.overrides).map(([k, v]) => `${k}=${text(v)}`).join(' ')}` : '';
    return `#${i + 1} ${experimentById.get(r.experimentId)?.id ?? r.experimentId}${over} (${how})`;
  });
}

export interface BackendVariant {
  /** 'native-avx2 · f64 · 2 threads · avx2 · AMD EPYC' */
  label: string;
  /** Only what sets it apart from the group's other variants: '2 threads'. */
  short: string;
  backend: string;
  precision: string;
  threads: number;
  isa: string;
  cpu: string;
  runIds: string[];
  speed: number | null;
  quality: number | null;
  /** speed ÷ the fastest variant's speed (1 = fastest); null when unknown. */
  slowdown: number | null;
}

export interface BackendGroup {
  experimentId: string;
  speedMetric: string;
  qualityMetric: string | null;
  variants: BackendVariant[];
}

const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Backend against backend: completed runs of one experiment with the same
 * parameters, grouped by where they ran (backend, precision, threads, ISA,
 * CPU). Only experiments with at least two such variants are returned.
 */
export function backendGroups(runs: Run[], pickMetrics: (kind: string, metrics: string[], quality: string[]) => { speed: string | null; quality: string | null }): BackendGroup[] {
  const byExp = new Map<string, Run[]>();
  for (const r of runs) {
    if (r.status !== 'completed' || !r.result) continue;
    // runs of different parameters (sweep points) are not a backend comparison
    const key = `${r.experimentId}|${JSON.stringify(r.overrides ?? {})}`;
    byExp.set(key, [...(byExp.get(key) ?? []), r]);
  }
  const groups: BackendGroup[] = [];
  for (const list of byExp.values()) {
    const kind = list[0].result!.kind;
    const { speed, quality } = pickMetrics(kind, Object.keys(list[0].result!.metrics), Object.keys(list[0].result!.quality));
    if (!speed) continue;
    const variants = new Map<string, Run[]>();
    for (const r of list) {
      const e = r.result!.env;
      const k = `${e.backend} · ${e.precision} · ${e.threads} thread${e.threads === 1 ? '' : 's'} · ${e.isa}${e.adapter ? ` · ${e.adapter}` : ''} · ${e.cpu}`;
      variants.set(k, [...(variants.get(k) ?? []), r]);
    }
    if (variants.size < 2) continue;
    const vs: BackendVariant[] = [...variants.entries()].map(([label, rs]) => {
      const e = rs[0].result!.env;
      return {
        label, backend: e.backend, precision: e.precision, threads: e.threads, isa: e.isa, cpu: e.cpu, runIds: rs.map((r) => r.id),
        speed: median(rs.map((r) => r.result!.metrics[speed]).filter((v) => typeof v === 'number')),
        quality: quality ? median(rs.map((r) => r.result!.quality[quality]).filter((v) => typeof v === 'number')) : null,
        slowdown: null,
        short: '',
      };
    });
    const parts = (v: BackendVariant) => [v.backend, v.precision, `${v.threads} thread${v.threads === 1 ? '' : 's'}`, v.isa, v.cpu];
    const differing = [0, 1, 2, 3, 4].filter((i) => new Set(vs.map((v) => parts(v)[i])).size > 1);
    for (const v of vs) v.short = differing.map((i) => parts(v)[i]).join(' · ') || v.label;
    const dir = metricDirection(speed) ?? 'lower';
    const known = vs.filter((v) => v.speed !== null && v.speed > 0);
    if (known.length) {
      const best = dir === 'lower' ? Math.min(...known.map((v) => v.speed!)) : Math.max(...known.map((v) => v.speed!));
      for (const v of known) v.slowdown = dir === 'lower' ? v.speed! / best : best / v.speed!;
    }
    vs.sort((a, b) => (a.slowdown ?? Infinity) - (b.slowdown ?? Infinity));
    groups.push({ experimentId: list[0].experimentId, speedMetric: speed, qualityMetric: quality, variants: vs });
  }
  return groups;
}

export interface QcEntry {
  name: string;
  side: 'quantum' | 'classical';
  value: number;
}
export interface QcMeasure {
  /** 'test accuracy', 'fit time (ms)', … */
  measure: string;
  direction: Direction;
  /** '%' for accuracies (values are fractions 0–1), else '' (the unit is in the measure's name). */
  unit: '%' | '';
  entries: QcEntry[];
  note?: string;
}

/**
 * The quantum model next to its classical baselines, from what the workload
 * stored (qnn: RBF-SVM, logistic regression, MLP; qsvm: RBF-SVM; qgan-train:
 * a classical GAN; qaoa: local search; vqe: the exact ground energy by
 * Lanczos). Empty for kinds without baselines or runs without them.
 */
export function quantumVsClassical(run: Run): QcMeasure[] {
  const r = run.result;
  if (!r || run.status !== 'completed') return [];
  const q = r.quality, m = r.metrics, p = r.params as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const measure = (name: string, direction: Direction, entries: [string, 'quantum' | 'classical', number | null][], note?: string): QcMeasure | null => {
    const es = entries.filter((e): e is [string, 'quantum' | 'classical', number] => e[2] !== null).map(([n, side, value]) => ({ name: n, side, value }));
    return es.some((e) => e.side === 'classical') && es.some((e) => e.side === 'quantum') ? { measure: name, direction, unit: /accuracy/.test(name) ? '%' : '', entries: es, ...(note ? { note } : {}) } : null;
  };
  const out: (QcMeasure | null)[] = [];
  switch (r.kind) {
    case 'qnn': {
      const epochs = num(p.epochs);
      out.push(measure('test accuracy', 'higher', [
        ['QNN', 'quantum', num(q.test_accuracy)], ['RBF-SVM', 'classical', num(q['rbf-svm_accuracy'])],
        ['logistic regression', 'classical', num(q['logistic-regression_accuracy'])], ['MLP', 'classical', num(q.mlp_accuracy)],
      ]));
      out.push(measure('training time (ms)', 'lower', [
        ['QNN', 'quantum', epochs !== null && num(m.ms_per_epoch) !== null ? m.ms_per_epoch * epochs : null], ['RBF-SVM', 'classical', num(q['rbf-svm_fit_ms'])],
        ['logistic regression', 'classical', num(q['logistic-regression_fit_ms'])], ['MLP', 'classical', num(q.mlp_fit_ms)],
      ], 'QNN: ms_per_epoch × epochs (median epoch); baselines: fit time'));
      break;
    }
    case 'qsvm':
      out.push(measure('test accuracy', 'higher', [['QSVM', 'quantum', num(q.test_accuracy)], ['RBF-SVM', 'classical', num(q.rbf_svm_accuracy)]]));
      out.push(measure('training time (ms)', 'lower', [['QSVM', 'quantum', num(m.s_total) !== null ? m.s_total * 1000 : null], ['RBF-SVM', 'classical', num(q.rbf_svm_fit_ms)]], 'QSVM: whole run (states, Gram matrices, SVM fit and predict); RBF-SVM: fit'));
      break;
    case 'qgan-train':
      out.push(measure('MMD² to the target distribution', 'lower', [['quantum GAN', 'quantum', num(q.mmd2_to_target)], ['classical GAN', 'classical', num(q.classical_mmd2_to_target)]]));
      out.push(measure('training time (s)', 'lower', [['quantum GAN', 'quantum', num(m.s_total)], ['classical GAN', 'classical', num(q.classical_s_total)]]));
      out.push(measure('generator parameters', 'lower', [['quantum GAN', 'quantum', num(p.numWeights)], ['classical GAN', 'classical', num(q.classical_generator_params)]]));
      break;
    case 'qaoa':
      out.push(measure('approximation ratio (cut / max cut)', 'higher', [
        ['QAOA ⟨C⟩', 'quantum', num(q.approximation_ratio_expected)], ['QAOA most likely', 'quantum', num(q.approximation_ratio_most_likely)],
        ['QAOA best sampled', 'quantum', num(q.approximation_ratio_best_sampled)], ['local search', 'classical', num(q.local_search_ratio)],
      ]));
      break;
    case 'vqe':
      out.push(measure('energy', 'lower', [['VQE', 'quantum', num(q.energy)], ['exact (Lanczos)', 'classical', num(q.exact_energy)]], 'the exact ground energy is the floor no ansatz can go below'));
      break;
  }
  return out.filter((x): x is QcMeasure => x !== null);
}

/** A Comparison as one JSON document: the runs, the configuration diff and the deltas. */
export function comparisonJson(runs: Run[], experimentById: Map<string, Experiment>) {
  const labels = runLabels(runs, experimentById);
  return {
    format: 'quench-comparison',
    baseline: runs[0]?.id ?? null,
    runs: runs.map((r, i) => ({ label: labels[i], id: r.id, experimentId: r.experimentId, startedAt: r.startedAt, status: r.status, settings: r.settings, overrides: r.overrides ?? null, importedFrom: r.importedFrom ?? null, result: r.result ?? null })),
    config: configDiff(runs, experimentById).map((c) => ({ section: c.section, key: c.key, differs: c.differs, values: Object.fromEntries(labels.map((l, i) => [l, c.values[i]])) })),
    deltas: metricDeltas(runs).map((d) => ({
      group: d.group, key: d.key, label: d.label, unit: d.unit, direction: d.direction, compare: d.compare,
      runs: Object.fromEntries(labels.map((l, i) => [l, d.cells[i]])),
    })),
  };
}

/**
 * A Comparison as CSV rows: one per configuration key and per metric, a
 * column per run (values as stored, in the unit the key names), plus Δ and
 * ratio columns (ratio empty where a ratio means nothing); each metric row
 * also carries its label and unit.
 */
export function comparisonCsvRows(runs: Run[], experimentById: Map<string, Experiment>): Record<string, string | number | null>[] {
  const labels = runLabels(runs, experimentById);
  const rows: Record<string, string | number | null>[] = [];
  for (const c of configDiff(runs, experimentById)) rows.push({ section: c.section, key: c.key, label: '', unit: '', differs: c.differs ? 'yes' : '', ...Object.fromEntries(labels.map((l, i) => [l, c.values[i]])) });
  for (const d of metricDeltas(runs)) {
    // values are stored in the key's own unit (ms_…, us_…): say which, not the display unit
    const row: Record<string, string | number | null> = { section: d.group, key: d.key, label: d.label, unit: storedUnit(d.key), differs: '' };
    labels.forEach((l, i) => {
      row[l] = d.cells[i].value;
      if (i > 0) {
        row[`${l} Δ`] = d.cells[i].abs;
        row[`${l} ratio`] = d.cells[i].ratio;
      }
    });
    rows.push(row);
  }
  return rows;
}
