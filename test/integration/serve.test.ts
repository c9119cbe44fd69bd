// The workbench back end (`quench serve`) in-process on a free port, driven
// over a real WebSocket as the UI will drive it. Runs go through the built
// engine worker (out/main/engine-worker.js), so this needs `npm run build`.
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { BenchmarkFinishedEvent } from '../../src-shared/api/contract';
import type { Project, Run } from '../../src-shared/project/schema';
import { loadProject } from '../../src-main/project/store';
import { startServer, type RunningServer } from '../../src-main/serve/server';
import { connectApi, type ApiClient } from './api-client';
import { createNodeWebGpuBackend } from '../../src-main/backend/webgpu-node';

// The WebGPU benchmark job needs an adapter (SwiftShader where no GPU exists): skipped, and said so, without one.
let noAdapter: string | null = null;
try {
  (await createNodeWebGpuBackend()).dispose();
} catch (e) {
  noAdapter = (e as Error).message;
  console.warn(`serve: the WebGPU benchmark job test is skipped: ${noAdapter}`);
} finally {
}

const root = path.resolve(__dirname, '../..');
let dir: string, home: string, file: string, server: RunningServer, client: Client;

type Client = ApiClient;
const connect = connectApi;

async function firstProgress(c: Client, runId: string): Promise<void> {
  while (!c.events.some((e) => e.event === 'run-progress' && e.payload.runId === runId)) await new Promise((r) => setTimeout(r, 5));
}

