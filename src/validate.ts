/**
 * Small input checks shared by every public function. Each throws an
 * {@link InvalidArgumentError} naming the argument, the expectation and the
 * received value.
 */
import { InvalidArgumentError } from './errors.js';
import type { Tensor } from './tf.js';

/** Throws unless `x` is a tfjs tensor (not disposed). */
export function assertTensor(name: string, x: unknown): asserts x is Tensor {
  const t = x as Tensor | undefined;
  if (t == null || typeof t !== 'object' || !Array.isArray(t.shape) || typeof t.dtype !== 'string') {
    throw new InvalidArgumentError(name, 'a tf.Tensor', x);
  }
  if (t.isDisposed) throw new InvalidArgumentError(name, 'a live tf.Tensor', 'a disposed tensor');
}

/** Throws unless `x` is a tensor of rank `rank` (or one of several ranks). */
export function assertRank(name: string, x: unknown, rank: number | number[]): asserts x is Tensor {
  assertTensor(name, x);
  const ranks = Array.isArray(rank) ? rank : [rank];
  if (!ranks.includes(x.rank)) {
    throw new InvalidArgumentError(
      name,
      `a rank-${ranks.join(' or ')} tensor`,
      `rank ${x.rank} with shape [${x.shape.join(',')}]`,
    );
  }
}

/** Throws unless `x` has one of the dtypes given. */
export function assertDtype(name: string, x: Tensor, dtypes: string | string[]): void {
  const list = Array.isArray(dtypes) ? dtypes : [dtypes];
  if (!list.includes(x.dtype)) {
    throw new InvalidArgumentError(name, `dtype ${list.join(' or ')}`, `dtype ${x.dtype}`);
  }
}

/** Throws unless the two tensors have identical shapes. */
export function assertSameShape(nameA: string, a: Tensor, nameB: string, b: Tensor): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new InvalidArgumentError(
      `${nameA}/${nameB}`,
      `the same shape for ${nameA} and ${nameB}`,
      `[${a.shape.join(',')}] and [${b.shape.join(',')}]`,
    );
  }
}

/** Throws unless `value` is one of `allowed`. */
export function assertOneOf<T extends string | number | boolean>(name: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new InvalidArgumentError(name, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  }
}

/** Throws unless `value` is a finite number in [min, max] (bounds optional, inclusive). */
export function assertNumber(
  name: string,
  value: unknown,
  opts: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {},
): asserts value is number {
  const { min, max, integer = false, exclusiveMin = false } = opts;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || (exclusiveMin ? value > min : value >= min)) &&
    (max === undefined || value <= max);
  if (!ok) {
    const parts: string[] = [integer ? 'an integer' : 'a finite number'];
    if (min !== undefined) parts.push(`${exclusiveMin ? '>' : '≥'} ${min}`);
    if (max !== undefined) parts.push(`≤ ${max}`);
    throw new InvalidArgumentError(name, parts.join(' '), value);
  }
}
