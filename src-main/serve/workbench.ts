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
//
// Other writers may share the file (`quench run`, another workbench). Every
// write is a read-merge-write under the file's lock (project/lock.ts): results
// another writer added are taken into both copies, results it deleted leave
// them, and this process's own deletions stay deleted (project/results.ts).
// The file is watched too, so results written elsewhere show up at once
// (project-changed, reason 'merged').
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ApiError, type ApiEvent, type JobCollectSummary, type JobStatus, type FileDialogKind, type ImportSummary, type QuenchApi, type RecordedRun, type RunOptions, type ServerInfo, type SweepRequest,
} from '../../src-shared/api/contract';
import {
  Benchmark as BenchmarkSchema, BenchmarkRequest, Run as RunSchema, parseProject, PROJECT_FORMAT, PROJECT_VERSION, ProjectError,
  type Benchmark, type BenchmarkOptions, type Experiment, type GatesReport, type ParamValue, type Project, type Run, type Sweep,
} from '../../src-shared/project/schema';
import { gridPoints, gridSize, MAX_SWEEP_POINTS, OverrideError, withOverrides } from '../../src-shared/project/sweep';
import type { RunResult } from '../../src-shared/results';
import type { ExperimentProfile } from '../../src-shared/analysis/profile';
import { collectInfo } from '../engine/machine-info';
import { now } from '../../src-shared/workloads/timing';
import type { SpawnWorker, ToWorker } from '../engine/worker-protocol';
import { addRecent, clearRecovery, quenchHome, readRecent, readRecovery, writeRecovery, type Recovery } from '../project/home';
import { acquireLock, tryLock, type LockOptions } from '../project/lock';
import { mergeDefinitions, mergeResults, newId, restoreNeededExperiments, resultKeys } from '../project/results';
import { loadProject, saveProjectAtomic } from '../project/store';
import { estimateMemory, formatBytes, memoryVerdict } from '../../src-shared/workloads/memory';
import { loadAddon, packageRoot } from '../native/addon';
import { forkWorker, runInWorker, type WorkerOutcome, type WorkerRun } from './engine-process';
import { FileWriteError, UsageError } from '../errors';
import { schedulerFor } from '../scheduler';
import { jobStatus } from '../jobs/status';
import { collectJob } from '../jobs/collect';
import { openJob } from '../jobs/folder';

/** One file under two names (a symlink, a relative path): compared by where they lead. */
function sameFile(a: string, b: string): boolean {
  const real = (f: string) => {
    try {
      return fs.realpathSync(f);
    } catch {
      return path.resolve(f);
    }
  };
  return real(a) === real(b);
}

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
  /** The job's estimated peak memory (bytes), given back to the machine when it ends. */
  memoryBytes?: number;
}
interface Active extends Pending {
  worker: WorkerRun;
  startedAt: string;
  t0: number;
}

export const EXAMPLE_PROJECT = () => path.join(packageRoot(), 'examples', 'seed-suite.quench.json');

const emptyProject = (name: string): Project => ({ format: PROJECT_FORMAT, version: PROJECT_VERSION, name, experiments: [], runs: [], sweeps: [], benchmarks: [] });

