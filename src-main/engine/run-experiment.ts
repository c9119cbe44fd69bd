// One entry point from an Experiment (as stored in a project) to a RunResult:
// picks the workload runner for its kind with the experiment's settings.
import type { Experiment } from '../../src-shared/project/schema';
import type { RunResult } from '../../src-shared/results';
import { lower } from '../../src-shared/circuit/lower';
import { parsePauliSum, validatePauliSum } from '../../src-shared/observable/pauli';
import { parseQasm } from '../../src-shared/qasm';
import { countsFromSamples } from '../../src-shared/backend/backend';
import { pickBackend } from '../cli/simulate';
import type { SessionOptions } from './session';
import { NativeSession } from './session';
import { loadCsvDataset } from './dataset-file';
import { benchQgan, trainQgan } from './workloads/qgan';
import { runQaoa } from './workloads/qaoa';
import { runQnn } from './workloads/qnn';
import { runQsvm } from './workloads/qsvm';
import { runScale } from './workloads/scale';
import { runVqe } from './workloads/vqe';

export class ExperimentError extends Error {
  override name = 'ExperimentError';
}

function sessionOptions(e: Experiment): SessionOptions {
  const s = e.settings;
  if (s.backend === 'webgpu') throw new ExperimentError(`experiment '${e.id}': the WebGPU backend runs in the workbench; headless runs use native-avx2 or native-scalar`);
  if (s.backend === 'reference' && e.kind !== 'circuit') throw new ExperimentError(`experiment '${e.id}': the reference backend only runs raw circuits`);
  return { isa: s.backend === 'native-scalar' ? 'scalar' : 'auto', precision: s.precision, threads: s.threads, fusion: s.fusion };
}

/** baseDir: where relative paths in the experiment (CSV datasets) are resolved: the project file's folder. */
export async function runExperiment(e: Experiment, baseDir = process.cwd()): Promise<RunResult> {
  const o = sessionOptions(e);
  switch (e.kind) {
    case 'vqe': {
      const { optimizer, iterations, learningRate, ...spec } = e.params;
      return runVqe(spec, { ...o, optimizer, iterations, learningRate });
    }
    case 'qaoa': {
      const { optimizer, iterations, learningRate, shots, ...spec } = e.params;
      return runQaoa(spec, { ...o, optimizer, iterations, learningRate, shots });
    }
    case 'qnn': {
      const { csv, labelColumn, ...spec } = e.params;
      return runQnn({ ...spec, data: csv ? await loadCsvDataset(csv, { labelColumn, baseDir }) : undefined }, o);
    }
    case 'qsvm': {
      const { csv, labelColumn, ...spec } = e.params;
      return runQsvm({ ...spec, data: csv ? await loadCsvDataset(csv, { labelColumn, baseDir }) : undefined }, o);
    }
    case 'qgan':
      return benchQgan(e.params, o);
    case 'qgan-train':
      return trainQgan(e.params, o);
    case 'scale':
      return runScale(e.params, o);
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
  const backend = pickBackend(e.settings.backend === 'reference' ? 'reference' : 'native', o.isa ?? 'auto');
  const r = await backend.simulate(
    { circuit: lower(circuit), observables, probabilities: circuit.numQubits <= 20, shots: e.params.shots, seed: e.params.seed },
    { precision: o.precision, threads: o.threads, fusion: o.fusion },
  );
  const env = new NativeSession(o).environment();
  return {
    kind: 'circuit',
    params: { qubits: circuit.numQubits, operations: circuit.ops.length },
    metrics: { ms_simulate: r.timings.simulate, ms_compile: r.timings.compile, ms_readout: r.timings.readout, ...(r.passes !== undefined ? { passes: r.passes } : {}) },
    quality: Object.fromEntries(observables.map((_, i) => [`expectation_${i}`, r.expectations[i]])),
    curves: {},
    phases: { compile: r.timings.compile, simulate: r.timings.simulate, readout: r.timings.readout },
    details: { observables: e.params.observables ?? [], ...(r.samples ? { counts: countsFromSamples(r.samples, circuit.numQubits) } : {}) },
    env: { ...env, backend: backend.id },
  };
}
