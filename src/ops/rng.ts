/**
 * The one seeded random generator of segaware, shared by the data pipeline
 * (shuffles, crops, noise, degradations, the synthetic generator) and
 * training (batch order, sampling, checkpointed streams): mulberry32, whose
 * whole state is one 32-bit integer, so the same seed gives the same numbers
 * on every platform and a checkpoint can store the stream.
 *
 * Also the integer hashes used for position-based texture noise, and
 * {@link tfSeed} for tfjs's own random ops.
 */
import { InvalidArgumentError } from '../errors.js';

/**
 * Throws unless `seed` is a finite number. Seeds are never coerced: `Math.floor('abc') | 0`
 * is 0, so without this check every string seed would silently mean seed 0.
 *
 * @example assertSeed('addFog: options.seed', options.seed ?? 0);
 */
export function assertSeed(name: string, seed: unknown): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new InvalidArgumentError(name, 'a finite number (strings are not hashed: pass e.g. 42)', seed);
  }
}

/**
 * A generator's state: the 32-bit mulberry32 state, or `[state, spare]` while a second
 * normal deviate of the polar method is pending (so a checkpoint taken between the two
 * resumes with the same draw).
 */
export type RandomState = number | [number, number];

/** True when `s` is a {@link RandomState} (used when a checkpoint is read back). */
export function isRandomState(s: unknown): s is RandomState {
  const u32 = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 0xffffffff;
  return u32(s) || (Array.isArray(s) && s.length === 2 && u32(s[0]) && typeof s[1] === 'number' && Number.isFinite(s[1]));
}

/**
 * A seeded, checkpointable random number generator (mulberry32). Not cryptographic.
 *
 * - `new SeededRandom(seed)`: an integer seed is the initial state (`seed >>> 0`).
 * - `SeededRandom.hashed(seed)`: any finite number, its integer and fractional bits mixed
 *   by a murmur3-style hash first, so nearby or fractional seeds start far apart (what the data
 *   pipeline uses).
 *
 * @example
 * const rng = new SeededRandom(42);
 * rng.uniform(0, 1); rng.int(10); rng.intBetween(3, 6); rng.normal(); rng.shuffle([1, 2, 3]);
 * const state = rng.getState(); // store in a checkpoint; rng.setState(state) resumes
 */
export class SeededRandom {
  private state: number;
  private spare: number | null = null;

  /** @param seed any integer; equal seeds give equal streams. */
  constructor(seed = 0) {
    if (!Number.isInteger(seed)) throw new InvalidArgumentError('SeededRandom: seed', 'an integer (use SeededRandom.hashed for any finite number)', seed);
    this.state = seed >>> 0;
  }

  /** A generator seeded from any finite number, its bits mixed first (see the class doc). */
  static hashed(seed: number): SeededRandom {
    assertSeed('SeededRandom.hashed: seed', seed);
    return new SeededRandom(hashInts(Math.floor(seed) | 0, Math.floor((seed % 1) * 2 ** 31), 0x9e3779b9));
  }

  /** The generator's state (store it in a checkpoint). */
  getState(): RandomState {
    return this.spare === null ? this.state : [this.state, this.spare];
  }

  /** Restores a state returned by {@link getState}. */
  setState(state: RandomState): void {
    if (!isRandomState(state)) throw new InvalidArgumentError('SeededRandom.setState: state', 'an integer in [0, 2³²) or [state, spare]', state);
    if (Array.isArray(state)) [this.state, this.spare] = [state[0] >>> 0, state[1]];
    else [this.state, this.spare] = [state >>> 0, null];
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi] (both inclusive, like Python's `randint`). */
  intBetween(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Standard normal deviate (Marsaglia's polar method; deviates come in pairs, the second is kept for the next call). */
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

  /** A fresh integer seed for tfjs random ops (`tf.randomNormal(shape, 0, 1, 'float32', rng.seed())`); never 0 (see {@link tfSeed}). */
  seed(): number {
    return tfSeed(this.int(2 ** 31));
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/** What {@link tfSeed} uses for a seed of 0. */
const ZERO_SEED = 0x9e3779b9;

/**
 * A seed for tfjs's random ops (`randomNormal`, `randomUniform`, …). tfjs seeds its generator
 * with `seed ? seed : Math.random()`, so a seed of 0 silently gives a different draw on every
 * run; this maps 0 to a fixed non-zero value and leaves every other seed (and `undefined`,
 * meaning "random") as it is.
 *
 * @example
 * tf.randomNormal([3, 3], 0, 1, 'float32', tfSeed(0)); // the same values on every run
 */
export function tfSeed(seed: number): number;
export function tfSeed(seed: number | undefined): number | undefined;
export function tfSeed(seed: number | undefined): number | undefined {
  return seed === 0 ? ZERO_SEED : seed;
}

/** Mixes up to three 32-bit integers into one uint32 (a murmur3-style finaliser). */
export function hashInts(a: number, b = 0, c = 0): number {
  let h = Math.imul(a ^ 0x85ebca6b, 0xcc9e2d51) ^ Math.imul(b ^ 0x27d4eb2f, 0x1b873593) ^ Math.imul(c ^ 0x165667b1, 0xe6546b64);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Position hash in [0, 1): white texture noise on an integer lattice. */
export function hash01(x: number, y: number, seed: number): number {
  return hashInts(x | 0, y | 0, seed) / 4294967296;
}

/** Smooth value noise in [0, 1): smoothstep-bilinear interpolation of {@link hash01} on the integer lattice. */
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