/** The file as last seen (inode, size, mtime), or null when it is not there: a rename-replace always changes it. */
function statStamp(file: string): string | null {
  try {
    const s = fs.statSync(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return null;
  }
}

/** The project in the file, or null when there is no file (deleted: the next write puts it back). Throws ProjectError when it does not read as a project. */
function readDisk(file: string): Project | null {
  if (!fs.existsSync(file)) return null;
  return loadProject(file);
}

/** How long the file is left to settle after a change notice before it is read (editors and writers touch it more than once). */
const WATCH_DEBOUNCE_MS = 150;

function badArgument(e: unknown): never {
  if (e instanceof ProjectError || e instanceof OverrideError) throw new ApiError(e.message, 'bad-argument');
  throw e;
}


/** A FileWriteError names the file and says why already; any other error gets `what FILE:` in front. */
function failureMessage(what: string, file: string, e: unknown): string {
  return e instanceof FileWriteError ? e.message : `${what} ${file}: ${(e as Error).message}`;
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
  /** Result keys (project/results.ts) the file held when this process last read or wrote it: the merge base. */
  private base = new Set<string>();
  /** Result keys this process has had (the file's, its own, merged ones): one it deleted is never taken back in. */
  private known = new Set<string>();
  /** Result keys taken in from other writers: a save puts back their experiments if the client's copy lacks them. */
  private foreign = new Set<string>();
  /** statStamp of the file after this process's last read or write: the change notice of its own write is ignored. */
  private stamp: string | null = null;
  private unreadableStamp: string | null = null;
  private watcher: { close(): void } | null = null;
  private debounce: NodeJS.Timeout | null = null;
  /** A results write is due; `writer` is the one waiting for the lock, `unwritten` says the last attempt failed. */
  private writePending = false;
  private writer: Promise<void> | null = null;
  private unwritten: string | null = null;

  constructor(private readonly opts: WorkbenchOptions) {
    this.home = quenchHome(opts.home);
    this.spawn = opts.spawnWorker ?? forkWorker;
    if (opts.projectFile) {
      this.file = path.resolve(opts.projectFile);
      this.project = loadProject(this.file);
      this.saved = structuredClone(this.project);
      this.track(this.file, this.saved);
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
    const source = "saveProject: argument 'project'";
    this.withServerResults(incoming, source); // refused before waiting for the lock; built again under it with the results of that moment
    if (this.writer) await this.writer;
    const failed = (e: unknown) => new ApiError(failureMessage('cannot save', target, e), 'failed');
    let lock;
    try {
      lock = await acquireLock(target, this.lockOptions());
    } catch (e) {
      throw failed(e);
    }
    let merged = false;
    try {
      // Saving over the open file: first take in what other writers did to it (a different file is simply replaced).
      let disk: Project | null = null;
      let before: Pick<Project, 'name' | 'experiments'> | null = null;
      if (target === this.file && this.saved) {
        before = { name: this.saved.name, experiments: [...this.saved.experiments] };
        try {
          disk = readDisk(target);
        } catch (e) {
          this.opts.log?.(`quench: ${target} on disk does not read as a project (${(e as Error).message}); saving replaces it`);
        }
        if (disk) merged = this.absorb(disk);
      }
      let next = this.withServerResults(incoming, source);
      if (disk && before && !(before.name === disk.name && JSON.stringify(before.experiments) === JSON.stringify(disk.experiments))) {
        // another writer saved edits since this process last read the file: keep those this save does not override
        const defs = mergeDefinitions(next, before, disk);
        const candidate = { ...next, ...defs };
        restoreNeededExperiments(candidate, [...next.experiments, ...disk.experiments]);
        next = this.validated(candidate, source);
        merged = true;
      }
      try {
        saveProjectAtomic(target, next);
      } catch (e) {
        throw failed(e);
      }
      clearRecovery(this.home, this.file);
      this.project = next;
      this.saved = structuredClone(next);
      const switching = target !== this.file;
      this.file = target;
      if (switching) this.track(target, this.saved);
      else this.wrote(this.saved);
      this.dirty = false;
      this.recovery = null;
      this.writePending = false;
      this.unwritten = null;
    } finally {
      lock.release();
    }
    clearRecovery(this.home, target);
    this.remember(target);
    if (merged) this.opts.emit({ event: 'project-changed', payload: { reason: 'merged' } });
    return { path: target };
  }

  async newProject(name = 'Untitled'): Promise<Project> {
    this.mustBeIdle('start a new project');
    await this.mustHaveWritten('start a new project');
    this.replace(emptyProject(name), null);
    return this.project;
  }

  async openProject(file: string): Promise<Project> {
    this.mustBeIdle('open another project');
    await this.mustHaveWritten('open another project');
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
    await this.mustHaveWritten('open the example project');
    this.replace(parseProject(fs.readFileSync(EXAMPLE_PROJECT(), 'utf8'), EXAMPLE_PROJECT()), null);
    return this.project;
  }

  async openProjectText(text: string, name: string): Promise<Project> {
    this.mustBeIdle('open another project');
    await this.mustHaveWritten('open another project');
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
    const memoryBytes = this.mustFit(run, `runExperiment: experiment '${experimentId}'`);
    const repeats = options.repeats ?? 1;
    const runIds: string[] = [];
    for (let r = 1; r <= repeats; r++) {
      const runId = newId(experimentId);
      // a snapshot: edits made while the run waits or runs do not change what it runs
      this.enqueue({ runId, experiment: structuredClone(run), overrides: options.overrides, repetition: repeats > 1 ? r : undefined, memoryBytes, job: { job: 'run', experiment: run, baseDir: this.baseDir() } });
      runIds.push(runId);
    }
    return { runIds };
  }

  async recordRun(r: RecordedRun): Promise<{ runId: string }> {
    const e = this.experiment(r.experimentId, 'recordRun');
    const where = `recordRun: argument 'run'`;
    if (e.settings.backend !== 'webgpu') throw new ApiError(`${where}: experiment '${e.id}' runs on ${e.settings.backend}; only WebGPU runs are made in the window`, 'bad-argument');
    if (r.status === 'completed' && !r.result) throw new ApiError(`${where}: result: a completed run needs its result`, 'bad-argument');
    try {
      withOverrides(e, r.overrides, `${where}: overrides`); // checked like runExperiment's: names that are no parameter are refused
    } catch (err) {
      badArgument(err);
    }
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
    this.addResult((proj) => proj.runs.push(structuredClone(run)), e.id, `run:${run.id}`);
    this.opts.emit({ event: 'run-finished', payload: { runId: run.id, run } });
    return { runId: run.id };
  }

  async runSweep(req: SweepRequest): Promise<{ sweepId: string; runIds: string[] }> {
    const experiment = this.experiment(req.experimentId, 'runSweep');
    const n = gridSize(req.grid);
    if (n === 0) throw new ApiError("runSweep: argument 'request': grid: give at least one parameter with values", 'bad-argument');
    if (n > MAX_SWEEP_POINTS) throw new ApiError(`runSweep: the grid has ${n} points; at most ${MAX_SWEEP_POINTS} runs per sweep`, 'bad-argument');
    const avail = this.availableMemory();
    const points = gridPoints(req.grid).map((point) => {
      let e: Experiment;
      try {
        e = withOverrides(experiment, point, `runSweep: grid point ${JSON.stringify(point)}`);
      } catch (err) {
        badArgument(err);
      }
      // every point checked before anything is created or queued: a sweep runs whole or not at all
      return { point, experiment: e, memoryBytes: this.mustFit(e, `runSweep: grid point ${JSON.stringify(point)}`, avail) };
    });
    const sweepId = newId(`sweep-${req.experimentId}`);
    const runIds = points.map(() => newId(req.experimentId));
    const sweep: Sweep = {
      id: sweepId, experimentId: experiment.id, createdAt: new Date().toISOString(), grid: req.grid, runIds,
      name: req.name ?? `${experiment.name}: ${Object.keys(req.grid).map((k) => `${k} × ${req.grid[k].length}`).join(', ')}`,
    };
    this.addResult((p) => p.sweeps.push(structuredClone(sweep)), experiment.id, `sweep:${sweep.id}`);
    this.opts.emit({ event: 'sweep-created', payload: { sweep } });
    points.forEach(({ point, experiment: e, memoryBytes }, i) =>
      this.enqueue({ runId: runIds[i], experiment: e, overrides: point, sweepId, memoryBytes, job: { job: 'run', experiment: e, baseDir: this.baseDir() } }),
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

  async profileExperiment(experimentId: string): Promise<{ profileId: string }> {
    const experiment = this.experiment(experimentId, 'profileExperiment');
    const memoryBytes = this.mustFit(experiment, `profileExperiment: experiment '${experimentId}'`);
    const profileId = newId(`profile-${experimentId}`);
    this.enqueue({ runId: profileId, experiment: structuredClone(experiment), memoryBytes, job: { job: 'profile', experiment: structuredClone(experiment), baseDir: this.baseDir() } });
    return { profileId };
  }

  async runBenchmark(options: BenchmarkRequest = {}): Promise<{ benchmarkId: string }> {
    // Checked here too (not only by the transport's parseArgs): defaults per backend, WebGPU's limits named.
    const parsed = BenchmarkRequest.safeParse(options);
    if (!parsed.success) throw new ApiError(`runBenchmark: argument 'options': ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`, 'bad-argument');
    const memoryBytes = this.benchmarkMustFit(parsed.data);
    const benchmarkId = newId('gates');
    this.enqueue({ runId: benchmarkId, memoryBytes, job: { job: 'benchmark', options: parsed.data } });
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

  async jobStatus(jobDir: string): Promise<JobStatus> {
    try {
      const { files: _files, ...status } = await jobStatus(jobDir, schedulerFor('slurm'));
      return status;
    } catch (e) {
      if (e instanceof UsageError) throw new ApiError(`jobStatus: ${e.message}`, 'bad-argument');
      throw e;
    }
  }

  async collectJob(jobDir: string): Promise<JobCollectSummary> {
    const file = this.file;
    if (!file || !this.saved) throw new ApiError("collectJob: the project has no file yet: save it first (a job's runs are merged into the file)", 'bad-argument');
    let r;
    try {
      // The open project takes the jobs submitted from it; another project's job goes into its own file.
      const from = openJob(jobDir).manifest.projectFile;
      if (!sameFile(from, file))
        throw new UsageError(`job ${path.basename(path.resolve(jobDir))} was submitted from ${from}, not from the open project (${file}): open that project to collect it, or run quench collect ${path.resolve(jobDir)} --into ${file}`);
      r = await collectJob(jobDir, { into: file, scheduler: schedulerFor('slurm') });
    } catch (e) {
      if (e instanceof UsageError) throw new ApiError(`collectJob: ${e.message}`, 'bad-argument');
      throw e;
    }
    // The runs are in the file now: take them in at once, as any other writer's (project-changed follows).
    this.fileChanged(file);
    return { added: r.added, alreadyThere: r.alreadyThere, sweepId: r.sweep?.id ?? null, status: r.status };
  }

  /** Route a checked request (see parseArgs in the contract) to its method. */
  dispatch(req: { method: keyof QuenchApi; args: unknown[] }): Promise<unknown> {
    const method = this[req.method] as (...a: unknown[]) => Promise<unknown>;
    return method.apply(this, req.args);
  }

  /** Cancel everything, wait until no engine process is left and the results are written, and stop watching the file. */
  async close(): Promise<void> {
    for (const q of this.queue.splice(0)) this.finish(q, new Date().toISOString(), 0, { status: 'cancelled' });
    if (this.active) {
      const idle = new Promise<void>((r) => this.idleWaiters.push(r));
      this.active.worker.cancel();
      await idle;
    }
    if (this.writer) await this.writer;
    this.unwatch();
  }

  // ——— internals ———

  private experiment(id: string, method: string): Experiment {
    const e = this.project.experiments.find((x) => x.id === id);
    if (!e) throw new ApiError(`${method}: no experiment '${id}' (the project has: ${this.project.experiments.map((x) => x.id).join(', ') || 'none'})`, 'not-found');
    return e;
  }

  /**
   * The client's name and experiments with the server's runs, sweeps and benchmarks, validated as a whole.
   * Results another writer added may need experiments the client's copy does not have yet (it reloads on
   * project-changed): those are put back from the working copy. Its own results never are: an edit that drops
   * their experiment is refused.
   */
  private withServerResults(incoming: Project, source: string): Project {
    let experiments: unknown = incoming.experiments;
    if (Array.isArray(experiments) && this.foreign.size) {
      const ids = new Set(experiments.map((e) => (e as { id?: unknown } | null)?.id));
      const need = [...this.project.runs.map((r) => ['run', r] as const), ...this.project.sweeps.map((s) => ['sweep', s] as const)]
        .filter(([kind, x]) => this.foreign.has(`${kind}:${x.id}`) && !ids.has(x.experimentId))
        .map(([, x]) => x.experimentId);
      const extra = this.project.experiments.filter((e) => need.includes(e.id));
      if (extra.length) experiments = [...experiments, ...extra];
    }
    try {
      return parseProject(JSON.stringify({ ...incoming, experiments, runs: this.project.runs, sweeps: this.project.sweeps, benchmarks: this.project.benchmarks }), source);
    } catch (e) {
      badArgument(e);
    }
  }

  private validated(p: Project, source: string): Project {
    try {
      return parseProject(JSON.stringify(p), source);
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
    this.unwatch();
    this.known = new Set();
    this.foreign = new Set();
    if (file) this.track(file, this.saved!);
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
      this.addResult((proj) => proj.benchmarks.push(structuredClone(stored)), undefined, `benchmark:${stored.id}`);
      this.opts.emit({ event: 'benchmark-finished', payload: { benchmark: stored } });
      return;
    }
    if (p.job.job === 'profile') {
      // A profile is a report for the person at the screen (and its HTML/JSON export), not a stored result.
      this.opts.emit({
        event: 'profile-finished',
        payload: { profileId: p.runId, experimentId: p.job.experiment.id, startedAt, status: outcome.status, ...(outcome.status === 'failed' ? { error: outcome.error } : {}), ...(outcome.status === 'completed' ? { profile: outcome.result as ExperimentProfile } : {}) },
      });
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
    this.addResult((proj) => proj.runs.push(structuredClone(run)), e.id, `run:${run.id}`);
    this.opts.emit({ event: 'run-finished', payload: { runId: run.id, run } });
  }

  /**
   * A result (run, sweep, benchmark) goes into the working copy, and into the saved
   * copy when that has the experiment it belongs to; then both are persisted.
   */
  private addResult(add: (p: Project) => void, experimentId: string | undefined, key: string): void {
    this.known.add(key);
    // The experiment may have been removed meanwhile; a result without its experiment would make the file invalid.
    if (experimentId === undefined || this.project.experiments.some((e) => e.id === experimentId)) add(this.project);
    if (this.saved && (experimentId === undefined || this.saved.experiments.some((e) => e.id === experimentId))) add(this.saved);
    this.persist();
  }

  /** The file gets the saved copy (merged with the file, under its lock); the working copy goes to the recovery file when it holds more than the file. */
  private persist(): void {
    if (this.file && this.saved) this.writeResults();
    if (this.dirty || !this.file || this.unwritten) this.autosave();
  }

  private lockOptions(): LockOptions {
    return { command: this.opts.mode === 'electron' ? 'the Quench desktop app' : `quench serve ${this.file ?? ''}`.trim() };
  }

  /**
   * Write the results now when the lock is free (the usual case: the file has the result before its event goes
   * out), else once it is: one writer waits at a time and writes the copy as it is by then.
   */
  private writeResults(): void {
    this.writePending = true;
    if (this.writer) return;
    const file = this.file!;
    let r;
    try {
      r = tryLock(file, this.lockOptions());
    } catch (e) {
      this.writeFailed(failureMessage('cannot lock', file, e));
      return;
    }
    if ('release' in r) {
      try {
        this.writeLocked();
      } finally {
        r.release();
      }
      return;
    }
    this.writer = (async () => {
      while (this.writePending && this.file === file) {
        let lock;
        try {
          lock = await acquireLock(file, this.lockOptions());
        } catch (e) {
          this.writeFailed((e as Error).message);
          return;
        }
        try {
          if (this.file === file) this.writeLocked();
        } finally {
          lock.release();
        }
      }
    })().finally(() => {
      this.writer = null;
    });
  }

  /** Under the file's lock: take in other writers' changes, then write the saved copy. */
  private writeLocked(): void {
    const file = this.file!;
    this.writePending = false;
    let merged = false;
    try {
      const disk = readDisk(file);
      if (disk) merged = this.absorb(disk);
      saveProjectAtomic(file, this.saved!);
      this.wrote(this.saved!);
      this.unwritten = null;
    } catch (e) {
      this.writeFailed(failureMessage('could not save', file, e));
    }
    if (merged) {
      if (this.dirty) this.autosave();
      this.opts.emit({ event: 'project-changed', payload: { reason: 'merged' } });
    }
  }

  /** Results that could not be written stay in both copies (and the autosave) and go with the next write. */
  private writeFailed(message: string): void {
    this.unwritten = message;
    this.opts.log?.(`quench: ${message}; the results are kept and written with the next save`);
    this.autosave();
  }

  /** Before the open file is left: its results must be in it. */
  private async mustHaveWritten(what: string): Promise<void> {
    if (this.unwritten && this.file && this.saved) this.writeResults();
    if (this.writer) await this.writer;
    if (this.unwritten) throw new ApiError(`cannot ${what}: results of ${this.file} are not written yet (${this.unwritten}); save the project, or try again`, 'failed');
  }

  /** Start merging with `file`: what it holds now is the base; watch it for other writers. */
  private track(file: string, inFile: Project): void {
    this.wrote(inFile);
    this.watch(file);
  }

  /** `p` is what the file holds now (just read or written). */
  private wrote(p: Project): void {
    this.base = resultKeys(p);
    for (const k of this.base) this.known.add(k);
    this.stamp = this.file ? statStamp(this.file) : null;
  }

  /**
   * Take another writer's changes from `disk` into both copies: its definitions (name, experiments) become the
   * saved copy's, and the working copy's too unless it has edits of its own; results merge per id
   * (mergeResults). Returns whether anything changed.
   */
  private absorb(disk: Project): boolean {
    const saved = this.saved!;
    const counts = mergeResults(saved, disk, this.base, this.known);
    const work = mergeResults(this.project, disk, this.base, this.known);
    const defsChanged = saved.name !== disk.name || JSON.stringify(saved.experiments) !== JSON.stringify(disk.experiments);
    if (defsChanged) {
      const old = saved.experiments;
      saved.name = disk.name;
      saved.experiments = structuredClone(disk.experiments);
      restoreNeededExperiments(saved, old); // its own new results keep their experiment even if the other writer removed it
      if (!this.dirty) {
        const mine = this.project.experiments;
        this.project.name = saved.name;
        this.project.experiments = structuredClone(saved.experiments);
        restoreNeededExperiments(this.project, mine);
      }
    }
    for (const k of resultKeys(disk)) {
      if (!this.known.has(k)) this.foreign.add(k);
      this.known.add(k);
    }
    this.base = resultKeys(disk);
    const changed = defsChanged || counts.added + counts.removed + work.added + work.removed > 0;
    if (changed) this.opts.log?.(`quench: took in ${counts.added} result(s) written to ${this.file} by another writer${counts.removed ? `, and ${counts.removed} it deleted` : ''}`);
    return changed;
  }

  private watch(file: string): void {
    this.unwatch();
    const name = path.basename(file);
    const changed = () => {
      if (this.debounce) clearTimeout(this.debounce);
      this.debounce = setTimeout(() => {
        this.debounce = null;
        this.fileChanged(file);
      }, WATCH_DEBOUNCE_MS);
      this.debounce.unref();
    };
    const poll = () => {
      // where change notices are unavailable (no inotify watches left, some network file systems): polling
      fs.watchFile(file, { interval: 1000, persistent: false }, changed);
      this.watcher = { close: () => fs.unwatchFile(file, changed) };
    };
    try {
      // The folder, not the file: a save replaces the file (rename), which ends a watch on the file itself.
      const w = fs.watch(path.dirname(file), { persistent: false }, (_event, f) => {
        if (f === null || String(f) === name) changed();
      });
      const handle = { close: () => w.close() };
      w.on('error', (e) => {
        w.close();
        if (this.watcher !== handle) return;
        this.opts.log?.(`quench: watching ${file} failed (${e.message}); checking it every second instead`);
        poll();
      });
      this.watcher = handle;
    } catch {
      poll();
    }
  }

  private unwatch(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
  }

  /** The file changed: if not by this process's own write, take in what the other writer did. */
  private fileChanged(file: string): void {
    if (file !== this.file || !this.saved) return;
    const stamp = statStamp(file);
    if (stamp === null || stamp === this.stamp) return;
    let disk: Project;
    try {
      disk = loadProject(file);
    } catch (e) {
      // half-written by an editor that writes in place, or broken: the next change notice tries again
      if (stamp !== this.unreadableStamp) this.opts.log?.(`quench: ${file} changed on disk but does not read as a project (${(e as Error).message}); keeping the workbench's copy`);
      this.unreadableStamp = stamp;
      return;
    }
    this.stamp = stamp; // as it was before the read: a change during the read comes with a notice of its own
    if (this.absorb(disk)) {
      if (this.dirty) this.autosave();
      this.opts.emit({ event: 'project-changed', payload: { reason: 'merged' } });
    }
    if (this.unwritten) this.writeResults();
  }

  /** Memory the machine has for a job now: what is available plus what the job in progress will give back, as the core counts it. */
  private availableMemory(): number {
    let avail = 0;
    try {
      avail = loadAddon().info().availableMemory;
    } catch {
      /* no addon: the runs fail with its own message; Node's figure still guards */
    }
    if (!avail) avail = os.freemem();
    return avail + (this.active?.memoryBytes ?? 0);
  }

  /**
   * Refuse a run whose estimated peak (src-shared/workloads/memory.ts, as the editor shows it) cannot fit:
   * the editor's blocks (too many amplitudes, LIBSVM's 2 GiB) and more than the machine has available less
   * the core's headroom (native/src/engine.cc, check_memory: a tenth, at most 512 MiB). Returns the estimate.
   */
  private mustFit(e: Experiment, what: string, avail = this.availableMemory()): number {
    let est;
    try {
      est = estimateMemory(e, { logicalCores: os.cpus().length });
    } catch {
      return 0; // not well formed enough to size: the run fails with the workload's own message
    }
    // the editor's blocks that hold whatever the machine (amplitudes, LIBSVM's heap); memory is checked against what is available below
    const verdict = memoryVerdict(est, null);
    if (verdict.level === 'block') throw new ApiError(`${what}: ${verdict.message}`, 'bad-argument');
    this.mustFitBytes(est.peakBytes, avail, `${what}: needs ≈ ${formatBytes(est.peakBytes)} at its peak (${est.phase})`);
    return est.peakBytes;
  }

  private mustFitBytes(bytes: number, avail: number, needs: string): void {
    const headroom = Math.min(avail / 10, 512 * 2 ** 20);
    if (bytes > avail - headroom)
      throw new ApiError(`${needs}, this machine has ${formatBytes(avail)} available${this.active?.memoryBytes ? ' (counting what the job in progress will free)' : ''}; use smaller parameters, or free memory`, 'bad-argument');
  }

  /**
   * The native gates benchmark holds one state and the in-place bandwidth buffer of the same size at once
   * (src-main/bench/gates.ts) and reports sizes that do not fit as skipped; it is refused only when even its
   * smallest size cannot fit. WebGPU's states live on the device.
   */
  private benchmarkMustFit(o: BenchmarkOptions): number {
    if (o.backend === 'webgpu') return 0;
    const amp = o.precision.includes('f64') ? 16 : 8;
    const bytes = (n: number) => 2 * amp * 2 ** n;
    const smallest = Math.min(...o.qubits), largest = Math.max(...o.qubits);
    const avail = this.availableMemory();
    this.mustFitBytes(bytes(smallest), avail, `runBenchmark: argument 'options': qubits: even the smallest size (${smallest} qubits) needs ≈ ${formatBytes(bytes(smallest))}`);
    return Math.min(bytes(largest), avail);
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
