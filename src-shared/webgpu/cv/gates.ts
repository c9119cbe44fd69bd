// The truncated Fock-space gate matrices and their angle derivatives, in f64
// on the host: the same recurrences as the native core (fock_kernels.inl,
// thewalrus' exact matrix elements — NOT exp of a truncated generator), so the
// GPU runs what the native simulator runs. Checked against the addon's
// cvGateMatrix in test/conformance/webgpu-cv.test.ts.
//
// Compact layouts (what the GPU kernels read), interleaved complex:
//   dense (Displacement, Squeezing): D×D, element [m·D + n] = ⟨m|U|n⟩
//   diagonal (Rotation, Kerr):       D phases, element [n] = ⟨n|U|n⟩
//   Beamsplitter: block-diagonal in N = n_mode0 + n_mode1 (photon number is
//     conserved): block N has rows/cols m ∈ [lo, lo + size) of n_mode0, element
//     (m, p) at off + (m − lo)·size + (p − lo) (bsBlocks below).
import type { CvGateKind } from './circuit';

export type OpType = 'dense' | 'bs' | 'diag';
export const opType = (k: CvGateKind): OpType => (k === 'Beamsplitter' ? 'bs' : k === 'Rotation' || k === 'Kerr' ? 'diag' : 'dense');

/** Σ_{k=1..n} k²: offset of beamsplitter block n (n < D). */
const sumSq = (n: number) => (n * (n + 1) * (2 * n + 1)) / 6;

export interface BsBlocks {
  lo: number[];
  size: number[];
  off: number[];
  total: number;
  /** Recurrence per block element (element 0 is the seed): sources in block N−1 and factors. */
  src1: Int32Array;
  src2: Int32Array;
  f1: Float64Array;
  f2: Float64Array;
  p0: Uint8Array;
}

const blocksCache = new Map<number, BsBlocks>();

/** The beamsplitter's photon-number blocks for cutoff D (offsets also in closed form in the WGSL). */
export function bsBlocks(D: number): BsBlocks {
  let b = blocksCache.get(D);
  if (b) return b;
  const lo: number[] = [], size: number[] = [], off: number[] = [];
  let total = 0;
  for (let N = 0; N < 2 * D - 1; N++) {
    const l = N >= D ? N - (D - 1) : 0, h = Math.min(N, D - 1);
    lo.push(l);
    size.push(h - l + 1);
    off.push(total);
    total += (h - l + 1) ** 2;
  }
  const src1 = new Int32Array(total), src2 = new Int32Array(total), f1 = new Float64Array(total), f2 = new Float64Array(total), p0 = new Uint8Array(total);
  const isq = (n: number) => (n ? 1 / Math.sqrt(n) : 0);
  for (let N = 1; N < 2 * D - 1; N++) {
    const l = lo[N], sz = size[N], boff = off[N], plo = lo[N - 1], psz = size[N - 1], poff = off[N - 1];
    for (let mi = 0; mi < sz; mi++)
      for (let pi = 0; pi < sz; pi++) {
        const m = l + mi, n = N - m, pp = l + pi, q = N - pp, idx = boff + mi * sz + pi;
        p0[idx] = pp === 0 ? 1 : 0;
        const pc = (pp >= 1 ? pp - 1 : 0) - plo;
        const k = pp >= 1 ? isq(pp) : isq(q);
        if (m >= 1) {
          src1[idx] = poff + (m - 1 - plo) * psz + pc;
          f1[idx] = Math.sqrt(m) * k;
        }
        if (n >= 1) {
          src2[idx] = poff + (m - plo) * psz + pc;
          f2[idx] = Math.sqrt(n) * k;
        }
      }
  }
  b = { lo, size, off, total, src1, src2, f1, f2, p0 };
  blocksCache.set(D, b);
  return b;
}

/** Offset of beamsplitter block N, as the WGSL computes it. */
export function bsBlockOffset(N: number, D: number): number {
  return N < D ? sumSq(N) : sumSq(D) + sumSq(D - 1) - sumSq(2 * D - 1 - N);
}

/** Complex entries of one gate in its compact layout. */
export function opEntries(type: OpType, D: number): number {
  return type === 'dense' ? D * D : type === 'diag' ? D : bsBlocks(D).total;
}

/** Where `build` writes: an array and an offset in complex entries. */
export interface Target {
  out: Float32Array | Float64Array;
  at: number;
}

/**
 * Builds gates of one cutoff into caller-owned arrays (reused scratch: the
 * GPU path builds one matrix per gate per batch row).
 */
