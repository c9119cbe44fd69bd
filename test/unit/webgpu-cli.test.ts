// `quench simulate --backend webgpu` and `quench bench gates --backend webgpu`,
// through the command functions in-process (the CLI bundle is not rebuilt here).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lower } from '../../src-shared/circuit/lower';
import { ReferenceState } from '../../src-shared/backend/reference';
import { parsePauliSum } from '../../src-shared/observable/pauli';
import { GatesReport } from '../../src-shared/project/schema';
import { parseQasm } from '../../src-shared/qasm';
import { quench } from './cli-in-process';
import { createNodeWebGpuBackend } from '../../src-main/backend/webgpu-node';
import { overReferenceProblem } from '../../src-main/bench/gates';


const fixture = (name: string) => path.join(__dirname, '../fixtures', name);

let unavailable: string | null = null;
try {
  (await createNodeWebGpuBackend()).dispose();
} catch (e) {
  unavailable = (e as Error).message;
  console.warn(`WebGPU CLI tests skipped: ${unavailable}`);
} finally {
}

describe('bench gates: over 100% of the reference', () => {
  it('is one measurement problem note for both backends, with the reference and its instability', () => {
    expect(overReferenceProblem(0.97, 500)).toBeUndefined();
    expect(overReferenceProblem(1, 500)).toBeUndefined();
    expect(overReferenceProblem(4.2, 812.34)).toBe('420% of a reference no kernel can beat: the reference (812.3 GB/s) or this figure was disturbed');
    expect(overReferenceProblem(1.1, 40, { where: 'out of cache', unstable: ['95% CI of the median ±12% (over ±10%)'] }))
      .toBe('110% of a reference no kernel can beat out of cache: the reference (40.0 GB/s, 95% CI of the median ±12% (over ±10%)) or this figure was disturbed');
  });
  it('is no problem within the reference\'s 95% CI, and a problem above it', () => {
    // 102% of 68 GB/s = 69.4 GB/s, inside a CI that reaches 71 GB/s: the reference's own speed.
    expect(overReferenceProblem(1.02, 68, { ciHigh: 71 })).toBeUndefined();
    expect(overReferenceProblem(1.06, 68, { ciHigh: 71 })).toBe('106% of a reference no kernel can beat: the reference (68.0 GB/s, its 95% CI up to 71.0) or this figure was disturbed');
  });
});

