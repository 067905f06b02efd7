/**
 * Seeded randomness for everything stochastic in the data pipeline (shuffles,
 * crops, noise, degradations, the synthetic generator): a small 32-bit
 * generator (mulberry32) so the same seed gives the same bytes on every
 * platform, and an integer hash for position-based texture noise.
 */
import { InvalidArgumentError } from '../errors.js';

/**
 * Throws unless `seed` is a finite number. Seeds are never coerced: `Math.floor('abc') | 0`
 * is 0, so before this check every string seed silently meant seed 0.
 *
 * @example assertSeed('options.seed', options.seed ?? 0);
 */
export function assertSeed(name: string, seed: unknown): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new InvalidArgumentError(name, 'a finite number (strings are not hashed: pass e.g. 42)', seed);
  }
}

/** A seeded uniform generator with helpers. Not cryptographic.
 *
 * @example const rng = new Rng(42); rng.uniform(0, 1); rng.normal();
 */
export class Rng {
  private state: number;
  private spare: number | null = null;
  /**
   * @param seed any finite number (integer, or float: its bits are mixed in).
   * @throws InvalidArgumentError for anything else: a string seed used to become 0,
   *   so `'abc'` and `'xyz'` gave the same stream.
   */
  constructor(seed: number) {
    assertSeed('seed', seed);
    this.state = hashInts(Math.floor(seed) | 0, Math.floor((seed % 1) * 2 ** 31), 0x9e3779b9) >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Integer uniform in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Standard normal (Marsaglia polar method). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u: number, v: number, s: number;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    return u * m;
  }
  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }
}

/** Mixes up to three 32-bit integers into one (a murmur3-style finaliser).
 *
 * @example hashInts(1, 2, 3) // a uint32
 */
export function hashInts(a: number, b = 0, c = 0): number {
  let h = Math.imul(a ^ 0x85ebca6b, 0xcc9e2d51) ^ Math.imul(b ^ 0x27d4eb2f, 0x1b873593) ^ Math.imul(c ^ 0x165667b1, 0xe6546b64);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Position hash in [0, 1) — white texture noise on an integer lattice.
 *
 * @example hash01(x, y, seed) // in [0,1)
 */
export function hash01(x: number, y: number, seed: number): number {
  return hashInts(x | 0, y | 0, seed) / 4294967296;
}

/** Smooth value noise in [0, 1): bilinear interpolation of {@link hash01} on the integer lattice.
 *
 * @example valueNoise(x / 10, y / 10, seed) // smooth in [0,1)
 */
export function valueNoise(x: number, y: number, seed: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  let fx = x - x0;
  let fy = y - y0;
  fx = fx * fx * (3 - 2 * fx);
  fy = fy * fy * (3 - 2 * fy);
  const a = hash01(x0, y0, seed);
  const b = hash01(x0 + 1, y0, seed);
  const c = hash01(x0, y0 + 1, seed);
  const d = hash01(x0 + 1, y0 + 1, seed);
  return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
}
