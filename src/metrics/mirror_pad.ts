/**
 * Differentiable mirror padding of the spatial axes of `[N,H,W,C]` tensors,
 * built from slices, reversals and concatenation (the stock tfjs 4.22
 * `MirrorPad` gradient drops the contributions of the mirrored border pixels).
 */
import { tf } from '../tf.js';
import type { Tensor4D } from '../tf.js';

function padAxis(x: Tensor4D, axis: 1 | 2, before: number, after: number, mode: 'reflect' | 'symmetric'): Tensor4D {
  if (before === 0 && after === 0) return x;
  const n = x.shape[axis];
  const off = mode === 'reflect' ? 1 : 0;
  const take = (start: number, size: number): Tensor4D => {
    const begin = [0, 0, 0, 0];
    const sz = [...x.shape] as number[];
    begin[axis] = start;
    sz[axis] = size;
    return tf.reverse(tf.slice(x, begin, sz), axis);
  };
  const parts: Tensor4D[] = [];
  if (before > 0) parts.push(take(off, before));
  parts.push(x);
  if (after > 0) parts.push(take(n - off - after, after));
  return tf.concat(parts, axis);
}

/**
 * Pads H by `[top, bottom]` and W by `[left, right]`: `'reflect'` mirrors without
 * repeating the edge (`d c b | a b c d`, = `torch` reflect, `tf.mirrorPad` reflect),
 * `'symmetric'` repeats it (`c b a | a b c`, = MATLAB `'symmetric'`). Differentiable.
 *
 * @example mirrorPad2d(x, [5, 5], [5, 5], 'reflect')
 */
export function mirrorPad2d(x: Tensor4D, h: [number, number], w: [number, number], mode: 'reflect' | 'symmetric'): Tensor4D {
  return tf.tidy(() => padAxis(padAxis(x, 1, h[0], h[1], mode), 2, w[0], w[1], mode));
}
