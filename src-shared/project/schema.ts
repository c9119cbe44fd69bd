// The project file (*.quench.json): experiments and their runs. Validated
// with zod on open — an error names the path of the bad field — and migrated
// forward from older versions. Pure TypeScript, shared by the CLI, the engine
// and the UI.
import { z } from 'zod';
import { VALIDATION } from '../workloads/validation/params';

export const PROJECT_FORMAT = 'quench-project';
export const PROJECT_VERSION = 2;

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const pos = z.number().finite().positive();
const seed = int(0, 2 ** 31 - 1);
const datasetName = z.enum(['moons', 'circles', 'blobs', 'xor', 'adhoc', 'iris']);

/** Workload parameters per kind; every field optional (defaults in ./defaults.ts), unknown keys rejected. */
export const WORKLOAD_PARAMS = {
  vqe: z.strictObject({
    qubits: int(2, 26), hamiltonian: z.enum(['heisenberg', 'tfim', 'custom']), J: z.number().finite(), delta: z.number().finite(), h: z.number().finite(),
    periodic: z.boolean(), pauliSum: z.string().max(100_000), layers: int(1, 200), ansatz: z.enum(['hea', 'hva']), entangler: z.enum(['ladder', 'ring']), seed,
    optimizer: z.enum(['lbfgs', 'adam', 'spsa']), iterations: int(1, 100_000), learningRate: pos,
  }).partial(),
  qaoa: z.strictObject({
    nodes: int(2, 26), degree: int(1, 25), p: int(1, 50), seed,
    edges: z.array(z.tuple([int(0, 25), int(0, 25)]).or(z.tuple([int(0, 25), int(0, 25), z.number().finite()]))).max(10_000),
    optimizer: z.enum(['adam', 'lbfgs', 'spsa']), iterations: int(1, 100_000), learningRate: pos, shots: int(1, 10_000_000),
  }).partial(),
  qnn: z.strictObject({
    qubits: int(1, 24), layers: int(1, 100), seed, dataset: datasetName, train: int(2, 1_000_000), test: int(2, 1_000_000),
    epochs: int(1, 10_000), batchSize: int(1, 100_000), learningRate: pos, inferenceBatch: int(1, 1_000_000), latencySamples: int(1, 100_000), baselines: z.boolean(),
    csv: z.string().min(1).max(4096), labelColumn: z.string().max(200).or(z.number().int()),
  }).partial(),
  qsvm: z.strictObject({
    features: int(1, 20), reps: int(1, 20), entanglement: z.enum(['full', 'linear']), dataset: datasetName, train: int(2, 100_000), test: int(2, 100_000), C: pos, seed, baseline: z.boolean(),
    csv: z.string().min(1).max(4096), labelColumn: z.string().max(200).or(z.number().int()),
  }).partial(),
  qgan: z.strictObject({
    modes: int(1, 8), latent: int(1, 16), cutoff: int(2, 30), layers: int(1, 50), latentScale: pos, seed, batches: z.array(int(1, 1_000_000)).min(1).max(32), repeats: int(1, 1000),
  }).partial(),
  'qgan-train': z.strictObject({
    modes: int(1, 8), latent: int(1, 16), cutoff: int(2, 30), layers: int(1, 50), latentScale: pos, seed, epochs: int(1, 10_000), stepsPerEpoch: int(1, 10_000), batch: int(1, 100_000), learningRate: pos,
  }).partial(),
  scale: z.strictObject({ sizes: z.array(int(2, 1_000_000)).min(1).max(20), qubits: int(1, 24), layers: int(1, 100), features: int(1, 20), seed }).partial(),
  circuit: z.strictObject({
    qasm: z.string().min(1).max(50_000_000), observables: z.array(z.string().max(100_000)).max(1000), shots: int(1, 100_000_000), seed,
  }).partial({ observables: true, shots: true, seed: true }),
  // Kinds declared in their own folder (kinds.ts lists them).
  validation: VALIDATION.params,
} as const;

export type ExperimentKind = keyof typeof WORKLOAD_PARAMS;
export const EXPERIMENT_KINDS = Object.keys(WORKLOAD_PARAMS) as ExperimentKind[];

