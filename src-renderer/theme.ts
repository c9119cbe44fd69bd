// Light or dark, following the system (prefers-color-scheme); the CSS side is in style.css.
import { onScopeDispose, ref, type Ref } from 'vue';

export function useColorScheme(): Ref<boolean> {
  const mq = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  const dark = ref(mq?.matches ?? false);
  const onChange = (e: MediaQueryListEvent) => (dark.value = e.matches);
  mq?.addEventListener('change', onChange);
  onScopeDispose(() => mq?.removeEventListener('change', onChange));
  return dark;
}
