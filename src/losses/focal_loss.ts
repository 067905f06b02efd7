import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { assertNumber, checkOptions } from '../validate.js';
import { targetLogProb } from './cross_entropy_terms.js';
import { checkFocalAlpha, focalTerms } from './focal_terms.js';
import { checkLogitsLabels } from './label_checks.js';
import { labelTensors } from './label_tensors.js';
import { optionKeys } from './option_keys.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

/** Options of {@link focalLoss}. */
export interface FocalLossOptions {
  /** focusing parameter γ ≥ 0; default 2 */
  gamma?: number;
  /** α: one number for every class, or one per class (α_t = alpha[target]); absent ⇒ 1 */
  alpha?: number | number[] | Float32Array;
  /** label value excluded from the loss; default 255 */
  ignoreIndex?: number;
  /** `'mean'` (default) over non-ignored pixels, `'sum'`, or `'none'` (per pixel, 0 at ignored pixels) */
  reduction?: Reduction;
  /** check on the host that every label is in [0, K) or `ignoreIndex`; default true */
  validateLabels?: boolean;
}

/** The keys of {@link FocalLossOptions} (internal). */
export const FOCAL_LOSS_KEYS = optionKeys<FocalLossOptions>()(['gamma', 'alpha', 'ignoreIndex', 'reduction', 'validateLabels']);

/**
 * Multi-class softmax focal loss (Lin et al. 2017, the form of the day→night thesis):
 * `FL_i = −α_t · (1 − p_t)^γ · log p_t`, `p_t = softmax(z_i)_{y_i}`, mean over non-ignored
 * pixels. γ = 0 without α equals {@link crossEntropyLoss}. `(1 − p_t)` is computed as
 * `−expm1(log p_t)`, so saturated logits give finite values and gradients.
 * Matches `kornia.losses.focal_loss` (scalar α) restricted to non-ignored pixels.
 * An all-ignored or empty batch gives exactly 0 on every backend; NaN/±Inf logits give a NaN loss.
 *
 * @param prediction logits, float32 `[N, H, W, K]` (any rank ≥ 2, classes last)
 * @param target labels, int32 `[N, H, W]`, `ignoreIndex` (255) excluded
 * @param options `gamma` (2), `alpha` (none), `ignoreIndex` (255), `reduction` (`'mean'`), `validateLabels` (true)
 * @returns a scalar (`'mean'`, `'sum'`) or the per-pixel losses `[N, H, W]` (`'none'`)
 * @throws InvalidArgumentError on a bad shape, dtype or label, or an invalid or unknown option
 * @example
 * const loss = focalLoss(logits, labels, { gamma: 2, alpha: 0.25 });
 */
export function focalLoss(prediction: Tensor, target: Tensor, options?: FocalLossOptions): Tensor {
  const o = checkOptions('focalLoss', options, FOCAL_LOSS_KEYS);
  const ignoreIndex = o.ignoreIndex ?? 255;
  const K = checkLogitsLabels('focalLoss', prediction, target, ignoreIndex, o.validateLabels ?? true);
  const reduction = checkReduction('focalLoss', o.reduction);
  const gamma = o.gamma ?? 2;
  assertNumber('focalLoss: options.gamma', gamma, { min: 0 });
  const alpha = checkFocalAlpha('focalLoss: options.alpha', o.alpha, K);
  return tf.tidy(() => {
    const { oneHot, mask, safe } = labelTensors(target, K, ignoreIndex, false);
    const perPixel = focalTerms(targetLogProb(prediction, oneHot), safe, mask, gamma, alpha);
    // perPixel is already masked: the mean is Σ perPixel / Σ mask
    return reduceLoss(perPixel, reduction, { weights: mask });
  });
}
