// Jobs in flight: runs (and gates benchmarks) queued or running, their
// progress and the live points of their main curve, and cancel. Finished runs
// go to the project store. WebGPU experiments run where the user chose: in
// the engine process (Dawn), or in this window on its own navigator.gpu (a
// worker here; the finished run is handed to the back end with recordRun).
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ApiEvent, ProfileFinishedEvent, RunOptions, RunProgressEvent, SweepRequest } from '../../src-shared/api/contract';
import type { Experiment, ParamValue } from '../../src-shared/project/schema';
import { withOverrides } from '../../src-shared/project/sweep';
import { useApi } from '../api/current';
import { startWindowRun, windowProblem, type WindowRun } from '../webgpu/window-run';
import { useProjectStore } from './project';

export type WebGpuWhere = 'engine' | 'window';
const WHERE_KEY = 'quench.webgpuWhere';
const storedWhere = (): WebGpuWhere => {
  try {
    return globalThis.localStorage?.getItem(WHERE_KEY) === 'window' ? 'window' : 'engine';
  } catch {
    return 'engine';
  }
};

export interface LiveRun {
  runId: string;
  /** '' for a benchmark. */
  experimentId: string;
  job: 'run' | 'benchmark' | 'profile';
  fraction: number;
  message?: string;
  /** Live points per series (named as in RunResult.curves), in arrival order. */
  points: Record<string, [x: number, y: number][]>;
}

