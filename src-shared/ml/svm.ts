// Support-vector classifiers: C-SVC on a precomputed kernel (QSVM: the kernel
// matrix comes from a quantum simulator) and the classical RBF / linear
// baselines.
//
// Library: training is LIBSVM 3.22 itself (libsvm-js 0.2.1, emscripten). We
// load its synchronous asm.js build (`libsvm-js/asm`): the default entry
// point is a WebAssembly build whose loader fetches a .wasm file next to the
// script, which a bundled browser/worker build cannot rely on; the asm.js
// build is plain JS and runs anywhere (about 2/3 of the wasm speed, irrelevant
// at benchmark sizes). After training, the model (support-vector indices,
// dual coefficients, ρ, label order) is read back from LIBSVM's own model
// file (serializeModel) and the emscripten heap is freed, so an SvmModel is
// plain, serialisable data and nothing leaks. Prediction re-implements
// LIBSVM's svm_predict_values (one-vs-one decision values, voting, ties to
// the first label in LIBSVM's order) — a few lines, and it gives us the
// decision values that libsvm-js does not expose; the tests check it against
// LIBSVM's own predictions.
//
// LIBSVM's precomputed-kernel format: a training row is [ID, K(i,1), …,
// K(i,N)] with ID the 1-based sample number in column 0 — without it LIBSVM
// silently reads kernel values as IDs and predicts garbage. trainPrecomputedSvm
// adds the ID column; callers pass the plain N×N kernel.
// Pure TypeScript: runs in Node and in the browser.
import LibSVM from 'libsvm-js/asm';

export interface SvmOptions {
  /** Cost parameter C. Default 1. */
  C?: number;
  /** LIBSVM stopping tolerance. Default 1e-3. */
  tolerance?: number;
}

export interface RbfSvmOptions extends SvmOptions {
  /** RBF width γ in exp(−γ‖x−y‖²), or 'scale' = 1/(F·Var(X)) like scikit-learn. Default 'scale'. */
  gamma?: number | 'scale';
}

/** A trained C-SVC, as plain data (JSON-serialisable after Array.from on the typed arrays). */
export interface SvmModel {
  kernel: 'precomputed' | 'rbf' | 'linear';
  /** γ of the RBF kernel (rbf only). */
  gamma?: number;
  /** Number of training samples (columns expected in a precomputed kernel row). */
  numTrain: number;
  numFeatures?: number;
  /** Class indices in LIBSVM's internal order (order of first appearance in training). */
  classes: Int32Array;
  /** Support vectors per class, in `classes` order. */
  nSV: Int32Array;
  /** 0-based training indices of the support vectors, grouped by class in `classes` order. */
  svIndices: Int32Array;
  /** Dual coefficients y·α, (classes.length − 1) × totalSV row-major (LIBSVM's sv_coef). */
  svCoef: Float64Array;
  /** Offsets ρ of the one-vs-one sub-problems, in LIBSVM's pair order. */
  rho: Float64Array;
  /** Support vectors' features, totalSV × numFeatures (rbf/linear only). */
  supportVectors?: Float64Array;
}

export interface SvmPrediction {
  labels: Int32Array;
  /**
   * One-vs-one decision values, M × pairs.length row-major. For pair [a, b]
   * (class indices, a < b) a positive value votes for b — so for a binary
   * problem it is the usual f(x) with f > 0 ⇒ class 1.
   */
  decisionValues: Float64Array;
  pairs: [number, number][];
}

function checkLabels(labels: Int32Array | number[], n: number): void {
  if (labels.length !== n) throw new Error(`svm: ${labels.length} labels for ${n} samples`);
  for (let i = 0; i < n; i++)
    if (!Number.isInteger(labels[i]) || labels[i] < 0) throw new Error(`svm: label ${labels[i]} of sample ${i} is not a class index`);
}

function checkC(C: number): void {
  if (!(C > 0) || !Number.isFinite(C)) throw new Error(`svm: C must be a positive number, got ${C}`);
}

