// What the editor needs to draw a form for an experiment's parameters: per
// kind and parameter a label, unit, short help, input type and default. The
// input type, limits and choices come from the zod schemas (WORKLOAD_PARAMS,
// through z.toJSONSchema), so a parameter added to the schema shows up in the
// form with no UI work; the words are written by hand below. Also: reading a
// form field's text into a parameter value, and turning schema issues into
// messages in the user's words ("qubits: must be ≤ 26").
import { z } from 'zod';
import { PARAM_DEFAULTS, SETTINGS_DEFAULTS } from './defaults';
import { Experiment, RunSettings, WORKLOAD_PARAMS, type ExperimentKind } from './schema';
import { declarationOf, DECLARED_KINDS } from './kinds';
import type { ParamWords } from './kind-declaration';

export type ParamInput =
  | { type: 'int' | 'number'; min?: number; max?: number; exclusiveMin?: number; exclusiveMax?: number }
  | { type: 'enum'; options: string[] }
  | { type: 'boolean' }
  /** Numbers separated by commas or spaces ("1, 4, 8"). */
  | { type: 'number-list'; integer: boolean; min?: number; max?: number; minItems?: number; maxItems?: number }
  /** Tuples of numbers, one per line or separated by commas ("0 1, 1 2 0.5"); arities allowed. */
  | { type: 'tuple-list'; arities: number[]; maxItems?: number }
  /** Multi-line text: OpenQASM, a Pauli sum. */
  | { type: 'textarea'; maxLength?: number; minLength?: number }
  | { type: 'text'; maxLength?: number; minLength?: number }
  /** One text per line (observables). */
  | { type: 'text-list'; maxItems?: number }
  /** A column name, or a 0-based column index (CSV label column). */
  | { type: 'text-or-int' };

export interface ParamMeta {
  name: string;
  label: string;
  unit?: string;
  help: string;
  input: ParamInput;
  /** The value the runner uses when the field is empty (undefined: none, see `required`). */
  default?: unknown;
  /** The experiment is invalid without it (a circuit's qasm). */
  required: boolean;
}

type Words = ParamWords;

/** One field per kind declared in its own folder (kinds.ts), e.g. its words or label. */
function declared<T>(pick: (d: (typeof DECLARED_KINDS)[number]) => T): Record<(typeof DECLARED_KINDS)[number]['kind'], T> {
  return Object.fromEntries(DECLARED_KINDS.map((d) => [d.kind, pick(d)])) as Record<(typeof DECLARED_KINDS)[number]['kind'], T>;
}

const seed = (what: string): Words => ({ label: 'Seed', help: `Random seed for ${what}.` });
const dataset: Words = { label: 'Dataset', help: 'Built-in dataset (not used when a CSV file is given).' };
const csv: Words = { label: 'CSV file', help: 'A dataset file instead of the built-in one; a path relative to the project file.' };
const labelColumn: Words = { label: 'Label column', help: 'Column name or 0-based index of the labels in the CSV file (empty: the last column).' };
const optimizer: Words = { label: 'Optimizer', help: 'L-BFGS, Adam or SPSA, on adjoint gradients.' };
const iterations: Words = { label: 'Iterations', unit: 'steps', help: 'At most this many optimizer steps.' };
const cv = {
  modes: { label: 'Modes', help: 'Optical modes of the generator (cutoff^modes amplitudes per sample).' },
  latent: { label: 'Latent size', help: 'Latent values, fed in as displacements: at most 2 × modes (one per quadrature).' },
  cutoff: { label: 'Fock cutoff', unit: 'photons', help: 'Photon numbers kept per mode; higher loses less to truncation but costs cutoff^modes.' },
  layers: { label: 'Layers', help: 'CV layers: interferometer, squeezing, interferometer, displacement, Kerr.' },
  latentScale: { label: 'Latent scale', help: 'Latent values are drawn uniformly from [−scale, scale].' },
  seed: seed('the latent samples and the initial weights'),
} satisfies Record<string, Words>;