describe.skipIf(unavailable !== null)('quench --backend webgpu', () => {
  it('simulate --json prints what the native backend prints, to f32 accuracy', async () => {
    const obs = ['0.5*Z0*Z1 - 0.3*X2', 'Y1'];
    for (const file of ['bell.qasm', 'ghz-custom.qasm']) {
      const args = ['simulate', fixture(file), '--json', '--observable', obs[0], '--observable', obs[1], '--shots', '1000', '--seed', '7'];
      const gpu = await quench(...args, '--backend', 'webgpu');
      expect(gpu.code, gpu.stderr).toBe(0);
      const native = await quench(...args);
      expect(native.code, native.stderr).toBe(0);
      const a = JSON.parse(gpu.stdout), b = JSON.parse(native.stdout);
      expect(Object.keys(a)).toEqual(Object.keys(b));
      expect(a.qubits).toBe(b.qubits);
      a.probabilities.forEach((p: number, i: number) => expect(Math.abs(p - b.probabilities[i])).toBeLessThan(1e-6));
      a.expectations.forEach((e: number, i: number) => expect(Math.abs(e - b.expectations[i])).toBeLessThan(1e-5));
      expect(Object.values(a.counts as Record<string, number>).reduce((x, y) => x + y, 0)).toBe(1000);
      const circuit = parseQasm(fs.readFileSync(fixture(file), 'utf8')).circuit;
      const ref = new ReferenceState(circuit.numQubits).run(lower(circuit));
      expect(Math.abs(a.expectations[0] - ref.expectation(parsePauliSum(obs[0])))).toBeLessThan(1e-5);
    }
  });

  it('simulate names the adapter and the timing in its summary; refuses f64', async () => {
    const r = await quench('simulate', fixture('bell.qasm'), '--backend', 'webgpu', '--observable', 'Z0*Z1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/backend webgpu \(.+\), f32, [\d.]+ ms simulate \((gpu-timestamps|wall-clock)\)/);
    expect(Number(/⟨Z0\*Z1⟩ = (\S+)/.exec(r.stdout)![1])).toBeCloseTo(1, 6);
    const f64 = await quench('simulate', fixture('bell.qasm'), '--backend', 'webgpu', '--precision', 'f64');
    expect(f64.code).toBe(2);
    expect(f64.stderr).toMatch(/^quench: the WebGPU backend computes in f32 \(WGSL has no f64\)/);
  });

  it("bench gates --json has the GatesReport shape, the adapter and the device's in-place bandwidth", async () => {
    const r = await quench('bench', 'gates', '--backend', 'webgpu', '--json', '--qubits', '6,10', '--repeats', '2', '--fusion', '3');
    expect(r.code, r.stderr).toBe(0);
    const raw = JSON.parse(r.stdout);
    const report = GatesReport.parse(raw);
    expect(typeof raw.env.adapter).toBe('string');
    expect(raw.env.adapter.length).toBeGreaterThan(0);
    expect(['gpu-timestamps', 'wall-clock']).toContain(raw.env.timing);
    expect(report.results.map((x) => `${x.kind}@${x.qubits}`)).toEqual(['1q@6', '2q@6', 'diagonal@6', 'fused@6', '1q@10', '2q@10', 'diagonal@10', 'fused@10']);
    for (const x of report.results) {
      expect(x.precision).toBe('f32');
      expect(x.msPerGate.median).toBeGreaterThan(0);
      expect(x.msPerGate.min).toBeLessThanOrEqual(x.msPerGate.median);
      expect(x.inplaceGbPerS).toBeGreaterThan(0);
      expect(x.fractionOfInplace).toBeCloseTo(x.gbPerS / x.inplaceGbPerS, 9);
      // the reference is timed as the kernels are: same clock, the state itself, its CI around its median
      expect(x.timing).toBe(raw.env.timing);
      expect(x.reference).toMatchObject({ bytes: 8 * 2 ** x.qubits, timing: x.timing });
      expect(x.reference!.ciLow).toBeLessThanOrEqual(x.inplaceGbPerS);
      expect(x.reference!.ciHigh).toBeGreaterThanOrEqual(x.inplaceGbPerS);
      // above the reference's 95% CI is a measurement problem, never a result
      if (x.gbPerS > x.reference!.ciHigh) expect(x.problem).toMatch(/^\d+% of a reference no kernel can beat: the reference \([\d.]+ GB\/s, its 95% CI up to [\d.]+/);
      else expect(x.problem).toBeUndefined();
    }
    // one reference per size, shared by its kernels
    for (const n of [6, 10]) expect(new Set(report.results.filter((x) => x.qubits === n).map((x) => x.inplaceGbPerS)).size).toBe(1);
    for (const oneQ of report.results.filter((x) => x.kind === '1q')) {
      expect(Number.isFinite(oneQ.fractionOfInplace)).toBe(true);
      expect(oneQ.fractionOfInplace).toBeGreaterThan(0);
    }
    expect(report.brickwork.qubits).toBe(6);
    expect(report.brickwork.passes.fusion3).toBeLessThan(report.brickwork.passes.fusion0);
  }, 120_000);
  it('bench seed runs the cases on native and WebGPU side by side, naming the adapter', async () => {
    const r = await quench('bench', 'seed', '--quick', '--case', 'qsvm', '--backend', 'native,webgpu');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/WebGPU adapter: \S.*\(f32; times are host wall-clock/);
    expect(r.stdout).toMatch(/■ qsvm on native-avx(?:2|512) — /);
    expect(r.stdout).toMatch(/■ qsvm on WebGPU — /);
    expect(r.stdout).toMatch(/Side by side[\s\S]*qsvm\s+\d[\d.]* s.*\d[\d.]* s.*WebGPU takes [\d.]+× the native time/);
    const json = await quench('bench', 'seed', '--quick', '--case', 'qsvm', '--backend', 'webgpu', '--json');
    const [gpu] = JSON.parse(json.stdout);
    expect(gpu).toMatchObject({ case: 'qsvm', backend: 'webgpu', env: { backend: 'webgpu', precision: 'f32' } });
    expect(gpu.quality.test_accuracy).toBeGreaterThan(0.8);
    const f64 = await quench('bench', 'seed', '--quick', '--case', 'qsvm', '--backend', 'webgpu', '--precision', 'f64');
    expect(f64.code).toBe(2);
    expect(f64.stderr).toMatch(/WebGPU backend computes in f32/);
  }, 240_000);
});
