// The renderer's IPC client over a fake bridge: the same QuenchClient as the
// WebSocket one, envelopes unwrapped into values or Errors with a code.
import { describe, expect, it, vi } from 'vitest';
import { API_METHODS, type ApiEvent } from '../../src-shared/api/contract';
import type { IpcEnvelope, QuenchBridge } from '../../src-shared/api/ipc';
import { createIpcClient } from '../../src-renderer/api/ipc-client';
import { dispatchWorkbenchCommand, onWorkbenchCommand } from '../../src-renderer/api/commands';

function fakeBridge(reply: (method: string, args: unknown[]) => IpcEnvelope | Promise<IpcEnvelope>) {
  const calls: [string, unknown[]][] = [];
  const eventListeners = new Set<(e: ApiEvent) => void>();
  const api = Object.fromEntries(
    API_METHODS.map((m) => [
      m,
      async (...args: unknown[]) => {
        calls.push([m, args]);
        return reply(m, args);
      },
    ]),
  );
  const unsubscribed = vi.fn();
  const bridge = {
    api,
    onEvent: vi.fn((fn: (e: ApiEvent) => void) => {
      eventListeners.add(fn);
      return () => {
        unsubscribed();
        eventListeners.delete(fn);
      };
    }),
    onCommand: vi.fn(() => () => undefined),
    version: '0.1.0',
  } as unknown as QuenchBridge;
  return { bridge, calls, emit: (e: ApiEvent) => eventListeners.forEach((l) => l(e)), unsubscribed };
}

describe('IPC client', () => {
  it('offers every API method and resolves with the result', async () => {
    const { bridge, calls } = fakeBridge((m, args) => ({ ok: true, result: { method: m, args } }));
    const client = createIpcClient(bridge);
    for (const m of API_METHODS) expect(typeof client[m], m).toBe('function');
    await expect(client.runExperiment('qaoa', { repeats: 2 })).resolves.toEqual({ method: 'runExperiment', args: ['qaoa', { repeats: 2 }] });
    await client.saveProject({ name: 'p' } as never); // the optional path left out is not sent
    expect(calls.at(-1)).toEqual(['saveProject', [{ name: 'p' }]]);
  });

  it('rejects with an Error carrying the API code', async () => {
    const { bridge } = fakeBridge(() => ({ ok: false, error: { message: "runExperiment: argument 'options': repeats: Too small", code: 'bad-argument' } }));
    const err = await createIpcClient(bridge).runExperiment('vqe', { repeats: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ message: "runExperiment: argument 'options': repeats: Too small", code: 'bad-argument' });
  });

  it('turns a failed invoke or a malformed reply into an Error too', async () => {
    const broken = fakeBridge(() => Promise.reject(new Error("Error invoking remote method 'quench:info': no handler")));
    await expect(createIpcClient(broken.bridge).info()).rejects.toMatchObject({ code: 'failed', message: expect.stringContaining('quench:info') });
    const odd = fakeBridge(() => ({ nope: true }) as never);
    await expect(createIpcClient(odd.bridge).info()).rejects.toMatchObject({ code: 'failed', message: 'info: the Quench app sent a malformed reply' });
  });

  it('sends plain JSON data (reactive proxies and class instances cannot cross IPC)', async () => {
    const { bridge, calls } = fakeBridge(() => ({ ok: true, result: { dirty: true } }));
    const reactiveLike = new Proxy({ name: 'p', experiments: [{ id: 'vqe', when: new Date(0) }] }, {});
    await createIpcClient(bridge).updateProject(reactiveLike as never);
    const sent = calls[0][1][0] as { experiments: { when: unknown }[] };
    expect(sent).toEqual({ name: 'p', experiments: [{ id: 'vqe', when: '1970-01-01T00:00:00.000Z' }] });
    expect(sent).not.toBe(reactiveLike);
  });

  it('shares one bridge subscription among its listeners; close ends it', async () => {
    const { bridge, emit, unsubscribed } = fakeBridge(() => ({ ok: true, result: null }));
    const client = createIpcClient(bridge);
    const a = vi.fn(), b = vi.fn();
    const offA = client.onEvent(a);
    client.onEvent(b);
    expect(bridge.onEvent).toHaveBeenCalledTimes(1);
    const e: ApiEvent = { event: 'run-progress', payload: { runId: 'r1', fraction: 0.1 } };
    emit(e);
    offA();
    emit(e);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(2);
    client.close();
    expect(unsubscribed).toHaveBeenCalled();
    await expect(client.info()).rejects.toThrow(/closed/);
  });

  it('says so when there is no bridge (browser mode)', () => {
    expect(() => createIpcClient(undefined)).toThrow(/window\.quench\) is missing/);
  });
});

describe('workbench commands in the page', () => {
  it('reach every listener, even when one throws', () => {
    const a = vi.fn(() => {
      throw new Error('boom');
    });
    const b = vi.fn();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const offA = onWorkbenchCommand(a);
    const offB = onWorkbenchCommand(b);
    dispatchWorkbenchCommand({ open: '/p/x.quench.json' });
    expect(b).toHaveBeenCalledWith({ open: '/p/x.quench.json' });
    expect(error).toHaveBeenCalled();
    offA();
    offB();
    dispatchWorkbenchCommand('save');
    expect(b).toHaveBeenCalledTimes(1);
    error.mockRestore();
  });
});