/** Hand-written words per kind and parameter; a parameter missing here still gets a field (label = its name). */
const WORDS: { [K in ExperimentKind]: Record<string, Words> } = {
  vqe: {
    qubits: { label: 'Qubits', unit: 'qubits', help: 'Sites of the spin chain, one qubit each.' },
    hamiltonian: { label: 'Hamiltonian', help: 'Heisenberg XXZ chain, transverse-field Ising model, or your own Pauli sum.' },
    J: { label: 'Coupling J', help: 'Nearest-neighbour coupling.' },
    delta: { label: 'Anisotropy Δ', help: 'Heisenberg XXZ: ZZ coupling relative to XX + YY (1 = isotropic).' },
    h: { label: 'Field h', help: 'Transverse field of the Ising model.' },
    periodic: { label: 'Periodic chain', help: 'Couple the last site to the first.' },
    pauliSum: { label: 'Pauli sum', help: "For Hamiltonian 'custom': a real-weighted Pauli sum, e.g. 0.5*Z0*Z1 - 0.3*X2 + Y1.", multiline: true },
    layers: { label: 'Layers', help: 'Depth of the ansatz.' },
    ansatz: { label: 'Ansatz', help: 'hea: hardware-efficient RY·RZ + CNOTs (the seed configuration); hva: Hamiltonian-variational, reaches the Heisenberg ground state.' },
    entangler: { label: 'Entangler', help: 'CNOT ladder or ring (hea); ring adds the periodic bond to the HVA.' },
    seed: seed('the initial parameters'),
    optimizer,
    iterations,
    learningRate: { label: 'Learning rate', help: "Adam's step size (L-BFGS uses a line search)." },
  },
  qaoa: {
    nodes: { label: 'Nodes', unit: 'qubits', help: 'Vertices of the graph, one qubit each.' },
    degree: { label: 'Degree', help: 'Edges per node of the random regular graph; nodes × degree must be even.' },
    p: { label: 'Depth p', unit: 'rounds', help: 'QAOA rounds of cost and mixer.' },
    seed: seed('the random graph and the sampling'),
    edges: { label: 'Edges', help: "Your own graph instead of a random one: 'u v' or 'u v weight' per edge, separated by commas or new lines." },
    optimizer,
    iterations,
    learningRate: { label: 'Learning rate', help: "Adam's step size." },
    shots: { label: 'Shots', unit: 'samples', help: 'Samples of the optimised state for the sampled cut ratios.' },
  },
  qnn: {
    qubits: { label: 'Qubits', unit: 'qubits', help: 'One per input feature (the data are projected to this many).' },
    layers: { label: 'Layers', help: 'Entangling layers: RY·RZ on every qubit, then a CNOT ring.' },
    seed: seed('the split, the projection, the initial weights and the shuffling'),
    dataset,
    train: { label: 'Training samples', unit: 'samples', help: 'Size of the training split.' },
    test: { label: 'Test samples', unit: 'samples', help: 'Size of the test split.' },
    epochs: { label: 'Epochs', help: 'Passes over the training split.' },
    batchSize: { label: 'Batch size', unit: 'samples', help: 'Mini-batch: per-sample adjoint gradients, one native call per batch.' },
    learningRate: { label: 'Learning rate', help: "Adam's step size." },
    inferenceBatch: { label: 'Inference batch', unit: 'samples', help: 'Batch size of the throughput measurement.' },
    latencySamples: { label: 'Latency samples', unit: 'calls', help: 'Single-sample calls timed for the p50/p95 latency.' },
    baselines: { label: 'Classical baselines', help: 'Also train an RBF-SVM, logistic regression and an MLP of similar size on the same split.' },
    csv,
    labelColumn,
  },
  qsvm: {
    features: { label: 'Features', unit: 'qubits', help: 'One qubit per feature (the data are projected to this many).' },
    reps: { label: 'Repetitions', help: 'Repetitions of the ZZ feature map.' },
    entanglement: { label: 'Entanglement', help: 'ZZ terms between all pairs (full, as Havlíček et al.) or between neighbours (linear).' },
    dataset,
    train: { label: 'Training samples', unit: 'samples', help: 'Training points: the kernel matrix is train × train.' },
    test: { label: 'Test samples', unit: 'samples', help: 'Test points: a test × train kernel.' },
    C: { label: 'Cost C', help: 'SVM regularisation: larger fits the training data more tightly.' },
    seed: seed('the split and the projection'),
    baseline: { label: 'RBF-SVM baseline', help: 'Also train a classical RBF-SVM on the same split.' },
    csv,
    labelColumn,
  },
  qgan: {
    ...cv,
    batches: { label: 'Batch sizes', unit: 'samples', help: "Batches timed for the seed report's table, separated by commas." },
    repeats: { label: 'Repeats', help: 'Timed repetitions per batch size (the median is reported).' },
  },
  'qgan-train': {
    ...cv,
    epochs: { label: 'Epochs', help: 'Training epochs.' },
    stepsPerEpoch: { label: 'Steps per epoch', help: 'Each step: one discriminator and one generator update.' },
    batch: { label: 'Batch', unit: 'samples', help: 'Generated (and real) samples per step.' },
    learningRate: { label: 'Learning rate', help: "Adam's step size for generator, decoder and discriminator." },
  },
  scale: {
    sizes: { label: 'Sample counts', unit: 'samples', help: 'Dataset sizes to time, separated by commas: a QNN training epoch and a QSVM kernel at each.' },
    qubits: { label: 'QNN qubits', unit: 'qubits', help: 'Qubits of the QNN classifier.' },
    layers: { label: 'QNN layers', help: 'Entangling layers of the QNN classifier.' },
    features: { label: 'QSVM features', unit: 'qubits', help: 'Features (qubits) of the ZZ feature map.' },
    seed: seed('the data and the initial weights'),
  },
  circuit: {
    qasm: { label: 'OpenQASM 2.0', help: 'The circuit; final measurements are ignored for probabilities and expectations.', multiline: true },
    observables: { label: 'Observables', help: 'Pauli sums to measure, one per line, e.g. 0.5*Z0*Z1 - X2.' },
    shots: { label: 'Shots', unit: 'samples', help: 'Samples of the final state (none when empty).' },
    seed: seed('the sampling'),
  },
  ...declared((d) => d.words),
};

