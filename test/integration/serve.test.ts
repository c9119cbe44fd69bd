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
import type { ApiEvent, RunFinishedEvent } from '../../src-shared/api/contract';
import type { Project } from '../../src-shared/project/schema';
import { loadProject } from '../../src-main/project/store';
import { startServer, type RunningServer } from '../../src-main/serve/server';

const root = path.resolve(__dirname, '../..');
let dir: string, file: string, server: RunningServer, client: Client;

interface Client {
  ws: WebSocket;
  events: ApiEvent[];
  call(method: string, ...args: unknown[]): Promise<{ result?: any; error?: { message: string; code?: string } }>;
  finished(runId: string): Promise<RunFinishedEvent>;
  send(text: string): Promise<any>;
}

async function connect(url: string): Promise<Client> {
  const ws = new WebSocket(url);
  await new Promise((res, rej) => ws.once('open', res).once('error', rej));
  const events: ApiEvent[] = [];
  const pending = new Map<unknown, (m: any) => void>();
  const eventWaiters: (() => void)[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if ('event' in m) {
      events.push(m);
      for (const w of eventWaiters.splice(0)) w();
    } else pending.get(m.id)?.(m);
  });
  let next = 0;
  const send = (text: string, id: unknown = null) => new Promise<any>((res) => {
    pending.set(id, res);
    ws.send(text);
  });
  return {
    ws, events, send,
    call: (method, ...args) => {
      const id = ++next;
      return send(JSON.stringify({ id, method, args }), id);
    },
    async finished(runId) {
      for (;;) {
        const e = events.find((e) => e.event === 'run-finished' && e.payload.runId === runId);
        if (e) return e.payload as RunFinishedEvent;
        await new Promise<void>((r) => eventWaiters.push(r));
      }
    },
  };
}

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
  file = path.join(dir, 'suite.quench.json');
  const project = JSON.parse(fs.readFileSync(path.join(root, 'examples/seed-suite.quench.json'), 'utf8'));
  // The example VQE converges in well under a second; make it long enough to cancel or kill mid-run.
  project.experiments.find((e: { id: string }) => e.id === 'vqe').params = { qubits: 14, layers: 4, optimizer: 'adam', iterations: 100_000 };
  fs.writeFileSync(file, JSON.stringify(project));
  server = await startServer({ projectFile: file, port: 0 });
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
    const { run } = await client.finished(result.runId);
    expect(run.status).toBe('completed');
    expect(run.result!.quality.expectation_0).toBeCloseTo(1, 10); // Z0*Z1 on a Bell state
    expect(loadProject(file).runs.find((r) => r.id === result.runId)?.status).toBe('completed');
  });

  it('streams progress while training the QGAN', async () => {
    const { result } = await client.call('runExperiment', 'qgan-train');
    const { run } = await client.finished(result.runId);
    expect(run.status).toBe('completed');
    const progress = client.events.filter((e) => e.event === 'run-progress' && e.payload.runId === result.runId);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    const last = progress.at(-1)!.payload as { fraction: number; point?: { series: string } };
    expect(last.fraction).toBeGreaterThan(0);
    expect(last.fraction).toBeLessThanOrEqual(1);
    expect(last.point?.series).toBe('g_loss');
  });

  it('cancels a running VQE', async () => {
    const { result } = await client.call('runExperiment', 'vqe');
    await firstProgress(client, result.runId);
    expect((await client.call('cancelRun', result.runId)).result).toEqual({ cancelled: true });
    const { run } = await client.finished(result.runId);
    expect(run.status).toBe('cancelled');
    expect(loadProject(file).runs.find((r) => r.id === result.runId)?.status).toBe('cancelled');
    expect((await client.call('cancelRun', result.runId)).result).toEqual({ cancelled: false });
  });

  it('queues runs behind the active one and cancels queued runs', async () => {
    const a = (await client.call('runExperiment', 'vqe')).result.runId;
    const b = (await client.call('runExperiment', 'bell')).result.runId;
    expect((await client.call('info')).result).toMatchObject({ activeRunId: a, queuedRunIds: [b] });
    await client.call('cancelRun', b);
    expect((await client.finished(b)).run.status).toBe('cancelled');
    await client.call('cancelRun', a);
    expect((await client.finished(a)).run.status).toBe('cancelled');
  });

  it('reports a crashed engine process as a failed run and keeps serving', async () => {
    const { result } = await client.call('runExperiment', 'vqe');
    await firstProgress(client, result.runId);
    process.kill(server.workbench.activeWorkerPid()!, 'SIGKILL'); // what the OOM killer does
    const { run } = await client.finished(result.runId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/engine process exited with signal SIGKILL/);
    expect((await client.call('info')).result.activeRunId).toBeNull();
    expect(loadProject(file).runs.find((r) => r.id === result.runId)?.error).toMatch(/SIGKILL/);
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
  });
});

describe('quench serve without a project', () => {
  it('serves an unsaved copy of the example and needs a path to save it', async () => {
    const s = await startServer();
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
