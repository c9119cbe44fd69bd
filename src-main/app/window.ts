// The workbench window and the rules it lives under: the page is sandboxed,
// isolated from the preload, has no Node, loads nothing but our own files,
// cannot navigate or open windows, and is granted no permission. The options
// and checks are plain functions so the unit tests can assert every flag.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

/** BrowserWindow options with every security setting spelled out (not left to defaults that change between Electron versions). */
export function secureWindowOptions(preloadPath: string, opts: { dark?: boolean } = {}): BrowserWindowConstructorOptions {
  if (!path.isAbsolute(preloadPath)) throw new Error(`the preload path must be absolute, got '${preloadPath}'`);
  return {
    width: 1360,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: 'Quench',
    show: false, // shown on ready-to-show: no white flash before the first paint
    backgroundColor: opts.dark ? '#12151b' : '#f6f7f9', // style.css --bg of the theme the page will pick
    webPreferences: {
      preload: preloadPath,
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
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

/**
 * The only requests the page may make: the built renderer's own files, and the
 * dev tools. Everything else (http(s), ws, other files on disk) is cancelled.
 */
export function isAllowedRequest(url: string, rendererDir: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'devtools:') return true;
  // data: and blob: are the page's own bytes (chart PNGs, CSV downloads), never the network
  if (u.protocol === 'data:' || u.protocol === 'blob:') return true;
  if (u.protocol !== 'file:') return false;
  let file: string;
  try {
    file = path.resolve(fileURLToPath(u));
  } catch {
    return false;
  }
  const root = path.resolve(rendererDir);
  return file === root || file.startsWith(root + path.sep);
}

/** Cancel every request isAllowedRequest refuses and deny every permission (camera, notifications, geolocation, …). */
export function hardenSession(ses: Session, rendererDir: string, log: (line: string) => void = () => undefined): void {
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(details.url, rendererDir);
    if (!allowed) log(`quench: blocked a request for ${details.url.slice(0, 200)} (the workbench loads no remote content)`);
    callback({ cancel: !allowed });
  });
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

/** No navigation away from the workbench, no new windows; https links open in the user's browser. */
export function hardenContents(contents: WebContents, openExternal: (url: string) => Promise<void>): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  });
}

/** Links the page may hand to the user's browser: https only (no file:, no custom protocol handlers). */
export function isExternalLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The window's title: the project file's name, a dot while there are unsaved edits. */
export function windowTitle(info: { projectPath: string | null; dirty: boolean }): string {
  const name = info.projectPath ? path.basename(info.projectPath) : 'Untitled project';
  return `${name}${info.dirty ? ' •' : ''} — Quench`;
}
