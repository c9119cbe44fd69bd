// Reading a state's 2^n probabilities out of `quench simulate`: the most
// likely outcomes by selection, and --json streamed to stdout in chunks
// (never one giant string: 2^26 numbers are ~1.4 GB of text). The addon does
// both where it is loaded (several times faster than V8 at formatting
// numbers); TypeScript does the same where it is not.
import { largestIndices } from '../../src-shared/top-k';
import { JSON_NUMBER_MAX_BYTES, loadAddon, type NativeAddon } from '../native/addon';

/** The addon, if it loads and has the readout functions (an older build from QUENCH_NATIVE may not). */
export function readoutAddon(): NativeAddon | null {
  try {
    const addon = loadAddon();
    return typeof addon.largestIndices === 'function' && typeof addon.formatJsonNumbers === 'function' ? addon : null;
  } catch {
    return null;
  }
}

/** Indices of the k most likely outcomes above `floor`, most likely first, ties by lower index. */
export function mostLikely(probabilities: Float64Array, k: number, floor: number, threads = 0): number[] {
  const addon = readoutAddon();
  return addon ? addon.largestIndices(probabilities, k, floor, { threads }) : largestIndices(probabilities, k, floor);
}

/** About how many bytes --json prints per probability: measured 21.6 for a spread 24-qubit state (shortest round-trip digits), 2 for zeros. */
export const JSON_BYTES_PER_PROBABILITY = 22;

/** Numbers per chunk of --json: 26 MB of text at most, written before the next is formatted. */
const JSON_CHUNK = 1 << 20;

/**
 * Writes `JSON.stringify(value)` plus a newline, where `value.probabilities`
 * (a Float64Array) is streamed in chunks, honouring backpressure. The text
 * is the same as JSON.stringify's: key order, number format and all.
 */
export async function writeJsonStreaming(out: NodeJS.WritableStream, value: Record<string, unknown> & { probabilities: Float64Array }, threads = 0): Promise<void> {
  // The other fields come from JSON.stringify around an empty list, which the chunks then fill.
  const whole = JSON.stringify({ ...value, probabilities: [] });
  const key = '"probabilities":[';
  const at = whole.indexOf(key) + key.length;
  const sink = new Sink(out);
  await sink.write(whole.slice(0, at));
  const p = value.probabilities;
  const addon = readoutAddon();
  for (let b = 0; b < p.length && !sink.closed; b += JSON_CHUNK) await sink.write(jsonNumbers(p.subarray(b, b + JSON_CHUNK), b > 0, threads, addon));
  await sink.write(whole.slice(at) + '\n');
  await sink.end();
}

/** `values` as JSON list items (after a comma if `more`): by the addon when given one, else by JSON.stringify. */
export function jsonNumbers(values: Float64Array, more: boolean, threads = 0, addon: NativeAddon | null = readoutAddon()): Uint8Array | string {
  if (!addon) return (more ? ',' : '') + JSON.stringify(Array.from(values)).slice(1, -1);
  // A fresh buffer per chunk: the stream may still hold the previous one.
  const buf = Buffer.allocUnsafe(values.length * JSON_NUMBER_MAX_BYTES + 1);
  let n = 0;
  if (more) buf[n++] = 0x2c; // ','
  n += addon.formatJsonNumbers(values, buf.subarray(n), { threads });
  return buf.subarray(0, n);
}

/**
 * A stream written with backpressure: write() waits for 'drain' when the
 * stream asks for it. A reader that goes away (EPIPE: `| head`) ends the
 * output quietly; other errors are thrown.
 */
class Sink {
  closed = false;
  private error: Error | null = null;
  private wake: (() => void) | null = null;
  private readonly onError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') this.closed = true;
    else this.error = e;
    this.wake?.();
  };

  constructor(private readonly out: NodeJS.WritableStream) {
    out.on('error', this.onError);
  }

  async write(chunk: Uint8Array | string): Promise<void> {
    this.check();
    if (this.closed) return;
    if (this.out.write(chunk)) return;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      this.out.once('drain', resolve);
    });
    this.out.off('drain', this.wake!);
    this.wake = null;
    this.check();
  }

  /** Waits until everything written has been handed to the system (a process that ends through _exit must not cut it short). */
  async end(): Promise<void> {
    if (!this.closed && !this.error && (this.out as { writableLength?: number }).writableLength)
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        // An empty write's callback runs after every earlier write has been flushed.
        this.out.write('', () => resolve());
      });
    this.wake = null;
    this.out.off('error', this.onError);
    this.check();
  }

  private check(): void {
    if (this.error) {
      const e = this.error;
      this.out.off('error', this.onError);
      throw new Error(`cannot write the output: ${e.message}`);
    }
  }
}
