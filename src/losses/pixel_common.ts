/** Shared input checks of the pixel losses (internal). */
import type { Tensor } from '../tf.js';
import { assertSameShape } from '../validate.js';
import { assertFloat } from './_util.js';

/** Checks `prediction` and `target` are float32 tensors of one shape. */
export function checkPair(fn: string, prediction: unknown, target: unknown): asserts prediction is Tensor {
  assertFloat(`${fn}: prediction`, prediction);
  assertFloat(`${fn}: target`, target);
  assertSameShape(`${fn}: prediction`, prediction, 'target', target as Tensor);
}
