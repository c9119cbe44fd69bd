// The workbench API: what the UI may ask of the back end, and what the back
// end tells it unasked. Pure TypeScript + zod (no Node, no DOM) so the server
// (src-main/serve) and the renderer share one definition.
//
// Wire format (JSON text frames on the WebSocket /api):
//   request   {id, method, args: [...]}      args are the method's parameters, in order
//   response  {id, result} | {id, error: {message, code?}}
//   event     {event, payload}
import { z } from 'zod';
import { BenchmarkRequest, paramRecord, ParamValue, protoKeyMessage, protoKeyPath, type Benchmark, type Project, type Run, type Sweep } from '../project/schema';
import type { ExperimentProfile } from '../analysis/profile';
import type { JobStatus } from '../jobs/manifest';

export type { JobStatus } from '../jobs/manifest';

/** What collecting a cluster job into the open project did (as `quench collect`). */
export interface JobCollectSummary {
  /** Runs and benchmarks added to the project's file now. */
  added: number;
  /** Finished items the project already held (collected before). */
  alreadyThere: number;
  /** The job's Sweep record, when it ran a sweep. */
  sweepId: string | null;
  status: JobStatus;
}

export interface ServerInfo {
  quench: string;
  node: string;
  platform: string;
  cpu: string;
  logicalCores: number;
  /** Physical memory and what is free now, bytes (the editor warns before a run that would not fit). */
  totalMemoryBytes: number;
  freeMemoryBytes: number;
  isa: { inUse: string; available: string[] };
  /** 'electron': native dialogs exist (chooseFile); 'serve': the browser opens and downloads files. */
  mode: 'electron' | 'serve';
  /** The open project's file, or null when it is an in-memory copy not saved yet. */
  projectPath: string | null;
  /** No file yet (the example copy, a new or an uploaded project). */
  unsaved: boolean;
  /** The working copy has edits (updateProject) that are not in the file yet; they are autosaved for recovery. */
  dirty: boolean;
  /** An autosaved working copy of this project newer than its file, left by a session that did not save (a crash). */
  recovery: { savedAt: string; experiments: number; runs: number } | null;
  /** Project files opened or saved here, newest first. */
  recentFiles: string[];
  /** The job in progress (a run or a benchmark) and those waiting behind it (one at a time). */
  activeRunId: string | null;
  queuedRunIds: string[];
}

/** How to run an experiment once it is asked to: repetitions and parameter overrides (not stored in the experiment). */
export const RunOptions = z.strictObject({
  repeats: z.number().int().min(1).max(100).optional(),
  overrides: paramRecord(ParamValue).optional(),
});
export type RunOptions = z.infer<typeof RunOptions>;

/**
 * A run made in the window (WebGPU on the window's navigator.gpu), handed to
 * the server to be stored like the engine's runs. `result` is checked with
 * the project's run schema on the server, so errors name the bad field.
 */
export const RecordedRun = z.strictObject({
  experimentId: z.string().min(1).max(64),
  startedAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  status: z.enum(['completed', 'failed', 'cancelled']),
  overrides: paramRecord(ParamValue).optional(),
  result: z.record(z.string(), z.unknown()).optional(),
  error: z.string().max(100_000).optional(),
});
export type RecordedRun = z.infer<typeof RecordedRun>;

export const SweepRequest = z.strictObject({
  experimentId: z.string().min(1).max(64),
  name: z.string().min(1).max(200).optional(),
  grid: paramRecord(z.array(ParamValue).min(1).max(100)),
});
export type SweepRequest = z.infer<typeof SweepRequest>;

/** What an import added: runs and benchmarks, the experiments they needed that this project lacked, and duplicates skipped. */
export interface ImportSummary {
  runs: number;
  benchmarks: number;
  experiments: number;
  skipped: number;
}

export type FileDialogKind = 'open' | 'save' | 'import';

