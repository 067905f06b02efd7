import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { assertNumber, checkOptions } from '../validate.js';
import { optionKeys } from './option_keys.js';
import { checkPair } from './pixel_common.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

/** Options of {@link charbonnierLoss}. */
export interface CharbonnierLossOptions {
  /** ε of `sqrt(d² + ε²)`; default 1e-3. */
  epsilon?: number;
  /** `'mean'` (default), `'sum'` or `'none'` (element-wise). */
  reduction?: Reduction;
}

/** The keys of {@link CharbonnierLossOptions} (internal). */
export const CHARBONNIER_LOSS_KEYS = optionKeys<CharbonnierLossOptions>()(['epsilon', 'reduction']);

/**
 * Charbonnier (smooth L1) loss `mean(sqrt((prediction − target)² + ε²))`,
 * ε = 1e-3 by default (LapSRN / EDVR form).
 *
 * @param prediction float32 tensor of any shape
 * @param target float32 tensor of the same shape (data: must be finite)
 * @param options `epsilon` (default 1e-3), `reduction` (default `'mean'`)
 * An empty input gives exactly 0 (`'mean'`, `'sum'`) on every backend; a NaN/±Inf prediction
 * gives a NaN/±Inf loss.
 * @throws InvalidArgumentError if `target` holds NaN/±Inf, or an option is invalid or unknown
 * @example
 * const loss = charbonnierLoss(restored, clean, { epsilon: 1e-3 });
 */
export function charbonnierLoss(prediction: Tensor, target: Tensor, options?: CharbonnierLossOptions): Tensor {
  const o = checkOptions('charbonnierLoss', options, CHARBONNIER_LOSS_KEYS);
  checkPair('charbonnierLoss', prediction, target);
  const reduction = checkReduction('charbonnierLoss', o.reduction);
  const eps = o.epsilon ?? 1e-3;
  assertNumber('charbonnierLoss: options.epsilon', eps, { min: 0, exclusiveMin: true });
  return tf.tidy(() => reduceLoss(tf.sqrt(tf.add(tf.squaredDifference(prediction, target), eps * eps)), reduction));
}
