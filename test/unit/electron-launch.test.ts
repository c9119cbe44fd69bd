// `npm start` (bin/quench-start.js): the desktop app where Electron can open a
// window, browser mode with a one-line reason where it cannot. The decision is
// pure and tested here; the binary lookup is tested against fake electron
// package folders (it must never trigger the package's download).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';

type Electron = { path: string } | { missing: string };
type Decision =
  | { mode: 'electron'; command: string; args: string[]; env: Record<string, string | undefined> }
  | { mode: 'browser'; message: string; command: string; args: string[] };
interface Launcher {
  decideLaunch(input: { platform: string; env: Record<string, string | undefined>; isRoot: boolean; electron: Electron; args: string[]; root?: string; node?: string }): Decision;
  findElectronBinary(dir: string | null, env?: Record<string, string | undefined>): Electron;
  electronPackageDir(root?: string): string | null;
}

const ROOT = path.join(__dirname, '../..');
const launcher = createRequire(import.meta.url)('../../bin/quench-start.js') as Launcher;
const BIN = { path: '/opt/electron/electron' };
const DISPLAY = { DISPLAY: ':0' };
const decide = (over: Partial<Parameters<Launcher['decideLaunch']>[0]>) =>
  launcher.decideLaunch({ platform: 'linux', env: DISPLAY, isRoot: false, electron: BIN, args: [], root: '/app', node: '/usr/bin/node', ...over });

describe('npm start: which workbench', () => {
  it('starts Electron on the built app when it can, passing the arguments on', () => {
    const d = decide({ args: ['examples/seed-suite.quench.json'], env: { ...DISPLAY, ELECTRON_RUN_AS_NODE: '1', HOME: '/h' } });
    expect(d).toEqual({ mode: 'electron', command: '/opt/electron/electron', args: ['/app', 'examples/seed-suite.quench.json'], env: { DISPLAY: ':0', HOME: '/h' } });
    expect(decide({ env: { WAYLAND_DISPLAY: 'wayland-0' } }).mode).toBe('electron');
    expect(decide({ platform: 'darwin', env: {} }).mode).toBe('electron'); // no X11 needed there
    expect(decide({ platform: 'win32', env: {}, isRoot: true }).mode).toBe('electron');
  });

  it('falls back to `quench serve` when the binary was never downloaded', () => {
    const d = decide({ electron: { missing: 'the Electron binary is not installed (offline machine?)' }, args: ['x.quench.json', '--port', '8080'] });
    expect(d.mode).toBe('browser');
    expect(d).toMatchObject({
      message: 'quench: the Electron binary is not installed (offline machine?); starting the workbench in browser mode instead',
      command: '/usr/bin/node',
      args: ['/app/bin/quench.js', 'serve', 'x.quench.json', '--port', '8080'],
    });
    expect(d.args[0]).toBe(path.join('/app', 'bin', 'quench.js'));
  });

  it('falls back without a display, as root, or when asked', () => {
    expect(decide({ env: {} })).toMatchObject({ mode: 'browser', message: expect.stringContaining('no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset)') });
    expect(decide({ platform: 'freebsd', env: {} }).mode).toBe('browser');
    expect(decide({ isRoot: true })).toMatchObject({ mode: 'browser', message: expect.stringContaining('Electron does not run as root') });
    expect(decide({ args: ['--browser', 'x.quench.json'] })).toMatchObject({ mode: 'browser', args: ['/app/bin/quench.js', 'serve', 'x.quench.json'] });
    expect(decide({ args: ['--port=0'] })).toMatchObject({ mode: 'browser', message: expect.stringContaining('--port') });
    for (const d of [decide({ env: {} }), decide({ isRoot: true }), decide({ electron: { missing: 'x' } })]) {
      expect(d.mode === 'browser' && d.message.split('\n')).toHaveLength(1); // one line
    }
  });
});

describe('npm start: finding the Electron binary without downloading it', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-electron-pkg-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const pkg = (name: string, files: Record<string, string>) => {
    const dir = path.join(tmp, name);
    for (const [f, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), text);
    }
    return dir;
  };

  it('finds dist/<path.txt> when the binary was downloaded', () => {
    const dir = pkg('installed', { 'path.txt': 'electron', 'dist/electron': '' });
    expect(launcher.findElectronBinary(dir, {})).toEqual({ path: path.join(dir, 'dist', 'electron') });
  });

  it('reports a package whose binary is missing (path.txt absent, or its file gone)', () => {
    const notInstalled = { missing: 'the Electron binary is not installed (offline machine?)' };
    expect(launcher.findElectronBinary(pkg('offline', { 'package.json': '{}' }), {})).toEqual(notInstalled);
    expect(launcher.findElectronBinary(pkg('half', { 'path.txt': 'electron' }), {})).toEqual(notInstalled);
    expect(launcher.findElectronBinary(null, {})).toEqual({ missing: 'the electron package is not installed' });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH as the electron package does', () => {
    const dist = pkg('custom-dist', { electron: '' });
    expect(launcher.findElectronBinary(pkg('override', {}), { ELECTRON_OVERRIDE_DIST_PATH: dist })).toEqual({ path: path.join(dist, 'electron') });
    expect(launcher.findElectronBinary(pkg('override2', {}), { ELECTRON_OVERRIDE_DIST_PATH: '/nowhere' })).toMatchObject({ missing: expect.stringContaining('/nowhere/electron is missing') });
  });

  it("finds this checkout's electron package (its binary is not downloaded here)", () => {
    const dir = launcher.electronPackageDir(ROOT);
    expect(dir).toBe(path.join(ROOT, 'node_modules', 'electron'));
    // Where the binary does exist (a machine that could download it) the lookup says so; either way it answers at once.
    const found = launcher.findElectronBinary(dir, {});
    expect('path' in found || 'missing' in found).toBe(true);
  });

  it('is a plain script: loading it for the tests starts nothing, and it parses as CommonJS', () => {
    const r = spawnSync(process.execPath, ['--check', path.join(ROOT, 'bin', 'quench-start.js')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start).toBe('node bin/quench-start.js');
  });
});
