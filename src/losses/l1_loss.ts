import type { Tensor } from '../tf.js';
import { checkReduction, type Reduction } from './_util.js';
import { checkPair, l1Core } from './pixel_common.js';

/** Options of the pixel losses. */
export interface PixelLossOptions {
  /** `'mean'` (default) over all elements, `'sum'`, or `'none'` (element-wise, the input shape). */
  reduction?: Reduction;
}

/**
 * Mean absolute error `mean(|prediction − target|)` over all elements
 * (= `torch.nn.functional.l1_loss`).
 *
 * @param prediction float32 tensor of any shape
 * @param target float32 tensor of the same shape (data: must be finite)
 * @returns a scalar (`'mean'`, `'sum'`) or the element-wise tensor (`'none'`)
 * An empty input gives exactly 0 (`'mean'`, `'sum'`) on every backend; a NaN/±Inf prediction
 * gives a NaN/±Inf loss.
 * @throws InvalidArgumentError if `target` holds NaN/±Inf
 * @example
 * const loss = l1Loss(fake, real); // tf.Scalar
 */
export function l1Loss(prediction: Tensor, target: Tensor, options: PixelLossOptions = {}): Tensor {
  checkPair('l1Loss', prediction, target);
  const reduction = checkReduction(options.reduction);
  return l1Core(prediction, target, reduction);
}
