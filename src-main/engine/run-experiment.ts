// One entry point from an Experiment (as stored in a project) to a RunResult:
// picks the workload runner for its kind with the experiment's settings.
import type { Experiment } from '../../src-shared/project/schema';
import type { RunResult } from '../../src-shared/results';
import { lower } from '../../src-shared/circuit/lower';
import { parsePauliSum, validatePauliSum } from '../../src-shared/observable/pauli';
import { parseQasm } from '../../src-shared/qasm';
import { countsFromSamples, type SimulationResult } from '../../src-shared/backend/backend';
import { backendProblem } from '../../src-shared/project/param-meta';
import type { RunEnvironment } from '../../src-shared/results';
import { PARAM_DEFAULTS } from '../../src-shared/workloads/defaults';
import { pickBackend } from '../cli/simulate';
import { NativeSession, openSession, type SessionOptions, type WebGpuSession } from './session';
import { loadCsvDataset } from './dataset-file';
import { benchQgan, QGAN_TRAIN_DEFAULTS, trainQgan } from './workloads/qgan';
import { runQaoa } from './workloads/qaoa';
import { QNN_RUN_DEFAULTS, runQnn } from './workloads/qnn';
import { runQsvm } from './workloads/qsvm';
import { runScale } from './workloads/scale';
import { runVqe } from './workloads/vqe';

export class ExperimentError extends Error {
  override name = 'ExperimentError';
}

function sessionOptions(e: Experiment): SessionOptions {
  const s = e.settings;
  // One rule for the editor and the engine (src-shared/project/param-meta.ts).
  const problem = backendProblem(e.kind, s.backend);
  if (problem) throw new ExperimentError(`experiment '${e.id}': ${problem}`);
  // WGSL has no f64: a WebGPU run is f32 whatever the settings say, and its env says so.
  if (s.backend === 'webgpu') return { backend: 'webgpu', precision: 'f32', fusion: s.fusion };
  return { backend: 'native', isa: s.backend === 'native-scalar' ? 'scalar' : 'auto', precision: s.precision, threads: s.threads, fusion: s.fusion };
}

/** One step of a running experiment: how far along, and the newest point of its main curve. */
export interface ExperimentProgress {
  fraction: number;
  message?: string;
  point?: { series: string; x: number; y: number };
}
export type ProgressCallback = (p: ExperimentProgress) => void;

/**
 * baseDir: where relative paths in the experiment (CSV datasets) are resolved: the project file's folder.
 * onProgress: called from the runners' own per-iteration callbacks (VQE/QAOA iterations, QNN epochs,
 * QGAN training steps); kinds without a loop (qsvm, qgan bench, scale, circuit) report nothing.
 */
export async function runExperiment(e: Experiment, baseDir = process.cwd(), onProgress?: ProgressCallback): Promise<RunResult> {
  const o = sessionOptions(e);
  const report = (done: number, total: number, series: string, x: number, y: number, message: string) =>
    onProgress?.({ fraction: Math.min(1, done / total), message, point: { series, x, y } });
  switch (e.kind) {
    case 'vqe': {
      const { optimizer, iterations, learningRate, ...spec } = e.params;
      const total = iterations ?? PARAM_DEFAULTS.vqe.iterations;
      return await runVqe(spec, { ...o, optimizer, iterations, learningRate, onIteration: (it, energy) => report(it + 1, total, 'energy', it, energy, `iteration ${it + 1}`) });
    }
    case 'qaoa': {
      const { optimizer, iterations, learningRate, shots, ...spec } = e.params;
      const total = iterations ?? PARAM_DEFAULTS.qaoa.iterations;
      return await runQaoa(spec, { ...o, optimizer, iterations, learningRate, shots, onIteration: (it, cut) => report(it + 1, total, 'expected_cut', it, cut, `iteration ${it + 1}`) });
    }
    case 'qnn': {
      const { csv, labelColumn, ...spec } = e.params;
      const total = spec.epochs ?? QNN_RUN_DEFAULTS.epochs;
      const onEpoch = (epoch: number, loss: number) => report(epoch + 1, total, 'loss', epoch, loss, `epoch ${epoch + 1}/${total}`);
      return runQnn({ ...spec, data: csv ? await loadCsvDataset(csv, { labelColumn, baseDir }) : undefined }, { ...o, onEpoch });
    }
    case 'qsvm': {
      const { csv, labelColumn, ...spec } = e.params;
      return await runQsvm({ ...spec, data: csv ? await loadCsvDataset(csv, { labelColumn, baseDir }) : undefined }, o);
    }
    case 'qgan':
      return await benchQgan(e.params, o);
    case 'qgan-train': {
      const total = (e.params.epochs ?? QGAN_TRAIN_DEFAULTS.epochs) * (e.params.stepsPerEpoch ?? QGAN_TRAIN_DEFAULTS.stepsPerEpoch);
      return await trainQgan(e.params, { ...o, onStep: (step, _d, gLoss) => report(step + 1, total, 'g_loss', step, gLoss, `step ${step + 1}/${total}`) });
    }
    case 'scale':
      return await runScale(e.params, o);
    case 'circuit':
      return runCircuit(e, o);
  }
}

async function runCircuit(e: Extract<Experiment, { kind: 'circuit' }>, o: SessionOptions): Promise<RunResult> {
  const { circuit } = parseQasm(e.params.qasm ?? '', `experiment '${e.id}'`);
  const observables = (e.params.observables ?? []).map((text) => {
    const sum = parsePauliSum(text);
    validatePauliSum(sum, circuit.numQubits);
    return sum;
  });
  const request = { circuit: lower(circuit), observables, probabilities: circuit.numQubits <= 20, shots: e.params.shots, seed: e.params.seed };
  let r: SimulationResult, env: RunEnvironment, backendId: string, timing: string | undefined;
  if (e.settings.backend === 'webgpu') {
    // Dawn in this (engine) process; WGSL has no f64, so the run is f32 whatever was asked, and says so in env.
    const session = (await openSession(o)) as WebGpuSession;
    try {
      const out = await session.gpu.simulate(request, session.exec);
      r = out;
      timing = out.timing;
      backendId = 'webgpu';
      env = { ...session.environment(), timing: out.timing };
    } finally {
      session.dispose();
    }
  } else {
    const backend = pickBackend(e.settings.backend === 'reference' ? 'reference' : 'native', o.isa ?? 'auto');
    r = await backend.simulate(request, { precision: o.precision, threads: o.threads, fusion: o.fusion });
    backendId = backend.id;
    env = new NativeSession(o).environment();
  }
  return {
    kind: 'circuit',
    params: { qubits: circuit.numQubits, operations: circuit.ops.length },
    metrics: { ms_simulate: r.timings.simulate, ms_compile: r.timings.compile, ms_readout: r.timings.readout, ...(r.passes !== undefined ? { passes: r.passes } : {}) },
    quality: Object.fromEntries(observables.map((_, i) => [`expectation_${i}`, r.expectations[i]])),
    curves: {},
    phases: { compile: r.timings.compile, simulate: r.timings.simulate, readout: r.timings.readout },
    details: { observables: e.params.observables ?? [], ...(r.samples ? { counts: countsFromSamples(r.samples, circuit.numQubits) } : {}), ...(timing ? { timing } : {}) },
    env: { ...env, backend: backendId },
  };
}
