// Peer results in the workbench: a project written by `quench bench peers
// --save` (here from a fixture report, so no Python is needed) opens in the
// workbench, and Compare shows Quench and each peer side by side per case.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { savePeersReport } from '../../src-main/cli/peers-save';
import { parseProject } from '../../src-shared/project/schema';
import { peersReportFixture, PEERS_ENV } from '../fixtures/peers-report';
import { E2E, haveChromium, shot } from './harness';

const SKIP_REASON = 'skipped: /usr/bin/chromium is missing (apt-get install chromium)';
describe.skipIf(!haveChromium)(`peer results in the workbench${haveChromium ? '' : ` — ${SKIP_REASON}`}`, () => {
  let e2e: E2E;
  let file: string;

  beforeAll(async () => {
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'quench-peers-e2e-')), 'peers.quench.json');
    await savePeersReport(file, peersReportFixture(), PEERS_ENV);
    e2e = await E2E.start(file);
  }, 30_000);

  afterAll(async () => {
    await e2e?.close();
  }, 30_000);

  afterEach(() => {
    const problems = e2e?.tabs.flatMap((t) => t.problems.splice(0)) ?? [];
    expect(problems, 'console errors / failed requests in the page').toEqual([]);
  });

  it('compares Quench with Lightning and PennyLane on the VQE case', async () => {
    const project = parseProject(fs.readFileSync(file, 'utf8'), file);
    const vqe = project.runs.filter((r) => r.experimentId.startsWith('peers-vqe'));
    for (const scheme of ['light', 'dark'] as const) {
      const { page } = await e2e.open(e2e.server, scheme);
      await page.locator('[data-nav="runs"]').click();
      for (const r of vqe) await page.locator(`[data-run="${r.id}"] input[data-compare]`).check();
      await page.locator('[data-nav="compare"]').click();
      const view = page.locator('[data-view="compare"]');
      await view.waitFor();
      for (const who of ['quench native-avx2', 'lightning 0.45.0', 'pennylane 0.45.1']) await view.getByText(who).first().waitFor();
      await shot(page, `peers-compare-${scheme}`);
    }
  }, 60_000);

  it('keeps the statistics findings inside their panel on a narrower window', async () => {
    const project = parseProject(fs.readFileSync(file, 'utf8'), file);
    const vqe = project.runs.filter((r) => r.experimentId.startsWith('peers-vqe'));
    const { page } = await e2e.open();
    await page.setViewportSize({ width: 1000, height: 800 });
    await page.locator('[data-nav="runs"]').click();
    for (const r of vqe) await page.locator(`[data-run="${r.id}"] input[data-compare]`).check();
    await page.locator('[data-nav="compare"]').click();
    const stats = page.locator('[data-statistics]');
    await stats.locator('table[data-statistics-groups] td.finding').first().waitFor();
    // Long configurations and sentences wrap: nothing in the panel is wider than the panel, nor the page than the window.
    // (a string: this config type-checks against Node's globals, not the DOM's)
    const widths = (await page.evaluate(`(() => {
      const el = document.querySelector('[data-statistics]'), doc = document.documentElement;
      return { panel: [el.scrollWidth, el.clientWidth], page: [doc.scrollWidth, doc.clientWidth] };
    })()`)) as { panel: [number, number]; page: [number, number] };
    expect(widths.panel[0], 'the statistics panel overflows').toBeLessThanOrEqual(widths.panel[1]);
    expect(widths.page[0], 'the page scrolls sideways').toBeLessThanOrEqual(widths.page[1]);
    await shot(page, 'peers-statistics-1000');
  }, 60_000);
});
