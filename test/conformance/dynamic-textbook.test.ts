// Textbook dynamic circuits (teleportation with feed-forward, repeat until
// success, active reset, a mid-circuit measurement) against a published
// simulator: Qiskit Aer's counts for the same files, recorded by
// test/fixtures/dynamic/generate_aer.py (1,000,000 shots each).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateProgram } from '../../src-shared/backend/dynamic-runner';
import { ReferenceBackend } from '../../src-shared/backend/reference-backend';
import { parseQasm } from '../../src-shared/qasm';
import { NativeBackend } from '../../src-main/backend/native-backend';
import { totalVariation } from './dynamic-cases';

const dir = path.resolve(__dirname, '../fixtures/dynamic');
const aer = JSON.parse(fs.readFileSync(path.join(dir, 'aer-counts.json'), 'utf8')) as { shots: number; circuits: Record<string, Record<string, number>> };
const FILES = Object.keys(aer.circuits);

describe.each([
  { name: 'native', backend: new NativeBackend() },
  { name: 'reference', backend: new ReferenceBackend() },
])('textbook dynamic circuits vs Qiskit Aer: $name', ({ backend }) => {
  it.each(FILES)('%s: exact outcome probabilities agree with Aer’s frequencies', async (file) => {
    const program = parseQasm(fs.readFileSync(path.join(dir, file), 'utf8'), file);
    const r = await simulateProgram(backend, program, { outcomeProbabilities: true });
    const freq = aer.circuits[file];
    for (const k of new Set([...Object.keys(freq), ...Object.keys(r.outcomeProbabilities!)])) {
      const p = r.outcomeProbabilities![k] ?? 0;
      // Five standard deviations of a frequency over a million shots.
      expect(Math.abs((freq[k] ?? 0) / aer.shots - p), `${file} ${k}`).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / aer.shots) + 1e-9);
    }
  });

  it.each(FILES)('%s: sampled counts look like Aer’s', async (file) => {
    const program = parseQasm(fs.readFileSync(path.join(dir, file), 'utf8'), file);
    const r = await simulateProgram(backend, program, { shots: 100_000, seed: 3 });
    const freq = Object.fromEntries(Object.entries(aer.circuits[file]).map(([k, v]) => [k, v / aer.shots]));
    expect(totalVariation(r.counts!, freq)).toBeLessThan(0.01);
  });
});

describe('textbook dynamic circuits: what they compute', () => {
  const native = new NativeBackend();
  const run = async (file: string, req: Parameters<typeof simulateProgram>[2]) =>
    simulateProgram(native, parseQasm(fs.readFileSync(path.join(dir, file), 'utf8'), file), req);

  it('teleportation moves ry(1.1)rz(0.4)|0⟩ to q[2] whatever the Bell outcomes', async () => {
    const r = await run('teleport.qasm', { outcomeProbabilities: true, probabilities: true });
    const pOut1 = Object.entries(r.outcomeProbabilities!).filter(([k]) => k.startsWith('1')).reduce((a, [, v]) => a + v, 0);
    expect(pOut1).toBeCloseTo(Math.sin(0.55) ** 2, 12);
    // Each Bell outcome equally likely.
    for (const bell of ['0 0', '0 1', '1 0', '1 1'])
      expect((r.outcomeProbabilities![`0 ${bell}`] ?? 0) + (r.outcomeProbabilities![`1 ${bell}`] ?? 0)).toBeCloseTo(0.25, 12);
  });

  it('a measurement in the middle of h·h gives 50/50, not |0⟩', async () => {
    const r = await run('mid-measure.qasm', { probabilities: true, shots: 10_000, seed: 1 });
    expect(Array.from(r.probabilities!).map((p) => +p.toFixed(12))).toEqual([0.5, 0.5]);
    expect(r.counts!['0']).toBeGreaterThan(4700);
    expect(r.counts!['1']).toBeGreaterThan(4700);
  });

  it('active reset leaves the reset qubits in |0⟩ before they are reused', async () => {
    const r = await run('active-reset.qasm', { outcomeProbabilities: true });
    // c = q2 q1 q0 after reuse: q1 was reset and never touched again.
    for (const k of Object.keys(r.outcomeProbabilities!)) expect(k.split(' ')[0][1], k).toBe('0');
  });
});
