/**
 * The comparison of the browser fixture test: the Node suite's `expectClose` rule —
 * max |actual − expected| ≤ rtol · max |expected| — made NaN/∞-aware, because metrics
 * return NaN for absent classes and +∞ for identical images, and those must match exactly.
 *
 * @example
 * ```ts
 * compareValues([1, NaN, 2.0000001], [1, NaN, 2]);  // { ok: true, maxAbs: 1e-7, rel: 5e-8 }
 * ```
 */

/** The outcome of one comparison. */
export interface Comparison {
  /** The same length and the same NaN / ±∞ pattern. */
  patternOk: boolean;
  /** max |actual − expected| over the finite entries. */
  maxAbs: number;
  /** maxAbs / max |expected| over the finite entries (0 when both are 0). */
  rel: number;
  /** Why `patternOk` is false, if it is. */
  why?: string;
}

/** Compares `actual` with `expected` elementwise (see the module doc). */
export function compareValues(actual: readonly number[], expected: readonly number[]): Comparison {
  if (actual.length !== expected.length) {
    return { patternOk: false, maxAbs: NaN, rel: NaN, why: `length ${actual.length}, expected ${expected.length}` };
  }
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) {
        return { patternOk: false, maxAbs: NaN, rel: NaN, why: `index ${i}: ${a}, expected ${e}` };
      }
      continue;
    }
    maxAbs = Math.max(maxAbs, Math.abs(a - e));
    scale = Math.max(scale, Math.abs(e));
  }
  return { patternOk: true, maxAbs, rel: maxAbs === 0 ? 0 : maxAbs / Math.max(scale, 1e-30) };
}
