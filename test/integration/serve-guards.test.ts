// What `quench serve` refuses before anything is queued: runs, sweep points and
// benchmarks that cannot fit this machine's memory (sized with the editor's
// estimator, src-shared/workloads/memory.ts), and parameter names that are no
// parameter ('__proto__' as JSON.parse delivers it, which zod would drop
// without a word). Driven over the WebSocket with raw JSON text, as a client
// sends it. Needs the built engine worker (`npm run build:ts`), though nothing
// here gets to run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiEvent } from '../../src-shared/api/contract';
import type { Experiment, Project } from '../../src-shared/project/schema';
import { estimateMemory } from '../../src-shared/workloads/memory';
import { startServer, type RunningServer } from '../../src-main/serve/server';

const root = path.resolve(__dirname, '../..');
let dir: string, file: string, server: RunningServer, ws: WebSocket;
const events: ApiEvent[] = [];
const pending = new Map<number, (m: any) => void>();
let nextId = 0;

/** Send `text` (a request with `"id": ID` in it) as is; resolves with the reply. */
function sendRaw(text: (id: number) => string): Promise<{ result?: any; error?: { message: string; code: string } }> {
  const id = ++nextId;
  return new Promise((res) => {
    pending.set(id, res);
    ws.send(text(id));
  });
}
const call = (method: string, ...args: unknown[]) => sendRaw((id) => JSON.stringify({ id, method, args }));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-serve-guards-'));
  file = path.join(dir, 'suite.quench.json');
  fs.copyFileSync(path.join(root, 'examples/seed-suite.quench.json'), file);
  server = await startServer({ projectFile: file, port: 0, home: path.join(dir, 'home') });
  ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
  await new Promise((res, rej) => ws.once('open', res).once('error', rej));
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if ('event' in m) events.push(m);
    else pending.get(m.id)?.(m);
  });
});

afterAll(async () => {
  ws?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function nothingQueued(before: Project): Promise<void> {
  const info = (await call('info')).result;
  expect(info.activeRunId).toBeNull();
  expect(info.queuedRunIds).toEqual([]);
  expect(events.filter((e) => e.event === 'run-queued' || e.event === 'sweep-created')).toEqual([]);
  const now: Project = (await call('getProject')).result;
  expect(now.runs).toHaveLength(before.runs.length);
  expect(now.sweeps).toHaveLength(before.sweeps.length);
}

describe('quench serve refuses what cannot fit this machine\'s memory, before queueing it', () => {
  it('refuses a run, a sweep with one such point, and a gates benchmark, with the numbers', async () => {
    const project: Project = (await call('getProject')).result;
    const qaoa = project.experiments.find((e) => e.id === 'qaoa')!;
    const { totalMemoryBytes, freeMemoryBytes } = (await call('info')).result;
    // The smallest QAOA the estimator puts well beyond this machine's memory (computed here, not assumed).
    let big: { nodes: number; p: number } | null = null;
    for (const nodes of [20, 22, 24, 26]) {
      for (let p = 1; p <= 50 && !big; p++) {
        const e = { ...qaoa, params: { ...qaoa.params, nodes, p } } as Experiment;
        if (estimateMemory(e, { logicalCores: os.cpus().length }).peakBytes > 1.25 * totalMemoryBytes) big = { nodes, p };
      }
      if (big) break;
    }

    if (big) {
      const r = await call('runExperiment', 'qaoa', { overrides: big });
      expect(r.error?.code).toBe('bad-argument');
      expect(r.error?.message).toMatch(/^runExperiment: experiment 'qaoa': needs ≈ [\d.]+ (GiB|TiB) at its peak \(.+\), this machine has [\d.]+ (MiB|GiB|TiB) available/);
      const sweep = await call('runSweep', { experimentId: 'qaoa', grid: { nodes: [big.nodes], p: [1, big.p] } });
      expect(sweep.error?.code).toBe('bad-argument');
      expect(sweep.error?.message).toMatch(new RegExp(`^runSweep: grid point \\{"nodes":${big.nodes},"p":${big.p}\\}: needs ≈ .*available`));
      console.log(`memory guard: QAOA ${big.nodes} nodes, p ${big.p} refused on a machine with ${(totalMemoryBytes / 2 ** 30).toFixed(1)} GiB: ${r.error?.message}`);
    } else {
      // a machine beyond every QAOA the schema allows: a circuit over 2^30 amplitudes is refused whatever the memory
      const e = project.experiments.find((x) => x.id === 'bell')!;
      const r = await call('runExperiment', 'bell', { overrides: { qasm: 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[34];\nh q[0];\n' } });
      expect(r.error?.code).toBe('bad-argument');
      expect(r.error?.message).toMatch(new RegExp(`^runExperiment: experiment '${e.id}': one state has .* amplitudes`));
    }

    // the native gates benchmark holds a state and a buffer of its size: 30 qubits in f64 is 32 GiB
    if (2 * 16 * 2 ** 30 > freeMemoryBytes) {
      const b = await call('runBenchmark', { qubits: [30], precision: ['f64'], threads: [1], repeats: 1 });
      expect(b.error?.code).toBe('bad-argument');
      expect(b.error?.message).toMatch(/^runBenchmark: argument 'options': qubits: even the smallest size \(30 qubits\) needs ≈ 32 GiB, this machine has .* available/);
    }
    await nothingQueued(project);
  });
});

describe("quench serve refuses '__proto__' (and other names no parameter has) in overrides and grids", () => {
  it('names the key, and queues nothing', async () => {
    const project: Project = (await call('getProject')).result;
    const run = await sendRaw((id) => `{"id":${id},"method":"runExperiment","args":["bell",{"overrides":{"__proto__":64}}]}`);
    expect(run.error).toEqual({ code: 'bad-argument', message: "runExperiment: argument 'options': overrides: '__proto__' is not a parameter of any experiment; remove that key" });
    const sweep = await sendRaw((id) => `{"id":${id},"method":"runSweep","args":[{"experimentId":"qgan","grid":{"cutoff":[2],"__proto__":[3]}}]}`);
    expect(sweep.error?.message).toMatch(/^runSweep: argument 'request': grid: '__proto__' is not a parameter of any experiment/);
    const ctor = await call('runExperiment', 'bell', { overrides: { constructor: 64 } });
    expect(ctor.error?.message).toMatch(/overrides\.constructor: 'constructor' is not a parameter of any experiment/);
    // a name the schema knows nothing of is named with the experiment's parameters
    const typo = await call('runExperiment', 'bell', { overrides: { shot: 64 } });
    expect(typo.error?.message).toBe("runExperiment: argument 'options': overrides: 'shot' is not a parameter of experiment 'bell' (circuit; its parameters: qasm, observables, shots, seed)");
    // a whole project with one in an experiment's params
    const text = JSON.stringify(project).replace('"params":{', '"params":{"__proto__":{"qubits":30},');
    const upd = await sendRaw((id) => `{"id":${id},"method":"updateProject","args":[${text}]}`);
    expect(upd.error?.message).toMatch(/^updateProject: argument 'project': experiments\[0\]\.params: '__proto__' is not a parameter of any experiment/);
    await nothingQueued(project);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('__proto__');
  });
});
