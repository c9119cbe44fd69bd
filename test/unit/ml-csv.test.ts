import { describe, expect, it } from 'vitest';
import { CsvParseError, parseCsvDataset, parseCsvDatasetSync } from '../../src-shared/ml/csv';
import type { Dataset } from '../../src-shared/ml/datasets';
import { Rng } from '../../src-shared/random';

const IRIS_HEAD = `sepal_length,sepal_width,petal_length,petal_width,species
5.1,3.5,1.4,0.2,setosa
7.0,3.2,4.7,1.4,versicolor
6.3,3.3,6.0,2.5,virginica
4.9,3.0,1.4,0.2,setosa
`;

function errorOf(fn: () => unknown): CsvParseError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CsvParseError);
    return e as CsvParseError;
  }
  throw new Error('expected an error');
}

describe('parseCsvDatasetSync', () => {
  it('detects a header, uses the last column as label and maps string labels to sorted indices', () => {
    const ds = parseCsvDatasetSync(IRIS_HEAD, { name: 'iris-head' });
    expect(ds.name).toBe('iris-head');
    expect(ds.numSamples).toBe(4);
    expect(ds.numFeatures).toBe(4);
    expect(ds.featureNames).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(ds.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(ds.labels)).toEqual([0, 1, 2, 0]);
    expect(Array.from(ds.features.subarray(4, 8))).toEqual([7.0, 3.2, 4.7, 1.4]);
  });

  it('reads headerless numeric data; numeric labels are ordered numerically', () => {
    const ds = parseCsvDatasetSync('1,2,10\n3,4,2\n5,6,-1\n7,8,2\n');
    expect(ds.numSamples).toBe(4);
    expect(ds.featureNames).toEqual(['x0', 'x1']);
    expect(ds.classNames).toEqual(['-1', '2', '10']);
    expect(Array.from(ds.labels)).toEqual([2, 1, 0, 1]);
    const single = parseCsvDatasetSync('1,2,3\n');
    expect(single.numSamples).toBe(1);
    expect(Array.from(single.features)).toEqual([1, 2]);
  });

  it('honours header: false / true and a label column given by name or index', () => {
    const byName = parseCsvDatasetSync('y,f1,f2\nno,1,2\nyes,3,4\n', { labelColumn: 'y' });
    expect(byName.featureNames).toEqual(['f1', 'f2']);
    expect(byName.classNames).toEqual(['no', 'yes']);
    expect(Array.from(byName.features)).toEqual([1, 2, 3, 4]);
    const byIndex = parseCsvDatasetSync('y,f1,f2\nno,1,2\nyes,3,4\n', { labelColumn: 0 });
    expect(byIndex).toEqual(byName);
    const negative = parseCsvDatasetSync('1,0,2\n3,1,4\n', { labelColumn: -2, header: false });
    expect(Array.from(negative.features)).toEqual([1, 2, 3, 4]);
    const forced = parseCsvDatasetSync('10,20,a\n1,2,b\n', { header: true });
    expect(forced.featureNames).toEqual(['10', '20']);
    expect(forced.numSamples).toBe(1);
    expect(() => parseCsvDatasetSync('x,y\n1,2\n', { labelColumn: 'label' })).toThrow(/label column 'label' not found; columns: 'x', 'y'/);
    expect(() => parseCsvDatasetSync('1,2\n', { labelColumn: 'y', header: false })).toThrow(/header is false/);
    expect(() => parseCsvDatasetSync('1,2\n', { labelColumn: 5 })).toThrow(/out of range/);
  });

  it('handles quotes, CRLF, a BOM, other delimiters and blank lines', () => {
    const text = '\uFEFF"a",b,"cl,ass"\r\n1.5,"2e3","x, y"\r\n\r\n-3,.5,"say ""hi"""\r\n';
    const ds = parseCsvDatasetSync(text);
    expect(ds.featureNames).toEqual(['a', 'b']);
    expect(Array.from(ds.features)).toEqual([1.5, 2000, -3, 0.5]);
    expect(ds.classNames).toEqual(['say "hi"', 'x, y']);
    const semi = parseCsvDatasetSync('a;b;c\n1;2;u\n3;4;v\n');
    expect(Array.from(semi.features)).toEqual([1, 2, 3, 4]);
    const tab = parseCsvDatasetSync('1\t2\tu\n3\t4\tv\n', { delimiter: '\t' });
    expect(tab.numSamples).toBe(2);
  });

  it('names row (1-based, header = row 1) and column of a non-numeric cell', () => {
    const bad = IRIS_HEAD.replace('6.3,3.3,6.0,2.5', '6.3,3.3,6.0,abc');
    const e = errorOf(() => parseCsvDatasetSync(bad));
    expect(e.message).toBe("row 4, column 'petal_width': 'abc' is not a number");
    expect(e.row).toBe(4);
    expect(e.column).toBe('petal_width');
    expect(errorOf(() => parseCsvDatasetSync('1,2,a\n3,x,b\n')).message).toBe("row 2, column 2: 'x' is not a number");
    expect(errorOf(() => parseCsvDatasetSync('1,2,a\n3,0x1F,b\n')).message).toMatch(/'0x1F' is not a number/);
  });

  it('reports missing values and ragged rows clearly', () => {
    expect(errorOf(() => parseCsvDatasetSync('f,g,y\n1,,a\n')).message).toBe("row 2, column 'g': missing value");
    expect(errorOf(() => parseCsvDatasetSync('f,g,y\n1,NA,a\n')).message).toBe("row 2, column 'g': missing value 'NA'");
    expect(errorOf(() => parseCsvDatasetSync('f,g,y\n1,2,\n')).message).toBe("row 2, column 'y': missing value");
    expect(errorOf(() => parseCsvDatasetSync('f,g,y\n1,2,a\n1,2\n')).message).toBe('row 3 has 2 fields, expected 3');
    expect(errorOf(() => parseCsvDatasetSync('f,g,y\n')).message).toMatch(/no data rows/);
    expect(errorOf(() => parseCsvDatasetSync('1\n2\n')).message).toMatch(/at least 2 columns/);
  });
});

