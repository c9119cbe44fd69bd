// The preload: the only bridge between the sandboxed page and the main
// process. It exposes `window.quench` (src-shared/api/ipc.ts): one function per
// API method, each bound to its own channel, plus event and menu-command
// subscriptions. There is deliberately no generic invoke/send: the page can ask
// for exactly the API and nothing else. Arguments are checked in main.
// Sandboxed: only 'electron' may be required; electron-vite bundles the rest
// (src-shared/api/ipc.ts has no runtime dependencies; no zod here).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { version } from '../../package.json';
import type { ApiEvent, ApiMethod } from '../../src-shared/api/contract';
import { isWorkbenchCommand, type WorkbenchCommand } from '../../src-shared/api/commands';
import { BRIDGE_METHODS, COMMAND_CHANNEL, EVENT_CHANNEL, methodChannel, type BridgeApi, type IpcEnvelope, type QuenchBridge } from '../../src-shared/api/ipc';

function method(name: ApiMethod) {
  const channel = methodChannel(name);
  // The arguments travel as one array: main checks its length and each argument (parseArgs).
  return (...args: unknown[]): Promise<IpcEnvelope> => ipcRenderer.invoke(channel, args) as Promise<IpcEnvelope>;
}

const api = Object.freeze(Object.fromEntries(BRIDGE_METHODS.map((name) => [name, method(name)]))) as unknown as BridgeApi;

/** Subscribe to one main → page channel; the page never sees the IpcRendererEvent (it carries ipcRenderer). */
function subscribe<T>(channel: string, accept: (payload: unknown) => payload is T, listener: (payload: T) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError(`quench: the listener for ${channel} must be a function`);
  const wrapped = (_event: IpcRendererEvent, payload: unknown) => {
    if (accept(payload)) listener(payload);
  };
  ipcRenderer.on(channel, wrapped);
  return () => void ipcRenderer.removeListener(channel, wrapped);
}

const isEvent = (p: unknown): p is ApiEvent => typeof p === 'object' && p !== null && typeof (p as { event?: unknown }).event === 'string';

const bridge: QuenchBridge = {
  api,
  onEvent: (listener) => subscribe<ApiEvent>(EVENT_CHANNEL, isEvent, listener),
  onCommand: (listener) => subscribe<WorkbenchCommand>(COMMAND_CHANNEL, isWorkbenchCommand, listener),
  version,
};

contextBridge.exposeInMainWorld('quench', bridge);
