// `quench simulate --output FILE.npy`: NumPy's format 1.0 read back here
// byte by byte (no Python needed), the values against the in-memory
// probabilities, and every way the write can fail leaving nothing behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { npyHeader } from '../../src-main/cli/npy';
import { quench } from './cli-in-process';

const fixture = (name: string) => path.join(__dirname, '../fixtures', name);

/** Parses an .npy file as NumPy's format 1.0 describes it. */
function readNpy(file: string): { headerBytes: number; dict: string; descr: string; shape: number[]; values: Float64Array | Float32Array } {
  const b = fs.readFileSync(file);
  expect(b.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
  expect([b[6], b[7]]).toEqual([1, 0]);
  const len = b.readUInt16LE(8);
  const dict = b.subarray(10, 10 + len).toString('latin1');
  const m = /^\{'descr': '([<>|][a-z]\d)', 'fortran_order': False, 'shape': \((\d+),\), \} *\n$/.exec(dict);
  expect(m, dict).not.toBeNull();
  const descr = m![1];
  const shape = [Number(m![2])];
  const data = b.subarray(10 + len);
  const copy = new Uint8Array(data); // aligned for the typed array
  const values = descr === '<f8' ? new Float64Array(copy.buffer) : new Float32Array(copy.buffer);
  return { headerBytes: 10 + len, dict, descr, shape, values };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-npy-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});
const leftovers = () => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('.npy header', () => {
  it('is format 1.0 with the data aligned to 64 bytes, for any length', () => {
    for (const [dtype, length] of [['f8', 1], ['f4', 8], ['f8', 2 ** 26], ['f4', 2 ** 40]] as const) {
      const h = npyHeader(dtype, length);
      expect(h.length % 64).toBe(0);
      expect(h.subarray(0, 8)).toEqual(Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0]));
      expect(h.readUInt16LE(8)).toBe(h.length - 10);
      expect(h.subarray(10).toString('latin1')).toMatch(new RegExp(`^\\{'descr': '<${dtype}', 'fortran_order': False, 'shape': \\(${length},\\), \\} +\\n$`));
    }
    // NumPy's own writer gives the same 128 bytes for np.save(f, np.zeros(8)) (checked with NumPy 2).
    expect(npyHeader('f8', 8).toString('latin1')).toBe(`\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (8,), }${' '.repeat(60)}\n`);
  });
});

describe('quench simulate --output', () => {
  it('writes the probabilities (f64 and f32) that --json prints, and the summary says where', async () => {
    for (const precision of ['f64', 'f32'] as const) {
      const file = path.join(dir, `ghz-${precision}.npy`);
      const json = await quench('simulate', fixture('ghz-custom.qasm'), '--json', '--precision', precision);
      expect(json.code, json.stderr).toBe(0);
      const probabilities: number[] = JSON.parse(json.stdout).probabilities;
      const r = await quench('simulate', fixture('ghz-custom.qasm'), '--precision', precision, '--output', file);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Most likely outcomes/);
      expect(r.stdout).toContain(`All 2^4 probabilities: ${file} (NumPy .npy, ${precision === 'f64' ? 'float64' : 'float32'}`);
      const npy = readNpy(file);
      expect(npy.headerBytes % 64).toBe(0);
      expect(npy.descr).toBe(precision === 'f64' ? '<f8' : '<f4');
      expect(npy.shape).toEqual([16]);
      // f64: the very numbers; f32: each rounded once to float32.
      expect(Array.from(npy.values)).toEqual(precision === 'f64' ? probabilities : probabilities.map(Math.fround));
      expect(fs.statSync(file).size).toBe(npy.headerBytes + 16 * (precision === 'f64' ? 8 : 4));
    }
    expect(leftovers()).toEqual([]);
  });

  it('with --json prints the summary without the vector, naming the file; replaces an existing file', async () => {
    const file = path.join(dir, 'bell.npy');
    fs.writeFileSync(file, 'old');
    const r = await quench('simulate', fixture('bell.qasm'), '--json', '--observable', 'Z0*Z1', '--output', file);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({ qubits: 3, probabilitiesFile: file, expectations: [expect.closeTo(1, 12)] });
    expect(readNpy(file).values[0]).toBeCloseTo(0.5, 12);
  });

  it('refuses other extensions, directories and unwritable places before simulating, with the reason', async () => {
    const cases: [string, RegExp][] = [
      [path.join(dir, 'p.npz'), /supported format is NumPy's \.npy/],
      [path.join(dir, 'p.json'), /supported format is NumPy's \.npy/],
      [path.join(dir, 'p'), /supported format is NumPy's \.npy/],
      [path.join(dir, 'nope', 'p.npy'), /cannot write .*nope.p\.npy: the folder .*nope does not exist/],
      [path.join(fixture('bell.qasm'), 'p.npy'), /cannot write .*bell\.qasm.p\.npy: .*bell\.qasm is not a folder/],
    ];
    fs.mkdirSync(path.join(dir, 'd.npy'));
    cases.push([path.join(dir, 'd.npy'), /d\.npy is a directory/]);
    for (const [file, message] of cases) {
      const r = await quench('simulate', fixture('bell.qasm'), '--output', file);
      expect(r.code, file).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe(''); // refused before the simulation
    }
    expect(leftovers()).toEqual([]);
  });

  it('a failed write (disk full) removes the temporary file, names the file and leaves the old one', async () => {
    const file = path.join(dir, 'full.npy');
    fs.writeFileSync(file, 'before');
    const write = fs.writeSync;
    let calls = 0;
    vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, ...rest: unknown[]) => {
      // The header goes through; the data finds the disk full.
      if (++calls > 1) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return (write as (...a: unknown[]) => number)(fd, ...rest);
    }) as typeof fs.writeSync);
    const r = await quench('simulate', fixture('ghz-custom.qasm'), '--output', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`quench: cannot write ${file}: no space left on the device (ENOSPC); nothing was written there\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe('before');
    expect(leftovers()).toEqual([]);
  });

  it('refuses a file larger than the free space before simulating', async () => {
    vi.spyOn(fs, 'statfsSync').mockReturnValue({ bavail: 1, bsize: 64 } as fs.StatsFs);
    const r = await quench('simulate', fixture('ghz-custom.qasm'), '--output', path.join(dir, 'big.npy'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*big\.npy: it needs 256 B and .* has 64 B free/);
    expect(leftovers()).toEqual([]);
  });
});
