// A forest plot: one row per comparison, its estimate as a dot and its 95% CI
// as a horizontal bar, against the line of no effect (0 for differences, 1
// for ratios, on a log axis). Rows whose test is significant are drawn in the
// colour of the better side; the rest are muted.
import type { ChartOption } from './options';
import type { Palette } from './palette';

export interface ForestRow {
  label: string;
  /** The row's full name for its tooltip, where `label` is a shortened one. */
  name?: string;
  estimate: number;
  ciLow: number;
  ciHigh: number;
  /** 'good': the quantum model is better; 'bad': the baseline is; null: no significant difference. */
  tone: 'good' | 'bad' | null;
}

type CustomApi = { value(i: number): number; coord(v: [number, number]): number[]; size(v: [number, number]): number[] };

/** spec.labelWidth: the px the row names may take left of the plot (default 160), truncated past it with "…". */
export function forestOption(spec: { rows: ForestRow[]; axis: 'difference' | 'ratio'; xName: string; labelWidth?: number }, p: Palette): ChartOption {
  const { rows, axis } = spec;
  const nullValue = axis === 'ratio' ? 1 : 0;
  const colour = (t: ForestRow['tone']) => (t === 'good' ? p.ok : t === 'bad' ? p.bad : p.muted);
  const ends = rows.flatMap((r) => [r.ciLow, r.ciHigh, nullValue]).filter((v) => Number.isFinite(v) && (axis !== 'ratio' || v > 0));
  const lo = Math.min(...ends), hi = Math.max(...ends);
  // Round ends on a linear axis (ECharts prints the bounds it is given as axis labels).
  const step = niceStep((hi - lo || 1) / 5);
  return {
    backgroundColor: 'transparent',
    animation: false,
    textStyle: { color: p.text },
    grid: { left: (spec.labelWidth ?? 160) + 10, right: 24, top: 12, bottom: 40 },
    tooltip: { trigger: 'item' },
    xAxis: {
      type: axis === 'ratio' ? 'log' : 'value', name: spec.xName, nameLocation: 'middle', nameGap: 26,
      min: axis === 'ratio' ? 10 ** Math.floor(Math.log10(lo)) : Math.floor(lo / step) * step, max: axis === 'ratio' ? 10 ** Math.ceil(Math.log10(hi)) : Math.ceil(hi / step) * step,
      axisLabel: { color: p.muted }, splitLine: { lineStyle: { color: p.border } },
    },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.label), axisLabel: { color: p.text, width: spec.labelWidth ?? 160, overflow: 'truncate' } },
    series: [
      {
        type: 'custom', silent: true, encode: { x: [1, 2], y: 0 },
        data: rows.map((r, i) => [i, r.ciLow, r.ciHigh, i]),
        renderItem: (_params: unknown, api: CustomApi) => {
          const y = api.value(0), a = api.coord([api.value(1), y]), b = api.coord([api.value(2), y]);
          const style = { stroke: colour(rows[api.value(3)].tone), lineWidth: 2 };
          return { type: 'group', children: [
            { type: 'line', shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style },
            { type: 'line', shape: { x1: a[0], y1: a[1] - 5, x2: a[0], y2: a[1] + 5 }, style },
            { type: 'line', shape: { x1: b[0], y1: b[1] - 5, x2: b[0], y2: b[1] + 5 }, style },
          ] };
        },
      },
      {
        type: 'scatter', symbolSize: 10,
        data: rows.map((r, i) => ({ value: [r.estimate, i], itemStyle: { color: colour(r.tone) } })),
        tooltip: { formatter: (x: { dataIndex: number }) => { const r = rows[x.dataIndex]; return `${r.name ?? r.label}<br>${fmt(r.estimate)} (95% CI ${fmt(r.ciLow)} – ${fmt(r.ciHigh)})`; } },
        markLine: { silent: true, symbol: 'none', lineStyle: { color: p.muted, type: 'dashed' }, label: { show: false }, data: [{ xAxis: nullValue }] },
      },
    ],
  };
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(Number(v.toPrecision(3))));

/** 1, 2 or 5 times a power of ten, at least x. */
function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 5, 10].map((k) => k * p).find((v) => v >= x) ?? 10 * p;
}