export interface QuenchApi {
  info(): Promise<ServerInfo>;
  /** The working copy: the file's content plus unsaved edits and runs. */
  getProject(): Promise<Project>;
  /**
   * Replace the working copy's name and experiments (edits in the UI). Nothing is
   * written to the project file; the copy is autosaved for crash recovery. Runs, sweeps
   * and benchmarks belong to the server (it appends them as they finish, and writes
   * them to the file at once): those in the argument are ignored.
   */
  updateProject(project: Project): Promise<{ dirty: boolean }>;
  /**
   * updateProject, then write the project to disk (atomically). `path` (a *.quench.json
   * file) saves to that file and makes it the project's file from then on; it is
   * required while the project has no file.
   */
  saveProject(project: Project, path?: string): Promise<{ path: string }>;
  /** An empty, unsaved project (the open one is replaced: the UI asks first when it is dirty). */
  newProject(name?: string): Promise<Project>;
  /** Open a project file from disk: validated, migrated forward; errors name the bad field. */
  openProject(path: string): Promise<Project>;
  /** An unsaved copy of the example project (examples/seed-suite.quench.json): the seed suite, ready to run. */
  openExample(): Promise<Project>;
  /** Open a project from its text (a file the browser read): an unsaved copy; `name` is the file's name, for messages. */
  openProjectText(text: string, name: string): Promise<Project>;
  /** Replace the working copy with the autosaved one (ServerInfo.recovery). */
  restoreRecovery(): Promise<Project>;
  discardRecovery(): Promise<{ discarded: boolean }>;
  /** Queue runs of the experiment (repeats, parameter overrides); progress and results arrive as events. */
  runExperiment(experimentId: string, options?: RunOptions): Promise<{ runIds: string[] }>;
  /**
   * Store a run the window made itself (an experiment on WebGPU run on the window's own
   * navigator.gpu): validated like the engine's runs, appended to the project and
   * announced with run-finished. The experiment's backend must be webgpu.
   */
  recordRun(run: RecordedRun): Promise<{ runId: string }>;
  /** Queue one run per point of a parameter grid, recorded as a Sweep in the project. */
  runSweep(request: SweepRequest): Promise<{ sweepId: string; runIds: string[] }>;
  /** Cancel a queued or running run or benchmark; it is stored with status 'cancelled'. false if it had already finished. */
  cancelRun(runId: string): Promise<{ cancelled: boolean }>;
  /** Remove finished runs from the project (and from the sweeps that list them). */
  deleteRuns(runIds: string[]): Promise<{ deleted: number }>;
  /**
   * Queue the gates benchmark (kernel throughput against this machine's bandwidth) on the native
   * kernels or on WebGPU (Dawn in the engine process, f32); stored in the project's history.
   */
  runBenchmark(options?: BenchmarkRequest): Promise<{ benchmarkId: string }>;
  /**
   * Queue a profile of the experiment (src-main/profile): the run with the engine's counters on,
   * then short trial runs (threads, precision, fusion). Ends with a profile-finished event.
   */
  profileExperiment(experimentId: string): Promise<{ profileId: string }>;
  /** Merge the runs and benchmarks of another project file (e.g. measured on another machine) into this one. */
  importResults(path: string): Promise<ImportSummary>;
  importResultsText(text: string, name: string): Promise<ImportSummary>;
  /** Desktop only (info().mode === 'electron'): a native file dialog; null when the user cancels. */
  chooseFile(kind: FileDialogKind): Promise<{ path: string | null }>;
  /** A cluster job's work items (as `quench status`): from its folder, and Slurm where it answers. */
  jobStatus(jobDir: string): Promise<JobStatus>;
  /** Merge a cluster job's finished runs into the open project's file (as `quench collect`); they arrive like runs written elsewhere. */
  collectJob(jobDir: string): Promise<JobCollectSummary>;
}

export type ApiMethod = keyof QuenchApi;

export interface RunQueuedEvent {
  runId: string;
  experimentId: string;
  /** 'benchmark' for a gates benchmark (experimentId is then ''); 'profile' for a profile of the experiment. */
  job: 'run' | 'benchmark' | 'profile';
}
export interface RunProgressEvent {
  runId: string;
  fraction: number;
  message?: string;
  /** The newest point of the run's main curve (named as in RunResult.curves). Throttled: not every point is sent. */
  point?: { series: string; x: number; y: number };
}
export interface RunFinishedEvent {
  runId: string;
  run: Run;
}
export interface BenchmarkFinishedEvent {
  benchmark: Benchmark;
}
export interface ProfileFinishedEvent {
  profileId: string;
  experimentId: string;
  startedAt: string;
  status: 'completed' | 'failed' | 'cancelled';
  error?: string;
  profile?: ExperimentProfile;
}
/** The working copy changed under the UI (another window opened or saved a project). */
export interface ProjectChangedEvent {
  /** 'merged': results another process (the CLI, another workbench) wrote to the same file were taken in. */
  reason: 'opened' | 'saved' | 'updated' | 'imported' | 'runs-deleted' | 'merged';
}
export type ApiEvent =
  | { event: 'run-queued'; payload: RunQueuedEvent }
  | { event: 'run-progress'; payload: RunProgressEvent }
  | { event: 'run-finished'; payload: RunFinishedEvent }
  | { event: 'benchmark-finished'; payload: BenchmarkFinishedEvent }
  | { event: 'profile-finished'; payload: ProfileFinishedEvent }
  | { event: 'sweep-created'; payload: { sweep: Sweep } }
  | { event: 'project-changed'; payload: ProjectChangedEvent };

export type RequestId = string | number;
export interface ApiRequest {
  id: RequestId;
  method: ApiMethod;
  args: unknown[];
}
export type ApiErrorCode = 'bad-request' | 'unknown-method' | 'bad-argument' | 'not-found' | 'unsupported' | 'failed';
export type ApiResponse = { id: RequestId; result: unknown } | { id: RequestId; error: { message: string; code?: ApiErrorCode } };

