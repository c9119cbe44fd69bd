// WebGPU in Node: a `GPU` object from the `webgpu` npm package (Dawn), for
// the headless CLI, the benchmarks and the conformance suite. The simulator
// itself is the shared module (src-shared/webgpu); this file only finds a GPU.
//
// Machines without a GPU driver get Chromium's SwiftShader (a CPU Vulkan
// implementation): when VK_ICD_FILENAMES is unset and Debian's chromium
// ships the ICD, point the Vulkan loader at it (Mesa's lavapipe lacks a
// feature Dawn needs). Dawn dlopens libvulkan.so.1; where the system has no
// Vulkan loader, the copy chromium ships beside SwiftShader is loaded first;
// where there is none at all, Dawn is not loaded (it would only print its own
// warning) and the reason is given in Quench's words.
//
// Teardown: SwiftShader runs worker threads of a process-wide scheduler that
// lives until the Vulkan instance is destroyed, and Node's Dawn destroys the
// instance only when V8 collects its objects — at best during the process's
// own teardown, concurrently with the libraries' static destructors (an abort
// in std::system_error, now and then). Forcing that collection earlier hangs
// in Dawn's event polling. So a process that loaded Dawn ends through
// exitProcess(): devices destroyed and their work settled (closeNodeGpu),
// output flushed, then _exit — no destructor runs under a live thread.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebGpuBackend, type WebGpuBackendOptions } from '../../src-shared/webgpu/webgpu-backend';
import { WebGpuUnavailableError } from '../../src-shared/webgpu/context';
import { loadAddon, packageRoot } from '../native/addon';

/** Where Debian's chromium keeps SwiftShader and its Vulkan loader (QUENCH_SWIFTSHADER_DIR points elsewhere). */
const SWIFTSHADER_DIR = process.env.QUENCH_SWIFTSHADER_DIR ?? '/usr/lib/chromium';
const SWIFTSHADER_ICD = path.join(SWIFTSHADER_DIR, 'vk_swiftshader_icd.json');
const RTLD_NODELETE = 0x1000; // glibc: keep the library mapped after Node's dlclose

interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

let gpuPromise: Promise<GPU> | null = null;
/** Whether Dawn was ever loaded in this process (its threads may be running). */
let dawnLoaded = false;
/** Backends made here and not disposed yet (closeNodeGpu disposes them). */
const open = new Set<WebGpuBackend>();
/** Disposals in progress (a device's destruction settles asynchronously). */
const closing = new Set<Promise<void>>();

/** What was done to find a Vulkan implementation (for `quench info` and error lines). */
export const vulkanSetup: { icd: string | null; loader: string | null } = { icd: null, loader: null };

export function systemHasVulkanLoader(): boolean {
  try {
    return fs.readFileSync('/etc/ld.so.cache').includes('libvulkan.so.1');
  } catch {
    return false;
  }
}

function prepareVulkan(): void {
  if (process.platform !== 'linux') return;
  vulkanSetup.loader = systemHasVulkanLoader() ? 'system' : null;
  if (process.env.VK_ICD_FILENAMES === undefined && process.env.VK_DRIVER_FILES === undefined && fs.existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    vulkanSetup.icd = SWIFTSHADER_ICD;
  } else vulkanSetup.icd = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES ?? null;
  const bundled = path.join(SWIFTSHADER_DIR, 'libvulkan.so.1');
  if (!systemHasVulkanLoader() && fs.existsSync(bundled)) {
    // Not a Node module, so dlopen "fails" after loading it; NODELETE keeps
    // it resident and Dawn's later dlopen("libvulkan.so.1") finds it by soname.
    try {
      process.dlopen({ exports: {} } as NodeJS.Module, bundled, os.constants.dlopen.RTLD_NOW | os.constants.dlopen.RTLD_GLOBAL | RTLD_NODELETE);
    } catch {
      /* expected: "Module did not self-register" */
    }
    vulkanSetup.loader = bundled;
  }
  const remedy = "install a GPU driver with Vulkan support, or Debian's chromium for its SwiftShader software adapter";
  if (vulkanSetup.loader === null) throw new WebGpuUnavailableError(`WebGPU: no Vulkan loader (libvulkan.so.1) on this machine: ${remedy}`);
  // No driver manifest anywhere the loader looks: Dawn would find no adapter and print its own warnings.
  if (vulkanDriverManifests().length === 0)
    throw new WebGpuUnavailableError(`WebGPU: no adapter available: no Vulkan driver on this machine (${vulkanSetup.icd ? `${vulkanSetup.icd} does not exist` : 'no driver manifest in the Vulkan loader\'s folders'}): ${remedy}`);
}

