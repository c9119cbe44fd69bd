// Chart options, built by plain functions (no DOM, no Vue): the views pass
// data and the theme's palette, ChartFrame draws the result. Reference lines
// (seed figures, targets, goals) are markLines on their own carrier series,
// and the value axes are stretched to include them so none falls off-chart.
import type { BarSeriesOption, LineSeriesOption, ParallelSeriesOption } from 'echarts/charts';
import type { EChartsCoreOption } from 'echarts/core';
import type { Direction } from '../../src-shared/analysis/metrics';
import { formatPlain } from '../../src-shared/analysis/metrics';
import type { ReferenceRole } from '../../src-shared/analysis/references';
import type { ParallelAxis } from '../../src-shared/analysis/sweeps';
import type { Palette } from './palette';

/** An option for the pieces registered in echarts.ts (series are typed where they are built). */
export type ChartOption = EChartsCoreOption;

export interface RefLine {
  value: number;
  label: string;
  /** A seed figure, target or goal; 'reference' for a run's own reference value (the exact ground energy). */
  role: ReferenceRole | 'reference';
}
export interface RefBand {
  from: number;
  to: number;
  label: string;
}

/** 1500 → '1.5k', 16667 → '16.7k', 2e6 → '2M'; small numbers as they are (log axes' labels). */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${Number((v / 1e9).toPrecision(3))}G`;
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e3) return `${Number((v / 1e3).toPrecision(3))}k`;
  return formatPlain(v);
}

export const roleColor = (role: RefLine['role'], p: Palette) => (role === 'goal' ? p.ok : role === 'seed-figure' ? p.bad : p.muted);

const fontFamily = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

function base(p: Palette): ChartOption {
  return {
    backgroundColor: 'transparent',
    animation: false,
    color: p.series,
    textStyle: { fontFamily, color: p.text },
  };
}

/**
 * Axis bounds that include the data and the reference values (ECharts sizes
 * axes by the data alone, so a goal line far below it would fall off):
 * powers of ten on a log axis, round steps on a linear one (zero kept in view
 * for non-negative data that comes close to it).
 */
export function axisExtent(values: number[], log: boolean): { min?: number; max?: number } {
  const v = values.filter((x) => Number.isFinite(x) && (!log || x > 0));
  if (!v.length) return {};
  let lo = Math.min(...v), hi = Math.max(...v);
  if (log) return { min: 10 ** Math.floor(Math.log10(lo)), max: 10 ** Math.ceil(Math.log10(hi === lo ? hi * 10 : hi)) };
  if (lo === hi) [lo, hi] = [lo - Math.abs(lo || 1) * 0.1, hi + Math.abs(hi || 1) * 0.1];
  const pad = (hi - lo) * 0.05;
  const raw = (hi - lo + 2 * pad) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const tidy = (x: number) => Number(x.toPrecision(12)) + 0; // no 0.8900000000000001, no -0
  const min = lo >= 0 && lo - pad <= step ? 0 : tidy(Math.floor((lo - pad) / step) * step);
  return { min, max: tidy(Math.ceil((hi + pad) / step) * step) };
}

function refSeries(lines: RefLine[], bands: RefBand[], p: Palette, axis: 'y' | 'x' = 'y'): LineSeriesOption {
  return {
    type: 'line',
    name: 'references',
    data: [],
    silent: true,
    tooltip: { show: false },
    markLine: {
      symbol: 'none',
      silent: true,
      animation: false,
      data: lines.map((l) => ({
        [axis === 'y' ? 'yAxis' : 'xAxis']: l.value,
        name: l.label,
        lineStyle: { color: roleColor(l.role, p), type: l.role === 'goal' ? 'solid' : 'dashed', width: 1.5 },
        label: { formatter: l.label, position: 'insideEndTop', color: roleColor(l.role, p), fontSize: 11, fontFamily },
      })),
    },
    ...(bands.length
      ? {
          markArea: {
            silent: true,
            itemStyle: { color: p.muted, opacity: 0.12 },
            label: { color: p.muted, fontSize: 11, position: 'insideTopLeft', fontFamily },
            data: bands.map((b) => [{ yAxis: b.from, name: b.label }, { yAxis: b.to }] as [{ yAxis: number; name: string }, { yAxis: number }]),
          },
        }
      : {}),
  };
}

export interface LineSeriesSpec {
  name: string;
  data: [number, number][];
  dashed?: boolean;
  color?: string;
  /** Error bars: [x, low, high] (a 95% CI), drawn as I-beams in the series' colour. */
  errors?: [number, number, number][];
}

/** One I-beam (an error bar) at pixel x from pixel y `lo` to `hi`, caps `w` wide each side. */
export function iBeam(x: number, lo: number, hi: number, w: number, color: string) {
  const style = { stroke: color, lineWidth: 1.2 };
  return {
    type: 'group',
    children: [
      { type: 'line', shape: { x1: x, y1: lo, x2: x, y2: hi }, style },
      { type: 'line', shape: { x1: x - w, y1: lo, x2: x + w, y2: lo }, style },
      { type: 'line', shape: { x1: x - w, y1: hi, x2: x + w, y2: hi }, style },
    ],
  };
}

type CustomApi = { value(i: number): number; coord(v: [number, number]): number[]; size(v: [number, number]): number[] };

/** A custom series of I-beams (silent, no tooltip), named like its line or bars so the legend toggles both. */
function errorSeries(name: string, data: number[][], z: number, render: (api: CustomApi) => ReturnType<typeof iBeam>) {
  return { type: 'custom' as const, name, data, silent: true, z, encode: { x: 0, y: [1, 2] }, tooltip: { show: false }, renderItem: (_params: unknown, api: CustomApi) => render(api) };
}

/** [x, low, high] as I-beams on a line chart. */
function errorBarSeries(name: string, data: [number, number, number][], color: string) {
  return errorSeries(name, data, 3, (api) => {
    const x = api.value(0);
    const lo = api.coord([x, api.value(1)]), hi = api.coord([x, api.value(2)]);
    return iBeam(lo[0], lo[1], hi[1], 4, color);
  });
}

export interface LineSpec {
  series: LineSeriesSpec[];
  xName: string;
  yName: string;
  xLog?: boolean;
  yLog?: boolean;
  xInteger?: boolean;
  refLines?: RefLine[];
  refBands?: RefBand[];
  /** Tooltip and axis label text for y values. */
  yFormat?: (v: number) => string;
  /** Axis label text for y values, where it differs from the tooltip's (round ticks without trailing zeros). */
  yTickFormat?: (v: number) => string;
}

/** Named series of [x, y] points, optionally on log axes, with reference lines and bands. */
export function lineOption(spec: LineSpec, p: Palette): ChartOption {
  const refs = spec.refLines ?? [], bands = spec.refBands ?? [];
  const fmt = spec.yFormat ?? (spec.yLog ? compact : formatPlain);
  const drop = (pts: [number, number][]) => pts.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!spec.xLog || x > 0) && (!spec.yLog || y > 0));
  const series = spec.series.map((s) => ({ ...s, data: drop(s.data) }));
  const ys = [...series.flatMap((s) => s.data.map((d) => d[1])), ...refs.map((r) => r.value), ...bands.flatMap((b) => [b.from, b.to])];
  const xs = series.flatMap((s) => s.data.map((d) => d[0]));
  const legend = series.length > 1 || refs.length > 0;
  const axisCommon = { nameTextStyle: { color: p.muted }, axisLabel: { color: p.muted }, axisLine: { lineStyle: { color: p.border } }, splitLine: { lineStyle: { color: p.border, opacity: 0.6 } } };
  return {
    ...base(p),
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? fmt(v) : String(v)) },
    legend: { show: legend, top: 0, type: 'scroll', textStyle: { color: p.text }, data: series.map((s) => s.name) },
    grid: { left: 64, right: 24, top: legend ? 36 : 16, bottom: 44, containLabel: false },
    xAxis: {
      type: spec.xLog ? 'log' : 'value',
      logBase: 10,
      name: spec.xName,
      nameLocation: 'middle',
      nameGap: 28,
      ...(spec.xInteger && !spec.xLog ? { minInterval: 1 } : {}),
      ...(spec.xLog ? axisExtent(xs, true) : { scale: true }),
      ...axisCommon,
    },
    yAxis: {
      type: spec.yLog ? 'log' : 'value',
      logBase: 10,
      name: spec.yName,
      nameLocation: 'middle',
      nameGap: 50,
      ...(spec.yLog || refs.length || bands.length ? axisExtent(ys, !!spec.yLog) : { scale: true }),
      ...axisCommon,
      axisLabel: { color: p.muted, formatter: (v: number) => (spec.yTickFormat ?? fmt)(v) },
    },
    series: [
      ...series.map((s): LineSeriesOption => ({
        type: 'line',
        name: s.name,
        data: s.data,
        showSymbol: s.data.length < 60,
        symbolSize: 6,
        ...(s.color ? { itemStyle: { color: s.color }, lineStyle: { color: s.color, type: s.dashed ? 'dashed' : 'solid' } } : s.dashed ? { lineStyle: { type: 'dashed' } } : {}),
      })),
      ...series.flatMap((s, i) => {
        const ok = (s.errors ?? []).filter(([x, lo, hi]) => [x, lo, hi].every(Number.isFinite) && (!spec.xLog || x > 0) && (!spec.yLog || lo > 0));
        return ok.length ? [errorBarSeries(s.name, ok, s.color ?? p.series[i % p.series.length])] : [];
      }),
      ...(refs.length || bands.length ? [refSeries(refs, bands, p)] : []),
    ],
  };
}

export interface HeatmapSpec {
  xName: string;
  yName: string;
  xs: string[];
  ys: string[];
  cells: [number, number, number | null][];
  metric: string;
  direction: Direction | null;
  format?: (v: number) => string;
}

/**
 * A grid of values; colour from worse to better (lower-is-better metrics are
 * reversed), on a log scale when the values span more than 20×.
 */
export function heatmapOption(spec: HeatmapSpec, p: Palette): ChartOption {
  const fmt = spec.format ?? formatPlain;
  const vals = spec.cells.map((c) => c[2]).filter((v): v is number => v !== null && Number.isFinite(v));
  const positive = vals.length > 0 && vals.every((v) => v > 0);
  const log = positive && Math.max(...vals) / Math.min(...vals) > 20;
  const tf = (v: number) => (log ? Math.log10(v) : v);
  const colors = spec.direction === 'lower' ? [...p.ramp].reverse() : [...p.ramp];
  const data = spec.cells.map(([x, y, v]) => (v === null || !Number.isFinite(v) ? [x, y, '-', '-'] : [x, y, tf(v), v]));
  const lo = vals.length ? tf(Math.min(...vals)) : 0, hi = vals.length ? tf(Math.max(...vals)) : 1;
  return {
    ...base(p),
    tooltip: {
      formatter: (params: unknown) => {
        const d = (params as { value: (number | string)[] }).value;
        const v = d[3];
        return `${spec.xName} ${spec.xs[d[0] as number]}, ${spec.yName} ${spec.ys[d[1] as number]}<br>${spec.metric}: ${typeof v === 'number' ? fmt(v) : 'no result'}`;
      },
    },
    grid: { left: 56, right: 16, top: 16, bottom: 78 },
    xAxis: { type: 'category', data: spec.xs, name: spec.xName, nameLocation: 'middle', nameGap: 26, axisLabel: { color: p.muted }, nameTextStyle: { color: p.muted }, splitArea: { show: true } },
    yAxis: { type: 'category', data: spec.ys, name: spec.yName, nameLocation: 'middle', nameGap: 36, axisLabel: { color: p.muted }, nameTextStyle: { color: p.muted }, splitArea: { show: true } },
    visualMap: {
      type: 'continuous',
      min: lo,
      max: hi === lo ? lo + 1 : hi,
      dimension: 2,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 4,
      itemHeight: 140,
      inRange: { color: colors },
      textStyle: { color: p.muted },
      formatter: (v: unknown) => fmt(log ? 10 ** (v as number) : (v as number)),
      text: spec.direction ? (spec.direction === 'lower' ? ['worse', 'better'] : ['better', 'worse']) : undefined,
    },
    series: [
      {
        type: 'heatmap',
        name: spec.metric,
        data,
        label: { show: true, color: p.text, fontSize: 11, formatter: (params: unknown) => { const v = (params as { value: (number | string)[] }).value[3]; return typeof v === 'number' ? fmt(v) : '—'; } },
        itemStyle: { borderColor: p.surface, borderWidth: 2 },
        emphasis: { itemStyle: { borderColor: p.text } },
      },
    ],
  };
}

export interface ParallelSpec {
  axes: ParallelAxis[];
  lines: (number | string)[][];
  /** Which axis colours the lines (default: the second to last, the speed metric). */
  colorAxis?: number;
  colorDirection?: Direction | null;
}

/** Parallel coordinates: one axis per parameter and metric, one line per grid point; log axes where values span > 100×. */
export function parallelOption(spec: ParallelSpec, p: Palette): ChartOption {
  const colorAxis = spec.colorAxis ?? spec.axes.length - 2;
  const numeric = (i: number) => spec.lines.map((l) => l[i]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const parallelAxis = spec.axes.map((a, i) => {
    const v = numeric(i);
    const log = a.type === 'value' && v.length > 1 && v.every((x) => x > 0) && Math.max(...v) / Math.min(...v) > 100;
    return {
      dim: i,
      name: a.name,
      type: a.type === 'category' ? ('category' as const) : log ? ('log' as const) : ('value' as const),
      ...(a.type === 'category' ? { data: a.categories } : { scale: true }),
      nameTextStyle: { color: p.text, fontSize: 11 },
      axisLabel: { color: p.muted, formatter: a.type === 'value' ? (x: number) => formatPlain(x) : undefined },
      axisLine: { lineStyle: { color: p.muted } },
    };
  });
  const cv = numeric(colorAxis);
  const colors = spec.colorDirection === 'lower' ? [...p.ramp].reverse() : [...p.ramp];
  return {
    ...base(p),
    parallel: { left: 48, right: 72, top: 36, bottom: 24 },
    parallelAxis,
    ...(cv.length
      ? { visualMap: { type: 'continuous', show: false, dimension: colorAxis, min: Math.min(...cv), max: Math.max(...cv) === Math.min(...cv) ? Math.min(...cv) + 1 : Math.max(...cv), inRange: { color: colors.map((c, i) => (i === 1 ? p.accent : c)) } } }
      : {}),
    tooltip: { show: false },
    series: [
      {
        type: 'parallel',
        lineStyle: { width: 2, opacity: 0.75 },
        emphasis: { lineStyle: { width: 3, opacity: 1 } },
        data: spec.lines.map((l) => l.map((v) => (typeof v === 'number' && !Number.isFinite(v) ? '-' : v))),
      } as ParallelSeriesOption,
    ],
  };
}

export interface BarItem {
  value: number | null;
  color?: string;
}
export interface BarSpec {
  categories: string[];
  /** errors: per category, the value's 95% CI [low, high] (or null), drawn as an I-beam on its bar. */
  series: { name: string; data: (number | null | BarItem)[]; errors?: ([number, number] | null)[] }[];
  yName: string;
  yLog?: boolean;
  refLines?: RefLine[];
  format?: (v: number) => string;
  /** Axis label text, where it differs from the bars' labels (round ticks without trailing zeros). */
  tickFormat?: (v: number) => string;
  /**
   * One row per category, its name written out beside its bars (first on
   * top), values along the x axis: for many bars or long names (see
   * barsReadHorizontally; the chart's height then comes from barChartHeight).
   */
  horizontal?: boolean;
}

/** Approximate width in px of a label in the charts' 12 px sans-serif (no DOM to measure with here). */
const labelPx = (text: string) => 6.6 * text.length;
/** How wide a category name may be: under a bar (vertical bars, truncated past it) and beside a row (horizontal bars). */
export const BAR_LABEL_WIDTH = { vertical: 110, horizontal: 280 } as const;

/**
 * Whether bars read better as rows (barOption's `horizontal`): more than 8
 * bars, or more than 2 categories whose names would not fit under their bars
 * (truncated to "…" there, or crowding each other).
 */
export function barsReadHorizontally(categories: string[], seriesCount = 1): boolean {
  if (categories.length * seriesCount > 8) return true;
  return categories.length > 2 && Math.max(0, ...categories.map(labelPx)) > BAR_LABEL_WIDTH.vertical;
}

/** The height in px for horizontal bars: a 26 px row per category (more for grouped bars) plus the axis, its name and a legend. */
export function barChartHeight(categories: number, seriesCount = 1): number {
  return Math.max(160, 56 + (seriesCount > 1 ? 36 : 0) + categories * (seriesCount > 1 ? 14 + 12 * seriesCount : 26));
}

/** Bars per category (one series or several side by side), with reference lines. */
export function barOption(spec: BarSpec, p: Palette): ChartOption {
  const fmt = spec.format ?? formatPlain;
  const refs = spec.refLines ?? [];
  const vals = spec.series.flatMap((s) => s.data.map((d) => (d !== null && typeof d === 'object' ? d.value : d))).filter((v): v is number => v !== null);
  const ext = spec.yLog || refs.length ? axisExtent([...vals, ...refs.map((r) => r.value), ...(spec.yLog ? [] : [0])], !!spec.yLog) : {};
  const legend = spec.series.length > 1;
  const horizontal = !!spec.horizontal;
  const bars = spec.categories.length * spec.series.length;
  // Vertical bars whose names, written out, would be wider than the ~440 px a
  // chart is at its narrowest: names tilted so that each fits its bar's width.
  const crowded = !horizontal && spec.categories.length > 1 && spec.categories.length * Math.min(BAR_LABEL_WIDTH.vertical, Math.max(0, ...spec.categories.map(labelPx)) + 12) > 440;
  // The category axis: every name shown (interval 0), truncated past its room with "…"; the full
  // name in a tooltip on the name itself and in the header of the tooltip over its bars.
  const categoryAxis = {
    type: 'category' as const,
    data: spec.categories,
    ...(horizontal ? { inverse: true } : {}),
    tooltip: { show: true },
    axisLabel: {
      color: horizontal ? p.text : p.muted,
      interval: 0,
      overflow: 'truncate',
      width: horizontal ? BAR_LABEL_WIDTH.horizontal : BAR_LABEL_WIDTH.vertical,
      ...(crowded ? { rotate: 30 } : {}),
    },
    axisTick: { alignWithLabel: true },
    axisLine: { lineStyle: { color: p.border } },
  };
  const valueAxis = {
    type: spec.yLog ? ('log' as const) : ('value' as const),
    name: spec.yName,
    nameLocation: 'middle' as const,
    nameGap: horizontal ? 26 : 50,
    ...ext,
    // On a log axis bars grow from its start (ECharts' default start, 1, would hang bars below 1 from it).
    ...(spec.yLog && ext.min !== undefined ? { startValue: ext.min } : {}),
    nameTextStyle: { color: p.muted },
    // Rows leave the values a narrow axis beside the names: fewer ticks, and none drawn over another.
    ...(horizontal ? { splitNumber: 4 } : {}),
    axisLabel: { color: p.muted, formatter: (v: number) => (spec.tickFormat ?? fmt)(v), ...(horizontal ? { hideOverlap: true } : {}) },
    splitLine: { lineStyle: { color: p.border, opacity: 0.6 } },
  };
  return {
    ...base(p),
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => (typeof v === 'number' ? fmt(v) : '—') },
    legend: { show: legend, top: 0, type: 'scroll', textStyle: { color: p.text }, data: spec.series.map((s) => s.name) },
    // Horizontal: the names' width is the grid's left margin (the grid holds its axis labels; the value labels right of the bars need `right`).
    grid: horizontal
      ? { left: 8, right: 64, top: legend ? 36 : 8, bottom: 30, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' }
      : { left: 64, right: 24, top: legend ? 36 : 20, bottom: 48 }, // tilted names: ECharts shrinks the grid to keep them on the canvas
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: [
      ...spec.series.map((s): BarSeriesOption => ({
        type: 'bar',
        name: s.name,
        barMaxWidth: horizontal ? 18 : 48,
        data: s.data.map((d) => (d !== null && typeof d === 'object' ? { value: d.value ?? '-', ...(d.color ? { itemStyle: { color: d.color } } : {}) } : (d ?? '-'))) as BarSeriesOption['data'],
        // Rows have room for every bar's value beside it; columns only up to 16 bars.
        label: { show: horizontal || bars <= 16, position: horizontal ? 'right' : 'top', color: p.text, fontSize: 11, formatter: (x: { value: unknown }) => (typeof x.value === 'number' ? fmt(x.value) : '') },
      })),
      ...spec.series.flatMap((s, i) => {
        const data = (s.errors ?? []).flatMap((e, c) => (e && e.every(Number.isFinite) ? [[c, e[0], e[1], i, spec.series.length]] : []));
        return data.length ? [barErrorSeries(s.name, data, p.text, horizontal)] : [];
      }),
      ...(refs.length ? [{ ...refSeries(refs, [], p, horizontal ? 'x' : 'y'), type: 'line' as const }] : []),
    ],
  };
}

/**
 * I-beams on grouped bars: [category, low, high, series index, series count].
 * The offset across the category follows ECharts' default bar layout (20%
 * category gap, 30% bar gap, bars at most 48 px wide, 18 px as rows).
 */
function barErrorSeries(name: string, data: number[][], color: string, horizontal = false) {
  const beams = errorSeries(name, data, 4, (api) => {
    const c = api.value(0), i = api.value(3), n = api.value(4);
    const band = (horizontal ? api.size([0, 1])[1] : api.size([1, 0])[0]) * 0.8;
    const bw = Math.min(horizontal ? 18 : 48, band / (n + 0.3 * (n - 1)));
    const total = bw * (n + 0.3 * (n - 1));
    const offset = -total / 2 + i * bw * 1.3 + bw / 2;
    if (!horizontal) {
      const lo = api.coord([c, api.value(1)]), hi = api.coord([c, api.value(2)]);
      return iBeam(lo[0] + offset, lo[1], hi[1], Math.min(5, bw / 3), color);
    }
    // Rows (an inverse category axis: the first on top): the beam lies along x.
    const lo = api.coord([api.value(1), c]), hi = api.coord([api.value(2), c]);
    const y = lo[1] + offset, w = Math.min(5, bw / 3);
    const style = { stroke: color, lineWidth: 1.2 };
    return {
      type: 'group',
      children: [
        { type: 'line', shape: { x1: lo[0], y1: y, x2: hi[0], y2: y }, style },
        { type: 'line', shape: { x1: lo[0], y1: y - w, x2: lo[0], y2: y + w }, style },
        { type: 'line', shape: { x1: hi[0], y1: y - w, x2: hi[0], y2: y + w }, style },
      ],
    };
  });
  return horizontal ? { ...beams, encode: { y: 0, x: [1, 2] } } : beams;
}
