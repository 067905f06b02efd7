import { describe, expect, it } from 'vitest';
import { SegawareError } from '../src/errors.js';
import { NanGuard, NonFiniteGradientError, NonFiniteLossError, assertFiniteTerms } from '../src/train/index.js';

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

  it('names a term rather than the total it spoils, and lists every bad entry', () => {
    const guard = new NanGuard('ckpt/9');
    let err: NonFiniteLossError | undefined;
    try {
      guard.check(4, { g_total: Number.NaN, g_l1: 0.2, g_gan: Number.NaN, g_tv: -Infinity });
    } catch (e) {
      err = e as NonFiniteLossError;
    }
    expect(err?.term).toBe('g_gan');
    expect(Number.isNaN(err?.value)).toBe(true);
    expect(err?.nonFinite).toEqual(['g_gan', 'g_tv', 'g_total']);
    expect(err?.message).toMatch(/step 4: term "g_gan" is NaN \(also: g_tv\); g_total is NaN; last good checkpoint: ckpt\/9/);
    expect(guard.lastGoodStep).toBe(-1);
  });

  it('NonFiniteGradientError says which variables hold a non-finite gradient, or that the norm overflowed', () => {
    const e = new NonFiniteGradientError(5, 'd_grad_norm', Number.NaN, null, { d_total: 0.3, d_grad_norm: Number.NaN }, 'd_total', ['D/conv/kernel']);
    expect(e).toBeInstanceOf(NonFiniteLossError);
    expect(e.variables).toEqual(['D/conv/kernel']);
    expect(e.message).toMatch(/step 5: term "d_grad_norm" is NaN: the gradient of d_total is non-finite in D\/conv\/kernel although d_total is finite; no checkpoint/);
    const overflow = new NonFiniteGradientError(-1, 'grad_norm', Infinity, 'c', { total: 1, grad_norm: Infinity }, 'total', []);
    expect(overflow.message).toMatch(/^segaware: non-finite loss: term "grad_norm" is Infinity: the gradient norm of total overflowed float32/);
  });
});