export const KIND_LABELS: Record<ExperimentKind, string> = {
  vqe: 'VQE',
  qaoa: 'QAOA — MaxCut',
  qnn: 'QNN classifier',
  qsvm: 'QSVM — quantum kernel',
  qgan: 'CV-QGAN generator (batch scaling)',
  'qgan-train': 'CV-QGAN training',
  scale: 'Scaling (QNN epoch, QSVM kernel)',
  circuit: 'OpenQASM circuit',
  ...declared((d) => d.label),
};

/** What each kind runs and what it measures, in one or two sentences: shown under the kind in the editor. */
export const KIND_HELP: Record<ExperimentKind, string> = {
  vqe:
    'Variational quantum eigensolver: finds the lowest energy of a spin chain (Heisenberg, Ising or your own Pauli sum) by optimising a parameterised circuit on exact gradients. ' +
    'Measures the time per iteration (energy and gradient) and the error against the exact ground energy.',
  qaoa:
    'QAOA for MaxCut: rounds of cost and mixer layers on a random regular graph (or your own edges), optimised on exact gradients. ' +
    'Measures the time per problem and the approximation ratio against the exact maximum cut.',
  qnn:
    'Quantum neural-network classifier: features encoded as rotation angles, entangling layers, read out as ⟨Z0⟩, trained in mini-batches. ' +
    'Measures training time, single-sample latency and batched throughput, beside classical models trained on the same data.',
  qsvm:
    'Quantum-kernel SVM: each data point becomes a state of the ZZ feature map, the kernel is the overlap of those states, and an SVM is trained on it. ' +
    'Measures the kernel and total time and the test accuracy, beside a classical RBF-SVM.',
  qgan:
    "The seed report's continuous-variable GAN generator (a photonic circuit simulated in a truncated Fock space, then a small decoder), timed at several batch sizes. " +
    'Measures the time per sample at each batch size, with the truncation loss and a gradient check.',
  'qgan-train':
    'Trains the continuous-variable GAN generator against a classical discriminator on a two-dimensional target distribution. ' +
    'Measures the total training time and the time per step, and how close the generated samples come to the target.',
  scale:
    'How time grows with the amount of data: a QNN training epoch and a QSVM kernel at growing sample counts. ' +
    'Shows whether the time per sample stays flat as the data grows.',
  circuit:
    'Your own OpenQASM 2.0 circuit, mid-circuit measurement, reset and if included. ' +
    'Gives probabilities, expectation values of Pauli sums and sampled counts, on any backend (the TypeScript reference too).',
  ...declared((d) => d.help),
};

