// Classical baselines that the QNN / QSVM / QGAN results are compared with:
// logistic regression, a one-hidden-layer MLP classifier, RBF-SVM and a
// precomputed-kernel SVM behind one Classifier interface, plus the general
// `Mlp` layer stack (forward/backward with exact gradients) that also serves
// as the QGAN's classical generator, decoder and discriminator.
//
// Libraries: SVMs are LIBSVM (see svm.ts); optimisation uses optimizers.ts.
// Logistic regression is written here rather than taken from
// ml-logistic-regression 2.0: that package fits no intercept, runs a fixed
// 50 000 steps of unnormalised full-batch gradient ascent with a fixed rate
// and no regularisation (0.7 s for 5 000 steps on Iris, 81 % training
// accuracy vs ≈97 % for a converged fit) and trains one-vs-rest. Ours is the
// standard L2-regularised multinomial model (scikit-learn's objective,
// C = 1) solved by L-BFGS to convergence. The MLP is ~100 lines of dense
// layers on Float64Array — the JS NN libraries (TensorFlow.js, brain.js) are
// large runtimes for what are 2–16-unit networks here, and we need the raw
// parameter vector and exact input gradients for the hybrid QGAN.
// Pure TypeScript: runs in Node and in the browser.
import { Rng } from '../random';
import type { Dataset } from './datasets';
import { accuracy } from './metrics';
import { Adam, minimize } from './optimizers';
import { predictPrecomputed, predictSvm, trainPrecomputedSvm, trainRbfSvm, type SvmModel } from './svm';

// ---------------------------------------------------------------- Mlp

export type Activation = 'tanh' | 'relu' | 'leakyRelu' | 'sigmoid' | 'identity';

export interface MlpOptions {
  /** Layer widths, input first: [in, hidden…, out]. */
  sizes: number[];
  /** One activation for every layer, or one per layer (sizes.length − 1). Default: tanh on hidden layers, identity on the output. */
  activations?: Activation | Activation[];
  /** Negative-side slope of leakyRelu. Default 0.01. */
  leakySlope?: number;
  /** Seed of the Xavier/Glorot-uniform initialisation (biases start at 0). */
  seed?: number;
}

/**
 * A fully connected layer stack y = act_L(W_L … act_1(W_1 x + b_1) … + b_L).
 * Parameters live in one Float64Array: for each layer, W (out × in, row-major)
 * then b (out). forward() caches what backward() needs; backward(dOut) takes
 * ∂loss/∂output for the same batch and returns ∂loss/∂params (summed over the
 * batch) and ∂loss/∂input (per sample).
 */
export class Mlp {
  readonly sizes: number[];
  readonly activations: Activation[];
  readonly leakySlope: number;
  params: Float64Array;
  readonly paramCount: number;
  /** Offset of layer l's weight matrix in params; its bias follows at wOffset[l] + out·in. */
  private readonly wOffset: number[] = [];
  private cacheInputs: Float64Array[] = [];
  private cachePre: Float64Array[] = [];
  private cacheOut: Float64Array[] = [];
  private cacheBatch = 0;

  constructor({ sizes, activations, leakySlope = 0.01, seed = 0 }: MlpOptions) {
    if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new Error(`Mlp: sizes must be ≥ 2 positive integers, got [${sizes}]`);
    const L = sizes.length - 1;
    this.sizes = sizes.slice();
    if (activations === undefined) this.activations = Array.from({ length: L }, (_, l) => (l === L - 1 ? 'identity' : 'tanh'));
    else if (typeof activations === 'string') this.activations = new Array<Activation>(L).fill(activations);
    else {
      if (activations.length !== L) throw new Error(`Mlp: ${activations.length} activations for ${L} layers`);
      this.activations = activations.slice();
    }
    this.leakySlope = leakySlope;
    let off = 0;
    for (let l = 0; l < L; l++) {
      this.wOffset.push(off);
      off += sizes[l + 1] * sizes[l] + sizes[l + 1];
    }
    this.paramCount = off;
    this.params = new Float64Array(off);
    this.init(seed);
  }

