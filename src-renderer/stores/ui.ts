// Which view is open and what is selected in it. The address (router.ts)
// is the source of truth for the view: the router sets `view` after each
// navigation, and show() navigates. Without a router (component tests)
// show() only sets the view.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Router } from 'vue-router';

export const VIEWS = [
  { id: 'experiments', label: 'Experiments', hint: 'define and run' },
  { id: 'runs', label: 'Runs', hint: 'results and progress' },
  { id: 'scaling', label: 'Scaling', hint: 'batch and qubit scaling' },
  { id: 'sweeps', label: 'Sweeps', hint: 'parameter grids' },
  { id: 'compare', label: 'Compare', hint: 'runs side by side' },
  { id: 'profile', label: 'Profile', hint: 'where the time goes' },
  { id: 'hardware', label: 'Hardware', hint: 'this machine, benchmarks' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];

export const isView = (v: unknown): v is ViewId => VIEWS.some((x) => x.id === v);

export const useUiStore = defineStore('ui', () => {
  const view = ref<ViewId>('experiments');
  /** The experiment open in the editor (and the one Ctrl+Enter runs). */
  const selectedExperimentId = ref<string | null>(null);
  /** A transient message in the status line (saved, opened, exported …). */
  const notice = ref<string | null>(null);
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  let router: Router | null = null;

  /** Follow the router: the view of each address it reaches; show() and openRun() navigate through it. */
  function bindRouter(r: Router): void {
    router = r;
    r.afterEach((to) => {
      if (isView(to.meta.view)) view.value = to.meta.view;
    });
    if (isView(r.currentRoute.value.meta.view)) view.value = r.currentRoute.value.meta.view;
  }
  function show(v: ViewId): void {
    view.value = v;
    if (router && router.currentRoute.value.path !== `/${v}`) void router.push(`/${v}`);
  }
  /** Open a run's page (#/runs/<id>). */
  function openRun(runId: string): void {
    view.value = 'runs';
    void router?.push(`/runs/${encodeURIComponent(runId)}`);
  }
  function notify(text: string): void {
    notice.value = text;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => (notice.value = null), 4000);
  }

  return { view, selectedExperimentId, notice, bindRouter, show, openRun, notify };
});
