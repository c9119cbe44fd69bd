// `quench simulate FILE.qasm`: one circuit, read out as probabilities,
// expectation values and (optionally) samples.
import fs from 'node:fs';
import os from 'node:os';
import { simulateProgram, type ProgramResult } from '../../src-shared/backend/dynamic-runner';
import { parsePauliSum, validatePauliSum, type PauliSum } from '../../src-shared/observable/pauli';
import { parseQasm } from '../../src-shared/qasm';
import { pickBackend } from '../backend/pick';
import { createNodeWebGpuBackend } from '../backend/webgpu-node';
import { formatBytes } from '../../src-shared/workloads/memory';
import { UsageError } from '../errors';
import { loadAddon } from '../native/addon';
import { NpyOutput, npyBytes } from './npy';
import { JSON_BYTES_PER_PROBABILITY, mostLikely, writeJsonStreaming } from './readout';

export interface SimulateOptions {
  json?: boolean;
  /** Default: f64, or f32 for webgpu (WGSL has no f64). */
  precision?: 'f64' | 'f32';
  isa: 'auto' | 'avx512' | 'avx2' | 'scalar';
  backend: 'native' | 'reference' | 'webgpu';
  threads: number;
  fusion?: number;
  observable: string[];
  shots?: number;
  seed: number;
  /** Write the probabilities to this .npy file (the summary then leaves them out). */
  output?: string;
}

/**
 * Above this much, --json to a terminal is refused: nobody reads a gigabyte
 * scrolling past. 26 qubits and up; 24 (the old limit) and 25 still print.
 */
const MAX_TERMINAL_JSON_BYTES = 2 ** 30;

export async function runSimulate(file: string, options: SimulateOptions): Promise<number> {
  if (options.backend === 'webgpu' && options.precision === 'f64')
    throw new UsageError('the WebGPU backend computes in f32 (WGSL has no f64): use --precision f32, or leave --precision out');
  const opts = { ...options, precision: options.precision ?? (options.backend === 'webgpu' ? 'f32' : 'f64') } as const;
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const program = parseQasm(source, file);
  const { circuit } = program;
  const observables: PauliSum[] = opts.observable.map((text, i) => {
    try {
      const sum = parsePauliSum(text);
      validatePauliSum(sum, circuit.numQubits);
      return sum;
    } catch (e) {
      throw new UsageError(`--observable #${i + 1} '${text}': ${(e as Error).message}`);
    }
  });
  if (opts.precision === 'f32' && opts.backend === 'reference') throw new UsageError('the reference backend computes in f64 only');
  checkMemory(circuit.numQubits, opts);
  const jsonBytes = 2 ** circuit.numQubits * JSON_BYTES_PER_PROBABILITY;
  if (opts.json && !opts.output && process.stdout.isTTY && jsonBytes > MAX_TERMINAL_JSON_BYTES)
    throw new UsageError(
      `--json would print about ${formatBytes(jsonBytes)} (2^${circuit.numQubits} probabilities) to the terminal; ` +
        `redirect it to a file (> out.json), or write them with --output FILE.npy (${formatBytes(npyBytes(dtypeOf(opts.precision), 2 ** circuit.numQubits))})`,
    );
  // The .npy file's temporary twin is created now, so that a bad path fails before a long simulation.
  const npy = opts.output ? NpyOutput.open(opts.output, npyBytes(dtypeOf(opts.precision), 2 ** circuit.numQubits)) : null;
  try {
    return await simulateAndPrint(file, program, observables, opts, npy);
  } finally {
    await npy?.close();
  }
}

type Resolved = SimulateOptions & { precision: 'f64' | 'f32' };
const dtypeOf = (precision: 'f64' | 'f32') => (precision === 'f64' ? 'f8' : 'f4');

/**
 * The state and its 2^n probabilities (f64) must fit in memory together;
 * nothing else of the readout grows with n (--json and --output stream).
 */
function checkMemory(n: number, opts: Resolved): void {
  const amplitudes = 2 ** n;
  const state = amplitudes * (opts.precision === 'f64' ? 16 : 8);
  const probabilities = amplitudes * 8;
  let available: number;
  try {
    available = loadAddon().info().availableMemory || os.freemem();
  } catch {
    available = os.freemem();
  }
  if (state + probabilities <= available) return;
  const f32 = opts.precision === 'f64' ? amplitudes * 16 : 0;
  let message =
    `${n} qubits in ${opts.precision}: the state (${formatBytes(state)}) and its 2^${n} probabilities (${formatBytes(probabilities)}) ` +
    `need ${formatBytes(state + probabilities)} of memory, and ${formatBytes(available)} is available` +
    (f32 && f32 <= available ? `; --precision f32 needs ${formatBytes(f32)}` : '');
  if (opts.json && !opts.output)
    message += `. (--json would print about ${formatBytes(amplitudes * JSON_BYTES_PER_PROBABILITY)} of text; ` +
      `--output FILE.npy stores the probabilities in ${formatBytes(npyBytes(dtypeOf(opts.precision), amplitudes))} on a machine with the memory.)`;
  throw new UsageError(message);
}