function get(port: number, urlPath: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((res, rej) => {
    // http.request sends the path as given (no '..' folding), as a hostile client would
    http.get({ host: '127.0.0.1', port, path: urlPath, headers }, (r) => {
      let body = '';
      r.on('data', (d) => (body += d)).on('end', () => res({ status: r.statusCode!, body, headers: r.headers }));
    }).on('error', rej);
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-serve-'));
  home = path.join(dir, 'home');
  file = path.join(dir, 'suite.quench.json');
  const project = JSON.parse(fs.readFileSync(path.join(root, 'examples/seed-suite.quench.json'), 'utf8'));
  // The example VQE converges in well under a second; make it long enough to cancel or kill mid-run.
  project.experiments.find((e: { id: string }) => e.id === 'vqe').params = { qubits: 14, layers: 4, optimizer: 'adam', iterations: 100_000 };
  fs.writeFileSync(file, JSON.stringify(project));
  server = await startServer({ projectFile: file, port: 0, home });
  client = await connect(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
});

afterAll(async () => {
  client?.ws.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('quench serve', () => {
  it('refuses requests without the token', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    expect((await get(server.port, '/')).status).toBe(403);
    expect((await get(server.port, '/?token=wrong')).status).toBe(403);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`);
    await expect(new Promise((res, rej) => ws.once('open', res).once('error', rej))).rejects.toThrow(/403/);
    const wrongOrigin = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { origin: 'https://evil.example' });
    await expect(new Promise((res, rej) => wrongOrigin.once('open', res).once('error', rej))).rejects.toThrow(/403/);
  });

  it('serves the built renderer and nothing outside it', async () => {
    const page = await get(server.port, `/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toBe(fs.readFileSync(path.join(root, 'out/renderer/index.html'), 'utf8'));
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    expect(cookie).toBe(`quench_token=${server.token}`);
    // after the first load the cookie is enough
    const asset = page.body.match(/src="\.\/(assets\/[^"]+\.js)"/)![1];
    const js = await get(server.port, `/${asset}`, { cookie });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    for (const evil of ['/../package.json', '/..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/assets/..%2f..%2f..%2fpackage.json']) {
      const r = await get(server.port, `${evil}?token=${server.token}`);
      expect(r.status, evil).toBeGreaterThanOrEqual(400);
      expect(r.body).not.toMatch(/"name": "quench"/);
    }
  });

  it('answers info and getProject', async () => {
    const info = (await client.call('info')).result;
    expect(info.projectPath).toBe(file);
    expect(info.unsaved).toBe(false);
    expect(info.isa.available).toContain('scalar');
    const project: Project = (await client.call('getProject')).result;
    expect(project.experiments.map((e) => e.id)).toContain('bell');
  });

  it('runs bell in the engine process and saves the run in the file', async () => {
    const { result } = await client.call('runExperiment', 'bell');
    const [runId] = result.runIds;
    const { run } = await client.finished(runId);
    expect(run.status).toBe('completed');
    expect(run.result!.quality.expectation_0).toBeCloseTo(1, 10); // Z0*Z1 on a Bell state
    expect(loadProject(file).runs.find((r) => r.id === runId)?.status).toBe('completed');
  });

  it('streams progress while training the QGAN', async () => {
    const { result } = await client.call('runExperiment', 'qgan-train');
    const { run } = await client.finished(result.runIds[0]);
    expect(run.status).toBe('completed');
    const progress = client.events.filter((e) => e.event === 'run-progress' && e.payload.runId === result.runIds[0]);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    const last = progress.at(-1)!.payload as { fraction: number; point?: { series: string } };
    expect(last.fraction).toBeGreaterThan(0);
    expect(last.fraction).toBeLessThanOrEqual(1);
    expect(last.point?.series).toBe('g_loss');
  });

  it('cancels a running VQE', async () => {
    const { result } = await client.call('runExperiment', 'vqe');
    await firstProgress(client, result.runIds[0]);
    expect((await client.call('cancelRun', result.runIds[0])).result).toEqual({ cancelled: true });
    const { run } = await client.finished(result.runIds[0]);
    expect(run.status).toBe('cancelled');
    expect(loadProject(file).runs.find((r) => r.id === result.runIds[0])?.status).toBe('cancelled');
    expect((await client.call('cancelRun', result.runIds[0])).result).toEqual({ cancelled: false });
  });

  it('queues runs behind the active one and cancels queued runs', async () => {
    const a = (await client.call('runExperiment', 'vqe')).result.runIds[0];
    const b = (await client.call('runExperiment', 'bell')).result.runIds[0];
    expect((await client.call('info')).result).toMatchObject({ activeRunId: a, queuedRunIds: [b] });
    await client.call('cancelRun', b);
    expect((await client.finished(b)).run.status).toBe('cancelled');
    await client.call('cancelRun', a);
    expect((await client.finished(a)).run.status).toBe('cancelled');
  });

  it('reports a crashed engine process as a failed run and keeps serving', async () => {
    const { result } = await client.call('runExperiment', 'vqe');
    await firstProgress(client, result.runIds[0]);
    process.kill(server.workbench.activeWorkerPid()!, 'SIGKILL'); // what the OOM killer does
    const { run } = await client.finished(result.runIds[0]);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/engine process exited with signal SIGKILL/);
    expect((await client.call('info')).result.activeRunId).toBeNull();
    expect(loadProject(file).runs.find((r) => r.id === result.runIds[0])?.error).toMatch(/SIGKILL/);
  });

  it('rejects bad requests with errors that name the problem', async () => {
    expect((await client.call('deleteEverything')).error).toMatchObject({ code: 'unknown-method', message: expect.stringMatching(/unknown method 'deleteEverything'/) });
    expect((await client.call('runExperiment', 42)).error).toMatchObject({ code: 'bad-argument', message: expect.stringMatching(/argument 'experimentId'/) });
    expect((await client.call('runExperiment')).error?.message).toMatch(/argument 'experimentId' is missing/);
    expect((await client.call('runExperiment', 'nope')).error).toMatchObject({ code: 'not-found', message: expect.stringMatching(/no experiment 'nope'.*bell/) });
    expect((await client.call('info', 1)).error?.message).toMatch(/takes 0 argument/);
    expect((await client.send('{not json')).error?.message).toMatch(/not valid JSON/);
    const project = (await client.call('getProject')).result;
    project.experiments[0].params.qubits = 'ten';
    expect((await client.call('saveProject', project)).error?.message).toMatch(/experiments\[0\]\.params\.qubits/);
    expect((await client.call('saveProject', project, '/tmp/x.txt')).error?.message).toMatch(/argument 'path'.*quench\.json/);
    const nowhere = path.join(dir, 'no-such-folder', 'p.quench.json');
    expect((await client.call('saveProject', (await client.call('getProject')).result, nowhere)).error).toMatchObject({
      code: 'failed',
      message: `cannot write ${nowhere}: the folder ${path.dirname(nowhere)} does not exist`,
    });
    expect((await client.call('info')).result.projectPath).toBe(file); // still the open file
  });

  it('saves edits to the project, keeping its runs', async () => {
    const project: Project = (await client.call('getProject')).result;
    const runs = loadProject(file).runs.length;
    expect((await client.call('saveProject', { ...project, name: 'Renamed', runs: [] })).result).toEqual({ path: file });
    const saved = loadProject(file);
    expect(saved.name).toBe('Renamed');
    expect(saved.runs).toHaveLength(runs);
    const other = path.join(dir, 'copy.quench.json');
    expect((await client.call('saveProject', project, other)).result).toEqual({ path: other });
    expect((await client.call('info')).result.projectPath).toBe(other);
    await client.call('openProject', file); // back to the suite for the tests that follow
  });
});

describe('the working copy, results and project files', () => {
  it('keeps edits in the working copy, autosaves them, and writes them on save', async () => {
    const before = fs.readFileSync(file, 'utf8');
    const project: Project = (await client.call('getProject')).result;
    project.experiments.push({ ...structuredClone(project.experiments.find((e) => e.id === 'bell')!), id: 'bell-2', name: 'Bell again' });
    expect((await client.call('updateProject', project)).result).toEqual({ dirty: true });
    expect(fs.readFileSync(file, 'utf8')).toBe(before); // not in the file yet
    expect((await client.call('info')).result).toMatchObject({ dirty: true });
    // a run of the new experiment lives in the working copy (and its autosave) until the project is saved
    const [runId] = (await client.call('runExperiment', 'bell-2')).result.runIds;
    expect((await client.finished(runId)).run.status).toBe('completed');
    expect(loadProject(file).runs.some((r) => r.id === runId)).toBe(false);
    const recoveryFiles = fs.readdirSync(path.join(home, 'recovery'));
    expect(recoveryFiles).toHaveLength(1);
    const copy = JSON.parse(fs.readFileSync(path.join(home, 'recovery', recoveryFiles[0]), 'utf8'));
    expect(copy.project.runs.some((r: Run) => r.id === runId)).toBe(true);
    // a second workbench on the same file (the first one "crashed") is offered the copy
    const after = await startServer({ projectFile: file, home });
    try {
      const c2 = await connect(`ws://127.0.0.1:${after.port}/api?token=${after.token}`);
      expect((await c2.call('info')).result.recovery).toMatchObject({ experiments: project.experiments.length });
      const restored: Project = (await c2.call('restoreRecovery')).result;
      expect(restored.experiments.map((e) => e.id)).toContain('bell-2');
      expect(restored.runs.some((r) => r.id === runId)).toBe(true);
      c2.ws.close();
    } finally {
      await after.close();
    }
    // saving writes edits and runs, and clears the autosave
    expect((await client.call('saveProject', (await client.call('getProject')).result)).result).toEqual({ path: file });
    expect(loadProject(file).runs.some((r) => r.id === runId)).toBe(true);
    expect(fs.readdirSync(path.join(home, 'recovery'))).toHaveLength(0);
    expect((await client.call('info')).result).toMatchObject({ dirty: false, recovery: null, recentFiles: [file, path.join(dir, 'copy.quench.json')] });
  });

  it('refuses an edit that would leave runs without their experiment, naming the field', async () => {
    const project: Project = (await client.call('getProject')).result;
    const r = await client.call('updateProject', { ...project, experiments: project.experiments.filter((e) => e.id !== 'bell') });
    expect(r.error).toMatchObject({ code: 'bad-argument', message: expect.stringMatching(/runs\[\d+\]\.experimentId: no experiment with id 'bell'/) });
  });

  it('repeats a run and applies overrides, validated like the file', async () => {
    const { runIds } = (await client.call('runExperiment', 'bell', { repeats: 2, overrides: { shots: 64 } })).result;
    expect(runIds).toHaveLength(2);
    const runs = await Promise.all(runIds.map((id: string) => client.finished(id)));
    expect(runs.map((r) => r.run.repetition)).toEqual([1, 2]);
    expect(runs[0].run.overrides).toEqual({ shots: 64 });
    const counts = runs[0].run.result!.details.counts as Record<string, number>;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(64);
    const bad = await client.call('runExperiment', 'bell', { overrides: { shots: -1 } });
    expect(bad.error?.message).toMatch(/overrides: params\.shots/);
    expect((await client.call('runExperiment', 'bell', { repeats: 0 })).error?.message).toMatch(/argument 'options': repeats/);
  });

  it('stores a run the window made on its own GPU (recordRun), checked like the engine\'s', async () => {
    const project: Project = (await client.call('getProject')).result;
    const gpuBell = { ...project.experiments.find((e) => e.id === 'bell')!, id: 'gpu-bell', name: 'Bell in the window', settings: { backend: 'webgpu', precision: 'f32', threads: 0 } };
    expect((await client.call('updateProject', { ...project, experiments: [...project.experiments, gpuBell] })).error).toBeUndefined();
    const env = { quench: '0.1.0', cpu: 'x', logicalCores: 2, isa: 'webgpu', precision: 'f32', threads: 0, backend: 'webgpu', node: 'none (window)', platform: 'linux', adapter: 'test adapter', timing: 'wall-clock', runIn: 'window' };
    const result = { kind: 'circuit', params: { qubits: 2 }, metrics: { ms_simulate: 1.5 }, quality: { expectation_0: 1 }, curves: {}, phases: { simulate: 1.5 }, details: {}, env };
    const base = { experimentId: 'gpu-bell', startedAt: new Date().toISOString(), durationMs: 12, status: 'completed', result };
    const { runId } = (await client.call('recordRun', base)).result;
    const done = await client.finished(runId);
    expect(done.run).toMatchObject({ id: runId, experimentId: 'gpu-bell', status: 'completed', settings: { backend: 'webgpu' }, result: { env: { runIn: 'window', adapter: 'test adapter' } } });
    expect(((await client.call('getProject')).result as Project).runs.find((r) => r.id === runId)?.result?.env.runIn).toBe('window');
    const cancelled = (await client.call('recordRun', { ...base, status: 'cancelled', result: undefined })).result;
    expect((await client.finished(cancelled.runId)).run.status).toBe('cancelled');
    const err = async (args: unknown) => (await client.call('recordRun', args)).error?.message;
    expect(await err({ ...base, experimentId: 'bell' })).toMatch(/experiment 'bell' runs on native-avx2; only WebGPU runs are made in the window/);
    expect(await err({ ...base, result: undefined })).toMatch(/result: a completed run needs its result/);
    expect(await err({ ...base, result: { ...result, env: { ...env, runIn: undefined } } })).toMatch(/result\.env: a window run says backend 'webgpu' and runIn 'window'/);
    expect(await err({ ...base, result: { ...result, metrics: { ms_simulate: 'fast' } } })).toMatch(/recordRun: argument 'run': result\.metrics\.ms_simulate/);
    expect(await err({ ...base, durationMs: -1 })).toMatch(/argument 'run'.*durationMs/);
    expect(await err({ ...base, experimentId: 'nope' })).toMatch(/no experiment 'nope'/);
  });

  it('runs a sweep: one run per grid point, recorded in the project', async () => {
    const bad = await client.call('runSweep', { experimentId: 'qgan', grid: { cutoff: [3, 'x'] } });
    expect(bad.error?.message).toMatch(/grid point \{"cutoff":"x"\}: params\.cutoff/);
    expect((await client.call('runSweep', { experimentId: 'qgan', grid: { cutof: [3] } })).error?.message).toMatch(/cutof/);
    const { result } = await client.call('runSweep', { experimentId: 'qgan', grid: { cutoff: [2, 3], layers: [1] } });
    expect(result.runIds).toHaveLength(2);
    const runs = await Promise.all(result.runIds.map((id: string) => client.finished(id)));
    expect(runs.map((r) => r.run.overrides)).toEqual([{ cutoff: 2, layers: 1 }, { cutoff: 3, layers: 1 }]);
    expect(runs.every((r) => r.run.status === 'completed' && r.run.sweepId === result.sweepId)).toBe(true);
    expect(runs.map((r) => r.run.result!.params.cutoff)).toEqual([2, 3]);
    const saved = loadProject(file);
    expect(saved.sweeps.find((s) => s.id === result.sweepId)?.runIds).toEqual(result.runIds);
    // deleting the sweep's runs removes the sweep
    expect((await client.call('deleteRuns', result.runIds)).result).toEqual({ deleted: 2 });
    expect(loadProject(file).sweeps.some((s) => s.id === result.sweepId)).toBe(false);
  }, 60_000);

  it('runs the gates benchmark in the engine process and keeps its history', async () => {
    const { result } = await client.call('runBenchmark', { qubits: [10], precision: ['f64'], threads: [1], repeats: 2 });
    const done = await new Promise<any>((res) => {
      const check = () => {
        const e = client.events.find((x) => x.event === 'benchmark-finished' && x.payload.benchmark.id === result.benchmarkId);
        if (e) res(e.payload);
        else setTimeout(check, 20);
      };
      check();
    });
    expect(done.benchmark.status).toBe('completed');
    const kinds = done.benchmark.result.results.map((r: { kind: string }) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['1q', '2q', 'diagonal']));
    expect(done.benchmark.result.results[0].inplaceGbPerS).toBeGreaterThan(0);
    expect(done.benchmark.options.backend).toBe('native');
    // progress counted right (1 in-place reference + 4 kinds + 5 brickwork settings per calibrated size): it ends at 100%
    const last = client.events.filter((e) => e.event === 'run-progress' && e.payload.runId === result.benchmarkId).at(-1);
    expect(last?.payload).toMatchObject({ fraction: 1, message: expect.stringMatching(/^brickwork \d+ qubits fusion 5$/) });
    expect(loadProject(file).benchmarks.map((b) => b.id)).toContain(result.benchmarkId);
    expect((await client.call('runBenchmark', { qubits: [99] })).error?.message).toMatch(/argument 'options': qubits\.0/);
  }, 60_000);

  it('profiles an experiment in the engine process: progress per step, then the report (not stored as runs)', async () => {
    const runsBefore = loadProject(file).runs.length;
    const { result, error } = await client.call('profileExperiment', 'bell');
    expect(error).toBeUndefined();
    const done = await new Promise<any>((res) => {
      const check = () => {
        const e = client.events.find((x) => x.event === 'profile-finished' && x.payload.profileId === result.profileId);
        if (e) res(e.payload);
        else setTimeout(check, 20);
      };
      check();
    });
    expect(done.status, done.error).toBe('completed');
    expect(done.experimentId).toBe('bell');
    expect(done.profile.kernels.length).toBeGreaterThan(0);
    expect(done.profile.trials[0].name).toBe('baseline');
    expect(client.events.some((e) => e.event === 'run-queued' && e.payload.runId === result.profileId && e.payload.job === 'profile')).toBe(true);
    expect(client.events.some((e) => e.event === 'run-progress' && e.payload.runId === result.profileId && /trial/.test(e.payload.message ?? ''))).toBe(true);
    expect(loadProject(file).runs.length).toBe(runsBefore);
    expect((await client.call('profileExperiment', 'nope')).error).toMatchObject({ code: 'not-found' });
  }, 120_000);

  const benchmarkFinished = (id: string) => new Promise<any>((res) => {
    const check = () => {
      const e = client.events.find((x) => x.event === 'benchmark-finished' && x.payload.benchmark.id === id);
      if (e) res((e.payload as BenchmarkFinishedEvent).benchmark);
      else setTimeout(check, 20);
    };
    check();
  });

  it.skipIf(noAdapter !== null)("runs the gates benchmark on WebGPU in the engine process: the adapter, the timing, the device's in-place bandwidth", async () => {
    const since = client.events.length;
    const { result, error } = await client.call('runBenchmark', { backend: 'webgpu', qubits: [10], repeats: 1 });
    expect(error).toBeUndefined();
    const b = await benchmarkFinished(result.benchmarkId);
    expect(b.status, b.error).toBe('completed');
    expect(b.options).toEqual({ backend: 'webgpu', qubits: [10], precision: ['f32'], threads: [0], repeats: 1, isa: 'auto' });
    expect(b.result.env).toMatchObject({ backend: 'webgpu', precision: 'f32' });
    expect(typeof b.result.env.adapter).toBe('string');
    expect(['gpu-timestamps', 'wall-clock']).toContain(b.result.env.timing);
    expect(b.result.results.map((r: { kind: string }) => r.kind)).toEqual(['1q', '2q', 'diagonal', 'fused']);
    for (const r of b.result.results) {
      expect(r).toMatchObject({ qubits: 10, precision: 'f32', threads: 0, timing: b.result.env.timing });
      expect(r.inplaceGbPerS).toBeGreaterThan(0); // the device's in-place bandwidth
      expect(r.fractionOfInplace).toBeCloseTo(r.gbPerS / r.inplaceGbPerS, 9);
    }
    // progress counted right: 1 in-place reference + 4 kinds + 5 brickwork settings, ending at 100%
    const progress = client.events.slice(since).filter((e) => e.event === 'run-progress' && e.payload.runId === result.benchmarkId).map((e) => e.payload as { fraction: number; message?: string });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ fraction: 1, message: 'brickwork fusion 5 webgpu' });
    expect(progress.every((p, i) => i === 0 || p.fraction >= progress[i - 1].fraction)).toBe(true);
    const saved = loadProject(file).benchmarks.find((x) => x.id === result.benchmarkId)!;
    expect(saved.options.backend).toBe('webgpu');
    expect(saved.result!.results[0].timing).toBe(b.result.env.timing); // kept in the file
    // what WebGPU cannot do is refused by name before anything is queued
    expect((await client.call('runBenchmark', { backend: 'webgpu', precision: ['f64'] })).error?.message).toMatch(/argument 'options': precision: the WebGPU backend computes in f32 only/);
  }, 120_000);

  it('fails a WebGPU benchmark on a machine without an adapter with the one line the CLI gives, and keeps serving', async () => {
    // the engine process inherits this: no Vulkan driver, so no adapter (as test/unit/webgpu-no-adapter.test.ts)
    const prev = process.env.VK_ICD_FILENAMES;
    process.env.VK_ICD_FILENAMES = path.join(dir, 'no-such-vulkan-driver.json');
    let b;
    try {
      const { result } = await client.call('runBenchmark', { backend: 'webgpu', qubits: [8], repeats: 1 });
      b = await benchmarkFinished(result.benchmarkId);
    } finally {
      if (prev === undefined) delete process.env.VK_ICD_FILENAMES;
      else process.env.VK_ICD_FILENAMES = prev;
    }
    expect(b.status).toBe('failed');
    expect(b.error).toMatch(/^WebGPU: no adapter available/);
    expect(b.error.trim().split('\n')).toHaveLength(1);
    expect(loadProject(file).benchmarks.find((x) => x.id === b.id)?.status).toBe('failed');
    expect((await client.call('info')).result.activeRunId).toBeNull();
  }, 60_000);

  it('imports runs and benchmarks from another project file, bringing their experiments', async () => {
    const other = structuredClone(loadProject(file));
    other.experiments = other.experiments.map((e) => ({ ...e, id: `${e.id}-there` }));
    other.runs = other.runs.map((r) => ({ ...r, id: `${r.id}-there`, experimentId: `${r.experimentId}-there` }));
    other.sweeps = [];
    other.benchmarks = other.benchmarks.map((b) => ({ ...b, id: `${b.id}-there` }));
    const otherFile = path.join(dir, 'other-machine.quench.json');
    fs.writeFileSync(otherFile, JSON.stringify(other));
    const r = (await client.call('importResults', otherFile)).result;
    expect(r).toMatchObject({ runs: other.runs.length, benchmarks: other.benchmarks.length });
    expect(r.experiments).toBeGreaterThan(0);
    const p: Project = (await client.call('getProject')).result;
    expect(p.runs.filter((x) => x.importedFrom === otherFile)).toHaveLength(other.runs.length);
    // the same file again adds nothing
    expect((await client.call('importResults', otherFile)).result).toMatchObject({ runs: 0, benchmarks: 0, skipped: other.runs.length + other.benchmarks.length });
    expect((await client.call('importResultsText', '{"format":"quench-project","version":2,"name":"x","experiments":[{"id":"a"}]}', 'bad.quench.json')).error?.message).toMatch(/bad\.quench\.json: experiments\[0\]/);
    await client.call('saveProject', p);
  });

  it('opens another project file, a new project and an uploaded one; refuses while a run is active', async () => {
    const otherFile = path.join(dir, 'other-machine.quench.json');
    const [busy] = (await client.call('runExperiment', 'vqe')).result.runIds;
    expect((await client.call('openProject', otherFile)).error?.message).toMatch(/while a run is queued or running/);
    await client.call('cancelRun', busy);
    await client.finished(busy);
    const opened: Project = (await client.call('openProject', otherFile)).result;
    expect(opened.experiments[0].id).toMatch(/-there$/);
    expect((await client.call('info')).result).toMatchObject({ projectPath: otherFile, recentFiles: [otherFile, file, path.join(dir, 'copy.quench.json')] });
    expect((await client.call('openProject', path.join(dir, 'missing.quench.json'))).error?.message).toMatch(/cannot read .*missing\.quench\.json: ENOENT/);
    const fresh: Project = (await client.call('newProject', 'Scratch')).result;
    expect(fresh).toMatchObject({ name: 'Scratch', experiments: [], runs: [] });
    expect((await client.call('info')).result).toMatchObject({ projectPath: null, unsaved: true });
    const uploaded: Project = (await client.call('openProjectText', fs.readFileSync(file, 'utf8'), 'suite.quench.json')).result;
    expect(uploaded.experiments.map((e) => e.id)).toContain('bell');
    expect((await client.call('chooseFile', 'open')).error).toMatchObject({ code: 'unsupported' });
    await client.call('openProject', file); // back for the tests that follow
  });
});

