/**
 * Reductions that stay exact on empty tensors (internal). wasm's `Sum`/`Mean` of an empty tensor
 * return uninitialised memory (≈3.6e-41, or ≈1 after a division) instead of 0, and a mean over
 * nothing is 0/0 = NaN; a loss over an empty batch must be exactly 0 with a zero gradient instead.
 */
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';

/**
 * Zeros of `shape` whose gradient with respect to `x` is zero: the value of a loss, or of a
 * reduction, over nothing. Built without reading `x`; the custom gradient keeps the result
 * connected to `x`, so `tf.grad`/`variableGrads` still find it.
 */
export function zerosFrom(x: Tensor, shape: number[]): Tensor {
  const xShape = x.shape.slice();
  const xDtype = x.dtype;
  const f = tf.customGrad(((input: Tensor) => {
    void input;
    return { value: tf.zeros(shape), gradFunc: () => tf.zeros(xShape, xDtype) };
  }) as never) as (t: Tensor) => Tensor;
  return f(x);
}

/** Shape of `shape` reduced over `axis` (every axis when undefined). */
function reducedShape(shape: number[], axis: number | number[] | undefined, keepDims: boolean): number[] {
  const axes = axis === undefined ? shape.map((_, i) => i) : (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + shape.length : a));
  if (keepDims) return shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return shape.filter((_, i) => !axes.includes(i));
}

/**
 * `tf.sum` that gives exact zeros (and a zero gradient) when `x` is empty, on every backend.
 * The emptiness test is on the shape, so it costs no read-back.
 */
export function safeSum(x: Tensor, axis?: number | number[], keepDims = false): Tensor {
  if (x.size === 0) return zerosFrom(x, reducedShape(x.shape, axis, keepDims));
  return tf.sum(x, axis, keepDims);
}

/** `tf.mean` that gives exact zeros (not 0/0 = NaN, not wasm's uninitialised memory) when `x` is empty. */
export function safeMean(x: Tensor, axis?: number | number[], keepDims = false): Tensor {
  if (x.size === 0) return zerosFrom(x, reducedShape(x.shape, axis, keepDims));
  return tf.mean(x, axis, keepDims);
}

/**
 * `num / den` where `den` > 0, else `num · 0` (for all-ignored and empty batches): 0 when `num`
 * is finite, but NaN when `num` is — so NaN logits at ignored pixels still give a NaN loss.
 */
export function safeDivide(num: Tensor, den: Tensor): Tensor {
  const positive = tf.greater(den, 0);
  return tf.where(positive, tf.div(num, tf.where(positive, den, tf.onesLike(den))), tf.mul(num, 0));
}