  /** Re-initialise: W ~ U(−√(6/(in+out)), +√(6/(in+out))) (Glorot & Bengio 2010), b = 0. */
  init(seed: number): void {
    const rng = new Rng(seed);
    for (let l = 0; l < this.sizes.length - 1; l++) {
      const nin = this.sizes[l], nout = this.sizes[l + 1];
      const lim = Math.sqrt(6 / (nin + nout));
      const w = this.wOffset[l];
      for (let k = 0; k < nin * nout; k++) this.params[w + k] = (2 * rng.next() - 1) * lim;
      this.params.fill(0, w + nin * nout, w + nin * nout + nout);
    }
  }

  get inputSize(): number {
    return this.sizes[0];
  }
  get outputSize(): number {
    return this.sizes[this.sizes.length - 1];
  }

  private act(a: Activation, z: number): number {
    switch (a) {
      case 'tanh':
        return Math.tanh(z);
      case 'relu':
        return z > 0 ? z : 0;
      case 'leakyRelu':
        return z > 0 ? z : this.leakySlope * z;
      case 'sigmoid':
        return 1 / (1 + Math.exp(-z));
      case 'identity':
        return z;
    }
  }

  /** d act / dz from pre-activation z and output y. */
  private dact(a: Activation, z: number, y: number): number {
    switch (a) {
      case 'tanh':
        return 1 - y * y;
      case 'relu':
        return z > 0 ? 1 : 0;
      case 'leakyRelu':
        return z > 0 ? 1 : this.leakySlope;
      case 'sigmoid':
        return y * (1 - y);
      case 'identity':
        return 1;
    }
  }

  /** Forward pass for `batch` samples (X: batch × in, row-major); returns batch × out. */
  forward(X: Float64Array, batch: number): Float64Array {
    const nin0 = this.sizes[0];
    if (!Number.isInteger(batch) || batch < 1 || X.length !== batch * nin0)
      throw new Error(`Mlp.forward: input has ${X.length} values, expected batch ${batch} × ${nin0}`);
    this.cacheInputs = [];
    this.cachePre = [];
    this.cacheOut = [];
    this.cacheBatch = batch;
    let h = X;
    for (let l = 0; l < this.sizes.length - 1; l++) {
      const nin = this.sizes[l], nout = this.sizes[l + 1], w = this.wOffset[l], bo = w + nin * nout;
      const a = this.activations[l];
      const z = new Float64Array(batch * nout), y = new Float64Array(batch * nout);
      for (let s = 0; s < batch; s++)
        for (let o = 0; o < nout; o++) {
          let acc = this.params[bo + o];
          const wr = w + o * nin, hr = s * nin;
          for (let i = 0; i < nin; i++) acc += this.params[wr + i] * h[hr + i];
          z[s * nout + o] = acc;
          y[s * nout + o] = this.act(a, acc);
        }
      this.cacheInputs.push(h);
      this.cachePre.push(z);
      this.cacheOut.push(y);
      h = y;
    }
    return h;
  }

