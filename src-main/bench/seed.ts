// `quench bench seed`: the seed suite of ../shared/design/BENCHMARKS.md.
// Every case prints its parameters, the seed document's figure or target,
// Quench's figure (median and spread), the ratio, the goal and pass/miss,
// and the correctness checks that make the figure count. Nothing is rounded
// into a pass.
import type { RunResult } from '../../src-shared/results';
import { collectInfo } from '../cli/info';
import { UsageError } from '../cli/errors';
import { makeProgress } from './progress';
import { SEED_CASES, type CaseOutcome, type SeedCase } from './seed-cases';

export interface BenchSeedOptions {
  json?: boolean;
  case?: string[];
  quick?: boolean;
  threads?: number;
  precision?: 'f64' | 'f32';
}

export interface SeedResult {
  case: string;
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

export async function benchSeed(opts: BenchSeedOptions, onStep?: (label: string) => void): Promise<SeedResult[]> {
  const ids = opts.case ?? SEED_CASES.map((c) => c.id);
  const unknown = ids.filter((id) => !SEED_CASES.some((c) => c.id === id));
  if (unknown.length) throw new UsageError(`unknown case(s) ${unknown.join(', ')}; cases: ${SEED_CASES.map((c) => c.id).join(', ')}`);
  const results: SeedResult[] = [];
  for (const c of SEED_CASES.filter((c) => ids.includes(c.id))) {
    onStep?.(c.id);
    const out = await c.run({ quick: !!opts.quick, threads: opts.threads, precision: opts.precision });
    results.push({
      case: c.id,
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
  for (const r of results) {
    const spec = c.find((x) => x.id === r.case)!;
    const h = r.headline;
    lines.push('');
    lines.push(`■ ${r.case} — ${spec.title}`);
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
    lines.push(`  Quench   ${fmtValue(h.value, r.target.unit)} [${fmtValue(h.min, '')}– ${fmtValue(h.max, r.target.unit)}] (${h.label})${ratio}`);
    for (const check of r.checks) lines.push(`  ${check.pass ? 'pass' : 'MISS'}     ${check.name}: ${check.detail}`);
    for (const extra of spec.extraLines?.(r) ?? []) lines.push(`  ${extra}`);
  }
  const missed = results.filter((r) => !r.pass).map((r) => r.case);
  lines.push('');
  lines.push(missed.length ? `${results.length - missed.length} of ${results.length} cases met every goal; missed: ${missed.join(', ')}` : `all ${results.length} cases met every goal`);
  return lines.join('\n') + '\n';
}

export async function runBenchSeed(opts: BenchSeedOptions): Promise<number> {
  const ids = opts.case ?? SEED_CASES.map((c) => c.id);
  const progress = makeProgress(ids.length, !opts.json);
  const results = await benchSeed(opts, (label) => progress.step(label));
  progress.stop();
  process.stdout.write(opts.json ? JSON.stringify(results, null, 2) + '\n' : formatSeedResults(results));
  return 0;
}
