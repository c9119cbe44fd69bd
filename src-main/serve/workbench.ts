// The workbench's back end behind the API (src-shared/api/contract.ts), the
// same in `quench serve` and in Electron's main process: the open project and
// its jobs (experiment runs and gates benchmarks) — one at a time, each in its
// own engine process, the rest queued.
//
// Two copies of the project: the working copy (what the UI shows: the file's
// content plus unsaved edits) and the saved copy (what is in the file). Runs,
// sweeps and benchmarks are results, not edits: they go into both copies and
// the file is rewritten atomically as each job finishes. Edits (updateProject)
// stay in the working copy, which is autosaved to QUENCH_HOME/recovery so a
// crash loses nothing; saveProject writes the working copy to the file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ApiError, type ApiEvent, type FileDialogKind, type ImportSummary, type QuenchApi, type RecordedRun, type RunOptions, type ServerInfo, type SweepRequest,
} from '../../src-shared/api/contract';
import {
  Benchmark as BenchmarkSchema, BenchmarkRequest, Run as RunSchema, parseProject, PROJECT_FORMAT, PROJECT_VERSION, ProjectError,
  type Benchmark, type Experiment, type GatesReport, type ParamValue, type Project, type Run, type Sweep,
} from '../../src-shared/project/schema';
import { gridPoints, gridSize, MAX_SWEEP_POINTS, OverrideError, withOverrides } from '../../src-shared/project/sweep';
import type { RunResult } from '../../src-shared/results';
import { collectInfo } from '../cli/info';
import { now } from '../../src-shared/workloads/timing';
import type { SpawnWorker, ToWorker } from '../engine/worker-protocol';
import { addRecent, clearRecovery, quenchHome, readRecent, readRecovery, writeRecovery, type Recovery } from '../project/home';
import { loadProject, saveProjectAtomic } from '../project/store';
import { packageRoot } from '../native/addon';
import { forkWorker, runInWorker, type WorkerOutcome, type WorkerRun } from './engine-process';

export interface WorkbenchOptions {
  /** A project file to open; without one, an unsaved in-memory copy of the example seed suite. */
  projectFile?: string;
  workerPath: string;
  /** How engine processes start: fork() (default, headless) or Electron's utilityProcess. */
  spawnWorker?: SpawnWorker;
  emit: (e: ApiEvent) => void;
  log?: (line: string) => void;
  mode?: ServerInfo['mode'];
  /** Native file dialogs (Electron); without them chooseFile answers 'unsupported'. */
  chooseFile?: (kind: FileDialogKind) => Promise<string | null>;
  /** QUENCH_HOME: recent files and recovery copies. */
  home?: string;
}

interface Pending {
  runId: string;
  job: ToWorker;
  /** Runs: the experiment as run (overrides applied), and how the run came to be. */
  experiment?: Experiment;
  overrides?: Record<string, ParamValue>;
  sweepId?: string;
  repetition?: number;
}
interface Active extends Pending {
  worker: WorkerRun;
  startedAt: string;
  t0: number;
}

export const EXAMPLE_PROJECT = () => path.join(packageRoot(), 'examples', 'seed-suite.quench.json');

const emptyProject = (name: string): Project => ({ format: PROJECT_FORMAT, version: PROJECT_VERSION, name, experiments: [], runs: [], sweeps: [], benchmarks: [] });
const newId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;

function badArgument(e: unknown): never {
  if (e instanceof ProjectError || e instanceof OverrideError) throw new ApiError(e.message, 'bad-argument');
  throw e;
}

