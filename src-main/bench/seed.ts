// `quench bench seed`: the seed suite (docs/benchmarks.md).
// Every case prints its parameters, the seed document's figure or target,
// Quench's figure (median and spread), the ratio, the goal and pass/miss,
// and the correctness checks that make the figure count. Nothing is rounded
// into a pass.
import { describeLoad, type RunResult } from '../../src-shared/results';
import { collectInfo } from '../engine/machine-info';
import { UsageError } from '../errors';
import { watchLoad, withLoad } from '../engine/load';
import { makeProgress } from './progress';
import { SEED_CASES, type CaseOutcome, type SeedCase } from './seed-cases';

export type SeedBackend = 'native' | 'webgpu';

export interface BenchSeedOptions {
  json?: boolean;
  case?: string[];
  quick?: boolean;
  /** Where the cases run; several: each case on each, reported side by side. Default native. */
  backend?: SeedBackend[];
  threads?: number;
  precision?: 'f64' | 'f32';
}

export interface SeedResult {
  case: string;
  backend: SeedBackend;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  target: CaseOutcome['target'];
  headline: CaseOutcome['headline'];
  checks: CaseOutcome['checks'];
  quality: Record<string, number>;
  pass: boolean;
  env: RunResult['env'];
  details?: Record<string, unknown>;
}


/** The backends asked for, checked: each once, and f64 not asked of WebGPU. */
export function seedBackends(opts: BenchSeedOptions): SeedBackend[] {
  const list = [...new Set(opts.backend?.length ? opts.backend : (['native'] as SeedBackend[]))];
  if (list.includes('webgpu') && opts.precision === 'f64')
    throw new UsageError('the WebGPU backend computes in f32 (WGSL has no f64): leave --precision out (WebGPU runs f32, native its default) or pass --precision f32');
  return list;
}

export async function benchSeed(opts: BenchSeedOptions, onStep?: (label: string) => void): Promise<SeedResult[]> {
  const ids = opts.case ?? SEED_CASES.map((c) => c.id);
  const unknown = ids.filter((id) => !SEED_CASES.some((c) => c.id === id));
  if (unknown.length) throw new UsageError(`unknown case(s) ${unknown.join(', ')}; cases: ${SEED_CASES.map((c) => c.id).join(', ')}`);
  const backends = seedBackends(opts);
  const results: SeedResult[] = [];
  for (const c of SEED_CASES.filter((c) => ids.includes(c.id))) for (const backend of backends) {
    onStep?.(backends.length > 1 ? `${c.id} ${backend}` : c.id);
    const stop = watchLoad();
    const out = await c.run({ quick: !!opts.quick, backend, threads: opts.threads, precision: opts.precision });
    out.run = withLoad(out.run, stop());
    results.push({
      case: c.id,
      backend,
      params: out.run.params,
      metrics: out.run.metrics,
      target: out.target,
      headline: out.headline,
      checks: out.checks,
      quality: out.run.quality,
      pass: out.checks.every((x) => x.pass),
      env: out.run.env,
      details: out.details,
    });
  }
  return results;
}

function fmtValue(v: number, unit: string): string {
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : Math.abs(v) >= 1 ? 2 : 3;
  return `${v.toFixed(digits)} ${unit}`;
}

