import { linearRegression, rSquared } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  approximationRatio,
  f1Score,
  logLoss,
  confusionMatrix,
  gradientFlow,
  kernelTargetAlignment,
  linearFitR2,
  linearFitR2PerOutput,
} from '../../src-shared/ml/metrics';
import { Rng } from '../../src-shared/random';

describe('classification metrics', () => {
  it('accuracy and confusion matrix', () => {
    const t = [0, 1, 2, 2, 1, 0];
    const p = [0, 2, 2, 2, 1, 1];
    expect(accuracy(t, p)).toBeCloseTo(4 / 6, 12);
    expect(accuracy([], [])).toBe(0);
    expect(confusionMatrix(t, p)).toEqual([
      [1, 1, 0],
      [0, 1, 1],
      [0, 0, 2],
    ]);
    expect(confusionMatrix([0], [0], 2)).toEqual([
      [1, 0],
      [0, 0],
    ]);
    expect(() => accuracy([1], [1, 2])).toThrow(/1 true labels but 2 predictions/);
    expect(() => confusionMatrix([3], [0], 2)).toThrow(/out of range/);
  });
});

describe('kernelTargetAlignment', () => {
  const y = [0, 1, 1, 0, 1];
  const N = y.length;
  const ideal = (variant: 'signed' | 'onehot') =>
    Float64Array.from({ length: N * N }, (_, k) => {
      const same = y[Math.floor(k / N)] === y[k % N];
      return same ? 1 : variant === 'signed' ? -1 : 0;
    });

  it('is 1 for the ideal kernel, 1/√N for the identity (signed), scale-invariant', () => {
    expect(kernelTargetAlignment(ideal('signed'), y)).toBeCloseTo(1, 12);
    const I = Float64Array.from({ length: N * N }, (_, k) => (Math.floor(k / N) === k % N ? 1 : 0));
    expect(kernelTargetAlignment(I, y)).toBeCloseTo(1 / Math.sqrt(N), 12);
    expect(kernelTargetAlignment(I.map((v) => 7 * v), y)).toBeCloseTo(1 / Math.sqrt(N), 12);
    expect(kernelTargetAlignment(ideal('signed').map((v) => -v), y)).toBeCloseTo(-1, 12);
    expect(kernelTargetAlignment(new Float64Array(N * N), y)).toBe(0);
  });

  it('matches the definition on a random kernel; one-hot variant for multi-class', () => {
    const rng = new Rng(3);
    const K = Float64Array.from({ length: N * N }, () => rng.next());
    let kt = 0, kk = 0;
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        const yi = 2 * y[i] - 1, yj = 2 * y[j] - 1;
        kt += K[i * N + j] * yi * yj;
        kk += K[i * N + j] ** 2;
      }
    expect(kernelTargetAlignment(K, y)).toBeCloseTo(kt / (Math.sqrt(kk) * N), 12);
    expect(kernelTargetAlignment(ideal('onehot'), y, 'onehot')).toBeCloseTo(1, 12);
    const y3 = [0, 1, 2, 2];
    const T = Float64Array.from({ length: 16 }, (_, k) => (y3[Math.floor(k / 4)] === y3[k % 4] ? 1 : 0));
    expect(kernelTargetAlignment(T, y3)).toBeCloseTo(1, 12);
    expect(() => kernelTargetAlignment(T, y3, 'signed')).toThrow(/binary/);
    expect(() => kernelTargetAlignment(new Float64Array(3), y)).toThrow(/expected 5×5/);
  });
});

describe('linearFitR2', () => {
  it('is 1 for an exact affine map (also rank-deficient inputs)', () => {
    const rng = new Rng(1);
    const N = 50;
    const X = Float64Array.from({ length: N * 3 }, () => rng.normal());
    for (let i = 0; i < N; i++) X[i * 3 + 2] = 2 * X[i * 3]; // collinear column
    const Y = new Float64Array(N * 2);
    for (let i = 0; i < N; i++) {
      Y[i * 2] = 1 + 2 * X[i * 3] - X[i * 3 + 1];
      Y[i * 2 + 1] = -3 + 0.5 * X[i * 3 + 2];
    }
    expect(linearFitR2(X, Y, N)).toBeCloseTo(1, 10);
  });

  it('agrees with simple-statistics in 1-D and averages over outputs', () => {
    const rng = new Rng(2);
    const N = 200;
    const x = Float64Array.from({ length: N }, () => rng.normal());
    const Y = new Float64Array(N * 2);
    const pairs: [number, number][] = [];
    for (let i = 0; i < N; i++) {
      Y[2 * i] = 0.7 * x[i] + 0.5 * rng.normal();
      Y[2 * i + 1] = x[i] * x[i]; // not linear in x: R² ≈ 0
      pairs.push([x[i], Y[2 * i]]);
    }
    const line = linearRegression(pairs);
    const reference = rSquared(pairs, (v) => line.m * v + line.b);
    const per = linearFitR2PerOutput(x, Y, N);
    expect(per[0]).toBeCloseTo(reference, 10);
    expect(per[1]).toBeLessThan(0.1);
    expect(linearFitR2(x, Y, N)).toBeCloseTo((per[0] + per[1]) / 2, 12);
    // a constant output is fitted exactly
    expect(linearFitR2PerOutput(x, new Float64Array(N).fill(4), N)).toEqual([1]);
    expect(() => linearFitR2(x, new Float64Array(N + 1), N)).toThrow(/N × D/);
  });
});

describe('gradientFlow and approximationRatio', () => {
  it('counts parameters with live gradients (mean vs max over the batch)', () => {
    const grads = [Float64Array.from([1, 1e-3, 0, 1e-10]), Float64Array.from([-1, 1e-3, 0, -1e-10])];
    expect(gradientFlow(grads)).toBeCloseTo(1 / 4, 12); // only the 2nd: the 1st cancels in the mean
    expect(gradientFlow(grads, 1e-8, 'max')).toBeCloseTo(2 / 4, 12);
    expect(gradientFlow(grads, 1e-12, 'max')).toBeCloseTo(3 / 4, 12);
    expect(() => gradientFlow([])).toThrow(/no gradients/);
    expect(() => gradientFlow([new Float64Array(2), new Float64Array(3)])).toThrow(/different lengths/);
  });

  it('approximationRatio', () => {
    expect(approximationRatio(9, 12)).toBeCloseTo(0.75, 12);
    expect(() => approximationRatio(1, 0)).toThrow(/maxCut must be positive/);
  });
  it("F1 and log-loss as scikit-learn computes them (its documentation's examples)", () => {
    expect(f1Score([0, 1, 1, 0, 1, 1], [0, 1, 0, 0, 1, 1])).toBeCloseTo(6 / 7, 12);
    // Macro F1 over three classes: sklearn f1_score([0,1,2,0,1,2], [0,2,1,0,0,1], average='macro') = 0.26666…
    expect(f1Score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1])).toBeCloseTo(0.2666666667, 9);
    // log_loss(["spam","ham","ham","spam"], [[.1,.9],[.9,.1],[.8,.2],[.35,.65]]) = 0.21616…
    expect(logLoss([1, 0, 0, 1], [0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65], 2)).toBeCloseTo(0.21616, 5);
    expect(() => logLoss([1], [0.5], 2)).toThrow(/probabilities/);
  });
});
