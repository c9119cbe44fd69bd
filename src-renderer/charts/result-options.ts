// Chart options for a run's page, per kind of result: curves with their own
// x axis (iteration, epoch, training step, data size) and reference lines,
// outcome histograms (bitstrings as labels), a classifier's decision
// boundary with its test points, and a GAN's generated samples against the
// target. Plain functions, like options.ts: data + palette → option.
import type { CustomSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type { CurveChartSpec } from '../../src-shared/analysis/curves';
import type { Bars, BoundaryView, SamplesView } from '../../src-shared/analysis/run-details';
import { formatPlain, trimZeros } from '../../src-shared/analysis/units';
import { lineOption, type ChartOption } from './options';
import type { Palette } from './palette';

const fontFamily = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const mono = 'ui-monospace, "SF Mono", "DejaVu Sans Mono", monospace';

/** A run's curve chart: labelled series against its own x, with its reference lines (the exact energy). */
export function curveChartOption(spec: CurveChartSpec, p: Palette): ChartOption {
  return lineOption(
    {
      series: spec.series.map((s) => ({ name: s.label, data: s.data })),
      xName: spec.xName,
      yName: spec.yName,
      xInteger: !spec.xLog,
      xLog: spec.xLog,
      refLines: spec.refLines,
      yFormat: spec.format,
      yTickFormat: spec.tick,
    },
    p,
  );
}

const axisStyle = (p: Palette) => ({
  nameTextStyle: { color: p.muted },
  axisLabel: { color: p.muted },
  axisLine: { lineStyle: { color: p.border } },
  splitLine: { lineStyle: { color: p.border, opacity: 0.6 } },
});

/**
 * Outcomes as bars: bitstrings along x (monospace, turned upright when there
 * are many or they are long), probabilities or counts up.
 */
export function outcomesOption(bars: Bars, opts: { yName: string; format: (v: number) => string; color?: string }, p: Palette): ChartOption {
  const long = bars.labels.length > 12 || Math.max(0, ...bars.labels.map((l) => l.length)) > 6;
  return {
    backgroundColor: 'transparent',
    animation: false,
    textStyle: { fontFamily, color: p.text },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => (typeof v === 'number' ? opts.format(v) : '—') },
    grid: { left: 64, right: 16, top: 20, bottom: long ? 24 + 7.5 * Math.max(...bars.labels.map((l) => l.length)) : 40, containLabel: false },
    xAxis: {
      type: 'category',
      data: bars.labels,
      axisLabel: { color: p.muted, interval: 0, rotate: long ? 90 : 0, fontFamily: mono, fontSize: 11 },
      axisLine: { lineStyle: { color: p.border } },
      axisTick: { alignWithLabel: true },
    },
    yAxis: { type: 'value', name: opts.yName, nameLocation: 'middle', nameGap: 48, min: 0, ...axisStyle(p), axisLabel: { color: p.muted, formatter: (v: number) => trimZeros(opts.format(v)) } },
    series: [
      {
        type: 'bar',
        name: opts.yName,
        data: bars.values,
        barMaxWidth: 40,
        itemStyle: { color: opts.color ?? p.accent },
        label: { show: bars.labels.length <= 8, position: 'top', color: p.text, fontSize: 11, formatter: (x: { value: unknown }) => (typeof x.value !== 'number' ? '' : x.value === 0 ? '0' : opts.format(x.value)) },
      },
    ],
  };
}

/** `a` over `b` at `share` (0…1), both '#rrggbb': what `a` at that opacity looks like on `b`. */
export function mix(a: string, b: string, share: number): string {
  const rgb = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  const [x, y] = [rgb(a), rgb(b)];
  if ([...x, ...y].some((v) => !Number.isFinite(v))) return a;
  return `#${x.map((v, i) => Math.round(v * share + y[i] * (1 - share)).toString(16).padStart(2, '0')).join('')}`;
}

type CustomApi = { value(i: number): number; coord(v: [number, number]): number[] };

/**
 * A classifier's decision over the plane of its two features: each grid cell
 * tinted with its predicted class (stronger where the model is surer, when it
 * has a score), the test points on top in their true class's colour, and the
 * misclassified ones ringed.
 */