// ---- derivation from the schema ------------------------------------------------------
type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema | false;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

const isNumeric = (s: JsonSchema | undefined) => s?.type === 'integer' || s?.type === 'number';

function inputFor(s: JsonSchema, words: Words | undefined): ParamInput {
  if (s.enum) return { type: 'enum', options: s.enum.map(String) };
  if (s.type === 'boolean') return { type: 'boolean' };
  if (s.type === 'integer' || s.type === 'number')
    return { type: s.type === 'integer' ? 'int' : 'number', min: s.minimum, max: s.maximum, exclusiveMin: s.exclusiveMinimum, exclusiveMax: s.exclusiveMaximum };
  if (s.type === 'string') return { type: words?.multiline ? 'textarea' : 'text', minLength: s.minLength, maxLength: s.maxLength };
  if (s.type === 'array' && s.items && typeof s.items === 'object') {
    const it = s.items;
    if (isNumeric(it)) return { type: 'number-list', integer: it.type === 'integer', min: it.minimum, max: it.maximum, minItems: s.minItems, maxItems: s.maxItems };
    if (it.type === 'string') return { type: 'text-list', maxItems: s.maxItems };
    const tuples = (it.anyOf ?? [it]).filter((t) => t.type === 'array' && t.prefixItems?.every(isNumeric));
    if (tuples.length) return { type: 'tuple-list', arities: tuples.map((t) => t.prefixItems!.length), maxItems: s.maxItems };
  }
  if (s.anyOf?.some((a) => a.type === 'string') && s.anyOf.some((a) => a.type === 'integer')) return { type: 'text-or-int' };
  return { type: 'textarea' }; // anything else: JSON text (see parseField)
}

const humanize = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

const metaCache = new Map<ExperimentKind, ParamMeta[]>();

