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

// ---- binomial draws (shot branching at mid-circuit measurements) --------------------------

const LOG_FACTORIAL_TABLE = (() => {
  const t = new Float64Array(16);
  for (let k = 1; k < 16; k++) t[k] = t[k - 1] + Math.log(k);
  return t;
})();

/** ln k! — a table below 16, Stirling's series beyond (error < 1e-14 there). */
export function logFactorial(k: number): number {
  if (k < 16) return LOG_FACTORIAL_TABLE[k];
  const x = k + 1;
  const ix2 = 1 / (x * x);
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + (1 / 12 - ix2 * (1 / 360 - ix2 * (1 / 1260 - ix2 / 1680))) / x;
}

/**
 * One draw from Binomial(n, p), exact (no normal approximation): inversion by
 * geometric waiting times when n·min(p, 1−p) < 10, otherwise Hörmann's BTRS
 * (transformed rejection with squeeze, 1993). `uniform` returns values in [0, 1).
 */
export function binomial(n: number, p: number, uniform: () => number): number {
  if (!(n > 0) || !(p > 0)) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p, uniform);
  const q = 1 - p;
  if (n * p < 10) {
    // Waiting times between successes are geometric: count the successes that fit in n trials.
    const lq = Math.log1p(-p);
    let k = 0, trials = 0;
    for (;;) {
      trials += Math.floor(Math.log(1 - uniform()) / lq) + 1;
      if (trials > n) return k;
      k++;
    }
  }
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = Math.log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = logFactorial(m) + logFactorial(n - m);
  for (;;) {
    const u = uniform() - 0.5;
    let v = uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    v = Math.log((v * alpha) / (a / (us * us) + b));
    if (v <= h - logFactorial(k) - logFactorial(n - k) + (k - m) * lpq) return k;
  }
}
