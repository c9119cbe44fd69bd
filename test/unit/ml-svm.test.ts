import LibSVM from 'libsvm-js/asm';
import { describe, expect, it } from 'vitest';
import { loadIris, makeBlobs, makeMoons, standardize, trainTestSplit, type Dataset } from '../../src-shared/ml/datasets';
import {
  linearKernel,
  predictPrecomputed,
  predictSvm,
  rbfKernel,
  scaleGamma,
  trainLinearSvm,
  trainPrecomputedSvm,
  trainRbfSvm,
} from '../../src-shared/ml/svm';

function rows(X: Float64Array, F: number): Float64Array[] {
  return Array.from({ length: X.length / F }, (_, i) => X.subarray(i * F, (i + 1) * F));
}

/** LIBSVM's own predictions (libsvm-js, no code of ours in between). */
function libsvmPredict(kernel: 'linear' | 'rbf', train: Dataset, test: Dataset, C: number, gamma?: number): number[] {
  const svm = new LibSVM({ kernel: kernel === 'linear' ? LibSVM.KERNEL_TYPES.LINEAR : LibSVM.KERNEL_TYPES.RBF, cost: C, gamma, quiet: true });
  try {
    svm.train(rows(train.features, train.numFeatures), train.labels);
    return svm.predict(rows(test.features, test.numFeatures));
  } finally {
    svm.free();
  }
}

function split(ds: Dataset, seed = 1): { train: Dataset; test: Dataset } {
  const { train, test } = trainTestSplit(ds, 0.3, seed);
  const s = standardize(train, test);
  return { train: s.train, test: s.test! };
}

