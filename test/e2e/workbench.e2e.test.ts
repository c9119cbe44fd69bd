// The workbench as a user drives it, in a real browser (Debian's Chromium via
// playwright-core) against `quench serve` on a temp copy of
// test/e2e/fixtures/e2e.quench.json. The flows build on each other (the runs
// started early are saved, reopened and compared later), so they run in order.
// Any console error, uncaught exception or failed request fails the test it
// happened in. Screenshots land in test/e2e/screenshots/ (gitignored).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseProject, type Run } from '../../src-shared/project/schema';
import { E2E, SCREENSHOTS, canvasHasInk, haveChromium, shot, waitForInk, type Tab } from './harness';

const VIEWS = ['experiments', 'runs', 'scaling', 'sweeps', 'compare', 'hardware'] as const;
type View = (typeof VIEWS)[number];
const FIXTURE_EXPERIMENTS = ['vqe-fast', 'vqe-slow', 'qgan', 'bell', 'gpu-vqe', 'gpu-qsvm'];

/**
 * Show a view: through its navigation button where the UI has one; the first cut
 * of the UI (one page, no navigation) shows experiments and runs together.
 * The screenshot flow (g) requires the navigation itself.
 */
async function showView(page: Page, view: View): Promise<void> {
  const nav = page.locator(`[data-nav="${view}"]`);
  if ((await nav.count()) > 0) await nav.click();
}

const experiment = (page: Page, id: string) => page.locator(`[data-experiment="${id}"]`);
const runRow = (page: Page, runId: string) => page.locator(`[data-run="${runId}"]`);

