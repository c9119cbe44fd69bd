// The Electron main process: one sandboxed window on the built renderer, the
// workbench behind it (src-main/serve/workbench.ts, the same back end as
// `quench serve`), its API over typed IPC channels, runs in utilityProcess
// engine workers, native file dialogs and the application menu. Everything
// that can be decided without Electron lives in the modules next to this one
// (and is unit-tested there); this file only wires them to Electron.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, session, shell, utilityProcess } from 'electron';
import type { ApiEvent, ApiMethod } from '../../src-shared/api/contract';
import type { WorkbenchCommand } from '../../src-shared/api/commands';
import { COMMAND_CHANNEL, EVENT_CHANNEL } from '../../src-shared/api/ipc';
import { Workbench } from '../serve/workbench';
import { projectFromArgv } from './command-line';
import { fileChooser } from './dialogs';
import { registerApiHandlers, windowSenderCheck } from './ipc';
import { closeBeforeQuit } from './lifecycle';
import { menuTemplate } from './menu';
import { utilityWorkerSpawner } from './utility-worker';
import { hardenContents, hardenSession, secureWindowOptions, windowTitle } from './window';

const RENDERER_DIR = path.join(__dirname, '../renderer');
const PRELOAD = path.join(__dirname, '../preload/index.js');
const ENGINE_WORKER = path.join(__dirname, 'engine-worker.js');

/** Calls after which the title (file name, unsaved mark) or the recent files may have changed. */
const CHANGES_PROJECT: ReadonlySet<ApiMethod> = new Set<ApiMethod>([
  'updateProject', 'saveProject', 'newProject', 'openProject', 'openExample', 'openProjectText',
  'restoreRecovery', 'discardRecovery', 'importResults', 'importResultsText', 'deleteRuns', 'recordRun',
]);

const log = (line: string) => void process.stderr.write(line + '\n');

let win: BrowserWindow | null = null;
let workbench: Workbench | null = null;
/** A file handed to us (macOS open-file) before the window was up. */
let pendingFile: string | null = null;
let lastProjectPath: string | null = null;
let lastRecent = '';

function send(channel: string, payload: ApiEvent | WorkbenchCommand): void {
  if (win && !win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(channel, payload);
}
const sendCommand = (command: WorkbenchCommand) => send(COMMAND_CHANNEL, command);

function createWorkbench(projectFile: string | undefined): Workbench {
  const options = {
    workerPath: ENGINE_WORKER,
    spawnWorker: utilityWorkerSpawner(utilityProcess),
    emit: (e: ApiEvent) => {
      send(EVENT_CHANNEL, e);
      if (e.event === 'project-changed') scheduleRefresh();
    },
    log,
    mode: 'electron' as const,
    chooseFile: fileChooser(dialog, () => win, () => (lastProjectPath ? path.dirname(lastProjectPath) : app.getPath('documents'))),
  };
  try {
    return new Workbench({ ...options, projectFile });
  } catch (e) {
    if (!projectFile) throw e;
    // A bad file on the command line must not keep the app from starting: say why, open without it.
    dialog.showErrorBox('Quench cannot open the project', `${projectFile}\n\n${(e as Error).message}\n\nThe workbench opens without it.`);
    return new Workbench(options);
  }
}

/** Title and recent-files menu follow the project; coalesced, since edits arrive as fast as the user types. */
let refreshTimer: NodeJS.Timeout | undefined;
function scheduleRefresh(): void {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refreshChrome(), 150);
}

