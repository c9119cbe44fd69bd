// Where no adapter exists, `--backend webgpu` prints ONE line and exits 3.
// This file's process sees no Vulkan driver (the loader is pointed at a
// driver list that does not exist) before Dawn is first loaded: Quench says
// so itself and never loads Dawn (whose own warnings would follow).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { quench } from './cli-in-process';

process.env.VK_ICD_FILENAMES = path.join(__dirname, 'no-such-vulkan-driver.json');


const bell = path.join(__dirname, '../fixtures/bell.qasm');

describe('--backend webgpu without an adapter', () => {
  it('simulate: one clear line, exit code 3', async () => {
    const r = await quench('simulate', bell, '--backend', 'webgpu', '--json');
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^quench: WebGPU: no adapter available: no Vulkan driver on this machine \(.*no-such-vulkan-driver\.json does not exist\)/);
  });

  it('bench gates: one clear line, exit code 3', async () => {
    const r = await quench('bench', 'gates', '--backend', 'webgpu', '--json', '--qubits', '8', '--repeats', '1');
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/WebGPU: no adapter/);
  });
});