// Skipped (and said so) only where Debian's Chromium is missing: `.ci/run` installs it.
const SKIP_REASON = 'skipped: /usr/bin/chromium is missing (apt-get install chromium)';
if (!haveChromium) console.warn(`e2e: browser tests ${SKIP_REASON}`);
describe.skipIf(!haveChromium).sequential(`the workbench in Chromium (quench serve)${haveChromium ? '' : ` — ${SKIP_REASON}`}`, () => {
  let e2e: E2E;
  let tab: Tab;
  let page: Page;
  /** Runs started by the flows, by role; later flows use them. */
  const runs: Partial<Record<'fast' | 'slow' | 'qgan' | 'bell', Run>> = {};

  beforeAll(async () => {
    e2e = await E2E.start();
  }, 30_000);

  afterAll(async () => {
    await e2e?.close();
  }, 30_000);

  afterEach(() => {
    // what a user would see go wrong fails the flow it happened in
    const problems = e2e?.tabs.flatMap((t) => t.problems.splice(0)) ?? [];
    expect(problems, 'console errors / failed requests in the page').toEqual([]);
  });

  it('harness: tells a drawn canvas from an empty one', async () => {
    const p = await e2e.browser.newPage();
    try {
      await p.setContent('<canvas id="empty" width="200" height="100"></canvas><canvas id="drawn" width="200" height="100"></canvas>');
      await p.evaluate(`{
        const c = document.getElementById('drawn').getContext('2d');
        c.strokeStyle = '#3553d6';
        c.lineWidth = 2;
        c.beginPath();
        c.moveTo(0, 90);
        c.lineTo(200, 10);
        c.stroke();
      }`);
      expect(await canvasHasInk(p.locator('#empty'))).toBe(false);
      expect(await canvasHasInk(p.locator('#drawn'))).toBe(true);
    } finally {
      await p.close();
    }
  });

  it('(a) opens the project and lists its experiments', async () => {
    // opened here, not in beforeAll, so that what goes wrong while the page loads fails this flow
    tab = await e2e.open();
    page = tab.page;
    await page.locator('.project', { hasText: 'E2E workbench' }).waitFor();
    // the project has a file: nothing unsaved
    expect(await page.locator('.project').textContent()).not.toMatch(/unsaved|modified/);
    await showView(page, 'experiments');
    for (const id of FIXTURE_EXPERIMENTS) await experiment(page, id).waitFor();
    expect(await page.locator('[data-experiment]').count()).toBe(FIXTURE_EXPERIMENTS.length);
    expect(await experiment(page, 'vqe-fast').textContent()).toContain('E2E fast VQE');
  }, 20_000);

  it('(b) runs the fast VQE: progress, a completed run, an energy chart with ink', async () => {
    const since = tab.events.length;
    await showView(page, 'experiments');
    const progress = experiment(page, 'vqe-fast').locator('[role=progressbar]');
    // the bar is there while the run is queued and running (the engine process alone takes a few hundred ms to start)
    const sawProgress = progress.waitFor({ state: 'attached', timeout: 45_000 }).then(() => true, () => false);
    await experiment(page, 'vqe-fast').locator('button.run').click();
    const r = await tab.runFinished('vqe-fast', since);
    expect(await sawProgress, 'a progress bar while the run was queued/running').toBe(true);
    expect(r.status).toBe('completed');
    expect(r.result?.curves.energy?.length).toBeGreaterThan(0);
    runs.fast = r;
    await progress.waitFor({ state: 'detached' });
    await experiment(page, 'vqe-fast').locator('button.run').waitFor();

    await showView(page, 'runs');
    const row = runRow(page, r.id);
    await row.waitFor();
    expect(await row.textContent()).toContain('completed');
    await row.click();
    const canvas = page.locator('.chart-canvas canvas').first();
    await waitForInk(canvas);
    expect(await canvasHasInk(canvas)).toBe(true);
    // the run's page is an address of its own; back returns to the table, forward to the run
    expect(new URL(page.url()).hash).toBe(`#/runs/${r.id}`);
    await page.locator(`[data-run-page="${r.id}"]`).waitFor();
    await page.goBack();
    await runRow(page, r.id).waitFor();
    expect(new URL(page.url()).hash).toBe('#/runs');
    await page.goForward();
    await page.locator(`[data-run-page="${r.id}"]`).waitFor();
    expect(await page.locator('[data-run-page]').textContent()).toContain('Energy per iteration');
  }, 30_000);

  it('(c) runs the slow VQE, shows its progress moving, cancels it', async () => {
    const since = tab.events.length;
    await showView(page, 'experiments');
    const row = experiment(page, 'vqe-slow');
    await row.locator('button.run').click();
    const progress = row.locator('[role=progressbar]');
    await progress.waitFor();
    // a progress message from the engine ('iteration N'), then a later one: it moves
    await page.waitForFunction((el) => /iteration \d+/.test(el?.textContent ?? ''), await progress.elementHandle(), { timeout: 45_000 });
    const first = await progress.textContent();
    await page.waitForFunction(([el, t]) => el?.textContent !== t, [await progress.elementHandle(), first] as const, { timeout: 45_000 });

    await row.locator('button.cancel').click();
    const r = await tab.runFinished('vqe-slow', since, 10_000);
    expect(r.status).toBe('cancelled');
    runs.slow = r;
    await progress.waitFor({ state: 'detached' });
    await row.locator('button.run').waitFor();
    await showView(page, 'runs');
    await runRow(page, r.id).waitFor();
    expect(await runRow(page, r.id).textContent()).toContain('cancelled');
  }, 40_000);

  it('(d) runs the QGAN batch benchmark and the Bell circuit (queued behind it)', async () => {
    const since = tab.events.length;
    await showView(page, 'experiments');
    await experiment(page, 'qgan').locator('button.run').click();
    await experiment(page, 'bell').locator('button.run').click();
    const [qgan, bell] = await Promise.all([tab.runFinished('qgan', since), tab.runFinished('bell', since)]);
    expect(qgan.status).toBe('completed');
    expect(bell.status).toBe('completed');
    expect(bell.result?.quality.expectation_0).toBeCloseTo(1, 10); // Z0*Z1 on a Bell pair
    runs.qgan = qgan;
    runs.bell = bell;
    await showView(page, 'runs');
    for (const r of [qgan, bell]) {
      await runRow(page, r.id).waitFor();
      expect(await runRow(page, r.id).textContent()).toContain('completed');
    }
    // the Bell pair's page, opened by its link: probabilities and counts drawn, the observables named
    await runRow(page, bell.id).locator('a.run-link').click();
    for (const chart of ['probabilities', 'counts']) await waitForInk(page.locator(`[data-chart="${chart}"] canvas`).first());
    expect(await page.locator('[data-observables]').textContent()).toContain('⟨Z₀Z₁⟩');
  }, 30_000);

  it('(e) creates an experiment and runs it, saves; the file parses; reloaded and reopened, the runs are there', async () => {
    const ours = Object.values(runs);
    expect(ours.length, 'the runs of (b)–(d)').toBe(4);
    // an edit, so that Save has something to write (runs are appended to the file as they finish anyway)
    await showView(page, 'experiments');
    const before = await page.locator('[data-experiment]').count();
    await page.locator('[data-action="new-experiment"]').click();
    await page.locator('[data-experiment]').nth(before).waitFor();
    expect(await page.locator('[data-experiment]').count()).toBe(before + 1);
    await page.locator('.project', { hasText: /modified|unsaved/ }).waitFor();
    // the new experiment (the kind's defaults) runs like the others
    const created = (await page.locator('[data-experiment]').nth(before).getAttribute('data-experiment'))!;
    const since = tab.events.length;
    await page.locator(`[data-experiment="${created}"] button.run`).click();
    const createdRun = await tab.runFinished(created, since, 30_000);
    expect(createdRun.status, createdRun.error).toBe('completed');

    // Save As into a folder that does not exist: the dialog says so in words and stays open; nothing is written
    await page.locator('[data-action="save-as"]').click();
    const saveAs = page.locator('dialog[open]', { has: page.locator('#save-title') });
    const nowhere = path.join(e2e.dir, 'no-such-folder', 'copy.quench.json');
    await saveAs.locator('input[name="save-path"]').fill(nowhere);
    await saveAs.locator('button[type="submit"]').click();
    await saveAs.getByRole('alert').filter({ hasText: `cannot write ${nowhere}: the folder ${path.dirname(nowhere)} does not exist` }).waitFor();
    await shot(page, 'save-as-missing-folder');
    expect(fs.existsSync(path.dirname(nowhere))).toBe(false);
    await saveAs.getByRole('button', { name: 'Close' }).click();
    await page.locator('.project', { hasText: /modified|unsaved/ }).waitFor(); // still unsaved

    await page.locator('[data-action="save"]').click();
    await page.locator('.project', { hasText: /modified|unsaved/ }).waitFor({ state: 'detached' });
    const saved = parseProject(fs.readFileSync(e2e.file, 'utf8'), e2e.file);
    expect(saved.experiments).toHaveLength(before + 1);
    for (const r of ours) expect(saved.runs.find((x) => x.id === r.id)?.status, r.experimentId).toBe(r.status);
    expect(saved.runs.find((x) => x.id === createdRun.id)?.status).toBe('completed'); // saved with its experiment

    // the same server after a reload
    await page.reload();
    await page.locator('.project', { hasText: 'E2E workbench' }).waitFor();
    await showView(page, 'runs');
    for (const r of ours) await runRow(page, r.id).waitFor();

    // a fresh server on a copy of the saved file: what reopening the file shows
    const copy = path.join(e2e.dir, 'reopen', 'saved.quench.json');
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.copyFileSync(e2e.file, copy);
    const other = await e2e.open(await e2e.startServer(copy));
    await other.page.locator('.project', { hasText: 'E2E workbench' }).waitFor();
    await showView(other.page, 'experiments');
    await other.page.locator('[data-experiment]').nth(before).waitFor();
    expect(await other.page.locator('[data-experiment]').count()).toBe(before + 1);
    await showView(other.page, 'runs');
    for (const r of ours) {
      await runRow(other.page, r.id).waitFor();
      expect(await runRow(other.page, r.id).textContent()).toContain(r.status);
    }
    await other.context.close();
  }, 40_000);

  it('(f) compares two runs: both appear in the compare view', async () => {
    const picked = [runs.fast!, runs.qgan!];
    await showView(page, 'runs');
    for (const r of picked) await runRow(page, r.id).locator('input[data-compare]').check();
    await page.locator('[data-nav="compare"]').click();
    const view = page.locator('[data-view="compare"]');
    await view.waitFor();
    for (const name of ['E2E fast VQE', 'E2E QGAN generator']) await view.getByText(name).first().waitFor();
    await shot(page, 'compare-picked');
  }, 20_000);

  it('(g) light and dark themes differ', async () => {
    const background = async (scheme: 'light' | 'dark') => {
      await page.emulateMedia({ colorScheme: scheme });
      await showView(page, 'experiments');
      await shot(page, `workbench-${scheme}`);
      return String(await page.evaluate('getComputedStyle(document.body).backgroundColor'));
    };
    const light = await background('light');
    const dark = await background('dark');
    expect(dark).not.toBe(light);
    await page.emulateMedia({ colorScheme: 'light' });
  }, 20_000);

  it('(g) every view, in light and dark, with its charts drawn', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const view of VIEWS) {
        await page.locator(`[data-nav="${view}"]`).click();
        const root = page.locator(`[data-view="${view}"]`);
        await root.waitFor();
        // the views with results to draw (runs, the QGAN batch scaling, the comparison) draw them
        // (the first canvas of each chart: ECharts may add a hover layer that is mostly empty)
        const charts = root.locator('.chart-canvas');
        for (let i = 0; i < (await charts.count()); i++) await waitForInk(charts.nth(i).locator('canvas').first());
        if (view === 'scaling') expect(await charts.count(), 'the QGAN batch-scaling chart').toBeGreaterThan(0);
        await shot(page, `${view}-${scheme}`);
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }, 40_000);

  it("(h) WebGPU in the browser: the window's adapter passes the check against the reference", async () => {
    await showView(page, 'hardware');
    const panel = page.locator('[data-webgpu]');
    // Chromium is started with --enable-unsafe-webgpu: SwiftShader where no GPU exists
    await expect.poll(() => panel.locator('[data-webgpu-adapter]').count(), { timeout: 45_000 }).toBe(1);
    expect(await panel.locator('[data-webgpu-adapter]').textContent()).toMatch(/\S/);
    await panel.locator('[data-action="webgpu-check"]').click();
    const caption = panel.locator('[data-webgpu-check] caption');
    await caption.waitFor({ timeout: 60_000 });
    expect(await caption.textContent()).toMatch(/pass/);
    expect(await panel.locator('[data-webgpu-check] tbody tr').count()).toBe(4);
    await shot(page, 'hardware-webgpu');
  }, 90_000);

  it('(h) the gates benchmark on both backends from the form, native and WebGPU side by side', async () => {
    await showView(page, 'hardware');
    const form = page.locator('.bench-form');
    const finished = async (since: number) => {
      await expect.poll(() => tab.events.slice(since).some((e) => e.event === 'benchmark-finished'), { timeout: 60_000 }).toBe(true);
      const e = tab.events.slice(since).find((x) => x.event === 'benchmark-finished')!;
      return (e.payload as { benchmark: { status: string; error?: string } }).benchmark;
    };
    // tiny sizes: 10 qubits, 1 repeat (a 1-qubit gate at 10 qubits is well under a millisecond on SwiftShader)
    await form.locator('input[name="bench-qubits"]').fill('10');
    await form.locator('input[name="bench-repeats"]').fill('1');
    await form.locator('input[name="bench-f64"]').uncheck();
    await form.locator('input[name="bench-threads"]').fill('1');
    let since = tab.events.length;
    await form.locator('[data-action="run-benchmark"]').click();
    const native = await finished(since);
    expect(native.status, native.error).toBe('completed');

    await form.locator('select[name="bench-backend"]').selectOption('webgpu');
    expect(await form.locator('[data-precision-fixed]').textContent()).toBe('f32');
    expect(await form.textContent()).toContain('WGSL has no f64');
    since = tab.events.length;
    await form.locator('[data-action="run-benchmark"]').click();
    const gpu = await finished(since);
    expect(gpu.status, gpu.error).toBe('completed');
    // once it has run, the form names the engine's adapter
    expect(await form.locator('select[name="bench-backend"] option[value="webgpu"]').textContent()).toMatch(/^WebGPU — \S/);

    const panel = page.locator('[data-backend-comparison]');
    const row = panel.locator('[data-row="1q@10"]');
    await row.waitFor();
    for (const c of ['native-ms', 'native-fraction', 'webgpu-ms', 'webgpu-fraction']) expect(await row.locator(`[data-cell="${c}"]`).textContent(), c).toMatch(/\d/);
    expect(await panel.locator('[data-reference="native"]').textContent()).toContain('in-place read+write bandwidth');
    expect(await panel.locator('[data-reference="webgpu"]').textContent()).toContain("device's in-place bandwidth");
    expect(await panel.locator('[data-timing]').textContent()).toMatch(/GPU timestamp queries|wall clock/);
    const charts = panel.locator('.chart-canvas');
    expect(await charts.count()).toBe(2);
    for (let i = 0; i < 2; i++) await waitForInk(charts.nth(i).locator('canvas').first());
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'hardware-native-vs-webgpu.png'), animations: 'disabled' });
    await shot(page, 'hardware-benchmarks');
  }, 120_000);
  it("(i) WebGPU in the window: a VQE and a QSVM on the window's own adapter (a worker), stored like the engine's runs", async () => {
    await showView(page, 'experiments');
    await experiment(page, 'gpu-vqe').locator('button.name').click();
    const where = page.locator('#setting-where');
    await where.waitFor();
    await where.selectOption('window');
    let since = tab.events.length;
    await experiment(page, 'gpu-vqe').locator('button.run').click();
    const vqe = await tab.runFinished('gpu-vqe', since, 120_000);
    expect(vqe.status, vqe.error).toBe('completed');
    expect(vqe.result!.env).toMatchObject({ backend: 'webgpu', precision: 'f32', runIn: 'window', timing: 'wall-clock' });
    expect(vqe.result!.env.adapter).toMatch(/\S/);
    // the exact reference comes from the TypeScript Lanczos in the worker
    expect(Math.abs(vqe.result!.quality.energy_error)).toBeLessThan(0.5);
    expect(vqe.result!.curves.energy!.length).toBeGreaterThan(3);

    // the choice is this window's preference: the QSVM (GPU kernel + LIBSVM in the worker) goes there too
    since = tab.events.length;
    await experiment(page, 'gpu-qsvm').locator('button.run').click();
    const qsvm = await tab.runFinished('gpu-qsvm', since, 120_000);
    expect(qsvm.status, qsvm.error).toBe('completed');
    expect(qsvm.result!.env.runIn).toBe('window');
    expect(qsvm.result!.quality.test_accuracy).toBeGreaterThanOrEqual(0.5);
    expect(qsvm.result!.quality.rbf_svm_accuracy).toBeGreaterThanOrEqual(0.5);

    await showView(page, 'runs');
    const row = runRow(page, vqe.id);
    await row.waitFor();
    expect(await row.textContent()).toContain('completed');
    await row.click();
    await expect.poll(() => page.locator('main').textContent(), { timeout: 45_000 }).toMatch(/runIn\s*window/);
    await shot(page, 'runs-webgpu-window');
    await showView(page, 'experiments');
    await experiment(page, 'gpu-vqe').locator('button.name').click();
    await page.locator('#setting-where').selectOption('engine'); // leave the preference as it was
  }, 300_000);
});
