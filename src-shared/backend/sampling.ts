// Seeded sampling from a probability vector, for backends that read
// probabilities out (reference, WebGPU). The native core samples in C++.

/** SplitMix64-derived uniform doubles in [0, 1): small, seedable, portable. */
export function uniformStream(seed: number): () => number {
  let s = BigInt.asUintN(64, BigInt(Math.floor(seed)) + 0x9e3779b97f4a7c15n);
  return () => {
    s = BigInt.asUintN(64, s + 0x9e3779b97f4a7c15n);
    let z = s;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    z = z ^ (z >> 31n);
    return Number(z >> 11n) / 2 ** 53;
  };
}

/** `shots` basis-state indices drawn from `probabilities` (renormalised). */
export function sampleFromProbabilities(probabilities: ArrayLike<number>, shots: number, seed: number): Float64Array {
  const n = probabilities.length;
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) cdf[i] = acc += probabilities[i];
  const next = uniformStream(seed);
  const out = new Float64Array(shots);
  for (let s = 0; s < shots; s++) {
    const u = next() * acc;
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    out[s] = lo;
  }
  return out;
}
