// End-to-end harness: `quench serve` in-process on a temp copy of a fixture
// project (with its own QUENCH_HOME), driven by Debian's Chromium through
// playwright-core. Collects what a user would see go wrong (console errors,
// uncaught exceptions, failed or 4xx/5xx requests) so tests can fail on it,
// records the API events the page receives (to learn the ids of the runs it
// started), and takes screenshots. Needs the built renderer and engine worker
// (out/, `npm run build`), like test/integration/serve.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { ApiEvent } from '../../src-shared/api/contract';
import { parseProject, type Run } from '../../src-shared/project/schema';
import { startServer, type RunningServer } from '../../src-main/serve/server';

export const CHROMIUM = '/usr/bin/chromium';
/** Debian's package (`.ci/run` installs it); playwright never downloads a browser here. */
export const haveChromium = fs.existsSync(CHROMIUM);

// --disable-background-networking & co.: this network is closed, and Chromium's own
// connections (updates, sync, QUIC probes) are refused and logged as noise otherwise.
// --enable-unsafe-webgpu: WebGPU on Linux (SwiftShader, Chromium's software adapter, where no GPU exists).
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu',
];

export const SCREENSHOTS = path.join(__dirname, 'screenshots');
const FIXTURES = path.join(__dirname, 'fixtures');

/** A browser tab on one server, with what went wrong in it and the API events it received. */
export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught exceptions, failed requests and HTTP errors, in order. */
  problems: string[];
  events: ApiEvent[];
  /** The run-finished event of the next run of `experimentId` that finishes after event index `since`. */
  runFinished(experimentId: string, since: number, timeoutMs?: number): Promise<Run>;
}

export class E2E {
  readonly servers: RunningServer[] = [];
  readonly tabs: Tab[] = [];
  browser!: Browser;
  /** The first server, on `file`. */
  server!: RunningServer;
  /** The temp copy of the fixture project that the first server opened. */
  file!: string;
  private readonly prevHome = process.env.QUENCH_HOME;

  private constructor(readonly dir: string) {}

  /** A temp dir with a copy of the fixture (a name in fixtures/, or an absolute path) and QUENCH_HOME, a server on the copy, and Chromium. */
  static async start(fixture = 'e2e.quench.json'): Promise<E2E> {
    const e = new E2E(fs.mkdtempSync(path.join(os.tmpdir(), 'quench-e2e-')));
    try {
      // The server keeps recent files and crash-recovery copies here: never the user's ~/.quench.
      process.env.QUENCH_HOME = path.join(e.dir, 'home');
      const text = fs.readFileSync(path.isAbsolute(fixture) ? fixture : path.join(FIXTURES, fixture), 'utf8');
      parseProject(text, fixture); // a broken fixture fails here, naming the bad field
      e.file = path.join(e.dir, 'project', path.basename(fixture));
      fs.mkdirSync(path.dirname(e.file), { recursive: true });
      fs.writeFileSync(e.file, text);
      e.server = await e.startServer(e.file);
      e.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      return e;
    } catch (err) {
      await e.close();
      throw err;
    }
  }

  /** Another `quench serve` in this process (e.g. on a saved copy, to reopen it); closed with the rest. */
  async startServer(projectFile: string): Promise<RunningServer> {
    const s = await startServer({ projectFile, port: 0, log: () => undefined });
    this.servers.push(s);
    return s;
  }