export const RunSettings = z.strictObject({
  backend: z.enum(['native-avx2', 'native-scalar', 'webgpu', 'reference']).default('native-avx2'),
  precision: z.enum(['f64', 'f32']).default('f64'),
  threads: int(0, 1024).default(0),
  fusion: int(0, 6).optional(),
});

const experimentBase = { id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'ids are 1–64 letters, digits, _ . -'), name: z.string().min(1).max(200), notes: z.string().max(100_000).optional(), settings: RunSettings.prefault({}) };

export const Experiment = z.discriminatedUnion('kind', [
  z.strictObject({ ...experimentBase, kind: z.literal('vqe'), params: WORKLOAD_PARAMS.vqe.prefault({}) }),
  z.strictObject({ ...experimentBase, kind: z.literal('qaoa'), params: WORKLOAD_PARAMS.qaoa.prefault({}) }),
  z.strictObject({ ...experimentBase, kind: z.literal('qnn'), params: WORKLOAD_PARAMS.qnn.prefault({}) }),
  z.strictObject({ ...experimentBase, kind: z.literal('qsvm'), params: WORKLOAD_PARAMS.qsvm.prefault({}) }),
  z.strictObject({ ...experimentBase, kind: z.literal('qgan'), params: WORKLOAD_PARAMS.qgan.prefault({}) }),
  z.strictObject({ ...experimentBase, kind: z.literal('qgan-train'), params: WORKLOAD_PARAMS['qgan-train'].prefault({}) }),
  z.strictObject({ ...experimentBase, kind: z.literal('scale'), params: WORKLOAD_PARAMS.scale.prefault({}) }),
  z.strictObject({ ...experimentBase, kind: z.literal('circuit'), params: WORKLOAD_PARAMS.circuit }),
  z.strictObject({ ...experimentBase, kind: z.literal('validation'), params: WORKLOAD_PARAMS.validation.prefault({}) }),
]);

const numberRecord = z.record(z.string(), z.number());
export const StoredResult = z.object({
  kind: z.string(),
  params: z.record(z.string(), z.unknown()),
  metrics: numberRecord,
  quality: numberRecord,
  curves: z.record(z.string(), z.array(z.number())),
  phases: z.record(z.string(), z.number().optional()),
  details: z.record(z.string(), z.unknown()),
  env: z.object({
    quench: z.string(), cpu: z.string(), logicalCores: z.number(), isa: z.string(), precision: z.string(), threads: z.number(), backend: z.string(), node: z.string(), platform: z.string(),
    adapter: z.string().optional(), timing: z.string().optional(), runIn: z.enum(['engine', 'window']).optional(),
    threadsChosen: z.string().max(500).optional(),
    fusionChosen: z.string().max(500).optional(),
    load: z.object({ loadBefore: z.number(), loadAfter: z.number(), othersCores: z.number().optional(), steal: z.number().optional(), mhz: z.number().optional(), busy: z.string().max(1000).optional() }).optional(),
    // Runs made by a job on a cluster's node (quench submit): which node, and which Slurm task.
    host: z.string().max(300).optional(),
    memoryBytes: z.number().nonnegative().optional(),
    slurm: z.object({ jobId: z.string().max(100), arrayJobId: z.string().max(100).optional(), arrayTaskId: z.string().max(100).optional() }).optional(),
  }),
  /** Timing figures not to be trusted, and why (wide CI, outliers, a busy machine). */
  unstable: z.record(z.string(), z.array(z.string().max(1000)).max(20)).optional(),
});

/**
 * Names that no parameter has and that JavaScript objects treat specially. JSON.parse makes
 * '__proto__' an ordinary own key, but zod's records drop it without a word and spreading or
 * assigning it can replace an object's prototype; 'constructor' and 'prototype' would shadow
 * Object's own. Refused by name wherever parameter names are keys (overrides, sweep grids).
 */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
