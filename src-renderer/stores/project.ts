// The open project: its experiments and runs, the machine it runs on, load and save.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ServerInfo } from '../../src-shared/api/contract';
import type { Experiment, Project, Run } from '../../src-shared/project/schema';
import { useApi } from '../api/current';

export const useProjectStore = defineStore('project', () => {
  const project = shallowRef<Project | null>(null);
  const info = ref<ServerInfo | null>(null);
  const runs = ref<Run[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);

  const experiments = computed<Experiment[]>(() => project.value?.experiments ?? []);
  const name = computed(() => project.value?.name ?? '');
  const experimentById = computed(() => new Map(experiments.value.map((e) => [e.id, e])));

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      const api = useApi();
      const [p, i] = await Promise.all([api.getProject(), api.info()]);
      project.value = p;
      runs.value = [...p.runs];
      info.value = i;
    } catch (e) {
      error.value = (e as Error).message;
    } finally {
      loading.value = false;
    }
  }

  /** Save name and experiments (the server keeps its own runs); `path` is required while the project has no file. */
  async function save(path?: string): Promise<string> {
    if (!project.value) throw new Error('no project loaded');
    const r = await useApi().saveProject({ ...project.value, runs: [] }, path);
    if (info.value) info.value = { ...info.value, projectPath: r.path, unsaved: false };
    return r.path;
  }

  /** A run the server finished (from the run-finished event). */
  function addRun(run: Run): void {
    if (!runs.value.some((r) => r.id === run.id)) runs.value.push(run);
  }

  return { project, info, runs, experiments, experimentById, name, loading, error, load, save, addRun };
});
