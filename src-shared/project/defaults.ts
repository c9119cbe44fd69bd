// Every workload parameter's default, per experiment kind, beside the schema
// that defines the parameters: the one place the runners, the circuit
// builders (VQE_DEFAULTS, QNN_DEFAULTS, QSVM_DEFAULTS pick their part from
// here) and the workbench's editor (placeholders: an empty field means "the
// default") read them from. The values are the seed configuration: the sizes
// of the seed documents' workloads (docs/benchmarks.md).
import type { z } from 'zod';
import { VALIDATION } from '../workloads/validation/params';
import type { ExperimentKind, RunSettings, WORKLOAD_PARAMS } from './schema';

/** The parameters of one kind, as the project file stores them (all optional). */
export type WorkloadParams<K extends ExperimentKind> = z.infer<(typeof WORKLOAD_PARAMS)[K]>;

/** The seed report's CV generator (4 modes, latent 4, cutoff 4, 2 layers), shared by qgan and qgan-train. */
const CV_GENERATOR = { modes: 4, latent: 4, cutoff: 4, layers: 2, latentScale: 0.5, seed: 5 } as const;
/** The QNN classifier's circuit (the builder's QnnSpec), shared by qnn and scale. */
const QNN_CIRCUIT = { qubits: 8, layers: 3, seed: 3 } as const;
/** The ZZ feature map (the builder's QsvmSpec), shared by qsvm and scale. */
const ZZ_FEATURE_MAP = { features: 8, reps: 2, entanglement: 'full' } as const;

/**
 * Defaults per kind. Parameters without a default are left out: `pauliSum`
 * (only read for hamiltonian 'custom', which needs one), `edges` (the
 * graph is then a seeded random regular one), `csv`/`labelColumn` (the
 * built-in dataset is used), `qasm` (required), `shots` of a circuit (no
 * sampling unless asked).
 */
export const PARAM_DEFAULTS = {
  vqe: {
    // the circuit builder's part (VqeSpec): a 10-site Heisenberg chain, a 4-layer hardware-efficient ansatz
    qubits: 10, hamiltonian: 'heisenberg', J: 1, delta: 1, h: 1, periodic: false, layers: 4, ansatz: 'hea', entangler: 'ladder', seed: 1,
    optimizer: 'lbfgs', iterations: 300, learningRate: 0.05,
  },
  qaoa: { nodes: 20, degree: 3, p: 2, seed: 7, optimizer: 'adam', iterations: 100, learningRate: 0.02, shots: 1000 },
  qnn: {
    ...QNN_CIRCUIT,
    dataset: 'moons', train: 300, test: 100, epochs: 15, batchSize: 32, learningRate: 0.05, inferenceBatch: 1024, latencySamples: 200, baselines: true,
  },
  qsvm: {
    ...ZZ_FEATURE_MAP,
    dataset: 'moons', train: 1000, test: 200, C: 1, seed: 11, baseline: true,
  },
  qgan: { ...CV_GENERATOR, batches: [1, 4, 8, 16, 32, 256, 4096], repeats: 7 },
  'qgan-train': { ...CV_GENERATOR, epochs: 5, stepsPerEpoch: 10, batch: 16, learningRate: 0.01 },
  scale: { sizes: [1000, 2000, 5000, 10000], qubits: QNN_CIRCUIT.qubits, layers: QNN_CIRCUIT.layers, features: ZZ_FEATURE_MAP.features, seed: 13 },
  circuit: { observables: [], seed: 0 },
  validation: VALIDATION.defaults,
} as const satisfies { [K in ExperimentKind]: Partial<WorkloadParams<K>> };

export type ParamDefaults = typeof PARAM_DEFAULTS;

/** The default of one parameter, or undefined when it has none. */
export function paramDefault(kind: ExperimentKind, name: string): unknown {
  return (PARAM_DEFAULTS[kind] as Record<string, unknown>)[name];
}

/** The parameters of a kind with every default filled in: those with a default are never undefined. */
export type FilledParams<K extends ExperimentKind> = Omit<WorkloadParams<K>, keyof ParamDefaults[K]> & {
  [P in keyof ParamDefaults[K] & keyof WorkloadParams<K>]-?: Exclude<WorkloadParams<K>[P], undefined>;
};

/** An experiment's parameters with every default filled in (what the runner will use). */
export function withDefaults<K extends ExperimentKind>(kind: K, params: WorkloadParams<K>): FilledParams<K> {
  const out: Record<string, unknown> = { ...PARAM_DEFAULTS[kind] };
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) if (v !== undefined) out[k] = v;
  return out as FilledParams<K>;
}

/**
 * Run settings' defaults. backend/precision/threads are the schema's own
 * defaults (RunSettings); fusion is the native backend's DEFAULT_FUSION
 * (src-main/backend/native-backend.ts; test/unit/memory.test.ts checks they agree).
 */
export const SETTINGS_DEFAULTS = { backend: 'native-avx2', precision: 'f64', threads: 0, fusion: 2 } as const satisfies Required<RunSettings>;
