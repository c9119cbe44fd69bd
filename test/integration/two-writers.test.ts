// Two writers on one project file: `quench run` (the built CLI, as a child
// process) while `quench serve` has the file open, and two workbenches on one
// file. Every run made by either ends up in the file exactly once, each
// workbench shows the other's runs, a deleted run stays deleted, and a held
// lock makes writers wait instead of overwriting. Needs `npm run build:ts`
// (the engine worker and the CLI in out/main).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project, Run } from '../../src-shared/project/schema';
import { lockPathFor } from '../../src-main/project/lock';
import { writeFileAtomic } from '../../src-main/files';
import { loadProject } from '../../src-main/project/store';
import { startServer, type RunningServer } from '../../src-main/serve/server';
import { connectApi, type ApiClient } from './api-client';

const root = path.resolve(__dirname, '../..');
let dir: string;
const servers: RunningServer[] = [];

interface Client {
  ws: ApiClient['ws'];
  events: ApiClient['events'];
  call(method: string, ...args: unknown[]): Promise<any>;
  finished: ApiClient['finished'];
}

async function open(file: string): Promise<{ server: RunningServer; client: Client }> {
  const server = await startServer({ projectFile: file, port: 0, home: path.join(dir, 'home') });
  servers.push(server);
  const api = await connectApi(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
  return { server, client: { ws: api.ws, events: api.events, call: api.result, finished: api.finished } };
}

/** `quench run FILE ARGS… --json` as a user runs it; resolves when it exits. */
function quenchRun(file: string, ...args: string[]): Promise<{ code: number | null; runs: Run[]; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/quench.js'), 'run', file, '--json', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => {
      let runs: Run[] = [];
      try {
        runs = JSON.parse(out);
      } catch {
        /* reported through code and stderr */
      }
      res({ code, runs, stderr: err });
    });
  });
}

