// The exact ground energy of a Pauli sum by Lanczos, in TypeScript: the
// classical reference a VQE is judged against when it runs where the native
// engine's Lanczos (native/src/lanczos.cc) is not available — in the window.
// H|ψ⟩ term by term from bit masks: P|i⟩ = i^{nY} (−1)^{|i ∧ z|} |i ⊕ x⟩.
// Plain three-term recurrence (no reorthogonalisation: the lowest Ritz value
// converges first and ghosts only duplicate it), the tridiagonal's lowest
// eigenvalue by Sturm-sequence bisection.
import { pauliTermMasks, validatePauliSum, type PauliSum } from '../observable/pauli';
import { Rng } from '../random';

/** Largest state the TypeScript Lanczos takes (three complex f64 vectors: 48 MiB at 20 qubits). */
export const LANCZOS_MAX_QUBITS = 20;

const popcount = (x: number) => {
  let c = 0;
  for (let v = x >>> 0; v; v &= v - 1) c++;
  return c;
};

/** out = H·v for interleaved complex vectors of 2^n amplitudes. */
function applyH(terms: { x: number; z: number; ny: number; c: number }[], v: Float64Array, out: Float64Array): void {
  out.fill(0);
  const N = v.length / 2;
  for (const t of terms) {
    for (let j = 0; j < N; j++) {
      const i = j ^ t.x;
      let re = v[2 * i], im = v[2 * i + 1];
      // i^{nY}
      switch (t.ny) {
        case 1: [re, im] = [-im, re]; break;
        case 2: [re, im] = [-re, -im]; break;
        case 3: [re, im] = [im, -re]; break;
      }
      const s = popcount(i & t.z) & 1 ? -t.c : t.c;
      out[2 * j] += s * re;
      out[2 * j + 1] += s * im;
    }
  }
}

/** Number of eigenvalues of the symmetric tridiagonal (a, b) below x (Sturm count). */
function countBelow(a: number[], b: number[], x: number): number {
  let count = 0, q = 1;
  for (let k = 0; k < a.length; k++) {
    q = a[k] - x - (k > 0 ? (b[k - 1] * b[k - 1]) / q : 0);
    if (q === 0) q = 1e-300;
    if (q < 0) count++;
  }
  return count;
}

function lowestEigenvalue(a: number[], b: number[]): number {
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < a.length; k++) {
    const r = (k > 0 ? Math.abs(b[k - 1]) : 0) + (k < b.length ? Math.abs(b[k]) : 0);
    lo = Math.min(lo, a[k] - r);
    hi = Math.max(hi, a[k] + r);
  }
  for (let it = 0; it < 200 && hi - lo > 1e-14 * Math.max(1, Math.abs(lo)); it++) {
    const mid = (lo + hi) / 2;
    if (countBelow(a, b, mid) >= 1) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

/** The lowest eigenvalue of H on n qubits (f64), to ~1e-10. */
export function lanczosGroundEnergy(H: PauliSum, numQubits: number, maxIterations = 300): number {
  if (!Number.isInteger(numQubits) || numQubits < 1 || numQubits > LANCZOS_MAX_QUBITS)
    throw new RangeError(`Lanczos in TypeScript takes 1–${LANCZOS_MAX_QUBITS} qubits, got ${numQubits}`);
  validatePauliSum(H, numQubits);
  const terms = H.terms.map((t) => {
    const m = pauliTermMasks(t);
    return { x: m.xMask, z: m.zMask, ny: popcount(m.xMask & m.zMask) % 4, c: t.coeff };
  });
  const N = 2 ** numQubits;
  let v = new Float64Array(2 * N), prev = new Float64Array(2 * N);
  const w = new Float64Array(2 * N);
  const rng = new Rng(12345);
  let norm = 0;
  for (let i = 0; i < 2 * N; i++) norm += (v[i] = rng.next() - 0.5) ** 2;
  norm = Math.sqrt(norm);
  for (let i = 0; i < 2 * N; i++) v[i] /= norm;
  const a: number[] = [], b: number[] = [];
  let last = Infinity, estimate = Infinity;
  for (let k = 0; k < Math.min(maxIterations, 2 * N); k++) {
    applyH(terms, v, w);
    let alpha = 0;
    for (let i = 0; i < 2 * N; i++) alpha += v[i] * w[i]; // Re⟨v|Hv⟩ (H is Hermitian)
    a.push(alpha);
    let beta = 0;
    for (let i = 0; i < 2 * N; i++) {
      w[i] -= alpha * v[i] + (k > 0 ? b[k - 1] * prev[i] : 0);
      beta += w[i] * w[i];
    }
    beta = Math.sqrt(beta);
    estimate = lowestEigenvalue(a, b);
    if (beta < 1e-12 || Math.abs(estimate - last) < 1e-13 * Math.max(1, Math.abs(estimate))) break;
    last = estimate;
    b.push(beta);
    [prev, v] = [v, prev];
    for (let i = 0; i < 2 * N; i++) v[i] = w[i] / beta;
  }
  return estimate;
}