export function decisionBoundaryOption(b: BoundaryView, p: Palette): ChartOption {
  const cw = (b.x[1] - b.x[0]) / b.nx, ch = (b.y[1] - b.y[0]) / b.ny;
  const maxScore = b.score ? Math.max(1e-12, ...b.score.map(Math.abs)) : 1;
  const colorOf = (c: number) => p.series[c % p.series.length];
  // cells are opaque, the class colour mixed into the background: translucent cells would darken where they meet
  const tint = (c: number, strength: number) => mix(colorOf(c), p.surface, 0.12 + 0.36 * strength);
  const cells = b.predicted.map((c, i) => {
    const ix = i % b.nx, iy = Math.floor(i / b.nx);
    const strength = b.score ? Math.min(1, Math.abs(b.score[i]) / maxScore) : 0.6;
    return [b.x[0] + ix * cw, b.y[0] + iy * ch, c, strength];
  });
  const region: CustomSeriesOption = {
    type: 'custom',
    name: 'predicted class',
    data: cells,
    silent: true,
    z: 1,
    encode: { x: 0, y: 1 },
    tooltip: { show: false },
    renderItem: ((_params: unknown, api: CustomApi) => {
      const x0 = api.value(0), y0 = api.value(1);
      const a = api.coord([x0, y0]), c = api.coord([x0 + cw, y0 + ch]);
      return {
        type: 'rect',
        shape: { x: a[0], y: c[1], width: c[0] - a[0] + 0.6, height: a[1] - c[1] + 0.6 },
        style: { fill: tint(api.value(2), api.value(3)) },
      };
    }) as unknown as CustomSeriesOption['renderItem'],
  };
  const points: ScatterSeriesOption[] = b.classes.map((name, c) => ({
    type: 'scatter',
    name,
    data: b.test.filter((t) => t[2] === c).map((t) => [t[0], t[1], t[3]]),
    symbolSize: 7,
    z: 3,
    itemStyle: { color: colorOf(c), borderColor: p.surface, borderWidth: 1 },
  }));
  const wrong = b.test.filter((t) => t[2] !== t[3]);
  if (wrong.length)
    points.push({
      type: 'scatter',
      name: 'misclassified',
      data: wrong.map((t) => [t[0], t[1], t[3]]),
      symbol: 'circle',
      symbolSize: 14,
      z: 4,
      itemStyle: { color: 'transparent', borderColor: p.text, borderWidth: 1.5 },
    });
  const fmt = (v: number) => formatPlain(Number(v.toPrecision(3)));
  return {
    backgroundColor: 'transparent',
    animation: false,
    color: p.series,
    textStyle: { fontFamily, color: p.text },
    legend: { top: 0, textStyle: { color: p.text }, data: [...b.classes, ...(wrong.length ? ['misclassified'] : [])] },
    tooltip: {
      trigger: 'item',
      formatter: (params: unknown) => {
        const q = params as { seriesName: string; value: number[] };
        return `${q.seriesName === 'misclassified' ? 'misclassified' : `true class: ${q.seriesName}`}<br>predicted: ${b.classes[q.value[2]] ?? q.value[2]}<br>${b.features[0]} ${fmt(q.value[0])}, ${b.features[1]} ${fmt(q.value[1])}`;
      },
    },
    grid: { left: 56, right: 20, top: 36, bottom: 44 },
    // the grid's edges are not round numbers: no tick labels there
    xAxis: { type: 'value', name: b.features[0], nameLocation: 'middle', nameGap: 26, min: b.x[0], max: b.x[1], ...axisStyle(p), splitLine: { show: false }, axisLabel: { color: p.muted, formatter: fmt, showMinLabel: false, showMaxLabel: false } },
    yAxis: { type: 'value', name: b.features[1], nameLocation: 'middle', nameGap: 40, min: b.y[0], max: b.y[1], ...axisStyle(p), splitLine: { show: false }, axisLabel: { color: p.muted, formatter: fmt, showMinLabel: false, showMaxLabel: false } },
    series: [region, ...points],
  };
}

/** Generated samples over the target distribution's, in the plane the decoder maps to. */
export function samplesOption(s: SamplesView, p: Palette): ChartOption {
  const fmt = (v: number) => formatPlain(Number(v.toPrecision(3)));
  return {
    backgroundColor: 'transparent',
    animation: false,
    textStyle: { fontFamily, color: p.text },
    legend: { top: 0, textStyle: { color: p.text }, data: ['target', 'generated'] },
    tooltip: { trigger: 'item', formatter: (q: unknown) => { const x = q as { seriesName: string; value: number[] }; return `${x.seriesName}: (${fmt(x.value[0])}, ${fmt(x.value[1])})`; } },
    grid: { left: 56, right: 20, top: 36, bottom: 44 },
    xAxis: { type: 'value', name: 'x₀', nameLocation: 'middle', nameGap: 26, scale: true, ...axisStyle(p), axisLabel: { color: p.muted, formatter: fmt } },
    yAxis: { type: 'value', name: 'x₁', nameLocation: 'middle', nameGap: 40, scale: true, ...axisStyle(p), axisLabel: { color: p.muted, formatter: fmt } },
    series: [
      { type: 'scatter', name: 'target', data: s.target, symbolSize: 5, itemStyle: { color: p.muted, opacity: 0.55 } },
      { type: 'scatter', name: 'generated', data: s.generated, symbolSize: 5, itemStyle: { color: p.accent, opacity: 0.75 } },
    ],
  };
}