  /**
   * Backward pass for the batch of the last forward(): dOut = ∂loss/∂output
   * (batch × out). Returns ∂loss/∂params (summed over the batch, same layout
   * as params) and ∂loss/∂input (batch × in).
   */
  backward(dOut: Float64Array): { gradParams: Float64Array; gradInput: Float64Array } {
    const batch = this.cacheBatch;
    if (batch === 0) throw new Error('Mlp.backward: call forward first');
    const L = this.sizes.length - 1;
    if (dOut.length !== batch * this.sizes[L]) throw new Error(`Mlp.backward: dOut has ${dOut.length} values, expected ${batch} × ${this.sizes[L]}`);
    const grad = new Float64Array(this.paramCount);
    let delta = dOut;
    for (let l = L - 1; l >= 0; l--) {
      const nin = this.sizes[l], nout = this.sizes[l + 1], w = this.wOffset[l], bo = w + nin * nout;
      const a = this.activations[l], z = this.cachePre[l], y = this.cacheOut[l], h = this.cacheInputs[l];
      const dz = new Float64Array(batch * nout);
      for (let k = 0; k < dz.length; k++) dz[k] = delta[k] * this.dact(a, z[k], y[k]);
      const dh = new Float64Array(batch * nin);
      for (let s = 0; s < batch; s++)
        for (let o = 0; o < nout; o++) {
          const g = dz[s * nout + o];
          if (g === 0) continue;
          grad[bo + o] += g;
          const wr = w + o * nin, hr = s * nin;
          for (let i = 0; i < nin; i++) {
            grad[wr + i] += g * h[hr + i];
            dh[hr + i] += g * this.params[wr + i];
          }
        }
      delta = dh;
    }
    return { gradParams: grad, gradInput: delta };
  }

  /** A deep copy (parameters included, no cached batch). */
  clone(): Mlp {
    const m = new Mlp({ sizes: this.sizes, activations: this.activations, leakySlope: this.leakySlope });
    m.params.set(this.params);
    return m;
  }
}

/**
 * Mean softmax cross-entropy over a batch of logits (batch × C) and its
 * gradient with respect to the logits (already divided by the batch size).
 */
export function softmaxCrossEntropy(logits: Float64Array, labels: ArrayLike<number>, numClasses: number): { loss: number; dLogits: Float64Array; probs: Float64Array } {
  const B = labels.length, C = numClasses;
  if (logits.length !== B * C) throw new Error(`softmaxCrossEntropy: ${logits.length} logits for ${B} samples × ${C} classes`);
  const probs = new Float64Array(B * C), d = new Float64Array(B * C);
  let loss = 0;
  for (let s = 0; s < B; s++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[s * C + c]);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += probs[s * C + c] = Math.exp(logits[s * C + c] - max);
    for (let c = 0; c < C; c++) probs[s * C + c] /= sum;
    const y = labels[s];
    loss -= logits[s * C + y] - max - Math.log(sum);
    for (let c = 0; c < C; c++) d[s * C + c] = (probs[s * C + c] - (c === y ? 1 : 0)) / B;
  }
  return { loss: loss / B, dLogits: d, probs };
}

// ---------------------------------------------------------------- classifiers

export interface Classifier {
  readonly name: string;
  /** Trainable parameters (for matching a QNN's budget); undefined for non-parametric models until fitted. */
  paramCount?: number;
  fit(X: Float64Array, y: Int32Array, numFeatures: number): void | Promise<void>;
  predict(X: Float64Array): Int32Array;
}

function numClassesOf(y: Int32Array): number {
  let m = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0 || !Number.isInteger(y[i])) throw new Error(`label ${y[i]} of sample ${i} is not a class index`);
    m = Math.max(m, y[i]);
  }
  return m + 1;
}

function checkXY(X: Float64Array, y: Int32Array, F: number): void {
  if (!Number.isInteger(F) || F < 1) throw new Error(`numFeatures must be a positive integer, got ${F}`);
  if (y.length === 0) throw new Error('no training samples');
  if (X.length !== y.length * F) throw new Error(`${X.length} feature values for ${y.length} samples × ${F} features`);
}

function argmaxRows(scores: Float64Array, C: number): Int32Array {
  const M = scores.length / C, out = new Int32Array(M);
  for (let s = 0; s < M; s++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (scores[s * C + c] > scores[s * C + best]) best = c;
    out[s] = best;
  }
  return out;
}

export interface LogisticRegressionOptions {
  /** Inverse L2 strength, scikit-learn's C: loss = Σ_i CE_i + ½‖W‖²/C (intercepts not penalised). Default 1. */
  C?: number;
  maxIterations?: number;
  tolerance?: number;
}

