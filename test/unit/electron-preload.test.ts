// The preload, loaded with Electron's contextBridge and ipcRenderer replaced
// by fakes: it must expose exactly one function per API method, bound to that
// method's channel, and nothing generic (no invoke/send/on passthrough).
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { API_METHODS } from '../../src-shared/api/contract';
import type { QuenchBridge } from '../../src-shared/api/ipc';

const electron = vi.hoisted(() => {
  const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
  return {
    exposed: new Map<string, unknown>(),
    listeners,
    ipcRenderer: {
      invoke: vi.fn(async (channel: string, ...args: unknown[]) => ({ ok: true, result: { channel, args } })),
      on: vi.fn((channel: string, fn: (...a: unknown[]) => void) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(fn);
      }),
      removeListener: vi.fn((channel: string, fn: (...a: unknown[]) => void) => void listeners.get(channel)?.delete(fn)),
      send: vi.fn(),
      sendSync: vi.fn(),
    },
  };
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: vi.fn((key: string, value: unknown) => electron.exposed.set(key, value)) },
  ipcRenderer: electron.ipcRenderer,
}));

let bridge: QuenchBridge;
beforeAll(async () => {
  await import('../../src-main/app/preload');
  bridge = electron.exposed.get('quench') as QuenchBridge;
});

/** Every function reachable from the exposed object, with its path. */
function functionsIn(value: unknown, at = 'quench', seen = new Set<unknown>()): string[] {
  if (typeof value === 'function') return [at];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  return Object.entries(value).flatMap(([k, v]) => functionsIn(v, `${at}.${k}`, seen));
}

describe('preload bridge', () => {
  it('exposes window.quench only: the API, two subscriptions and the version', () => {
    expect([...electron.exposed.keys()]).toEqual(['quench']);
    expect(Object.keys(bridge).sort()).toEqual(['api', 'onCommand', 'onEvent', 'version']);
    const version = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')).version;
    expect(bridge.version).toBe(version);
  });

  it('has exactly one function per API method and nothing generic', () => {
    expect(Object.keys(bridge.api).sort()).toEqual([...API_METHODS].sort());
    expect(functionsIn(bridge).sort()).toEqual([...API_METHODS.map((m) => `quench.api.${m}`), 'quench.onCommand', 'quench.onEvent'].sort());
    for (const name of ['invoke', 'send', 'sendSync', 'on', 'ipcRenderer', 'require', 'process']) {
      expect(functionsIn(bridge).some((p) => p.endsWith(`.${name}`)), name).toBe(false);
    }
    expect(Object.values(bridge).includes(electron.ipcRenderer as never)).toBe(false);
    expect(Object.isFrozen(bridge.api)).toBe(true);
  });

  it("binds each method to its own channel, sending the arguments as one array", async () => {
    await expect(bridge.api.runExperiment('vqe', { repeats: 2 })).resolves.toEqual({ ok: true, result: { channel: 'quench:runExperiment', args: [['vqe', { repeats: 2 }]] } });
    await bridge.api.info();
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('quench:info', []);
    for (const m of API_METHODS) {
      await (bridge.api[m] as (...a: unknown[]) => Promise<unknown>)();
      expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(`quench:${m}`, []);
    }
    expect(electron.ipcRenderer.send).not.toHaveBeenCalled();
    expect(electron.ipcRenderer.sendSync).not.toHaveBeenCalled();
  });

  it('passes events to the page without the IpcRendererEvent, and unsubscribes', () => {
    const got = vi.fn();
    const off = bridge.onEvent(got);
    const [channel, wrapped] = electron.ipcRenderer.on.mock.calls.at(-1)!;
    expect(channel).toBe('quench:event');
    const payload = { event: 'run-progress', payload: { runId: 'r1', fraction: 0.5 } };
    wrapped({ sender: electron.ipcRenderer, senderId: 0 }, payload);
    expect(got).toHaveBeenCalledWith(payload);
    expect(got.mock.calls[0]).toHaveLength(1);
    wrapped({}, 'not an event');
    expect(got).toHaveBeenCalledTimes(1);
    off();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith('quench:event', wrapped);
    expect(electron.listeners.get('quench:event')?.size).toBe(0);
  });

  it('passes menu commands, and only well-formed ones', () => {
    const got = vi.fn();
    const off = bridge.onCommand(got);
    const [channel, wrapped] = electron.ipcRenderer.on.mock.calls.at(-1)!;
    expect(channel).toBe('quench:command');
    for (const c of ['save', 'save-as', 'run', { open: '/p/x.quench.json' }]) wrapped({}, c);
    for (const c of ['format-disk', { open: 3 }, { open: '/x', extra: 1 }, null]) wrapped({}, c);
    expect(got.mock.calls).toEqual([['save'], ['save-as'], ['run'], [{ open: '/p/x.quench.json' }]]);
    off();
    expect(electron.listeners.get('quench:command')?.size).toBe(0);
  });

  it('refuses a listener that is not a function', () => {
    expect(() => bridge.onEvent('alert(1)' as never)).toThrow(/listener for quench:event must be a function/);
  });

  it('requires nothing but electron at run time (the sandboxed preload cannot)', () => {
    const source = fs.readFileSync(path.join(__dirname, '../../src-main/app/preload.ts'), 'utf8');
    const runtimeImports = [...source.matchAll(/^import\s+(?!type\b)(?:[^'"]*?from\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    // electron, plus files electron-vite inlines into the bundle: the version and the type-free ipc constants
    expect(runtimeImports.sort()).toEqual(['../../package.json', '../../src-shared/api/commands', '../../src-shared/api/ipc', 'electron']);
    for (const inlined of ['commands.ts', 'ipc.ts']) {
      const shared = fs.readFileSync(path.join(__dirname, '../../src-shared/api', inlined), 'utf8');
      expect([...shared.matchAll(/^import\s+(?!type\b)/gm)], `${inlined} must import types only`).toHaveLength(0);
    }
  });
});

describe('the built preload (out/preload/index.js, when built)', () => {
  const built = path.join(__dirname, '../../out/preload/index.js');
  it.skipIf(!fs.existsSync(built))('is one file that requires only electron', () => {
    const requires = [...fs.readFileSync(built, 'utf8').matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
  });
});
