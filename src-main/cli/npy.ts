// `quench simulate --output FILE.npy`: the probability vector as a NumPy
// .npy file (format 1.0), written straight from the typed array in large
// chunks, atomically: into a temporary file beside the target, fsync'd, then
// renamed over it. A failure or an interrupt removes the temporary file, so
// FILE.npy is either the complete new vector or what it was before.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatBytes } from '../../src-shared/workloads/memory';
import { UsageError, describeIoError } from '../errors';

export type NpyDtype = 'f8' | 'f4';

/** The .npy header (magic, version 1.0, length, dict) for a 1-D array, padded so the data starts at a multiple of 64 bytes. */
export function npyHeader(dtype: NpyDtype, length: number): Buffer {
  const order = os.endianness() === 'LE' ? '<' : '>';
  const dict = `{'descr': '${order}${dtype}', 'fortran_order': False, 'shape': (${length},), }`;
  const preamble = 10; // magic (6), version (2), header length (2)
  const total = Math.ceil((preamble + dict.length + 1) / 64) * 64;
  const header = Buffer.alloc(total, 0x20);
  header.write('\x93NUMPY', 0, 'latin1');
  header[6] = 1;
  header[7] = 0;
  header.writeUInt16LE(total - preamble, 8);
  header.write(dict, preamble, 'latin1');
  header[total - 1] = 0x0a;
  return header;
}

/** Bytes of the .npy file for 2^n values. */
export function npyBytes(dtype: NpyDtype, length: number): number {
  return npyHeader(dtype, length).length + length * (dtype === 'f8' ? 8 : 4);
}

/** Values per write: large enough that the system calls cost nothing, small enough for a conversion buffer. */
const CHUNK = 1 << 22;

/**
 * An .npy file being written. open() checks the target and creates the
 * temporary file (before any simulation, so a bad path fails at once);
 * write() fills and commits it; close() ends it, removing the temporary
 * file if it was not written. Until then an interrupt (Ctrl-C, SIGTERM,
 * SIGHUP) or an exit removes it too.
 */
export class NpyOutput {
  private fd: number | null = null;
  private done = false;
  /** Whether the temporary file was created (only then is it ours to remove). */
  private created = false;
  private readonly cleanup = () => this.discard();
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.discard();
    this.release();
    // Die of the signal as if it had not been caught.
    process.kill(process.pid, signal);
  };

  private constructor(readonly file: string, readonly temp: string) {
    process.once('exit', this.cleanup);
    for (const s of SIGNALS) process.once(s, this.onSignal);
  }

  /** Checks the target and creates the temporary file beside it; `bytes` is checked against the free space there. */
  static open(file: string, bytes: number): NpyOutput {
    if (path.extname(file).toLowerCase() !== '.npy')
      throw new UsageError(`--output ${file}: the supported format is NumPy's .npy (name the file *.npy)`);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(file);
    } catch {
      /* a new file */
    }
    if (stat?.isDirectory()) throw new UsageError(`--output ${file} is a directory; name a file (*.npy)`);
    const dir = path.dirname(path.resolve(file));
    // The handlers that remove the temporary file come first: a signal may arrive the moment it exists.
    const out = new NpyOutput(file, path.join(dir, `${path.basename(file)}.${process.pid}.tmp`));
    try {
      try {
        out.fd = fs.openSync(out.temp, 'wx', 0o666);
        out.created = true;
      } catch (e) {
        throw new UsageError(`cannot write ${file}: ${describeIoError(e as NodeJS.ErrnoException, dir)}`);
      }
      const free = freeBytes(dir);
      if (free !== null && free < bytes) throw new UsageError(`cannot write ${file}: it needs ${formatBytes(bytes)} and ${dir} has ${formatBytes(free)} free`);
    } catch (e) {
      out.discard();
      out.release();
      throw e;
    }
    return out;
  }

  /** Writes the header and the values (as f8, or rounded to f4), then fsyncs and renames into place. */
  write(values: Float64Array, dtype: NpyDtype): void {
    try {
      const fd = this.fd!;
      writeFully(fd, npyHeader(dtype, values.length));
      if (dtype === 'f8') {
        for (let b = 0; b < values.length; b += CHUNK) {
          const part = values.subarray(b, b + CHUNK);
          writeFully(fd, new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
        }
      } else {
        const f32 = new Float32Array(Math.min(CHUNK, values.length));
        for (let b = 0; b < values.length; b += CHUNK) {
          const part = values.subarray(b, b + CHUNK);
          f32.set(part);
          writeFully(fd, new Uint8Array(f32.buffer, 0, part.length * 4));
        }
      }
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      this.fd = null;
      fs.renameSync(this.temp, this.file);
      this.done = true;
    } catch (e) {
      this.discard();
      const err = e as NodeJS.ErrnoException;
      throw new Error(`cannot write ${this.file}: ${describeIoError(err, path.dirname(path.resolve(this.file)))}; nothing was written there`);
    }
    syncDirectory(path.dirname(path.resolve(this.file)));
  }

  /**
   * Ends the output: the temporary file is removed if it was not written.
   * The signal handlers stay one turn of the event loop longer: a Ctrl-C
   * that came during a long synchronous step (readout, write) is handled
   * then, instead of being dropped with them.
   */
  async close(): Promise<void> {
    this.discard();
    await new Promise((resolve) => setImmediate(resolve));
    this.release();
  }

  /** Removes the temporary file (after a failure, or when the run stops before writing); a no-op once written. */
  discard(): void {
    if (this.done) return;
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = null;
    }
    if (!this.created) return;
    try {
      fs.unlinkSync(this.temp);
    } catch {
      /* already gone */
    }
  }

  /** Removes the exit and signal handlers. */
  private release(): void {
    process.off('exit', this.cleanup);
    for (const s of SIGNALS) process.off(s, this.onSignal);
  }
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function writeFully(fd: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done);
}

/** Free bytes for this user where `dir` lives, or null where the system cannot say. */
function freeBytes(dir: string): number | null {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** The rename is durable only once the directory entry is (best effort: not every system can fsync a directory). */
function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* not supported here */
  }
}
