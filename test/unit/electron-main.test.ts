// The main process's wiring (src-main/app/index.ts), loaded with Electron and
// the Workbench replaced by fakes: the window it opens, the workbench it
// builds, IPC calls from the page to the workbench and events back, menu
// commands, a bad project on the command line, and quitting.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_METHODS, type ApiEvent } from '../../src-shared/api/contract';

const fake = vi.hoisted(() => {
  const { EventEmitter } = require('node:events') as typeof import('node:events');
  class FakeContents extends EventEmitter {
    static nextId = 1;
    id = FakeContents.nextId++;
    send = vi.fn();
    reload = vi.fn();
    isDestroyed = () => false;
    isLoading = () => false;
    setWindowOpenHandler = vi.fn();
  }
  class FakeWindow extends EventEmitter {
    static all: FakeWindow[] = [];
    static getAllWindows = () => FakeWindow.all;
    webContents = new FakeContents();
    loadFile = vi.fn(async () => undefined);
    setTitle = vi.fn();
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
    isMinimized = () => false;
    isDestroyed = () => false;
    setRepresentedFilename = vi.fn();
    setDocumentEdited = vi.fn();
    constructor(readonly options: Record<string, unknown>) {
      super();
      FakeWindow.all.push(this);
    }
  }
  const app = Object.assign(new EventEmitter(), {
    setName: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: () => Promise.resolve(),
    isPackaged: false,
    getPath: vi.fn(() => '/home/user/Documents'),
    quit: vi.fn(),
    exit: vi.fn(),
  });
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  const workbenches: { opts: Record<string, unknown>; dispatch: ReturnType<typeof vi.fn>; close: ReturnType<typeof vi.fn> }[] = [];
  const state = { failProjectFile: false };
  return { FakeWindow, app, handlers, workbenches, state, menus: [] as unknown[], errorBox: vi.fn() };
});

vi.mock('electron', () => ({
  app: fake.app,
  BrowserWindow: fake.FakeWindow,
  ipcMain: {
    handle: (c: string, fn: (event: unknown, ...args: unknown[]) => Promise<unknown>) => fake.handlers.set(c, fn),
    removeHandler: (c: string) => fake.handlers.delete(c),
  },
  Menu: {
    buildFromTemplate: (t: unknown) => t,
    setApplicationMenu: (m: unknown) => fake.menus.push(m),
    getApplicationMenu: () => fake.menus.at(-1) ?? null,
  },
  nativeTheme: { shouldUseDarkColors: false },
  session: {
    defaultSession: {
      webRequest: { onBeforeRequest: vi.fn() },
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
    },
  },
  shell: { openExternal: vi.fn(async () => undefined) },
  dialog: { showErrorBox: fake.errorBox, showOpenDialog: vi.fn(), showSaveDialog: vi.fn() },
  utilityProcess: { fork: vi.fn() },
}));

vi.mock('../../src-main/serve/workbench', () => ({
  Workbench: class {
    dispatch = vi.fn(async (req: { method: string }) => ({ answered: req.method }));
    close = vi.fn(async () => undefined);
    constructor(readonly opts: Record<string, unknown>) {
      if (opts.projectFile && fake.state.failProjectFile) throw new Error(`${String(opts.projectFile)}: experiments.0.kind: Invalid input`);
      fake.workbenches.push(this);
    }
    async info() {
      return { projectPath: '/p/seed.quench.json', dirty: false, recentFiles: ['/p/seed.quench.json'] };
    }
  },
}));

const APP_DIR = path.join(__dirname, '../../src-main/app');
const savedArgv = process.argv;
const savedDefaultApp = process.defaultApp;
const signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };

async function loadMain(argv: string[]) {
  process.argv = argv;
  (process as { defaultApp?: boolean }).defaultApp = true;
  vi.resetModules();
  await import('../../src-main/app/index');
  await new Promise((r) => setImmediate(r)); // whenReady().then(…)
}

afterAll(() => {
  process.argv = savedArgv;
  (process as { defaultApp?: boolean }).defaultApp = savedDefaultApp;
  for (const s of ['SIGINT', 'SIGTERM'] as const) {
    for (const l of process.listeners(s)) if (!signalListeners[s].includes(l)) process.off(s, l);
  }
});

