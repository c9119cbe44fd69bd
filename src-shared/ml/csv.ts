// CSV → Dataset import. Tokenising (quotes, escaped quotes, embedded newlines,
// delimiter detection, rows split across chunks) is PapaParse's job — the
// de-facto standard CSV parser for JS, in Node and the browser. What is ours:
// header detection, the label column, class-index mapping and validation of
// every feature cell with errors naming row and column.
//
// Streaming: rows reach us one at a time through PapaParse's `step` callback
// and their numbers go straight into a growing Float64Array, so a large file
// never exists as an array of row objects. A string input is parsed
// synchronously; an (async) iterable of string chunks — e.g. a fetch() body
// decoded with TextDecoderStream, or fs.createReadStream(..., 'utf8') — is fed
// to PapaParse through its readable-stream interface (a small duck-typed
// adapter; PapaParse only needs on/removeListener/pause/resume/read).
// Pure TypeScript: no Node or DOM APIs.
import Papa from 'papaparse';
import type { Dataset } from './datasets';

export interface CsvDatasetOptions {
  /**
   * The label column: a header name, or a 0-based column index (negative
   * counts from the end: −1 = last). Default: the last column.
   */
  labelColumn?: string | number;
  /**
   * Whether the first row holds column names. 'auto' (default): yes if some
   * column has a non-numeric first cell and a numeric second cell.
   */
  header?: 'auto' | boolean;
  /** Field delimiter; default: detected by PapaParse (',', '\t', '|', ';'). */
  delimiter?: string;
  /** Dataset name. Default 'csv'. */
  name?: string;
  /** Cell texts (after trimming) treated as missing values, which are an error. Default: '', NA, N/A, NaN, nan, null, NULL, ?. */
  missingValues?: string[];
}

/** A CSV content error; `row` is the 1-based record number in the file (the header, if any, is row 1; blank lines are not counted). */
export class CsvParseError extends Error {
  constructor(
    message: string,
    readonly row?: number,
    readonly column?: string,
  ) {
    super(message);
    this.name = 'CsvParseError';
  }
}

const DEFAULT_MISSING = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', '?'];
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isNumeric(s: string): boolean {
  return NUMBER_RE.test(s.trim());
}

/** Accumulates rows into a Dataset; one instance per parse. */
class DatasetBuilder {
  private row = 0;
  private first: string[] | null = null;
  private names: string[] | null = null;
  private width = -1;
  private labelIdx = -1;
  private numFeatures = 0;
  private features = new Float64Array(1024);
  private rawLabels = new Int32Array(256);
  private n = 0;
  private readonly labelIds = new Map<string, number>();
  private readonly missing: Set<string>;
  error: Error | null = null;

  constructor(private readonly opts: CsvDatasetOptions) {
    this.missing = new Set(opts.missingValues ?? DEFAULT_MISSING);
    if (typeof opts.labelColumn === 'string' && opts.header === false)
      throw new CsvParseError(`labelColumn '${opts.labelColumn}' is a name, but header is false`);
  }

  /** Feed one record. Throws CsvParseError on bad content. */
  push(cells: string[]): void {
    this.row++;
    if (this.row === 1 && cells.length > 0) cells[0] = cells[0].replace(/^\uFEFF/, '');
    const header = this.opts.header ?? 'auto';
    if (this.row === 1) {
      if (header === true) return this.setHeader(cells);
      if (header === false) {
        this.setup(cells.length, null);
        return this.addRow(cells);
      }
      this.first = cells; // decide on the next row
      return;
    }
    if (this.first) {
      const first = this.first;
      this.first = null;
      const isHeader = first.some((c, j) => !isNumeric(c) && !this.missing.has(c.trim()) && j < cells.length && isNumeric(cells[j]));
      if (isHeader) this.setHeader(first);
      else {
        this.setup(first.length, null);
        this.addRowAt(first, 1);
      }
    }
    this.addRow(cells);
  }

