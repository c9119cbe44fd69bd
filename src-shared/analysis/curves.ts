// A run's curves as charts: what each series is (its label, what its x is —
// iterations of an optimizer, epochs of training, steps of a GAN, data
// sizes of a scaling run), which series share a chart (train and test
// accuracy, the two GAN losses), and reference lines (the exact ground
// energy on a VQE's energy chart). Pure: the run page, the live view and the
// Compare view build their charts from it.
import { describeMetric, formatMetric, formatValue, type MetricInfo } from './metric-registry';
import { trimZeros } from './units';

export type CurveX = 'iteration' | 'epoch' | 'step' | 'samples';

interface CurveSpec {
  label: string;
  x: CurveX;
  /** The metric whose unit and digits the values have. */
  metric?: string;
  /** Series with the same group share a chart. */
  group?: { id: string; title: string; y: string };
}

const ACCURACY = { id: 'accuracy', title: 'Accuracy per epoch', y: 'accuracy' };
const GAN_LOSS = { id: 'gan-loss', title: 'GAN losses per step', y: 'loss' };

const CURVES: Record<string, CurveSpec> = {
  energy: { label: 'Energy', x: 'iteration', metric: 'energy' },
  expected_cut: { label: 'Expected cut ⟨C⟩', x: 'iteration', metric: 'expected_cut' },
  loss: { label: 'Training loss (MSE)', x: 'epoch', metric: 'final_loss' },
  train_accuracy: { label: 'Train accuracy', x: 'epoch', metric: 'train_accuracy', group: ACCURACY },
  test_accuracy: { label: 'Test accuracy', x: 'epoch', metric: 'test_accuracy', group: ACCURACY },
  d_loss: { label: 'Discriminator loss', x: 'step', metric: 'final_d_loss', group: GAN_LOSS },
  g_loss: { label: 'Generator loss', x: 'step', metric: 'final_g_loss', group: GAN_LOSS },
  qnn_us_per_sample: { label: 'QNN training time per sample', x: 'samples', metric: 'qnn_us_per_sample_1' },
  qsvm_kernel_s: { label: 'QSVM kernel time', x: 'samples', metric: 'qsvm_kernel_s_1' },
};

const X_NAME: Record<CurveX, string> = { iteration: 'iteration', epoch: 'epoch', step: 'training step', samples: 'data size (samples)' };

function specOf(name: string): CurveSpec {
  return CURVES[name] ?? { label: describeMetric(name).label, x: 'iteration', metric: name };
}

/** How a curve is drawn on its own: its label, the x axis's name, the y axis's name and the tick formatter. */
export function curveAxis(name: string): { label: string; x: string; xLog: boolean; yName: string; format: (v: number) => string; tick: (v: number) => string } {
  const s = specOf(name);
  const info: MetricInfo = describeMetric(s.metric ?? name);
  return { label: s.label, x: X_NAME[s.x], xLog: s.x === 'samples', yName: s.label, format: (v) => formatValue(info, v), tick: (v) => trimZeros(formatValue(info, v, { digits: 3 })) };
}

/**
 * A curve's points: iterations, epochs and steps counted from 1 (the first
 * epoch is epoch 1); a scaling run's series against its data sizes.
 */
export function curvePoints(name: string, ys: number[], params: Record<string, unknown> = {}): [number, number][] {
  const s = specOf(name);
  const sizes = params.sizes;
  if (s.x === 'samples' && Array.isArray(sizes) && sizes.length === ys.length && sizes.every((v) => typeof v === 'number')) return ys.map((y, i) => [sizes[i] as number, y]);
  return ys.map((y, i) => [i + 1, y]);
}

export interface RefLineSpec {
  value: number;
  label: string;
  role: 'reference';
}

export interface CurveChartSpec {
  id: string;
  title: string;
  xName: string;
  yName: string;
  /** Series in the order drawn: the raw curve name, its label, points. */
  series: { name: string; label: string; data: [number, number][] }[];
  refLines: RefLineSpec[];
  /** Log x axis (data sizes). */
  xLog: boolean;
  /** Tooltip text of a y value (the metric's digits). */
  format: (v: number) => string;
  /** Axis tick text of a y value (trailing zeros dropped). */
  tick: (v: number) => string;
}

/**
 * The charts of a run's curves: one per curve, except grouped series (train
 * and test accuracy, the GAN losses) which share one; the VQE energy chart
 * carries the exact ground energy as a line when the run has it.
 * `curves` may be a finished run's arrays or live points (already [x, y]).
 */
export function curveCharts(curves: Record<string, number[] | [number, number][]>, opts: { params?: Record<string, unknown>; quality?: Record<string, number>; live?: boolean } = {}): CurveChartSpec[] {
  const charts = new Map<string, CurveChartSpec>();
  for (const [name, raw] of Object.entries(curves)) {
    if (!Array.isArray(raw) || raw.length === 0) continue;
    const s = specOf(name);
    const info = describeMetric(s.metric ?? name);
    const data: [number, number][] = typeof raw[0] === 'number' ? curvePoints(name, raw as number[], opts.params) : (raw as [number, number][]).map(([x, y]) => [s.x === 'samples' ? x : x + 1, y]);
    const id = s.group?.id ?? name;
    let chart = charts.get(id);
    if (!chart) {
      chart = {
        id,
        title: `${s.group?.title ?? (s.x === 'samples' ? `${s.label} by data size` : `${s.label} per ${s.x === 'step' ? 'training step' : s.x}`)}${opts.live ? ' (live)' : ''}`,
        xName: X_NAME[s.x],
        yName: s.group?.y ?? s.label,
        series: [],
        refLines: [],
        xLog: s.x === 'samples',
        format: (v) => formatValue(info, v),
        tick: (v) => trimZeros(formatValue(info, v, { digits: 3 })),
      };
      charts.set(id, chart);
    }
    chart.series.push({ name, label: s.label, data });
  }
  const exact = opts.quality?.exact_energy;
  const energy = charts.get('energy');
  if (energy && typeof exact === 'number' && Number.isFinite(exact)) energy.refLines.push({ value: exact, label: `exact ground energy ${formatMetric('exact_energy', exact)}`, role: 'reference' });
  return [...charts.values()];
}
