import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { assertNumber, checkOptions } from '../validate.js';
import { crossEntropyTerms } from './cross_entropy_terms.js';
import { checkClassVector, checkLogitsLabels } from './label_checks.js';
import { optionKeys } from './option_keys.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

/** Options of {@link crossEntropyLoss}. */
export interface CrossEntropyLossOptions {
  /** label value excluded from the loss; default 255 */
  ignoreIndex?: number;
  /** per-class weights `[K]` (PyTorch `weight`): the mean becomes a weighted mean */
  classWeights?: number[] | Float32Array;
  /** label smoothing ε in [0, 1] (PyTorch `label_smoothing`); default 0 */
  labelSmoothing?: number;
  /** `'mean'` (default) over non-ignored pixels, `'sum'`, or `'none'` (per pixel, 0 at ignored pixels) */
  reduction?: Reduction;
  /** check on the host that every label is in [0, K) or `ignoreIndex`; default true */
  validateLabels?: boolean;
}

/** The keys of {@link CrossEntropyLossOptions} (internal). */
export const CROSS_ENTROPY_LOSS_KEYS = optionKeys<CrossEntropyLossOptions>()(['ignoreIndex', 'classWeights', 'labelSmoothing', 'reduction', 'validateLabels']);

/**
 * Softmax cross-entropy over the last axis with ignored pixels,
 * `CE = Σ_i w_{y_i}·(−log softmax(z_i)_{y_i}) / Σ_i w_{y_i}` over non-ignored pixels i
 * (= `torch.nn.functional.cross_entropy(…, weight, ignore_index=255, label_smoothing)`,
 * with the smoothing term `ε/K · Σ_k w_k·(−log p_k)` as in PyTorch). An all-ignored
 * batch, and an empty one (N, H or W = 0), gives exactly 0 on every backend (PyTorch gives NaN);
 * NaN/±Inf logits — even at ignored pixels — give a NaN loss (never a finite one).
 *
 * @param prediction logits, float32 `[N, H, W, K]` (any rank ≥ 2, classes last)
 * @param target labels, int32 `[N, H, W]`, `ignoreIndex` (255) excluded
 * @param options `ignoreIndex` (255), `classWeights`, `labelSmoothing` (0), `reduction` (`'mean'`), `validateLabels` (true)
 * @returns a scalar (`'mean'`, `'sum'`) or the per-pixel losses `[N, H, W]` (`'none'`)
 * @throws InvalidArgumentError on a bad shape or dtype, a label outside `[0, K)` ∪ {ignoreIndex}, or an invalid or unknown option
 * @example
 * const loss = crossEntropyLoss(logits, labels, { ignoreIndex: 255 });
 */
export function crossEntropyLoss(prediction: Tensor, target: Tensor, options?: CrossEntropyLossOptions): Tensor {
  const o = checkOptions('crossEntropyLoss', options, CROSS_ENTROPY_LOSS_KEYS);
  const ignoreIndex = o.ignoreIndex ?? 255;
  const K = checkLogitsLabels('crossEntropyLoss', prediction, target, ignoreIndex, o.validateLabels ?? true);
  const reduction = checkReduction('crossEntropyLoss', o.reduction);
  const weights = o.classWeights === undefined ? undefined : checkClassVector('crossEntropyLoss: options.classWeights', o.classWeights, K);
  const eps = o.labelSmoothing ?? 0;
  assertNumber('crossEntropyLoss: options.labelSmoothing', eps, { min: 0, max: 1 });
  return tf.tidy(() => {
    const { perPixel, w } = crossEntropyTerms(prediction, target, K, ignoreIndex, weights, eps);
    // perPixel already carries w (0 at ignored pixels): the weighted mean is Σ perPixel / Σ w
    return reduceLoss(perPixel, reduction, { weights: w });
  });
}
