// `quench simulate FILE.qasm`: one circuit, read out as probabilities,
// expectation values and (optionally) samples.
import fs from 'node:fs';
import { simulateProgram, type ProgramResult } from '../../src-shared/backend/dynamic-runner';
import { parsePauliSum, validatePauliSum, type PauliSum } from '../../src-shared/observable/pauli';
import { parseQasm } from '../../src-shared/qasm';
import { pickBackend } from '../backend/pick';
import { createNodeWebGpuBackend } from '../backend/webgpu-node';
import { UsageError } from '../errors';

export interface SimulateOptions {
  json?: boolean;
  /** Default: f64, or f32 for webgpu (WGSL has no f64). */
  precision?: 'f64' | 'f32';
  isa: 'auto' | 'avx2' | 'scalar';
  backend: 'native' | 'reference' | 'webgpu';
  threads: number;
  fusion?: number;
  observable: string[];
  shots?: number;
  seed: number;
}

/** Above this many qubits, the JSON/text output of all 2^n probabilities is refused. */
const MAX_PRINTED_QUBITS = 24;

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
  if (opts.json && circuit.numQubits > MAX_PRINTED_QUBITS)
    throw new UsageError(`--json prints all 2^n probabilities; ${circuit.numQubits} qubits is too many (at most ${MAX_PRINTED_QUBITS})`);
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
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({
        qubits: result.numQubits,
        probabilities: Array.from(result.probabilities!),
        expectations: result.expectations,
        ...(result.counts ? { counts: result.counts } : {}),
        ...(result.dynamic ? { branches: result.branches } : {}),
      }) + '\n',
    );
  } else {
    process.stdout.write(summary(file, result, opts, backendId, program.numClbits > 0));
  }
  return 0;
}

function summary(file: string, r: ProgramResult, opts: SimulateOptions & { precision: 'f64' | 'f32' }, backendId: string, classical: boolean): string {
  const n = r.numQubits;
  const timing = r.extra?.timing as string | undefined;
  const lines = [
    `${file}: ${n} qubits, backend ${backendId}, ${opts.precision}, ${r.timings.simulate.toFixed(3)} ms simulate` +
      (timing ? ` (${timing})` : '') + (r.passes !== undefined ? `, ${r.passes} passes` : '') +
      (r.dynamic ? `, dynamic: ${r.branches} final state${r.branches === 1 ? '' : 's'}` : ''),
  ];
  const probs = r.probabilities!;
  const top = mostLikely(probs, 10);
  lines.push('Most likely outcomes (qubit 0 rightmost):');
  for (const i of top) lines.push(`  |${i.toString(2).padStart(n, '0')}⟩  ${probs[i].toFixed(6)}`);
  opts.observable.forEach((text, i) => lines.push(`⟨${text}⟩ = ${r.expectations[i].toPrecision(12)}`));
  if (r.counts) {
    const counts = Object.entries(r.counts).sort((a, b) => b[1] - a[1]);
    lines.push(`Counts (${opts.shots} shots, seed ${opts.seed}; ${classical ? 'classical registers, bit 0 rightmost' : 'qubit 0 rightmost'}):`);
    for (const [k, c] of counts.slice(0, 16)) lines.push(`  ${k}  ${c}`);
    if (counts.length > 16) lines.push(`  … ${counts.length - 16} more outcomes`);
  }
  return lines.join('\n') + '\n';
}

/** Indices of the k largest probabilities above 1e-12, largest first, in one pass (never sorts all 2^n). */
function mostLikely(probs: Float64Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] <= 1e-12 || (top.length === k && probs[i] <= probs[top[k - 1]])) continue;
    let j = Math.min(top.length, k - 1);
    top[j] = i;
    while (j > 0 && probs[top[j - 1]] < probs[i]) {
      top[j] = top[j - 1];
      top[--j] = i;
    }
  }
  return top;
}
