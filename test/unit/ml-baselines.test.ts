import { describe, expect, it } from 'vitest';
import {
  KernelSvmClassifier,
  LogisticRegressionClassifier,
  Mlp,
  MlpClassifier,
  RbfSvmClassifier,
  evaluateClassifier,
  softmaxCrossEntropy,
  type Activation,
} from '../../src-shared/ml/baselines';
import { loadIris, makeBlobs, makeCircles, makeMoons, standardize, trainTestSplit, type Dataset } from '../../src-shared/ml/datasets';
import { rbfKernel } from '../../src-shared/ml/svm';
import { Rng } from '../../src-shared/random';

function randomArray(n: number, rng: Rng, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => scale * rng.normal());
}

/** loss = Σ c ⊙ out, so ∂loss/∂out = c. */
function checkGradients(mlp: Mlp, batch: number, seed: number): void {
  const rng = new Rng(seed);
  const X = randomArray(batch * mlp.inputSize, rng);
  const c = randomArray(batch * mlp.outputSize, rng);
  const loss = () => mlp.forward(X, batch).reduce((a, v, i) => a + v * c[i], 0);
  loss();
  const { gradParams, gradInput } = mlp.backward(c);
  const h = 1e-6;
  for (let p = 0; p < mlp.paramCount; p++) {
    const old = mlp.params[p];
    mlp.params[p] = old + h;
    const fp = loss();
    mlp.params[p] = old - h;
    const fm = loss();
    mlp.params[p] = old;
    expect(gradParams[p]).toBeCloseTo((fp - fm) / (2 * h), 6);
  }
  for (let i = 0; i < X.length; i++) {
    const old = X[i];
    X[i] = old + h;
    const fp = loss();
    X[i] = old - h;
    const fm = loss();
    X[i] = old;
    expect(gradInput[i]).toBeCloseTo((fp - fm) / (2 * h), 6);
  }
}

describe('Mlp', () => {
  it('exact gradients (params and input) for every activation, checked by central differences', () => {
    const acts: Activation[] = ['tanh', 'relu', 'leakyRelu', 'sigmoid', 'identity'];
    acts.forEach((a, k) => {
      const mlp = new Mlp({ sizes: [3, 5, 4, 2], activations: [a, a, acts[(k + 1) % acts.length]], seed: k, leakySlope: 0.1 });
      // move biases off zero so relu kinks are not hit exactly
      const rng = new Rng(100 + k);
      for (let p = 0; p < mlp.paramCount; p++) mlp.params[p] += 0.1 * rng.normal();
      checkGradients(mlp, 4, k);
    });
  });

  it('the QGAN shapes: decoder 4→2 and discriminator 2→16→1 (leakyRelu, sigmoid)', () => {
    const decoder = new Mlp({ sizes: [4, 2], activations: 'identity', seed: 1 });
    expect(decoder.paramCount).toBe(4 * 2 + 2);
    checkGradients(decoder, 3, 1);
    const disc = new Mlp({ sizes: [2, 16, 1], activations: ['leakyRelu', 'sigmoid'], seed: 2 });
    expect(disc.paramCount).toBe(2 * 16 + 16 + 16 + 1);
    checkGradients(disc, 5, 2);
    const out = disc.forward(Float64Array.from([0.1, 0.2, -1, 3]), 2);
    for (const v of out) expect(v > 0 && v < 1).toBe(true);
  });

  it('Xavier-uniform init is seeded, bounded, with zero biases; layout W then b', () => {
    const a = new Mlp({ sizes: [3, 4], seed: 7 });
    const b = new Mlp({ sizes: [3, 4], seed: 7 });
    expect(a.params).toEqual(b.params);
    expect(new Mlp({ sizes: [3, 4], seed: 8 }).params).not.toEqual(a.params);
    const lim = Math.sqrt(6 / 7);
    for (let i = 0; i < 12; i++) expect(Math.abs(a.params[i])).toBeLessThanOrEqual(lim);
    expect(Array.from(a.params.subarray(12))).toEqual([0, 0, 0, 0]);
    // identity layer: y = W x + b with W row-major (out × in)
    a.params.set([1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 1], 0);
    a.params.set([0.5, 0, 0, 0], 12);
    expect(Array.from(a.forward(Float64Array.from([1, 1, 1]), 1))).toEqual([6.5, 0, 0, 1]);
    expect(a.clone().params).toEqual(a.params);
    expect(() => a.forward(new Float64Array(4), 1)).toThrow(/expected batch 1 × 3/);
    expect(() => new Mlp({ sizes: [3] })).toThrow(/sizes/);
    expect(() => new Mlp({ sizes: [2, 2], seed: 0 }).backward(new Float64Array(2))).toThrow(/forward first/);
  });

  it('softmaxCrossEntropy: value and gradient', () => {
    const logits = Float64Array.from([1, 2, 0.5, -1, 0, 3]);
    const labels = [1, 2];
    const { loss, dLogits } = softmaxCrossEntropy(logits, labels, 3);
    const ce = (z: Float64Array) => {
      let l = 0;
      for (let s = 0; s < 2; s++) {
        const row = Array.from(z.subarray(3 * s, 3 * s + 3));
        l += -row[labels[s]] + Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
      }
      return l / 2;
    };
    expect(loss).toBeCloseTo(ce(logits), 12);
    for (let i = 0; i < 6; i++) {
      const z = logits.slice();
      z[i] += 1e-6;
      const fp = ce(z);
      z[i] -= 2e-6;
      expect(dLogits[i]).toBeCloseTo((fp - ce(z)) / 2e-6, 7);
    }
  });
});