async function refreshChrome(): Promise<void> {
  if (!workbench) return;
  let info;
  try {
    info = await workbench.info();
  } catch (e) {
    log(`quench: cannot read the workbench state for the window title: ${(e as Error).message}`);
    return;
  }
  lastProjectPath = info.projectPath;
  if (win && !win.isDestroyed()) {
    win.setTitle(windowTitle(info));
    if (process.platform === 'darwin') {
      win.setRepresentedFilename(info.projectPath ?? '');
      win.setDocumentEdited(info.dirty);
    }
  }
  const recent = JSON.stringify(info.recentFiles ?? []);
  if (recent !== lastRecent || !Menu.getApplicationMenu()) {
    lastRecent = recent;
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ recentFiles: info.recentFiles ?? [], isPackaged: app.isPackaged, platform: process.platform, send: sendCommand })));
  }
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow(secureWindowOptions(PRELOAD, { dark: nativeTheme.shouldUseDarkColors }));
  hardenContents(w.webContents, (url) => shell.openExternal(url));
  w.on('page-title-updated', (e) => e.preventDefault()); // the title is the project's (refreshChrome), not the page's
  w.once('ready-to-show', () => w.show());
  w.on('closed', () => {
    if (win === w) win = null;
  });
  let crashes = 0;
  w.webContents.on('render-process-gone', (_e, details) => {
    log(`quench: the window's page stopped (${details.reason}, exit code ${details.exitCode})`);
    // The project lives in main; a reload brings the page back with it. Not in a loop, though.
    if (details.reason !== 'clean-exit' && details.reason !== 'killed' && ++crashes <= 3 && !w.isDestroyed()) w.reload();
  });
  w.webContents.once('did-finish-load', () => {
    if (pendingFile) sendCommand({ open: pendingFile });
    pendingFile = null;
  });
  void w.loadFile(path.join(RENDERER_DIR, 'index.html')).catch((e: Error) => log(`quench: cannot load the workbench page: ${e.message}`));
  return w;
}

function focusWindow(): void {
  if (!win || win.isDestroyed()) {
    win = createWindow();
    return;
  }
  if (win.isMinimized()) win.restore();
  win.focus();
}

function start(): void {
  const fromArgv = projectFromArgv(process.argv, Boolean(process.defaultApp), process.cwd());
  if (fromArgv && 'error' in fromArgv) log(`quench: ${fromArgv.error}; opening the workbench without it`);

  // A second `quench`/`electron .` hands its file to this one instead of running a second back end on the same autosave.
  app.on('second-instance', (_e, argv, workingDirectory) => {
    focusWindow();
    const p = projectFromArgv(argv, Boolean(process.defaultApp), workingDirectory); // started the same way as this one
    if (p && 'file' in p) sendCommand({ open: p.file });
  });
  app.on('open-file', (event, file) => {
    event.preventDefault();
    if (win && !win.webContents.isLoading()) sendCommand({ open: file });
    else pendingFile = file;
  });

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession, RENDERER_DIR, log);
    app.on('web-contents-created', (_e, contents) => contents.on('will-attach-webview', (ev) => ev.preventDefault()));

    let file: string | undefined;
    if (fromArgv && 'file' in fromArgv) file = fromArgv.file;
    else if (pendingFile) [file, pendingFile] = [pendingFile, null];
    let wb: Workbench;
    try {
      wb = workbench = createWorkbench(file);
    } catch (e) {
      dialog.showErrorBox('Quench cannot start', (e as Error).message);
      app.exit(1);
      return;
    }
    closeBeforeQuit(app, () => wb.close(), log);

    registerApiHandlers(
      ipcMain,
      wb,
      windowSenderCheck(() => (win && !win.isDestroyed() ? win.webContents : null), pathToFileURL(RENDERER_DIR).href + '/'),
      (method) => {
        if (CHANGES_PROJECT.has(method)) scheduleRefresh();
      },
    );
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ recentFiles: [], isPackaged: app.isPackaged, platform: process.platform, send: sendCommand })));
    win = createWindow();
    void refreshChrome();

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) win = createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Ctrl-C in the terminal that ran `npm start`: quit through before-quit, so the run in progress is cancelled.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
}

app.setName('Quench');
if (app.requestSingleInstanceLock()) start();
else app.quit();
