/**
 * Differentiable mirror padding, the one copy shared by SSIM (metrics) and the
 * `ReflectionPadding2D` layer (models). Built from slices, reversals and concatenation
 * because the stock tfjs 4.22 `MirrorPad` gradient drops the contributions of the
 * mirrored border pixels (it only slices the centre). Internal: not public.
 */
import { tf } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';

/** `'reflect'`: `d c b | a b c d` (edge not repeated); `'symmetric'`: `c b a | a b c` (edge repeated). */
export type MirrorMode = 'reflect' | 'symmetric';

/**
 * Pads `x` along one `axis` by `before`/`after` mirrored entries. `'reflect'` needs
 * `before, after < n`, `'symmetric'` needs `before, after ≤ n` (n = size of the axis;
 * the caller checks). Returns `x` itself when both are 0. Any rank; differentiable.
 *
 * @example mirrorPad(tf.tensor1d([1, 2, 3]), 0, 2, 1, 'reflect') // [3, 2, 1, 2, 3, 2]
 * @example mirrorPad(tf.tensor1d([1, 2, 3]), 0, 2, 1, 'symmetric') // [2, 1, 1, 2, 3, 3]
 */
export function mirrorPad<T extends Tensor>(x: T, axis: number, before: number, after: number, mode: MirrorMode): T {
  if (before === 0 && after === 0) return x;
  const n = x.shape[axis]!;
  const off = mode === 'reflect' ? 1 : 0;
  const mirrored = (start: number, size: number): Tensor => {
    const begin = x.shape.map(() => 0);
    const sizes = [...x.shape];
    begin[axis] = start;
    sizes[axis] = size;
    return tf.reverse(tf.slice(x, begin, sizes), axis);
  };
  const parts: Tensor[] = [];
  if (before > 0) parts.push(mirrored(off, before));
  parts.push(x);
  if (after > 0) parts.push(mirrored(n - off - after, after));
  return tf.concat(parts, axis) as T;
}

/**
 * Pads the spatial axes of `[N,H,W,C]`: H by `[top, bottom]`, W by `[left, right]`, output
 * `[N, H+top+bottom, W+left+right, C]`. `'reflect'` = `torch` / `tf.mirrorPad` reflect,
 * `'symmetric'` = MATLAB `padarray(…,'symmetric')`. Differentiable.
 *
 * @example mirrorPad2d(x, [5, 5], [5, 5], 'reflect') // [1, 8, 8, 3] → [1, 18, 18, 3]
 */
export function mirrorPad2d(x: Tensor4D, h: [number, number], w: [number, number], mode: MirrorMode): Tensor4D {
  return tf.tidy(() => mirrorPad(mirrorPad(x, 1, h[0], h[1], mode), 2, w[0], w[1], mode));
}