describe('main process', () => {
  beforeAll(() => loadMain([process.execPath, '.', 'examples/x.quench.json']));

  it('opens the project named on the command line, in electron mode, with utilityProcess workers and dialogs', () => {
    expect(fake.workbenches).toHaveLength(1);
    const { opts } = fake.workbenches[0];
    expect(opts.projectFile).toBe(path.resolve('examples/x.quench.json'));
    expect(opts.mode).toBe('electron');
    expect(path.basename(String(opts.workerPath))).toBe('engine-worker.js');
    expect(typeof opts.spawnWorker).toBe('function');
    expect(typeof opts.chooseFile).toBe('function');
    expect(fake.app.setName).toHaveBeenCalledWith('Quench');
  });

  it('opens one sandboxed window on the built renderer', () => {
    expect(fake.FakeWindow.all).toHaveLength(1);
    const [win] = fake.FakeWindow.all;
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
    expect((win.options.webPreferences as { preload: string }).preload).toBe(path.join(APP_DIR, '../preload/index.js'));
    expect(win.loadFile).toHaveBeenCalledWith(path.join(APP_DIR, '../renderer/index.html'));
    expect(win.webContents.setWindowOpenHandler).toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalled();
  });

  it("routes the page's calls to the workbench, and only the page's", async () => {
    const [win] = fake.FakeWindow.all;
    expect([...fake.handlers.keys()].sort()).toEqual(API_METHODS.map((m) => `quench:${m}`).sort());
    const page = { sender: win.webContents, senderFrame: { url: pathToFileURL(path.join(APP_DIR, '../renderer/index.html')).href, parent: null } };
    await expect(fake.handlers.get('quench:getProject')!(page, [])).resolves.toEqual({ ok: true, result: { answered: 'getProject' } });
    const stranger = { sender: { id: 999 }, senderFrame: page.senderFrame };
    await expect(fake.handlers.get('quench:getProject')!(stranger, [])).resolves.toMatchObject({ ok: false, error: { code: 'bad-request' } });
    await expect(fake.handlers.get('quench:openProject')!(page, [42])).resolves.toMatchObject({ ok: false, error: { code: 'bad-argument', message: expect.stringContaining("'path'") } });
    expect(fake.workbenches[0].dispatch).toHaveBeenCalledTimes(1);
  });

  it('sends workbench events and menu commands to the page', async () => {
    const [win] = fake.FakeWindow.all;
    const e: ApiEvent = { event: 'run-progress', payload: { runId: 'r1', fraction: 0.5 } };
    (fake.workbenches[0].opts.emit as (e: ApiEvent) => void)(e);
    expect(win.webContents.send).toHaveBeenCalledWith('quench:event', e);
    // the menu with the recent files from info(), built after the first refresh
    await vi.waitFor(() => expect(JSON.stringify(fake.menus.at(-1))).toContain('seed.quench.json'));
    type Item = { label?: string; click?: () => void; submenu?: Item[] };
    const file = (fake.menus.at(-1) as Item[]).find((m) => m.label === '&File')!;
    file.submenu!.find((i) => i.label === '&Save')!.click!();
    expect(win.webContents.send).toHaveBeenCalledWith('quench:command', 'save');
    file.submenu!.find((i) => i.label === 'Open &Recent')!.submenu![0].click!();
    expect(win.webContents.send).toHaveBeenCalledWith('quench:command', { open: '/p/seed.quench.json' });
    expect(win.setTitle).toHaveBeenCalledWith('seed.quench.json — Quench');
  });

  it('keeps the title its own (not the page <title>)', () => {
    const [win] = fake.FakeWindow.all;
    const e = { preventDefault: vi.fn() };
    win.emit('page-title-updated', e, 'Quench');
    expect(e.preventDefault).toHaveBeenCalled();
  });

  it('closes the workbench before quitting', async () => {
    const e = { preventDefault: vi.fn() };
    fake.app.emit('before-quit', e);
    expect(e.preventDefault).toHaveBeenCalled();
    expect(fake.workbenches[0].close).toHaveBeenCalled();
    await vi.waitFor(() => expect(fake.app.quit).toHaveBeenCalled());
  });
});

describe('main process with a project file that does not open', () => {
  it('says why and opens the workbench without it', async () => {
    fake.state.failProjectFile = true;
    fake.workbenches.length = 0;
    fake.FakeWindow.all.length = 0;
    fake.app.removeAllListeners();
    await loadMain([process.execPath, '.', '/p/broken.quench.json']);
    expect(fake.errorBox).toHaveBeenCalledWith('Quench cannot open the project', expect.stringContaining('experiments.0.kind: Invalid input'));
    expect(fake.workbenches).toHaveLength(1);
    expect(fake.workbenches[0].opts.projectFile).toBeUndefined();
    expect(fake.FakeWindow.all).toHaveLength(1);
  });
});
