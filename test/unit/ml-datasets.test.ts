import { describe, expect, it } from 'vitest';
import {
  adhocInternals,
  classCounts,
  featureRanges,
  loadIris,
  makeAdhoc,
  makeBlobs,
  makeCircles,
  makeGaussianMixture2D,
  makeMoons,
  makeXor,
  padFeatures,
  projectFeatures,
  scaleToRange,
  selectFeatures,
  standardize,
  subsample,
  trainTestSplit,
  type Dataset,
} from '../../src-shared/ml/datasets';

function row(ds: Dataset, i: number): number[] {
  return Array.from(ds.features.subarray(i * ds.numFeatures, (i + 1) * ds.numFeatures));
}

function colStats(ds: Dataset, j: number): { mean: number; std: number; min: number; max: number } {
  const v = Array.from({ length: ds.numSamples }, (_, i) => ds.features[i * ds.numFeatures + j]);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

describe('generators', () => {
  it('makeMoons: sklearn geometry, sizes, determinism', () => {
    const ds = makeMoons({ n: 101, seed: 3 });
    expect(ds.numSamples).toBe(101);
    expect(ds.numFeatures).toBe(2);
    expect(classCounts(ds)).toEqual([50, 51]);
    for (let i = 0; i < ds.numSamples; i++) {
      const [x, y] = row(ds, i);
      if (ds.labels[i] === 0) {
        expect(x * x + y * y).toBeCloseTo(1, 12);
        expect(y).toBeGreaterThanOrEqual(-1e-12);
      } else {
        expect((x - 1) ** 2 + (y - 0.5) ** 2).toBeCloseTo(1, 12);
        expect(y).toBeLessThanOrEqual(0.5 + 1e-12);
      }
    }
    expect(makeMoons({ n: 101, seed: 3 })).toEqual(ds);
    expect(makeMoons({ n: 101, seed: 4 }).labels).not.toEqual(ds.labels);
    const noisy = makeMoons({ n: 200, noise: 0.1, seed: 1 });
    expect(noisy.features).not.toEqual(makeMoons({ n: 200, seed: 1 }).features);
  });

  it('makeCircles: radii 1 and factor', () => {
    const ds = makeCircles({ n: 80, factor: 0.5, seed: 1 });
    expect(classCounts(ds)).toEqual([40, 40]);
    for (let i = 0; i < ds.numSamples; i++) {
      const [x, y] = row(ds, i);
      expect(Math.hypot(x, y)).toBeCloseTo(ds.labels[i] === 0 ? 1 : 0.5, 12);
    }
    expect(() => makeCircles({ n: 10, factor: 1.5 })).toThrow(/factor/);
  });

  it('makeBlobs: explicit centres, counts and spread', () => {
    const ds = makeBlobs({ n: 3000, centers: [[0, 0], [5, 5], [-5, 5]], std: 0.5, seed: 2 });
    expect(classCounts(ds)).toEqual([1000, 1000, 1000]);
    const sums = [[0, 0], [0, 0], [0, 0]];
    for (let i = 0; i < ds.numSamples; i++) {
      const [x, y] = row(ds, i);
      sums[ds.labels[i]][0] += x / 1000;
      sums[ds.labels[i]][1] += y / 1000;
    }
    expect(sums[1][0]).toBeCloseTo(5, 1);
    expect(sums[2][0]).toBeCloseTo(-5, 1);
    const random = makeBlobs({ n: 10, centers: 4, features: 3, seed: 1 });
    expect(random.numFeatures).toBe(3);
    expect(classCounts(random)).toEqual([3, 3, 2, 2]);
  });

  it('makeXor: label is the parity of coordinate signs', () => {
    for (const features of [2, 3]) {
      const ds = makeXor({ n: 200, features, seed: 5 });
      for (let i = 0; i < ds.numSamples; i++) {
        const pos = row(ds, i).filter((v) => v > 0).length;
        expect(ds.labels[i]).toBe(pos % 2);
      }
    }
  });

  it('makeGaussianMixture2D: two modes at the given means', () => {
    const pts = makeGaussianMixture2D({ n: 4000, seed: 9, means: [[-2, 0], [2, 1]], std: 0.3, weights: [1, 3] });
    expect(pts.length).toBe(8000);
    let left = 0, sx = 0, sy = 0;
    for (let i = 0; i < 4000; i++) {
      if (pts[2 * i] < 0) left++;
      else {
        sx += pts[2 * i];
        sy += pts[2 * i + 1];
      }
    }
    expect(left / 4000).toBeCloseTo(0.25, 1);
    expect(sx / (4000 - left)).toBeCloseTo(2, 1);
    expect(sy / (4000 - left)).toBeCloseTo(1, 1);
    expect(makeGaussianMixture2D({ n: 10, seed: 1 })).toEqual(makeGaussianMixture2D({ n: 10, seed: 1 }));
  });
});

describe('makeAdhoc (Havlíček et al. / Qiskit ad_hoc_data)', () => {
  // Independent dense computation of |ψ(x)⟩ = U_Φ(x) H⊗H U_Φ(x) |+⟩ for 2 qubits.
  function psi2(x: number[]): { re: number[]; im: number[] } {
    const Z = [1, -1];
    // basis index b = 2·q0 + q1 (kron order: qubit 0 is the first factor)
    const phase = [0, 1, 2, 3].map((b) => {
      const z0 = Z[b >> 1], z1 = Z[b & 1];
      return x[0] * z0 + x[1] * z1 + (Math.PI - x[0]) * (Math.PI - x[1]) * z0 * z1;
    });
    const H = [
      [1, 1, 1, 1],
      [1, -1, 1, -1],
      [1, 1, -1, -1],
      [1, -1, -1, 1],
    ].map((r) => r.map((v) => v / 2));
    let re = phase.map((p) => Math.cos(p) / 2), im = phase.map((p) => Math.sin(p) / 2);
    const hr = H.map((r) => r.reduce((a, h, j) => a + h * re[j], 0)), hi = H.map((r) => r.reduce((a, h, j) => a + h * im[j], 0));
    re = hr.map((r, b) => r * Math.cos(phase[b]) - hi[b] * Math.sin(phase[b]));
    im = hr.map((r, b) => r * Math.sin(phase[b]) + hi[b] * Math.cos(phase[b]));
    return { re, im };
  }

  it('V is unitary and m(x) = ⟨ψ|V†OV|ψ⟩ matches a dense computation', () => {
    const { Vre, Vim, observable, expectation } = adhocInternals(2, 11);
    expect(Array.from(observable)).toEqual([1, -1, -1, 1]); // parity
    for (let a = 0; a < 4; a++)
      for (let b = 0; b < 4; b++) {
        let re = 0, im = 0; // (V V†)_ab
        for (let k = 0; k < 4; k++) {
          re += Vre[a * 4 + k] * Vre[b * 4 + k] + Vim[a * 4 + k] * Vim[b * 4 + k];
          im += Vim[a * 4 + k] * Vre[b * 4 + k] - Vre[a * 4 + k] * Vim[b * 4 + k];
        }
        expect(re).toBeCloseTo(a === b ? 1 : 0, 10);
        expect(im).toBeCloseTo(0, 10);
      }
    for (const x of [[0.3, 1.7], [2.2, 5.9], [Math.PI, 0]]) {
      const { re, im } = psi2(x);
      let m = 0;
      for (let k = 0; k < 4; k++) {
        let wr = 0, wi = 0;
        for (let j = 0; j < 4; j++) {
          wr += Vre[k * 4 + j] * re[j] - Vim[k * 4 + j] * im[j];
          wi += Vre[k * 4 + j] * im[j] + Vim[k * 4 + j] * re[j];
        }
        m += observable[k] * (wr * wr + wi * wi);
      }
      expect(expectation(x)).toBeCloseTo(m, 12);
      expect(Math.abs(m)).toBeLessThanOrEqual(1 + 1e-12);
    }
    expect(Array.from(adhocInternals(3, 1).observable)).toEqual([1, 1, 1, -1, 1, -1, -1, -1]); // majority
  });

  it('samples lie on the 100-point grid, are balanced and respect the gap', () => {
    const gap = 0.3;
    const ds = makeAdhoc({ n: 60, gap, seed: 11 });
    const { expectation } = adhocInternals(2, 11);
    expect(ds.classNames).toEqual(['A', 'B']);
    expect(classCounts(ds)).toEqual([30, 30]);
    const step = (2 * Math.PI) / 100;
    for (let i = 0; i < ds.numSamples; i++) {
      const x = row(ds, i);
      for (const v of x) {
        expect(Math.abs(v / step - Math.round(v / step))).toBeLessThan(1e-9);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(2 * Math.PI);
      }
      const m = expectation(x);
      if (ds.labels[i] === 0) expect(m).toBeGreaterThan(gap);
      else expect(m).toBeLessThan(-gap);
    }
    expect(makeAdhoc({ n: 60, gap, seed: 11 })).toEqual(ds);
    expect(makeAdhoc({ n: 60, gap, seed: 12 }).features).not.toEqual(ds.features);
  });

  it('works for 3 features (20-point grid, majority observable) and rejects bad input', () => {
    const ds = makeAdhoc({ n: 20, features: 3, gap: 0.1, seed: 2 });
    expect(ds.numFeatures).toBe(3);
    expect(classCounts(ds)).toEqual([10, 10]);
    expect(() => makeAdhoc({ n: 7 })).toThrow(/even/);
    expect(() => makeAdhoc({ n: 10, gap: 1.5 })).toThrow(/gap/);
  });
});

describe('loadIris', () => {
  it('has 150 × 4 samples in 3 balanced classes', () => {
    const ds = loadIris();
    expect(ds.numSamples).toBe(150);
    expect(ds.numFeatures).toBe(4);
    expect(ds.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(classCounts(ds)).toEqual([50, 50, 50]);
    expect(row(ds, 0)).toEqual([5.1, 3.5, 1.4, 0.2]);
    expect(ds.labels[0]).toBe(0);
    expect(ds.featureNames[3]).toBe('petal_width');
  });
});

describe('preprocessing', () => {
  it('trainTestSplit is stratified, disjoint, complete and seeded', () => {
    const ds = loadIris();
    // tag every sample by its index in feature 0 so we can track it
    const tagged = { ...ds, features: ds.features.slice() };
    for (let i = 0; i < 150; i++) tagged.features[i * 4] = i;
    const { train, test } = trainTestSplit(tagged, 0.2, 7);
    expect(test.numSamples).toBe(30);
    expect(classCounts(test)).toEqual([10, 10, 10]);
    expect(classCounts(train)).toEqual([40, 40, 40]);
    const ids = new Set<number>();
    for (const part of [train, test]) for (let i = 0; i < part.numSamples; i++) ids.add(part.features[i * 4]);
    expect(ids.size).toBe(150);
    for (const part of [train, test])
      for (let i = 0; i < part.numSamples; i++) expect(part.labels[i]).toBe(ds.labels[part.features[i * 4]]);
    expect(trainTestSplit(tagged, 0.2, 7)).toEqual({ train, test });
    expect(trainTestSplit(tagged, 0.2, 8).test.features).not.toEqual(test.features);
    expect(() => trainTestSplit(ds, 1)).toThrow(/testFraction/);
  });

  it('standardize fits on train and applies to test', () => {
    const { train, test } = trainTestSplit(loadIris(), 0.3, 1);
    const r = standardize(train, test);
    for (let j = 0; j < 4; j++) {
      const s = colStats(r.train, j);
      expect(s.mean).toBeCloseTo(0, 12);
      expect(s.std).toBeCloseTo(1, 12);
    }
    expect(r.test!.features[0]).toBeCloseTo((test.features[0] - r.means[0]) / r.stds[0], 12);
    const constant = { ...train, features: train.features.map((v, i) => (i % 4 === 2 ? 3 : v)) };
    const c = standardize(constant);
    expect(colStats(c.train, 2)).toMatchObject({ mean: 0, std: 0 });
  });

  it('scaleToRange maps each feature to [lo, hi], consistently for a test set', () => {
    const { train, test } = trainTestSplit(loadIris(), 0.3, 1);
    const s = scaleToRange(train, 0, Math.PI);
    for (let j = 0; j < 4; j++) {
      const st = colStats(s, j);
      expect(st.min).toBeCloseTo(0, 12);
      expect(st.max).toBeCloseTo(Math.PI, 12);
    }
    const r = featureRanges(train);
    const t = scaleToRange(test, 0, Math.PI, r);
    expect(t.features[1]).toBeCloseTo(((test.features[1] - r.min[1]) / (r.max[1] - r.min[1])) * Math.PI, 12);
    expect(() => scaleToRange(train, 1, 0)).toThrow(/hi > lo/);
  });

  it('subsample keeps class proportions', () => {
    const ds = subsample(loadIris(), 30, 3);
    expect(ds.numSamples).toBe(30);
    expect(classCounts(ds)).toEqual([10, 10, 10]);
    expect(subsample(loadIris(), 30, 3)).toEqual(ds);
  });

  it('selectFeatures, padFeatures and projectFeatures reach a given feature count', () => {
    const ds = loadIris();
    const sel = selectFeatures(ds, [3, 0]);
    expect(sel.numFeatures).toBe(2);
    expect(row(sel, 0)).toEqual([0.2, 5.1]);
    expect(sel.featureNames).toEqual(['petal_width', 'sepal_length']);
    expect(() => selectFeatures(ds, [4])).toThrow(/out of range/);

    const z = padFeatures(ds, 8);
    expect(z.numFeatures).toBe(8);
    expect(row(z, 0)).toEqual([5.1, 3.5, 1.4, 0.2, 0, 0, 0, 0]);
    const rep = padFeatures(ds, 6, 'repeat');
    expect(row(rep, 0)).toEqual([5.1, 3.5, 1.4, 0.2, 5.1, 3.5]);
    expect(padFeatures(ds, 2).numFeatures).toBe(2);

    const p = projectFeatures(ds, 8, 4);
    expect(p.numFeatures).toBe(8);
    expect(p.features.length).toBe(150 * 8);
    expect(projectFeatures(ds, 8, 4)).toEqual(p);
    // a linear map: projecting row 0 + row 1 equals the sum of projections
    const sum = { ...ds, numSamples: 1, labels: new Int32Array(1), features: Float64Array.from(row(ds, 0).map((v, j) => v + row(ds, 1)[j])) };
    const ps = projectFeatures(sum, 8, 4);
    for (let k = 0; k < 8; k++) expect(ps.features[k]).toBeCloseTo(p.features[k] + p.features[8 + k], 12);
  });
});
