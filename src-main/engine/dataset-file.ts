// Datasets from CSV files for the classifiers: streamed from disk in chunks
// into papaparse (src-shared/ml/csv.ts), so a 10k+ row file never exists as
// an array of row objects.
import fs from 'node:fs';
import path from 'node:path';
import { parseCsvDataset } from '../../src-shared/ml/csv';
import type { Dataset } from '../../src-shared/ml/datasets';

export async function loadCsvDataset(file: string, opts: { labelColumn?: string | number; baseDir?: string } = {}): Promise<Dataset> {
  const resolved = path.resolve(opts.baseDir ?? process.cwd(), file);
  if (!fs.existsSync(resolved)) throw new Error(`CSV dataset ${resolved} does not exist`);
  const stream = fs.createReadStream(resolved, { encoding: 'utf8', highWaterMark: 1 << 16 });
  return parseCsvDataset(stream as AsyncIterable<string>, { labelColumn: opts.labelColumn, name: path.basename(resolved) });
}
