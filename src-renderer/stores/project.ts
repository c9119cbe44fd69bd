// The open project: its experiments, runs, sweeps and benchmark history, the
// machine it runs on; edits (sent to the engine as the working copy, which it
// autosaves for recovery), and New/Open/Save.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ServerInfo } from '../../src-shared/api/contract';
import type { Benchmark, Experiment, Project, Run, Sweep } from '../../src-shared/project/schema';
import { useApi } from '../api/current';

export const useProjectStore = defineStore('project', () => {
  const project = shallowRef<Project | null>(null);
  const info = ref<ServerInfo | null>(null);
  const runs = ref<Run[]>([]);
  const sweeps = ref<Sweep[]>([]);
  const benchmarks = ref<Benchmark[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);

  const experiments = computed<Experiment[]>(() => project.value?.experiments ?? []);
  const name = computed(() => project.value?.name ?? '');
  const experimentById = computed(() => new Map(experiments.value.map((e) => [e.id, e])));
  const runById = computed(() => new Map(runs.value.map((r) => [r.id, r])));
  const dirty = computed(() => info.value?.dirty ?? false);

  function adopt(p: Project): void {
    project.value = p;
    runs.value = [...p.runs];
    sweeps.value = [...p.sweeps];
    benchmarks.value = [...p.benchmarks];
  }

  async function refreshInfo(): Promise<void> {
    info.value = await useApi().info();
  }

  /** (Re)load the working copy and the machine's info from the engine. */
  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      const api = useApi();
      const [p, i] = await Promise.all([api.getProject(), api.info()]);
      adopt(p);
      info.value = i;
    } catch (e) {
      error.value = (e as Error).message;
    } finally {
      loading.value = false;
    }
  }

  /** Replace name and experiments in the working copy (the engine autosaves it for recovery, not to the file). */
  async function update(next: Partial<Pick<Project, 'name' | 'experiments'>>): Promise<void> {
    if (!project.value) throw new Error('no project loaded');
    const p: Project = { ...project.value, ...next, runs: [], sweeps: [], benchmarks: [] };
    await useApi().updateProject(p);
    project.value = { ...p, runs: runs.value, sweeps: sweeps.value, benchmarks: benchmarks.value };
    if (info.value) info.value = { ...info.value, dirty: true };
  }

  /** Save the working copy; `path` is required while the project has no file (Save As). */
  async function save(path?: string): Promise<string> {
    if (!project.value) throw new Error('no project loaded');
    const r = await useApi().saveProject({ ...project.value, runs: [], sweeps: [], benchmarks: [] }, path);
    await refreshInfo();
    return r.path;
  }

  async function replaceWith(open: () => Promise<Project>): Promise<void> {
    error.value = null;
    adopt(await open());
    await refreshInfo();
  }
  const newProject = (projectName?: string) => replaceWith(() => useApi().newProject(projectName));
  const open = (path: string) => replaceWith(() => useApi().openProject(path));
  const openExample = () => replaceWith(() => useApi().openExample());
  const openText = (text: string, fileName: string) => replaceWith(() => useApi().openProjectText(text, fileName));
  const restoreRecovery = () => replaceWith(() => useApi().restoreRecovery());
  async function discardRecovery(): Promise<void> {
    await useApi().discardRecovery();
    await refreshInfo();
  }

  async function deleteRuns(ids: string[]): Promise<void> {
    await useApi().deleteRuns(ids);
    const gone = new Set(ids);
    runs.value = runs.value.filter((r) => !gone.has(r.id));
    sweeps.value = sweeps.value.map((s) => ({ ...s, runIds: s.runIds.filter((id) => !gone.has(id)) }));
  }

  /** A run the engine finished (from the run-finished event). */
  function addRun(run: Run): void {
    if (!runs.value.some((r) => r.id === run.id)) runs.value.push(run);
    if (info.value && !info.value.unsaved) void refreshInfo().catch(() => undefined);
  }
  function addSweep(sweep: Sweep): void {
    if (!sweeps.value.some((s) => s.id === sweep.id)) sweeps.value.push(sweep);
  }
  function addBenchmark(b: Benchmark): void {
    if (!benchmarks.value.some((x) => x.id === b.id)) benchmarks.value.push(b);
  }

  return {
    project, info, runs, sweeps, benchmarks, experiments, experimentById, runById, name, dirty, loading, error,
    load, refreshInfo, update, save, newProject, open, openExample, openText, restoreRecovery, discardRecovery, deleteRuns,
    addRun, addSweep, addBenchmark,
  };
});
