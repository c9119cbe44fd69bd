// Runs from different CPUs are never pooled into one statistic: the Compare
// statistics group them apart, and a sweep point measured on two CPUs shows
// the latest run's CPU and says what it left out.
import { describe, expect, it } from 'vitest';
import type { Run, Sweep } from '../../src-shared/project/schema';
import { groupByMachine, machineLabel } from '../../src-shared/analysis/machines';
import { compareRunGroups, groupRuns } from '../../src-shared/analysis/run-statistics';
import { sweepMachines, sweepRows } from '../../src-shared/analysis/sweeps';

const run = (id: string, cpu: string, ms: number, extra: Partial<Run> = {}, host?: string): Run => ({
  id, experimentId: 'qgan', startedAt: `2026-01-01T00:00:0${id.length % 10}.000Z`, durationMs: 1, status: 'completed', settings: { backend: 'native-avx2', precision: 'f64', threads: 0 },
  result: {
    kind: 'qgan', params: {}, quality: {}, curves: {}, phases: {}, details: {},
    metrics: { us_per_sample_batch32: ms },
    env: { quench: '0', cpu, logicalCores: 2, isa: 'avx2', precision: 'f64', threads: 2, backend: 'native-avx2', node: '20', platform: 'linux', ...(host ? { host } : {}) },
  },
  ...extra,
});

describe('runs by machine', () => {
  it('groups by CPU model and names the nodes', () => {
    const g = groupByMachine([run('a', 'Xeon', 1, {}, 'n1'), run('b', 'EPYC', 2, {}, 'n7'), run('c', 'Xeon', 1, {}, 'n2')]);
    expect(g.map((x) => [x.machine, x.hosts, x.runs.length])).toEqual([['Xeon', ['n1', 'n2'], 2], ['EPYC', ['n7'], 1]]);
    expect(machineLabel(g[0])).toBe('Xeon (n1, n2)');
  });

  it('never pools one configuration measured on two CPUs into one group', () => {
    const xeon = [1.0, 1.02, 0.98].map((v, i) => run(`x${i}`, 'Xeon', v, {}, `n${i}`));
    const epyc = [2.0, 2.02, 1.98].map((v, i) => run(`e${i}`, 'EPYC', v, {}, 'm1'));
    const groups = groupRuns([...xeon, ...epyc]);
    expect(groups).toHaveLength(2);
    expect(groups.map((g) => g.runIds.length)).toEqual([3, 3]);
    expect(groups[1].label).toMatch(/on EPYC \(m1\)$/);
    expect(compareRunGroups([...xeon, ...epyc]).comparisons[0].ratio).toBeCloseTo(2, 1);
    // one machine: labels as before, without it
    expect(groupRuns(xeon)[0].label).not.toMatch(/ on /);
  });

  it("shows a sweep point measured on two CPUs by its latest run's CPU, saying what it left out", () => {
    const sweep: Sweep = { id: 's', experimentId: 'qgan', name: 's', createdAt: '2026-01-01T00:00:00.000Z', grid: { cutoff: [3] }, runIds: ['old', 'newer'] };
    const runs = [run('old', 'Xeon', 100, { overrides: { cutoff: 3 }, startedAt: '2026-01-01T00:00:00.000Z' }), run('newer', 'EPYC', 10, { overrides: { cutoff: 3 }, startedAt: '2026-01-02T00:00:00.000Z' }, 'm1')];
    const [row] = sweepRows(sweep, new Map(runs.map((r) => [r.id, r])), { speed: 'us_per_sample_batch32', quality: null });
    expect(row.speed).toBe(10);
    expect(row.otherMachines).toMatch(/1 run\(s\) on other CPUs left out \(Xeon\)/);
    expect(sweepMachines(sweep, new Map(runs.map((r) => [r.id, r])))).toEqual(['Xeon', 'EPYC (m1)']);
  });
});
