/** Shared input checks of the pixel losses (internal). */
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { assertSameShape } from '../validate.js';
import { assertFiniteTensor } from '../finite_check.js';
import { assertFloat, reduce, type Reduction } from './_util.js';

/**
 * Checks `prediction` and `target` are float32 tensors of one shape, and that `target` (data)
 * is finite. The prediction is not checked (that would cost a read-back per step): a NaN/±Inf
 * prediction makes the loss NaN/±Inf, which the training loop's NaN guard reports.
 */
export function checkPair(fn: string, prediction: unknown, target: unknown): asserts prediction is Tensor {
  assertFloat(`${fn}: prediction`, prediction);
  assertFloat(`${fn}: target`, target);
  assertSameShape(`${fn}: prediction`, prediction, 'target', target as Tensor);
  assertFiniteTensor(`${fn}: target`, target as Tensor);
}

/** `reduce(|prediction − target|)` without the input checks, for composites that checked their inputs once. */
export function l1Core(prediction: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return tf.tidy(() => reduce(tf.abs(tf.sub(prediction, target)), reduction));
}