/**
 * L2-regularised logistic regression: binary → one weight vector + intercept
 * (F + 1 parameters), C > 2 classes → multinomial softmax ((F + 1)·C), fitted
 * with L-BFGS on scikit-learn's objective.
 */
export class LogisticRegressionClassifier implements Classifier {
  readonly name = 'logistic-regression';
  paramCount?: number;
  private W: Float64Array | null = null; // K × (F + 1), intercept last
  private F = 0;
  private C = 0;
  private readonly opts: Required<LogisticRegressionOptions>;

  constructor({ C = 1, maxIterations = 500, tolerance = 1e-6 }: LogisticRegressionOptions = {}) {
    if (!(C > 0)) throw new Error(`C must be positive, got ${C}`);
    this.opts = { C, maxIterations, tolerance };
  }

  /** Logits with class 0 pinned at 0 in the binary case. */
  private logits(W: Float64Array, X: Float64Array, M: number): Float64Array {
    const F = this.F, C = this.C, K = C === 2 ? 1 : C;
    const out = new Float64Array(M * C);
    for (let s = 0; s < M; s++)
      for (let k = 0; k < K; k++) {
        let z = W[k * (F + 1) + F];
        for (let f = 0; f < F; f++) z += W[k * (F + 1) + f] * X[s * F + f];
        out[s * C + (C === 2 ? 1 : k)] = z;
      }
    return out;
  }

  fit(X: Float64Array, y: Int32Array, numFeatures: number): void {
    checkXY(X, y, numFeatures);
    this.F = numFeatures;
    this.C = Math.max(2, numClassesOf(y));
    const F = this.F, C = this.C, K = C === 2 ? 1 : C, N = y.length, lam = 1 / this.opts.C;
    const res = minimize(
      (W) => {
        const z = this.logits(W, X, N);
        const { loss, dLogits } = softmaxCrossEntropy(z, y, C);
        let value = loss * N;
        const grad = new Float64Array(W.length);
        for (let s = 0; s < N; s++)
          for (let k = 0; k < K; k++) {
            const g = dLogits[s * C + (C === 2 ? 1 : k)] * N;
            if (g === 0) continue;
            for (let f = 0; f < F; f++) grad[k * (F + 1) + f] += g * X[s * F + f];
            grad[k * (F + 1) + F] += g;
          }
        for (let k = 0; k < K; k++)
          for (let f = 0; f < F; f++) {
            const w = W[k * (F + 1) + f];
            value += 0.5 * lam * w * w;
            grad[k * (F + 1) + f] += lam * w;
          }
        return { value, grad };
      },
      new Float64Array(K * (F + 1)),
      { method: 'lbfgs', maxIterations: this.opts.maxIterations, tolerance: this.opts.tolerance },
    );
    this.W = res.params;
    this.paramCount = K * (F + 1);
  }

  /** Class probabilities, M × C. */
  predictProba(X: Float64Array): Float64Array {
    if (!this.W) throw new Error('logistic regression: fit first');
    const M = X.length / this.F;
    const z = this.logits(this.W, X, M);
    return softmaxCrossEntropy(z, new Int32Array(M), this.C).probs;
  }

  predict(X: Float64Array): Int32Array {
    if (!this.W) throw new Error('logistic regression: fit first');
    if (X.length % this.F !== 0) throw new Error(`predict: ${X.length} values is not a multiple of ${this.F} features`);
    return argmaxRows(this.logits(this.W, X, X.length / this.F), this.C);
  }
}

export interface MlpClassifierOptions {
  /** Hidden units. Default 8 (ignored when targetParamCount is set). */
  hidden?: number;
  /** Choose the hidden width so the parameter count, F·h + h + h·C + C, is as close as possible to this (e.g. the QNN's). */
  targetParamCount?: number;
  activation?: Activation;
  /** Epochs (passes over the data). Default 300. */
  epochs?: number;
  /** Mini-batch size; default: full batch. */
  batchSize?: number;
  lr?: number;
  /** L2 weight decay added to the mean loss: ½·l2·‖W‖². Default 0. */
  l2?: number;
  seed?: number;
}

