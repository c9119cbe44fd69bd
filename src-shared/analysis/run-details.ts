// A run's details, read for its page: what to draw for its kind (a circuit's
// probabilities and counts, a classifier's decision boundary and confusion
// matrix, a GAN's generated samples) and its metrics as labelled rows. Every
// reader checks the shape it gets: project files from older versions lack
// these details, and a damaged one must not take the page down — a missing
// or malformed detail is simply not drawn.
import type { DecisionBoundary } from '../workloads/runners/classifier-details';
import { describeMetric, formatMetric, isSpreadCompanion, metricContext, type MetricContext } from './metric-registry';
import { formatSeconds, superscriptDigits } from './units';
import { bitstring, histogramBars, topOutcomes, type TopProbabilities } from '../outcomes';

interface ResultLike {
  kind?: string;
  params?: Record<string, unknown>;
  metrics?: Record<string, number>;
  quality?: Record<string, number>;
  details?: Record<string, unknown>;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumArray = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNum);
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

// ---- metrics as rows ------------------------------------------------------------------

export interface MetricRow {
  key: string;
  label: string;
  value: string;
  /** The 95% CI (or min–max) beside the value, where the run stored it. */
  spread?: string;
  better: 'lower' | 'higher' | 'neutral';
  /** Unknown to the registry: the label was read from the key. */
  known: boolean;
}

/** A group of numbers as labelled, formatted rows; spread companions folded into their metric's row. */
export function metricRows(values: Record<string, number> | undefined, ctx: MetricContext = {}): MetricRow[] {
  const v = values ?? {};
  const fmt = (k: string) => formatMetric(k, v[k], ctx);
  return Object.keys(v)
    .filter((k) => isNum(v[k]) && !(isSpreadCompanion(k) && k.replace(/_(min|max|ci_lo|ci_hi)$/, '') in v))
    .map((key) => {
      const info = describeMetric(key, ctx);
      const has = (s: string) => isNum(v[`${key}_${s}`]);
      const spread = has('ci_lo') && has('ci_hi') ? `95% CI ${fmt(`${key}_ci_lo`)} – ${fmt(`${key}_ci_hi`)}` : has('min') && has('max') ? `range ${fmt(`${key}_min`)} – ${fmt(`${key}_max`)}` : undefined;
      return { key, label: info.label, value: fmt(key), ...(spread ? { spread } : {}), better: info.better, known: info.known };
    });
}

/** A run's time per phase (stored in ms) as rows with readable units. */
export function phaseRows(phases: Record<string, unknown> | undefined): { key: string; label: string; value: string; share: string }[] {
  const entries = Object.entries(phases ?? {}).filter((e): e is [string, number] => isNum(e[1]));
  const total = entries.reduce((a, [, v]) => a + v, 0);
  return entries.map(([key, ms]) => ({
    key,
    label: PHASE_LABELS[key] ?? key.charAt(0).toUpperCase() + key.slice(1),
    value: formatSeconds(ms / 1000),
    share: total > 0 ? `${((100 * ms) / total).toFixed(ms / total < 0.1 ? 1 : 0)}%` : '',
  }));
}

const PHASE_LABELS: Record<string, string> = {
  compile: 'Compile', encoding: 'Data encoding', simulate: 'Simulation', readout: 'Readout', classical: 'Classical work', optimizer: 'Optimizer',
  quantum: 'Quantum circuit', decoder: 'Decoder',
};

// ---- circuits -------------------------------------------------------------------------

export interface Bars {
  labels: string[];
  values: number[];
  /** What the bars are, in a sentence: 'all 8 outcomes', 'the 64 most likely of 2^20 outcomes (together 93.1%)'. */
  caption: string;
}

export interface CircuitView {
  qubits: number | null;
  probabilities: Bars | null;
  counts: (Bars & { shots: number }) | null;
  observables: { key: string; label: string; text: string; value: string }[];
  /** Why probabilities are missing (an old run, or more than 20 qubits). */
  note?: string;
}

/** Outcomes with few enough bars to read: every one up to 32, else the most likely ones. */
const MAX_BARS = 32;

