/**
 * The one generator (`src/ops/rng.ts`) that replaced the data pipeline's `Rng` and
 * training's `SeededRandom`: the data streams are bit-identical to the old `Rng`
 * (values pinned from it), and a checkpoint taken between the two deviates of a
 * polar-method pair resumes with the same draws.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../src/index.js';
import { InvalidArgumentError } from '../src/errors.js';

describe('SeededRandom', () => {
  it('hashed(seed) reproduces the data pipeline stream of the former Rng', () => {
    const r = SeededRandom.hashed(42.5);
    expect([r.next(), r.intBetween(3, 9), r.normal(), r.normal(), r.uniform(-1, 1)]).toEqual([
      0.693705941317603, 5, -1.0864584985375028, -1.0324576597325323, -0.8685959321446717,
    ]);
    expect(SeededRandom.hashed(7).shuffle([0, 1, 2, 3, 4, 5, 6, 7])).toEqual([3, 4, 7, 0, 1, 6, 5, 2]);
  });

  it('a state saved between the two deviates of a normal pair resumes identically', () => {
    const a = new SeededRandom(3);
    a.normal();
    const state = a.getState();
    expect(Array.isArray(state)).toBe(true);
    const expected = [a.normal(), a.normal(), a.next()];
    const b = new SeededRandom(99);
    b.setState(JSON.parse(JSON.stringify(state)));
    expect([b.normal(), b.normal(), b.next()]).toEqual(expected);
  });

  it('int(n) is in [0, n) and intBetween(lo, hi) covers both ends', () => {
    const r = new SeededRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 400; i++) seen.add(r.intBetween(2, 4));
    expect([...seen].sort()).toEqual([2, 3, 4]);
    for (let i = 0; i < 400; i++) expect(r.int(3)).toBeLessThan(3);
  });

  it('rejects seeds and states it cannot use, naming them', () => {
    expect(() => new SeededRandom(1.5)).toThrow(/invalid SeededRandom: seed: expected an integer/);
    expect(() => SeededRandom.hashed(Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => new SeededRandom(0).setState(-1)).toThrow(/invalid SeededRandom.setState: state/);
  });
});