/** One-hidden-layer MLP (tanh by default) with a softmax output, trained by Adam on cross-entropy. */
export class MlpClassifier implements Classifier {
  readonly name = 'mlp';
  paramCount?: number;
  mlp: Mlp | null = null;
  /** Mean training loss per epoch of the last fit. */
  lossHistory: number[] = [];
  private readonly opts: MlpClassifierOptions;

  constructor(opts: MlpClassifierOptions = {}) {
    this.opts = opts;
  }

  /** Hidden width whose parameter count is closest to `target` for F inputs and C classes (at least 1). */
  static hiddenForParamCount(target: number, F: number, C: number): number {
    return Math.max(1, Math.round((target - C) / (F + 1 + C)));
  }

  fit(X: Float64Array, y: Int32Array, numFeatures: number): void {
    checkXY(X, y, numFeatures);
    const F = numFeatures, C = Math.max(2, numClassesOf(y)), N = y.length;
    const o = this.opts;
    const h = o.targetParamCount !== undefined ? MlpClassifier.hiddenForParamCount(o.targetParamCount, F, C) : (o.hidden ?? 8);
    const seed = o.seed ?? 0;
    const mlp = new Mlp({ sizes: [F, h, C], activations: [o.activation ?? 'tanh', 'identity'], seed });
    const adam = new Adam({ lr: o.lr ?? 0.01 });
    const B = Math.min(N, o.batchSize ?? N);
    const l2 = o.l2 ?? 0;
    const rng = new Rng(seed + 1);
    const order = Int32Array.from({ length: N }, (_, i) => i);
    const xb = new Float64Array(B * F), yb = new Int32Array(B);
    this.lossHistory = [];
    for (let epoch = 0; epoch < (o.epochs ?? 300); epoch++) {
      if (B < N)
        for (let i = N - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          const t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
      let epochLoss = 0;
      for (let start = 0; start < N; start += B) {
        const b = Math.min(B, N - start);
        const xs = b === B ? xb : new Float64Array(b * F), ys = b === B ? yb : new Int32Array(b);
        for (let r = 0; r < b; r++) {
          const s = order[start + r];
          xs.set(X.subarray(s * F, s * F + F), r * F);
          ys[r] = y[s];
        }
        const logits = mlp.forward(xs, b);
        const { loss, dLogits } = softmaxCrossEntropy(logits, ys, C);
        const { gradParams } = mlp.backward(dLogits);
        if (l2 > 0) for (let p = 0; p < gradParams.length; p++) gradParams[p] += l2 * mlp.params[p];
        adam.step(mlp.params, gradParams);
        epochLoss += loss * b;
      }
      this.lossHistory.push(epochLoss / N);
    }
    this.mlp = mlp;
    this.paramCount = mlp.paramCount;
  }

  predict(X: Float64Array): Int32Array {
    return argmaxRows(this.logits(X), this.mlp!.outputSize);
  }

  /** Class probabilities (softmax of the outputs), M × C row-major. */
  predictProba(X: Float64Array): Float64Array {
    const z = this.logits(X);
    return softmaxCrossEntropy(z, new Int32Array(z.length / this.mlp!.outputSize), this.mlp!.outputSize).probs;
  }

  private logits(X: Float64Array): Float64Array {
    if (!this.mlp) throw new Error('mlp: fit first');
    const F = this.mlp.inputSize;
    if (X.length % F !== 0) throw new Error(`predict: ${X.length} values is not a multiple of ${F} features`);
    return this.mlp.forward(X, X.length / F);
  }
}

export interface RbfSvmClassifierOptions {
  C?: number;
  gamma?: number | 'scale';
}

/**
 * RBF-kernel SVM (LIBSVM, one-vs-one). paramCount after fit = number of
 * support vectors (its dual coefficients; the model is non-parametric).
 */
export class RbfSvmClassifier implements Classifier {
  readonly name = 'rbf-svm';
  paramCount?: number;
  model: SvmModel | null = null;
  constructor(private readonly opts: RbfSvmClassifierOptions = {}) {}