/** Wait (generously: correctness, not speed, is under test) until `check` holds. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ids = (p: Project) => p.runs.map((r) => r.id);
const countOf = (list: string[], id: string) => list.filter((x) => x === id).length;

function projectFile(name: string): string {
  const file = path.join(dir, name);
  fs.copyFileSync(path.join(root, 'examples/seed-suite.quench.json'), file);
  return file;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-two-writers-'));
});

afterAll(async () => {
  for (const s of servers) await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('two writers on one project file', () => {
  it('keeps every run when `quench run` and `quench serve` use the same file, and shows the CLI\'s runs in the workbench', async () => {
    const file = projectFile('cli-and-serve.quench.json');
    const { client } = await open(file);

    // the CLI first, then the workbench saves: before, its save wrote its own copy over the CLI's run
    const first = await quenchRun(file, '--experiment', 'bell');
    expect(first.code, first.stderr).toBe(0);
    const cliRun = first.runs[0].id;
    const [serveRun] = (await client.call('runExperiment', 'bell')).runIds;
    expect((await client.finished(serveRun)).run.status).toBe('completed');
    expect(ids(loadProject(file))).toEqual(expect.arrayContaining([cliRun, serveRun]));
    await client.call('saveProject', await client.call('getProject'));
    let inFile = ids(loadProject(file));
    expect(countOf(inFile, cliRun)).toBe(1);
    expect(countOf(inFile, serveRun)).toBe(1);
    // the workbench noticed the file change and took the CLI's run in
    await until('the workbench reports the merge', () => client.events.some((e) => e.event === 'project-changed' && e.payload.reason === 'merged'));
    expect(ids(await client.call('getProject'))).toContain(cliRun);

    // at the same time: two CLI processes (two runs each) while the workbench runs four
    const serveRuns: string[] = (await client.call('runExperiment', 'bell', { repeats: 4 })).runIds;
    const [a, b] = await Promise.all([quenchRun(file, '--experiment', 'bell', '--experiment', 'bell'), quenchRun(file, '--experiment', 'bell', '--experiment', 'bell')]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    for (const id of serveRuns) expect((await client.finished(id)).run.status).toBe('completed');
    const cliRuns = [...a.runs, ...b.runs].map((r) => r.id);
    expect(new Set(cliRuns).size).toBe(4);
    for (const id of [cliRun, ...cliRuns]) expect(id).toMatch(/^bell-[0-9a-z]+-[0-9a-f]{6}$/); // random suffix, as the workbench's
    await client.call('saveProject', await client.call('getProject'));
    inFile = ids(loadProject(file));
    for (const id of [cliRun, serveRun, ...cliRuns, ...serveRuns]) expect(countOf(inFile, id), id).toBe(1);
    expect(inFile).toHaveLength(2 + 4 + 4);
    await until('the workbench shows every run', async () => ids(await client.call('getProject')).length === 10);
  }, 180_000);

  it('keeps every run when two workbenches have the same file open', async () => {
    const file = projectFile('two-serves.quench.json');
    const A = await open(file);
    const B = await open(file);
    const [fromA, fromB] = await Promise.all([A.client.call('runExperiment', 'bell', { repeats: 3 }), B.client.call('runExperiment', 'bell', { repeats: 3 })]);
    const all: string[] = [...fromA.runIds, ...fromB.runIds];
    for (const id of fromA.runIds) await A.client.finished(id);
    for (const id of fromB.runIds) await B.client.finished(id);
    let inFile = ids(loadProject(file));
    for (const id of all) expect(countOf(inFile, id), id).toBe(1);

    // edits saved in both, from copies taken before either save: each side's runs and each side's edit are kept
    const inA: Project = await A.client.call('getProject');
    const inB: Project = await B.client.call('getProject');
    await A.client.call('saveProject', { ...inA, name: 'Edited in A' });
    await B.client.call('saveProject', { ...inB, experiments: inB.experiments.map((e) => (e.id === 'qaoa' ? { ...e, name: 'QAOA edited in B' } : e)) });
    const saved = loadProject(file);
    inFile = ids(saved);
    for (const id of all) expect(countOf(inFile, id), id).toBe(1);
    expect(inFile).toHaveLength(6);
    expect(saved.name).toBe('Edited in A');
    expect(saved.experiments.find((e) => e.id === 'qaoa')?.name).toBe('QAOA edited in B');
    for (const side of [A, B]) await until('each workbench shows all six runs', async () => ids(await side.client.call('getProject')).length === 6);
    // A had no edits left after saving: it takes B's saved edit in, and its automatic writes keep it
    await until('A shows B\'s edit', async () => (await A.client.call('getProject')).experiments.find((e: { id: string }) => e.id === 'qaoa').name === 'QAOA edited in B');
    const [more] = (await A.client.call('runExperiment', 'bell')).runIds;
    await A.client.finished(more);
    expect(loadProject(file)).toMatchObject({ name: 'Edited in A' });
    expect(loadProject(file).experiments.find((e) => e.id === 'qaoa')?.name).toBe('QAOA edited in B');
    expect(loadProject(file).runs).toHaveLength(7);
  }, 180_000);

  it('keeps a run deleted in one workbench deleted: the other one and a writer that puts it back do not bring it back', async () => {
    const file = projectFile('deleted.quench.json');
    const A = await open(file);
    const B = await open(file);
    const [r1] = (await A.client.call('runExperiment', 'bell')).runIds;
    await A.client.finished(r1);
    await until('B has A\'s run', async () => ids(await B.client.call('getProject')).includes(r1));

    expect(await A.client.call('deleteRuns', [r1])).toEqual({ deleted: 1 });
    expect(ids(loadProject(file))).not.toContain(r1);

    // B writes (a run of its own) after the delete, with r1 still in its copy: r1 is not written back
    const [r2] = (await B.client.call('runExperiment', 'bell')).runIds;
    await B.client.finished(r2);
    expect(ids(loadProject(file))).toEqual([r2]);
    expect(ids(await B.client.call('getProject'))).not.toContain(r1);

    // a writer that does not merge (an older copy written back) puts r1 in the file again; A deleted it and keeps it deleted
    const resurrect = structuredClone(loadProject(file));
    resurrect.runs.push({ ...structuredClone((await B.client.call('getProject')).runs[0]), id: r1 });
    writeFileAtomic(file, JSON.stringify(resurrect));
    const [r3] = (await A.client.call('runExperiment', 'bell')).runIds;
    await A.client.finished(r3);
    expect(ids(loadProject(file))).not.toContain(r1);
    expect(ids(loadProject(file))).toEqual(expect.arrayContaining([r2, r3]));
    expect(ids(await A.client.call('getProject'))).not.toContain(r1);
  }, 180_000);

  it('waits while a live process holds the lock, and takes over once the holder is gone', async () => {
    const file = projectFile('locked.quench.json');
    const { client } = await open(file);
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const holderExited = new Promise<void>((r) => holder.once('exit', () => r()));
    const lock = lockPathFor(file);
    fs.writeFileSync(lock, JSON.stringify({ pid: holder.pid, host: os.hostname(), command: 'quench run locked.quench.json (test holder)', since: new Date().toISOString(), token: 'held' }));
    try {
      // a run finishes while the lock is held: its event goes out, the write waits for the lock
      const [r1] = (await client.call('runExperiment', 'bell')).runIds;
      expect((await client.finished(r1)).run.status).toBe('completed');
      expect(ids(loadProject(file))).not.toContain(r1);
      let saved = false;
      const save = client.call('saveProject', await client.call('getProject')).then(() => (saved = true));
      const cli = quenchRun(file, '--experiment', 'bell');
      await new Promise((r) => setTimeout(r, 300));
      expect(saved).toBe(false);
      expect(fs.readFileSync(lock, 'utf8')).toContain('"token":"held"');
      holder.kill('SIGKILL');
      await holderExited;
      // the holder is dead: its lock is stale, and both writers go on
      await save;
      const out = await cli;
      expect(out.code, out.stderr).toBe(0);
      const inFile = ids(loadProject(file));
      expect(countOf(inFile, r1)).toBe(1);
      expect(countOf(inFile, out.runs[0].id)).toBe(1);
      expect(fs.existsSync(lock)).toBe(false);
    } finally {
      holder.kill('SIGKILL');
    }
  }, 180_000);
});