function prepared(ds: Dataset, seed = 1): { train: Dataset; test: Dataset } {
  const { train, test } = trainTestSplit(ds, 0.25, seed);
  const s = standardize(train, test);
  return { train: s.train, test: s.test! };
}

describe('classifiers', () => {
  it('logistic regression: ~97 % on Iris, perfect on separated blobs; binary model has F + 1 parameters', async () => {
    const { train, test } = prepared(loadIris());
    const lr = new LogisticRegressionClassifier();
    const ev = await evaluateClassifier(lr, train, test);
    expect(ev.trainAccuracy).toBeGreaterThan(0.95);
    expect(ev.accuracy).toBeGreaterThan(0.9);
    expect(lr.paramCount).toBe(3 * 5);
    const probs = lr.predictProba(test.features);
    for (let s = 0; s < test.numSamples; s++) expect(probs[3 * s] + probs[3 * s + 1] + probs[3 * s + 2]).toBeCloseTo(1, 12);
    const blobs = prepared(makeBlobs({ n: 200, centers: [[-3, 0], [3, 0]], std: 0.5, seed: 2 }));
    const bin = new LogisticRegressionClassifier({ C: 10 });
    expect((await evaluateClassifier(bin, blobs.train, blobs.test)).accuracy).toBe(1);
    expect(bin.paramCount).toBe(3);
    // linear model cannot do the circles
    const circles = prepared(makeCircles({ n: 200, noise: 0.05, factor: 0.4, seed: 3 }));
    expect((await evaluateClassifier(new LogisticRegressionClassifier(), circles.train, circles.test)).accuracy).toBeLessThan(0.8);
  });

  it('MLP classifier learns the moons, is seeded, and can match a parameter budget', async () => {
    const { train, test } = prepared(makeMoons({ n: 300, noise: 0.1, seed: 5 }));
    const mk = () => new MlpClassifier({ hidden: 8, epochs: 400, lr: 0.03, seed: 3 });
    const a = mk();
    const ev = await evaluateClassifier(a, train, test);
    expect(ev.accuracy).toBeGreaterThan(0.95);
    expect(a.paramCount).toBe(2 * 8 + 8 + 8 * 2 + 2);
    expect(a.lossHistory[a.lossHistory.length - 1]).toBeLessThan(a.lossHistory[0]);
    const b = mk();
    b.fit(train.features, train.labels, 2);
    expect(b.mlp!.params).toEqual(a.mlp!.params);
    // mini-batches also work
    const mb = new MlpClassifier({ hidden: 8, epochs: 100, lr: 0.03, batchSize: 32, seed: 3 });
    expect((await evaluateClassifier(mb, train, test)).accuracy).toBeGreaterThan(0.9);
    // budget matching: F = 4, C = 3 → 8h + 3 params
    expect(MlpClassifier.hiddenForParamCount(48, 4, 3)).toBe(6);
    const budget = new MlpClassifier({ targetParamCount: 48, epochs: 1 });
    budget.fit(loadIris().features, loadIris().labels, 4);
    expect(budget.paramCount).toBe(51);
  });

  it('RBF-SVM classifier solves the circles; a kernel SVM with the same RBF kernel predicts identically', async () => {
    const { train, test } = prepared(makeCircles({ n: 300, noise: 0.08, factor: 0.5, seed: 2 }));
    const svm = new RbfSvmClassifier({ C: 1, gamma: 1 });
    const ev = await evaluateClassifier(svm, train, test);
    expect(ev.accuracy).toBeGreaterThan(0.95);
    expect(svm.paramCount).toBe(svm.model!.svIndices.length);
    // async kernel (as a quantum kernel on a worker would be)
    const kernel = new KernelSvmClassifier(async (A, B, F) => rbfKernel(A, B, F, 1), { C: 1, name: 'qsvm-stand-in' });
    await kernel.fit(train.features, train.labels, 2);
    expect(Array.from(await kernel.predictAsync(test.features))).toEqual(Array.from(svm.predict(test.features)));
    expect(() => kernel.predict(test.features)).toThrow(/predictAsync/);
    const evk = await evaluateClassifier(kernel, train, test);
    expect(evk.accuracy).toBe(ev.accuracy);
    expect(evk.fitMs).toBeGreaterThanOrEqual(0);
    expect(evk.predictMs).toBeGreaterThanOrEqual(0);
  });

  it('input validation', async () => {
    const lr = new LogisticRegressionClassifier();
    expect(() => lr.predict(new Float64Array(2))).toThrow(/fit first/);
    expect(() => lr.fit(new Float64Array(5), Int32Array.from([0, 1]), 2)).toThrow(/5 feature values for 2 samples × 2 features/);
    expect(() => lr.fit(new Float64Array(4), Int32Array.from([0, -1]), 2)).toThrow(/not a class index/);
    const iris = loadIris();
    await expect(evaluateClassifier(lr, iris, { ...iris, numFeatures: 3 })).rejects.toThrow(/features/);
  });
});
