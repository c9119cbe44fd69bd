// The one place that says what a metric is: for each key a workload writes
// (or a key pattern: us_per_sample_batch{N}, expectation_{i},
// qnn_us_per_sample_{n}, spread companions _min/_max/_ci_lo/_ci_hi), its
// label in words, its unit, which way is better, how many significant
// digits it deserves, and whether two values compare by ratio (strictly
// positive quantities: times, rates) or only by difference (signed ones:
// energies, expectation values; bounded ones: accuracies, ratios).
// The workbench, the exports and the CLI all read metrics through here;
// the raw key stays available (a tooltip, the exports' key column).
import { parsePauliSum, type PauliSum } from '../observable/pauli';
import { formatNumberSig, formatSeconds, formatSI, metricTimeUnit, isRate, convertTime, subscriptDigits, trimZeros, MINUS, TIME_UNIT_LABEL, type NumberStyle, type TimeUnit } from './units';

/** Which way a metric is better. */
export type Direction = 'lower' | 'higher';
export type Better = Direction | 'neutral';

/** How a value is stored and shown. */
export type Quantity =
  /** A duration stored in `stored` (from the key's name), shown with an SI prefix or in minutes. */
  | { kind: 'time'; stored: TimeUnit }
  /** A fraction 0…1 shown as a percentage; differences in percentage points. */
  | { kind: 'fraction' }
  /** A whole number (iterations, gates, parameters). */
  | { kind: 'count' }
  /** A rate or amount in a unit that takes SI prefixes ('samples/s', 'B/s'); `scale` converts the stored value to that unit. */
  | { kind: 'si'; unit: string; scale?: number }
  /** A dimensionless number (energies in the Hamiltonian's units, losses, ratios). */
  | { kind: 'plain' };

export interface MetricInfo {
  key: string;
  /** In words, no unit: 'Time per sample (batch 32)'. */
  label: string;
  /** The unit a value is shown in ('µs', 'ms', '%', 'GB/s'), '' when none; times pick their prefix per value. */
  unit: string;
  quantity: Quantity;
  better: Better;
  /** Significant digits of a value. */
  digits: number;
  /** 'ratio' only for strictly positive quantities on a ratio scale; everything else by difference. */
  compare: 'ratio' | 'difference';
  /** Closer to zero is better (a signed error, a drift). */
  absolute?: boolean;
  /** For a spread companion: the metric it belongs to and which statistic it is. */
  companion?: { of: string; stat: SpreadStat };
  /** False when the key is not in the registry (the label is read from the key). */
  known: boolean;
}

export type SpreadStat = 'min' | 'max' | 'ci_lo' | 'ci_hi';
const STAT_WORDS: Record<SpreadStat, string> = { min: 'min', max: 'max', ci_lo: '95% CI low', ci_hi: '95% CI high' };

/** What a run knows that names its metrics: the observables of a circuit run, in order. */
export interface MetricContext {
  observables?: string[];
}

type Spec = Omit<MetricInfo, 'key' | 'known' | 'unit' | 'digits' | 'compare' | 'quantity'> & { quantity?: Quantity; digits?: number; compare?: 'ratio' | 'difference' };

const time = (stored: TimeUnit): Quantity => ({ kind: 'time', stored });
const FRACTION: Quantity = { kind: 'fraction' };
const COUNT: Quantity = { kind: 'count' };
const PLAIN: Quantity = { kind: 'plain' };

const t = (label: string, stored: TimeUnit, better: Better = 'lower'): Spec => ({ label, quantity: time(stored), better });
const frac = (label: string, better: Better = 'higher'): Spec => ({ label, quantity: FRACTION, better });
const count = (label: string, better: Better = 'neutral'): Spec => ({ label, quantity: COUNT, better });
const plain = (label: string, better: Better, extra: Partial<Spec> = {}): Spec => ({ label, quantity: PLAIN, better, ...extra });

