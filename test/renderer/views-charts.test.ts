// The chart option builders (plain functions: data + palette → ECharts option)
// and the CSV export, in plain Node: no DOM, no canvas (ECharts renders SVG
// server-side in the last test).
import { describe, expect, it } from 'vitest';
import { referenceById, referenceValueIn } from '../../src-shared/analysis/references';
import { curveCharts } from '../../src-shared/analysis/curves';
import { axisExtent, barChartHeight, barOption, barsReadHorizontally, BAR_LABEL_WIDTH, heatmapOption, lineOption, parallelOption, type ChartOption } from '../../src-renderer/charts/options';
import { curveChartOption, decisionBoundaryOption, outcomesOption, samplesOption } from '../../src-renderer/charts/result-options';
import { DARK, LIGHT } from '../../src-renderer/charts/palette';
import { fileSlug, toCsv } from '../../src-renderer/export';

type AnyOption = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('line charts', () => {
  it('stretch log axes to powers of ten that include the reference lines, labelled', () => {
    const seed = referenceById('qgan-seed'), goal = referenceById('qgan-goal');
    const o = lineOption(
      {
        series: [{ name: 'Quench', data: [[1, 306.7], [32, 22.75], [4096, 11.4]] }],
        xName: 'batch size', yName: 'time per sample (µs)', xLog: true, yLog: true,
        refLines: [seed, goal].map((r) => ({ value: referenceValueIn(r, 'us_per_sample'), label: r.label, role: r.role })),
      },
      LIGHT,
    ) as AnyOption;
    expect(o.yAxis.type).toBe('log');
    expect(o.yAxis.min).toBe(10);
    expect(o.yAxis.max).toBe(1e6); // 606 ms = 606,000 µs fits under 10^6
    expect(o.xAxis).toMatchObject({ type: 'log', min: 1, max: 1e4 });
    const refs = o.series.find((s: AnyOption) => s.name === 'references');
    expect(refs.markLine.data.map((d: AnyOption) => d.yAxis)).toEqual([606_000, 60]);
    expect(refs.markLine.data[0].label.formatter).toBe('seed report: 606 ms/sample, flat in batch');
    expect(refs.markLine.data[1].lineStyle.color).toBe(LIGHT.ok); // goals in the ok colour, seed figures in the bad one
    expect(refs.markLine.data[0].lineStyle.color).toBe(LIGHT.bad);
    expect(o.legend.data).toEqual(['Quench']);
    expect(o.backgroundColor).toBe('transparent');
  });

  it('drop points a log axis cannot show, and follow the palette', () => {
    const o = lineOption({ series: [{ name: 'a', data: [[0, 1], [1, 0], [2, 5], [3, NaN]] }], xName: 'x', yName: 'y', yLog: true }, DARK) as AnyOption;
    expect(o.series[0].data).toEqual([[0, 1], [2, 5]]);
    expect(o.color).toEqual(DARK.series);
    expect(o.textStyle.color).toBe(DARK.text);
  });

  it('draw a run’s curves by iteration (CurveChart), labelled, the exact energy as a line', () => {
    const [spec] = curveCharts({ energy: [-1, -5] });
    const o = curveChartOption(spec, LIGHT) as AnyOption;
    expect(spec.title).toBe('Energy per iteration');
    expect(o.xAxis.name).toBe('iteration');
    expect(o.series).toHaveLength(1);
    expect(o.series[0]).toMatchObject({ type: 'line', name: 'Energy', data: [[1, -1], [2, -5]] });
    expect(o.legend.show).toBe(false);
    const withExact = curveChartOption(curveCharts({ energy: [-1, -5] }, { quality: { exact_energy: -5.25 } })[0], LIGHT) as AnyOption;
    const ref = withExact.series.find((s: AnyOption) => s.name === 'references');
    expect(ref.markLine.data[0]).toMatchObject({ yAxis: -5.25, name: 'exact ground energy −5.2500' });
    expect(withExact.yAxis.min).toBeLessThanOrEqual(-5.25); // the line stays on the chart
    // a QNN's epochs: loss alone, train and test accuracy on one chart, x named 'epoch'
    const qnn = curveCharts({ loss: [0.9, 0.5], train_accuracy: [0.6, 0.8], test_accuracy: [0.55, 0.75] });
    expect(qnn.map((c) => [c.title, c.xName, c.series.map((x) => x.label)])).toEqual([
      ['Training loss (MSE) per epoch', 'epoch', ['Training loss (MSE)']],
      ['Accuracy per epoch', 'epoch', ['Train accuracy', 'Test accuracy']],
    ]);
    expect(qnn[1].format(0.75)).toBe('75.0%');
  });

  it('pad linear extents and keep zero for non-negative data', () => {
    expect(axisExtent([1, 2, 3], true)).toEqual({ min: 1, max: 10 });
    expect(axisExtent([2, 10], false)).toEqual({ min: 0, max: 12 });
    expect(axisExtent([-17.3, -1], false)).toEqual({ min: -20, max: 0 });
    expect(axisExtent([0.9, 0.95], false)).toEqual({ min: 0.88, max: 0.96 });
    expect(axisExtent([], false)).toEqual({});
  });
});

