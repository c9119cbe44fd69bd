// Exports from the workbench: text files (CSV, JSON), data URLs (chart PNGs),
// downloaded through the browser (serve mode) or Electron's download handling.
import Papa from 'papaparse';

/** Offer `text` as a file download. */
export function downloadText(fileName: string, text: string, mime = 'text/plain'): void {
  const blob = new Blob([text], { type: `${mime};charset=utf-8` });
  const url = URL.createObjectURL(blob);
  try {
    clickLink(fileName, url);
  } finally {
    // the click has started the download synchronously; the URL can go once the event loop turns
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

/** Offer a data URL (e.g. a chart's PNG) as a file download. */
export function downloadDataUrl(fileName: string, url: string): void {
  clickLink(fileName, url);
}

function clickLink(fileName: string, href: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export type CsvValue = string | number | boolean | null | undefined;

const cell = (v: unknown): CsvValue => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? v : '';
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return JSON.stringify(v); // lists and objects: as JSON text in one cell
};

/**
 * Rows of objects as CSV (RFC 4180, via papaparse's unparse): the header is
 * the union of the rows' keys in first-seen order; missing and non-finite
 * values are empty cells; numbers keep full precision; lists and objects are
 * written as JSON text.
 */
export function toCsv(rows: Record<string, unknown>[]): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of rows)
    for (const k of Object.keys(r))
      if (!seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
  const data = rows.map((r) => columns.map((c) => cell(r[c])));
  return Papa.unparse({ fields: columns, data }, { newline: '\r\n' }) + '\r\n';
}

/** The minimum of an ECharts instance (or vue-echarts' exposed component) the PNG export needs. */
export interface PngSource {
  getDataURL(opts: { type: 'png'; pixelRatio?: number; backgroundColor?: string; excludeComponents?: string[] }): string;
}

/**
 * A chart as a PNG data URL, at twice the screen resolution, on the page's
 * surface colour (charts draw on a transparent background to follow the theme).
 */
export function chartPng(chart: PngSource, backgroundColor = surfaceColor()): string {
  return chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor, excludeComponents: ['toolbox', 'dataZoom'] });
}

function surfaceColor(): string {
  if (typeof document === 'undefined' || typeof getComputedStyle === 'undefined') return '#ffffff';
  const v = getComputedStyle(document.documentElement).getPropertyValue('--surface').trim();
  return v || '#ffffff';
}

/** A file name from free text: 'qgan — cutoff × layers' → 'qgan-cutoff-layers'. */
export function fileSlug(textValue: string): string {
  return (
    textValue
      .normalize('NFKD')
      .replace(/[^\w.-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80) || 'quench'
  );
}

/** Rows as a CSV file download. */
export function downloadCsv(fileName: string, rows: Record<string, unknown>[]): void {
  downloadText(fileName.endsWith('.csv') ? fileName : `${fileName}.csv`, toCsv(rows), 'text/csv');
}
