// The Electron transport of the workbench API (src-shared/api/contract.ts):
// what the preload exposes to the page as `window.quench`, the channel names,
// and the reply envelope. Types and constants only (no zod, no Node, no DOM):
// the sandboxed preload bundles this file.
import type { ApiErrorCode, ApiEvent, ApiMethod, QuenchApi } from './contract';
import type { WorkbenchCommand } from './commands';

/**
 * Every API method, written out: the preload exposes exactly these (one function
 * each) and main registers exactly these. The checks below fail to compile when
 * the contract gains or loses a method and this list does not follow.
 */
export const BRIDGE_METHODS = [
  'info',
  'getProject',
  'updateProject',
  'saveProject',
  'newProject',
  'openProject',
  'openExample',
  'openProjectText',
  'restoreRecovery',
  'discardRecovery',
  'runExperiment',
  'recordRun',
  'runSweep',
  'cancelRun',
  'deleteRuns',
  'runBenchmark',
  'profileExperiment',
  'importResults',
  'importResultsText',
  'chooseFile',
  'jobStatus',
  'collectJob',
] as const satisfies readonly ApiMethod[];

type Missing = Exclude<ApiMethod, (typeof BRIDGE_METHODS)[number]>;
// A compile error here names the API methods missing from BRIDGE_METHODS.
export const BRIDGE_COVERS_API: [Missing] extends [never] ? true : { missing: Missing } = true;

/** One ipcMain.handle channel per method: 'quench:info', 'quench:getProject', … */
export const methodChannel = (method: ApiMethod): `quench:${ApiMethod}` => `quench:${method}`;
/** Main → page: workbench events (run progress, finished runs, project changes). */
export const EVENT_CHANNEL = 'quench:event';
/** Main → page: menu commands (WorkbenchCommand). */
export const COMMAND_CHANNEL = 'quench:command';

/**
 * What every handler returns. Electron's invoke turns a thrown Error into a bare
 * message (the code is lost), so errors travel as data and the page rebuilds them.
 */
export type IpcEnvelope<T = unknown> = { ok: true; result: T } | { ok: false; error: { message: string; code: ApiErrorCode } };

export type BridgeApi = {
  [M in ApiMethod]: (...args: Parameters<QuenchApi[M]>) => Promise<IpcEnvelope<Awaited<ReturnType<QuenchApi[M]>>>>;
};

/** `window.quench` in the Electron app (absent in browser mode). */
export interface QuenchBridge {
  api: BridgeApi;
  /** Listen to workbench events; returns the unsubscribe function. */
  onEvent(listener: (e: ApiEvent) => void): () => void;
  /** Listen to menu commands; returns the unsubscribe function. */
  onCommand(listener: (command: WorkbenchCommand) => void): () => void;
  /** Quench's version (package.json). */
  version: string;
}
