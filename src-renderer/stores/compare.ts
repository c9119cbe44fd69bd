// The Runs picked for a Comparison, in order: the first is the baseline the
// Compare view measures the others against. The Runs table ticks them.
import { defineStore } from 'pinia';
import { ref } from 'vue';

export const useCompareStore = defineStore('compare', () => {
  const selected = ref<string[]>([]);

  /** Add the run (at the end) or take it out. */
  function toggle(id: string): void {
    selected.value = selected.value.includes(id) ? selected.value.filter((x) => x !== id) : [...selected.value, id];
  }
  /** Replace the selection (duplicates dropped, order kept). */
  function set(ids: string[]): void {
    selected.value = [...new Set(ids)];
  }
  function clear(): void {
    selected.value = [];
  }
  /** Make the run the baseline (first). */
  function makeBaseline(id: string): void {
    if (selected.value.includes(id)) selected.value = [id, ...selected.value.filter((x) => x !== id)];
  }
  const isSelected = (id: string) => selected.value.includes(id);

  return { selected, toggle, set, clear, makeBaseline, isSelected };
});
