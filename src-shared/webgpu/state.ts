// How a state (batch rows × 2^n complex64 amplitudes) is laid out in GPU
// buffers: one storage buffer when it fits the adapter's binding and buffer
// limits, else 2^m equal chunks, one binding each, up to what the
// per-stage storage-buffer limit leaves after the gate record and the two
// auxiliary bindings. Anything larger is refused with the numbers.
import { AUX_BINDINGS, type StateShape } from './kernels';
import type { SimLimits } from './context';

export const BYTES_PER_AMPLITUDE = 8; // complex64: vec2<f32>
/** Global amplitude indices are u32 and shifts stay below 32: at most 2^31 amplitudes. */
export const MAX_INDEX_BITS = 31;

export interface StatePlan extends StateShape {
  numQubits: number;
  rows: number;
  /** Total amplitudes (rows · 2^n). */
  amplitudes: number;
  /** Bytes of each chunk buffer. */
  chunkBytes: number;
}

const floorPow2 = (x: number) => (x < 1 ? 0 : 2 ** Math.floor(Math.log2(x)));

export function formatBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(b % 2 ** 30 === 0 ? 0 : 1)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(b % 2 ** 20 === 0 ? 0 : 1)} MiB`;
  return `${b} bytes`;
}

/** The largest chunk (bytes, a power of two) one binding may hold. */
export function maxChunkBytes(limits: SimLimits, override?: number): number {
  const cap = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize, override ?? Infinity);
  return floorPow2(cap);
}

/** The most state chunks one shader may bind (a power of two). */
export function maxChunks(limits: SimLimits): number {
  return Math.max(1, floorPow2(limits.maxStorageBuffersPerShaderStage - 1 - AUX_BINDINGS));
}

/** The layout of a rows × n-qubit state, or a RangeError that names the limit. */
export function planState(numQubits: number, rows: number, limits: SimLimits, chunkOverride?: number): StatePlan {
  const what = rows > 1 ? `${rows} batch rows of ${numQubits} qubits` : `a state of ${numQubits} qubits`;
  if (!Number.isInteger(numQubits) || numQubits < 1) throw new RangeError(`WebGPU: number of qubits must be a positive integer, got ${numQubits}`);
  const indexBits = numQubits + Math.ceil(Math.log2(rows));
  if (indexBits > MAX_INDEX_BITS)
    throw new RangeError(`WebGPU: ${what} needs ${indexBits} index bits; the WebGPU kernels index amplitudes with 32-bit integers (at most ${MAX_INDEX_BITS} bits: 2^${MAX_INDEX_BITS} amplitudes)`);
  const amplitudes = rows * 2 ** numQubits;
  const bytes = amplitudes * BYTES_PER_AMPLITUDE;
  const chunkCap = maxChunkBytes(limits, chunkOverride);
  if (bytes <= chunkCap) return { numQubits, rows, amplitudes, chunks: 1, chunkBits: MAX_INDEX_BITS, chunkBytes: bytes };
  // Split: rows·2^n may not be a power of two; chunks are, and the last may be partly unused.
  const chunkAmps = chunkCap / BYTES_PER_AMPLITUDE;
  const chunks = 2 ** Math.ceil(Math.log2(amplitudes / chunkAmps));
  const allowed = maxChunks(limits);
  if (chunks > allowed)
    throw new RangeError(
      `WebGPU: ${what} (${formatBytes(bytes)} of complex64) would need ${chunks} buffers of ${formatBytes(chunkCap)}, ` +
        `but this adapter allows ${allowed} (maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize}, maxBufferSize ${limits.maxBufferSize}, ` +
        `maxStorageBuffersPerShaderStage ${limits.maxStorageBuffersPerShaderStage}): at most ${Math.log2((allowed * chunkCap) / BYTES_PER_AMPLITUDE / rows) | 0} qubits here`,
    );
  return { numQubits, rows, amplitudes, chunks, chunkBits: Math.log2(chunkAmps), chunkBytes: chunkCap };
}