/** Parse LIBSVM's model file (svm_save_model format) into our model fields. */
function parseModel(text: string): { classes: Int32Array; nSV: Int32Array; rho: Float64Array; svCoef: Float64Array; svIds: Int32Array; total: number } {
  const lines = text.split('\n');
  let nrClass = 0, total = 0;
  let classes = new Int32Array(0), nSV = new Int32Array(0), rho = new Float64Array(0);
  let i = 0;
  for (; i < lines.length; i++) {
    const [key, ...rest] = lines[i].trim().split(/\s+/);
    if (key === 'SV') break;
    if (key === 'nr_class') nrClass = Number(rest[0]);
    else if (key === 'total_sv') total = Number(rest[0]);
    else if (key === 'rho') rho = Float64Array.from(rest.map(Number));
    else if (key === 'label') classes = Int32Array.from(rest.map(Number));
    else if (key === 'nr_sv') nSV = Int32Array.from(rest.map(Number));
  }
  if (nrClass < 1 || classes.length !== nrClass) throw new Error('svm: could not read the LIBSVM model');
  const k1 = Math.max(nrClass - 1, 0);
  const svCoef = new Float64Array(k1 * total);
  const svIds = new Int32Array(total);
  for (let s = 0; s < total; s++) {
    const tok = lines[++i].trim().split(/\s+/);
    for (let c = 0; c < k1; c++) svCoef[c * total + s] = Number(tok[c]);
    const first = tok[k1];
    svIds[s] = first && first.startsWith('0:') ? Number(first.slice(2)) : -1; // precomputed: "0:ID"
  }
  return { classes, nSV, rho, svCoef, svIds, total };
}

function runLibsvm(samples: Float64Array[], labels: Int32Array | number[], params: ConstructorParameters<typeof LibSVM>[0]) {
  const svm = new LibSVM({ type: LibSVM.SVM_TYPES.C_SVC, quiet: true, shrinking: true, ...params });
  try {
    svm.train(samples, labels);
    const parsed = parseModel(svm.serializeModel());
    const svIndices = Int32Array.from(svm.getSVIndices());
    return { ...parsed, svIndices };
  } finally {
    svm.free();
  }
}

/**
 * Train a C-SVC on a precomputed kernel. K is N × N row-major (K[i·N + j] =
 * k(x_i, x_j)), labels are class indices; multi-class is LIBSVM's one-vs-one.
 */
export function trainPrecomputedSvm(K: Float64Array, labels: Int32Array | number[], opts: SvmOptions = {}): SvmModel {
  const N = labels.length;
  if (N < 1) throw new Error('svm: no training samples');
  if (K.length !== N * N) throw new Error(`svm: kernel has ${K.length} entries, expected ${N}×${N} = ${N * N}`);
  checkLabels(labels, N);
  const C = opts.C ?? 1;
  checkC(C);
  const rows: Float64Array[] = new Array(N);
  for (let i = 0; i < N; i++) {
    const row = new Float64Array(N + 1);
    row[0] = i + 1; // LIBSVM precomputed format: column 0 is the 1-based sample ID
    for (let j = 0; j < N; j++) {
      const v = K[i * N + j];
      if (!Number.isFinite(v)) throw new Error(`svm: kernel entry (${i}, ${j}) is ${v}`);
      row[j + 1] = v;
    }
    rows[i] = row;
  }
  const m = runLibsvm(rows, labels, { kernel: LibSVM.KERNEL_TYPES.PRECOMPUTED, cost: C, tolerance: opts.tolerance });
  // For a precomputed model LIBSVM stores the SV's ID; both must agree.
  for (let s = 0; s < m.total; s++)
    if (m.svIds[s] !== m.svIndices[s] + 1) throw new Error('svm: LIBSVM support-vector IDs do not match their indices');
  return {
    kernel: 'precomputed',
    numTrain: N,
    classes: m.classes,
    nSV: m.nSV,
    svIndices: m.svIndices,
    svCoef: m.svCoef,
    rho: m.rho,
  };
}