export function circuitView(result: ResultLike | null | undefined): CircuitView | null {
  if (!result || result.kind !== 'circuit') return null;
  const d = result.details ?? {};
  const qubits = isNum(result.params?.qubits) ? (result.params!.qubits as number) : null;
  let probabilities: Bars | null = null;
  let note: string | undefined;
  if (isNumArray(d.probabilities) && d.probabilities.length > 1) {
    const all = d.probabilities;
    const n = Math.round(Math.log2(all.length));
    if (all.length <= MAX_BARS) {
      probabilities = { labels: all.map((_, i) => bitstring(i, n)), values: all.slice(), caption: `all ${all.length} outcomes` };
    } else {
      const top = topOutcomes(all, MAX_BARS);
      probabilities = { labels: top.map((t) => bitstring(t.index, n)), values: top.map((t) => t.p), caption: `the ${top.length} most likely of ${all.length.toLocaleString('en-US')} outcomes (together ${pct(top.reduce((a, t) => a + t.p, 0))})` };
    }
  } else if (isTop(d.topProbabilities)) {
    const t = d.topProbabilities;
    probabilities = { labels: t.bitstrings.slice(), values: t.probabilities.slice(), caption: `the ${t.bitstrings.length} most likely of 2${superscriptDigits(String(t.qubits))} outcomes (together ${pct(t.covered)})` };
  } else if (qubits !== null) {
    note = qubits > 20 ? `Probabilities are computed for circuits of up to 20 qubits; this one has ${qubits}.` : 'This run was stored without its probabilities (an older version of Quench); run it again to see them.';
  }
  let counts: CircuitView['counts'] = null;
  if (d.counts && typeof d.counts === 'object' && !Array.isArray(d.counts)) {
    const entries = Object.entries(d.counts as Record<string, unknown>).filter((e): e is [string, number] => isNum(e[1]));
    if (entries.length) {
      const shots = entries.reduce((a, [, v]) => a + v, 0);
      const h = histogramBars(entries, MAX_BARS);
      counts = { labels: h.labels, values: h.values, shots, caption: h.partial ? `the ${h.labels.length} most frequent of ${entries.length} outcomes in ${shots.toLocaleString('en-US')} shots` : `${shots.toLocaleString('en-US')} shots` };
    }
  }
  const texts = isStrArray(d.observables) ? d.observables : [];
  const ctx = metricContext(result);
  const observables = Object.keys(result.quality ?? {})
    .filter((k) => /^expectation_\d+$/.test(k) && isNum(result.quality![k]))
    .map((key) => ({ key, label: describeMetric(key, ctx).label, text: texts[Number(key.split('_')[1])] ?? '', value: formatMetric(key, result.quality![key], ctx) }));
  return { qubits, probabilities, counts, observables, ...(note ? { note } : {}) };
}

const pct = (f: number) => `${(100 * f).toPrecision(3)}%`;

function isTop(v: unknown): v is TopProbabilities {
  const t = v as TopProbabilities;
  return !!t && typeof t === 'object' && isNum(t.qubits) && isStrArray(t.bitstrings) && isNumArray(t.probabilities) && t.bitstrings.length === t.probabilities.length && t.bitstrings.length > 0 && isNum(t.covered);
}

// ---- classifiers ----------------------------------------------------------------------

export interface ConfusionView {
  classes: string[];
  /** Rows: true class; columns: predicted. */
  matrix: number[][];
  total: number;
  /** Share of each row (recall per class). */
  rowShare: number[][];
}

export function confusionView(result: ResultLike | null | undefined): ConfusionView | null {
  const c = result?.details?.confusion as { classes?: unknown; matrix?: unknown } | undefined;
  if (!c || !isStrArray(c.classes) || !Array.isArray(c.matrix)) return null;
  const k = c.classes.length;
  const m = c.matrix as unknown[];
  if (k < 2 || m.length !== k || !m.every((row) => isNumArray(row) && row.length === k)) return null;
  const matrix = m as number[][];
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const rowShare = matrix.map((row) => {
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (s > 0 ? v / s : 0));
  });
  return { classes: c.classes.slice(), matrix, total, rowShare };
}

/** A classifier's decision boundary as the runner stores it. */
export type BoundaryView = DecisionBoundary;

export function decisionBoundaryView(result: ResultLike | null | undefined): BoundaryView | null {
  const b = result?.details?.decisionBoundary as Partial<BoundaryView> | undefined;
  if (!b || typeof b !== 'object') return null;
  const pair = (v: unknown): v is [number, number] => isNumArray(v) && v.length === 2 && v[1] > v[0];
  if (!isStrArray(b.features) || b.features.length !== 2 || !isStrArray(b.classes) || !pair(b.x) || !pair(b.y)) return null;
  if (!isNum(b.nx) || !isNum(b.ny) || b.nx < 1 || b.ny < 1 || !isNumArray(b.predicted) || b.predicted.length !== b.nx * b.ny) return null;
  const score = isNumArray(b.score) && b.score.length === b.predicted.length ? b.score : undefined;
  const test = Array.isArray(b.test) ? b.test.filter((p): p is [number, number, number, number] => isNumArray(p) && p.length === 4) : [];
  return { features: [b.features[0], b.features[1]], classes: b.classes, x: b.x, y: b.y, nx: b.nx, ny: b.ny, predicted: b.predicted, ...(score ? { score, scoreName: typeof b.scoreName === 'string' ? b.scoreName : 'score' } : {}), test };
}

/** Why a classifier run has no decision boundary to draw, or null when it has one (or is not a classifier). */
export function boundaryNote(result: ResultLike | null | undefined): string | null {
  if (!result || (result.kind !== 'qnn' && result.kind !== 'qsvm') || decisionBoundaryView(result)) return null;
  const f = result.details?.datasetFeatures;
  if (isNum(f)) return `The decision boundary is drawn for datasets with two features; this one has ${f}.`;
  return null; // an older run: nothing stored, nothing to say
}

// ---- generative models ----------------------------------------------------------------

export interface SamplesView {
  generated: [number, number][];
  target: [number, number][];
}

export function ganSamplesView(result: ResultLike | null | undefined): SamplesView | null {
  const s = result?.details?.samples as { generated?: unknown; target?: unknown } | undefined;
  if (!s || typeof s !== 'object') return null;
  const pairs = (v: unknown) => (Array.isArray(v) ? v.filter((p): p is [number, number] => isNumArray(p) && p.length === 2) : []);
  const generated = pairs(s.generated), target = pairs(s.target);
  return generated.length || target.length ? { generated, target } : null;
}