export class Workbench implements QuenchApi {
  private project: Project;
  /** What is in the file (null while the project has none). */
  private saved: Project | null;
  private file: string | null;
  private dirty = false;
  private recovery: Recovery | null = null;
  private readonly home: string;
  private readonly spawn: SpawnWorker;
  private queue: Pending[] = [];
  private active: Active | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: WorkbenchOptions) {
    this.home = quenchHome(opts.home);
    this.spawn = opts.spawnWorker ?? forkWorker;
    if (opts.projectFile) {
      this.file = path.resolve(opts.projectFile);
      this.project = loadProject(this.file);
      this.saved = structuredClone(this.project);
      this.remember(this.file);
    } else {
      this.file = null;
      this.project = parseProject(fs.readFileSync(EXAMPLE_PROJECT(), 'utf8'), EXAMPLE_PROJECT());
      this.saved = null;
    }
    this.recovery = readRecovery(this.home, this.file);
  }

  get projectFile(): string | null {
    return this.file;
  }

  /** For tests and diagnostics: the pid of the engine process of the job in progress. */
  activeWorkerPid(): number | undefined {
    return this.active?.worker.pid;
  }

  async info(): Promise<ServerInfo> {
    let cpu = os.cpus()[0]?.model ?? 'unknown', isa = { inUse: 'unknown', available: [] as string[] }, free = os.freemem();
    try {
      const i = collectInfo();
      cpu = i.cpu.model ?? cpu;
      isa = { inUse: String(i.isa.inUse), available: [...i.isa.available] };
      free = i.memory.availableBytes;
    } catch {
      /* a broken addon fails the runs with its own message; info still answers */
    }
    const r = this.recovery;
    return {
      quench: '0.1.0', node: process.versions.node, platform: `${process.platform}-${process.arch}`, cpu, logicalCores: os.cpus().length,
      totalMemoryBytes: os.totalmem(), freeMemoryBytes: free, isa, mode: this.opts.mode ?? 'serve',
      projectPath: this.file, unsaved: this.file === null, dirty: this.dirty,
      recovery: r ? { savedAt: r.savedAt, experiments: r.project.experiments.length, runs: r.project.runs.length } : null,
      recentFiles: readRecent(this.home),
      activeRunId: this.active?.runId ?? null, queuedRunIds: this.queue.map((q) => q.runId),
    };
  }

  async getProject(): Promise<Project> {
    return this.project;
  }

  async updateProject(incoming: Project): Promise<{ dirty: boolean }> {
    this.project = this.withServerResults(incoming, "updateProject: argument 'project'");
    this.dirty = true;
    this.autosave();
    return { dirty: true };
  }

  async saveProject(incoming: Project, file?: string): Promise<{ path: string }> {
    const target = file ? path.resolve(file) : this.file;
    if (!target) throw new ApiError('saveProject: the project has no file yet; pass a path (*.quench.json) to save it', 'bad-argument');
    const next = this.withServerResults(incoming, "saveProject: argument 'project'");
    try {
      saveProjectAtomic(target, next);
    } catch (e) {
      throw new ApiError(`cannot save ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'failed');
    }
    clearRecovery(this.home, this.file);
    this.project = next;
    this.saved = structuredClone(next);
    this.file = target;
    this.dirty = false;
    this.recovery = null;
    clearRecovery(this.home, target);
    this.remember(target);
    return { path: target };
  }

  async newProject(name = 'Untitled'): Promise<Project> {
    this.mustBeIdle('start a new project');
    this.replace(emptyProject(name), null);
    return this.project;
  }

  async openProject(file: string): Promise<Project> {
    this.mustBeIdle('open another project');
    const abs = path.resolve(file);
    let p: Project;
    try {
      p = loadProject(abs);
    } catch (e) {
      badArgument(e);
    }
    this.replace(p, abs);
    this.remember(abs);
    return this.project;
  }

  async openExample(): Promise<Project> {
    this.mustBeIdle('open the example project');
    this.replace(parseProject(fs.readFileSync(EXAMPLE_PROJECT(), 'utf8'), EXAMPLE_PROJECT()), null);
    return this.project;
  }

  async openProjectText(text: string, name: string): Promise<Project> {
    this.mustBeIdle('open another project');
    let p: Project;
    try {
      p = parseProject(text, name);
    } catch (e) {
      badArgument(e);
    }
    this.replace(p, null);
    return this.project;
  }

  async restoreRecovery(): Promise<Project> {
    if (!this.recovery) throw new ApiError('restoreRecovery: there is no autosaved copy of this project', 'not-found');
    this.mustBeIdle('restore the autosaved copy');
    this.project = this.recovery.project;
    this.recovery = null;
    this.dirty = true; // restored edits are not in the file until saved; the recovery file stays until then
    return this.project;
  }

  async discardRecovery(): Promise<{ discarded: boolean }> {
    const had = this.recovery !== null;
    clearRecovery(this.home, this.file);
    this.recovery = null;
    return { discarded: had };
  }

  async runExperiment(experimentId: string, options: RunOptions = {}): Promise<{ runIds: string[] }> {
    const experiment = this.experiment(experimentId, 'runExperiment');
    let run: Experiment;
    try {
      run = withOverrides(experiment, options.overrides, "runExperiment: argument 'options': overrides");
    } catch (e) {
      badArgument(e);
    }
    const repeats = options.repeats ?? 1;
    const runIds: string[] = [];
    for (let r = 1; r <= repeats; r++) {
      const runId = newId(experimentId);
      // a snapshot: edits made while the run waits or runs do not change what it runs
      this.enqueue({ runId, experiment: structuredClone(run), overrides: options.overrides, repetition: repeats > 1 ? r : undefined, job: { job: 'run', experiment: run, baseDir: this.baseDir() } });
      runIds.push(runId);
    }
    return { runIds };
  }

  async recordRun(r: RecordedRun): Promise<{ runId: string }> {
    const e = this.experiment(r.experimentId, 'recordRun');
    const where = `recordRun: argument 'run'`;
    if (e.settings.backend !== 'webgpu') throw new ApiError(`${where}: experiment '${e.id}' runs on ${e.settings.backend}; only WebGPU runs are made in the window`, 'bad-argument');
    if (r.status === 'completed' && !r.result) throw new ApiError(`${where}: result: a completed run needs its result`, 'bad-argument');
    const env = (r.result?.env ?? {}) as Record<string, unknown>;
    if (r.result && (env.backend !== 'webgpu' || env.runIn !== 'window'))
      throw new ApiError(`${where}: result.env: a window run says backend 'webgpu' and runIn 'window' (got ${JSON.stringify(env.backend)}, ${JSON.stringify(env.runIn)})`, 'bad-argument');
    const candidate = {
      id: newId(e.id), experimentId: e.id, startedAt: r.startedAt, durationMs: r.durationMs, status: r.status, settings: e.settings,
      ...(r.overrides && Object.keys(r.overrides).length ? { overrides: r.overrides } : {}),
      ...(r.status === 'completed' ? { result: r.result } : {}),
      ...(r.error ? { error: r.error } : {}),
    };
    const checked = RunSchema.safeParse(candidate);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new ApiError(`${where}: ${issue.path.join('.')}: ${issue.message}`, 'bad-argument');
    }
    const run = checked.data as Run;
    this.addResult((proj) => proj.runs.push(structuredClone(run)), e.id);
    this.opts.emit({ event: 'run-finished', payload: { runId: run.id, run } });
    return { runId: run.id };
  }

  async runSweep(req: SweepRequest): Promise<{ sweepId: string; runIds: string[] }> {
    const experiment = this.experiment(req.experimentId, 'runSweep');
    const n = gridSize(req.grid);
    if (n === 0) throw new ApiError("runSweep: argument 'request': grid: give at least one parameter with values", 'bad-argument');
    if (n > MAX_SWEEP_POINTS) throw new ApiError(`runSweep: the grid has ${n} points; at most ${MAX_SWEEP_POINTS} runs per sweep`, 'bad-argument');
    const points = gridPoints(req.grid).map((point) => {
      try {
        return { point, experiment: withOverrides(experiment, point, `runSweep: grid point ${JSON.stringify(point)}`) };
      } catch (e) {
        badArgument(e);
      }
    });
    const sweepId = newId(`sweep-${req.experimentId}`);
    const runIds = points.map(() => newId(req.experimentId));
    const sweep: Sweep = {
      id: sweepId, experimentId: experiment.id, createdAt: new Date().toISOString(), grid: req.grid, runIds,
      name: req.name ?? `${experiment.name}: ${Object.keys(req.grid).map((k) => `${k} × ${req.grid[k].length}`).join(', ')}`,
    };
    this.addResult((p) => p.sweeps.push(structuredClone(sweep)), experiment.id);
    this.opts.emit({ event: 'sweep-created', payload: { sweep } });
    points.forEach(({ point, experiment: e }, i) =>
      this.enqueue({ runId: runIds[i], experiment: e, overrides: point, sweepId, job: { job: 'run', experiment: e, baseDir: this.baseDir() } }),
    );
    return { sweepId, runIds };
  }

  async cancelRun(runId: string): Promise<{ cancelled: boolean }> {
    if (this.active?.runId === runId) {
      this.active.worker.cancel(); // the worker's exit finishes the job as 'cancelled'
      return { cancelled: true };
    }
    const i = this.queue.findIndex((q) => q.runId === runId);
    if (i < 0) return { cancelled: false };
    const [q] = this.queue.splice(i, 1);
    this.finish(q, new Date().toISOString(), 0, { status: 'cancelled' });
    return { cancelled: true };
  }

  async deleteRuns(runIds: string[]): Promise<{ deleted: number }> {
    const gone = new Set(runIds);
    const busy = [this.active?.runId, ...this.queue.map((q) => q.runId)].filter((id) => id && gone.has(id));
    if (busy.length) throw new ApiError(`deleteRuns: ${busy.join(', ')} is still queued or running; cancel it first`, 'bad-argument');
    const before = this.project.runs.length;
    const prune = (p: Project) => {
      p.runs = p.runs.filter((r) => !gone.has(r.id));
      p.benchmarks = p.benchmarks.filter((b) => !gone.has(b.id));
      p.sweeps = p.sweeps.map((s) => ({ ...s, runIds: s.runIds.filter((id) => !gone.has(id)) })).filter((s) => s.runIds.length > 0);
    };
    prune(this.project);
    if (this.saved) prune(this.saved);
    this.persist();
    this.opts.emit({ event: 'project-changed', payload: { reason: 'runs-deleted' } });
    return { deleted: before - this.project.runs.length };
  }

  async runBenchmark(options: BenchmarkRequest = {}): Promise<{ benchmarkId: string }> {
    // Checked here too (not only by the transport's parseArgs): defaults per backend, WebGPU's limits named.
    const parsed = BenchmarkRequest.safeParse(options);
    if (!parsed.success) throw new ApiError(`runBenchmark: argument 'options': ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`, 'bad-argument');
    const benchmarkId = newId('gates');
    this.enqueue({ runId: benchmarkId, job: { job: 'benchmark', options: parsed.data } });
    return { benchmarkId };
  }

  async importResults(file: string): Promise<ImportSummary> {
    let other: Project;
    try {
      other = loadProject(path.resolve(file));
    } catch (e) {
      badArgument(e);
    }
    return this.importFrom(other, path.resolve(file));
  }

  async importResultsText(text: string, name: string): Promise<ImportSummary> {
    let other: Project;
    try {
      other = parseProject(text, name);
    } catch (e) {
      badArgument(e);
    }
    return this.importFrom(other, name);
  }

  async chooseFile(kind: FileDialogKind): Promise<{ path: string | null }> {
    if (!this.opts.chooseFile) throw new ApiError('chooseFile: file dialogs exist in the desktop app only; in the browser, pick a file with the file picker or type its path', 'unsupported');
    return { path: await this.opts.chooseFile(kind) };
  }

  /** Route a checked request (see parseArgs in the contract) to its method. */
  dispatch(req: { method: keyof QuenchApi; args: unknown[] }): Promise<unknown> {
    const method = this[req.method] as (...a: unknown[]) => Promise<unknown>;
    return method.apply(this, req.args);
  }

  /** Cancel everything and wait until no engine process is left. */
  async close(): Promise<void> {
    for (const q of this.queue.splice(0)) this.finish(q, new Date().toISOString(), 0, { status: 'cancelled' });
    if (!this.active) return;
    const idle = new Promise<void>((r) => this.idleWaiters.push(r));
    this.active.worker.cancel();
    await idle;
  }

  // ——— internals ———

  private experiment(id: string, method: string): Experiment {
    const e = this.project.experiments.find((x) => x.id === id);
    if (!e) throw new ApiError(`${method}: no experiment '${id}' (the project has: ${this.project.experiments.map((x) => x.id).join(', ') || 'none'})`, 'not-found');
    return e;
  }

  /** The client's name and experiments with the server's runs, sweeps and benchmarks, validated as a whole. */
  private withServerResults(incoming: Project, source: string): Project {
    try {
      return parseProject(JSON.stringify({ ...incoming, runs: this.project.runs, sweeps: this.project.sweeps, benchmarks: this.project.benchmarks }), source);
    } catch (e) {
      badArgument(e);
    }
  }

  private mustBeIdle(what: string): void {
    if (this.active || this.queue.length) throw new ApiError(`cannot ${what} while a run is queued or running; cancel it or wait until it finishes`, 'failed');
  }

  private replace(p: Project, file: string | null): void {
    this.project = p;
    this.saved = file ? structuredClone(p) : null;
    this.file = file;
    this.dirty = false;
    this.recovery = readRecovery(this.home, file);
    this.opts.emit({ event: 'project-changed', payload: { reason: 'opened' } });
  }

  private remember(file: string): void {
    try {
      addRecent(this.home, file);
    } catch (e) {
      this.opts.log?.(`quench: could not update the recent-files list in ${this.home}: ${(e as Error).message}`);
    }
  }

  private baseDir(): string {
    return this.file ? path.dirname(this.file) : process.cwd();
  }

  private importFrom(other: Project, source: string): ImportSummary {
    const have = new Set(this.project.runs.map((r) => r.id));
    const haveBench = new Set(this.project.benchmarks.map((b) => b.id));
    const ids = new Set(this.project.experiments.map((e) => e.id));
    const summary: ImportSummary = { runs: 0, benchmarks: 0, experiments: 0, skipped: 0 };
    const next = structuredClone(this.project);
    for (const r of other.runs) {
      if (have.has(r.id)) {
        summary.skipped++;
        continue;
      }
      if (!ids.has(r.experimentId)) {
        // the run needs its experiment: bring it along as it was defined there
        next.experiments.push(other.experiments.find((e) => e.id === r.experimentId)!);
        ids.add(r.experimentId);
        summary.experiments++;
      }
      next.runs.push({ ...r, importedFrom: r.importedFrom ?? source });
      summary.runs++;
    }
    for (const b of other.benchmarks) {
      if (haveBench.has(b.id)) {
        summary.skipped++;
        continue;
      }
      next.benchmarks.push({ ...b, importedFrom: b.importedFrom ?? source });
      summary.benchmarks++;
    }
    // An import changes the project like an edit: it is in the working copy (autosaved) until saved.
    this.project = parseProject(JSON.stringify(next), `import from ${source}`);
    if (summary.runs + summary.benchmarks > 0) {
      this.dirty = true;
      this.autosave();
      this.opts.emit({ event: 'project-changed', payload: { reason: 'imported' } });
    }
    return summary;
  }

  private enqueue(p: Pending): void {
    this.queue.push(p);
    this.opts.emit({ event: 'run-queued', payload: { runId: p.runId, experimentId: p.experiment?.id ?? '', job: p.job.job } });
    this.startNext();
  }

  private startNext(): void {
    if (this.active || this.queue.length === 0) {
      if (!this.active) for (const w of this.idleWaiters.splice(0)) w();
      return;
    }
    const next = this.queue.shift()!;
    const worker = runInWorker(this.spawn, this.opts.workerPath, next.job, (p) => this.opts.emit({ event: 'run-progress', payload: { runId: next.runId, ...p } }));
    const active: Active = { ...next, worker, startedAt: new Date().toISOString(), t0: now() };
    this.active = active;
    void worker.outcome.then((outcome) => {
      this.active = undefined;
      this.finish(active, active.startedAt, now() - active.t0, outcome);
      this.startNext();
    });
  }

  private finish(p: Pending, startedAt: string, durationMs: number, outcome: WorkerOutcome): void {
    const base = { id: p.runId, startedAt, durationMs, status: outcome.status, ...(outcome.status === 'failed' ? { error: outcome.error } : {}) };
    if (p.job.job === 'benchmark') {
      const benchmark: Benchmark = { ...base, options: p.job.options, ...(outcome.status === 'completed' ? { result: outcome.result as GatesReport } : {}) };
      const checked = BenchmarkSchema.safeParse(benchmark);
      const stored = checked.success ? checked.data : { ...base, status: 'failed' as const, options: p.job.options, error: `the benchmark's report did not have the expected shape: ${checked.error.issues[0].message}` };
      this.addResult((proj) => proj.benchmarks.push(structuredClone(stored)));
      this.opts.emit({ event: 'benchmark-finished', payload: { benchmark: stored } });
      return;
    }
    const e = p.experiment!;
    const run: Run = {
      ...base, experimentId: e.id, settings: e.settings,
      ...(p.overrides && Object.keys(p.overrides).length ? { overrides: p.overrides } : {}),
      ...(p.sweepId ? { sweepId: p.sweepId } : {}),
      ...(p.repetition ? { repetition: p.repetition } : {}),
      ...(outcome.status === 'completed' ? { result: outcome.result as RunResult as Run['result'] } : {}),
    };
    this.addResult((proj) => proj.runs.push(structuredClone(run)), e.id);
    this.opts.emit({ event: 'run-finished', payload: { runId: run.id, run } });
  }

  /**
   * A result (run, sweep, benchmark) goes into the working copy, and into the saved
   * copy when that has the experiment it belongs to; then both are persisted.
   */
  private addResult(add: (p: Project) => void, experimentId?: string): void {
    // The experiment may have been removed meanwhile; a result without its experiment would make the file invalid.
    if (experimentId === undefined || this.project.experiments.some((e) => e.id === experimentId)) add(this.project);
    if (this.saved && (experimentId === undefined || this.saved.experiments.some((e) => e.id === experimentId))) add(this.saved);
    this.persist();
  }

  /** The file gets the saved copy; the working copy goes to the recovery file when it holds more than the file. */
  private persist(): void {
    if (this.file && this.saved) {
      try {
        saveProjectAtomic(this.file, this.saved);
      } catch (e) {
        this.opts.log?.(`quench: could not save ${this.file}: ${(e as Error).message}`);
      }
    }
    if (this.dirty || !this.file) this.autosave();
  }

  private autosave(): void {
    // An older autosaved copy is waiting for the user's decision (restore or discard): never overwrite it.
    if (this.recovery) return;
    try {
      writeRecovery(this.home, this.file, this.project);
    } catch (e) {
      this.opts.log?.(`quench: could not autosave to ${this.home}: ${(e as Error).message}`);
    }
  }
}