export class CvGateBuilder {
  private readonly A: Float64Array;
  private readonly dA: Float64Array;
  private readonly sq: Float64Array;
  private readonly isq: Float64Array;
  private readonly blocks: BsBlocks;
  // Phase multiplicities k of e^{iφk} per element: m − n (displacement),
  // (m − n)/2 (squeezing: m − n is even wherever the element is non-zero), p − m (beamsplitter).
  private readonly kDisp: Float64Array;
  private readonly kSqz: Float64Array;
  private readonly kBs: Float64Array;

  constructor(readonly cutoff: number) {
    const D = cutoff;
    this.blocks = bsBlocks(D);
    this.kDisp = Float64Array.from({ length: D * D }, (_, i) => Math.floor(i / D) - (i % D));
    this.kSqz = this.kDisp.map((k) => k / 2);
    const bl = this.blocks;
    this.kBs = new Float64Array(bl.total);
    for (let N = 0; N < bl.lo.length; N++)
      for (let mi = 0; mi < bl.size[N]; mi++) for (let pi = 0; pi < bl.size[N]; pi++) this.kBs[bl.off[N] + mi * bl.size[N] + pi] = pi - mi;
    const big = Math.max(D * D, this.blocks.total);
    this.A = new Float64Array(big);
    this.dA = new Float64Array(big);
    this.sq = Float64Array.from({ length: D + 2 }, (_, n) => Math.sqrt(n));
    this.isq = Float64Array.from({ length: D + 2 }, (_, n) => (n ? 1 / Math.sqrt(n) : 0));
  }

  /**
   * U(a, b) into `u`, and where given ∂U/∂a into `da` and ∂U/∂b into `db`
   * (compact layout of the kind; b is unused by Rotation and Kerr).
   */
  build(kind: CvGateKind, a: number, b: number, u: Target, da: Target | null = null, db: Target | null = null): void {
    switch (kind) {
      case 'Displacement':
        this.realDisplacement(a);
        return this.phased(this.kDisp, b, u, da, db);
      case 'Squeezing':
        this.realSqueezing(a);
        return this.phased(this.kSqz, b, u, da, db);
      case 'Beamsplitter':
        this.realBeamsplitter(a);
        return this.phased(this.kBs, b, u, da, db);
      case 'Rotation':
      case 'Kerr': {
        const D = this.cutoff;
        for (let n = 0; n < D; n++) {
          const w = kind === 'Kerr' ? n * n : n;
          const c = Math.cos(w * a), s = Math.sin(w * a);
          put(u, n, c, s);
          if (da) put(da, n, -w * s, w * c); // ∂/∂θ e^{iwθ} = i w e^{iwθ}
        }
        if (db) for (let n = 0; n < D; n++) put(db, n, 0, 0);
        return;
      }
    }
  }

  /** U = A·e^{iφk}, ∂U/∂a = dA·e^{iφk}, ∂U/∂φ = i k U. */
  private phased(k: Float64Array, phi: number, u: Target, da: Target | null, db: Target | null): void {
    const A = this.A, dA = this.dA;
    for (let i = 0; i < k.length; i++) {
      const ki = k[i];
      const c = Math.cos(ki * phi), s = Math.sin(ki * phi);
      const re = A[i] * c, im = A[i] * s;
      put(u, i, re, im);
      if (da) put(da, i, dA[i] * c, dA[i] * s);
      if (db) put(db, i, -ki * im, ki * re);
    }
  }

  // Displacement at φ = 0 (real), from D a† = (a† − α*) D:
  //   d_00 = e^{−r²/2},  d_m0 = r/√m d_{m−1,0},  d_mn = (−r d_{m,n−1} + √m d_{m−1,n−1}) / √n.
  private realDisplacement(r: number): void {
    const D = this.cutoff, A = this.A, dA = this.dA, sq = this.sq, isq = this.isq;
    A[0] = Math.exp(-0.5 * r * r);
    dA[0] = -r * A[0];
    for (let m = 1; m < D; m++) {
      const a = A[(m - 1) * D], da = dA[(m - 1) * D], k = isq[m];
      A[m * D] = k * r * a;
      dA[m * D] = k * (a + r * da);
    }
    for (let m = 0; m < D; m++)
      for (let n = 1; n < D; n++) {
        const k = isq[n], a = A[m * D + n - 1], da = dA[m * D + n - 1];
        if (m === 0) {
          A[n] = k * (-r * a);
          dA[n] = k * (-a - r * da);
        } else {
          const bb = A[(m - 1) * D + n - 1], db = dA[(m - 1) * D + n - 1];
          A[m * D + n] = k * (-r * a + sq[m] * bb);
          dA[m * D + n] = k * (-a - r * da + sq[m] * db);
        }
      }
  }

