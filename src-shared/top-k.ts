// The k largest entries of a large vector (a state's 2^n probabilities) by
// selection: one pass with a bounded min-heap, O(N log k), never a sort of
// all N. Order: largest first, equal values by lower index first.

/**
 * Indices of the k largest values above `floor`, largest first; equal
 * values in index order. Fewer than k when fewer values exceed the floor.
 */
export function largestIndices(values: ArrayLike<number>, k: number, floor = -Infinity): number[] {
  const size = Math.min(Math.max(0, Math.floor(k)), values.length);
  if (size === 0) return [];
  // A min-heap of the kept entries; the root is the worst: the smallest value,
  // of equal values the highest index. Values are kept beside their indices
  // so that sifting never reads the large vector.
  const val = new Float64Array(size);
  const idx = new Float64Array(size);
  let n = 0;
  // Entries enter in index order: a value equal to the root's comes later and loses the tie.
  let entry = floor;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v > entry)) continue; // the common case, and NaN
    if (n < size) {
      // Fill: sift up. A kept equal value has a lower index, so the new entry is the worse one and rises past it.
      let at = n++;
      while (at > 0) {
        const up = (at - 1) >> 1;
        if (val[up] < v) break;
        val[at] = val[up]; idx[at] = idx[up];
        at = up;
      }
      val[at] = v; idx[at] = i;
      if (n === size) entry = val[0];
    } else {
      // Replace the root, sift down: the child to swap with is the worse one (smaller value, then higher index).
      let at = 0;
      for (;;) {
        const l = 2 * at + 1;
        if (l >= n) break;
        let c = l;
        const r = l + 1;
        if (r < n && (val[r] < val[l] || (val[r] === val[l] && idx[r] > idx[l]))) c = r;
        // A child of equal value has a lower index: it is better, and stays below.
        if (!(val[c] < v)) break;
        val[at] = val[c]; idx[at] = idx[c];
        at = c;
      }
      val[at] = v; idx[at] = i;
      entry = val[0];
    }
  }
  const out = Array.from(idx.subarray(0, n));
  return out.sort((a, b) => values[b] - values[a] || a - b);
}
