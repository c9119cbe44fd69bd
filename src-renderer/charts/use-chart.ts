// The one place a chart's theme and export live. vue-echarts' VChart owns the
// ECharts instance (init on mount, resize with its box, dispose on unmount);
// this composable follows the colour scheme (the ECharts theme is switched,
// which re-initialises the instance; options use the matching Palette),
// holds the instance for the PNG export, and saves the PNG.
import { computed, shallowRef, type ComputedRef, type Ref } from 'vue';
import { chartPng, downloadDataUrl, fileSlug, type PngSource } from '../export';
import { useColorScheme } from '../theme';
import { DARK, LIGHT, type Palette } from './palette';

/** The palette of the current colour scheme (for the option builders). */
export function useChartPalette(): { dark: Ref<boolean>; palette: ComputedRef<Palette> } {
  const dark = useColorScheme();
  return { dark, palette: computed(() => (dark.value ? DARK : LIGHT)) };
}

export function useChart() {
  const { dark, palette } = useChartPalette();
  /** The VChart component (it exposes the instance's methods, getDataURL among them). */
  const chart = shallowRef<PngSource | null>(null);
  const theme = computed(() => (dark.value ? 'dark' : undefined));

  /** The chart as a PNG data URL, or null before it is drawn. */
  function png(): string | null {
    return chart.value ? chartPng(chart.value, palette.value.surface) : null;
  }
  /** Save the chart as `<name>.png`; false when there is nothing drawn yet. */
  function exportPng(name: string): boolean {
    const url = png();
    if (!url) return false;
    downloadDataUrl(`${fileSlug(name)}.png`, url);
    return true;
  }
  return { dark, palette, theme, chart, png, exportPng };
}