/** A reproducible CSV of `rows` rows with 6 features and 3 string classes. */
function bigCsv(rows: number): { text: string; features: Float64Array; labels: string[] } {
  const rng = new Rng(42);
  const names = ['alpha', 'beta', 'gamma'];
  const features = new Float64Array(rows * 6);
  const labels: string[] = [];
  const lines = ['f0,f1,f2,f3,f4,f5,label'];
  for (let i = 0; i < rows; i++) {
    const cells: string[] = [];
    for (let j = 0; j < 6; j++) {
      const v = Math.round((rng.next() * 200 - 100) * 1e6) / 1e6;
      features[i * 6 + j] = v;
      cells.push(String(v));
    }
    const l = names[rng.int(3)];
    labels.push(l);
    lines.push(cells.join(',') + ',' + l);
  }
  return { text: lines.join('\n') + '\n', features, labels };
}

async function* chunked(text: string, seed: number): AsyncGenerator<string> {
  const rng = new Rng(seed);
  for (let i = 0; i < text.length; ) {
    const n = 1 + rng.int(4000);
    yield text.slice(i, i + n);
    i += n;
  }
}

/** Dataset equality without vitest's (slow, element-wise) deep equality on 100k-element typed arrays. */
function expectSameDataset(a: Dataset, b: Dataset): void {
  expect({ ...a, features: null, labels: null }).toEqual({ ...b, features: null, labels: null });
  expect(a.features.length).toBe(b.features.length);
  expect(a.labels.length).toBe(b.labels.length);
  let diff = 0;
  for (let i = 0; i < a.features.length; i++) if (a.features[i] !== b.features[i]) diff++;
  for (let i = 0; i < a.labels.length; i++) if (a.labels[i] !== b.labels[i]) diff++;
  expect(diff).toBe(0);
}

describe('parseCsvDataset (streaming)', () => {
  const ROWS = 20_000;
  const big = bigCsv(ROWS);

  it('parses a 20k-row CSV from async chunks split at arbitrary points, equal to the whole-string parse', async () => {
    const whole = parseCsvDatasetSync(big.text);
    expect(whole.numSamples).toBe(ROWS);
    expectSameDataset(whole, { ...whole, features: big.features });
    expect(whole.classNames).toEqual(['alpha', 'beta', 'gamma']);
    for (let i = 0; i < ROWS; i += 997) expect(whole.classNames[whole.labels[i]]).toBe(big.labels[i]);
    const streamed = await parseCsvDataset(chunked(big.text, 1));
    expectSameDataset(streamed, whole);
    // a sync iterable of chunks and a plain string give the same
    const parts = big.text.match(/[\s\S]{1,777}/g)!;
    expectSameDataset(await parseCsvDataset(parts), whole);
    expectSameDataset(await parseCsvDataset(big.text), whole);
  });

  it('rejects with row and column when a streamed cell is bad', async () => {
    const lines = big.text.split('\n');
    lines[15_001] = lines[15_001].replace(/^[^,]+/, 'oops');
    const err = await parseCsvDataset(chunked(lines.join('\n'), 2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CsvParseError);
    expect((err as Error).message).toBe("row 15002, column 'f0': 'oops' is not a number");
  });

  it('propagates an error thrown by the chunk source', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield 'a,b\n1,x\n';
      throw new Error('disk on fire');
    }
    await expect(parseCsvDataset(failing())).rejects.toThrow('disk on fire');
  });
});