/** The form of one kind: its parameters in schema order. */
export function paramMeta(kind: ExperimentKind): ParamMeta[] {
  let m = metaCache.get(kind);
  if (m) return m;
  const json = z.toJSONSchema(WORKLOAD_PARAMS[kind], { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const required = new Set(json.required ?? []);
  m = Object.entries(json.properties ?? {}).map(([name, s]) => {
    const words = WORDS[kind][name];
    return {
      name,
      label: words?.label ?? humanize(name),
      unit: words?.unit,
      help: words?.help ?? '',
      input: inputFor(s, words),
      default: (PARAM_DEFAULTS[kind] as Record<string, unknown>)[name],
      required: required.has(name),
    };
  });
  metaCache.set(kind, m);
  return m;
}

/**
 * Why a parameter has no effect with the others as they are ("with Hamiltonian 'tfim'"),
 * or null when it is used: the form dims it. `p` holds the parameters with defaults filled in.
 */
export function paramUnused(kind: ExperimentKind, name: string, p: Record<string, unknown>): string | null {
  const declared = declarationOf(kind);
  if (declared) return declared.paramUnused?.(name, p) ?? null;
  const adam = (opt: unknown) => (name === 'learningRate' && opt !== 'adam' ? `with optimizer '${String(opt)}' (Adam only)` : null);
  switch (kind) {
    case 'vqe':
      if (name === 'delta' && p.hamiltonian !== 'heisenberg') return `with Hamiltonian '${String(p.hamiltonian)}'`;
      if (name === 'h' && p.hamiltonian !== 'tfim') return `with Hamiltonian '${String(p.hamiltonian)}'`;
      if ((name === 'J' || name === 'periodic') && p.hamiltonian === 'custom') return "with Hamiltonian 'custom'";
      if (name === 'pauliSum' && p.hamiltonian !== 'custom') return `with Hamiltonian '${String(p.hamiltonian)}'`;
      return adam(p.optimizer);
    case 'qaoa':
      if (name === 'degree' && p.edges) return 'with your own edges';
      return adam(p.optimizer);
    case 'qnn':
    case 'qsvm':
      if (name === 'dataset' && p.csv) return 'with a CSV file';
      if (name === 'labelColumn' && !p.csv) return 'without a CSV file';
      return null;
    default:
      return null;
  }
}

// ---- run settings ----------------------------------------------------------------------
export type BackendId = RunSettings['backend'];
export const BACKENDS: { id: BackendId; label: string; help: string }[] = [
  { id: 'native-avx2', label: 'Native AVX2', help: 'The C++ simulator with AVX2+FMA kernels (portable kernels where the CPU lacks AVX2).' },
  { id: 'native-scalar', label: 'Native scalar', help: 'The C++ simulator with its portable kernels: the baseline for AVX2 speed-ups.' },
  { id: 'webgpu', label: 'WebGPU', help: 'State vectors on the GPU in WGSL kernels (Dawn in the engine process), complex64 only: WGSL has no f64. Every kind: qubit circuits and the CV GAN\'s Fock-space circuits.' },
  { id: 'reference', label: 'Reference (TypeScript)', help: 'The small, obviously-correct simulator every backend is checked against; raw circuits up to 24 qubits.' },
];

/**
 * Why an experiment of `kind` cannot run on `backend`, or null when it can:
 * the same rules as the engine's (src-main/engine/run-experiment.ts, sessionOptions).
 */
export function backendProblem(kind: ExperimentKind, backend: BackendId): string | null {
  if (backend === 'reference' && kind !== 'circuit') return 'the reference backend only runs raw circuits (kind circuit)';
  return null;
}

export const PRECISIONS = [
  { id: 'f64', label: 'f64 (complex128)', help: '16 bytes per amplitude.' },
  { id: 'f32', label: 'f32 (complex64)', help: '8 bytes per amplitude: half the memory, often faster, ~1e-7 relative error.' },
] as const;

export const SETTINGS_WORDS = {
  backend: { label: 'Backend', help: 'Which simulator runs the experiment.' },
  precision: { label: 'Precision', help: 'Floating point of the state vectors.' },
  threads: { label: 'Threads', help: '0 = all logical cores.' },
  fusion: { label: 'Gate fusion', help: `Largest fused gate, in qubits (0 = off; empty: ${SETTINGS_DEFAULTS.fusion}).` },
} as const;

// ---- form text ↔ values ------------------------------------------------------------------
/** A field's content in the form: text, or a tri-state choice for booleans ('' = default). */
export type FieldText = string;

const LIST_SPLIT = /[\s,;]+/;

/** The text a form field shows for a stored value ('' when the value is absent: the default applies). */
export function formatField(meta: Pick<ParamMeta, 'input'>, value: unknown): FieldText {
  if (value === undefined || value === null) return '';
  switch (meta.input.type) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number-list':
      return Array.isArray(value) ? value.join(', ') : String(value);
    case 'tuple-list':
      return Array.isArray(value) ? value.map((t) => (Array.isArray(t) ? t.join(' ') : String(t))).join(', ') : String(value);
    case 'text-list':
      return Array.isArray(value) ? value.join('\n') : String(value);
    case 'textarea':
    case 'text':
    case 'text-or-int':
    case 'enum':
      return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
    default:
      return String(value);
  }
}

export type ParsedField = { ok: true; value: unknown } | { ok: false; error: string };

function parseNumber(text: string): number | null {
  const t = text.trim().replace(/^−/, '-');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  return Number(t);
}

/**
 * A form field's text → the parameter value (undefined: empty, the default applies).
 * A text that is not even of the right shape ("abc" for a number) gives an error
 * here; range and other checks are the schema's (validateExperiment).
 */
export function parseField(meta: Pick<ParamMeta, 'input' | 'required'>, text: FieldText): ParsedField {
  const input = meta.input;
  const trimmed = text.trim();
  if (trimmed === '' && input.type !== 'textarea' && input.type !== 'text') return meta.required ? { ok: false, error: 'required' } : { ok: true, value: undefined };
  switch (input.type) {
    case 'int':
    case 'number': {
      const v = parseNumber(trimmed);
      if (v === null) return { ok: false, error: `'${trimmed}' is not a number` };
      return { ok: true, value: v };
    }
    case 'boolean':
      if (trimmed === 'true' || trimmed === 'false') return { ok: true, value: trimmed === 'true' };
      return { ok: false, error: `'${trimmed}' is not yes or no` };
    case 'enum':
      return { ok: true, value: trimmed };
    case 'number-list': {
      const parts = trimmed.split(LIST_SPLIT).filter(Boolean);
      const values: number[] = [];
      for (const [i, p] of parts.entries()) {
        const v = parseNumber(p);
        if (v === null) return { ok: false, error: `value ${i + 1} ('${p}') is not a number` };
        values.push(v);
      }
      return { ok: true, value: values };
    }
    case 'tuple-list': {
      const items = trimmed.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean);
      const out: number[][] = [];
      for (const [i, item] of items.entries()) {
        const parts = item.split(/\s+/).filter(Boolean);
        const nums = parts.map(parseNumber);
        if (nums.some((v) => v === null)) return { ok: false, error: `item ${i + 1} ('${item}') is not numbers` };
        if (!input.arities.includes(nums.length)) return { ok: false, error: `item ${i + 1} ('${item}') has ${nums.length} number(s); expected ${input.arities.join(' or ')}` };
        out.push(nums as number[]);
      }
      return { ok: true, value: out };
    }
    case 'text-list':
      return { ok: true, value: text.split('\n').map((l) => l.trim()).filter(Boolean) };
    case 'text-or-int':
      return { ok: true, value: /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed };
    case 'text':
    case 'textarea':
      if (trimmed === '') return meta.required ? { ok: false, error: 'required' } : { ok: true, value: undefined };
      return { ok: true, value: text };
  }
}

