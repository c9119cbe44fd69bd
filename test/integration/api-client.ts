// A WebSocket client of `quench serve`'s API for the integration tests, as
// the UI drives it: calls answered by id, events kept in order.
import WebSocket from 'ws';
import type { ApiEvent, RunFinishedEvent } from '../../src-shared/api/contract';

export interface ApiClient {
  ws: WebSocket;
  events: ApiEvent[];
  /** The raw answer: { result } or { error }. */
  call(method: string, ...args: unknown[]): Promise<{ result?: any; error?: { message: string; code?: string } }>;
  /** The result, or an Error carrying the answer's message. */
  result(method: string, ...args: unknown[]): Promise<any>;
  finished(runId: string): Promise<RunFinishedEvent>;
  /** Sends raw text; resolves with the answer that carries `id`. */
  send(text: string, id?: unknown): Promise<any>;
}

export async function connectApi(url: string): Promise<ApiClient> {
  const ws = new WebSocket(url);
  await new Promise((res, rej) => ws.once('open', res).once('error', rej));
  const events: ApiEvent[] = [];
  const pending = new Map<unknown, (m: any) => void>();
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if ('event' in m) {
      events.push(m);
      for (const w of waiters.splice(0)) w();
    } else pending.get(m.id)?.(m);
  });
  let next = 0;
  const send = (text: string, id: unknown = null) =>
    new Promise<any>((res, rej) => {
      pending.set(id, res);
      ws.send(text, (err) => err && rej(err));
    });
  const call = (method: string, ...args: unknown[]) => {
    const id = ++next;
    return send(JSON.stringify({ id, method, args }), id);
  };
  return {
    ws, events, send, call,
    async result(method, ...args) {
      const m = await call(method, ...args);
      if (m.error) throw new Error(`${method}: ${m.error.message}`);
      return m.result;
    },
    async finished(runId) {
      for (;;) {
        const e = events.find((x) => x.event === 'run-finished' && x.payload.runId === runId);
        if (e) return e.payload as RunFinishedEvent;
        await new Promise<void>((r) => waiters.push(r));
      }
    },
  };
}
