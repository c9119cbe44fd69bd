#!/usr/bin/env node
// `npm start [-- FILE.quench.json]`: the desktop app where Electron can open a
// window, browser mode (`quench serve`, which prints the URL) where it cannot:
// the Electron binary was never downloaded (offline install), there is no
// display, or Electron refuses to run (as root). It says why in one line.
// Plain CommonJS, not built: the decision is exported for the unit tests.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { spawn } = require('node:child_process');

const ROOT = path.join(__dirname, '..');
const APP_ENTRY = path.join(ROOT, 'out', 'main', 'index.js'); // package.json "main"
const CLI_SHIM = path.join(__dirname, 'quench.js');

/** The electron package's folder, or null where it is not installed (production installs skip devDependencies). */
function electronPackageDir(root = ROOT) {
  try {
    return path.dirname(require.resolve('electron/package.json', { paths: [root] }));
  } catch {
    return null;
  }
}

/**
 * The Electron executable, found the way the electron package's index.js finds
 * it — but without its fallback of downloading the binary (which hangs or fails
 * on an offline machine). Returns {path} or {missing: why}.
 */
function findElectronBinary(electronDir, env = process.env, exists = fs.existsSync, readFile = (f) => fs.readFileSync(f, 'utf8')) {
  if (!electronDir) return { missing: 'the electron package is not installed' };
  const pathFile = path.join(electronDir, 'path.txt');
  const executable = exists(pathFile) ? readFile(pathFile).trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, executable || 'electron');
    return exists(p) ? { path: p } : { missing: `ELECTRON_OVERRIDE_DIST_PATH names no Electron binary (${p} is missing)` };
  }
  const notInstalled = { missing: 'the Electron binary is not installed (offline machine?)' };
  if (!executable) return notInstalled;
  const p = path.join(electronDir, 'dist', executable);
  return exists(p) ? { path: p } : notInstalled;
}

/** The launcher's own flags: --browser asks for browser mode; --port only means something there. */
function wantsBrowser(args) {
  if (args.includes('--browser')) return 'browser mode was asked for (--browser)';
  if (args.some((a) => a === '--port' || a.startsWith('--port='))) return 'a --port was given';
  return null;
}

/**
 * What to start. Pure: every fact about the machine is an input.
 *   platform, env, isRoot   (process.platform, process.env, uid 0 on POSIX)
 *   electron                findElectronBinary(…)
 *   args                    the arguments after `npm start --`
 *   root, node              the package folder and the Node executable
 * Returns {mode: 'electron', command, args, env} or {mode: 'browser', message, command, args}.
 */
function decideLaunch({ platform, env, isRoot, electron, args, root = ROOT, node = process.execPath }) {
  const serveArgs = args.filter((a) => a !== '--browser');
  const browser = (reason) => ({
    mode: 'browser',
    message: `quench: ${reason}; starting the workbench in browser mode instead`,
    command: node,
    args: [path.join(root, 'bin', 'quench.js'), 'serve', ...serveArgs],
  });
  if (!electron || !electron.path) return browser((electron && electron.missing) || 'the Electron binary is not installed (offline machine?)');
  const needsDisplayServer = platform !== 'darwin' && platform !== 'win32';
  if (needsDisplayServer && !env.DISPLAY && !env.WAYLAND_DISPLAY) return browser('no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset)');
  // Chromium exits at once as root unless its sandbox is switched off, and the page sandbox is not ours to switch off.
  if (needsDisplayServer && isRoot) return browser('Electron does not run as root (it would need --no-sandbox)');
  const asked = wantsBrowser(args); // after the machine's reasons: those say more
  if (asked) return browser(asked);
  const childEnv = { ...env };
  delete childEnv.ELECTRON_RUN_AS_NODE; // would start Electron as plain Node, without a window
  return { mode: 'electron', command: electron.path, args: [root, ...serveArgs], env: childEnv };
}

/** Exit code of a child that could not run at all (the dynamic loader's "cannot find a shared library"). */
const COMMAND_NOT_RUNNABLE = 127;

/** Run a command with the terminal handed over; forward SIGINT/SIGTERM/SIGHUP once; resolve with how it ended. */
function runChild(command, args, env) {
  return new Promise((resolve) => {
    // Its own process group on POSIX: a Ctrl-C reaches the child once (forwarded by us), not twice (a second
    // SIGINT would cut `quench serve`'s clean shutdown short).
    const child = spawn(command, args, { stdio: 'inherit', env, detached: process.platform !== 'win32' });
    const forward = (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    // SIGHUP (the terminal closed) reaches only our group now: pass it on as a clean SIGTERM.
    const forwarded = { SIGINT: () => forward('SIGINT'), SIGTERM: () => forward('SIGTERM'), SIGHUP: () => forward('SIGTERM') };
    for (const [signal, fn] of Object.entries(forwarded)) process.on(signal, fn);
    const done = (result) => {
      for (const [signal, fn] of Object.entries(forwarded)) process.off(signal, fn);
      resolve(result);
    };
    child.once('error', (e) => done({ code: null, signal: null, error: e }));
    child.once('exit', (code, signal) => done({ code, signal, error: null }));
  });
}

function exitLike({ code, signal }) {
  if (signal) {
    process.kill(process.pid, signal); // end the way the child ended, so the shell sees the signal
    return;
  }
  process.exit(code === null ? 1 : code);
}

async function main(argv = process.argv.slice(2)) {
  const decision = decideLaunch({
    platform: process.platform,
    env: process.env,
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    electron: findElectronBinary(electronPackageDir()),
    args: argv,
  });
  if (decision.mode === 'electron') {
    if (!fs.existsSync(APP_ENTRY)) {
      console.error(`quench: the desktop app is not built (${APP_ENTRY} is missing). Run 'npm run build' in ${ROOT}.`);
      process.exit(1);
    }
    const r = await runChild(decision.command, decision.args, decision.env);
    if (!r.error && r.code !== COMMAND_NOT_RUNNABLE) return exitLike(r);
    const why = r.error ? `Electron could not be started (${r.error.message})` : 'Electron could not run (missing system libraries?)';
    const fallback = decideLaunch({ platform: process.platform, env: process.env, isRoot: false, electron: { missing: why }, args: argv });
    console.error(fallback.message);
    return exitLike(await runChild(fallback.command, fallback.args, process.env));
  }
  console.error(decision.message);
  const r = await runChild(decision.command, decision.args, process.env);
  if (r.error) {
    console.error(`quench: cannot start ${decision.command}: ${r.error.message}`);
    process.exit(1);
  }
  exitLike(r);
}

module.exports = { decideLaunch, findElectronBinary, electronPackageDir, wantsBrowser, APP_ENTRY, CLI_SHIM };

if (require.main === module) void main();
