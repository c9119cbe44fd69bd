// Seeded randomness for workloads, tests and benchmarks (pure-rand's
// xoroshiro128+): the same seed gives the same numbers on every platform.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export class Rng {
  private readonly gen;
  constructor(seed: number) {
    this.gen = xoroshiro128plus(seed | 0);
  }
  /** Uniform in [0, 1). */
  next(): number {
    return uniformFloat64(this.gen);
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next(), v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** k distinct integers from [0, n), in random order. */
  distinct(k: number, n: number): number[] {
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, k);
  }
}
