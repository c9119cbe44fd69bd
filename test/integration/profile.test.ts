// `quench profile`: one experiment's phases on a timeline, the engine's
// kernels by kind (with their SIMD share), memory, thread scaling and
// bottlenecks that cite measured numbers — headless, as JSON and as HTML.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const quench = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/quench.js'), ...args], { encoding: 'utf8', cwd: root });

let dir: string, file: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-profile-'));
  file = path.join(dir, 'p.quench.json');
  const settings = { backend: 'native-avx2', precision: 'f64', threads: 0 };
  fs.writeFileSync(file, JSON.stringify({
    format: 'quench-project', version: 2, name: 'profile test',
    experiments: [
      { id: 'vqe', kind: 'vqe', name: 'VQE', params: { qubits: 6, layers: 2, iterations: 15 }, settings },
      { id: 'gan', kind: 'qgan-train', name: 'GAN', params: { epochs: 1, stepsPerEpoch: 3, batch: 8 }, settings },
    ],
    runs: [], sweeps: [], benchmarks: [],
  }));
});

interface Profile {
  wallMs: number;
  phases: { phase: string; ms: number; share: number }[];
  timeline: { phase: string; start: number; end: number }[];
  kernels: { kind: string; ms: number; calls: number; vectorShare: number }[];
  simdShare: number | null;
  memory: { engine: { peakBytes: number; allocations: number }; rss: [number, number][]; rssPeakBytes: number };
  scaling: { threads: number; median: number; speedup: number; efficiency: number }[];
  parallel: { threads: number; kernelMs: number; wallMs: number; kernelShare: number | null; efficiency: number | null };
  trials: { name: string; median: number; ciLow: number; ciHigh: number; verdict: string }[];
  overhead: { ratio: number; perCallNs: number; estimatedShare: number } | null;
  bottlenecks: { title: string; evidence: string; recommendation: string }[];
  headline: { metric: string };
}

describe('quench profile', () => {
  it('profiles a VQE: timeline, kernels, memory, scaling, trials and bottlenecks with their numbers; and writes the HTML report', () => {
    const html = path.join(dir, 'vqe.html');
    const r = quench('profile', file, '--experiment', 'vqe', '--json', '--html', html);
    expect(r.status, r.stderr).toBe(0);
    const p: Profile = JSON.parse(r.stdout);
    expect(p.headline.metric).toBe('ms_per_iteration');
    // The named phases are disjoint stretches of the run, so they fit in its wall time, and
    // 'other' is exactly the rest; the timeline lies within the run.
    const named = p.phases.filter((x) => x.phase !== 'other').reduce((a, x) => a + x.ms, 0);
    expect(named).toBeLessThanOrEqual(p.wallMs * (1 + 1e-9));
    expect(p.phases.at(-1)).toMatchObject({ phase: 'other' });
    expect(p.phases.at(-1)!.ms).toBeCloseTo(p.wallMs - named, 6);
    expect(p.phases.map((x) => x.phase)).toEqual(expect.arrayContaining(['compile', 'simulate', 'optimizer']));
    expect(new Set(p.timeline.map((t) => t.phase))).toEqual(new Set(['compile', 'simulate', 'optimizer', 'classical']));
    expect(p.timeline.length).toBeGreaterThan(2);
    for (const ev of p.timeline) {
      expect(ev.start).toBeGreaterThanOrEqual(0);
      expect(ev.end).toBeGreaterThanOrEqual(ev.start);
      expect(ev.end).toBeLessThanOrEqual(p.wallMs + 1);
    }
    // The engine counted its kernels; an adjoint gradient applies dense and fused gates and measures expectations.
    expect(p.kernels.length).toBeGreaterThan(0);
    expect(p.kernels.every((k) => k.calls > 0 && k.ms >= 0 && k.vectorShare >= 0 && k.vectorShare <= 1)).toBe(true);
    expect(p.simdShare).not.toBeNull();
    expect(p.memory.engine.allocations).toBeGreaterThan(0);
    expect(p.memory.engine.peakBytes).toBeGreaterThanOrEqual(16 * 2 ** 6); // one 6-qubit f64 state at least
    expect(p.memory.rss.length).toBeGreaterThan(1);
    // Trials: the baseline, thread counts from 1, precision and fusion, each with a CI.
    expect(p.trials[0].name).toBe('baseline');
    expect(p.trials.map((t) => t.name)).toEqual(expect.arrayContaining(['precision f32', 'fusion 0']));
    for (const t of p.trials) expect(t.ciLow).toBeLessThanOrEqual(t.median);
    expect(p.scaling[0].threads).toBe(1);
    expect(p.scaling[0].speedup).toBeCloseTo(1, 12);
    // Parallel efficiency is the scaling trial's at the configured threads (the kernels' timers
    // run on the calling thread, so their sum is wall time, not CPU time over threads).
    const at = p.scaling.find((s) => s.threads === p.parallel.threads);
    expect(p.parallel.efficiency).toBe(p.parallel.threads > 1 && at ? at.efficiency : null);
    expect(p.parallel.kernelShare).toBeGreaterThan(0);
    expect(p.parallel.kernelShare).toBeLessThanOrEqual(1);
    expect(p.parallel.kernelMs).toBeCloseTo(p.kernels.reduce((a, k) => a + k.ms, 0), 6);
    expect(p.overhead!.ratio).toBeGreaterThan(0);
    expect(p.overhead!.perCallNs).toBeGreaterThan(0);
    expect(p.overhead!.estimatedShare).toBeGreaterThanOrEqual(0);
    // Every bottleneck cites a measured number.
    expect(p.bottlenecks.length).toBeGreaterThan(0);
    for (const b of p.bottlenecks) expect(b.evidence).toMatch(/\d/);
    const page = fs.readFileSync(html, 'utf8');
    expect(page).toContain('id="chart-timeline"');
    expect(page).toContain('id="chart-kernels"');
    expect(page).toMatch(/echarts/);
  }, 300_000);

  it('profiles the CV GAN training without trials: Fock kernels and the decoder/classical phases', () => {
    const r = quench('profile', file, '--experiment', 'gan', '--json', '--no-trials');
    expect(r.status, r.stderr).toBe(0);
    const p: Profile = JSON.parse(r.stdout);
    expect(p.kernels.map((k) => k.kind)).toContain('Fock');
    expect(new Set(p.timeline.map((t) => t.phase))).toEqual(new Set(['quantum', 'decoder', 'classical']));
    expect(p.trials).toEqual([]);
    // memory sampled by the engine's own thread (the generator's calls are synchronous), from the start to the end
    expect(p.memory.rss.length).toBeGreaterThan(2);
    expect(p.memory.rss[0][0]).toBeLessThan(5);
    expect(p.memory.rss.at(-1)![0]).toBeGreaterThan(p.wallMs * 0.5);
    expect(Math.max(...p.memory.rss.map(([, b]) => b))).toBe(p.memory.rssPeakBytes);
  }, 300_000);

  it('says which experiment is missing, with exit code 2', () => {
    const r = quench('profile', file, '--experiment', 'nope');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/has no experiment 'nope' \(it has: vqe, gan\)/);
  });
});
