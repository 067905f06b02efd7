import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { checkOptions } from '../validate.js';
import { PIXEL_LOSS_KEYS, type PixelLossOptions } from './l1_loss.js';
import { checkPair } from './pixel_common.js';
import { checkReduction, reduceLoss } from './reduction.js';

/**
 * Mean squared error `mean((prediction − target)²)` over all elements
 * (= `torch.nn.functional.mse_loss`).
 *
 * @param prediction float32 tensor of any shape
 * @param target float32 tensor of the same shape (data: must be finite)
 * @param options `reduction` (default `'mean'`)
 * @returns a scalar (`'mean'`, `'sum'`) or the element-wise tensor (`'none'`)
 * An empty input gives exactly 0 (`'mean'`, `'sum'`) on every backend; a NaN/±Inf prediction
 * gives a NaN/±Inf loss.
 * @throws InvalidArgumentError if `target` holds NaN/±Inf, or an option key is unknown
 * @example
 * const loss = l2Loss(fake, real);
 */
export function l2Loss(prediction: Tensor, target: Tensor, options?: PixelLossOptions): Tensor {
  const o = checkOptions('l2Loss', options, PIXEL_LOSS_KEYS);
  checkPair('l2Loss', prediction, target);
  const reduction = checkReduction('l2Loss', o.reduction);
  return tf.tidy(() => reduceLoss(tf.squaredDifference(prediction, target), reduction));
}
