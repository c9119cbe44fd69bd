// Long circuits through the addon: compile + run memory is linear in the gate
// count. A long run of gates on the same qubits used to take O(n^2) memory in
// the fuser (20,000 gates: 1.8 GB; 10^5: out of memory). Each size is measured
// in its own Node process (peak RSS), and only the shape of the growth is
// asserted, with slack for noise: no timings.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAddon, packageRoot } from '../../src-main/native/addon';

loadAddon(); // fails with the loader's message when the addon is not built
const addonFile = process.env.QUENCH_NATIVE ?? path.join(packageRoot(), 'native', 'build', 'Release', 'quench_native.node');
const child = path.join(__dirname, '..', 'fixtures', 'long-circuit-child.cjs');

interface Measure {
  n: number;
  passes: number;
  norm: number;
  maxRssKb: number;
}
function measure(n: number, fusion: number): Measure {
  const r = spawnSync(process.execPath, [child, addonFile, String(n), String(fusion)], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`child for ${n} gates failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as Measure;
}

describe('long circuits', () => {
  it('compile and run in memory linear in the gate count (10^5 and 2x10^5 gates, fusion 4)', () => {
    const base = measure(0, 4);
    const m1 = measure(100_000, 4);
    const m2 = measure(200_000, 4);
    for (const m of [m1, m2]) {
      expect(m.passes).toBe(1); // every gate acts on qubits 0..1: one fused block
      expect(m.norm).toBeCloseTo(1, 9);
    }
    const g1 = Math.max(m1.maxRssKb - base.maxRssKb, 1);
    const g2 = m2.maxRssKb - m1.maxRssKb;
    // Linear: g2 ≈ g1; quadratic: g2 ≈ 3·g1 (4x the total). Slack for GC timing.
    expect(g2, `peak RSS ${base.maxRssKb} / ${m1.maxRssKb} / ${m2.maxRssKb} KB at 0 / 1e5 / 2e5 gates`).toBeLessThan(3 * g1);
    // And far below what the quadratic fuser took (10^5 gates: tens of GB).
    expect(m2.maxRssKb - base.maxRssKb).toBeLessThan(2 * 1024 * 1024);
  }, 300_000);
});