  // Squeezing at φ = 0 (real):
  //   s_00 = √sech r,  s_m0 = −√((m−1)/m) tanh r s_{m−2,0} (m even),
  //   s_mn = (√m sech r s_{m−1,n−1} + √(n−1) tanh r s_{m,n−2}) / √n (m + n even).
  private realSqueezing(r: number): void {
    const D = this.cutoff, A = this.A, dA = this.dA, sq = this.sq, isq = this.isq;
    const sech = 1 / Math.cosh(r), t = Math.tanh(r), dsech = -sech * t, dt = sech * sech;
    A.fill(0, 0, D * D);
    dA.fill(0, 0, D * D);
    A[0] = Math.sqrt(sech);
    dA[0] = -0.5 * A[0] * t;
    for (let m = 2; m < D; m += 2) {
      const k = sq[m - 1] * isq[m], a = A[(m - 2) * D], da = dA[(m - 2) * D];
      A[m * D] = -k * t * a;
      dA[m * D] = -k * (dt * a + t * da);
    }
    for (let m = 0; m < D; m++)
      for (let n = 1; n < D; n++) {
        if ((m + n) & 1) continue;
        const k = isq[n];
        let o = 0, d = 0;
        if (m >= 1) {
          const bb = A[(m - 1) * D + n - 1], db = dA[(m - 1) * D + n - 1], sm = sq[m] * k;
          o += sm * sech * bb;
          d += sm * (dsech * bb + sech * db);
        }
        if (n >= 2) {
          const a = A[m * D + n - 2], da = dA[m * D + n - 2], sn = sq[n - 1] * k;
          o += sn * t * a;
          d += sn * (dt * a + t * da);
        }
        A[m * D + n] = o;
        dA[m * D + n] = d;
      }
  }

  // Beamsplitter at φ = 0 (real), blocks of fixed N = m + n = p + q, from
  // BS a_j† BS† = c a_j† + s a_k†, BS a_k† BS† = c a_k† − s a_j†:
  //   p ≥ 1: b_{mn,pq} = (c √m b_{m−1 n, p−1 q} + s √n b_{m n−1, p−1 q}) / √p
  //   p = 0: b_{mn,0q} = (−s √m b_{m−1 n, 0 q−1} + c √n b_{m n−1, 0 q−1}) / √q
  private realBeamsplitter(theta: number): void {
    const bl = this.blocks, A = this.A, dA = this.dA;
    const c = Math.cos(theta), s = Math.sin(theta);
    A[0] = 1;
    dA[0] = 0;
    for (let idx = 1; idx < bl.total; idx++) {
      const i1 = bl.src1[idx], i2 = bl.src2[idx], f1 = bl.f1[idx], f2 = bl.f2[idx];
      const a1 = A[i1], da1 = dA[i1], a2 = A[i2], da2 = dA[i2];
      if (!bl.p0[idx]) {
        A[idx] = f1 * c * a1 + f2 * s * a2;
        dA[idx] = f1 * (c * da1 - s * a1) + f2 * (c * a2 + s * da2);
      } else {
        A[idx] = f2 * c * a2 - f1 * s * a1;
        dA[idx] = f2 * (c * da2 - s * a2) - f1 * (c * a1 + s * da1);
      }
    }
  }
}

function put(t: Target, i: number, re: number, im: number): void {
  t.out[2 * (t.at + i)] = re;
  t.out[2 * (t.at + i) + 1] = im;
}

/**
 * The full matrix of one gate, as the native addon's cvGateMatrix returns it
 * (interleaved complex, row-major): D×D for single-mode gates, D²×D² for the
 * beamsplitter with basis index n_mode0 + D·n_mode1.
 */
export function cvGateMatrix(kind: CvGateKind, a: number, b: number, cutoff: number): Float64Array {
  const D = cutoff;
  const type = opType(kind);
  const compact = new Float64Array(2 * opEntries(type, D));
  new CvGateBuilder(D).build(kind, a, b, { out: compact, at: 0 });
  if (type === 'dense') return compact;
  if (type === 'diag') {
    const out = new Float64Array(2 * D * D);
    for (let n = 0; n < D; n++) {
      out[2 * (n * D + n)] = compact[2 * n];
      out[2 * (n * D + n) + 1] = compact[2 * n + 1];
    }
    return out;
  }
  const bl = bsBlocks(D), D2 = D * D;
  const out = new Float64Array(2 * D2 * D2);
  for (let N = 0; N < bl.lo.length; N++) {
    const lo = bl.lo[N], sz = bl.size[N];
    for (let mi = 0; mi < sz; mi++)
      for (let pi = 0; pi < sz; pi++) {
        const m = lo + mi, p = lo + pi;
        const row = m + D * (N - m), col = p + D * (N - p), e = bl.off[N] + mi * sz + pi;
        out[2 * (row * D2 + col)] = compact[2 * e];
        out[2 * (row * D2 + col) + 1] = compact[2 * e + 1];
      }
  }
  return out;
}
