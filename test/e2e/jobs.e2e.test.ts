// The Cluster jobs panel in a real browser (browser mode): follow a job folder
// (made and half run by hand, no cluster needed), read its items' states, and
// collect its finished run into the open project, where it shows in the table.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorkItem } from '../../src-main/jobs/run-item';
import { createJob } from '../../src-main/jobs/submit';
import { SlurmScheduler } from '../../src-main/scheduler/slurm';
import { E2E, haveChromium, shot, type Tab } from './harness';

const SKIP_REASON = 'skipped: /usr/bin/chromium is missing (apt-get install chromium)';

describe.skipIf(!haveChromium).sequential(`cluster jobs in the workbench${haveChromium ? '' : ` — ${SKIP_REASON}`}`, () => {
  let e2e: E2E, tab: Tab, jobDir: string, fixture: string;

  beforeAll(async () => {
    fixture = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'quench-jobs-e2e-')), 'jobs.quench.json');
    fs.writeFileSync(fixture, JSON.stringify({
      format: 'quench-project', version: 2, name: 'Jobs',
      experiments: [{ id: 'qgan', name: 'tiny qgan', kind: 'qgan', params: { modes: 2, cutoff: 3, layers: 1, batches: [2], repeats: 2 } }],
    }));
    e2e = await E2E.start(fixture);
    jobDir = createJob(e2e.file, { request: { kind: 'experiment', experimentId: 'qgan', repeats: 2 }, resources: { cpusPerTask: 1, setup: [] } }, new SlurmScheduler()).dir;
    expect((await runWorkItem(jobDir, '0')).state).toBe('done');
    tab = await e2e.open();
  }, 60_000);

  afterAll(async () => {
    await e2e?.close();
    fs.rmSync(path.dirname(fixture), { recursive: true, force: true });
  }, 30_000);

  it('follows a job folder and collects its finished run into the project', async () => {
    const { page } = tab;
    await page.locator('[data-nav="runs"]').click();
    await page.locator('.jobs > summary').click();
    await page.locator('input[name="job-folder"]').fill(jobDir);
    await page.locator('.jobs form button[type="submit"]').click();
    await expect.poll(() => page.locator('[data-job-summary]').textContent()).toBe('1 of 2 done · 0 running · 0 pending · 0 failed · 1 missing');
    await page.locator('[data-action="collect"]').click();
    await expect.poll(() => page.locator('[data-collected]').textContent()).toBe('Collected: 1 added, 0 already in the project.');
    const runId = `${path.basename(jobDir)}-rep-0000`;
    await expect.poll(() => page.locator(`[data-run="${runId}"]`).count()).toBe(1);
    await shot(page, 'runs-cluster-jobs');
    expect(tab.problems).toEqual([]);
  }, 60_000);
});
