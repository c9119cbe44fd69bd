// Backends and configurations compared by the same statistics as validations:
// the picked runs are grouped by experiment and configuration (backend,
// precision, threads, fusion, parameter overrides); each other group is
// compared with the first on every timing metric they share. Groups of
// repeated runs get Welch's t-test on log times (a ratio of geometric means
// with its CI, Holm-adjusted over the metrics); single runs are compared by
// their own repeats' 95% CIs of the median (apart or overlapping). Runs on
// different CPUs are different groups, never pooled (./machines.ts).
import type { Run } from '../project/schema';
import { groupByMachine, machineLabel, runMachine } from './machines';
import { isSpreadCompanion, metricTimeUnit } from './metrics';
import { formatP, holm, ratioTest } from '../ml/statistics';

export interface RunGroup {
  key: string;
  label: string;
  runIds: string[];
}

export interface GroupComparison {
  metric: string;
  /** The group compared with the first (the baseline). */
  group: string;
  method: 'welch' | 'ci-overlap';
  /** group ÷ baseline: < 1 means the group is faster. */
  ratio: number;
  ciLow?: number;
  ciHigh?: number;
  p?: number;
  pAdjusted?: number;
  significant: boolean;
  n: [number, number];
  verdict: string;
}

const configKey = (r: Run) => {
  const env = r.result?.env;
  const over = r.overrides ? Object.entries(r.overrides).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ') : '';
  const fusion = r.settings.fusion !== undefined ? ` fusion ${r.settings.fusion}` : '';
  return `${r.experimentId}${over ? ` ${over}` : ''} · ${env?.backend ?? r.settings.backend} ${env?.precision ?? r.settings.precision} · ${env?.threads ?? r.settings.threads} thread(s)${fusion}`;
};

/** The picked runs by configuration and machine, in the order first seen (the first is the baseline). */
export function groupRuns(runs: Run[]): RunGroup[] {
  const done = runs.filter((x) => x.status === 'completed' && x.result);
  const machines = groupByMachine(done);
  const groups = new Map<string, RunGroup>();
  for (const r of done) {
    const config = configKey(r);
    const key = `${config} · ${runMachine(r)}`;
    // The machine is named only when the picked runs come from more than one.
    const label = machines.length > 1 ? `${config} · on ${machineLabel(machines.find((m) => m.machine === runMachine(r))!)}` : config;
    const g = groups.get(key) ?? { key, label, runIds: [] };
    g.runIds.push(r.id);
    groups.set(key, g);
  }
  return [...groups.values()];
}

const fmt = (v: number) => String(Number(v.toPrecision(3)));
const times = (r: number) => `${fmt(r >= 1 ? r : 1 / r)}×`;

/** Every other group against the first, on the timing metrics both have. */
export function compareRunGroups(runs: Run[], alpha = 0.05): { groups: RunGroup[]; comparisons: GroupComparison[] } {
  const groups = groupRuns(runs);
  if (groups.length < 2) return { groups, comparisons: [] };
  const byId = new Map(runs.map((r) => [r.id, r]));
  const values = (g: RunGroup, metric: string) => g.runIds.map((id) => byId.get(id)!.result!.metrics[metric]).filter((v): v is number => typeof v === 'number' && v > 0);
  const timing = (g: RunGroup) => new Set(g.runIds.flatMap((id) => Object.keys(byId.get(id)!.result!.metrics)).filter((k) => !isSpreadCompanion(k) && metricTimeUnit(k) !== null));
  const [base, ...others] = groups;
  const comparisons: GroupComparison[] = [];
  for (const g of others) {
    const shared = [...timing(base)].filter((k) => timing(g).has(k));
    const rows: GroupComparison[] = [];
    for (const metric of shared) {
      const a = values(g, metric), b = values(base, metric);
      if (!a.length || !b.length) continue;
      if (a.length >= 2 && b.length >= 2) {
        const t = ratioTest(a, b, false, alpha);
        rows.push({ metric, group: g.label, method: 'welch', ratio: t.ratio, ciLow: t.ciLow, ciHigh: t.ciHigh, p: t.p, significant: false, n: [a.length, b.length], verdict: '' });
      } else {
        // One run a side: each run's own repeats give its median a 95% CI.
        const ci = (g2: RunGroup) => {
          const r = byId.get(g2.runIds[0])!.result!.metrics;
          return [r[`${metric}_ci_lo`], r[`${metric}_ci_hi`]] as const;
        };
        const [alo, ahi] = ci(g), [blo, bhi] = ci(base);
        const known = [alo, ahi, blo, bhi].every((v) => typeof v === 'number');
        const apart = known && (alo! > bhi! || ahi! < blo!);
        const ratio = a[0] / b[0];
        rows.push({ metric, group: g.label, method: 'ci-overlap', ratio, significant: apart, n: [a.length, b.length], verdict: '' });
      }
    }
    const welch = rows.filter((r) => r.method === 'welch');
    holm(welch.map((r) => r.p!)).forEach((p, i) => {
      welch[i].pAdjusted = p;
      welch[i].significant = p < alpha;
    });
    for (const r of rows) r.verdict = verdictOf(r, rows.filter((x) => x.method === 'welch').length);
    comparisons.push(...rows);
  }
  return { groups, comparisons };
}

function verdictOf(r: GroupComparison, family: number): string {
  const who = r.ratio < 1 ? 'faster' : 'slower';
  if (r.method === 'welch') {
    const p = `${formatP(r.pAdjusted!)}${family > 1 ? ' Holm-adjusted' : ''}, Welch, n = ${r.n[0]} vs ${r.n[1]}`;
    return r.significant
      ? `${times(r.ratio)} ${who} than the baseline (95% CI ${fmt(r.ciLow!)}–${fmt(r.ciHigh!)}; ${p})`
      : `no significant difference (ratio ${fmt(r.ratio)}, 95% CI ${fmt(r.ciLow!)}–${fmt(r.ciHigh!)}; ${p})`;
  }
  return r.significant
    ? `${times(r.ratio)} ${who} than the baseline (one run each: their medians' 95% CIs are apart; repeat the runs for a test)`
    : `ratio ${fmt(r.ratio)}, within noise or not measurable (one run each: their medians' 95% CIs overlap or are absent; repeat the runs for a test)`;
}