  fit(X: Float64Array, y: Int32Array, numFeatures: number): void {
    checkXY(X, y, numFeatures);
    this.model = trainRbfSvm(X, y, numFeatures, this.opts);
    this.paramCount = this.model.svIndices.length;
  }

  predict(X: Float64Array): Int32Array {
    if (!this.model) throw new Error('rbf-svm: fit first');
    return predictSvm(this.model, X).labels;
  }
}

/** A kernel function: Gram block between A (Na × F) and B (Nb × F), returned Na × Nb row-major. May be async (e.g. a quantum kernel on a worker). */
export type KernelFunction = (A: Float64Array, B: Float64Array, numFeatures: number) => Float64Array | Promise<Float64Array>;

/**
 * SVM on any kernel (e.g. a quantum fidelity kernel): fit computes the
 * training Gram matrix and trains LIBSVM on it (precomputed); predict needs
 * the kernel rows against the training set, so use predictAsync for an async
 * kernel. paramCount after fit = number of support vectors.
 */
export class KernelSvmClassifier implements Classifier {
  readonly name: string;
  paramCount?: number;
  model: SvmModel | null = null;
  private Xtrain: Float64Array | null = null;
  private F = 0;

  constructor(
    private readonly kernel: KernelFunction,
    private readonly opts: { C?: number; name?: string } = {},
  ) {
    this.name = opts.name ?? 'kernel-svm';
  }

  async fit(X: Float64Array, y: Int32Array, numFeatures: number): Promise<void> {
    checkXY(X, y, numFeatures);
    const K = await this.kernel(X, X, numFeatures);
    this.model = trainPrecomputedSvm(K, y, { C: this.opts.C });
    this.Xtrain = X.slice();
    this.F = numFeatures;
    this.paramCount = this.model.svIndices.length;
  }

  /** Synchronous prediction; throws if the kernel function returns a Promise. */
  predict(X: Float64Array): Int32Array {
    if (!this.model || !this.Xtrain) throw new Error('kernel-svm: fit first');
    const Kx = this.kernel(X, this.Xtrain, this.F);
    if (Kx instanceof Promise) throw new Error('kernel-svm: the kernel is async — use predictAsync');
    return predictPrecomputed(this.model, Kx).labels;
  }

  async predictAsync(X: Float64Array): Promise<Int32Array> {
    if (!this.model || !this.Xtrain) throw new Error('kernel-svm: fit first');
    return predictPrecomputed(this.model, await this.kernel(X, this.Xtrain, this.F)).labels;
  }
}

export interface ClassifierEvaluation {
  /** Test accuracy. */
  accuracy: number;
  trainAccuracy: number;
  fitMs: number;
  /** Time to predict the test set. */
  predictMs: number;
}

/** Fit on `train`, then score on `train` and `test` (timings via performance.now()). */
export async function evaluateClassifier(clf: Classifier, train: Dataset, test: Dataset): Promise<ClassifierEvaluation> {
  if (train.numFeatures !== test.numFeatures) throw new Error(`evaluateClassifier: train has ${train.numFeatures} features, test ${test.numFeatures}`);
  const predict = async (X: Float64Array) => (clf instanceof KernelSvmClassifier ? clf.predictAsync(X) : clf.predict(X));
  const t0 = performance.now();
  await clf.fit(train.features, train.labels, train.numFeatures);
  const t1 = performance.now();
  const testPred = await predict(test.features);
  const t2 = performance.now();
  const trainPred = await predict(train.features);
  return { accuracy: accuracy(test.labels, testPred), trainAccuracy: accuracy(train.labels, trainPred), fitMs: t1 - t0, predictMs: t2 - t1 };
}