/** Parameter name → value (overrides, sweep grids): a reserved name is refused by name ('__proto__' by protoKeyPath, as zod drops it). */
export function paramRecord<V extends z.ZodType>(value: V) {
  return z.record(z.string().min(1).max(64), value).superRefine((rec, ctx) => {
    for (const k of Object.keys(rec)) if (RESERVED_KEYS.includes(k)) ctx.addIssue({ code: 'custom', path: [k], message: `'${k}' is not a parameter of any experiment` });
  });
}

/**
 * Where `value` (parsed JSON) holds an own '__proto__' key, as a path ('runs[2].overrides'), or
 * null. Needed because zod skips that key instead of reporting it, so it would vanish silently.
 * Iterative: a deeply nested document must not overflow the stack.
 */
export function protoKeyPath(value: unknown): (string | number)[] | null {
  // Each entry links to its parent, so the path is only spelled out for the key found.
  type Entry = { v: object; key: string | number; up: Entry | null };
  const stack: Entry[] = typeof value === 'object' && value !== null ? [{ v: value, key: '', up: null }] : [];
  while (stack.length) {
    const e = stack.pop()!;
    const v = e.v as Record<string, unknown>;
    if (!Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, '__proto__')) {
      const path: (string | number)[] = [];
      for (let x: Entry | null = e; x && x.up; x = x.up) path.unshift(x.key);
      return path;
    }
    const keys = Array.isArray(v) ? v.keys() : Object.keys(v).values();
    for (const k of keys) {
      const x = v[k as string];
      if (typeof x === 'object' && x !== null) stack.push({ v: x, key: k, up: e });
    }
  }
  return null;
}

/** 'runs[2].overrides' from ['runs', 2, 'overrides']. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

/** The message for an own '__proto__' key found at `path`: parameter containers say so. */
export function protoKeyMessage(path: readonly PropertyKey[]): string {
  const where = formatPath(path);
  const container = path.at(-1);
  const isParams = container === 'params' || container === 'overrides' || container === 'grid';
  return `${where ? `${where}: ` : ''}'__proto__' is not ${isParams ? 'a parameter of any experiment' : 'allowed as a key'}; remove that key`;
}

const runId = z.string().min(1).max(100);
const runStatus = z.enum(['completed', 'failed', 'cancelled']);
/** A sweep's grid value, or a parameter override: the JSON scalars and number lists workload parameters take. */
export const ParamValue = z.union([z.number().finite(), z.string().max(4096), z.boolean(), z.array(z.number().finite()).max(64)]);
export type ParamValue = z.infer<typeof ParamValue>;

export const Run = z.strictObject({
  id: runId,
  experimentId: z.string().min(1).max(64),
  startedAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  status: runStatus,
  settings: RunSettings,
  /** Parameters this run used instead of the experiment's (a sweep's grid point, a batch-size override). */
  overrides: paramRecord(ParamValue).optional(),
  /** The sweep this run is a point of. */
  sweepId: z.string().min(1).max(100).optional(),
  /** 1-based index when the run was one of several repetitions queued together. */
  repetition: int(1, 1000).optional(),
  /** The project file this run was imported from (a run measured on another machine). */
  importedFrom: z.string().max(4096).optional(),
  result: StoredResult.optional(),
  error: z.string().max(100_000).optional(),
});

/** A parameter grid over one experiment: one run per point of the Cartesian product. */
export const Sweep = z.strictObject({
  id: z.string().min(1).max(100),
  experimentId: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  createdAt: z.iso.datetime(),
  /** parameter name → the values to try, in order (the parameters of the experiment's kind). */
  grid: paramRecord(z.array(ParamValue).min(1).max(100)),
  runIds: z.array(runId).max(10_000),
});

