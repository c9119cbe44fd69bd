// Runs in flight: which experiment is running or queued, its progress and the
// live points of its main curve, and cancel. Finished runs go to the project store.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ApiEvent } from '../../src-shared/api/contract';
import { useApi } from '../api/current';
import { useProjectStore } from './project';

export interface LiveRun {
  runId: string;
  experimentId: string;
  fraction: number;
  message?: string;
  /** Live points per series (named as in RunResult.curves), in arrival order. */
  points: Record<string, [x: number, y: number][]>;
}

export const useRunsStore = defineStore('runs', () => {
  const live = ref<Record<string, LiveRun>>({});
  const selectedRunId = ref<string | null>(null);
  const error = ref<string | null>(null);

  /** The live run of each experiment that has one (queued or running). */
  const liveByExperiment = computed(() => {
    const m: Record<string, LiveRun> = {};
    for (const r of Object.values(live.value)) m[r.experimentId] = r;
    return m;
  });
  /** The newest live run: what the detail panel follows while nothing is selected. */
  const activeRun = computed<LiveRun | null>(() => Object.values(live.value).at(-1) ?? null);

  async function run(experimentId: string): Promise<string | null> {
    error.value = null;
    try {
      const { runId } = await useApi().runExperiment(experimentId);
      // a fast run may have finished (and been announced) before the reply arrived
      if (!useProjectStore().runs.some((r) => r.id === runId)) live.value[runId] = { runId, experimentId, fraction: 0, points: {} };
      selectedRunId.value = runId;
      return runId;
    } catch (e) {
      error.value = (e as Error).message;
      return null;
    }
  }

  async function cancel(runId: string): Promise<boolean> {
    error.value = null;
    try {
      return (await useApi().cancelRun(runId)).cancelled;
    } catch (e) {
      error.value = (e as Error).message;
      return false;
    }
  }

  function applyEvent(e: ApiEvent): void {
    if (e.event === 'run-progress') {
      const p = e.payload;
      const r = live.value[p.runId];
      if (!r) return; // progress of a run this page did not start (another tab): ignored for now
      r.fraction = p.fraction;
      r.message = p.message;
      if (p.point) (r.points[p.point.series] ??= []).push([p.point.x, p.point.y]);
    } else if (e.event === 'run-finished') {
      delete live.value[e.payload.runId];
      useProjectStore().addRun(e.payload.run);
    }
  }

  return { live, liveByExperiment, activeRun, selectedRunId, error, run, cancel, applyEvent };
});
