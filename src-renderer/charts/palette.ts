// Chart colours per theme, the same values as the CSS variables of style.css
// (ECharts draws on a canvas and cannot read CSS variables).
export interface Palette {
  text: string;
  muted: string;
  border: string;
  surface: string;
  accent: string;
  ok: string;
  bad: string;
  /** Series colours, in order. */
  series: string[];
  /** Heatmap ramp from worse to better. */
  ramp: [string, string, string];
}

export const LIGHT: Palette = {
  text: '#1b1f27', muted: '#5d6675', border: '#dde1e8', surface: '#ffffff', accent: '#3553d6', ok: '#17753b', bad: '#b3261e',
  series: ['#3553d6', '#d9731a', '#17853f', '#a03cc2', '#c23c5a', '#1a94a8', '#7a6a10', '#5d6675'],
  ramp: ['#f4c7a1', '#f3f0d6', '#7fb7d9'],
};

export const DARK: Palette = {
  text: '#e3e7ee', muted: '#98a1b1', border: '#2e3441', surface: '#1a1e26', accent: '#8ea2ff', ok: '#6fd694', bad: '#ff8a80',
  series: ['#8ea2ff', '#ffb86b', '#6fd694', '#d69cff', '#ff8aa5', '#6fd3e0', '#e0d46f', '#98a1b1'],
  ramp: ['#7a4a2a', '#3b3f35', '#2f6f99'],
};