  /**
   * A new tab (its own browser context: cookies are per host, not per port, so two
   * servers' token cookies would overwrite each other in one context) opened on the
   * URL the server prints.
   */
  async open(server: RunningServer = this.server, colorScheme: 'light' | 'dark' = 'light'): Promise<Tab> {
    const context = await this.browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme });
    // Fail fast on a missing element: a flow waiting on a selector the UI lacks should not eat the file's time budget.
    context.setDefaultTimeout(45_000);
    const page = await context.newPage();
    const problems: string[] = [];
    const events: ApiEvent[] = [];
    const waiters = new Set<() => void>();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}${m.location().url ? ` (${m.location().url})` : ''}`);
    });
    page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
    page.on('requestfailed', (r) => {
      // ERR_ABORTED is the browser dropping a request itself (a reload mid-fetch), not a failure the user sees.
      const why = r.failure()?.errorText ?? '';
      if (!why.includes('ERR_ABORTED')) problems.push(`request failed: ${r.method()} ${r.url()} ${why}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
    });
    page.on('websocket', (ws) => {
      ws.on('framereceived', ({ payload }) => {
        let m: { event?: string };
        try {
          m = JSON.parse(String(payload));
        } catch {
          problems.push(`websocket: a frame that is not JSON: ${String(payload).slice(0, 200)}`);
          return;
        }
        if (m && typeof m.event === 'string') {
          events.push(m as ApiEvent);
          for (const w of [...waiters]) w();
        }
      });
    });
    const tab: Tab = {
      context, page, problems, events,
      runFinished: (experimentId, since, timeoutMs = 20_000) =>
        new Promise<Run>((resolve, reject) => {
          const check = () => {
            const e = events.slice(since).find((e) => e.event === 'run-finished' && e.payload.run.experimentId === experimentId);
            if (!e || e.event !== 'run-finished') return;
            waiters.delete(check);
            clearTimeout(timer);
            resolve(e.payload.run);
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            reject(new Error(`no run of '${experimentId}' finished within ${timeoutMs} ms (events seen: ${events.slice(since).map((e) => e.event).join(', ') || 'none'})`));
          }, timeoutMs);
          waiters.add(check);
          check();
        }),
    };
    this.tabs.push(tab);
    await page.goto(server.url);
    return tab;
  }

  /** Close tabs, the browser and the servers (each even if another fails), restore QUENCH_HOME, remove the temp dir. */
  async close(): Promise<void> {
    const errors: unknown[] = [];
    const attempt = async (f: () => Promise<unknown> | unknown) => {
      try {
        await f();
      } catch (err) {
        errors.push(err);
      }
    };
    for (const t of this.tabs.splice(0)) await attempt(() => t.context.close());
    if (this.browser) await attempt(() => this.browser.close());
    for (const s of this.servers.splice(0)) await attempt(() => s.close());
    if (this.prevHome === undefined) delete process.env.QUENCH_HOME;
    else process.env.QUENCH_HOME = this.prevHome;
    await attempt(() => fs.rmSync(this.dir, { recursive: true, force: true }));
    if (errors.length) throw new AggregateError(errors, `e2e teardown: ${errors.map(String).join('; ')}`);
  }
}

/** A full-page PNG at test/e2e/screenshots/<name>.png (gitignored), to look at. */
export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

/** The part of an HTMLCanvasElement inkPixels uses (this config type-checks against Node's globals, not the DOM's). */
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

/**
 * In the page: how many of a <canvas>'s pixels differ from its top-left corner
 * pixel (the background: transparent for ECharts here). A chart that drew nothing
 * has 0. Self-contained: playwright sends its source to the page.
 */
function inkPixels(el: unknown): number {
  const canvas = el as Partial<CanvasLike>;
  if (typeof canvas.getContext !== 'function' || !canvas.width || !canvas.height) return 0; // not a canvas, or not laid out
  const ctx = canvas.getContext('2d');
  if (!ctx) return 0;
  const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    // a small tolerance so antialiasing noise in the background does not count
    if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) + Math.abs(d[i + 3] - d[3]) > 24) n++;
  }
  return n;
}

/** Whether a chart's <canvas> has drawn something (at least `minPixels` non-background pixels). */
export async function canvasHasInk(canvas: Locator, minPixels = 200): Promise<boolean> {
  return (await canvas.evaluate(inkPixels)) >= minPixels;
}

/** Wait until a chart's <canvas> has ink (charts draw after layout and data arrive), checking once per frame. */
export async function waitForInk(canvas: Locator, minPixels = 200, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await canvas.waitFor({ state: 'visible', timeout: timeoutMs });
  let n = 0;
  while ((n = await canvas.evaluate(inkPixels)) < minPixels) {
    if (Date.now() > deadline) throw new Error(`${canvas}: ${n} non-background pixels after ${timeoutMs} ms (want ${minPixels})`);
    await canvas.page().evaluate('new Promise((r) => requestAnimationFrame(r))'); // the next frame
  }
}
