// Jobs in flight: runs (and gates benchmarks) queued or running, their
// progress and the live points of their main curve, and cancel. Finished runs
// go to the project store.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ApiEvent, RunOptions, SweepRequest } from '../../src-shared/api/contract';
import { useApi } from '../api/current';
import { useProjectStore } from './project';

export interface LiveRun {
  runId: string;
  /** '' for a benchmark. */
  experimentId: string;
  job: 'run' | 'benchmark';
  fraction: number;
  message?: string;
  /** Live points per series (named as in RunResult.curves), in arrival order. */
  points: Record<string, [x: number, y: number][]>;
}

export const useRunsStore = defineStore('runs', () => {
  const live = ref<Record<string, LiveRun>>({});
  const selectedRunId = ref<string | null>(null);
  const error = ref<string | null>(null);
  /** Ids that finished before the reply that queued them arrived (fast runs). */
  const finished = new Set<string>();

  /** The newest live run of each experiment that has one (queued or running). */
  const liveByExperiment = computed(() => {
    const m: Record<string, LiveRun> = {};
    for (const r of Object.values(live.value)) if (r.job === 'run') m[r.experimentId] = r;
    return m;
  });
  const liveBenchmark = computed(() => Object.values(live.value).find((r) => r.job === 'benchmark') ?? null);
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

  const cancel = async (runId: string) => (await guarded(async () => (await useApi().cancelRun(runId)).cancelled)) ?? false;

  function applyEvent(e: ApiEvent): void {
    const project = useProjectStore();
    switch (e.event) {
      case 'run-queued':
        // runs queued by another window or tab show up live here too
        track(e.payload.runId, e.payload.experimentId, e.payload.job);
        break;
      case 'run-progress': {
        const p = e.payload;
        const r = live.value[p.runId];
        if (!r) return;
        r.fraction = p.fraction;
        r.message = p.message;
        if (p.point) (r.points[p.point.series] ??= []).push([p.point.x, p.point.y]);
        break;
      }
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
      case 'sweep-created':
        project.addSweep(e.payload.sweep);
        break;
      case 'project-changed':
        void project.load();
        break;
    }
  }

  return { live, liveByExperiment, liveBenchmark, activeRun, selectedRunId, error, run, runSweep, runBenchmark, cancel, applyEvent };
});