function featureSvm(
  features: Float64Array,
  labels: Int32Array | number[],
  numFeatures: number,
  kernel: 'rbf' | 'linear',
  C: number,
  gamma: number | undefined,
  tolerance: number | undefined,
): SvmModel {
  const N = labels.length;
  if (N < 1) throw new Error('svm: no training samples');
  if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new Error(`svm: numFeatures must be a positive integer, got ${numFeatures}`);
  if (features.length !== N * numFeatures) throw new Error(`svm: ${features.length} feature values for ${N} samples × ${numFeatures} features`);
  checkLabels(labels, N);
  checkC(C);
  const rows = Array.from({ length: N }, (_, i) => features.subarray(i * numFeatures, (i + 1) * numFeatures));
  const m = runLibsvm(rows, labels, {
    kernel: kernel === 'rbf' ? LibSVM.KERNEL_TYPES.RBF : LibSVM.KERNEL_TYPES.LINEAR,
    cost: C,
    gamma,
    tolerance,
  });
  const sv = new Float64Array(m.total * numFeatures);
  for (let s = 0; s < m.total; s++) sv.set(rows[m.svIndices[s]], s * numFeatures);
  return {
    kernel,
    gamma: kernel === 'rbf' ? gamma : undefined,
    numTrain: N,
    numFeatures,
    classes: m.classes,
    nSV: m.nSV,
    svIndices: m.svIndices,
    svCoef: m.svCoef,
    rho: m.rho,
    supportVectors: sv,
  };
}

/** scikit-learn's gamma='scale': 1 / (F · Var(X)) over all entries (1/F if X is constant). */
export function scaleGamma(features: Float64Array, numFeatures: number): number {
  let mean = 0;
  for (let i = 0; i < features.length; i++) mean += features[i];
  mean /= features.length;
  let v = 0;
  for (let i = 0; i < features.length; i++) v += (features[i] - mean) ** 2;
  v /= features.length;
  return v > 0 ? 1 / (numFeatures * v) : 1 / numFeatures;
}

/** RBF C-SVC (LIBSVM) on N × numFeatures row-major features. */
export function trainRbfSvm(features: Float64Array, labels: Int32Array | number[], numFeatures: number, opts: RbfSvmOptions = {}): SvmModel {
  const g = opts.gamma ?? 'scale';
  const gamma = g === 'scale' ? scaleGamma(features, numFeatures) : g;
  if (!(gamma > 0)) throw new Error(`svm: gamma must be positive, got ${gamma}`);
  return featureSvm(features, labels, numFeatures, 'rbf', opts.C ?? 1, gamma, opts.tolerance);
}

/** Linear C-SVC (LIBSVM), k(x, y) = x·y. */
export function trainLinearSvm(features: Float64Array, labels: Int32Array | number[], numFeatures: number, opts: SvmOptions = {}): SvmModel {
  return featureSvm(features, labels, numFeatures, 'linear', opts.C ?? 1, undefined, opts.tolerance);
}

/** Class indices of the model's one-vs-one pairs, normalised to a < b, and the sign flip per LIBSVM pair. */
function pairLayout(model: SvmModel): { pairs: [number, number][]; slot: Int32Array; flip: Float64Array } {
  const k = model.classes.length;
  const raw: { a: number; b: number; p: number; flip: number }[] = [];
  let p = 0;
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++, p++) {
      const li = model.classes[i], lj = model.classes[j];
      // LIBSVM: dec > 0 votes for li. Ours: value > 0 votes for the larger class index.
      raw.push(li < lj ? { a: li, b: lj, p, flip: -1 } : { a: lj, b: li, p, flip: 1 });
    }
  raw.sort((x, y) => x.a - y.a || x.b - y.b);
  const slot = new Int32Array(raw.length), flip = new Float64Array(raw.length);
  raw.forEach((r, s) => {
    slot[r.p] = s;
    flip[r.p] = r.flip;
  });
  return { pairs: raw.map((r) => [r.a, r.b]), slot, flip };
}

/** LIBSVM's svm_predict_values for one sample, given k(x, sv_s) for every support vector. */
function predictOne(model: SvmModel, kv: Float64Array, dec: Float64Array, layout: ReturnType<typeof pairLayout>, decOffset: number): number {
  const k = model.classes.length;
  if (k === 1) return model.classes[0];
  const total = model.svIndices.length;
  const start = new Int32Array(k);
  for (let i = 1; i < k; i++) start[i] = start[i - 1] + model.nSV[i - 1];
  const vote = new Int32Array(k);
  let p = 0;
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++, p++) {
      let sum = 0;
      const si = start[i], sj = start[j], ci = model.nSV[i], cj = model.nSV[j];
      const coef1 = (j - 1) * total, coef2 = i * total;
      for (let s = 0; s < ci; s++) sum += model.svCoef[coef1 + si + s] * kv[si + s];
      for (let s = 0; s < cj; s++) sum += model.svCoef[coef2 + sj + s] * kv[sj + s];
      sum -= model.rho[p];
      dec[decOffset + layout.slot[p]] = layout.flip[p] * sum;
      if (sum > 0) vote[i]++;
      else vote[j]++;
    }
  let best = 0;
  for (let i = 1; i < k; i++) if (vote[i] > vote[best]) best = i;
  return model.classes[best];
}

