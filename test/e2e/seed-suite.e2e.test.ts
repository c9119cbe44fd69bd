// "Done means" for the workbench: every experiment of the example project
// (examples/seed-suite.quench.json, the seed suite) runs from the UI, in a real
// browser, to a completed run whose page shows its results — no terminal.
// The seed configurations are real sizes (QAOA at 20 qubits, QSVM at 1000
// samples, the scale case up to 10 000 samples), so this file takes a while.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProject } from '../../src-shared/project/schema';
import { E2E, haveChromium, shot, type Tab } from './harness';

const example = path.resolve(__dirname, '../../examples/seed-suite.quench.json');
const SKIP_REASON = 'skipped: /usr/bin/chromium is missing (apt-get install chromium)';

describe.skipIf(!haveChromium).sequential(`every seed-suite case from the UI${haveChromium ? '' : ` — ${SKIP_REASON}`}`, () => {
  let e2e: E2E;
  let tab: Tab;
  const ids = parseProject(fs.readFileSync(example, 'utf8'), example).experiments.map((e) => e.id);

  beforeAll(async () => {
    e2e = await E2E.start(example);
    tab = await e2e.open();
  }, 30_000);

  afterAll(async () => {
    await e2e?.close();
  }, 30_000);

  it.each(ids)('runs %s to completion and shows its results', async (id) => {
    const { page } = tab;
    await page.locator('[data-nav="experiments"]').click();
    const since = tab.events.length;
    await page.locator(`[data-experiment="${id}"] button.run`).click();
    // Generous: a busy machine runs the 20-qubit QAOA and the 10-trial validations many times slower.
    const run = await tab.runFinished(id, since, 900_000);
    expect(run.status, run.error).toBe('completed');
    expect(Object.keys(run.result!.metrics).length).toBeGreaterThan(0);
    await page.locator('[data-nav="runs"]').click();
    await page.locator(`[data-run="${run.id}"]`).click();
    await expect.poll(() => page.locator('[data-run-detail]').textContent()).toContain('completed');
    // A validation's page leads with its verdict, one sentence per baseline.
    if (run.result!.kind === 'validation') await expect.poll(() => page.locator('[data-verdicts] li').count()).toBe(3);
    await shot(page, `seed-${id}`);
    expect(tab.problems).toEqual([]);
  }, 960_000);
});