/** Every key the workloads write (src-shared/workloads/runners, src-main/engine/workloads). */
const KEYS: Record<string, Spec> = {
  // ---- VQE, QAOA
  ms_per_iteration: t('Time per iteration', 'ms'),
  ms_per_optimizer_step: t('Time per optimizer step', 'ms'),
  iterations: count('Iterations'),
  evaluations: count('Circuit evaluations'),
  s_per_problem: t('Time to solve', 's'),
  energy: plain('Energy', 'lower', { digits: 5 }),
  exact_energy: plain('Exact ground energy', 'neutral', { digits: 5 }),
  energy_error: plain('Energy error (vs exact)', 'lower', { absolute: true }),
  expected_cut: plain('Expected cut ⟨C⟩', 'higher', { digits: 4 }),
  max_cut: count('Maximum cut (exact)'),
  approximation_ratio_expected: plain('Approximation ratio ⟨C⟩ / max cut', 'higher', { compare: 'difference' }),
  approximation_ratio_most_likely: plain('Approximation ratio, most likely cut', 'higher', { compare: 'difference' }),
  approximation_ratio_best_sampled: plain('Approximation ratio, best sampled cut', 'higher', { compare: 'difference' }),
  local_search_ratio: plain('Local search ratio (classical)', 'higher', { compare: 'difference' }),
  // ---- QNN
  us_per_sample_batched: t('Time per sample (batched inference)', 'us'),
  latency_us_p50: t('Latency, median (one sample)', 'us'),
  latency_us_p95: t('Latency, 95th percentile', 'us'),
  latency_us_max: t('Latency, worst', 'us'),
  ms_per_epoch: t('Time per training epoch', 'ms'),
  us_per_training_sample: t('Training time per sample', 'us'),
  test_accuracy: frac('Test accuracy'),
  train_accuracy: frac('Train accuracy'),
  final_loss: plain('Final training loss', 'lower'),
  gradient_flow: plain('Gradient flow', 'higher'),
  // ---- QSVM
  s_total: t('Total time', 's'),
  ms_kernel: t('Kernel matrix time', 'ms'),
  us_per_kernel_entry: t('Time per kernel entry', 'us'),
  ms_svm: t('SVM fit and predict time', 'ms'),
  kernel_target_alignment: plain('Kernel–target alignment', 'higher', { compare: 'difference' }),
  // ---- CV quantum GAN
  us_per_sample_largest_batch: t('Time per sample (largest batch)', 'us'),
  ms_per_step: t('Time per training step', 'ms'),
  steps: count('Training steps'),
  ms_quantum: t('Quantum circuit time', 'ms'),
  ms_decoder: t('Decoder time', 'ms'),
  ms_training_overhead: t('Classical training time', 'ms'),
  final_d_loss: plain('Final discriminator loss', 'neutral'),
  final_g_loss: plain('Final generator loss', 'neutral'),
  truncation_loss: plain('Truncation loss', 'lower'),
  linear_interpolation_r2: plain('Linear-interpolation R²', 'lower', { compare: 'difference' }),
  gradient_max_rel_error: plain('Gradient check, max relative error', 'lower'),
  mmd2_to_target: plain('MMD² to the target', 'lower'),
  classical_mmd2_to_target: plain('Classical GAN: MMD² to the target', 'lower'),
  classical_s_total: t('Classical GAN: training time', 's'),
  classical_generator_params: count('Classical GAN: generator parameters'),
  // ---- scale
  qnn_per_sample_drift: { label: 'QNN time per sample, drift over sizes', quantity: FRACTION, better: 'lower', absolute: true },
  // ---- raw circuits
  ms_simulate: t('Simulation time', 'ms'),
  ms_compile: t('Compile time', 'ms'),
  ms_readout: t('Readout time', 'ms'),
  passes: count('Kernel passes (after fusion)'),
  final_states: count('Final states (measurement branches)'),
  // ---- the gates benchmark (quench bench gates)
  ms_per_gate: t('Time per gate', 'ms'),
  fraction_of_inplace: frac('Fraction of in-place bandwidth'),
  // ---- rates
  samples_per_s: { label: 'Throughput', quantity: { kind: 'si', unit: 'samples/s' }, better: 'higher' },
  gb_per_s: { label: 'Bandwidth', quantity: { kind: 'si', unit: 'B/s', scale: 1e9 }, better: 'higher' },
};

