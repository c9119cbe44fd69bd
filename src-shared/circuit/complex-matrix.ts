// Small dense complex matrices as interleaved (re, im) row-major Float64Arrays.
// Used by the gate library, lowering and the reference backend; sizes are tiny
// (at most 2^6 × 2^6), so clarity beats speed here.

export type CMatrix = Float64Array;

export function dimOf(m: CMatrix): number {
  return Math.round(Math.sqrt(m.length / 2));
}

/** Build from rows of [re, im] pairs. */
export function cmat(rows: [number, number][][]): CMatrix {
  const d = rows.length;
  const m = new Float64Array(2 * d * d);
  rows.forEach((row, i) =>
    row.forEach(([re, im], j) => {
      m[2 * (i * d + j)] = re;
      m[2 * (i * d + j) + 1] = im;
    }),
  );
  return m;
}

export function identity(d: number): CMatrix {
  const m = new Float64Array(2 * d * d);
  for (let i = 0; i < d; i++) m[2 * (i * d + i)] = 1;
  return m;
}

export function matmul(a: CMatrix, b: CMatrix): CMatrix {
  const d = dimOf(a);
  const c = new Float64Array(2 * d * d);
  for (let i = 0; i < d; i++)
    for (let k = 0; k < d; k++) {
      const ar = a[2 * (i * d + k)], ai = a[2 * (i * d + k) + 1];
      if (ar === 0 && ai === 0) continue;
      for (let j = 0; j < d; j++) {
        const br = b[2 * (k * d + j)], bi = b[2 * (k * d + j) + 1];
        c[2 * (i * d + j)] += ar * br - ai * bi;
        c[2 * (i * d + j) + 1] += ar * bi + ai * br;
      }
    }
  return c;
}

export function adjoint(a: CMatrix): CMatrix {
  const d = dimOf(a);
  const c = new Float64Array(2 * d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      c[2 * (j * d + i)] = a[2 * (i * d + j)];
      c[2 * (j * d + i) + 1] = -a[2 * (i * d + j) + 1];
    }
  return c;
}

/** Kronecker product a ⊗ b: a acts on the high index bits, b on the low ones. */
export function kron(a: CMatrix, b: CMatrix): CMatrix {
  const da = dimOf(a), db = dimOf(b), d = da * db;
  const c = new Float64Array(2 * d * d);
  for (let i1 = 0; i1 < da; i1++)
    for (let j1 = 0; j1 < da; j1++) {
      const ar = a[2 * (i1 * da + j1)], ai = a[2 * (i1 * da + j1) + 1];
      for (let i2 = 0; i2 < db; i2++)
        for (let j2 = 0; j2 < db; j2++) {
          const br = b[2 * (i2 * db + j2)], bi = b[2 * (i2 * db + j2) + 1];
          const idx = 2 * ((i1 * db + i2) * d + (j1 * db + j2));
          c[idx] = ar * br - ai * bi;
          c[idx + 1] = ar * bi + ai * br;
        }
    }
  return c;
}

export function scale(a: CMatrix, re: number, im = 0): CMatrix {
  const c = new Float64Array(a.length);
  for (let i = 0; i < a.length; i += 2) {
    c[i] = a[i] * re - a[i + 1] * im;
    c[i + 1] = a[i] * im + a[i + 1] * re;
  }
  return c;
}

export function add(a: CMatrix, b: CMatrix): CMatrix {
  const c = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) c[i] = a[i] + b[i];
  return c;
}

/** Largest entry-wise modulus of a − b. */
export function maxDiff(a: CMatrix, b: CMatrix): number {
  let m = 0;
  for (let i = 0; i < a.length; i += 2) m = Math.max(m, Math.hypot(a[i] - b[i], a[i + 1] - b[i + 1]));
  return m;
}

/**
 * Reorder a matrix given on `order` (bit j of an index ↔ order[j]) to act on
 * the same qubits sorted ascending. Returns the sorted qubits and the matrix.
 */
export function toSortedQubits(m: CMatrix, order: number[]): { qubits: number[]; matrix: CMatrix } {
  const k = order.length;
  const sorted = [...order].sort((x, y) => x - y);
  const pos = order.map((q) => sorted.indexOf(q)); // bit j of old index → bit pos[j] of new
  const d = 1 << k;
  const perm = new Array<number>(d);
  for (let i = 0; i < d; i++) {
    let p = 0;
    for (let j = 0; j < k; j++) if (i & (1 << j)) p |= 1 << pos[j];
    perm[i] = p;
  }
  const out = new Float64Array(2 * d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      out[2 * (perm[i] * d + perm[j])] = m[2 * (i * d + j)];
      out[2 * (perm[i] * d + perm[j]) + 1] = m[2 * (i * d + j) + 1];
    }
  return { qubits: sorted, matrix: out };
}

/** Same as toSortedQubits for a diagonal (2^k complex entries). */
export function diagonalToSortedQubits(diag: Float64Array, order: number[], complex = true): { qubits: number[]; diagonal: Float64Array } {
  const k = order.length;
  const sorted = [...order].sort((x, y) => x - y);
  const pos = order.map((q) => sorted.indexOf(q));
  const d = 1 << k;
  const w = complex ? 2 : 1;
  const out = new Float64Array(w * d);
  for (let i = 0; i < d; i++) {
    let p = 0;
    for (let j = 0; j < k; j++) if (i & (1 << j)) p |= 1 << pos[j];
    for (let c = 0; c < w; c++) out[w * p + c] = diag[w * i + c];
  }
  return { qubits: sorted, diagonal: out };
}
