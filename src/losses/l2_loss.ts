import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { checkReduction, reduce } from './_util.js';
import type { PixelLossOptions } from './l1_loss.js';
import { checkPair } from './pixel_common.js';

/**
 * Mean squared error `mean((prediction − target)²)` over all elements
 * (= `torch.nn.functional.mse_loss`).
 *
 * @param prediction float32 tensor of any shape
 * @param target float32 tensor of the same shape (data: must be finite)
 * @returns a scalar (`'mean'`, `'sum'`) or the element-wise tensor (`'none'`)
 * An empty input gives exactly 0 (`'mean'`, `'sum'`) on every backend; a NaN/±Inf prediction
 * gives a NaN/±Inf loss.
 * @throws InvalidArgumentError if `target` holds NaN/±Inf
 * @example
 * const loss = l2Loss(fake, real);
 */
export function l2Loss(prediction: Tensor, target: Tensor, options: PixelLossOptions = {}): Tensor {
  checkPair('l2Loss', prediction, target);
  const reduction = checkReduction(options.reduction);
  return tf.tidy(() => reduce(tf.squaredDifference(prediction, target), reduction));
}