const kernelResult = z.object({
  kind: z.string(), qubits: z.number(), precision: z.string(), threads: z.number(), targets: z.array(z.array(z.number())),
  msPerGate: z.object({ median: z.number(), min: z.number(), max: z.number(), ciLow: z.number().optional(), ciHigh: z.number().optional() }), gbPerS: z.number(), inplaceGbPerS: z.number(), fractionOfInplace: z.number(),
  /** Native: the state fits in the last-level cache (no out-of-cache fraction applies). */
  inCache: z.boolean().optional(),
  /** Why the fraction is a measurement problem rather than a result (over 100% of the reference; native: out of cache). */
  problem: z.string().max(2000).optional(),
  /** The reference's own 95% CI and instability; WebGPU: also how it was timed (as the kernels are). */
  reference: z.object({ bytes: z.number(), ciLow: z.number(), ciHigh: z.number(), unstable: z.array(z.string()).optional(), timing: z.enum(['gpu-timestamps', 'wall-clock']).optional() }).optional(),
  /** WebGPU only: how the kernels and the in-place reference were timed. */
  timing: z.enum(['gpu-timestamps', 'wall-clock']).optional(),
});
/**
 * What `quench bench gates` measures (src-main/bench/gates.ts), as stored. Native:
 * inplaceGbPerS is the CPU's in-place read+write bandwidth; WebGPU (env.backend
 * 'webgpu', with env.adapter and env.timing): the device's in-place bandwidth
 * (the fastest of three streaming kernels that read and write every amplitude once, timed the same way).
 */
export const GatesReport = z.object({
  env: z.record(z.string(), z.unknown()),
  results: z.array(kernelResult),
  brickwork: z.object({ qubits: z.number(), layers: z.number(), gates: z.number(), passes: numberRecord, msPerLayer: numberRecord }),
  skipped: z.array(z.string()),
});
export type GatesReport = z.infer<typeof GatesReport>;

export const GATES_BACKENDS = ['native', 'webgpu'] as const;
export type GatesBackend = (typeof GATES_BACKENDS)[number];

const benchmarkFields = {
  /** native: the addon's kernels vs the CPU's in-place bandwidth; webgpu: the WGSL kernels (Dawn in the engine process) vs the device's in-place bandwidth. */
  backend: z.enum(GATES_BACKENDS),
  qubits: z.array(int(4, 30)).min(1).max(8),
  precision: z.array(z.enum(['f32', 'f64'])).min(1).max(2),
  threads: z.array(int(0, 1024)).min(1).max(4),
  repeats: int(1, 100),
  isa: z.enum(['auto', 'avx512', 'avx2', 'scalar']),
};

/**
 * A gates benchmark's options as stored. `backend` is new in version 2 files
 * and defaults to native, so files without it read as they always did. A WebGPU
 * benchmark is stored with precision ['f32'], threads [0] (not applicable: the
 * device runs the kernels, as in its report) and isa 'auto'.
 */
export const BenchmarkOptions = z.strictObject({
  backend: benchmarkFields.backend.default('native'),
  qubits: benchmarkFields.qubits.default([16, 20, 22]),
  precision: benchmarkFields.precision.default(['f32', 'f64']),
  threads: benchmarkFields.threads.default([1, 0]),
  repeats: benchmarkFields.repeats.default(5),
  isa: benchmarkFields.isa.default('auto'),
});
export type BenchmarkOptions = z.infer<typeof BenchmarkOptions>;

const WEBGPU_ONLY_F32 = 'the WebGPU backend computes in f32 only (WGSL has no f64); leave precision out or pass ["f32"]';
/**
 * What runBenchmark takes: any of the options, defaults filled per backend
 * (native: f32 and f64, 1 thread and all cores; webgpu: f32), and the options
 * that mean nothing on WebGPU refused by name. Parses to BenchmarkOptions.
 */
export const BenchmarkRequest = z
  .strictObject(benchmarkFields)
  .partial()
  .superRefine((o, ctx) => {
    if (o.backend !== 'webgpu') return;
    if (o.precision?.includes('f64')) ctx.addIssue({ code: 'custom', path: ['precision'], message: WEBGPU_ONLY_F32 });
    if (o.threads && o.threads.some((t) => t !== 0)) ctx.addIssue({ code: 'custom', path: ['threads'], message: 'the WebGPU backend has no thread count (the device runs the kernels); leave threads out' });
    if (o.isa && o.isa !== 'auto') ctx.addIssue({ code: 'custom', path: ['isa'], message: `the WebGPU backend runs WGSL, not the CPU's ${o.isa} kernels; leave isa out` });
  })
  .transform((o): BenchmarkOptions =>
    o.backend === 'webgpu'
      ? { backend: 'webgpu', qubits: o.qubits ?? [16, 20, 22], precision: ['f32'], threads: [0], repeats: o.repeats ?? 5, isa: 'auto' }
      : BenchmarkOptions.parse(o),
  );
