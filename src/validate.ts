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

/** Edit distance between two short strings (option keys), for "did you mean". */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The known key closest to `key` (case-insensitive edit distance ≤ max(2, ⌊len/3⌋)), if any. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(key, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

/**
 * Validates an options object: `undefined` becomes `{}`; anything but a plain
 * object, or a key outside `known`, throws an {@link InvalidArgumentError}
 * labelled `fn: options.key` that lists the valid keys and the nearest match —
 * so `focalLoss(p, t, { gama: 2 })` fails instead of running with the default γ.
 *
 * `path` names the object in the label (default `'options'`); a nested
 * options object passes its own, e.g. `'options.fog'` gives
 * `syntheticStreetScenes: options.fog.bta`.
 *
 * @example
 * const o = checkOptions('focalLoss', options, ['gamma', 'alpha', 'reduction']);
 */
export function checkOptions<T extends object>(fn: string, options: T | undefined, known: readonly string[], path = 'options'): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(`${fn}: ${path}`, 'an options object (or undefined)', options);
  }
  for (const k of Object.keys(options)) {
    if (known.includes(k)) continue;
    const near = nearestKey(k, known);
    throw new InvalidArgumentError(
      `${fn}: ${path}.${k}`,
      known.length ? `one of the option keys ${known.join(', ')}` : 'no options',
      k,
      near ? `did you mean "${near}"?` : undefined,
    );
  }
  return options;
}
