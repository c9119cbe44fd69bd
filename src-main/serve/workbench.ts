// The workbench's back end behind the API: the open project, and its runs —
// one at a time, each in its own engine process, the rest queued. Every
// finished run (completed, failed or cancelled) is appended to the project
// and, when the project has a file, saved atomically right away.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError, type ApiEvent, type ApiRequest, type QuenchApi, type ServerInfo } from '../../src-shared/api/contract';
import { parseProject, ProjectError, type Experiment, type Project, type Run } from '../../src-shared/project/schema';
import { collectInfo } from '../cli/info';
import { now } from '../engine/timing';
import { loadProject, saveProjectAtomic } from '../project/store';
import { packageRoot } from '../native/addon';
import { runInWorker, type WorkerOutcome, type WorkerRun } from './engine-process';

export interface WorkbenchOptions {
  /** A project file to open; without one, an unsaved in-memory copy of the example seed suite. */
  projectFile?: string;
  workerPath: string;
  emit: (e: ApiEvent) => void;
  log?: (line: string) => void;
}

interface Pending {
  runId: string;
  experiment: Experiment;
}
interface Active extends Pending {
  worker: WorkerRun;
  startedAt: string;
  t0: number;
}

export const EXAMPLE_PROJECT = () => path.join(packageRoot(), 'examples', 'seed-suite.quench.json');

export class Workbench implements QuenchApi {
  private project: Project;
  private file: string | null;
  private queue: Pending[] = [];
  private active: Active | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: WorkbenchOptions) {
    if (opts.projectFile) {
      this.file = path.resolve(opts.projectFile);
      this.project = loadProject(this.file);
    } else {
      this.file = null;
      this.project = parseProject(fs.readFileSync(EXAMPLE_PROJECT(), 'utf8'), EXAMPLE_PROJECT());
    }
  }

  get projectFile(): string | null {
    return this.file;
  }

  /** For tests and diagnostics: the pid of the engine process of the run in progress. */
  activeWorkerPid(): number | undefined {
    return this.active?.worker.pid;
  }

  async info(): Promise<ServerInfo> {
    let cpu = os.cpus()[0]?.model ?? 'unknown', isa = { inUse: 'unknown', available: [] as string[] };
    try {
      const i = collectInfo();
      cpu = i.cpu.model ?? cpu;
      isa = { inUse: String(i.isa.inUse), available: [...i.isa.available] };
    } catch {
      /* a broken addon fails the runs with its own message; info still answers */
    }
    return {
      quench: '0.1.0', node: process.versions.node, platform: `${process.platform}-${process.arch}`, cpu, isa,
      projectPath: this.file, unsaved: this.file === null,
      activeRunId: this.active?.runId ?? null, queuedRunIds: this.queue.map((q) => q.runId),
    };
  }

  async getProject(): Promise<Project> {
    return this.project;
  }

  async saveProject(incoming: Project, file?: string): Promise<{ path: string }> {
    const target = file ? path.resolve(file) : this.file;
    if (!target) throw new ApiError('saveProject: the project has no file yet; pass a path (*.quench.json) to save it', 'bad-argument');
    let next: Project;
    try {
      // runs are the server's (see the contract): keep ours, validate the rest with the project schema
      next = parseProject(JSON.stringify({ ...incoming, runs: this.project.runs }), "saveProject: argument 'project'");
    } catch (e) {
      if (e instanceof ProjectError) throw new ApiError(e.message, 'bad-argument');
      throw e;
    }
    saveProjectAtomic(target, next);
    this.project = next;
    this.file = target;
    return { path: target };
  }

  async runExperiment(experimentId: string): Promise<{ runId: string }> {
    const experiment = this.project.experiments.find((e) => e.id === experimentId);
    if (!experiment) throw new ApiError(`runExperiment: no experiment '${experimentId}' (the project has: ${this.project.experiments.map((e) => e.id).join(', ')})`, 'not-found');
    const runId = `${experimentId}-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
    // a snapshot: edits saved while the run waits or runs do not change what it runs
    this.queue.push({ runId, experiment: structuredClone(experiment) });
    this.startNext();
    return { runId };
  }

  async cancelRun(runId: string): Promise<{ cancelled: boolean }> {
    if (this.active?.runId === runId) {
      this.active.worker.cancel(); // the worker's exit finishes the run as 'cancelled'
      return { cancelled: true };
    }
    const i = this.queue.findIndex((q) => q.runId === runId);
    if (i < 0) return { cancelled: false };
    const [q] = this.queue.splice(i, 1);
    this.finish(q, new Date().toISOString(), 0, { status: 'cancelled' });
    return { cancelled: true };
  }

  /** Route a checked request (see parseRequest) to its method. */
  dispatch(req: ApiRequest): Promise<unknown> {
    const a = req.args;
    switch (req.method) {
      case 'info': return this.info();
      case 'getProject': return this.getProject();
      case 'saveProject': return this.saveProject(a[0] as Project, a[1] as string | undefined);
      case 'runExperiment': return this.runExperiment(a[0] as string);
      case 'cancelRun': return this.cancelRun(a[0] as string);
    }
  }

  /** Cancel everything and wait until no engine process is left. */
  async close(): Promise<void> {
    for (const q of this.queue.splice(0)) this.finish(q, new Date().toISOString(), 0, { status: 'cancelled' });
    if (!this.active) return;
    const idle = new Promise<void>((r) => this.idleWaiters.push(r));
    this.active.worker.cancel();
    await idle;
  }

  private startNext(): void {
    if (this.active || this.queue.length === 0) {
      if (!this.active) for (const w of this.idleWaiters.splice(0)) w();
      return;
    }
    const next = this.queue.shift()!;
    const baseDir = this.file ? path.dirname(this.file) : process.cwd();
    const worker = runInWorker(this.opts.workerPath, next.experiment, baseDir, (p) => this.opts.emit({ event: 'run-progress', payload: { runId: next.runId, ...p } }));
    const active: Active = { ...next, worker, startedAt: new Date().toISOString(), t0: now() };
    this.active = active;
    void worker.outcome.then((outcome) => {
      this.active = undefined;
      this.finish(active, active.startedAt, now() - active.t0, outcome);
      this.startNext();
    });
  }

  private finish(p: Pending, startedAt: string, durationMs: number, outcome: WorkerOutcome): void {
    const run: Run = {
      id: p.runId, experimentId: p.experiment.id, startedAt, durationMs, status: outcome.status, settings: p.experiment.settings,
      ...(outcome.status === 'completed' ? { result: outcome.result as Run['result'] } : {}),
      ...(outcome.status === 'failed' ? { error: outcome.error } : {}),
    };
    // The experiment may have been removed by a save meanwhile; a run without its experiment would make the file invalid.
    if (this.project.experiments.some((e) => e.id === run.experimentId)) {
      this.project.runs.push(run);
      if (this.file) {
        try {
          saveProjectAtomic(this.file, this.project);
        } catch (e) {
          this.opts.log?.(`quench: could not save ${this.file}: ${(e as Error).message}`);
        }
      }
    }
    this.opts.emit({ event: 'run-finished', payload: { runId: run.id, run } });
  }
}
