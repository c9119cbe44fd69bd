// The summary's most likely outcomes come from a selection; it must agree with a full sort.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-shared/random';
import { largestIndices } from '../../src-shared/top-k';

/** The answer by sorting everything: value descending, then index ascending. */
function bySort(values: ArrayLike<number>, k: number, floor = -Infinity): number[] {
  const all = Array.from({ length: values.length }, (_, i) => i).filter((i) => values[i] > floor);
  return all.sort((a, b) => values[b] - values[a] || a - b).slice(0, Math.max(0, k));
}

describe('largestIndices', () => {
  it('equals a full sort on random vectors, with and without ties, for every k up to past N', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + rng.int(200);
      // Few distinct levels make many ties; a continuous draw makes none.
      const levels = trial % 3 === 0 ? 0 : 1 + rng.int(6);
      const v = new Float64Array(n).map(() => (levels ? rng.int(levels) / levels : rng.next()));
      for (const k of [0, 1, 2, 3, 10, n - 1, n, n + 5]) {
        expect(largestIndices(v, k)).toEqual(bySort(v, k));
        expect(largestIndices(v, k, 0.25)).toEqual(bySort(v, k, 0.25));
      }
    }
  });

  it('breaks ties by lower index first, whatever the order values arrive in', () => {
    expect(largestIndices([1, 1, 1, 1], 2)).toEqual([0, 1]);
    expect(largestIndices([0, 2, 1, 2, 1, 2], 4)).toEqual([1, 3, 5, 2]);
    // Ascending input: every entry enters the heap and displaces the root.
    const asc = Float64Array.from({ length: 1000 }, (_, i) => Math.floor(i / 3));
    expect(largestIndices(asc, 5)).toEqual([999, 996, 997, 998, 993]);
  });

  it('skips values at or below the floor and NaN; k past N returns all that qualify', () => {
    expect(largestIndices([0, 1e-13, 0.5, NaN, 0.25], 10, 1e-12)).toEqual([2, 4]);
    expect(largestIndices([], 3)).toEqual([]);
    expect(largestIndices([3, 1, 2], 99)).toEqual([0, 2, 1]);
  });
});