export type BenchmarkRequest = z.input<typeof BenchmarkRequest>;

/** One run of the gates benchmark on some machine (this one, or imported with another machine's project). */
export const Benchmark = z.strictObject({
  id: runId,
  startedAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  status: runStatus,
  options: BenchmarkOptions,
  result: GatesReport.optional(),
  error: z.string().max(100_000).optional(),
  importedFrom: z.string().max(4096).optional(),
});

export const Project = z.strictObject({
  format: z.literal(PROJECT_FORMAT),
  version: z.literal(PROJECT_VERSION),
  name: z.string().min(1).max(200),
  experiments: z.array(Experiment).max(10_000),
  runs: z.array(Run).max(1_000_000).default([]),
  sweeps: z.array(Sweep).max(10_000).default([]),
  benchmarks: z.array(Benchmark).max(100_000).default([]),
}).superRefine((p, ctx) => {
  const ids = new Set<string>();
  p.experiments.forEach((e, i) => {
    if (ids.has(e.id)) ctx.addIssue({ code: 'custom', path: ['experiments', i, 'id'], message: `duplicate experiment id '${e.id}'` });
    ids.add(e.id);
  });
  p.runs.forEach((r, i) => {
    if (!ids.has(r.experimentId)) ctx.addIssue({ code: 'custom', path: ['runs', i, 'experimentId'], message: `no experiment with id '${r.experimentId}'` });
  });
  p.sweeps.forEach((s, i) => {
    if (!ids.has(s.experimentId)) ctx.addIssue({ code: 'custom', path: ['sweeps', i, 'experimentId'], message: `no experiment with id '${s.experimentId}'` });
  });
});

export type Project = z.infer<typeof Project>;
export type Experiment = z.infer<typeof Experiment>;
export type Run = z.infer<typeof Run>;
export type RunSettings = z.infer<typeof RunSettings>;
export type Sweep = z.infer<typeof Sweep>;
export type Benchmark = z.infer<typeof Benchmark>;

export class ProjectError extends Error {
  override name = 'ProjectError';
}

/** Older versions → current. Each step takes version N and returns N+1. */
const MIGRATIONS: Record<number, (p: Record<string, unknown>) => Record<string, unknown>> = {
  // 2 added sweeps and the benchmark history (both start empty).
  1: (p) => ({ ...p, sweeps: [], benchmarks: [] }),
};

/** Parse, migrate and validate a project from JSON text. `source` names the file in errors. */
export function parseProject(text: string, source = 'project'): Project {
  let raw: unknown;
  try {
    // A UTF-8 byte-order mark (some Windows editors write one) is not part of the JSON.
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new ProjectError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ProjectError(`${source}: a project file is a JSON object`);
  const proto = protoKeyPath(raw);
  if (proto) throw new ProjectError(`${source}: ${protoKeyMessage(proto)}`);
  let obj = raw as Record<string, unknown>;
  if (obj.format !== PROJECT_FORMAT) throw new ProjectError(`${source}: format must be '${PROJECT_FORMAT}' (got ${JSON.stringify(obj.format)})`);
  if (typeof obj.version !== 'number' || !Number.isInteger(obj.version) || obj.version < 1) throw new ProjectError(`${source}: version must be a positive integer`);
  if (obj.version > PROJECT_VERSION) throw new ProjectError(`${source}: version ${obj.version} was written by a newer Quench (this one reads up to ${PROJECT_VERSION})`);
  while ((obj.version as number) < PROJECT_VERSION) obj = { ...MIGRATIONS[obj.version as number](obj), version: (obj.version as number) + 1 };
  const parsed = Project.safeParse(obj);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = formatPath(issue.path);
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem(s))` : '';
    throw new ProjectError(`${source}: ${path || '(root)'}: ${issue.message}${more}`);
  }
  return parsed.data;
}

export function serializeProject(p: Project): string {
  return JSON.stringify(p, null, 2) + '\n';
}
