import { describe, expect, it } from 'vitest';
import { SegawareError } from '../src/errors.js';
import { NanGuard, NonFiniteLossError, assertFiniteTerms } from '../src/train/index.js';

describe('NaN/Inf guard', () => {
  it('fires on the first non-finite term with its name, the step and the last good checkpoint', () => {
    const guard = new NanGuard();
    guard.check(1, { d_total: 0.7, g_total: 2 });
    guard.recordCheckpoint('out/ckpt-000100');
    guard.check(100, { d_total: 0.6, g_total: 1.9 });
    expect(guard.lastGoodStep).toBe(100);
    let err: unknown;
    try {
      guard.check(120, { d_total: 0.5, g_perceptual: Infinity, g_l1: Number.NaN });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect(err).toBeInstanceOf(SegawareError);
    const e = err as NonFiniteLossError;
    expect(e.step).toBe(120);
    expect(e.term).toBe('g_perceptual');
    expect(e.value).toBe(Infinity);
    expect(e.lastCheckpoint).toBe('out/ckpt-000100');
    expect(e.message).toMatch(/step 120/);
    expect(e.message).toMatch(/"g_perceptual" is Infinity/);
    expect(e.message).toMatch(/out\/ckpt-000100/);
    expect(guard.lastGoodStep).toBe(100);
  });

  it('names NaN and says when no checkpoint exists yet', () => {
    expect(() => assertFiniteTerms(3, { a: 1, b: Number.NaN })).toThrow(/term "b" is NaN; no checkpoint has been written yet/);
    expect(() => assertFiniteTerms(3, { a: -Infinity }, 'x.ckpt')).toThrow(/"a" is -Infinity; last good checkpoint: x\.ckpt/);
    expect(() => assertFiniteTerms(3, { a: 0, b: 1e30 })).not.toThrow();
    expect(() => assertFiniteTerms(3, { a: '1' as never })).toThrow(/terms\.a/);
  });
});
