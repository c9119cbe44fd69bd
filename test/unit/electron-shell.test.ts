// The Electron shell's parts that do not need the Electron binary: window
// security options and request filtering, the IPC handlers, the utilityProcess
// adapter, menus, file dialogs, the command line and quitting. Electron itself
// is replaced by small fakes (it cannot be downloaded on these machines).
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IpcMainInvokeEvent, MenuItemConstructorOptions } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_METHODS, ApiError } from '../../src-shared/api/contract';
import { BRIDGE_METHODS } from '../../src-shared/api/ipc';
import { isWorkbenchCommand } from '../../src-shared/api/commands';
import { projectFromArgv } from '../../src-main/app/command-line';
import { fileChooser, projectFileName, type DialogLike } from '../../src-main/app/dialogs';
import { errorEnvelope, registerApiHandlers, windowSenderCheck, type IpcMainLike } from '../../src-main/app/ipc';
import { closeBeforeQuit } from '../../src-main/app/lifecycle';
import { menuTemplate } from '../../src-main/app/menu';
import { utilityWorkerSpawner, type UtilityForker } from '../../src-main/app/utility-worker';
import { hardenContents, hardenSession, isAllowedRequest, isExternalLink, secureWindowOptions, windowTitle } from '../../src-main/app/window';
import { runInWorker } from '../../src-main/serve/engine-process';

const ROOT = path.join(__dirname, '../..');
const RENDERER = path.join(ROOT, 'out', 'renderer');

describe('window security', () => {
  it('turns every security setting on explicitly', () => {
    const o = secureWindowOptions('/app/out/preload/index.js');
    expect(o.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.js',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
    expect(o.webPreferences).not.toHaveProperty('enableBlinkFeatures');
    expect(o.webPreferences).not.toHaveProperty('additionalArguments');
    expect(o.show).toBe(false);
    expect(secureWindowOptions('/p.js', { dark: true }).backgroundColor).not.toBe(o.backgroundColor);
  });

  it('refuses a relative preload path (it would resolve against the working directory)', () => {
    expect(() => secureWindowOptions('out/preload/index.js')).toThrow(/preload path must be absolute.*out\/preload\/index\.js/);
  });

  it('lets the page load only its own files and the dev tools', () => {
    const page = pathToFileURL(path.join(RENDERER, 'index.html')).href;
    expect(isAllowedRequest(page, RENDERER)).toBe(true);
    expect(isAllowedRequest(pathToFileURL(path.join(RENDERER, 'assets', 'index-abc.js')).href, RENDERER)).toBe(true);
    expect(isAllowedRequest('devtools://devtools/bundled/devtools_app.html', RENDERER)).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,AAAA', RENDERER)).toBe(true);
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:8080/api',
      'ws://127.0.0.1:1234/api',
      'file:///etc/passwd',
      pathToFileURL(path.join(ROOT, 'package.json')).href,
      pathToFileURL(RENDERER + '-evil/index.html').href, // a sibling folder sharing the prefix
      `${pathToFileURL(RENDERER).href}/../../package.json`,
      'chrome://settings',
      'not a url',
    ]) {
      expect(isAllowedRequest(url, RENDERER), url).toBe(false);
    }
  });

  it('cancels refused requests and denies every permission', () => {
    let onRequest: (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void = () => undefined;
    let onPermission: (wc: unknown, p: string, cb: (ok: boolean) => void) => void = () => undefined;
    let onCheck: () => boolean = () => true;
    const ses = {
      webRequest: { onBeforeRequest: (fn: typeof onRequest) => (onRequest = fn) },
      setPermissionRequestHandler: (fn: typeof onPermission) => (onPermission = fn),
      setPermissionCheckHandler: (fn: typeof onCheck) => (onCheck = fn),
    };
    const log = vi.fn();
    hardenSession(ses as never, RENDERER, log);
    const answer = (url: string) => {
      let r: { cancel: boolean } | undefined;
      onRequest({ url }, (x) => (r = x));
      return r;
    };
    expect(answer('https://cdn.example.com/x.js')).toEqual({ cancel: true });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('blocked a request for https://cdn.example.com/x.js'));
    expect(answer(pathToFileURL(path.join(RENDERER, 'index.html')).href)).toEqual({ cancel: false });
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const cb = vi.fn();
      onPermission({}, p, cb);
      expect(cb).toHaveBeenCalledWith(false);
    }
    expect(onCheck()).toBe(false);
  });

  it('blocks navigation and new windows; https links go to the browser', () => {
    const contents = new EventEmitter() as EventEmitter & { setWindowOpenHandler(fn: (d: { url: string }) => { action: string }): void };
    let openHandler: (d: { url: string }) => { action: string } = () => ({ action: 'allow' });
    contents.setWindowOpenHandler = (fn) => (openHandler = fn);
    const openExternal = vi.fn(async () => undefined);
    hardenContents(contents as never, openExternal);
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const e = { preventDefault: vi.fn() };
      contents.emit(event, e, 'https://evil.example/');
      expect(e.preventDefault, event).toHaveBeenCalled();
    }
    expect(openHandler({ url: 'https://arxiv.org/abs/1234' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://arxiv.org/abs/1234');
    openExternal.mockClear();
    for (const url of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'ms-settings:']) {
      expect(openHandler({ url })).toEqual({ action: 'deny' });
    }
    expect(openExternal).not.toHaveBeenCalled();
    expect(isExternalLink('https://x.org')).toBe(true);
  });

  it('titles the window after the project file, marking unsaved edits', () => {
    expect(windowTitle({ projectPath: '/home/a/qgan.quench.json', dirty: false })).toBe('qgan.quench.json — Quench');
    expect(windowTitle({ projectPath: '/home/a/qgan.quench.json', dirty: true })).toBe('qgan.quench.json • — Quench');
    expect(windowTitle({ projectPath: null, dirty: false })).toBe('Untitled project — Quench');
  });

  it("keeps the renderer's Content-Security-Policy strict", () => {
    const html = fs.readFileSync(path.join(ROOT, 'src-renderer', 'index.html'), 'utf8');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(csp).toBeDefined();
    const directives = new Map(csp!.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-eval|\*|https?:/);
  });
});

