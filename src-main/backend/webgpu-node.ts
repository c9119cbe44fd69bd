// WebGPU in Node: a `GPU` object from the `webgpu` npm package (Dawn), for
// the headless CLI, the benchmarks and the conformance suite. The simulator
// itself is the shared module (src-shared/webgpu); this file only finds a GPU.
//
// Machines without a GPU driver get Chromium's SwiftShader (a CPU Vulkan
// implementation): when VK_ICD_FILENAMES is unset and Debian's chromium
// ships the ICD, point the Vulkan loader at it (Mesa's lavapipe lacks a
// feature Dawn needs). Dawn dlopens libvulkan.so.1; where the system has no
// Vulkan loader, the copy chromium ships beside SwiftShader is loaded first.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebGpuBackend, type WebGpuBackendOptions } from '../../src-shared/webgpu/webgpu-backend';
import { WebGpuUnavailableError } from '../../src-shared/webgpu/context';
import { packageRoot } from '../native/addon';

const SWIFTSHADER_DIR = '/usr/lib/chromium';
const SWIFTSHADER_ICD = path.join(SWIFTSHADER_DIR, 'vk_swiftshader_icd.json');
const RTLD_NODELETE = 0x1000; // glibc: keep the library mapped after Node's dlclose

interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

let gpuPromise: Promise<GPU> | null = null;
let heldGpu: GPU | null = null;

/** What was done to find a Vulkan implementation (for `quench info` and error lines). */
export const vulkanSetup: { icd: string | null; loader: string | null } = { icd: null, loader: null };

function systemHasVulkanLoader(): boolean {
  try {
    return fs.readFileSync('/etc/ld.so.cache').includes('libvulkan.so.1');
  } catch {
    return false;
  }
}

function prepareVulkan(): void {
  if (process.platform !== 'linux') return;
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
    heldGpu = dawn.create([]);
    return heldGpu;
  })();
  return gpuPromise;
}

/** A WebGPU backend on Dawn; rejects with WebGpuUnavailableError (one line) where no adapter exists. */
export async function createNodeWebGpuBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  const gpu = await nodeGpu();
  try {
    return await WebGpuBackend.create(gpu, options);
  } catch (e) {
    if (e instanceof WebGpuUnavailableError && vulkanSetup.icd === null && process.platform === 'linux')
      throw new WebGpuUnavailableError(`${e.message}; no Vulkan driver found (install a GPU driver, or Debian's chromium for its SwiftShader software adapter)`);
    throw e;
  }
}

/**
 * Drops the process's reference to Dawn's GPU (after destroying the devices
 * made from it) so Node can exit: Dawn keeps the event loop alive while it lives.
 */
export function releaseNodeGpu(): void {
  heldGpu = null;
  gpuPromise = null;
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
      backend.dispose();
    }
  } catch (e) {
    return { available: false, reason: (e as Error).message };
  } finally {
    releaseNodeGpu();
  }
}
