import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { assertNumber } from '../validate.js';
import { checkClassVector, checkLogitsLabels, checkReduction, labelTensors, safeDivide, safeSum, targetLogProb, type Reduction } from './_util.js';
import { checkFocalAlpha, focalTerms } from './focal_loss.js';

/** Options of {@link combinedCeFocalLoss}. */
export interface CombinedCeFocalLossOptions {
  /** mixing weight α of `α·CE + (1−α)·focal`, in [0, 1]; default 0.5 */
  alpha?: number;
  /** focal γ; default 2 */
  gamma?: number;
  /** focal α (number or per-class array); default none */
  focalAlpha?: number | number[] | Float32Array;
  /** CE class weights `[K]` (weighted mean, as PyTorch) */
  classWeights?: number[] | Float32Array;
  /** default 255 */
  ignoreIndex?: number;
  /** `'mean'` (default), `'sum'`, or `'none'` (per pixel) */
  reduction?: Reduction;
  /** check label values on the host; default true */
  validateLabels?: boolean;
}

/**
 * The day→night thesis' segmentation loss (eq. 3.12): `α·CE + (1 − α)·focal`, α = 0.5.
 * One softmax is shared by both terms; a term whose weight is 0 is not computed, so
 * α = 1 is exactly {@link crossEntropyLoss} and α = 0 exactly {@link focalLoss}.
 * `reduction: 'none'` returns `α·w_y·CE_i + (1 − α)·FL_i` per pixel (0 at ignored pixels).
 * An empty batch gives exactly 0 on every backend; NaN/±Inf logits give a NaN loss.
 *
 * @param logits float32 `[N, H, W, K]`
 * @param labels int32 `[N, H, W]`
 * @example
 * const loss = combinedCeFocalLoss(logits, labels, { alpha: 0.5, gamma: 2 });
 */
export function combinedCeFocalLoss(logits: Tensor, labels: Tensor, options: CombinedCeFocalLossOptions = {}): Tensor {
  const ignoreIndex = options.ignoreIndex ?? 255;
  const K = checkLogitsLabels('combinedCeFocalLoss', logits, labels, ignoreIndex, options.validateLabels ?? true);
  const reduction = checkReduction(options.reduction);
  const alpha = options.alpha ?? 0.5;
  assertNumber('combinedCeFocalLoss: alpha', alpha, { min: 0, max: 1 });
  const gamma = options.gamma ?? 2;
  assertNumber('combinedCeFocalLoss: gamma', gamma, { min: 0 });
  const focalAlpha = checkFocalAlpha('combinedCeFocalLoss', options.focalAlpha, K);
  const weights = options.classWeights === undefined ? undefined : checkClassVector('combinedCeFocalLoss: classWeights', options.classWeights, K);
  return tf.tidy(() => {
    const { oneHot, mask, safe } = labelTensors(labels, K, ignoreIndex, false);
    const logpt = targetLogProb(logits, oneHot);
    const parts: Tensor[] = [];
    if (alpha > 0) {
      const w = weights ? tf.mul(tf.gather(tf.tensor1d(weights), safe), mask) : mask;
      const ce = tf.neg(tf.mul(w, logpt));
      if (reduction === 'none') parts.push(tf.mul(ce, alpha));
      else if (reduction === 'sum') parts.push(tf.mul(safeSum(ce), alpha));
      else parts.push(tf.mul(safeDivide(safeSum(ce), safeSum(w)), alpha));
    }
    if (alpha < 1) {
      const fl = focalTerms(logpt, safe, mask, gamma, focalAlpha);
      if (reduction === 'none') parts.push(tf.mul(fl, 1 - alpha));
      else if (reduction === 'sum') parts.push(tf.mul(safeSum(fl), 1 - alpha));
      else parts.push(tf.mul(safeDivide(safeSum(fl), safeSum(mask)), 1 - alpha));
    }
    return parts.length === 1 ? parts[0]! : tf.add(parts[0]!, parts[1]!);
  });
}