describe('quench serve without a project', () => {
  it('serves an unsaved copy of the example and needs a path to save it', async () => {
    const s = await startServer({ home: path.join(dir, 'home-untitled') });
    try {
      const c = await connect(`ws://127.0.0.1:${s.port}/api?token=${s.token}`);
      expect((await c.call('info')).result).toMatchObject({ projectPath: null, unsaved: true });
      const project = (await c.call('getProject')).result;
      expect((await c.call('saveProject', project)).error?.message).toMatch(/no file yet; pass a path/);
      const target = path.join(dir, 'new.quench.json');
      await c.call('saveProject', project, target);
      expect(loadProject(target).experiments.length).toBe(project.experiments.length);
      c.ws.close();
    } finally {
      await s.close();
    }
  });
});

describe('quench serve (the built command)', () => {
  it('prints one line with the URL and token, and that URL opens the workbench', async () => {
    const child = spawn(process.execPath, [path.join(root, 'bin/quench.js'), 'serve', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((res, rej) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('\n')) res(out.split('\n')[0]);
        });
        child.once('exit', (code) => rej(new Error(`quench serve exited with ${code}`)));
      });
      const m = line.match(/^Quench workbench: http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)$/);
      expect(m, line).not.toBeNull();
      expect((await get(Number(m![1]), `/?token=${m![2]}`)).status).toBe(200);
      expect((await get(Number(m![1]), '/')).status).toBe(403);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
