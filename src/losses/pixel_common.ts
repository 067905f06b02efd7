/** Shared input checks of the pixel losses (internal). */
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { reduceLoss, type Reduction } from './reduction.js';

/**
 * The pair check of the pixel losses: `checkPair(fn, prediction, target)` from the shared
 * layer (float32 tensors of one shape, finite target; see `src/ops/check_pair.ts`).
 */
export { checkPair } from '../ops/check_pair.js';

/** `reduceLoss(|prediction − target|)` without the input checks, for composites that checked their inputs once. */
export function l1Core(prediction: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return tf.tidy(() => reduceLoss(tf.abs(tf.sub(prediction, target)), reduction));
}
