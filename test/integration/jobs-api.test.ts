// The workbench API's job methods over quench serve's WebSocket: a job folder
// (made and run by hand, no cluster) followed with jobStatus and collected
// into the open project with collectJob, whose runs arrive at once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src-main/serve/server';
import { createJob } from '../../src-main/jobs/submit';
import { runWorkItem } from '../../src-main/jobs/run-item';
import { SlurmScheduler } from '../../src-main/scheduler/slurm';
import type { Project } from '../../src-shared/project/schema';
import { connectApi, type ApiClient } from './api-client';

let dir: string, file: string, jobDir: string, server: RunningServer, client: ApiClient;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-jobs-api-'));
  file = path.join(dir, 'p.quench.json');
  fs.writeFileSync(file, JSON.stringify({
    format: 'quench-project', version: 2, name: 'Jobs',
    experiments: [{ id: 'qgan', name: 'tiny qgan', kind: 'qgan', params: { modes: 2, cutoff: 3, layers: 1, batches: [2], repeats: 2 } }],
  }));
  jobDir = createJob(file, { request: { kind: 'experiment', experimentId: 'qgan', repeats: 2 }, resources: { cpusPerTask: 1, setup: [] } }, new SlurmScheduler()).dir;
  expect((await runWorkItem(jobDir, '0')).state).toBe('done');
  server = await startServer({ projectFile: file, port: 0, home: path.join(dir, 'home') });
  client = await connectApi(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
});

afterAll(async () => {
  client?.ws.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('jobs through the workbench API', () => {
  it("reports a job's work items", async () => {
    const s = await client.result('jobStatus', jobDir);
    expect(s.items.map((i: { id: string; state: string }) => [i.id, i.state])).toEqual([['rep-0000', 'done'], ['rep-0001', 'missing']]);
    expect(s.counts).toMatchObject({ done: 1, missing: 1 });
  });

  it('collects the finished runs into the open project, once', async () => {
    const r = await client.result('collectJob', jobDir);
    expect(r).toMatchObject({ added: 1, alreadyThere: 0, sweepId: null });
    const p: Project = await client.result('getProject');
    expect(p.runs.map((x) => x.id)).toEqual([`${path.basename(jobDir)}-rep-0000`]);
    expect(client.events.some((e) => e.event === 'project-changed')).toBe(true);
    expect(await client.result('collectJob', jobDir)).toMatchObject({ added: 0, alreadyThere: 1 });
    expect(((await client.result('getProject')) as Project).runs).toHaveLength(1);
  });

  it('refuses a job submitted from another project, saying where to collect it', async () => {
    const elsewhere = path.join(dir, 'elsewhere.quench.json');
    fs.copyFileSync(file, elsewhere);
    const job = createJob(elsewhere, { request: { kind: 'experiment', experimentId: 'qgan' }, resources: { cpusPerTask: 1, setup: [] } }, new SlurmScheduler()).dir;
    const r = await client.call('collectJob', job);
    expect(r.error).toMatchObject({ code: 'bad-argument' });
    expect(r.error!.message).toMatch(/was submitted from .*elsewhere\.quench\.json, not from the open project .*quench collect .* --into /);
  });

  it('names a job folder that is not there', async () => {
    const r = await client.call('collectJob', path.join(dir, 'nope'));
    expect(r.error).toMatchObject({ code: 'bad-argument' });
    expect(r.error!.message).toMatch(/collectJob: job folder .*nope not found/);
    const s = await client.call('jobStatus', '');
    expect(s.error?.code).toBe('bad-argument');
  });
});