/** The envelope of every incoming message; each method's arguments are checked separately (ARG_SCHEMAS). */
export const RequestEnvelope = z.strictObject({
  id: z.union([z.string().max(100), z.number().int()]),
  method: z.string().max(100),
  args: z.array(z.unknown()).max(8).default([]),
});

/**
 * Per method, its parameters in order: a name (for error messages) and a schema.
 * The project argument is only checked for shape here; the server validates it
 * fully with the project schema so errors name the bad field.
 */
const projectArg = ['project', z.record(z.string(), z.unknown())] as const;
const pathArg = (what: string) => z.string().min(1).max(4096).regex(/\.json$/, `must name a ${what} (*.quench.json)`);
const textArg = ['text', z.string().max(512 * 1024 * 1024)] as const;
const nameArg = ['name', z.string().min(1).max(4096)] as const;

/**
 * Per method, its parameters in order: a name (for error messages) and a schema.
 * The project argument is only checked for shape here; the server validates it
 * fully with the project schema so errors name the bad field.
 */
export const ARG_SCHEMAS: { [M in ApiMethod]: ReadonlyArray<readonly [name: string, schema: z.ZodType, optional?: boolean]> } = {
  info: [],
  getProject: [],
  updateProject: [projectArg],
  saveProject: [projectArg, ['path', pathArg('project file').regex(/\.quench\.json$/, 'must name a *.quench.json file'), true]],
  newProject: [['name', z.string().min(1).max(200), true]],
  openProject: [['path', pathArg('project file')]],
  openExample: [],
  openProjectText: [textArg, nameArg],
  restoreRecovery: [],
  discardRecovery: [],
  runExperiment: [['experimentId', z.string().min(1).max(64)], ['options', RunOptions, true]],
  recordRun: [['run', RecordedRun]],
  runSweep: [['request', SweepRequest]],
  cancelRun: [['runId', z.string().min(1).max(100)]],
  deleteRuns: [['runIds', z.array(z.string().min(1).max(100)).min(1).max(100_000)]],
  runBenchmark: [['options', BenchmarkRequest, true]],
  profileExperiment: [['experimentId', z.string().min(1).max(64)]],
  importResults: [['path', pathArg('project file')]],
  importResultsText: [textArg, nameArg],
  chooseFile: [['kind', z.enum(['open', 'save', 'import'])]],
  jobStatus: [['jobDir', z.string().min(1).max(4096)]],
  collectJob: [['jobDir', z.string().min(1).max(4096)]],
};

export const API_METHODS = Object.keys(ARG_SCHEMAS) as ApiMethod[];

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly code: ApiErrorCode = 'failed',
  ) {
    super(message);
  }
}

/**
 * Check a method name and its arguments (the one check every transport makes: the
 * WebSocket server and Electron's IPC handlers). Returns the parsed arguments, defaults
 * filled in; the error names the bad argument and the path inside it.
 */
export function parseArgs(method: string, args: unknown[]): { method: ApiMethod; args: unknown[] } {
  if (!(API_METHODS as string[]).includes(method)) throw new ApiError(`unknown method '${method}' (methods: ${API_METHODS.join(', ')})`, 'unknown-method');
  const params = ARG_SCHEMAS[method as ApiMethod];
  if (args.length > params.length) throw new ApiError(`${method}: takes ${params.length} argument(s), got ${args.length}`, 'bad-argument');
  const parsed = params.map(([name, schema, optional], i) => {
    if (args[i] === undefined && optional) return undefined;
    if (args[i] === undefined) throw new ApiError(`${method}: argument '${name}' is missing`, 'bad-argument');
    // zod drops an own '__proto__' key (JSON.parse makes one) without an issue: refuse it here, by name, instead.
    const proto = protoKeyPath(args[i]);
    if (proto) throw new ApiError(`${method}: argument '${name}': ${protoKeyMessage(proto)}`, 'bad-argument');
    const r = schema.safeParse(args[i]);
    if (!r.success) {
      const issue = r.error.issues[0];
      const where = issue.path.length ? `${issue.path.map(String).join('.')}: ` : '';
      throw new ApiError(`${method}: argument '${name}': ${where}${issue.message}`, 'bad-argument');
    }
    return r.data;
  });
  return { method: method as ApiMethod, args: parsed };
}

/** Check a request's envelope, method and arguments; the error names the bad argument. */
export function parseRequest(raw: unknown): ApiRequest {
  const env = RequestEnvelope.safeParse(raw);
  if (!env.success) {
    const issue = env.error.issues[0];
    throw new ApiError(`bad request: ${issue.path.join('.') || '(message)'}: ${issue.message}`, 'bad-request');
  }
  return { id: env.data.id, ...parseArgs(env.data.method, env.data.args) };
}
