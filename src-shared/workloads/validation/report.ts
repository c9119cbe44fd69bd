// From per-trial measurements of the quantum model and its baselines to the
// comparisons a reader can trust: per metric and baseline, both means with
// 95% CIs, the paired t-test (every model trained on the same splits) beside
// Welch's, a bootstrap CI of the difference, Hedges' g, Holm's correction
// over the baselines, and a verdict in plain words that never claims more
// than the test shows. Pure: the runner, the CLI and the workbench share it.
import { bootstrapDifferenceCi, effectWords, formatP, geometricMeanCi, hedgesG, holm, meanCi, pairedTest, ratioTest, welchTest, type MeanCi, type TTest } from '../../ml/statistics';

export type ValidationMetric = 'accuracy' | 'f1' | 'log_loss' | 'train_ms' | 'infer_us' | 'params';

export interface MetricSpec {
  id: ValidationMetric;
  label: string;
  /** 'points': a share shown ×100 as percentage points; 'ratio': positive and compared as a ratio. */
  scale: 'points' | 'plain' | 'ratio';
  unit: string;
  better: 'higher' | 'lower';
  /** Compared by a test (a parameter count is a property of the model, not a measurement). */
  tested: boolean;
  /** Verb phrase for ratio verdicts: "trains", "predicts". */
  verb?: string;
}

export const VALIDATION_METRICS: MetricSpec[] = [
  { id: 'accuracy', label: 'Test accuracy', scale: 'points', unit: 'points', better: 'higher', tested: true },
  { id: 'f1', label: 'F1 score', scale: 'plain', unit: '', better: 'higher', tested: true },
  { id: 'log_loss', label: 'Log-loss', scale: 'plain', unit: '', better: 'lower', tested: true },
  { id: 'train_ms', label: 'Training time', scale: 'ratio', unit: 'ms', better: 'lower', tested: true, verb: 'trains' },
  { id: 'infer_us', label: 'Inference time per sample', scale: 'ratio', unit: 'µs', better: 'lower', tested: true, verb: 'predicts' },
  { id: 'params', label: 'Parameters', scale: 'plain', unit: '', better: 'lower', tested: false },
];

/** One model's values per metric, one per trial (a metric the model cannot give is absent). */
export interface ModelTrials {
  name: string;
  label: string;
  quantum: boolean;
  values: Partial<Record<ValidationMetric, number[]>>;
}

export interface MetricComparison {
  metric: ValidationMetric;
  baseline: string;
  n: number;
  quantum: MeanCi;
  classical: MeanCi;
  /** Difference metrics: quantum − baseline (accuracy in points). */
  paired?: TTest;
  welch?: TTest;
  bootstrap?: { ciLow: number; ciHigh: number; resamples: number };
  /** Ratio metrics: quantum ÷ baseline (ratio of geometric means) with its CI. */
  ratio?: { ratio: number; ciLow: number; ciHigh: number; p: number };
  hedgesG: number | null;
  /** The paired test's p, and Holm-adjusted over the baselines compared on this metric. */
  p: number;
  pAdjusted: number;
  significant: boolean;
  /** 'quantum' | baseline name | null (no significant difference). */
  better: string | null;
  verdict: string;
}

export interface SampleComplexity {
  sizes: number[];
  models: { name: string; label: string; mean: number[]; ciLow: number[]; ciHigh: number[] }[];
}

export interface ValidationReport {
  model: string;
  modelLabel: string;
  trials: number;
  alpha: number;
  dataset: string;
  models: ModelTrials[];
  comparisons: MetricComparison[];
  /** One sentence per baseline: accuracy and training time, as a reader would want them. */
  summary: string[];
  sampleComplexity?: SampleComplexity;
}

const fmt = (v: number, digits = 3) => {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(2) : Number(v.toPrecision(digits)).toString();
};
const times = (r: number) => `${fmt(r >= 1 ? r : 1 / r, r >= 10 || r <= 0.1 ? 2 : 3)}×`;
const shown = (m: MetricSpec, v: number) => (m.scale === 'points' ? 100 * v : v);

/** A metric's centre and CI: the geometric mean for ratio metrics (times), else the arithmetic mean. */
export function summarize(m: MetricSpec, xs: number[], alpha: number): MeanCi {
  if (m.scale === 'ratio' && xs.every((v) => v > 0)) return geometricMeanCi(xs, alpha);
  const c = meanCi(xs, alpha);
  // A share cannot leave [0, 1]: the t interval is cut there.
  return m.scale === 'points' ? { ...c, ciLow: Math.max(0, c.ciLow), ciHigh: Math.min(1, c.ciHigh) } : c;
}

