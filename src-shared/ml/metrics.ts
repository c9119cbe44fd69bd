// Metrics of the seed benchmark report: accuracy, confusion matrix, kernel-
// target alignment, the "linear interpolation R²", gradient flow and the
// MaxCut approximation ratio.
//
// Library: the least-squares fit behind linearFitR2 uses ml-matrix's SVD
// solver (robust to rank-deficient inputs). The rest are one-line formulas
// over typed arrays; no library computes them on our data layout.
// Pure TypeScript: runs in Node and in the browser.
import { Matrix, SingularValueDecomposition } from 'ml-matrix';

function sameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} true labels but ${b.length} predictions`);
}

/** Share of predictions equal to the true labels (0 for empty input). */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  sameLength(yTrue, yPred, 'accuracy');
  if (yTrue.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) ok++;
  return ok / yTrue.length;
}

/** C × C counts, rows = true class, columns = predicted class. C defaults to 1 + the largest label seen. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses?: number): number[][] {
  sameLength(yTrue, yPred, 'confusionMatrix');
  let C = numClasses ?? 0;
  if (numClasses === undefined) for (let i = 0; i < yTrue.length; i++) C = Math.max(C, yTrue[i] + 1, yPred[i] + 1);
  const m = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i], p = yPred[i];
    if (t < 0 || t >= C || p < 0 || p >= C) throw new Error(`confusionMatrix: label out of range 0..${C - 1} at sample ${i}`);
    m[t][p]++;
  }
  return m;
}

/**
 * F1 score: for two classes, of class 1 (the positive class, as scikit-learn's
 * default); for more, the unweighted mean over classes (macro F1). A class
 * never predicted and never present counts as F1 = 0 only if it occurs.
 */
export function f1Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const m = confusionMatrix(yTrue, yPred);
  const C = m.length;
  const f1 = (c: number) => {
    const tp = m[c][c];
    let fp = 0, fn = 0;
    for (let k = 0; k < C; k++) if (k !== c) (fp += m[k][c]), (fn += m[c][k]);
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  };
  if (C <= 2) return C === 2 ? f1(1) : 0;
  let sum = 0, present = 0;
  for (let c = 0; c < C; c++) if (m[c].some((v) => v > 0) || m.some((row) => row[c] > 0)) (sum += f1(c)), present++;
  return present ? sum / present : 0;
}

/**
 * Mean cross-entropy of predicted class probabilities (N × C row-major) against
 * the labels; probabilities are clipped to [1e-15, 1 − 1e-15] as scikit-learn does.
 */
export function logLoss(yTrue: ArrayLike<number>, probs: ArrayLike<number>, numClasses: number): number {
  if (probs.length !== yTrue.length * numClasses) throw new Error(`logLoss: ${probs.length} probabilities for ${yTrue.length} samples × ${numClasses} classes`);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s -= Math.log(Math.min(1 - 1e-15, Math.max(1e-15, probs[i * numClasses + yTrue[i]])));
  return yTrue.length ? s / yTrue.length : 0;
}

/**
 * Kernel-target alignment (Cristianini et al., NIPS 2001):
 *   A(K, T) = ⟨K, T⟩_F / (‖K‖_F ‖T‖_F),  K: N × N row-major.
 * 'signed' (default for 2 classes): T = yyᵀ with y ∈ {−1, +1} (class 0 → −1,
 * class 1 → +1); ‖T‖_F = N. 'onehot' (default for > 2 classes): T = YYᵀ with Y
 * the one-hot label matrix, i.e. T_ij = 1 if samples i and j share a class,
 * else 0. The two variants give different numbers on the same binary data
 * (one-hot ignores "different class" pairs); compare values only within one
 * variant. Returns 0 if K is all zeros.
 */
export function kernelTargetAlignment(K: Float64Array, labels: ArrayLike<number>, variant: 'auto' | 'signed' | 'onehot' = 'auto'): number {
  const N = labels.length;
  if (K.length !== N * N) throw new Error(`kernelTargetAlignment: kernel has ${K.length} entries, expected ${N}×${N}`);
  let maxLabel = 0;
  for (let i = 0; i < N; i++) maxLabel = Math.max(maxLabel, labels[i]);
  const v = variant === 'auto' ? (maxLabel <= 1 ? 'signed' : 'onehot') : variant;
  if (v === 'signed' && maxLabel > 1) throw new Error('kernelTargetAlignment: the signed variant needs binary labels (0/1)');
  let kt = 0, kk = 0, tt = 0;
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const k = K[i * N + j];
      const t = v === 'signed' ? (labels[i] === labels[j] ? 1 : -1) : labels[i] === labels[j] ? 1 : 0;
      kt += k * t;
      kk += k * k;
      tt += t * t;
    }
  return kk > 0 ? kt / Math.sqrt(kk * tt) : 0;
}

/**
 * R² of the best affine least-squares map inputs → outputs, averaged over the
 * output dimensions (the seed report's "linear interpolation R²": how much of
 * a model's output is explained by a linear function of its input).
 * inputs: N × Din, outputs: N × Dout, row-major. Per output dimension
 * R² = 1 − SS_res / SS_tot; a constant output dimension counts as R² = 1
 * (it is fitted exactly). Solved with ml-matrix's SVD (minimum-norm solution
 * for rank-deficient inputs).
 */
export function linearFitR2(inputs: Float64Array, outputs: Float64Array, numSamples: number): number {
  return linearFitR2PerOutput(inputs, outputs, numSamples).reduce((a, b) => a + b, 0) / (outputs.length / numSamples);
}

/** R² per output dimension of the affine least-squares fit (see linearFitR2). */
export function linearFitR2PerOutput(inputs: Float64Array, outputs: Float64Array, numSamples: number): number[] {
  const N = numSamples;
  if (!(N >= 1) || inputs.length % N !== 0 || outputs.length % N !== 0 || outputs.length === 0)
    throw new Error(`linearFitR2: inputs (${inputs.length}) and outputs (${outputs.length}) must both be N × D with N = ${N}`);
  const din = inputs.length / N, dout = outputs.length / N;
  const A = new Matrix(N, din + 1);
  const B = new Matrix(N, dout);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < din; j++) A.set(i, j, inputs[i * din + j]);
    A.set(i, din, 1);
    for (let j = 0; j < dout; j++) B.set(i, j, outputs[i * dout + j]);
  }
  const W = new SingularValueDecomposition(A, { autoTranspose: true }).solve(B);
  const P = A.mmul(W);
  const r2: number[] = [];
  for (let j = 0; j < dout; j++) {
    let mean = 0;
    for (let i = 0; i < N; i++) mean += B.get(i, j);
    mean /= N;
    let ssRes = 0, ssTot = 0;
    for (let i = 0; i < N; i++) {
      ssRes += (B.get(i, j) - P.get(i, j)) ** 2;
      ssTot += (B.get(i, j) - mean) ** 2;
    }
    const scale = Math.max(1, mean * mean) * N;
    r2.push(ssTot > 1e-24 * scale ? 1 - ssRes / ssTot : 1);
  }
  return r2;
}

/**
 * Gradient flow: the share of parameters whose gradient exceeds `threshold`
 * in magnitude — a barren-plateau / dead-unit indicator. `grads` holds one
 * gradient vector per sample of a batch (all of the same length).
 *  - 'mean' (default): |mean over the batch| > threshold — the gradient the
 *    optimizer actually sees; per-sample gradients that cancel count as dead.
 *  - 'max': max over samples of |g| > threshold — whether the parameter
 *    influences the loss of any sample at all.
 */
export function gradientFlow(grads: Float64Array[], threshold = 1e-8, mode: 'mean' | 'max' = 'mean'): number {
  if (grads.length === 0) throw new Error('gradientFlow: no gradients');
  const P = grads[0].length;
  if (grads.some((g) => g.length !== P)) throw new Error('gradientFlow: gradients of different lengths');
  if (P === 0) return 0;
  let alive = 0;
  for (let p = 0; p < P; p++) {
    let v = 0;
    if (mode === 'mean') {
      for (const g of grads) v += g[p];
      v = Math.abs(v / grads.length);
    } else for (const g of grads) v = Math.max(v, Math.abs(g[p]));
    if (v > threshold) alive++;
  }
  return alive / P;
}

/** MaxCut approximation ratio cut / maxCut (maxCut > 0). */
export function approximationRatio(cut: number, maxCut: number): number {
  if (!(maxCut > 0)) throw new Error(`approximationRatio: maxCut must be positive, got ${maxCut}`);
  if (cut < 0) throw new Error(`approximationRatio: cut must be non-negative, got ${cut}`);
  return cut / maxCut;
}
