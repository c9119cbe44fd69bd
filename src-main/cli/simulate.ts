// `quench simulate FILE.qasm`: one circuit, read out as probabilities,
// expectation values and (optionally) samples.
import fs from 'node:fs';
import { countsFromSamples, type Backend, type SimulationResult } from '../../src-shared/backend/backend';
import { ReferenceBackend } from '../../src-shared/backend/reference-backend';
import { lower } from '../../src-shared/circuit/lower';
import { parsePauliSum, validatePauliSum, type PauliSum } from '../../src-shared/observable/pauli';
import { parseQasm } from '../../src-shared/qasm';
import type { WebGpuSimulationResult } from '../../src-shared/webgpu/webgpu-backend';
import { NativeBackend } from '../backend/native-backend';
import { createNodeWebGpuBackend, releaseNodeGpu } from '../backend/webgpu-node';
import { loadAddon } from '../native/addon';
import { UsageError } from './errors';

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

export function pickBackend(kind: 'native' | 'reference', isa: 'auto' | 'avx2' | 'scalar'): Backend {
  if (kind === 'reference') return new ReferenceBackend();
  const chosen = isa === 'auto' ? loadAddon().info().defaultIsa : isa;
  return new NativeBackend(chosen);
}

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
  const { circuit } = parseQasm(source, file);
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
  const request = { circuit: lower(circuit), observables, probabilities: true, shots: opts.shots, seed: opts.seed };
  const exec = { precision: opts.precision, threads: opts.threads, fusion: opts.fusion };
  let result: SimulationResult;
  let backendId: string;
  if (opts.backend === 'webgpu') {
    // No adapter: WebGpuUnavailableError, one line and exit code 3 (cli/index.ts).
    const gpu = await createNodeWebGpuBackend();
    try {
      result = await gpu.simulate(request, exec);
      backendId = `webgpu (${gpu.adapter})`;
    } finally {
      gpu.dispose();
      releaseNodeGpu(); // Dawn keeps the process alive while referenced
    }
  } else {
    const backend = pickBackend(opts.backend, opts.isa);
    result = await backend.simulate(request, exec);
    backendId = backend.id;
  }
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({
        qubits: result.numQubits,
        probabilities: Array.from(result.probabilities!),
        expectations: result.expectations,
        ...(result.samples ? { counts: countsFromSamples(result.samples, result.numQubits) } : {}),
      }) + '\n',
    );
  } else {
    process.stdout.write(summary(file, result, opts, backendId));
  }
  return 0;
}

function summary(file: string, r: SimulationResult, opts: SimulateOptions & { precision: 'f64' | 'f32' }, backendId: string): string {
  const n = r.numQubits;
  const timing = (r as Partial<WebGpuSimulationResult>).timing;
  const lines = [
    `${file}: ${n} qubits, backend ${backendId}, ${opts.precision}, ${r.timings.simulate.toFixed(3)} ms simulate` +
      (timing ? ` (${timing})` : '') + (r.passes !== undefined ? `, ${r.passes} passes` : ''),
  ];
  const probs = r.probabilities!;
  const top = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]).slice(0, 10).filter((i) => probs[i] > 1e-12);
  lines.push('Most likely outcomes (qubit 0 rightmost):');
  for (const i of top) lines.push(`  |${i.toString(2).padStart(n, '0')}⟩  ${probs[i].toFixed(6)}`);
  opts.observable.forEach((text, i) => lines.push(`⟨${text}⟩ = ${r.expectations[i].toPrecision(12)}`));
  if (r.samples) {
    const counts = Object.entries(countsFromSamples(r.samples, n)).sort((a, b) => b[1] - a[1]);
    lines.push(`Counts (${opts.shots} shots, seed ${opts.seed}):`);
    for (const [k, c] of counts.slice(0, 16)) lines.push(`  ${k}  ${c}`);
    if (counts.length > 16) lines.push(`  … ${counts.length - 16} more outcomes`);
  }
  return lines.join('\n') + '\n';
}