  private setHeader(cells: string[]): void {
    const names = cells.map((c, j) => c.trim() || `column ${j + 1}`);
    this.setup(names.length, names);
  }

  private setup(width: number, names: string[] | null): void {
    if (width < 2) throw new CsvParseError(`need at least 2 columns (features and a label), found ${width}`, 1);
    this.width = width;
    this.names = names;
    const lc = this.opts.labelColumn ?? -1;
    if (typeof lc === 'string') {
      if (!names) throw new CsvParseError(`labelColumn '${lc}' is a name, but the file has no header row`);
      this.labelIdx = names.indexOf(lc);
      if (this.labelIdx < 0) throw new CsvParseError(`label column '${lc}' not found; columns: ${names.map((s) => `'${s}'`).join(', ')}`);
    } else {
      if (!Number.isInteger(lc) || lc >= width || lc < -width)
        throw new CsvParseError(`labelColumn ${lc} is out of range for ${width} columns`);
      this.labelIdx = lc < 0 ? width + lc : lc;
    }
    this.numFeatures = width - 1;
  }

  private columnName(j: number): string {
    return this.names ? `'${this.names[j]}'` : String(j + 1);
  }

  private addRow(cells: string[]): void {
    this.addRowAt(cells, this.row);
  }

  private addRowAt(cells: string[], row: number): void {
    if (cells.length !== this.width)
      throw new CsvParseError(`row ${row} has ${cells.length} fields, expected ${this.width}`, row);
    const f = this.numFeatures;
    if ((this.n + 1) * f > this.features.length) {
      const grown = new Float64Array(this.features.length * 2);
      grown.set(this.features);
      this.features = grown;
    }
    if (this.n + 1 > this.rawLabels.length) {
      const grown = new Int32Array(this.rawLabels.length * 2);
      grown.set(this.rawLabels);
      this.rawLabels = grown;
    }
    let k = this.n * f;
    for (let j = 0; j < cells.length; j++) {
      const text = cells[j].trim();
      if (this.missing.has(text))
        throw new CsvParseError(`row ${row}, column ${this.columnName(j)}: missing value${text ? ` '${text}'` : ''}`, row, this.names?.[j] ?? String(j + 1));
      if (j === this.labelIdx) {
        let id = this.labelIds.get(text);
        if (id === undefined) {
          id = this.labelIds.size;
          this.labelIds.set(text, id);
        }
        this.rawLabels[this.n] = id;
        continue;
      }
      if (!NUMBER_RE.test(text))
        throw new CsvParseError(`row ${row}, column ${this.columnName(j)}: '${text}' is not a number`, row, this.names?.[j] ?? String(j + 1));
      this.features[k++] = Number(text);
    }
    this.n++;
  }

  finish(): Dataset {
    if (this.first) {
      // a single record: a header if nothing in it is numeric, else one data row
      const first = this.first;
      this.first = null;
      if ((this.opts.header ?? 'auto') === 'auto' && first.every((c) => !isNumeric(c))) this.setHeader(first);
      else {
        this.setup(first.length, null);
        this.addRowAt(first, 1);
      }
    }
    if (this.n === 0) throw new CsvParseError('the CSV has no data rows');
    // class indices: numeric labels in numeric order, others in lexicographic order
    const raw = [...this.labelIds.keys()];
    const numeric = raw.every(isNumeric);
    const sorted = raw.slice().sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const remap = new Int32Array(raw.length);
    raw.forEach((name, id) => (remap[id] = sorted.indexOf(name)));
    const labels = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) labels[i] = remap[this.rawLabels[i]];
    const featureNames: string[] = [];
    for (let j = 0; j < this.width; j++)
      if (j !== this.labelIdx) featureNames.push(this.names ? this.names[j] : `x${featureNames.length}`);
    return {
      name: this.opts.name ?? 'csv',
      features: this.features.slice(0, this.n * this.numFeatures),
      labels,
      numSamples: this.n,
      numFeatures: this.numFeatures,
      classNames: sorted,
      featureNames,
    };
  }
}

