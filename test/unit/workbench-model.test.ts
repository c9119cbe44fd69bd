// The pieces under the workbench API that need no engine process: argument
// checks shared by both transports, sweeps and overrides, project migration,
// and QUENCH_HOME (recent files, recovery copies).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_METHODS, ApiError, parseArgs, parseRequest } from '../../src-shared/api/contract';
import { BRIDGE_METHODS } from '../../src-shared/api/ipc';
import { parseProject, PROJECT_VERSION, serializeProject } from '../../src-shared/project/schema';
import { gridPoints, gridSize, withOverrides } from '../../src-shared/project/sweep';
import { addRecent, clearRecovery, readRecent, readRecovery, recoveryPath, writeRecovery } from '../../src-main/project/home';
import { loadProject } from '../../src-main/project/store';

const example = path.resolve(__dirname, '../../examples/seed-suite.quench.json');

describe('API arguments', () => {
  it('the Electron bridge lists exactly the methods of the contract', () => {
    expect([...BRIDGE_METHODS].sort()).toEqual([...API_METHODS].sort());
  });

  it('parses arguments, fills defaults and names the bad one with its path', () => {
    expect(parseArgs('runBenchmark', [{ qubits: [12] }]).args[0]).toMatchObject({ qubits: [12], precision: ['f32', 'f64'], repeats: 5 }); // defaults filled
    // the gates benchmark's backend: native by default; WebGPU gets its own defaults and refuses what it has not
    expect(parseArgs('runBenchmark', [{ qubits: [12] }]).args[0]).toMatchObject({ backend: 'native', threads: [1, 0], isa: 'auto' });
    expect(parseArgs('runBenchmark', [{ backend: 'webgpu', qubits: [10], repeats: 1 }]).args[0]).toEqual({ backend: 'webgpu', qubits: [10], precision: ['f32'], threads: [0], repeats: 1, isa: 'auto' });
    expect(() => parseArgs('runBenchmark', [{ backend: 'webgpu', precision: ['f32', 'f64'] }])).toThrow(/argument 'options': precision: the WebGPU backend computes in f32 only \(WGSL has no f64\)/);
    expect(() => parseArgs('runBenchmark', [{ backend: 'webgpu', threads: [4] }])).toThrow(/argument 'options': threads: the WebGPU backend has no thread count/);
    expect(() => parseArgs('runBenchmark', [{ backend: 'webgpu', isa: 'avx2' }])).toThrow(/argument 'options': isa: the WebGPU backend runs WGSL, not the CPU's avx2 kernels/);
    expect(() => parseArgs('runBenchmark', [{ backend: 'cuda' }])).toThrow(/argument 'options': backend: /);
    expect(() => parseArgs('runSweep', [{ experimentId: 'qgan', grid: { cutoff: [] } }])).toThrow(/argument 'request': grid\.cutoff: /);
    expect(() => parseArgs('runExperiment', ['vqe', { repeats: 1000 }])).toThrow(/argument 'options': repeats/);
    expect(() => parseArgs('runExperiment', ['vqe', { repeat: 2 }])).toThrow(/argument 'options': .*repeat/);
    expect(() => parseArgs('deleteRuns', [[]])).toThrow(/argument 'runIds'/);
    expect(() => parseArgs('chooseFile', ['everything'])).toThrow(/argument 'kind'/);
    expect(() => parseArgs('saveProject', [{}, 'x.json'])).toThrow(/quench\.json/);
    expect(() => parseArgs('eval', [])).toThrow(ApiError);
    expect(parseRequest({ id: 7, method: 'info', args: [] })).toEqual({ id: 7, method: 'info', args: [] });
  });
});

describe('sweeps and overrides', () => {
  const project = loadProject(example);
  const qgan = project.experiments.find((e) => e.id === 'qgan')!;

  it('expands a grid in order, first parameter slowest', () => {
    expect(gridPoints({ cutoff: [3, 4], layers: [1, 2] })).toEqual([
      { cutoff: 3, layers: 1 }, { cutoff: 3, layers: 2 }, { cutoff: 4, layers: 1 }, { cutoff: 4, layers: 2 },
    ]);
    expect(gridSize({ cutoff: [3, 4], layers: [1, 2, 3] })).toBe(6);
    expect(gridPoints({})).toEqual([]);
  });

  it('validates overrides with the experiment schema and names the parameter', () => {
    expect(withOverrides(qgan, { cutoff: 3 }).params).toMatchObject({ cutoff: 3, modes: 4 });
    expect(withOverrides(qgan, undefined)).toBe(qgan);
    expect(() => withOverrides(qgan, { cutoff: 1 })).toThrow(/params\.cutoff: .*2/);
    expect(() => withOverrides(qgan, { cutof: 3 })).toThrow(/cutof/);
    expect(() => withOverrides(qgan, { batches: [] })).toThrow(/params\.batches/);
  });
});

describe('project files, version 2', () => {
  it('migrates a version-1 file forward (sweeps and benchmarks start empty)', () => {
    const v1 = JSON.parse(fs.readFileSync(example, 'utf8'));
    v1.version = 1;
    delete v1.sweeps;
    delete v1.benchmarks;
    const p = parseProject(JSON.stringify(v1), 'old.quench.json');
    expect(p.version).toBe(PROJECT_VERSION);
    expect(p.sweeps).toEqual([]);
    expect(p.benchmarks).toEqual([]);
    expect(JSON.parse(serializeProject(p)).version).toBe(2);
  });

  it('refuses a sweep of an experiment the project does not have', () => {
    const p = JSON.parse(fs.readFileSync(example, 'utf8'));
    p.sweeps = [{ id: 's', experimentId: 'nope', name: 'x', createdAt: new Date().toISOString(), grid: { cutoff: [3] }, runIds: [] }];
    expect(() => parseProject(JSON.stringify(p))).toThrow(/sweeps\[0\]\.experimentId: no experiment with id 'nope'/);
  });
});

describe('QUENCH_HOME', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-home-'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-proj-'));

  it('keeps a recent-files list, newest first, without duplicates or missing files', () => {
    const a = path.join(dir, 'a.quench.json'), b = path.join(dir, 'b.quench.json');
    fs.copyFileSync(example, a);
    fs.copyFileSync(example, b);
    addRecent(home, a);
    addRecent(home, b);
    expect(addRecent(home, a)).toEqual([a, b]);
    fs.rmSync(b);
    expect(addRecent(home, a)).toEqual([a]);
    fs.writeFileSync(path.join(home, 'recent.json'), '{broken');
    expect(readRecent(home)).toEqual([]); // a broken list is started afresh, not fatal
  });

  it('offers a recovery copy only while it is newer than the file', () => {
    const file = path.join(dir, 'r.quench.json');
    fs.copyFileSync(example, file);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(file, old, old);
    const p = loadProject(file);
    p.name = 'Edited, not saved';
    writeRecovery(home, file, p);
    expect(readRecovery(home, file)?.project.name).toBe('Edited, not saved');
    expect(recoveryPath(home, file)).not.toBe(recoveryPath(home, null));
    fs.writeFileSync(file, fs.readFileSync(example)); // saved since (mtime now)
    const later = new Date(Date.now() + 1000);
    fs.utimesSync(file, later, later);
    expect(readRecovery(home, file)).toBeNull();
    clearRecovery(home, file);
    expect(fs.existsSync(recoveryPath(home, file))).toBe(false);
    fs.writeFileSync(recoveryPath(home, null), '{"format":"quench-recovery"'); // a torn copy is ignored
    expect(readRecovery(home, null)).toBeNull();
  });
});