describe('heatmaps', () => {
  const base = { xName: 'cutoff', yName: 'layers', xs: ['2', '3', '4'], ys: ['1', '2'], metric: 'us_per_sample_batch32' };
  it('colour better values the same way whatever the direction, on a log scale over wide ranges', () => {
    const cells: [number, number, number | null][] = [[0, 0, 1], [1, 0, 10], [2, 0, 100], [0, 1, 2], [1, 1, null], [2, 1, 200]];
    const lower = heatmapOption({ ...base, cells, direction: 'lower' }, LIGHT) as AnyOption;
    expect(lower.visualMap.inRange.color).toEqual([...LIGHT.ramp].reverse());
    expect(lower.visualMap.min).toBeCloseTo(0);
    expect(lower.visualMap.max).toBeCloseTo(Math.log10(200));
    expect(lower.series[0].data[1]).toEqual([1, 0, 1, 10]);
    expect(lower.series[0].data[4]).toEqual([1, 1, '-', '-']); // no result yet
    const higher = heatmapOption({ ...base, cells: [[0, 0, 0.9], [1, 0, 0.95]], direction: 'higher', metric: 'test_accuracy' }, LIGHT) as AnyOption;
    expect(higher.visualMap.inRange.color).toEqual(LIGHT.ramp);
    expect(higher.series[0].data[0]).toEqual([0, 0, 0.9, 0.9]); // linear: a narrow range
    expect(higher.xAxis.data).toEqual(['2', '3', '4']);
  });
});

describe('parallel coordinates', () => {
  it('has one axis per parameter and metric, categories for text values, log for wide ranges', () => {
    const o = parallelOption(
      {
        axes: [{ name: 'cutoff', type: 'value' }, { name: 'dataset', type: 'category', categories: ['moons', 'xor'] }, { name: 's_total', type: 'value' }, { name: 'test_accuracy', type: 'value' }],
        lines: [[2, 'moons', 0.01, 0.9], [5, 'xor', 10, NaN]],
        colorDirection: 'lower',
      },
      LIGHT,
    ) as AnyOption;
    expect(o.parallelAxis.map((a: AnyOption) => a.type)).toEqual(['value', 'category', 'log', 'value']);
    expect(o.parallelAxis[1].data).toEqual(['moons', 'xor']);
    expect(o.series[0].data[1]).toEqual([5, 'xor', 10, '-']);
    expect(o.visualMap.dimension).toBe(2);
  });
});