function papaConfig(builder: DatasetBuilder, opts: CsvDatasetOptions, done?: (err: Error | null) => void): Papa.ParseConfig<string[]> {
  return {
    header: false,
    dynamicTyping: false,
    skipEmptyLines: 'greedy',
    delimiter: opts.delimiter ?? '',
    step(results, parser) {
      if (builder.error) return;
      const quoteError = results.errors.find((e) => e.type === 'Quotes');
      try {
        if (quoteError) throw new CsvParseError(`CSV syntax error near record ${(quoteError.row ?? 0) + 1}: ${quoteError.message}`);
        builder.push(results.data);
      } catch (e) {
        builder.error = e as Error;
        parser.abort();
      }
    },
    complete: done ? () => done(builder.error) : undefined,
    error: done ? (err: Error) => done(err) : undefined,
  } as Papa.ParseConfig<string[]>;
}

/** Parse CSV text into a Dataset (synchronous). Throws CsvParseError on bad content. */
export function parseCsvDatasetSync(text: string, opts: CsvDatasetOptions = {}): Dataset {
  const builder = new DatasetBuilder(opts);
  Papa.parse<string[]>(text, papaConfig(builder, opts) as Papa.ParseConfig<string[]> & { worker?: false });
  if (builder.error) throw builder.error;
  return builder.finish();
}

/**
 * Parse CSV into a Dataset from a string or from a (possibly async) iterable
 * of string chunks, which may split records and fields anywhere. Rejects with
 * CsvParseError on bad content.
 */
export async function parseCsvDataset(
  input: string | Iterable<string> | AsyncIterable<string>,
  opts: CsvDatasetOptions = {},
): Promise<Dataset> {
  if (typeof input === 'string') return parseCsvDatasetSync(input, opts);
  const builder = new DatasetBuilder(opts);
  const stream = new ChunkStream(input, () => builder.error !== null);
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    Papa.parse(
      stream as unknown as Papa.LocalFile,
      papaConfig(builder, opts, (err) => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else resolve();
      }) as Papa.ParseLocalConfig<string[], Papa.LocalFile>,
    );
  });
  return builder.finish();
}

type Listener = (arg?: unknown) => void;

/**
 * The part of a Node readable stream that PapaParse's ReadableStreamStreamer
 * uses, backed by an (async) iterable of strings. Emission starts once the
 * parser has subscribed; it stops early when `stop()` says so (after a content
 * error), ending the stream.
 */
class ChunkStream {
  readonly readable = true;
  private readonly listeners = new Map<string, Listener[]>();
  private started = false;

  constructor(
    private readonly chunks: Iterable<string> | AsyncIterable<string>,
    private readonly stop: () => boolean,
  ) {}

  read(): null {
    return null;
  }
  pause(): void {}
  resume(): void {}

  on(event: string, fn: Listener): this {
    const list = this.listeners.get(event) ?? [];
    list.push(fn);
    this.listeners.set(event, list);
    if (!this.started && event === 'data') {
      this.started = true;
      queueMicrotask(() => void this.pump());
    }
    return this;
  }

  removeListener(event: string, fn: Listener): this {
    const list = this.listeners.get(event);
    if (list) this.listeners.set(event, list.filter((f) => f !== fn));
    return this;
  }

  private emit(event: string, arg?: unknown): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) fn(arg);
  }

  private async pump(): Promise<void> {
    try {
      for await (const chunk of this.chunks as AsyncIterable<string>) {
        if (this.stop()) break;
        if (typeof chunk !== 'string') throw new TypeError('parseCsvDataset: chunks must be strings (decode bytes first, e.g. with TextDecoderStream)');
        if (chunk.length > 0) this.emit('data', chunk);
      }
      this.emit('end');
    } catch (e) {
      this.emit('error', e);
    }
  }
}
