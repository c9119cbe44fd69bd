// The one place the UI talks to the engine: a typed QuenchApi over the
// WebSocket at /api (wire format in src-shared/api/contract.ts). The token
// travels in the HttpOnly cookie set when the page was loaded, so the page
// never sees it. No reconnect yet: a closed socket fails pending and later calls.
import type { ApiEvent, ApiMethod, ApiResponse, QuenchApi } from '../../src-shared/api/contract';
import { BRIDGE_METHODS } from '../../src-shared/api/ipc';

export type EventListener = (e: ApiEvent) => void;

export interface QuenchClient extends QuenchApi {
  /** Listen to run-progress / run-finished; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void;
  close(): void;
}

/** The minimum of a WebSocket the client needs (tests pass a fake). */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', fn: () => void): void;
  addEventListener(type: 'message', fn: (e: { data: unknown }) => void): void;
}

const OPEN = 1;

export function apiUrl(loc: { protocol: string; host: string } = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/api`;
}

export function createClient(socket: SocketLike = new WebSocket(apiUrl())): QuenchClient {
  let nextId = 1;
  let closedError: Error | null = null;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<EventListener>();
  const opened = new Promise<void>((resolve, reject) => {
    if (socket.readyState === OPEN) return resolve();
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new Error('cannot connect to the Quench engine (is `quench serve` running?)')));
  });
  opened.catch(() => undefined); // reported through the calls

  socket.addEventListener('message', (ev) => {
    let msg: Partial<ApiResponse & ApiEvent>;
    try {
      msg = JSON.parse(String(ev.data));
    } catch {
      return;
    }
    if ('event' in msg && msg.event) {
      for (const l of listeners) l(msg as ApiEvent);
      return;
    }
    const id = typeof msg.id === 'number' ? msg.id : Number(msg.id);
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if ('error' in msg && msg.error) p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
    else p.resolve((msg as { result: unknown }).result);
  });
  socket.addEventListener('close', () => {
    closedError = new Error('the connection to the Quench engine closed; reload the page');
    for (const p of pending.values()) p.reject(closedError);
    pending.clear();
  });

  async function call<T>(method: ApiMethod, args: unknown[]): Promise<T> {
    if (closedError) throw closedError;
    await opened;
    const id = nextId++;
    while (args.length && args[args.length - 1] === undefined) args.pop(); // optional trailing args
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      socket.send(JSON.stringify({ id, method, args }));
    });
  }

  // one function per method of the contract, each a call over the socket
  const methods = Object.fromEntries(BRIDGE_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)])) as unknown as QuenchApi;
  return {
    ...methods,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => socket.close(),
  };
}