export const useRunsStore = defineStore('runs', () => {
  const live = ref<Record<string, LiveRun>>({});
  const selectedRunId = ref<string | null>(null);
  /** Window runs' local ids ('window-N') → the id they were stored under (a run page open on one follows it). */
  const recordedAs = ref<Record<string, string>>({});
  const error = ref<string | null>(null);
  /** Ids that finished before the reply that queued them arrived (fast runs). */
  const finished = new Set<string>();
  /** Where experiments on WebGPU run (a preference of this window, not of the experiment). */
  const webgpuWhere = ref<WebGpuWhere>(storedWhere());
  function setWebgpuWhere(w: WebGpuWhere): void {
    webgpuWhere.value = w;
    try {
      globalThis.localStorage?.setItem(WHERE_KEY, w);
    } catch {
      /* private mode: the choice lasts for this window only */
    }
  }
  /** Window runs in flight (local ids 'window-N') and those queued behind them that were cancelled. */
  const windowRuns = new Map<string, WindowRun>();
  const cancelledWindowRuns = new Set<string>();
  let windowSeq = 0;

  /** The newest live run of each experiment that has one (queued or running). */
  const liveByExperiment = computed(() => {
    const m: Record<string, LiveRun> = {};
    for (const r of Object.values(live.value)) if (r.job === 'run') m[r.experimentId] = r;
    return m;
  });
  const liveBenchmark = computed(() => Object.values(live.value).find((r) => r.job === 'benchmark') ?? null);
  const liveProfile = computed(() => Object.values(live.value).find((r) => r.job === 'profile') ?? null);
  /** Profiles finished in this session, newest first (a report to read and export; not stored in the project). */
  const profiles = ref<ProfileFinishedEvent[]>([]);
  /** The newest live run: what the detail panel follows while nothing is selected. */
  const activeRun = computed<LiveRun | null>(() => Object.values(live.value).filter((r) => r.job === 'run').at(-1) ?? null);

  function track(runId: string, experimentId: string, job: LiveRun['job']): void {
    if (!finished.has(runId) && !live.value[runId]) live.value[runId] = { runId, experimentId, job, fraction: 0, points: {} };
  }

  async function guarded<T>(f: () => Promise<T>): Promise<T | null> {
    error.value = null;
    try {
      return await f();
    } catch (e) {
      error.value = (e as Error).message;
      return null;
    }
  }

  /** Queue runs of an experiment; selects the first. */
  const run = (experimentId: string, options?: RunOptions) =>
    guarded(async () => {
      const e = useProjectStore().experimentById.get(experimentId);
      if (e?.settings.backend === 'webgpu' && webgpuWhere.value === 'window') return runInWindow(e, options);
      const { runIds } = await useApi().runExperiment(experimentId, options);
      for (const id of runIds) track(id, experimentId, 'run');
      selectedRunId.value = runIds[0] ?? null;
      return runIds;
    });

  const runSweep = (request: SweepRequest) =>
    guarded(async () => {
      const r = await useApi().runSweep(request);
      for (const id of r.runIds) track(id, request.experimentId, 'run');
      return r;
    });

  const runBenchmark = (options?: Parameters<ReturnType<typeof useApi>['runBenchmark']>[0]) =>
    guarded(async () => {
      const { benchmarkId } = await useApi().runBenchmark(options);
      track(benchmarkId, '', 'benchmark');
      return benchmarkId;
    });

  const profileExperiment = (experimentId: string) =>
    guarded(async () => {
      const { profileId } = await useApi().profileExperiment(experimentId);
      track(profileId, experimentId, 'profile');
      return profileId;
    });

  /** Runs of a WebGPU experiment in this window, one after another; returns their local ids. */
  function runInWindow(e: Experiment, options?: RunOptions): string[] {
    const problem = windowProblem(e);
    if (problem) throw new Error(problem);
    const effective = withOverrides(e, options?.overrides, `experiment '${e.id}'`);
    const ids = Array.from({ length: options?.repeats ?? 1 }, () => `window-${++windowSeq}`);
    for (const id of ids) track(id, e.id, 'run');
    selectedRunId.value = ids[0] ?? null;
    void (async () => {
      for (const id of ids) await oneWindowRun(id, effective, options?.overrides);
    })();
    return ids;
  }

  async function oneWindowRun(localId: string, e: Experiment, overrides: Record<string, ParamValue> | undefined): Promise<void> {
    const project = useProjectStore();
    const info = project.info;
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    let outcome: Awaited<WindowRun['outcome']> = { status: 'cancelled' };
    if (!cancelledWindowRuns.delete(localId)) {
      const machine = { quench: info?.quench ?? '0.1.0', cpu: info?.cpu ?? 'unknown', logicalCores: info?.logicalCores ?? navigator.hardwareConcurrency ?? 0, node: 'none (window)', platform: info?.platform ?? navigator.platform };
      const handle = startWindowRun(e, machine, (p) => progress({ runId: localId, ...p }));
      windowRuns.set(localId, handle);
      outcome = await handle.outcome;
      windowRuns.delete(localId);
    }
    try {
      const { runId } = await useApi().recordRun({
        experimentId: e.id, startedAt, durationMs: performance.now() - t0, status: outcome.status,
        ...(overrides && Object.keys(overrides).length ? { overrides } : {}),
        ...(outcome.status === 'completed' ? { result: outcome.result as unknown as Record<string, unknown> } : {}),
        ...(outcome.status === 'failed' ? { error: outcome.error } : {}),
      });
      recordedAs.value[localId] = runId;
      if (selectedRunId.value === localId) selectedRunId.value = runId;
    } catch (err) {
      error.value = `the window's run of '${e.name}' could not be stored: ${(err as Error).message}`;
    } finally {
      delete live.value[localId];
    }
  }

  const cancel = async (runId: string) => {
    if (live.value[runId] && runId.startsWith('window-')) {
      const handle = windowRuns.get(runId);
      if (handle) handle.cancel();
      else cancelledWindowRuns.add(runId);
      return true;
    }
    return (await guarded(async () => (await useApi().cancelRun(runId)).cancelled)) ?? false;
  };

  function progress(p: RunProgressEvent): void {
    const r = live.value[p.runId];
    if (!r) return;
    r.fraction = p.fraction;
    r.message = p.message;
    if (p.point) (r.points[p.point.series] ??= []).push([p.point.x, p.point.y]);
  }

  function applyEvent(e: ApiEvent): void {
    const project = useProjectStore();
    switch (e.event) {
      case 'run-queued':
        // runs queued by another window or tab show up live here too
        track(e.payload.runId, e.payload.experimentId, e.payload.job);
        break;
      case 'run-progress':
        progress(e.payload);
        break;
      case 'run-finished':
        finished.add(e.payload.runId);
        delete live.value[e.payload.runId];
        project.addRun(e.payload.run);
        break;
      case 'benchmark-finished':
        finished.add(e.payload.benchmark.id);
        delete live.value[e.payload.benchmark.id];
        project.addBenchmark(e.payload.benchmark);
        break;
      case 'profile-finished':
        finished.add(e.payload.profileId);
        delete live.value[e.payload.profileId];
        profiles.value = [e.payload, ...profiles.value.filter((p) => p.profileId !== e.payload.profileId)];
        break;
      case 'sweep-created':
        project.addSweep(e.payload.sweep);
        break;
      case 'project-changed':
        void project.load();
        break;
    }
  }

  return { live, liveByExperiment, liveBenchmark, liveProfile, profiles, activeRun, selectedRunId, recordedAs, error, webgpuWhere, setWebgpuWhere, run, runSweep, runBenchmark, profileExperiment, cancel, applyEvent };
});
