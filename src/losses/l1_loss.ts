import type { Tensor } from '../tf.js';
import { checkOptions } from '../validate.js';
import { optionKeys } from './option_keys.js';
import { checkReduction, type Reduction } from './reduction.js';
import { checkPair, l1Core } from './pixel_common.js';

/** Options of the pixel losses {@link l1Loss} and {@link l2Loss}. */
export interface PixelLossOptions {
  /** `'mean'` (default) over all elements, `'sum'`, or `'none'` (element-wise, the input shape). */
  reduction?: Reduction;
}

/** The keys of {@link PixelLossOptions} (internal). */
export const PIXEL_LOSS_KEYS = optionKeys<PixelLossOptions>()(['reduction']);

/**
 * Mean absolute error `mean(|prediction − target|)` over all elements
 * (= `torch.nn.functional.l1_loss`).
 *
 * @param prediction float32 tensor of any shape
 * @param target float32 tensor of the same shape (data: must be finite)
 * @param options `reduction` (default `'mean'`)
 * @returns a scalar (`'mean'`, `'sum'`) or the element-wise tensor (`'none'`)
 * An empty input gives exactly 0 (`'mean'`, `'sum'`) on every backend; a NaN/±Inf prediction
 * gives a NaN/±Inf loss.
 * @throws InvalidArgumentError if `target` holds NaN/±Inf, or an option key is unknown
 * @example
 * const loss = l1Loss(fake, real); // tf.Scalar
 */
export function l1Loss(prediction: Tensor, target: Tensor, options?: PixelLossOptions): Tensor {
  const o = checkOptions('l1Loss', options, PIXEL_LOSS_KEYS);
  checkPair('l1Loss', prediction, target);
  const reduction = checkReduction('l1Loss', o.reduction);
  return l1Core(prediction, target, reduction);
}