/** The classical baselines' names as the runners write them ('rbf-svm_accuracy', 'rbf_svm_fit_ms'). */
const BASELINES: Record<string, string> = { 'rbf-svm': 'RBF-SVM', rbf_svm: 'RBF-SVM', 'logistic-regression': 'Logistic regression', mlp: 'MLP' };
/** The models of a validation (src-shared/workloads/validation): the quantum one and the baselines. */
const VALIDATION_MODELS: Record<string, string> = { qnn: 'QNN', qsvm: 'QSVM', ...BASELINES };

/** Key patterns, tried in order after the exact keys. */
const PATTERNS: { re: RegExp; spec: (m: RegExpMatchArray, ctx: MetricContext) => Spec }[] = [
  { re: /^us_per_sample_batch(\d+)$/, spec: (m) => t(`Time per sample (batch ${m[1]})`, 'us') },
  { re: /^qnn_us_per_sample_(\d+)$/, spec: (m) => t(`QNN training time per sample (${Number(m[1]).toLocaleString('en-US')} samples)`, 'us') },
  { re: /^qsvm_kernel_s_(\d+)$/, spec: (m) => t(`QSVM kernel time (${Number(m[1]).toLocaleString('en-US')} samples)`, 's') },
  { re: /^expectation_(\d+)$/, spec: (m, ctx) => plain(observableLabel(ctx.observables?.[Number(m[1])]) ?? `Expectation value ${Number(m[1]) + 1}`, 'neutral', { digits: 5 }) },
  { re: /^(rbf-svm|rbf_svm|logistic-regression|mlp)_accuracy$/, spec: (m) => frac(`${BASELINES[m[1]]}: test accuracy`) },
  { re: /^(rbf-svm|rbf_svm|logistic-regression|mlp)_fit_ms$/, spec: (m) => t(`${BASELINES[m[1]]}: fit time`, 'ms') },
  // a validation's means over its trials, per model
  { re: /^(qnn|qsvm)_accuracy$/, spec: (m) => frac(`${VALIDATION_MODELS[m[1]]}: test accuracy`) },
  { re: /^(qnn|qsvm|rbf-svm|logistic-regression|mlp)_train_ms$/, spec: (m) => t(`${VALIDATION_MODELS[m[1]]}: training time (mean)`, 'ms') },
  { re: /^(qnn|qsvm|rbf-svm|logistic-regression|mlp)_infer_us$/, spec: (m) => t(`${VALIDATION_MODELS[m[1]]}: inference time per sample (mean)`, 'us') },
  { re: /^(qnn|qsvm|rbf-svm|logistic-regression|mlp)_f1$/, spec: (m) => plain(`${VALIDATION_MODELS[m[1]]}: F1 score`, 'higher', { compare: 'difference' }) },
  { re: /^(qnn|qsvm|rbf-svm|logistic-regression|mlp)_log_loss$/, spec: (m) => plain(`${VALIDATION_MODELS[m[1]]}: log-loss`, 'lower', { compare: 'difference' }) },
];

/** Units a key may carry as a word that the label should not repeat. */
const UNIT_WORDS = new Set(['ns', 'us', 'ms', 's', 'min']);