describe('bar charts', () => {
  it('colour bars per item and draw the goal line', () => {
    const o = barOption(
      { categories: ['1q', '2q'], series: [{ name: 'AMD EPYC', data: [{ value: 80, color: '#123456' }, null] }], yName: '%', refLines: [{ value: 85, label: 'goal', role: 'goal' }] },
      LIGHT,
    ) as AnyOption;
    expect(o.series[0].data).toEqual([{ value: 80, itemStyle: { color: '#123456' } }, '-']);
    expect(o.series[1].markLine.data[0].yAxis).toBe(85);
    expect(o.legend.data).toEqual(['AMD EPYC']);
    expect(o.yAxis.max).toBeGreaterThanOrEqual(85);
  });
});

// 16 backends as `quench bench peers --save` names them: Quench and three peers, f32/f64, 1 and 2 threads.
const PEERS16 = ['quench native-avx512', 'qsim 0.22.1', 'qulacs 0.6.11', 'aer 0.15.1'].flatMap((b) =>
  ['f32', 'f64'].flatMap((pr) => [1, 2].map((t) => `${b} · ${pr} · ${t} thread${t === 1 ? '' : 's'} · ${b.startsWith('quench') ? 'avx512' : 'peer'}`)),
);

/** The category labels of an SSR-rendered bar chart: each text's anchor (from its transform), anchor side and text. */
function svgTexts(svg: string): { x: number; y: number; text: string; anchor: string; rotated: boolean }[] {
  return [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].flatMap(([, attrs, text]) => {
    const t = /transform="(?:translate|matrix)\(([^)]*)\)"/.exec(attrs);
    if (!t) return [];
    const n = t[1].split(/[ ,]+/).map(Number);
    const [x, y] = n.length === 6 ? [n[4], n[5]] : [n[0], n[1]];
    const anchor = /text-anchor="(\w+)"/.exec(attrs)?.[1] ?? 'start';
    return [{ x, y, text, anchor, rotated: n.length === 6 && Math.abs(n[1]) > 1e-6 }];
  });
}