/**
 * Predict from kernel rows between M test points and the N training points
 * (Kx: M × N row-major, Kx[m·N + j] = k(x_m, x_j^train)).
 */
export function predictPrecomputed(model: SvmModel, Kx: Float64Array): SvmPrediction {
  if (model.kernel !== 'precomputed') throw new Error(`predictPrecomputed: model has a '${model.kernel}' kernel`);
  const N = model.numTrain;
  if (Kx.length % N !== 0) throw new Error(`predictPrecomputed: kernel rows must have ${N} entries (one per training sample); got ${Kx.length} values`);
  const M = Kx.length / N;
  const layout = pairLayout(model);
  const P = layout.pairs.length, total = model.svIndices.length;
  const labels = new Int32Array(M), dec = new Float64Array(M * P), kv = new Float64Array(total);
  for (let m = 0; m < M; m++) {
    for (let s = 0; s < total; s++) kv[s] = Kx[m * N + model.svIndices[s]];
    labels[m] = predictOne(model, kv, dec, layout, m * P);
  }
  return { labels, decisionValues: dec, pairs: layout.pairs };
}

/** Predict with an RBF or linear model from M × numFeatures features. */
export function predictSvm(model: SvmModel, features: Float64Array): SvmPrediction {
  if (model.kernel === 'precomputed') throw new Error('predictSvm: use predictPrecomputed for a precomputed-kernel model');
  const F = model.numFeatures!, sv = model.supportVectors!;
  if (features.length % F !== 0) throw new Error(`predictSvm: ${features.length} values is not a multiple of ${F} features`);
  const M = features.length / F;
  const layout = pairLayout(model);
  const P = layout.pairs.length, total = model.svIndices.length;
  const labels = new Int32Array(M), dec = new Float64Array(M * P), kv = new Float64Array(total);
  const gamma = model.gamma ?? 0;
  for (let m = 0; m < M; m++) {
    for (let s = 0; s < total; s++) {
      let acc = 0;
      if (model.kernel === 'rbf') {
        for (let f = 0; f < F; f++) {
          const d = features[m * F + f] - sv[s * F + f];
          acc += d * d;
        }
        kv[s] = Math.exp(-gamma * acc);
      } else {
        for (let f = 0; f < F; f++) acc += features[m * F + f] * sv[s * F + f];
        kv[s] = acc;
      }
    }
    labels[m] = predictOne(model, kv, dec, layout, m * P);
  }
  return { labels, decisionValues: dec, pairs: layout.pairs };
}

/** Alias of predictSvm for RBF models. */
export const predictRbf = predictSvm;

/** RBF kernel matrix between A (Na × F) and B (Nb × F): K[i·Nb + j] = exp(−γ‖a_i − b_j‖²). */
export function rbfKernel(A: Float64Array, B: Float64Array, numFeatures: number, gamma: number): Float64Array {
  const na = A.length / numFeatures, nb = B.length / numFeatures;
  const K = new Float64Array(na * nb);
  for (let i = 0; i < na; i++)
    for (let j = 0; j < nb; j++) {
      let acc = 0;
      for (let f = 0; f < numFeatures; f++) {
        const d = A[i * numFeatures + f] - B[j * numFeatures + f];
        acc += d * d;
      }
      K[i * nb + j] = Math.exp(-gamma * acc);
    }
  return K;
}

/** Linear kernel matrix between A (Na × F) and B (Nb × F). */
export function linearKernel(A: Float64Array, B: Float64Array, numFeatures: number): Float64Array {
  const na = A.length / numFeatures, nb = B.length / numFeatures;
  const K = new Float64Array(na * nb);
  for (let i = 0; i < na; i++)
    for (let j = 0; j < nb; j++) {
      let acc = 0;
      for (let f = 0; f < numFeatures; f++) acc += A[i * numFeatures + f] * B[j * numFeatures + f];
      K[i * nb + j] = acc;
    }
  return K;
}