export function formatSeedResults(results: SeedResult[], c: readonly SeedCase[] = SEED_CASES): string {
  const lines: string[] = [];
  const env = collectInfo();
  lines.push(`Quench bench seed — ${env.cpu.model}, ${env.cpu.logicalCores} cores, ISA ${env.isa.inUse}, Node ${env.node}`);
  const adapter = results.find((r) => r.backend === 'webgpu')?.env.adapter;
  if (adapter) lines.push(`WebGPU adapter: ${adapter} (f32; times are host wall-clock from submit to results read back)`);
  const several = results.some((r) => r.backend === 'webgpu');
  for (const r of results) {
    const spec = c.find((x) => x.id === r.case)!;
    const h = r.headline;
    lines.push('');
    lines.push(`■ ${r.case}${several ? ` on ${r.backend === 'webgpu' ? 'WebGPU' : r.env.backend}` : ''} — ${spec.title}`);
    lines.push(`  params   ${spec.describe(r.params)}`);
    const seedTxt = r.target.seedFigure !== undefined ? `seed figure ${fmtValue(r.target.seedFigure, r.target.unit)}` : 'no seed figure';
    lines.push(`  seed     ${seedTxt}; seed target ${r.target.seedTarget !== undefined ? fmtValue(r.target.seedTarget, r.target.unit) : '—'}; Quench goal ${r.target.higherIsBetter ? '≥' : '≤'} ${fmtValue(r.target.goal, r.target.unit)}`);
    const ref = r.target.seedFigure ?? r.target.seedTarget;
    let ratio = '';
    if (ref !== undefined) {
      const x = ref / h.value;
      const what = r.target.seedFigure !== undefined ? 'the seed figure' : 'the seed target';
      ratio = x >= 1 ? `  (${x.toFixed(x >= 100 ? 0 : 1)}× ${r.target.seedFigure !== undefined ? 'faster than' : 'under'} ${what})` : `  (${(1 / x).toFixed(1)}× OVER ${what})`;
    }
    const ci = h.ciLow !== undefined && h.ciHigh !== undefined ? `95% CI ${fmtValue(h.ciLow, '')}– ${fmtValue(h.ciHigh, '')}, ` : '';
    lines.push(`  Quench   ${fmtValue(h.value, r.target.unit)} [${ci}range ${fmtValue(h.min, '')}– ${fmtValue(h.max, r.target.unit)}] (${h.label})${ratio}`);
    if (h.unstable?.length) lines.push(`  UNSTABLE ${h.unstable.join('; ')}: this figure is not to be trusted`);
    if (r.env.load) lines.push(`  load     ${describeLoad(r.env.load)}${r.env.load.busy ? '; the figures are not this machine\'s own' : ''}`);
    for (const check of r.checks) lines.push(`  ${check.pass ? 'pass' : 'MISS'}     ${check.name}: ${check.detail}`);
    for (const extra of spec.extraLines?.(r) ?? []) lines.push(`  ${extra}`);
  }
  if (several) lines.push('', ...sideBySide(results, c));
  const missed = results.filter((r) => !r.pass).map((r) => (several ? `${r.case} (${r.backend})` : r.case));
  lines.push('');
  lines.push(missed.length ? `${results.length - missed.length} of ${results.length} cases met every goal; missed: ${missed.join(', ')}` : `all ${results.length} cases met every goal`);
  return lines.join('\n') + '\n';
}

/** One line per case: the headline figure on each backend that ran it, and native ÷ WebGPU where both did. */
function sideBySide(results: SeedResult[], c: readonly SeedCase[]): string[] {
  const lines = ['Side by side (headline figure, median):', `  ${'case'.padEnd(12)}${'native'.padEnd(22)}${'WebGPU'.padEnd(22)}`];
  for (const spec of c) {
    const nat = results.find((r) => r.case === spec.id && r.backend === 'native');
    const gpu = results.find((r) => r.case === spec.id && r.backend === 'webgpu');
    if (!nat && !gpu) continue;
    const unit = (nat ?? gpu)!.target.unit;
    const cell = (r?: SeedResult) => (r ? `${fmtValue(r.headline.value, unit)}${r.pass ? '' : ' (miss)'}` : '—').padEnd(22);
    let ratio = '';
    if (nat && gpu && unit !== '%') ratio = `WebGPU takes ${(gpu.headline.value / nat.headline.value).toPrecision(3)}× the native time`;
    lines.push(`  ${spec.id.padEnd(12)}${cell(nat)}${cell(gpu)}${ratio}`);
  }
  return lines;
}

export async function runBenchSeed(opts: BenchSeedOptions): Promise<number> {
  const ids = opts.case ?? SEED_CASES.map((c) => c.id);
  const progress = makeProgress(ids.length * seedBackends(opts).length, !opts.json);
  const report = await benchSeed(opts, (label) => progress.step(label));
  progress.stop();
  process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatSeedResults(report));
  return 0;
}