/** The Vulkan driver (ICD) manifests the loader would read, as it searches for them. */
function vulkanDriverManifests(): string[] {
  const jsonIn = (p: string): string[] => {
    try {
      const st = fs.statSync(p);
      if (st.isFile()) return [p];
      if (st.isDirectory()) return fs.readdirSync(p).filter((f) => f.endsWith('.json')).map((f) => path.join(p, f));
    } catch {
      /* missing */
    }
    return [];
  };
  const list = (v: string | undefined) => (v ?? '').split(':').filter(Boolean);
  const explicit = [...list(process.env.VK_DRIVER_FILES), ...list(process.env.VK_ICD_FILENAMES), ...list(process.env.VK_ADD_DRIVER_FILES)];
  if (list(process.env.VK_DRIVER_FILES).length || list(process.env.VK_ICD_FILENAMES).length) return explicit.flatMap(jsonIn);
  const dirs = [
    ...list(process.env.XDG_CONFIG_DIRS ?? '/etc/xdg'), '/etc',
    ...list(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local/share')),
    ...list(process.env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share'), '/usr/local/share', '/usr/share',
  ].map((d) => path.join(d, 'vulkan', 'icd.d'));
  return [...explicit, ...dirs].flatMap(jsonIn);
}

async function loadDawn(): Promise<DawnModule> {
  let entry: string;
  try {
    entry = createRequire(path.join(packageRoot(), 'package.json')).resolve('webgpu');
  } catch {
    throw new WebGpuUnavailableError("WebGPU: the 'webgpu' package (Dawn for Node) is not installed; run 'npm install'");
  }
  try {
    // A runtime URL: the package is ESM and locates dawn.node beside itself, so it must not be bundled.
    return (await import(/* @vite-ignore */ pathToFileURL(entry).href)) as DawnModule;
  } catch (e) {
    throw new WebGpuUnavailableError(`WebGPU: Dawn (the 'webgpu' package) failed to load on ${process.platform}-${process.arch}: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Dawn's GPU object, created once per process. */
export function nodeGpu(): Promise<GPU> {
  gpuPromise ??= (async () => {
    prepareVulkan();
    const dawn = await loadDawn();
    dawnLoaded = true;
    return dawn.create([]); // held by gpuPromise for the process's life (see closeNodeGpu)
  })();
  // A failed start (no loader, no Dawn) is tried again next time, not cached.
  gpuPromise.catch(() => (gpuPromise = null));
  return gpuPromise;
}

/** A WebGPU backend on Dawn; rejects with WebGpuUnavailableError (one line) where no adapter exists. */
export async function createNodeWebGpuBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  const gpu = await nodeGpu();
  try {
    const backend = await WebGpuBackend.create(gpu, options);
    const dispose = backend.dispose.bind(backend);
    open.add(backend);
    backend.dispose = () => {
      open.delete(backend);
      const done = dispose();
      closing.add(done);
      void done.finally(() => closing.delete(done));
      return done;
    };
    return backend;
  } catch (e) {
    if (e instanceof WebGpuUnavailableError && vulkanSetup.icd === null && process.platform === 'linux')
      throw new WebGpuUnavailableError(`${e.message}; no Vulkan driver found (install a GPU driver, or Debian's chromium for its SwiftShader software adapter)`);
    throw e;
  }
}

/**
 * Before the process exits: disposes every backend still open and waits until
 * their devices are destroyed (nothing of Dawn's in flight). The GPU object
 * itself stays referenced for the process's life: were it dropped, V8 would
 * destroy the Vulkan instance at some later collection while SwiftShader's
 * threads still run (a glibc futex abort, now and then, mid-process).
 */
export async function closeNodeGpu(): Promise<void> {
  for (const b of [...open]) void b.dispose();
  await Promise.all([...closing]);
}

/**
 * Ends the process with `code`. Where Dawn was loaded: closeNodeGpu(), then
 * _exit through the addon (see the file comment); elsewhere a normal exit.
 */
export async function exitProcess(code: number): Promise<never> {
  if (dawnLoaded) {
    await closeNodeGpu();
    try {
      loadAddon().exitProcess(code);
    } catch {
      /* no addon: fall back to a normal exit */
    }
  }
  process.exit(code);
}

/** Whether Dawn has been loaded in this process. */
export function dawnWasLoaded(): boolean {
  return dawnLoaded;
}

/** For `quench info`: the adapter WebGPU would use here, or why there is none. */
export async function webGpuInfo(): Promise<
  { available: true; adapter: string; timing: string; limits: Record<string, number>; vulkan: typeof vulkanSetup } | { available: false; reason: string }
> {
  try {
    const backend = await createNodeWebGpuBackend();
    try {
      return { available: true, adapter: backend.adapter, timing: backend.timing, limits: { ...backend.ctx.limits }, vulkan: { ...vulkanSetup } };
    } finally {
      await backend.dispose();
    }
  } catch (e) {
    return { available: false, reason: (e as Error).message };
  }
}