describe('bar charts with many bars or long names', () => {
  it('read as rows: beyond 8 bars, or with names wider than fit under a bar', () => {
    expect(barsReadHorizontally(PEERS16)).toBe(true);
    expect(barsReadHorizontally(['1q', '2q', 'diagonal', 'fused'])).toBe(false);
    expect(barsReadHorizontally(['QSVM', 'RBF-SVM'])).toBe(false);
    expect(barsReadHorizontally(PEERS16.slice(0, 4))).toBe(true); // 4 names like 'quench native-avx512 · f32 · 1 thread · avx512'
    expect(barsReadHorizontally(['a', 'b', 'c'], 3)).toBe(true); // 9 bars
    expect(barChartHeight(16)).toBeGreaterThanOrEqual(16 * 24);
    expect(barChartHeight(2)).toBeGreaterThanOrEqual(160);
  });

  it('as rows: names on a category y axis, first on top, every one shown (truncated, full in a tooltip), values beside the bars', () => {
    const data = PEERS16.map((_, i) => 20 + 10 * i);
    const o = barOption({ categories: PEERS16, series: [{ name: 'Time per layer', data }], yName: 'Time per layer', horizontal: true, refLines: [{ value: 100, label: 'goal', role: 'goal' }] }, LIGHT) as AnyOption;
    expect(o.yAxis).toMatchObject({ type: 'category', data: PEERS16, inverse: true, tooltip: { show: true }, axisLabel: { interval: 0, overflow: 'truncate', width: BAR_LABEL_WIDTH.horizontal } });
    expect(o.xAxis).toMatchObject({ type: 'value', name: 'Time per layer' });
    expect(o.grid).toMatchObject({ outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' }); // the grid makes room for the names
    expect(o.series[0].label).toMatchObject({ show: true, position: 'right' });
    expect(o.series[1].markLine.data[0].xAxis).toBe(100); // reference lines across the value axis, now x
    // on a log axis the bars grow from the axis' start, not from 1
    const log = barOption({ categories: ['a', 'b', 'c'], series: [{ name: 'ms', data: [0.5, 0.7, 20] }], yName: 'ms', yLog: true, horizontal: true }, LIGHT) as AnyOption;
    expect(log.xAxis).toMatchObject({ type: 'log', min: 0.1, max: 100, startValue: 0.1 });
  });

  it('as columns, names too many to sit side by side are tilted', () => {
    const cats = ['1q · 10q', '2q · 10q', 'diagonal · 10q', 'fused · 10q', '1q · 12q', '2q · 12q', 'diagonal · 12q', 'fused · 12q'];
    const o = barOption({ categories: cats, series: [{ name: 'native', data: cats.map(() => 1) }], yName: 'ms' }, LIGHT) as AnyOption;
    expect(o.xAxis).toMatchObject({ type: 'category', axisLabel: { interval: 0, rotate: 30 } });
    const few = barOption({ categories: cats.slice(0, 4), series: [{ name: 'native', data: [1, 2, 3, 4] }], yName: 'ms' }, LIGHT) as AnyOption;
    expect(few.xAxis.axisLabel.rotate).toBeUndefined();
  });

  it('drawn by ECharts (SSR), 16 names as rows do not overlap and stay on the canvas; as columns they would', async () => {
    await import('../../src-renderer/charts/echarts');
    const { init, use } = await import('echarts/core');
    const { SVGRenderer } = await import('echarts/renderers');
    use([SVGRenderer]);
    const render = (horizontal: boolean, width: number, height: number) => {
      const chart = init(null as unknown as HTMLElement, undefined, { renderer: 'svg', ssr: true, width, height });
      chart.setOption(barOption({ categories: PEERS16, series: [{ name: 'Time per layer', data: PEERS16.map((_, i) => 20 + 10 * i) }], yName: 'Time per layer', horizontal }, LIGHT));
      const out = chart.renderToSVGString();
      chart.dispose();
      return out;
    };
    const cut = (t: string) => /(…|\.\.\.)$/.exec(t); // truncated: ECharts ends the name with an ellipsis
    const isName = (t: string) => PEERS16.some((c) => c === t || (!!cut(t) && c.startsWith(t.slice(0, -cut(t)![0].length))));
    for (const width of [520, 680]) {
      const names = svgTexts(render(true, width, barChartHeight(PEERS16.length))).filter((t) => isName(t.text));
      expect(names).toHaveLength(16);
      const ys = names.map((t) => t.y);
      for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(14); // a 12 px line each, top to bottom in order
      expect(names[0].text.startsWith('quench native-avx512 · f32 · 1 thread')).toBe(true);
      // right-aligned against the axis: each name ends at x and starts ≥ 0 (at most BAR_LABEL_WIDTH wide)
      for (const t of names) expect(t.anchor === 'end' && t.x >= BAR_LABEL_WIDTH.horizontal - 1 && t.x < width / 2 + 40).toBe(true);
    }
    // the same 16 bars as columns: the names' anchors are ~30 px apart, much less than the 110 px each may take
    const cols = svgTexts(render(false, 680, 260)).filter((t) => isName(t.text));
    const gap = cols.length > 1 ? cols[1].x - cols[0].x : Infinity;
    expect(cols.every((t) => t.rotated) || gap >= BAR_LABEL_WIDTH.vertical).toBe(true); // rotated to fit, at least
  });
});

describe('CSV export', () => {
  it('writes the union of the rows’ keys as the header and quotes what needs quoting', () => {
    const csv = toCsv([{ batch: 1, us_per_sample: 306.752, note: 'a, "b"' }, { batch: 32, extra: [1, 2], us_per_sample: null }]);
    expect(csv).toBe('batch,us_per_sample,note,extra\r\n1,306.752,"a, ""b""",\r\n32,,,"[1,2]"\r\n');
    expect(toCsv([{ v: NaN, w: Infinity }])).toBe('v,w\r\n,\r\n');
  });
  it('makes file names from free text', () => {
    expect(fileSlug('CV quantum GAN — cutoff × layers')).toBe('CV-quantum-GAN-cutoff-layers');
    expect(fileSlug('///')).toBe('quench');
  });
});

describe('the options render in ECharts itself (server-side SVG, the pieces of charts/echarts.ts)', () => {
  it('draws every kind of chart with its reference labels, in both themes', async () => {
    await import('../../src-renderer/charts/echarts');
    const { init, use } = await import('echarts/core');
    const { SVGRenderer } = await import('echarts/renderers');
    use([SVGRenderer]);
    const svg = (option: ChartOption, dark: boolean) => {
      const chart = init(null as unknown as HTMLElement, dark ? 'dark' : undefined, { renderer: 'svg', ssr: true, width: 640, height: 300 });
      chart.setOption(option);
      const out = chart.renderToSVGString();
      chart.dispose();
      return out;
    };
    for (const [dark, p] of [[false, LIGHT], [true, DARK]] as const) {
      const seed = referenceById('qgan-seed'), goal = referenceById('qgan-goal'), p3 = referenceById('qgan-phase3');
      const line = svg(lineOption({
        series: [{ name: 'Quench', data: [[1, 306.7], [32, 22.75], [4096, 11.4]] }, { name: 'seed', data: [[1, 606_000], [32, 574_000]], dashed: true, color: p.bad }],
        xName: 'batch size', yName: 'time per sample (µs)', xLog: true, yLog: true,
        refLines: [seed, goal].map((r) => ({ value: referenceValueIn(r, 'us_per_sample'), label: r.label, role: r.role })),
        refBands: [{ from: referenceValueIn(p3, 'us_per_sample'), to: referenceValueIn(p3, 'us_per_sample', 'upTo'), label: p3.label }],
      }, p), dark);
      expect(line).toContain('seed report: 606 ms/sample, flat in batch');
      expect(line).toContain('goal: ≤ 60 µs/sample at batch 32');
      expect(line).toContain('batch size');
      const heat = svg(heatmapOption({ xName: 'cutoff', yName: 'layers', xs: ['2', '3'], ys: ['1', '2'], metric: 'us_per_sample_batch32', direction: 'lower', cells: [[0, 0, 5], [1, 0, 50], [0, 1, 8], [1, 1, null]], format: (v) => `${v} µs` }, p), dark);
      expect(heat).toContain('50 µs');
      const par = svg(parallelOption({ axes: [{ name: 'cutoff', type: 'value' }, { name: 'speed', type: 'value' }, { name: 'quality', type: 'value' }], lines: [[2, 5, 0.1], [3, 50, 0.01]] }, p), dark);
      expect(par).toContain('quality');
      const bar = svg(barOption({ categories: ['1q', '2q', 'diagonal', 'fused'], series: [{ name: 'EPYC', data: [80, 75, 90, null] }], yName: '% of in-place', refLines: [{ value: 85, label: 'goal 85%', role: 'goal' }] }, p), dark);
      expect(bar).toContain('goal 85%');
      expect(svg(curveChartOption(curveCharts({ energy: [-1, -5, -12] }, { quality: { exact_energy: -12.5 } })[0], p), dark)).toContain('exact ground energy');
      expect(svg(outcomesOption({ labels: ['00', '11'], values: [0.5, 0.5], caption: '' }, { yName: 'probability', format: String }, p), dark)).toContain('11');
      const boundary = { features: ['x0', 'x1'] as [string, string], classes: ['a', 'b'], x: [0, 1] as [number, number], y: [0, 1] as [number, number], nx: 2, ny: 2, predicted: [0, 1, 1, 0], score: [0.5, -0.5, -1, 1], scoreName: 's', test: [[0.2, 0.2, 0, 0], [0.7, 0.2, 0, 1]] as [number, number, number, number][] };
      expect(svg(decisionBoundaryOption(boundary, p), dark)).toContain('misclassified');
      expect(svg(samplesOption({ generated: [[0, 1]], target: [[1, 0]] }, p), dark)).toContain('generated');
    }
  });
});