/** The comparisons of one metric against every baseline, Holm-adjusted together. */
function compareMetric(m: MetricSpec, quantum: ModelTrials, baselines: ModelTrials[], alpha: number): MetricComparison[] {
  const q = quantum.values[m.id];
  if (!q?.length) return [];
  const rows: Omit<MetricComparison, 'pAdjusted' | 'significant' | 'better' | 'verdict'>[] = [];
  for (const b of baselines) {
    const c = b.values[m.id];
    if (!c || c.length !== q.length || q.length < 2) continue;
    const base = { metric: m.id, baseline: b.name, n: q.length, quantum: summarize(m, q, alpha), classical: summarize(m, c, alpha), hedgesG: m.scale === 'ratio' ? hedgesG(q.map(Math.log), c.map(Math.log)) : hedgesG(q, c) };
    if (m.scale === 'ratio') {
      const ratio = ratioTest(q, c, true, alpha);
      rows.push({ ...base, ratio, p: ratio.p });
    } else {
      const paired = pairedTest(q, c, alpha), welch = welchTest(q, c, alpha);
      rows.push({ ...base, paired, welch, bootstrap: bootstrapDifferenceCi(q, c, { paired: true, alpha }), p: paired.p });
    }
  }
  const adjusted = holm(rows.map((r) => r.p));
  return rows.map((r, i) => {
    const pAdjusted = adjusted[i], significant = m.tested && pAdjusted < alpha;
    const diff = r.ratio ? Math.log(r.ratio.ratio) : r.paired!.difference;
    const quantumBetter = m.better === 'higher' ? diff > 0 : diff < 0;
    const better = significant && diff !== 0 ? (quantumBetter ? 'quantum' : r.baseline) : null;
    return { ...r, pAdjusted, significant, better, verdict: verdictOf(m, r, pAdjusted, significant, quantum.label, baselines.find((b) => b.name === r.baseline)!.label, baselines.length) };
  });
}

function verdictOf(m: MetricSpec, r: Omit<MetricComparison, 'pAdjusted' | 'significant' | 'better' | 'verdict'>, pAdj: number, significant: boolean, qLabel: string, bLabel: string, family: number): string {
  const pText = `${formatP(pAdj)}${family > 1 ? ' Holm-adjusted' : ''}, n = ${r.n}`;
  const label = m.label.toLowerCase();
  if (!m.tested) return `${m.label}: ${qLabel} ${fmt(r.quantum.mean)}, ${bLabel} ${fmt(r.classical.mean)} (a property of the models, not tested)`;
  if (r.ratio) {
    const { ratio, ciLow, ciHigh } = r.ratio;
    const ci = `95% CI ${times(ratio >= 1 ? ciLow : ciHigh)}–${times(ratio >= 1 ? ciHigh : ciLow)}`;
    if (!significant) return `no significant difference in ${label} (${qLabel} ÷ ${bLabel} = ${fmt(ratio)}, 95% CI ${fmt(ciLow)}–${fmt(ciHigh)}; ${pText})`;
    // Lower is better for times: the faster model "trains N× faster".
    const faster = ratio < 1 ? qLabel : bLabel;
    return `${faster} ${m.verb ?? 'runs'} ${times(ratio)} faster (${ci}; ${pText})`;
  }
  const d = r.paired!, unit = m.scale === 'points' ? ' points' : '';
  const ci = `95% CI ${fmt(shown(m, d.ciLow))} to ${fmt(shown(m, d.ciHigh))}${unit}`;
  if (!significant) return `no significant difference in ${label} (${qLabel} − ${bLabel}: ${fmt(shown(m, d.difference))}${unit}, ${ci}; ${pText})`;
  const higher = d.difference > 0;
  // The interval of the stated difference (in favour of the better model), so its signs match the words.
  const [lo, hi] = higher ? [d.ciLow, d.ciHigh] : [-d.ciHigh, -d.ciLow];
  const statedCi = `95% CI ${fmt(shown(m, lo))} to ${fmt(shown(m, hi))}${unit}`;
  const who = (m.better === 'higher') === higher ? qLabel : bLabel;
  const adjective = m.id === 'accuracy' ? 'more accurate' : m.id === 'log_loss' ? 'better calibrated (lower log-loss)' : `better in ${label}`;
  return `${who} is ${adjective} by ${fmt(Math.abs(shown(m, d.difference)))}${unit} (${statedCi}; ${pText}; ${effectWords(r.hedgesG)} effect, |g| = ${r.hedgesG === null ? '—' : fmt(Math.abs(r.hedgesG), 2)})`;
}