// ---- issues in the user's words ------------------------------------------------------------
export interface FieldIssue {
  /** 'name', 'notes', 'params.qubits', 'settings.threads', …: the field the message belongs to. */
  field: string;
  message: string;
}

type Issue = z.core.$ZodIssue;

function describe(issue: Issue): string {
  const i = issue as Issue & { origin?: string; maximum?: number | bigint; minimum?: number | bigint; inclusive?: boolean; expected?: string; values?: unknown[]; keys?: string[] };
  const origin = i.origin;
  switch (issue.code) {
    case 'too_big':
      if (origin === 'array') return `at most ${i.maximum} value(s)`;
      if (origin === 'string') return `at most ${i.maximum} characters`;
      return i.inclusive === false ? `must be < ${i.maximum}` : `must be ≤ ${i.maximum}`;
    case 'too_small':
      if (origin === 'array') return `needs at least ${i.minimum} value(s)`;
      if (origin === 'string') return Number(i.minimum) <= 1 ? 'must not be empty' : `at least ${i.minimum} characters`;
      return i.inclusive === false ? `must be > ${i.minimum}` : `must be ≥ ${i.minimum}`;
    case 'invalid_type':
      if (i.expected === 'int') return 'must be a whole number';
      if (i.expected === 'number') return 'must be a number';
      if (i.expected === 'string') return 'must be text';
      if (i.expected === 'boolean') return 'must be yes or no';
      if (i.expected === 'array') return 'must be a list';
      return issue.message;
    case 'invalid_value':
      return `must be one of ${(i.values ?? []).map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown parameter(s): ${(i.keys ?? []).join(', ')}`;
    case 'invalid_union':
      return 'is not a valid value';
    default:
      return issue.message;
  }
}

/** A zod issue of an Experiment as a field and a message ("qubits: must be ≤ 26" belongs to 'params.qubits'). */
export function fieldIssue(issue: Issue): FieldIssue {
  const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
  const [root, key, ...rest] = path;
  if ((root === 'params' || root === 'settings') && key !== undefined) {
    const where = rest.length && typeof rest[0] === 'number' ? `item ${rest[0] + 1}: ` : '';
    return { field: `${root}.${key}`, message: `${key}: ${where}${describe(issue)}` };
  }
  if (root === 'params' && issue.code === 'unrecognized_keys') return { field: 'params', message: describe(issue) };
  const field = root === undefined ? 'experiment' : String(root);
  return { field, message: `${field}: ${describe(issue)}` };
}

/** Checks a candidate experiment with the project schema; every issue, by field. */
export function schemaIssues(candidate: unknown): { experiment: Experiment | null; issues: FieldIssue[] } {
  const r = Experiment.safeParse(candidate);
  if (r.success) return { experiment: r.data, issues: [] };
  return { experiment: null, issues: r.error.issues.map(fieldIssue) };
}

