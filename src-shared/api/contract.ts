// The workbench API: what the UI may ask of the back end, and what the back
// end tells it unasked. Pure TypeScript + zod (no Node, no DOM) so the server
// (src-main/serve) and the renderer share one definition.
//
// Wire format (JSON text frames on the WebSocket /api):
//   request   {id, method, args: [...]}      args are the method's parameters, in order
//   response  {id, result} | {id, error: {message, code?}}
//   event     {event, payload}
import { z } from 'zod';
import type { Project, Run } from '../project/schema';

export interface ServerInfo {
  quench: string;
  node: string;
  platform: string;
  cpu: string;
  isa: { inUse: string; available: string[] };
  /** The open project's file, or null when it is an in-memory copy not saved yet. */
  projectPath: string | null;
  unsaved: boolean;
  /** The run in progress and those waiting behind it (one run at a time per project). */
  activeRunId: string | null;
  queuedRunIds: string[];
}

export interface QuenchApi {
  info(): Promise<ServerInfo>;
  getProject(): Promise<Project>;
  /**
   * Replace the project's name and experiments and write it to disk (atomically).
   * Runs belong to the server (it appends them as they finish), so the server's
   * run list is kept and `project.runs` is ignored. `path` (a *.quench.json file)
   * saves to that file and makes it the project's file from then on; it is
   * required while the project has no file.
   */
  saveProject(project: Project, path?: string): Promise<{ path: string }>;
  /** Queue a run of the experiment; progress and the result arrive as events. */
  runExperiment(experimentId: string): Promise<{ runId: string }>;
  /** Cancel a queued or running run; it is stored with status 'cancelled'. false if it had already finished. */
  cancelRun(runId: string): Promise<{ cancelled: boolean }>;
}

export type ApiMethod = keyof QuenchApi;

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
export type ApiEvent = { event: 'run-progress'; payload: RunProgressEvent } | { event: 'run-finished'; payload: RunFinishedEvent };

export type RequestId = string | number;
export interface ApiRequest {
  id: RequestId;
  method: ApiMethod;
  args: unknown[];
}
export type ApiErrorCode = 'bad-request' | 'unknown-method' | 'bad-argument' | 'not-found' | 'failed';
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
export const ARG_SCHEMAS: { [M in ApiMethod]: ReadonlyArray<readonly [name: string, schema: z.ZodType, optional?: boolean]> } = {
  info: [],
  getProject: [],
  saveProject: [
    ['project', z.record(z.string(), z.unknown())],
    ['path', z.string().min(1).max(4096).regex(/\.quench\.json$/, 'must name a *.quench.json file'), true],
  ],
  runExperiment: [['experimentId', z.string().min(1).max(64)]],
  cancelRun: [['runId', z.string().min(1).max(100)]],
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

/** Check a request's method and arguments; the error names the bad argument. */
export function parseRequest(raw: unknown): ApiRequest {
  const env = RequestEnvelope.safeParse(raw);
  if (!env.success) {
    const issue = env.error.issues[0];
    throw new ApiError(`bad request: ${issue.path.join('.') || '(message)'}: ${issue.message}`, 'bad-request');
  }
  const { id, method, args } = env.data;
  if (!(API_METHODS as string[]).includes(method)) throw new ApiError(`unknown method '${method}' (methods: ${API_METHODS.join(', ')})`, 'unknown-method');
  const params = ARG_SCHEMAS[method as ApiMethod];
  if (args.length > params.length) throw new ApiError(`${method}: takes ${params.length} argument(s), got ${args.length}`, 'bad-argument');
  params.forEach(([name, schema, optional], i) => {
    if (args[i] === undefined && optional) return;
    if (args[i] === undefined) throw new ApiError(`${method}: argument '${name}' is missing`, 'bad-argument');
    const r = schema.safeParse(args[i]);
    if (!r.success) throw new ApiError(`${method}: argument '${name}': ${r.error.issues[0].message}`, 'bad-argument');
  });
  return { id, method: method as ApiMethod, args };
}
