// The API client of the Electron app: the same QuenchClient as the WebSocket
// one (client.ts), over the preload's `window.quench` bridge. Replies arrive
// as envelopes (src-shared/api/ipc.ts) and become values or Errors with the
// API's `code`, exactly as the WebSocket client rejects.
// Types come from src-shared only, so this file also compiles for Node (tests).
import type { ApiErrorCode, ApiEvent, ApiMethod, QuenchApi } from '../../src-shared/api/contract';
import { BRIDGE_METHODS, type IpcEnvelope, type QuenchBridge } from '../../src-shared/api/ipc';

/** What client.ts's QuenchClient is; main.ts's setApi(…) checks that the two stay the same. */
export type IpcClient = QuenchApi & {
  onEvent(listener: (e: ApiEvent) => void): () => void;
  close(): void;
};

export type ApiCallError = Error & { code: ApiErrorCode };

/** The bridge the preload exposes, when this page runs in the Electron app. */
export function electronBridge(): QuenchBridge | undefined {
  return (globalThis as { quench?: QuenchBridge }).quench;
}

export function createIpcClient(bridge: QuenchBridge | undefined = electronBridge()): IpcClient {
  if (!bridge || typeof bridge.api !== 'object') throw new Error('the Electron bridge (window.quench) is missing: this page is not running in the Quench app');
  const listeners = new Set<(e: ApiEvent) => void>();
  let unsubscribe: (() => void) | null = null;
  let closed = false;

  async function call(method: ApiMethod, args: unknown[]): Promise<unknown> {
    if (closed) throw Object.assign(new Error(`${method}: the API client is closed`), { code: 'failed' as const });
    const fn = bridge!.api[method] as ((...a: unknown[]) => Promise<IpcEnvelope>) | undefined;
    if (typeof fn !== 'function') throw Object.assign(new Error(`${method}: not offered by this version of the Quench app`), { code: 'unsupported' as const });
    while (args.length && args[args.length - 1] === undefined) args.pop(); // optional trailing arguments
    // The same JSON semantics as the WebSocket wire (and no reactive Proxies, which IPC cannot clone).
    const plain = JSON.parse(JSON.stringify(args)) as unknown[];
    let reply: IpcEnvelope;
    try {
      reply = await fn(...plain);
    } catch (e) {
      throw Object.assign(new Error((e as Error)?.message ?? String(e)), { code: 'failed' as const }); // invoke's own message names the channel
    }
    if (reply && reply.ok === true) return reply.result;
    if (reply && reply.ok === false && reply.error) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    throw Object.assign(new Error(`${method}: the Quench app sent a malformed reply`), { code: 'failed' as const });
  }

  const client = Object.fromEntries(BRIDGE_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)])) as unknown as QuenchApi;
  return {
    ...client,
    onEvent(listener) {
      // One subscription to the bridge, shared by every listener here (as one socket is in client.ts).
      if (!unsubscribe && !closed) unsubscribe = bridge.onEvent((e) => listeners.forEach((l) => l(e)));
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      closed = true;
      listeners.clear();
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
