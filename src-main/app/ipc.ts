// The API over Electron IPC: one ipcMain.handle channel per API method (the
// typed service contract of src-shared/api/contract.ts), never a generic one.
// Each call is checked here, in main, before the workbench sees it: the sender
// must be our window's page, and the arguments must parse (parseArgs names the
// bad one). Replies are envelopes because invoke() drops an Error's code.
import type { IpcMainInvokeEvent } from 'electron';
import { ApiError, parseArgs, type ApiErrorCode, type ApiMethod } from '../../src-shared/api/contract';
import { BRIDGE_METHODS, methodChannel, type IpcEnvelope } from '../../src-shared/api/ipc';

/** The part of ipcMain used here (tests pass a fake). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** The part of the Workbench used here. */
export interface ApiDispatcher {
  dispatch(req: { method: ApiMethod; args: unknown[] }): Promise<unknown>;
}

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

const CODES: readonly ApiErrorCode[] = ['bad-request', 'unknown-method', 'bad-argument', 'not-found', 'unsupported', 'failed'];

/** Any thrown value as an envelope's error: ApiError keeps its code, anything else is 'failed'. */
export function errorEnvelope(e: unknown): IpcEnvelope<never> {
  const raw = (e as { code?: unknown } | null)?.code;
  // Node's own codes (ENOENT, …) are not API codes: those errors are 'failed', their message says the rest.
  const code = CODES.includes(raw as ApiErrorCode) ? (raw as ApiErrorCode) : 'failed';
  const message = e instanceof Error ? e.message : String(e);
  return { ok: false, error: { message: message || 'the workbench failed without a message', code } };
}

/**
 * Register a handler per API method; returns the function that removes them.
 * `afterCall` runs after every successful call (the shell refreshes the window
 * title and the recent-files menu).
 */
export function registerApiHandlers(
  ipcMain: IpcMainLike,
  workbench: ApiDispatcher,
  isTrustedSender: SenderCheck,
  afterCall: (method: ApiMethod) => void = () => undefined,
): () => void {
  const channels: string[] = [];
  for (const method of BRIDGE_METHODS) {
    const channel = methodChannel(method);
    ipcMain.handle(channel, async (event, ...rest): Promise<IpcEnvelope> => {
      if (!isTrustedSender(event)) {
        return errorEnvelope(new ApiError(`${method}: refused — the request did not come from the Quench window`, 'bad-request'));
      }
      // The preload sends the arguments as one array, exactly as the WebSocket transport does.
      if (rest.length !== 1 || !Array.isArray(rest[0])) {
        return errorEnvelope(new ApiError(`${method}: the arguments must arrive as one array`, 'bad-request'));
      }
      try {
        const req = parseArgs(method, rest[0]);
        const result = await workbench.dispatch(req);
        afterCall(method);
        return { ok: true, result };
      } catch (e) {
        return errorEnvelope(e);
      }
    });
    channels.push(channel);
  }
  return () => {
    for (const c of channels) ipcMain.removeHandler(c);
  };
}

/** The part of a WebContents the sender check needs. */
interface ContentsLike {
  readonly id: number;
  isDestroyed(): boolean;
}

/**
 * Trust a call only from the main frame of our window's page, loaded from our
 * own files: not from another window, not from a subframe, not after the page
 * went somewhere else.
 */
export function windowSenderCheck(getContents: () => ContentsLike | null, rendererUrlPrefix: string): SenderCheck {
  return (event) => {
    const ours = getContents();
    if (!ours || ours.isDestroyed() || event.sender.id !== ours.id) return false;
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    return frame.url.startsWith(rendererUrlPrefix);
  };
}
