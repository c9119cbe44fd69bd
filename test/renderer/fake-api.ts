// A QuenchClient for component tests: the example project, calls recorded, events pushed by hand.
import fs from 'node:fs';
import path from 'node:path';
import { createPinia, setActivePinia } from 'pinia';
import { vi } from 'vitest';
import type { ApiEvent, ImportSummary, JobCollectSummary, JobStatus, RecordedRun, RunOptions, ServerInfo, SweepRequest } from '../../src-shared/api/contract';
import { PROJECT_FORMAT, PROJECT_VERSION, parseProject, type BenchmarkOptions, type Project, type Run } from '../../src-shared/project/schema';
import type { EventListener, QuenchClient } from '../../src-renderer/api/client';
import { setApi } from '../../src-renderer/api/current';

export function exampleProject(): Project {
  const file = path.join(__dirname, '../../examples/seed-suite.quench.json');
  return parseProject(fs.readFileSync(file, 'utf8'), file);
}

export const INFO: ServerInfo = {
  quench: '0.1.0', node: '20', platform: 'linux-x64', cpu: 'Test CPU', logicalCores: 4,
  totalMemoryBytes: 16 * 2 ** 30, freeMemoryBytes: 8 * 2 ** 30,
  isa: { inUse: 'avx2', available: ['scalar', 'avx2'] }, mode: 'serve',
  projectPath: null, unsaved: true, dirty: false, recovery: null, recentFiles: [], activeRunId: null, queuedRunIds: [],
};

/** A finished run for tests: completed, of experiment 'vqe' on native-avx2 f64, 100 ms, no result unless `over` gives one. */
export function makeRun(id: string, over: Partial<Run> = {}): Run {
  return {
    id, experimentId: 'vqe', startedAt: '2025-01-01T00:00:00.000Z', durationMs: 100, status: 'completed',
    settings: { backend: 'native-avx2', precision: 'f64', threads: 0 },
    ...over,
  };
}

/** A VQE run's result whose timing metrics follow the run's duration. */
export function vqeResult(durationMs: number): NonNullable<Run['result']> {
  return {
    kind: 'vqe', params: {}, metrics: { ms_per_iteration: durationMs / 100, iterations: 100 }, quality: { energy: -17.3 },
    curves: { energy: [-1, -5, -12, -17.3] }, phases: {}, details: {},
    env: { quench: '0.1.0', cpu: 'Test CPU', logicalCores: 4, isa: 'avx2', precision: 'f64', threads: 4, backend: 'native-avx2', node: '20', platform: 'linux-x64' },
  };
}

const NO_IMPORT: ImportSummary = { runs: 0, benchmarks: 0, experiments: 0, skipped: 0 };

/**
 * `project` is the working copy the fake serves: updateProject replaces its name and
 * experiments (keeping its runs, as the server does), deleteRuns removes runs.
 */
export function fakeApi(initial: Project = exampleProject()) {
  const listeners = new Set<EventListener>();
  let n = 0;
  let project = initial;
  const replace = (p: Project) => (project = p);
  const empty = (name = 'Untitled'): Project => ({ format: PROJECT_FORMAT, version: PROJECT_VERSION, name, experiments: [], runs: [], sweeps: [], benchmarks: [] });
  const api = {
    info: vi.fn(async () => INFO),
    getProject: vi.fn(async () => project),
    updateProject: vi.fn(async (p: Project) => {
      replace({ ...project, name: p.name, experiments: p.experiments });
      return { dirty: true };
    }),
    saveProject: vi.fn(async (p: Project, file?: string) => {
      replace({ ...project, name: p.name, experiments: p.experiments });
      return { path: file ?? 'x.quench.json' };
    }),
    newProject: vi.fn(async (name?: string) => replace(empty(name))),
    openProject: vi.fn(async (_path: string) => replace(exampleProject())),
    openExample: vi.fn(async () => replace(exampleProject())),
    openProjectText: vi.fn(async (text: string, name: string) => replace(parseProject(text, name))),
    restoreRecovery: vi.fn(async () => project),
    discardRecovery: vi.fn(async () => ({ discarded: true })),
    runExperiment: vi.fn(async (_id: string, options?: RunOptions) => ({ runIds: Array.from({ length: options?.repeats ?? 1 }, () => `run-${++n}`) })),
    recordRun: vi.fn(async (r: RecordedRun) => ({ runId: `${r.experimentId}-recorded-${++n}` })),
    runSweep: vi.fn(async (_request: SweepRequest) => ({ sweepId: `sweep-${++n}`, runIds: [`run-${++n}`] })),
    cancelRun: vi.fn(async (_id: string) => ({ cancelled: true })),
    deleteRuns: vi.fn(async (ids: string[]) => {
      const gone = new Set(ids);
      const before = project.runs.length;
      replace({ ...project, runs: project.runs.filter((r) => !gone.has(r.id)) });
      return { deleted: before - project.runs.length };
    }),
    runBenchmark: vi.fn(async (_options?: Partial<BenchmarkOptions>) => ({ benchmarkId: `bench-${++n}` })),
    profileExperiment: vi.fn(async (experimentId: string) => ({ profileId: `profile-${experimentId}-${++n}` })),
    importResults: vi.fn(async (_path: string) => NO_IMPORT),
    importResultsText: vi.fn(async (_text: string, _name: string) => NO_IMPORT),
    chooseFile: vi.fn(async (_kind: 'open' | 'save' | 'import') => ({ path: null as string | null })),
    jobStatus: vi.fn(async (jobDir: string): Promise<JobStatus> => ({ jobDir, id: 'job', name: 'job', description: '', items: [], counts: { done: 0, failed: 0, running: 0, pending: 0, missing: 0 }, notes: [] })),
    collectJob: vi.fn(async (_jobDir: string): Promise<JobCollectSummary> => {
      throw new Error('collectJob: not in this test');
    }),
    onEvent: (l: EventListener) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: () => undefined,
  } satisfies QuenchClient;
  const emit = (e: ApiEvent) => listeners.forEach((l) => l(e));
  return { api, emit, project: () => project };
}

/** For a beforeEach: a fresh active Pinia, and a fake API on `initial` installed as the app's. */
export function freshApp(initial?: Project) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const fake = fakeApi(initial);
  setApi(fake.api);
  return { pinia, fake };
}
