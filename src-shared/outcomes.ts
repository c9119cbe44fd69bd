// Measurement outcomes as a reader wants them: bitstrings (qubit 0
// rightmost, as Qiskit prints them), the most likely outcomes of a large
// state found by selection rather than sorting 2^n probabilities, and counts
// ordered for a histogram.

/** Index → bitstring of n bits, qubit 0 rightmost: bitstring(1, 3) = '001'. */
export const bitstring = (index: number, n: number) => index.toString(2).padStart(n, '0');

/**
 * The k largest probabilities with their indices, most likely first: a
 * min-heap of size k over one pass (O(2^n log k)), not a sort of all 2^n.
 * Ties keep the lower index. Zero probabilities are never returned.
 */
export function topOutcomes(probabilities: ArrayLike<number>, k: number): { index: number; p: number }[] {
  const heapI = new Int32Array(Math.max(0, k)), heapP = new Float64Array(Math.max(0, k));
  let size = 0;
  // a root that is smaller (or equal and of a higher index) goes first
  const less = (a: number, b: number) => heapP[a] < heapP[b] || (heapP[a] === heapP[b] && heapI[a] > heapI[b]);
  const swap = (a: number, b: number) => {
    [heapI[a], heapI[b]] = [heapI[b], heapI[a]];
    [heapP[a], heapP[b]] = [heapP[b], heapP[a]];
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < size && less(l, m)) m = l;
      if (r < size && less(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let i = 0; i < probabilities.length && k > 0; i++) {
    const p = probabilities[i];
    if (!(p > 0)) continue;
    if (size < k) {
      heapI[size] = i;
      heapP[size] = p;
      let c = size++;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (!less(c, parent)) break;
        swap(c, parent);
        c = parent;
      }
    } else if (p > heapP[0]) {
      heapI[0] = i;
      heapP[0] = p;
      down(0);
    }
  }
  const out = Array.from({ length: size }, (_, j) => ({ index: heapI[j], p: heapP[j] }));
  return out.sort((a, b) => b.p - a.p || a.index - b.index);
}

/** How a circuit run's probabilities are stored for more than 12 qubits: the most likely outcomes only. */
export interface TopProbabilities {
  qubits: number;
  /** Of 2^qubits outcomes, these are the `bitstrings.length` most likely, most likely first. */
  bitstrings: string[];
  probabilities: number[];
  /** Their total probability (what the rest leaves out: 1 − covered). */
  covered: number;
}

export const TOP_OUTCOMES = 64;

export function topProbabilities(probabilities: ArrayLike<number>, qubits: number, k = TOP_OUTCOMES): TopProbabilities {
  const top = topOutcomes(probabilities, k);
  return {
    qubits,
    bitstrings: top.map((t) => bitstring(t.index, qubits)),
    probabilities: top.map((t) => t.p),
    covered: top.reduce((a, t) => a + t.p, 0),
  };
}

/** Bars for a histogram: every outcome in bitstring order when there are few, else the `max` most frequent, most frequent first. */
export function histogramBars(entries: [string, number][], max = 32): { labels: string[]; values: number[]; partial: boolean } {
  const valid = entries.filter(([, v]) => typeof v === 'number' && Number.isFinite(v) && v > 0);
  const partial = valid.length > max;
  const picked = partial ? [...valid].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, max) : [...valid].sort((a, b) => a[0].localeCompare(b[0]));
  return { labels: picked.map((e) => e[0]), values: picked.map((e) => e[1]), partial };
}