/** A fake ipcMain that lets the test invoke handlers as the page would. */
function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  const ipc: IpcMainLike = {
    handle: (channel, fn) => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`); // as Electron does
      handlers.set(channel, fn);
    },
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const invoke = (channel: string, event: unknown, ...args: unknown[]) => {
    const h = handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h(event as IpcMainInvokeEvent, ...args);
  };
  return { ipc, handlers, invoke };
}

const OURS = { id: 7, isDestroyed: () => false };
const PAGE = pathToFileURL(path.join(RENDERER, 'index.html')).href;
const ourEvent = { sender: OURS, senderFrame: { url: PAGE, parent: null } } as unknown as IpcMainInvokeEvent;

describe('IPC handlers', () => {
  it('list exactly the API methods, each once', () => {
    expect([...BRIDGE_METHODS].sort()).toEqual([...API_METHODS].sort());
    expect(new Set(BRIDGE_METHODS).size).toBe(BRIDGE_METHODS.length);
    const { ipc, handlers } = fakeIpcMain();
    registerApiHandlers(ipc, { dispatch: vi.fn() }, () => true);
    expect([...handlers.keys()].sort()).toEqual(API_METHODS.map((m) => `quench:${m}`).sort());
  });

  it('forward checked arguments to the workbench and wrap the result', async () => {
    const { ipc, invoke } = fakeIpcMain();
    const dispatch = vi.fn(async (req: { method: string; args: unknown[] }) => ({ runIds: [`${req.method}:${String(req.args[0])}`] }));
    const after = vi.fn();
    registerApiHandlers(ipc, { dispatch }, () => true, after);
    await expect(invoke('quench:runExperiment', ourEvent, ['vqe', { repeats: 3 }])).resolves.toEqual({ ok: true, result: { runIds: ['runExperiment:vqe'] } });
    expect(dispatch).toHaveBeenCalledWith({ method: 'runExperiment', args: ['vqe', { repeats: 3 }] });
    expect(after).toHaveBeenCalledWith('runExperiment');
    // an optional argument left out arrives as undefined, as over the WebSocket
    await invoke('quench:newProject', ourEvent, []);
    expect(dispatch).toHaveBeenLastCalledWith({ method: 'newProject', args: [undefined] });
  });

  it('reject a bad argument with an envelope naming it, before the workbench sees it', async () => {
    const { ipc, invoke } = fakeIpcMain();
    const dispatch = vi.fn();
    registerApiHandlers(ipc, { dispatch }, () => true);
    const bad = (await invoke('quench:runExperiment', ourEvent, ['vqe', { repeats: 0 }])) as { ok: false; error: { message: string; code: string } };
    expect(bad.ok).toBe(false);
    expect(bad.error.code).toBe('bad-argument');
    expect(bad.error.message).toMatch(/runExperiment: argument 'options': repeats/);
    expect(await invoke('quench:cancelRun', ourEvent, [])).toMatchObject({ ok: false, error: { code: 'bad-argument', message: expect.stringContaining("argument 'runId' is missing") } });
    expect(await invoke('quench:saveProject', ourEvent, [{}, '/tmp/x.txt'])).toMatchObject({ ok: false, error: { code: 'bad-argument', message: expect.stringContaining("'path'") } });
    expect(await invoke('quench:info', ourEvent, [1])).toMatchObject({ ok: false, error: { code: 'bad-argument', message: expect.stringContaining('takes 0 argument(s), got 1') } });
    // not the preload's shape (one array of arguments)
    expect(await invoke('quench:info', ourEvent)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await invoke('quench:cancelRun', ourEvent, 'run-1')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('refuse a sender that is not our window', async () => {
    const { ipc, invoke } = fakeIpcMain();
    const dispatch = vi.fn();
    registerApiHandlers(ipc, { dispatch }, windowSenderCheck(() => OURS, pathToFileURL(RENDERER).href + '/'));
    const refused = { ok: false, error: { code: 'bad-request', message: expect.stringContaining('did not come from the Quench window') } };
    const other = { sender: { id: 8, isDestroyed: () => false }, senderFrame: { url: PAGE, parent: null } };
    expect(await invoke('quench:getProject', other, [])).toMatchObject(refused);
    const subframe = { sender: OURS, senderFrame: { url: PAGE, parent: {} } };
    expect(await invoke('quench:getProject', subframe, [])).toMatchObject(refused);
    const elsewhere = { sender: OURS, senderFrame: { url: 'https://evil.example/', parent: null } };
    expect(await invoke('quench:getProject', elsewhere, [])).toMatchObject(refused);
    const goneFrame = { sender: OURS, senderFrame: null };
    expect(await invoke('quench:getProject', goneFrame, [])).toMatchObject(refused);
    expect(dispatch).not.toHaveBeenCalled();
    expect(windowSenderCheck(() => null, 'file:///')(ourEvent)).toBe(false);
    expect(windowSenderCheck(() => ({ id: 7, isDestroyed: () => true }), 'file:///')(ourEvent)).toBe(false);
    expect(windowSenderCheck(() => OURS, pathToFileURL(RENDERER).href + '/')(ourEvent)).toBe(true);
  });

  it("keep the workbench's error codes (invoke alone would lose them)", async () => {
    const { ipc, invoke } = fakeIpcMain();
    const errors: unknown[] = [new ApiError("cancelRun: no run 'r9'", 'not-found'), Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' }), 'a string'];
    registerApiHandlers(ipc, { dispatch: async () => { throw errors.shift(); } }, () => true);
    expect(await invoke('quench:cancelRun', ourEvent, ['r9'])).toEqual({ ok: false, error: { message: "cancelRun: no run 'r9'", code: 'not-found' } });
    expect(await invoke('quench:cancelRun', ourEvent, ['r9'])).toEqual({ ok: false, error: { message: 'ENOENT: no such file', code: 'failed' } });
    expect(await invoke('quench:cancelRun', ourEvent, ['r9'])).toEqual({ ok: false, error: { message: 'a string', code: 'failed' } });
    expect(errorEnvelope(new Error(''))).toEqual({ ok: false, error: { message: 'the workbench failed without a message', code: 'failed' } });
  });

  it('are removed by the function registration returns', () => {
    const { ipc, handlers } = fakeIpcMain();
    const dispose = registerApiHandlers(ipc, { dispatch: vi.fn() }, () => true);
    dispose();
    expect(handlers.size).toBe(0);
    registerApiHandlers(ipc, { dispatch: vi.fn() }, () => true); // registering again works (a second window)
    expect(handlers.size).toBe(API_METHODS.length);
  });
});

class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined = undefined;
  postMessage = vi.fn();
  kill = vi.fn(() => true);
  spawn(pid = 4242) {
    this.pid = pid;
    this.emit('spawn');
  }
  exit(code: number) {
    this.pid = undefined;
    this.emit('exit', code);
  }
}

function fakeForker() {
  const children: FakeUtilityProcess[] = [];
  const forker = { fork: vi.fn(() => children[children.push(new FakeUtilityProcess()) - 1]) };
  return { forker: forker as unknown as UtilityForker & { fork: typeof forker.fork }, children };
}

describe('utilityProcess engine worker', () => {
  it('forks the worker as the Quench engine service and passes messages both ways', () => {
    const { forker, children } = fakeForker();
    const ch = utilityWorkerSpawner(forker, vi.fn())('/app/out/main/engine-worker.js');
    expect(forker.fork).toHaveBeenCalledWith('/app/out/main/engine-worker.js', [], { serviceName: 'Quench engine', stdio: 'inherit' });
    const child = children[0];
    expect(ch.pid).toBeUndefined();
    child.spawn(99);
    expect(ch.pid).toBe(99);
    const job = { job: 'benchmark' as const, options: { qubits: [10], precision: ['f64' as const], threads: [1], repeats: 1, fusion: [0] } };
    ch.send(job as never);
    expect(child.postMessage).toHaveBeenCalledWith(job);
    const got = vi.fn();
    ch.onMessage(got);
    child.emit('message', { type: 'progress', progress: { fraction: 0.5 } });
    expect(got).toHaveBeenCalledWith({ type: 'progress', progress: { fraction: 0.5 } });
  });

  it('reports an exit with its code and no signal (utilityProcess gives none), once', () => {
    const { forker, children } = fakeForker();
    const ch = utilityWorkerSpawner(forker, vi.fn())('w.js');
    const exit = vi.fn(), spawnError = vi.fn();
    ch.onExit(exit);
    ch.onSpawnError(spawnError);
    children[0].spawn();
    children[0].exit(134);
    children[0].exit(0); // a stray second event changes nothing
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(134, null);
    expect(spawnError).not.toHaveBeenCalled();
    expect(ch.pid).toBeUndefined();
  });

  it('turns an exit before spawn into a start failure', () => {
    const { forker, children } = fakeForker();
    const ch = utilityWorkerSpawner(forker, vi.fn())('/missing/engine-worker.js');
    const exit = vi.fn(), spawnError = vi.fn();
    ch.onExit(exit);
    ch.onSpawnError(spawnError);
    children[0].exit(1);
    expect(spawnError).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringMatching(/\/missing\/engine-worker\.js.*did not start.*exit code 1/) }));
    expect(exit).not.toHaveBeenCalled();
  });

  it('kills by pid with the signal asked for (SIGKILL included), falling back to kill()', () => {
    const { forker, children } = fakeForker();
    const killPid = vi.fn();
    const ch = utilityWorkerSpawner(forker, killPid)('w.js');
    children[0].spawn(321);
    ch.kill('SIGTERM');
    ch.kill('SIGKILL');
    expect(killPid.mock.calls).toEqual([[321, 'SIGTERM'], [321, 'SIGKILL']]);
    expect(children[0].kill).not.toHaveBeenCalled();
    // gone already: nothing to do, nothing thrown
    killPid.mockImplementationOnce(() => { throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' }); });
    expect(() => ch.kill('SIGKILL')).not.toThrow();
    expect(children[0].kill).not.toHaveBeenCalled();
    // not allowed to signal it: Electron's own kill()
    killPid.mockImplementationOnce(() => { throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' }); });
    ch.kill('SIGTERM');
    expect(children[0].kill).toHaveBeenCalledTimes(1);
    children[0].exit(0);
    killPid.mockClear();
    ch.kill('SIGKILL');
    expect(killPid).not.toHaveBeenCalled();
  });

  it('holds a kill that comes before the process is up, and counts a cancelled start as an exit', () => {
    const { forker, children } = fakeForker();
    const killPid = vi.fn();
    const ch = utilityWorkerSpawner(forker, killPid)('w.js');
    ch.kill('SIGTERM');
    ch.kill('SIGKILL');
    ch.kill('SIGTERM'); // never weaker than what was asked before
    expect(killPid).not.toHaveBeenCalled();
    children[0].spawn(55);
    expect(killPid).toHaveBeenCalledWith(55, 'SIGKILL');

    const second = utilityWorkerSpawner(forker, killPid)('w.js');
    const exit = vi.fn(), spawnError = vi.fn();
    second.onExit(exit);
    second.onSpawnError(spawnError);
    second.kill('SIGTERM');
    children[1].exit(15);
    expect(exit).toHaveBeenCalledWith(15, null);
    expect(spawnError).not.toHaveBeenCalled();
  });

  it('never throws when the process has gone away under it', () => {
    const { forker, children } = fakeForker();
    const ch = utilityWorkerSpawner(forker, vi.fn())('w.js');
    children[0].spawn();
    children[0].postMessage.mockImplementation(() => { throw new Error('Object has been destroyed'); });
    expect(() => ch.send({ job: 'run' } as never)).not.toThrow();
    children[0].exit(0);
    children[0].postMessage.mockClear();
    ch.send({ job: 'run' } as never);
    expect(children[0].postMessage).not.toHaveBeenCalled();
  });

  it('drives runInWorker: result, crash and cancel', async () => {
    const { forker, children } = fakeForker();
    const killPid = vi.fn();
    const spawn = utilityWorkerSpawner(forker, killPid);
    const job = { job: 'run', experiment: {}, baseDir: '/tmp' } as never;

    const progress = vi.fn();
    const ok = runInWorker(spawn, 'w.js', job, progress);
    children[0].spawn(1);
    children[0].emit('message', { type: 'progress', progress: { fraction: 0.25 } });
    children[0].emit('message', { type: 'result', result: { metrics: { energy: -1.1 } } });
    children[0].exit(0);
    await expect(ok.outcome).resolves.toEqual({ status: 'completed', result: { metrics: { energy: -1.1 } } });
    expect(progress).toHaveBeenCalledWith({ fraction: 0.25 });
    expect(children[0].postMessage).toHaveBeenCalledWith(job);

    const crash = runInWorker(spawn, 'w.js', job, () => undefined);
    children[1].spawn(2);
    children[1].exit(133);
    await expect(crash.outcome).resolves.toEqual({ status: 'failed', error: expect.stringContaining('exited with code 133') });

    const cancelled = runInWorker(spawn, 'w.js', job, () => undefined);
    children[2].spawn(3);
    cancelled.cancel();
    expect(killPid).toHaveBeenCalledWith(3, 'SIGTERM');
    children[2].exit(0);
    await expect(cancelled.outcome).resolves.toEqual({ status: 'cancelled' });

    const neverStarted = runInWorker(spawn, '/nope.js', job, () => undefined);
    children[3].exit(9);
    await expect(neverStarted.outcome).resolves.toEqual({ status: 'failed', error: expect.stringContaining('cannot start the engine process') });
  });
});

describe('application menu', () => {
  const find = (items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions => {
    for (const i of items) {
      if (i.label?.replace(/&/g, '') === label) return i;
      if (Array.isArray(i.submenu)) {
        try {
          return find(i.submenu, label);
        } catch {
          /* not in this one */
        }
      }
    }
    throw new Error(`no menu item '${label}'`);
  };
  const click = (i: MenuItemConstructorOptions) => (i.click as unknown as () => void)();

  it('sends the workbench commands with their shortcuts', () => {
    const send = vi.fn();
    const menu = menuTemplate({ recentFiles: [], isPackaged: false, platform: 'linux', send });
    expect(menu.map((m) => m.label?.replace(/&/g, ''))).toEqual(['File', 'Edit', 'Run', 'View']);
    const expected: [string, string, unknown][] = [
      ['New Project', 'CmdOrCtrl+N', 'new'],
      ['Open…', 'CmdOrCtrl+O', 'open'],
      ['Save', 'CmdOrCtrl+S', 'save'],
      ['Save As…', 'CmdOrCtrl+Shift+S', 'save-as'],
      ['Run Selected Experiment', 'CmdOrCtrl+Enter', 'run'],
    ];
    for (const [label, accelerator, command] of expected) {
      const item = find(menu, label);
      expect(item.accelerator, label).toBe(accelerator);
      click(item);
      expect(send).toHaveBeenLastCalledWith(command);
      expect(isWorkbenchCommand(command)).toBe(true);
    }
    expect(find(menu, 'Quit').role).toBe('quit');
  });

  it('lists recent projects, opening the one clicked', () => {
    const send = vi.fn();
    const files = Array.from({ length: 14 }, (_, i) => `/home/a/p${i}.quench.json`);
    const recent = find(menuTemplate({ recentFiles: files, isPackaged: true, platform: 'linux', send }), 'Open Recent').submenu as MenuItemConstructorOptions[];
    expect(recent).toHaveLength(10);
    expect(recent[0].label).toBe('p0.quench.json — /home/a');
    click(recent[3]);
    expect(send).toHaveBeenCalledWith({ open: '/home/a/p3.quench.json' });
    const none = find(menuTemplate({ recentFiles: [], isPackaged: true, platform: 'linux', send }), 'Open Recent').submenu as MenuItemConstructorOptions[];
    expect(none).toEqual([{ label: 'No recent projects', enabled: false }]);
  });

  it('offers dev tools only in development, and follows macOS conventions there', () => {
    const roles = (m: MenuItemConstructorOptions[]) => JSON.stringify(m, (_k, v) => (typeof v === 'function' ? undefined : v));
    expect(roles(menuTemplate({ recentFiles: [], isPackaged: false, platform: 'linux', send: vi.fn() }))).toContain('toggleDevTools');
    expect(roles(menuTemplate({ recentFiles: [], isPackaged: true, platform: 'linux', send: vi.fn() }))).not.toContain('toggleDevTools');
    const mac = menuTemplate({ recentFiles: [], isPackaged: true, platform: 'darwin', send: vi.fn() });
    expect(mac[0].role).toBe('appMenu'); // Quit lives there on macOS
    expect(mac.at(-1)?.role).toBe('windowMenu');
    expect(() => find(mac, 'Quit')).toThrow();
  });
});

describe('file dialogs (chooseFile)', () => {
  function fakeDialog(answer: { canceled: boolean; filePaths?: string[]; filePath?: string }) {
    return {
      showOpenDialog: vi.fn(async () => ({ canceled: answer.canceled, filePaths: answer.filePaths ?? [] })),
      showSaveDialog: vi.fn(async () => ({ canceled: answer.canceled, filePath: answer.filePath ?? '' })),
    };
  }
  const win = { isDestroyed: () => false };

  it('Open: a project file, or null when cancelled; anything else is refused by name', async () => {
    const d = fakeDialog({ canceled: false, filePaths: ['/p/a.quench.json'] });
    const choose = fileChooser(d as unknown as DialogLike, () => win as never, () => '/p');
    await expect(choose('open')).resolves.toBe('/p/a.quench.json');
    expect(d.showOpenDialog).toHaveBeenCalledWith(win, expect.objectContaining({ properties: ['openFile'], defaultPath: '/p', filters: [{ name: 'Quench project', extensions: ['json'] }] }));
    await expect(fileChooser(fakeDialog({ canceled: true }) as unknown as DialogLike, () => null, () => '/p')('open')).resolves.toBeNull();
    const wrong = fileChooser(fakeDialog({ canceled: false, filePaths: ['/p/data.json'] }) as unknown as DialogLike, () => null, () => '/p');
    await expect(wrong('open')).rejects.toMatchObject({ code: 'bad-argument', message: expect.stringContaining("'data.json' is not a Quench project file") });
    await expect(wrong('import')).rejects.toThrow(/data\.json/);
  });

  it('Import picks a project file to merge results from', async () => {
    const d = fakeDialog({ canceled: false, filePaths: ['/other/machine.quench.json'] });
    await expect(fileChooser(d as unknown as DialogLike, () => null, () => '/p')('import')).resolves.toBe('/other/machine.quench.json');
    expect(d.showOpenDialog).toHaveBeenCalledWith(expect.objectContaining({ buttonLabel: 'Import' })); // no window: not modal
  });

  it('Save: starts at project.quench.json; adds the extension to a bare name', async () => {
    const d = fakeDialog({ canceled: false, filePath: '/p/mine.quench.json' });
    await expect(fileChooser(d as unknown as DialogLike, () => win as never, () => '/home/a/Documents')('save')).resolves.toBe('/p/mine.quench.json');
    expect(d.showSaveDialog).toHaveBeenCalledWith(win, expect.objectContaining({ defaultPath: path.join('/home/a/Documents', 'project.quench.json') }));
    await expect(fileChooser(fakeDialog({ canceled: true }) as unknown as DialogLike, () => null, () => '/p')('save')).resolves.toBeNull();
    expect(projectFileName('/p/mine', () => false)).toBe('/p/mine.quench.json');
    expect(() => projectFileName('/p/mine', () => true)).toThrow(/'mine\.quench\.json' already exists/);
    expect(() => projectFileName('/p/mine.json', () => false)).toThrow(/'mine\.json' is not a Quench project file name/);
    await expect(fileChooser(d as unknown as DialogLike, () => null, () => '/p')('other' as never)).rejects.toThrow(/unknown kind 'other'/);
  });
});

describe('project from the command line', () => {
  it('takes the first file argument after the app path', () => {
    expect(projectFromArgv(['/usr/bin/electron', '.', 'x.quench.json'], true, '/work')).toEqual({ file: '/work/x.quench.json' });
    expect(projectFromArgv(['/opt/Quench/quench', '/abs/y.quench.json'], false, '/work')).toEqual({ file: '/abs/y.quench.json' });
    expect(projectFromArgv(['/usr/bin/electron', '.', '--no-sandbox', '--inspect=0', 'x.quench.json'], true, '/w')).toEqual({ file: '/w/x.quench.json' });
  });
  it('is null without one, and an error for something else', () => {
    expect(projectFromArgv(['/usr/bin/electron', '.'], true, '/w')).toBeNull();
    expect(projectFromArgv(['/opt/Quench/quench', '--enable-logging'], false, '/w')).toBeNull();
    expect(projectFromArgv(['/usr/bin/electron', '.', 'notes.txt'], true, '/w')).toEqual({ error: "'notes.txt' is not a project file (it must end in .quench.json)" });
  });
});

describe('quitting', () => {
  afterEach(() => vi.useRealTimers());

  function fakeApp() {
    const emitter = new EventEmitter();
    const quit = vi.fn(() => {
      const e = { preventDefault: vi.fn() };
      emitter.emit('before-quit', e);
      return e;
    });
    return Object.assign(emitter, { quit });
  }

  it('waits for the workbench to close (the run in progress is cancelled) before quitting', async () => {
    const app = fakeApp();
    let finish!: () => void;
    const close = vi.fn(() => new Promise<void>((r) => (finish = r)));
    closeBeforeQuit(app, close, vi.fn());
    const first = { preventDefault: vi.fn() };
    app.emit('before-quit', first);
    expect(first.preventDefault).toHaveBeenCalled();
    app.emit('before-quit', { preventDefault: vi.fn() }); // a second Quit while closing: still held, close not repeated
    expect(close).toHaveBeenCalledTimes(1);
    expect(app.quit).not.toHaveBeenCalled();
    finish();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    expect(app.quit.mock.results[0].value.preventDefault).not.toHaveBeenCalled(); // the real quit goes through
  });

  it('quits even when closing fails or hangs', async () => {
    const failing = fakeApp();
    const log = vi.fn();
    closeBeforeQuit(failing, () => Promise.reject(new Error('disk full')), log);
    failing.emit('before-quit', { preventDefault: vi.fn() });
    await vi.waitFor(() => expect(failing.quit).toHaveBeenCalled());
    expect(log).toHaveBeenCalledWith(expect.stringContaining('disk full'));

    vi.useFakeTimers();
    const hung = fakeApp();
    closeBeforeQuit(hung, () => new Promise<void>(() => undefined), log, 1000);
    hung.emit('before-quit', { preventDefault: vi.fn() });
    await vi.advanceTimersByTimeAsync(1001);
    expect(hung.quit).toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('did not close within 1000 ms'));
  });
});

describe('the workbench behind the IPC handlers', () => {
  it('answers getProject and chooseFile through the same path the window uses', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-electron-'));
    try {
      const { Workbench } = await import('../../src-main/serve/workbench');
      const dialog = { showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/p/chosen.quench.json'] })), showSaveDialog: vi.fn() };
      const wb = new Workbench({ workerPath: '/nonexistent.js', emit: () => undefined, mode: 'electron', home, chooseFile: fileChooser(dialog as unknown as DialogLike, () => null, () => home) });
      const { ipc, invoke } = fakeIpcMain();
      registerApiHandlers(ipc, wb, () => true);
      const project = (await invoke('quench:getProject', ourEvent, [])) as { ok: true; result: { format: string; experiments: unknown[] } };
      expect(project.ok).toBe(true);
      expect(project.result.format).toBe('quench-project');
      expect(project.result.experiments.length).toBeGreaterThan(0);
      expect(await invoke('quench:chooseFile', ourEvent, ['open'])).toEqual({ ok: true, result: { path: '/p/chosen.quench.json' } });
      expect(await invoke('quench:info', ourEvent, [])).toMatchObject({ ok: true, result: { mode: 'electron' } });
      expect(await invoke('quench:cancelRun', ourEvent, ['no-such-run'])).toMatchObject({ ok: true, result: { cancelled: false } });
      await wb.close();
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
