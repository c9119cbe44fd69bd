// Project files: validation names the bad field, migration refuses the future,
// saves are atomic, `quench run` stores runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProject, serializeProject } from '../../src-shared/project/schema';
import { loadProject, saveProjectAtomic } from '../../src-main/project/store';
import { makeMoons } from '../../src-shared/ml/datasets';

const root = path.resolve(__dirname, '../..');
const example = path.join(root, 'examples/seed-suite.quench.json');

describe('project files', () => {
  it('reads the example project with defaults filled in', () => {
    const p = loadProject(example);
    expect(p.experiments.map((e) => e.kind)).toContain('qgan');
    expect(p.experiments[0].settings.threads).toBe(0);
    expect(parseProject(serializeProject(p))).toEqual(p);
  });

  it('names the path of a bad field', () => {
    const p = JSON.parse(fs.readFileSync(example, 'utf8'));
    p.experiments[2].params.nodes = 'twenty';
    expect(() => parseProject(JSON.stringify(p), 'x.quench.json')).toThrow(/x\.quench\.json: experiments\[2\]\.params\.nodes/);
    p.experiments[2].params.nodes = 20;
    p.experiments[2].params.node = 20;
    expect(() => parseProject(JSON.stringify(p))).toThrow(/experiments\[2\]\.params.*node/);
    delete p.experiments[2].params.node;
    p.experiments[1].id = 'vqe';
    expect(() => parseProject(JSON.stringify(p))).toThrow(/duplicate experiment id 'vqe'/);
    expect(() => parseProject('{"format":"quench-project","version":99}')).toThrow(/newer Quench/);
    expect(() => parseProject('{not json')).toThrow(/not valid JSON/);
    expect(() => parseProject('[]')).toThrow(/JSON object/);
  });

  it('reads benchmarks written before the backend field as native, and keeps a WebGPU one with its adapter and timing', () => {
    const p = JSON.parse(fs.readFileSync(example, 'utf8'));
    const kernel = { kind: '1q', qubits: 10, precision: 'f32', threads: 0, targets: [[0]], msPerGate: { median: 0.4, min: 0.3, max: 0.5 }, gbPerS: 0.04, inplaceGbPerS: 11.5, fractionOfInplace: 0.0035 };
    const report = { env: { cpu: { model: 'X' } }, results: [kernel], brickwork: { qubits: 10, layers: 20, gates: 290, passes: { fusion0: 290 }, msPerLayer: { fusion0: 1.3 } }, skipped: [] };
    p.benchmarks = [
      // as version-2 files have them: no backend
      { id: 'old', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 5, status: 'completed', options: { qubits: [16], precision: ['f64'], threads: [1], repeats: 3, isa: 'auto' }, result: report },
      {
        id: 'gpu', startedAt: '2026-01-02T00:00:00.000Z', durationMs: 5, status: 'completed', options: { backend: 'webgpu', qubits: [10], precision: ['f32'], threads: [0], repeats: 1, isa: 'auto' },
        result: { ...report, env: { cpu: { model: 'X' }, backend: 'webgpu', adapter: 'google · swiftshader', timing: 'wall-clock' }, results: [{ ...kernel, timing: 'wall-clock' }] },
      },
    ];
    const parsed = parseProject(JSON.stringify(p));
    expect(parsed.benchmarks[0].options).toEqual({ backend: 'native', qubits: [16], precision: ['f64'], threads: [1], repeats: 3, isa: 'auto' });
    expect(parsed.benchmarks[1].options.backend).toBe('webgpu');
    expect(parsed.benchmarks[1].result!.results[0].timing).toBe('wall-clock');
    expect(parsed.benchmarks[1].result!.env.adapter).toBe('google · swiftshader');
    expect(parseProject(serializeProject(parsed))).toEqual(parsed);
    // version 1 files still migrate (no benchmarks then)
    expect(parseProject(JSON.stringify({ ...p, version: 1, sweeps: undefined, benchmarks: undefined })).benchmarks).toEqual([]);
    p.benchmarks[1].options.backend = 'cuda';
    expect(() => parseProject(JSON.stringify(p), 'x.quench.json')).toThrow(/x\.quench\.json: benchmarks\[1\]\.options\.backend/);
  });

  it('saves atomically and leaves no temp files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-'));
    const file = path.join(dir, 'p.quench.json');
    const p = loadProject(example);
    saveProjectAtomic(file, p);
    saveProjectAtomic(file, { ...p, name: 'renamed' });
    expect(loadProject(file).name).toBe('renamed');
    expect(fs.readdirSync(dir)).toEqual(['p.quench.json']);
  });

  it('quench run executes experiments and stores the runs in the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-'));
    const file = path.join(dir, 'seed.quench.json');
    fs.copyFileSync(example, file);
    const r = spawnSync(process.execPath, [path.join(root, 'bin/quench.js'), 'run', file, '--experiment', 'bell', '--experiment', 'qgan-train', '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const runs = JSON.parse(r.stdout);
    expect(runs.map((x: { status: string }) => x.status)).toEqual(['completed', 'completed']);
    const stored = loadProject(file);
    expect(stored.runs).toHaveLength(2);
    expect(stored.runs[0].result!.quality.expectation_0).toBeCloseTo(1, 10);
    expect(stored.runs[1].result!.metrics.s_total).toBeGreaterThan(0);
    const bad = spawnSync(process.execPath, [path.join(root, 'bin/quench.js'), 'run', file, '--experiment', 'nope'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/no experiment 'nope'/);
  });

  it('quench run --no-save prints the runs and leaves the file byte-identical (nothing else written beside it)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-'));
    const file = path.join(dir, 'seed.quench.json');
    fs.copyFileSync(example, file);
    const before = fs.readFileSync(file);
    const mtime = fs.statSync(file).mtimeMs;
    const r = spawnSync(process.execPath, [path.join(root, 'bin/quench.js'), 'run', file, '--experiment', 'bell', '--json', '--no-save'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const runs = JSON.parse(r.stdout);
    expect(runs.map((x: { status: string }) => x.status)).toEqual(['completed']);
    expect(runs[0].result.quality.expectation_0).toBeCloseTo(1, 10);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
    expect(fs.readdirSync(dir)).toEqual(['seed.quench.json']); // no lock file, no temp file
    // the text summary too
    const text = spawnSync(process.execPath, [path.join(root, 'bin/quench.js'), 'run', file, '--experiment', 'bell', '--no-save'], { encoding: 'utf8' });
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^bell:$/m);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('quench run prints each run\'s key figures in words, with their units', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'bin/quench.js'), 'run', example, '--experiment', 'bell', '--no-save'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('bell:');
    expect(lines[1]).toMatch(/^ {2}Simulation time +[\d.]+ (ns|µs|ms|s)\b/);
    expect(lines[2]).toMatch(/^ {2}⟨Z₀Z₁⟩ +1\.0000$/);
    expect(r.stdout).not.toMatch(/ms_simulate|expectation_0/);
  });

  it('runs a classifier on a CSV dataset given relative to the project file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-'));
    const ds = makeMoons({ n: 240, noise: 0.1, seed: 3 });
    const rows = ['x1,x2,label'];
    for (let i = 0; i < ds.numSamples; i++) rows.push(`${ds.features[2 * i]},${ds.features[2 * i + 1]},${ds.labels[i] ? 'b' : 'a'}`);
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data/moons.csv'), rows.join('\n'));
    const project = {
      format: 'quench-project', version: 1, name: 'csv',
      experiments: [{ id: 'k', name: 'QSVM on CSV', kind: 'qsvm', params: { csv: 'data/moons.csv', labelColumn: 'label', features: 2, train: 160, test: 60 } }],
    };
    const file = path.join(dir, 'csv.quench.json');
    fs.writeFileSync(file, JSON.stringify(project));
    const r = spawnSync(process.execPath, [path.join(root, 'bin/quench.js'), 'run', file, '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [run] = JSON.parse(r.stdout);
    expect(run.status).toBe('completed');
    expect(run.result.params.dataset).toBe('moons.csv');
    expect(run.result.quality.test_accuracy).toBeGreaterThan(0.8);
    fs.writeFileSync(path.join(dir, 'data/moons.csv'), rows.join('\n') + '\n1.0,oops,a\n');
    const bad = spawnSync(process.execPath, [path.join(root, 'bin/quench.js'), 'run', file, '--json', '--no-save'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)[0].error).toMatch(/row 242, column 'x2'/);
  });
});
