// A Profile as text (the terminal), and as one self-contained HTML file: the
// same sections with their charts drawn by ECharts, inlined so the file opens
// anywhere without a network or the workbench.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from '../native/addon';
import { describeLoad } from '../../src-shared/results';
import { formatMs, formatProfileFigure, formatShare, metricLabel, profileCharts, type ExperimentProfile } from '../../src-shared/analysis/profile';

const pct = formatShare, ms = formatMs;
const mib = (b: number) => (b < 2 ** 20 ? `${(b / 1024).toFixed(1)} KiB` : `${(b / 2 ** 20).toFixed(b < 2 ** 24 ? 1 : 0)} MiB`);

export function formatProfile(p: ExperimentProfile): string {
  const L: string[] = [];
  L.push(`Profile of '${p.experiment.id}' (${p.experiment.kind}) — ${p.env.cpu}, ${p.env.backend} ${p.env.precision}, ${p.env.threads} thread(s)${p.env.threadsChosen ? ` (${p.env.threadsChosen})` : ''}`);
  const fig = (v: number) => formatProfileFigure(p.headline.metric, v);
  L.push(`wall ${ms(p.wallMs)}; ${p.headline.metric ? metricLabel(p.headline.metric) : 'no timing metric'}${p.headline.value !== null ? ` ${fig(p.headline.value)}${p.headline.ciLow !== undefined ? ` [95% CI ${fig(p.headline.ciLow)} – ${fig(p.headline.ciHigh!)}]` : ''}` : ''}`);
  if (p.load) L.push(`load: ${describeLoad(p.load)}`);
  if (p.phases.length) {
    L.push('', 'Phases (share of wall time):');
    for (const ph of p.phases) L.push(`  ${ph.phase.padEnd(12)} ${ms(ph.ms).padStart(10)}  ${pct(ph.share).padStart(5)}`);
  }
  L.push('', `Engine kernels (wall time of their calls, each on all its threads; SIMD share ${p.simdShare === null ? '—' : pct(p.simdShare)}):`);
  if (!p.kernels.length) L.push('  none recorded (the run did not use the native engine)');
  for (const k of p.kernels)
    L.push(`  ${k.kind.padEnd(17)} ${ms(k.ms).padStart(10)}  ${String(k.calls).padStart(9)} calls  ${k.meanUs.toFixed(k.meanUs < 10 ? 2 : 0).padStart(8)} µs/call  ${k.mAmpsPerS.toFixed(0).padStart(7)} M amplitudes/s  SIMD ${pct(k.vectorShare)}`);
  const par = p.parallel;
  const sc = p.scaling.find((s) => s.threads === par.threads);
  L.push(`Parallel efficiency: ${par.efficiency === null ? '— (no thread-scaling trial at the configured threads)' : `${pct(par.efficiency)} (${par.threads} threads: ${sc ? sc.speedup.toFixed(2) : '—'}× one thread's speed in the scaling trial below)`}; kernels ${par.kernelShare === null ? '—' : pct(par.kernelShare)} of ${ms(par.wallMs)} circuit wall time`);
  L.push(`Memory: engine peak ${mib(p.memory.engine.peakBytes)} in ${p.memory.engine.allocations} allocations; process resident peak ${mib(p.memory.rssPeakBytes)}`);
  if (p.scaling.length) {
    const m = p.trials[0]?.metric;
    L.push('', `Thread scaling (${metricLabel(m)}, shortened run):`);
    for (const s of p.scaling) L.push(`  ${String(s.threads).padStart(3)} threads  ${formatProfileFigure(m, s.median).padStart(9)} [${formatProfileFigure(m, s.ciLow)} – ${formatProfileFigure(m, s.ciHigh)}]  speed-up ${s.speedup.toFixed(2)}×  efficiency ${pct(s.efficiency)}`);
  }
  if (p.trials.length) {
    L.push('', 'Trials (shortened run; a verdict needs the 95% CIs apart):');
    for (const t of p.trials) L.push(`  ${t.name.padEnd(16)} ${formatProfileFigure(t.metric, t.median).padStart(9)} [${formatProfileFigure(t.metric, t.ciLow)} – ${formatProfileFigure(t.metric, t.ciHigh)}]  ×${t.ratio.toFixed(2)}  ${t.name === 'baseline' ? '' : t.verdict}${t.unstable ? '  unstable' : ''}`);
  }
  if (p.overhead)
    L.push(
      `Profiler overhead: ${p.overhead.perCallNs.toFixed(0)} ns per counted kernel call here, ≈ ${pct(p.overhead.estimatedShare)} of this run; ` +
        `interleaved A/B on the shortened run ×${p.overhead.ratio.toFixed(3)} (${p.overhead.separate ? 'CIs apart' : 'within the CIs: not measurable'})`,
    );
  L.push('', 'Bottlenecks:');
  if (!p.bottlenecks.length) L.push('  none found');
  for (const b of p.bottlenecks) L.push(`  • ${b.title}`, `      evidence: ${b.evidence}`, `      → ${b.recommendation}`);
  return L.join('\n') + '\n';
}

// Drawing functions for the custom series, in the page (JSON cannot carry functions).
const RENDERERS = `
function __TIMELINE__(params, api) {
  var y = api.value(0), a = api.coord([api.value(1), y]), b = api.coord([api.value(2), y]), h = api.size([0, 1])[1] * 0.6;
  return { type: 'rect', shape: { x: a[0], y: a[1] - h / 2, width: Math.max(1, b[0] - a[0]), height: h }, style: api.style() };
}
function __ERRORBAR__(params, api) {
  var x = api.value(0), lo = api.coord([x, api.value(1)]), hi = api.coord([x, api.value(2)]), s = { stroke: '#555', lineWidth: 1.2 };
  return { type: 'group', children: [
    { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: s },
    { type: 'line', shape: { x1: lo[0] - 4, y1: lo[1], x2: lo[0] + 4, y2: lo[1] }, style: s },
    { type: 'line', shape: { x1: hi[0] - 4, y1: hi[1], x2: hi[0] + 4, y2: hi[1] }, style: s } ] };
}
function revive(o) {
  (o.series || []).forEach(function (s) { if (s.renderItem === '__TIMELINE__') s.renderItem = __TIMELINE__; if (s.renderItem === '__ERRORBAR__') s.renderItem = __ERRORBAR__; });
  return o;
}`;

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function profileHtml(p: ExperimentProfile): string {
  const echartsFile = createRequire(path.join(packageRoot(), 'package.json')).resolve('echarts/dist/echarts.min.js');
  const lib = fs.readFileSync(echartsFile, 'utf8');
  const charts = profileCharts(p);
  // JSON inside <script>: "</" must not end the element.
  const data = JSON.stringify({ profile: p, charts }).replace(/<\//g, '<\\/');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Quench profile — ${esc(p.experiment.id)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 1100px; color: #1d2330; padding: 0 1rem; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.6rem; }
pre { background: #f5f6f8; padding: 0.8rem; overflow-x: auto; font-size: 12.5px; }
.chart { height: 300px; border: 1px solid #dde1e7; border-radius: 6px; margin: 0.5rem 0; }
li { margin: 0.4rem 0; } .ev { color: #555; } .rec { font-weight: 600; }
</style></head><body>
<h1>Profile of ${esc(p.experiment.name)} (${esc(p.experiment.id)}, ${esc(p.experiment.kind)})</h1>
<h2>Bottlenecks</h2><ul>${p.bottlenecks.map((b) => `<li><b>${esc(b.title)}</b><br><span class="ev">${esc(b.evidence)}</span><br><span class="rec">→ ${esc(b.recommendation)}</span></li>`).join('') || '<li>none found</li>'}</ul>
${charts.map((c) => `<h2>${esc(c.title)}</h2><div class="chart" id="chart-${c.id}"></div>`).join('\n')}
<h2>All figures</h2><pre>${esc(formatProfile(p))}</pre>
<script>${lib}</script>
<script>${RENDERERS}
var DATA = ${data};
DATA.charts.forEach(function (c) { echarts.init(document.getElementById('chart-' + c.id)).setOption(revive(c.option)); });
</script>
</body></html>
`;
}
