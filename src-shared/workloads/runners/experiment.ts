// From an Experiment (as stored in a project) to a RunResult on a session:
// the one dispatch for the qubit workloads, used by the engine process
// (src-main/engine/run-experiment.ts) and by the window's WebGPU runs.
import type { Backend, ExecutionOptions } from '../../backend/backend';
import { simulateProgram } from '../../backend/dynamic-runner';
import type { Dataset } from '../../ml/datasets';
import { parsePauliSum, validatePauliSum } from '../../observable/pauli';
import type { Experiment } from '../../project/schema';
import { parseQasm } from '../../qasm';
import type { RunEnvironment, RunResult } from '../../results';
import { PARAM_DEFAULTS } from '../defaults';
import type { WorkloadSession } from '../session';
import { runQaoaOn } from './qaoa';
import { QNN_RUN_DEFAULTS, runQnnOn } from './qnn';
import { runQsvmOn } from './qsvm';
import { runScaleOn } from './scale';
import { runVqeOn } from './vqe';
import { runtimeOf, unregistered, WORKLOAD_RUNTIMES } from '../registry';
import { markPhase, now } from '../timing';
import { topProbabilities } from '../../outcomes';

/** One step of a running experiment: how far along, and the newest point of its main curve. */
export interface ExperimentProgress {
  fraction: number;
  message?: string;
  point?: { series: string; x: number; y: number };
}
export type ProgressCallback = (p: ExperimentProgress) => void;

/** The kinds that run on a WorkloadSession (every qubit workload; the CV GAN has its own engine). */
export type SessionExperiment = Extract<Experiment, { kind: 'vqe' | 'qaoa' | 'qnn' | 'qsvm' | 'scale' | (typeof WORKLOAD_RUNTIMES)[number]['kind'] }>;
export const SESSION_KINDS = ['vqe', 'qaoa', 'qnn', 'qsvm', 'scale', ...WORKLOAD_RUNTIMES.map((r) => r.kind)] as const;
export const isSessionExperiment = (e: Experiment): e is SessionExperiment => (SESSION_KINDS as readonly string[]).includes(e.kind);

export interface ExperimentRunContext {
  /** Reads a CSV dataset named by the experiment (the engine reads files; the window cannot). */
  loadCsv?: (file: string, labelColumn: string | number | undefined) => Promise<Dataset>;
  /** Called from the runners' own per-iteration callbacks (VQE/QAOA iterations, QNN epochs). */
  onProgress?: ProgressCallback;
}

function csvOf(e: { id: string }, ctx: ExperimentRunContext, csv: string | undefined, labelColumn: string | number | undefined): Promise<Dataset> | undefined {
  if (!csv) return undefined;
  if (!ctx.loadCsv) throw new Error(`experiment '${e.id}': its CSV dataset (${csv}) is read by the engine process; run it there`);
  return ctx.loadCsv(csv, labelColumn);
}

export async function runExperimentOn(session: WorkloadSession, e: SessionExperiment, ctx: ExperimentRunContext = {}): Promise<RunResult> {
  const report = (done: number, total: number, series: string, x: number, y: number, message: string) =>
    ctx.onProgress?.({ fraction: Math.min(1, done / total), message, point: { series, x, y } });
  const runtime = runtimeOf(e.kind);
  if (runtime) return runtime.run(session, e as never, ctx);
  switch (e.kind) {
    case 'vqe': {
      const { optimizer, iterations, learningRate, ...spec } = e.params;
      const total = iterations ?? PARAM_DEFAULTS.vqe.iterations;
      return runVqeOn(session, spec, { optimizer, iterations, learningRate, onIteration: (it, energy) => report(it + 1, total, 'energy', it, energy, `iteration ${it + 1}`) });
    }
    case 'qaoa': {
      const { optimizer, iterations, learningRate, shots, ...spec } = e.params;
      const total = iterations ?? PARAM_DEFAULTS.qaoa.iterations;
      return runQaoaOn(session, spec, { optimizer, iterations, learningRate, shots, onIteration: (it, cut) => report(it + 1, total, 'expected_cut', it, cut, `iteration ${it + 1}`) });
    }
    case 'qnn': {
      const { csv, labelColumn, ...spec } = e.params;
      const total = spec.epochs ?? QNN_RUN_DEFAULTS.epochs;
      const onEpoch = (epoch: number, loss: number) => report(epoch + 1, total, 'loss', epoch, loss, `epoch ${epoch + 1}/${total}`);
      return runQnnOn(session, { ...spec, data: await csvOf(e, ctx, csv, labelColumn) }, { onEpoch });
    }
    case 'qsvm': {
      const { csv, labelColumn, ...spec } = e.params;
      return runQsvmOn(session, { ...spec, data: await csvOf(e, ctx, csv, labelColumn) });
    }
    case 'scale':
      return runScaleOn(session, e.params);
    default:
      throw unregistered(e);
  }
}

/**
 * A raw-circuit experiment on a Backend: probabilities (≤ 20 qubits), observables, seeded shots.
 * Dynamic circuits (mid-circuit measurement, reset, if) give the exact mixture and per-shot trajectories.
 */
export async function runCircuitOn(backend: Backend, exec: ExecutionOptions, env: RunEnvironment, e: Extract<Experiment, { kind: 'circuit' }>): Promise<RunResult> {
  const program = parseQasm(e.params.qasm ?? '', `experiment '${e.id}'`);
  const { circuit } = program;
  const observables = (e.params.observables ?? []).map((text) => {
    const sum = parsePauliSum(text);
    validatePauliSum(sum, circuit.numQubits);
    return sum;
  });
  const t0 = now();
  const r = await simulateProgram(backend, program, { observables, probabilities: circuit.numQubits <= 20, shots: e.params.shots, seed: e.params.seed }, exec);
  // The backend reports durations, not instants; it runs them in this order
  // (a dynamic circuit's branches interleave simulate and readout, shown summed).
  let at = t0;
  for (const phase of ['compile', 'simulate', 'readout'] as const) markPhase(phase, at, (at += r.timings[phase]));
  const timing = r.extra?.timing as string | undefined;
  return {
    kind: 'circuit',
    params: { qubits: circuit.numQubits, operations: circuit.ops.length },
    metrics: {
      ms_simulate: r.timings.simulate, ms_compile: r.timings.compile, ms_readout: r.timings.readout,
      ...(r.passes !== undefined ? { passes: r.passes } : {}), ...(r.dynamic ? { final_states: r.branches ?? 0 } : {}),
    },
    quality: Object.fromEntries(observables.map((_, i) => [`expectation_${i}`, r.expectations[i]])),
    curves: {},
    phases: { compile: r.timings.compile, simulate: r.timings.simulate, readout: r.timings.readout },
    details: {
      observables: e.params.observables ?? [], ...(r.counts ? { counts: r.counts } : {}), ...(timing ? { timing } : {}),
      // all 2^n for up to 12 qubits; beyond, the most likely outcomes with their bitstrings
      ...(r.probabilities && circuit.numQubits <= 12 ? { probabilities: Array.from(r.probabilities) } : {}),
      ...(r.probabilities && circuit.numQubits > 12 ? { topProbabilities: topProbabilities(r.probabilities, circuit.numQubits) } : {}),
      ...(r.dynamic ? { dynamic: true } : {}),
    },
    env: { ...env, backend: backend.id, ...(timing ? { timing } : {}) },
  };
}
