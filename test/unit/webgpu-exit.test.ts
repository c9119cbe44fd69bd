// Processes that open a WebGPU adapter (Dawn) exit cleanly, every time, with
// their own exit code; and where no Vulkan loader exists, the user reads
// Quench's one line, not Dawn's warning.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeWebGpuBackend, systemHasVulkanLoader } from '../../src-main/backend/webgpu-node';

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'bin/quench.js');
const fixture = (f: string) => path.join(root, 'test/fixtures', f);

let noAdapter: string | null = null;
try {
  await (await createNodeWebGpuBackend()).dispose();
} catch (e) {
  noAdapter = (e as Error).message;
  console.warn(`WebGPU exit tests skipped: ${noAdapter}`);
} finally {
}

function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [cli, ...args], { cwd: root, env });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** `times` runs, two at a time; every failure is reported with its exit status and output. */
async function repeat(times: number, args: string[], check: (r: Awaited<ReturnType<typeof run>>) => void): Promise<number> {
  let aborts = 0;
  const next = async (): Promise<void> => {
    while (times-- > 0) {
      const r = await run(args);
      if (r.code !== 0) aborts++;
      expect(r.signal, r.stderr).toBeNull();
      expect(r.code, r.stderr).toBe(0);
      check(r);
    }
  };
  await Promise.all([next(), next()]);
  return aborts;
}

describe.skipIf(noAdapter !== null)('processes that open a WebGPU adapter exit cleanly', () => {
  it('quench info, 50 times: 0 aborts, the adapter named each time', async () => {
    expect(await repeat(50, ['info'], (r) => expect(r.stdout).toMatch(/^WebGPU {5}\S/m))).toBe(0);
  }, 600_000);

  it('quench simulate --backend webgpu (a dynamic circuit), 50 times: 0 aborts, the full JSON each time', async () => {
    const args = ['simulate', fixture('dynamic/teleport.qasm'), '--backend', 'webgpu', '--json', '--shots', '200'];
    expect(await repeat(50, args, (r) => expect(JSON.parse(r.stdout).counts).toBeTypeOf('object'))).toBe(0);
  }, 600_000);

  it('quench bench gates --backend webgpu, 6 times: 0 aborts', async () => {
    const args = ['bench', 'gates', '--backend', 'webgpu', '--json', '--qubits', '6', '--repeats', '1'];
    expect(await repeat(6, args, (r) => expect(JSON.parse(r.stdout).results.length).toBeGreaterThan(0))).toBe(0);
  }, 600_000);
});

describe('no Vulkan loader at all', () => {
  it.skipIf(systemHasVulkanLoader())('says so in one line of its own; Dawn is not loaded, so its warning never reaches the terminal', async () => {
    const { VK_ICD_FILENAMES: _icd, VK_DRIVER_FILES: _drivers, ...rest } = process.env;
    const env = { ...rest, QUENCH_SWIFTSHADER_DIR: path.join(root, 'no-such-chromium') };
    const r = await run(['simulate', fixture('bell.qasm'), '--backend', 'webgpu'], env);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^quench: WebGPU: no Vulkan loader \(libvulkan\.so\.1\) on this machine/)]);
    const info = await run(['info'], env);
    expect(info.code).toBe(0);
    expect(info.stderr).toBe('');
    expect(info.stdout).toMatch(/WebGPU {5}not available: WebGPU: no Vulkan loader/);
  });
});
