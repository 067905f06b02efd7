import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { assertNumber } from '../validate.js';
import { checkReduction, reduce, type Reduction } from './_util.js';
import { checkPair } from './pixel_common.js';

/** Options of {@link charbonnierLoss}. */
export interface CharbonnierLossOptions {
  /** ε of `sqrt(d² + ε²)`; default 1e-3. */
  epsilon?: number;
  /** `'mean'` (default), `'sum'` or `'none'` (element-wise). */
  reduction?: Reduction;
}

/**
 * Charbonnier (smooth L1) loss `mean(sqrt((prediction − target)² + ε²))`,
 * ε = 1e-3 by default (LapSRN / EDVR form).
 *
 * @param prediction float32 tensor of any shape
 * @param target float32 tensor of the same shape (data: must be finite)
 * An empty input gives exactly 0 (`'mean'`, `'sum'`) on every backend; a NaN/±Inf prediction
 * gives a NaN/±Inf loss.
 * @throws InvalidArgumentError if `target` holds NaN/±Inf
 * @example
 * const loss = charbonnierLoss(restored, clean, { epsilon: 1e-3 });
 */
export function charbonnierLoss(prediction: Tensor, target: Tensor, options: CharbonnierLossOptions = {}): Tensor {
  checkPair('charbonnierLoss', prediction, target);
  const reduction = checkReduction(options.reduction);
  const eps = options.epsilon ?? 1e-3;
  assertNumber('charbonnierLoss: epsilon', eps, { min: 0, exclusiveMin: true });
  return tf.tidy(() => reduce(tf.sqrt(tf.add(tf.squaredDifference(prediction, target), eps * eps)), reduction));
}