/** The whole report from the trials (the first model is the quantum one). */
export function validationReport(input: { model: string; modelLabel: string; dataset: string; alpha: number; models: ModelTrials[]; sampleComplexity?: SampleComplexity }): ValidationReport {
  const [quantum, ...baselines] = input.models;
  const comparisons = VALIDATION_METRICS.flatMap((m) => compareMetric(m, quantum, baselines, input.alpha));
  const summary = baselines.map((b) => {
    const acc = comparisons.find((c) => c.metric === 'accuracy' && c.baseline === b.name);
    const train = comparisons.find((c) => c.metric === 'train_ms' && c.baseline === b.name);
    const parts = [acc?.verdict, train?.verdict].filter(Boolean);
    return `${quantum.label} vs ${b.label}: ${parts.join('; ')}.`;
  });
  return { model: input.model, modelLabel: input.modelLabel, trials: quantum.values.accuracy?.length ?? 0, alpha: input.alpha, dataset: input.dataset, models: input.models, comparisons, summary, ...(input.sampleComplexity ? { sampleComplexity: input.sampleComplexity } : {}) };
}

/** The report as text (the CLI's `quench validate`). */
export function formatValidation(r: ValidationReport): string {
  const L: string[] = [];
  const ciPct = Math.round(100 * (1 - r.alpha));
  L.push(`Validation: ${r.modelLabel} vs ${r.models.slice(1).map((m) => m.label).join(', ')} — ${r.dataset}, ${r.trials} trials on shared splits`, '');
  L.push('Verdict', ...r.summary.map((s) => `  ${s}`));
  const family = r.models.length - 1;
  L.push(`  (${Math.round(100 * (1 - r.alpha))}% CIs and two-sided tests at α = ${r.alpha}; paired over the shared splits${family > 1 ? `; p-values Holm-adjusted over the ${family} baselines` : ''}.${r.trials < 10 ? ` With ${r.trials} trials only large differences can be detected.` : ''})`, '');
  for (const m of VALIDATION_METRICS) {
    const present = r.models.filter((x) => x.values[m.id]?.length);
    if (!present.length) continue;
    L.push(`${m.label}${m.unit && m.scale !== 'points' ? ` (${m.unit})` : m.scale === 'points' ? ' (%)' : ''}: ${m.scale === 'ratio' ? 'geometric mean' : 'mean'} [${ciPct}% CI]`);
    for (const x of present) {
      const s = summarize(m, x.values[m.id]!, r.alpha);
      L.push(`  ${x.label.padEnd(22)} ${fmt(shown(m, s.mean)).padStart(9)} [${fmt(shown(m, s.ciLow))} – ${fmt(shown(m, s.ciHigh))}]`);
    }
    for (const c of r.comparisons.filter((x) => x.metric === m.id && m.tested)) {
      const detail = c.ratio
        ? `ratio ${fmt(c.ratio.ratio)} [${fmt(c.ratio.ciLow)}–${fmt(c.ratio.ciHigh)}], paired t on log values`
        : `paired t(${c.paired!.df}) = ${fmt(c.paired!.t)}, Welch t(${fmt(c.welch!.df)}) = ${fmt(c.welch!.t)} (${formatP(c.welch!.p)}), bootstrap CI ${fmt(shown(m, c.bootstrap!.ciLow))} to ${fmt(shown(m, c.bootstrap!.ciHigh))}`;
      L.push(`    vs ${c.baseline}: ${c.verdict}`, `      ${detail}; unadjusted ${formatP(c.p)}; Hedges' g ${c.hedgesG === null ? '—' : fmt(c.hedgesG, 2)}`);
    }
    L.push('');
  }
  if (r.sampleComplexity) {
    L.push(`Sample complexity: test accuracy (%) by training-set size, mean [${ciPct}% CI]`);
    L.push(`  ${'size'.padEnd(8)}${r.sampleComplexity.models.map((m) => m.label.padEnd(26)).join('')}`);
    r.sampleComplexity.sizes.forEach((n, i) =>
      L.push(`  ${String(n).padEnd(8)}${r.sampleComplexity!.models.map((m) => `${fmt(100 * m.mean[i])} [${fmt(100 * m.ciLow[i])}–${fmt(100 * m.ciHigh[i])}]`.padEnd(26)).join('')}`),
    );
  }
  return L.join('\n');
}

/** Forest plot rows: each tested comparison's effect with its CI, in the metric's own terms. */
export function forestRows(r: ValidationReport): { label: string; metric: ValidationMetric; estimate: number; ciLow: number; ciHigh: number; null: number; significant: boolean; better: string | null; axis: 'difference' | 'ratio' }[] {
  return r.comparisons
    .filter((c) => VALIDATION_METRICS.find((m) => m.id === c.metric)!.tested)
    .map((c) => {
      const m = VALIDATION_METRICS.find((x) => x.id === c.metric)!;
      const base = { label: `${m.label} vs ${c.baseline}`, metric: c.metric, significant: c.significant, better: c.better };
      return c.ratio
        ? { ...base, estimate: c.ratio.ratio, ciLow: c.ratio.ciLow, ciHigh: c.ratio.ciHigh, null: 1, axis: 'ratio' as const }
        : { ...base, estimate: shown(m, c.paired!.difference), ciLow: shown(m, c.paired!.ciLow), ciHigh: shown(m, c.paired!.ciHigh), null: 0, axis: 'difference' as const };
    });
}