async function simulateAndPrint(file: string, program: ReturnType<typeof parseQasm>, observables: PauliSum[], opts: Resolved, npy: NpyOutput | null): Promise<number> {
  const request = { observables, probabilities: true, shots: opts.shots, seed: opts.seed };
  const exec = { precision: opts.precision, threads: opts.threads, fusion: opts.fusion };
  let result: ProgramResult;
  let backendId: string;
  if (opts.backend === 'webgpu') {
    // No adapter: WebGpuUnavailableError, one line and exit code 3 (cli/index.ts).
    const gpu = await createNodeWebGpuBackend();
    try {
      result = await simulateProgram(gpu, program, request, exec);
      backendId = `webgpu (${gpu.adapter})`;
    } finally {
      gpu.dispose();
    }
  } else {
    const backend = pickBackend(opts.backend, opts.isa);
    result = await simulateProgram(backend, program, request, exec);
    backendId = backend.id;
  }
  let written: Written | undefined;
  if (npy) {
    const t0 = performance.now();
    const dtype = dtypeOf(opts.precision);
    npy.write(result.probabilities!, dtype);
    written = { file: npy.file, dtype, bytes: npyBytes(dtype, result.probabilities!.length), ms: performance.now() - t0 };
  }
  if (opts.json) {
    const rest = {
      expectations: result.expectations,
      ...(result.counts ? { counts: result.counts } : {}),
      ...(result.dynamic ? { branches: result.branches } : {}),
    };
    if (written) process.stdout.write(JSON.stringify({ qubits: result.numQubits, probabilitiesFile: written.file, ...rest }) + '\n');
    else await writeJsonStreaming(process.stdout, { qubits: result.numQubits, probabilities: result.probabilities!, ...rest }, opts.threads);
  } else {
    process.stdout.write(summary(file, result, opts, backendId, program.numClbits > 0, written));
  }
  return 0;
}

interface Written {
  file: string;
  dtype: 'f8' | 'f4';
  bytes: number;
  ms: number;
}

function summary(file: string, r: ProgramResult, opts: Resolved, backendId: string, classical: boolean, written?: Written): string {
  const n = r.numQubits;
  const timing = r.extra?.timing as string | undefined;
  const lines = [
    `${file}: ${n} qubits, backend ${backendId}, ${opts.precision}, ${r.timings.simulate.toFixed(3)} ms simulate` +
      (timing ? ` (${timing})` : '') + (r.passes !== undefined ? `, ${r.passes} passes` : '') +
      (r.dynamic ? `, dynamic: ${r.branches} final state${r.branches === 1 ? '' : 's'}` : ''),
  ];
  const probs = r.probabilities!;
  // Outcomes at or below 1e-12 are rounding noise, never "likely".
  const top = mostLikely(probs, 10, 1e-12, opts.threads);
  lines.push('Most likely outcomes (qubit 0 rightmost):');
  for (const i of top) lines.push(`  |${i.toString(2).padStart(n, '0')}⟩  ${probs[i].toFixed(6)}`);
  if (written)
    lines.push(`All 2^${n} probabilities: ${written.file} (NumPy .npy, ${written.dtype === 'f8' ? 'float64' : 'float32'}, ${formatBytes(written.bytes)}, written in ${written.ms.toFixed(0)} ms)`);
  opts.observable.forEach((text, i) => lines.push(`⟨${text}⟩ = ${r.expectations[i].toPrecision(12)}`));
  if (r.counts) {
    const counts = Object.entries(r.counts).sort((a, b) => b[1] - a[1]);
    lines.push(`Counts (${opts.shots} shots, seed ${opts.seed}; ${classical ? 'classical registers, bit 0 rightmost' : 'qubit 0 rightmost'}):`);
    for (const [k, c] of counts.slice(0, 16)) lines.push(`  ${k}  ${c}`);
    if (counts.length > 16) lines.push(`  … ${counts.length - 16} more outcomes`);
  }
  return lines.join('\n') + '\n';
}
