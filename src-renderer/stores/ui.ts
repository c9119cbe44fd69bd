// Which view is open and what is selected in it; mirrored in the URL hash
// (#/runs) so a reload comes back to the same place.
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

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

const isView = (v: string): v is ViewId => VIEWS.some((x) => x.id === v);

export const useUiStore = defineStore('ui', () => {
  const fromHash = typeof location !== 'undefined' ? location.hash.replace(/^#\/?/, '') : '';
  const view = ref<ViewId>(isView(fromHash) ? fromHash : 'experiments');
  /** The experiment open in the editor (and the one Ctrl+Enter runs). */
  const selectedExperimentId = ref<string | null>(null);
  /** A transient message in the status line (saved, opened, exported …). */
  const notice = ref<string | null>(null);
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;

  function show(v: ViewId): void {
    view.value = v;
  }
  function notify(text: string): void {
    notice.value = text;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => (notice.value = null), 4000);
  }

  if (typeof window !== 'undefined') {
    watch(view, (v) => history.replaceState(null, '', `#/${v}`));
    window.addEventListener('hashchange', () => {
      const h = location.hash.replace(/^#\/?/, '');
      if (isView(h)) view.value = h;
    });
  }

  return { view, selectedExperimentId, notice, show, notify };
});