describe('precomputed-kernel SVM', () => {
  it('a precomputed linear kernel predicts exactly like LIBSVM\'s linear kernel (3-class Iris, one-vs-one)', () => {
    const { train, test } = split(loadIris());
    const F = 4;
    const K = linearKernel(train.features, train.features, F);
    const Kx = linearKernel(test.features, train.features, F);
    const pre = trainPrecomputedSvm(K, train.labels, { C: 0.5 });
    const lin = trainLinearSvm(train.features, train.labels, F, { C: 0.5 });
    const a = predictPrecomputed(pre, Kx), b = predictSvm(lin, test.features);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Array.from(a.labels)).toEqual(libsvmPredict('linear', train, test, 0.5));
    expect(Array.from(pre.svIndices)).toEqual(Array.from(lin.svIndices));
    for (let i = 0; i < a.decisionValues.length; i++) expect(a.decisionValues[i]).toBeCloseTo(b.decisionValues[i], 8);
    expect(a.pairs).toEqual([[0, 1], [0, 2], [1, 2]]);
    // and it is a decent classifier
    expect(a.labels.filter((v, i) => v === test.labels[i]).length / test.numSamples).toBeGreaterThan(0.85);
  });

  it('a precomputed RBF kernel matches the RBF SVM (labels and decision values)', () => {
    const { train, test } = split(makeMoons({ n: 300, noise: 0.2, seed: 4 }));
    const gamma = 0.7;
    const rbf = trainRbfSvm(train.features, train.labels, 2, { C: 2, gamma });
    const pre = trainPrecomputedSvm(rbfKernel(train.features, train.features, 2, gamma), train.labels, { C: 2 });
    const a = predictSvm(rbf, test.features);
    const b = predictPrecomputed(pre, rbfKernel(test.features, train.features, 2, gamma));
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(Array.from(a.labels)).toEqual(libsvmPredict('rbf', train, test, 2, gamma));
    for (let i = 0; i < a.decisionValues.length; i++) expect(b.decisionValues[i]).toBeCloseTo(a.decisionValues[i], 8);
    // binary: f > 0 ⇔ class 1
    for (let i = 0; i < a.labels.length; i++) expect(a.labels[i]).toBe(a.decisionValues[i] > 0 ? 1 : 0);
    expect(a.labels.filter((v, i) => v === test.labels[i]).length / test.numSamples).toBeGreaterThan(0.9);
  });

  it('needs the 1-based ID column: without it LIBSVM silently mispredicts (the pitfall trainPrecomputedSvm avoids)', () => {
    const ds = loadIris();
    const N = 150;
    const K = linearKernel(ds.features, ds.features, 4);
    const bad = new LibSVM({ kernel: LibSVM.KERNEL_TYPES.PRECOMPUTED, cost: 1, quiet: true });
    bad.train(rows(K, N), ds.labels);
    const badPred = bad.predict(rows(K, N).map((r) => Float64Array.from([0, ...r])));
    bad.free();
    const good = predictPrecomputed(trainPrecomputedSvm(K, ds.labels), K).labels;
    const acc = (p: ArrayLike<number>) => Array.from(p).filter((v, i) => v === ds.labels[i]).length / N;
    expect(acc(good)).toBeGreaterThan(0.95);
    expect(acc(badPred)).toBeLessThan(0.7);
  });

  it('reproduces a known hard-margin solution: x = ±1 → f(x) = x', () => {
    const X = Float64Array.from([-1, 1]);
    const y = Int32Array.from([0, 1]);
    const m = trainPrecomputedSvm(linearKernel(X, X, 1), y, { C: 100, tolerance: 1e-6 });
    const test = Float64Array.from([-2, -0.25, 0.5, 3]);
    const p = predictPrecomputed(m, linearKernel(test, X, 1));
    for (let i = 0; i < test.length; i++) expect(p.decisionValues[i]).toBeCloseTo(test[i], 6);
    expect(Array.from(p.labels)).toEqual([0, 0, 1, 1]);
    expect(Array.from(m.svCoef).map(Math.abs)).toEqual([0.5, 0.5]); // α = ½ each
  });

  it('class order of first appearance does not change our class-indexed output', () => {
    const ds = makeBlobs({ n: 90, centers: [[0, 0], [4, 0], [0, 4]], std: 0.4, seed: 3 });
    // put a class-2 sample first so LIBSVM's internal label order is [2, …]
    const first = ds.labels.indexOf(2);
    const order = [first, ...Array.from({ length: 90 }, (_, i) => i).filter((i) => i !== first)];
    const X = new Float64Array(180), y = new Int32Array(90);
    order.forEach((s, r) => {
      X.set(ds.features.subarray(2 * s, 2 * s + 2), 2 * r);
      y[r] = ds.labels[s];
    });
    const m = trainRbfSvm(X, y, 2, { C: 1 });
    expect(m.classes[0]).toBe(2);
    const p = predictSvm(m, X);
    expect(p.pairs).toEqual([[0, 1], [0, 2], [1, 2]]);
    expect(Array.from(p.labels)).toEqual(libsvmPredict('rbf', { ...ds, features: X, labels: y }, { ...ds, features: X, labels: y }, 1, m.gamma));
    // pair [a, b] value > 0 votes for b: the predicted class never loses a pair it is in
    for (let s = 0; s < 90; s++) {
      const c = p.labels[s];
      p.pairs.forEach(([a, b], k) => {
        const v = p.decisionValues[s * 3 + k];
        if (a === c) expect(v).toBeLessThanOrEqual(0);
        if (b === c) expect(v).toBeGreaterThan(0);
      });
    }
  });

  it('gamma "scale" is 1/(F·Var X); models are plain data; errors are explicit', () => {
    const X = Float64Array.from([0, 0, 2, 2]);
    expect(scaleGamma(X, 2)).toBeCloseTo(1 / (2 * 1), 12);
    const m = trainRbfSvm(X, [0, 1], 2);
    expect(m.gamma).toBeCloseTo(0.5, 12);
    expect(JSON.parse(JSON.stringify({ ...m, svCoef: Array.from(m.svCoef) })).kernel).toBe('rbf');
    const single = trainPrecomputedSvm(Float64Array.from([1, 0, 0, 1]), [1, 1]);
    expect(Array.from(predictPrecomputed(single, Float64Array.from([0.3, 0.2])).labels)).toEqual([1]);
    expect(() => trainPrecomputedSvm(new Float64Array(3), [0, 1])).toThrow(/expected 2×2/);
    expect(() => trainPrecomputedSvm(new Float64Array(4), [0, -1])).toThrow(/not a class index/);
    expect(() => trainPrecomputedSvm(Float64Array.from([1, NaN, 0, 1]), [0, 1])).toThrow(/\(0, 1\) is NaN/);
    expect(() => trainRbfSvm(X, [0, 1], 2, { C: 0 })).toThrow(/C must be a positive number/);
    const pre = trainPrecomputedSvm(Float64Array.from([1, 0, 0, 1]), [0, 1]);
    expect(() => predictPrecomputed(pre, new Float64Array(3))).toThrow(/2 entries/);
    expect(() => predictSvm(pre, new Float64Array(2))).toThrow(/predictPrecomputed/);
  });
});
