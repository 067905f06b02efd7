import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { assertNumber, checkOptions } from '../validate.js';
import { crossEntropyTerms } from './cross_entropy_terms.js';
import { checkFocalAlpha, focalTerms } from './focal_terms.js';
import { checkClassVector, checkLogitsLabels } from './label_checks.js';
import { optionKeys } from './option_keys.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

/** Options of {@link combinedCeFocalLoss}. */
export interface CombinedCeFocalLossOptions {
  /** mixing weight α of `α·CE + (1−α)·focal`, in [0, 1]; default 0.5 */
  alpha?: number;
  /** focal γ; default 2 */
  gamma?: number;
  /** focal α (number or per-class array); default none */
  focalAlpha?: number | number[] | Float32Array;
  /** CE class weights `[K]` (weighted mean, as PyTorch and {@link crossEntropyLoss}) */
  classWeights?: number[] | Float32Array;
  /** CE label smoothing ε in [0, 1], as {@link crossEntropyLoss}; default 0 (the focal term is not smoothed) */
  labelSmoothing?: number;
  /** default 255 */
  ignoreIndex?: number;
  /** `'mean'` (default), `'sum'`, or `'none'` (per pixel) */
  reduction?: Reduction;
  /** check label values on the host; default true */
  validateLabels?: boolean;
}

/** The keys of {@link CombinedCeFocalLossOptions} (internal). */
export const COMBINED_CE_FOCAL_LOSS_KEYS = optionKeys<CombinedCeFocalLossOptions>()([
  'alpha',
  'gamma',
  'focalAlpha',
  'classWeights',
  'labelSmoothing',
  'ignoreIndex',
  'reduction',
  'validateLabels',
]);

/**
 * The day→night thesis' segmentation loss (eq. 3.12): `α·CE + (1 − α)·focal`, α = 0.5, where
 * CE is exactly {@link crossEntropyLoss} (with its `classWeights` and `labelSmoothing`) and
 * focal exactly {@link focalLoss} (`gamma`, `focalAlpha` as its `alpha`): both are built from
 * the same per-pixel cross-entropy terms, sharing one softmax. A term whose weight is 0 is not
 * computed, so α = 1 is {@link crossEntropyLoss} and α = 0 {@link focalLoss}.
 * `reduction: 'none'` returns `α·CE_i + (1 − α)·FL_i` per pixel (0 at ignored pixels).
 * An empty batch gives exactly 0 on every backend; NaN/±Inf logits give a NaN loss.
 *
 * @param prediction logits, float32 `[N, H, W, K]`
 * @param target labels, int32 `[N, H, W]`, `ignoreIndex` (255) excluded
 * @param options `alpha` (0.5), `gamma` (2), `focalAlpha`, `classWeights`, `labelSmoothing` (0), `ignoreIndex` (255), `reduction` (`'mean'`), `validateLabels` (true)
 * @returns a scalar (`'mean'`, `'sum'`) or the per-pixel losses `[N, H, W]` (`'none'`)
 * @throws InvalidArgumentError on a bad shape, dtype or label, or an invalid or unknown option
 * @example
 * const loss = combinedCeFocalLoss(logits, labels, { alpha: 0.5, gamma: 2, labelSmoothing: 0.1 });
 */
export function combinedCeFocalLoss(prediction: Tensor, target: Tensor, options?: CombinedCeFocalLossOptions): Tensor {
  const fn = 'combinedCeFocalLoss';
  const o = checkOptions(fn, options, COMBINED_CE_FOCAL_LOSS_KEYS);
  const ignoreIndex = o.ignoreIndex ?? 255;
  const K = checkLogitsLabels(fn, prediction, target, ignoreIndex, o.validateLabels ?? true);
  const reduction = checkReduction(fn, o.reduction);
  const alpha = o.alpha ?? 0.5;
  assertNumber(`${fn}: options.alpha`, alpha, { min: 0, max: 1 });
  const gamma = o.gamma ?? 2;
  assertNumber(`${fn}: options.gamma`, gamma, { min: 0 });
  const focalAlpha = checkFocalAlpha(`${fn}: options.focalAlpha`, o.focalAlpha, K);
  const weights = o.classWeights === undefined ? undefined : checkClassVector(`${fn}: options.classWeights`, o.classWeights, K);
  const smoothing = o.labelSmoothing ?? 0;
  assertNumber(`${fn}: options.labelSmoothing`, smoothing, { min: 0, max: 1 });
  return tf.tidy(() => {
    // without a CE term, no smoothing: log p_t then comes from targetLogProb, exactly as in focalLoss
    const { logpt, w, mask, safe, perPixel } = crossEntropyTerms(prediction, target, K, ignoreIndex, weights, alpha > 0 ? smoothing : 0);
    const parts: Tensor[] = [];
    if (alpha > 0) parts.push(tf.mul(reduceLoss(perPixel, reduction, { weights: w }), alpha));
    if (alpha < 1) parts.push(tf.mul(reduceLoss(focalTerms(logpt, safe, mask, gamma, focalAlpha), reduction, { weights: mask }), 1 - alpha));
    return parts.length === 1 ? parts[0]! : tf.add(parts[0]!, parts[1]!);
  });
}
