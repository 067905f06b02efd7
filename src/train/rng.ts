/**
 * A small seeded pseudo-random generator whose whole state is one 32-bit
 * integer, so it can be stored in a checkpoint and a resumed run draws the
 * same numbers (batch order, crops, noise seeds) as an uninterrupted one.
 * Algorithm: mulberry32 (Tommy Ettinger's public-domain generator).
 */
import { assertNumber } from '../validate.js';

/** A seeded, checkpointable random number generator. */
export class SeededRandom {
  private state: number;

  /** @param seed any integer; equal seeds give equal streams. */
  constructor(seed = 0) {
    assertNumber('seed', seed, { integer: true });
    this.state = seed >>> 0;
  }

  /** The generator's state (store it in a checkpoint). */
  getState(): number {
    return this.state;
  }

  /** Restores a state returned by {@link getState}. */
  setState(state: number): void {
    assertNumber('state', state, { integer: true, min: 0, max: 0xffffffff });
    this.state = state >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal sample (Box–Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
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