/** A label from an unknown key: 'ms_foo_bar' → 'Foo bar', 'us_per_widget' → 'Time per widget'. */
function labelFromKey(key: string): string {
  const words = key.split(/[_\s]+/).filter((w, i, all) => !(UNIT_WORDS.has(w) && all[i - 1] !== 'per'));
  let text = words.join(' ').trim() || key;
  if (metricTimeUnit(key) && /^per\b/.test(text)) text = `time ${text}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Which way an unknown key is better, from its words (the old name rules). */
function betterFromKey(name: string): Better {
  const n = name.toLowerCase();
  if (/^exact_|^max_cut$|(^|_)(iterations|evaluations|steps|passes|gates|params|num_?weights|samples)$/.test(n)) return 'neutral';
  if (isRate(n) || /(^|[_-])(accuracy|ratio|alignment|speedup)($|_)|gradient_flow|^fraction/.test(n)) return 'higher';
  if (metricTimeUnit(n) || /(^|_)(loss|error|mmd2?|truncation|drift|latency|energy)($|_)/.test(n)) return 'lower';
  return 'neutral';
}

function unitOf(q: Quantity): string {
  switch (q.kind) {
    case 'time': return TIME_UNIT_LABEL[q.stored];
    case 'fraction': return '%';
    case 'si': return q.unit;
    default: return '';
  }
}

function complete(key: string, s: Spec, known: boolean): MetricInfo {
  const quantity = s.quantity ?? PLAIN;
  // ratios mean something only on a ratio scale of strictly positive values
  const compare = s.compare ?? (quantity.kind === 'time' || quantity.kind === 'si' || quantity.kind === 'count' ? 'ratio' : quantity.kind === 'plain' && !s.absolute && s.better === 'lower' && !/energy/i.test(key) ? 'ratio' : 'difference');
  return { key, label: s.label, unit: unitOf(quantity), quantity, better: s.better, digits: s.digits ?? 3, compare, ...(s.absolute ? { absolute: true } : {}), ...(s.companion ? { companion: s.companion } : {}), known };
}

/** Everything the registry knows about a key (unknown keys get a label and unit read from the name). */
export function describeMetric(key: string, ctx: MetricContext = {}): MetricInfo {
  const exact = KEYS[key];
  if (exact) return complete(key, exact, true);
  for (const p of PATTERNS) {
    const m = key.match(p.re);
    if (m) return complete(key, p.spec(m, ctx), true);
  }
  const comp = key.match(/^(.+)_(min|max|ci_lo|ci_hi)$/);
  if (comp) {
    const base = describeMetric(comp[1], ctx);
    const stat = comp[2] as SpreadStat;
    return { ...base, key, label: `${base.label} (${STAT_WORDS[stat]})`, companion: { of: comp[1], stat }, known: base.known };
  }
  const stored = metricTimeUnit(key);
  const quantity: Quantity = stored ? time(stored) : isRate(key) ? { kind: 'si', unit: '/s' } : PLAIN;
  return complete(key, { label: labelFromKey(key), quantity, better: betterFromKey(key) }, false);
}

/** Spread companions (x_min, x_max, x_ci_lo, x_ci_hi) are shown with their metric, not as metrics of their own. */
export const isSpreadCompanion = (key: string) => !KEYS[key] && /_(min|max|ci_lo|ci_hi)$/.test(key);

/** 'lower' | 'higher', or null when neither is better (counts, exact reference values, observables). */
export function metricDirection(key: string): Direction | null {
  const b = describeMetric(key).better;
  return b === 'neutral' ? null : b;
}

/** A metric's value in its unit, as a paper prints it: '13.3 µs', '95.2%', '−17.032', '2.75 × 10⁻⁴', '1,024'. */
export function formatMetric(key: string, value: number | null | undefined, ctx: MetricContext = {}): string {
  if (value === null || value === undefined) return '—';
  return formatValue(describeMetric(key, ctx), value);
}

export function formatValue(info: MetricInfo, value: number, style: NumberStyle = {}): string {
  const s: NumberStyle = { digits: info.digits, ...style };
  const q = info.quantity;
  switch (q.kind) {
    case 'time':
      return formatSeconds(convertTime(value, q.stored, 's'), s);
    case 'fraction':
      return `${formatNumberSig(value * 100, s)}%`;
    case 'count':
      return formatNumberSig(value, { ...s, integer: Number.isInteger(value) });
    case 'si':
      return formatSI(value * (q.scale ?? 1), q.unit, s);
    case 'plain':
      return formatNumberSig(value, s);
  }
}

/** An axis tick of a metric: its value in its unit, without trailing zeros ('2 ms', '90%', '−13.5'). */
export function formatTick(key: string, value: number): string {
  return trimZeros(formatValue(describeMetric(key), value, { digits: 3 }));
}

/**
 * The difference `value − baseline` with its sign and unit: '+1.52 ms',
 * '−2.5 pp' (percentage points), '+0.0125'. Three significant digits at most:
 * a difference is as precise as its operands' last digits, rarely more.
 */
export function formatDifference(key: string, diff: number, ctx: MetricContext = {}): string {
  const info = describeMetric(key, ctx);
  const style: NumberStyle = { digits: Math.min(3, info.digits), plus: true };
  if (diff === 0) return '±0';
  if (info.quantity.kind === 'fraction') return `${formatNumberSig(diff * 100, style)} pp`;
  return formatValue(info, diff, style);
}

/** The ratio `value / baseline` ('1.52×'), or null where a ratio means nothing (signed or bounded quantities, a zero or negative operand). */
export function ratioOf(key: string, baseline: number, value: number): number | null {
  if (describeMetric(key).compare !== 'ratio') return null;
  return baseline > 0 && value > 0 && Number.isFinite(baseline) && Number.isFinite(value) ? value / baseline : null;
}

export const formatRatio = (r: number) => `${formatNumberSig(r, { digits: 3 })}×`;

/** 'better' | 'worse' | 'same' of `value` against `baseline`, or null when neither direction is better. */
export function verdict(key: string, baseline: number, value: number): 'better' | 'worse' | 'same' | null {
  const info = describeMetric(key);
  if (info.better === 'neutral' || !Number.isFinite(baseline) || !Number.isFinite(value)) return null;
  const [b, v] = info.absolute ? [Math.abs(baseline), Math.abs(value)] : [baseline, value];
  if (v === b) return 'same';
  return (info.better === 'lower') === (v < b) ? 'better' : 'worse';
}

/** A metric's label with its unit, for headers and axes: 'Time per iteration (ms)', 'Test accuracy (%)', 'Energy'. */
export function metricHeading(key: string, ctx: MetricContext = {}): string {
  const info = describeMetric(key, ctx);
  return info.unit ? `${info.label} (${info.unit})` : info.label;
}

/**
 * An axis name: the label alone where the tick labels carry the unit
 * (times, rates and percentages are formatted with it), else label (unit).
 */
export function metricAxisName(key: string, ctx: MetricContext = {}): string {
  return describeMetric(key, ctx).label;
}

/**
 * The unit a metric's stored value is in (what an export's raw number means):
 * the key's own time unit ('µs' for us_…), 'fraction' for 0–1 shares, the
 * unit of a rate, '' for dimensionless numbers and counts.
 */
export function storedUnit(key: string): string {
  const q = describeMetric(key).quantity;
  switch (q.kind) {
    case 'time': return TIME_UNIT_LABEL[q.stored];
    case 'fraction': return 'fraction';
    case 'si': return q.scale ? `${formatSI(q.scale, q.unit).replace(/^1\.00 /, '')}` : q.unit;
    default: return '';
  }
}

/** The observables of a run, from its details (circuit runs): for the labels of expectation_{i}. */
export function metricContext(result: { details?: Record<string, unknown> } | null | undefined): MetricContext {
  const obs = result?.details?.observables;
  return Array.isArray(obs) && obs.every((o) => typeof o === 'string') ? { observables: obs as string[] } : {};
}

/** A coefficient as a paper prints it: 0.5, −0.3, 1e-3 → 1 × 10⁻³ (no trailing zeros). */
function coefficient(c: number): string {
  const a = Math.abs(c);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? formatNumberSig(a, { digits: 3 }) : String(Number(a.toPrecision(6)));
}

/** A Pauli sum in bra-ket notation: 'Z0*Z1' → '⟨Z₀Z₁⟩', '0.5*Z0 - X1' → '⟨0.5 Z₀ − X₁⟩'; null for no text. */
export function observableLabel(text: string | undefined): string | null {
  if (text === undefined || !text.trim()) return null;
  let sum: PauliSum;
  try {
    sum = parsePauliSum(text);
  } catch {
    return `⟨${text.trim()}⟩`; // shown as typed: the run was made with it
  }
  if (!sum.terms.length) return '⟨0⟩';
  const body = sum.terms
    .map((term, k) => {
      const ops = term.paulis.map((p) => `${p.op}${subscriptDigits(String(p.qubit))}`).join('') || 'I';
      const a = Math.abs(term.coeff);
      const text = a === 1 ? ops : ops === 'I' ? coefficient(term.coeff) : `${coefficient(term.coeff)} ${ops}`;
      const neg = term.coeff < 0;
      return k === 0 ? `${neg ? MINUS : ''}${text}` : ` ${neg ? MINUS : '+'} ${text}`;
    })
    .join('');
  return `⟨${body}⟩`;
}
