// `quench simulate`'s readout of 2^n probabilities: the addon's selection and
// number formatting against TypeScript's own, and --json streamed with
// backpressure giving exactly JSON.stringify's text.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/random';
import { largestIndices } from '../../src-shared/top-k';
import { loadAddon } from '../../src-main/native/addon';
import { jsonNumbers, writeJsonStreaming } from '../../src-main/cli/readout';
import { quench } from './cli-in-process';

const addon = loadAddon();

/** Doubles of every kind: random bit patterns (all exponents), probabilities, integers, and the edge cases of Number#toString's layout. */
function awkwardNumbers(count: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const bits = new Uint32Array(2);
  const view = new Float64Array(bits.buffer);
  const edge = [0, -0, 1, -1, 0.1, 1e21, 1e20, 1e-6, 1e-7, 9.999999999999999e-7, 123456789012345680000, 5e-324, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** -1074, 2 ** 53, 2 ** 53 + 2, 1 / 3, NaN, Infinity, -Infinity];
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    if (i < edge.length) out[i] = edge[i];
    else if (i % 3 === 0) {
      bits[0] = rng.int(2 ** 32);
      bits[1] = rng.int(2 ** 32);
      out[i] = view[0];
    } else if (i % 3 === 1) out[i] = rng.next() ** 8 * 10 ** (rng.int(60) - 40);
    else out[i] = rng.int(1e9) * 10 ** rng.int(20);
  }
  return out;
}

describe('readout in the addon', () => {
  it('formats numbers exactly as JSON.stringify does, on 1 and several threads', () => {
    const values = awkwardNumbers(300_000, 3);
    const expected = JSON.stringify(Array.from(values)).slice(1, -1);
    for (const threads of [1, 2, 3]) {
      const buf = Buffer.alloc(values.length * 26);
      const n = addon.formatJsonNumbers(values, buf, { threads });
      expect(buf.subarray(0, n).toString('latin1') === expected, `threads ${threads}`).toBe(true);
    }
    expect(addon.formatJsonNumbers(new Float64Array(0), Buffer.alloc(0))).toBe(0);
    expect(() => addon.formatJsonNumbers(new Float64Array(4), Buffer.alloc(4 * 26 - 1))).toThrow(/need/);
    expect(() => addon.formatJsonNumbers([1, 2] as unknown as Float64Array, Buffer.alloc(52))).toThrow(/Float64Array/);
  });

  it('selects the same outcomes as TypeScript and as a full sort, ties by lower index, on 1 and several threads', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 100; trial++) {
      const n = 1 + rng.int(trial % 5 === 0 ? 20_000 : 300);
      const levels = trial % 2 ? 1 + rng.int(5) : 0;
      const v = new Float64Array(n).map(() => (levels ? rng.int(levels) / levels : rng.next()));
      for (const k of [1, 10, n + 3]) {
        const sorted = Array.from({ length: n }, (_, i) => i).filter((i) => v[i] > 1e-12).sort((a, b) => v[b] - v[a] || a - b).slice(0, k);
        expect(largestIndices(v, k, 1e-12)).toEqual(sorted);
        for (const threads of [1, 2, 3]) expect(addon.largestIndices(v, k, 1e-12, { threads })).toEqual(sorted);
      }
    }
  });
});

/** A stream that accepts `room` writes, then asks to wait until it drains (asynchronously, like a pipe). */
class SlowStream extends EventEmitter {
  chunks: string[] = [];
  waiting = false;
  writesWhileWaiting = 0;
  private since = 0;
  constructor(private readonly room: number) {
    super();
  }
  write(chunk: Uint8Array | string): boolean {
    if (this.waiting) this.writesWhileWaiting++;
    this.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1'));
    if (++this.since < this.room) return true;
    this.since = 0;
    this.waiting = true;
    setTimeout(() => {
      this.waiting = false;
      this.emit('drain');
    }, 1);
    return false;
  }
}

describe('--json streaming', () => {
  const value = (p: Float64Array) => ({ qubits: 21, probabilities: p, expectations: [0.5, NaN], counts: { '01': 3 }, branches: 2 });

  it('writes JSON.stringify\'s text in chunks, waiting for drain when the stream asks', async () => {
    // More than one chunk of 2^20 numbers, so chunk boundaries are crossed.
    const p = awkwardNumbers((1 << 21) + 7, 9).map((x) => (Number.isFinite(x) ? Math.abs(x) : 0));
    const out = new SlowStream(2);
    await writeJsonStreaming(out as unknown as NodeJS.WritableStream, value(p), 2);
    expect(out.chunks.length).toBeGreaterThan(3);
    expect(out.writesWhileWaiting).toBe(0);
    const v = value(p);
    expect(out.chunks.join('') === JSON.stringify({ ...v, probabilities: Array.from(p) }) + '\n').toBe(true);
  });

  it('formats the same without the addon (TypeScript fallback)', () => {
    const p = awkwardNumbers(5000, 4);
    const text = (x: Uint8Array | string) => (typeof x === 'string' ? x : Buffer.from(x).toString('latin1'));
    expect(text(jsonNumbers(p, true, 1, null))).toBe(text(jsonNumbers(p, true, 1, addon)));
    expect(text(jsonNumbers(p, false, 1, null))).toBe(JSON.stringify(Array.from(p)).slice(1, -1));
  });

  it('stops quietly when the reader goes away (EPIPE), and reports other stream errors', async () => {
    const gone = new SlowStream(1);
    setTimeout(() => gone.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })), 0);
    gone.write = function (this: SlowStream) { return false; } as never; // never drains: only the error ends the wait
    await expect(writeJsonStreaming(gone as unknown as NodeJS.WritableStream, value(new Float64Array(8)))).resolves.toBeUndefined();
    const broken = new SlowStream(1);
    broken.write = function () { setTimeout(() => broken.emit('error', Object.assign(new Error('write EIO'), { code: 'EIO' })), 0); return false; } as never;
    await expect(writeJsonStreaming(broken as unknown as NodeJS.WritableStream, value(new Float64Array(8)))).rejects.toThrow(/cannot write the output: write EIO/);
  });
});

describe('--json to a terminal', () => {
  it('is refused from 26 qubits (over 1 GiB of text) before simulating, with the size and the way out', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-tty-'));
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    try {
      const qasm = path.join(dir, 'q26.qasm');
      fs.writeFileSync(qasm, 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[26];\nh q[0];\n');
      Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
      const r = await quench('simulate', qasm, '--json');
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('quench: --json would print about 1.4 GiB (2^26 probabilities) to the terminal; redirect it to a file (> out.json), or write them with --output FILE.npy (512 MiB)\n');
      expect(r.stdout).toBe('');
    } finally {
      if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
