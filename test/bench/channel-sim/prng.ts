/**
 * Deterministic pseudo-random numbers for the channel simulator (never Math.random).
 *
 * mulberry32 (Tommy Ettinger's 32-bit generator, public domain): one 32-bit word of state, period
 * 2^32, good enough for workload generation. Streams are derived from a master seed and a label
 * with a 32-bit FNV-1a hash, so each topology and each payment sequence has its own stream and
 * adding one never shifts another.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A new stream for `label` under `seed`. */
  static derive(seed: number, ...label: (string | number)[]): Rng {
    let h = 0x811c9dc5 ^ (seed >>> 0);
    for (const ch of label.join('/')) {
      h ^= ch.charCodeAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    // Mix the seed's bytes in too, so that nearby seeds give unrelated streams.
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    return new Rng((h ^ (h >>> 16)) >>> 0);
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive), unbiased (rejection sampling). */
  int(lo: number, hi: number): number {
    const span = hi - lo + 1;
    if (!(span >= 1 && span <= 4294967296)) throw new Error(`bad range [${lo}, ${hi}]`);
    const limit = 4294967296 - (4294967296 % span);
    let x: number;
    do x = this.nextU32();
    while (x >= limit);
    return lo + (x % span);
  }

  /** Exponential with mean 1. */
  exp(): number {
    return -Math.log(1 - this.next());
  }
}

/** Draws indices with probability proportional to fixed non-negative weights (binary search on prefix sums). */
export class WeightedChoice {
  private readonly prefix: number[];

  constructor(weights: readonly number[]) {
    let sum = 0;
    this.prefix = weights.map((w) => (sum += w));
    if (!(sum > 0)) throw new Error('weights must have a positive sum');
  }

  pick(rng: Rng): number {
    const x = rng.next() * this.prefix[this.prefix.length - 1];
    let lo = 0;
    let hi = this.prefix.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.prefix[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
