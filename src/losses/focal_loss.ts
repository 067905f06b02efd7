import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { assertNumber } from '../validate.js';
import { checkClassVector, checkLogitsLabels, checkReduction, labelTensors, safeDivide, safeSum, targetLogProb, type Reduction } from './_util.js';

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

/** Validates focal α (number or per-class array). */
export function checkFocalAlpha(fn: string, alpha: unknown, K: number): number | number[] | undefined {
  if (alpha === undefined) return undefined;
  if (typeof alpha === 'number') {
    if (!Number.isFinite(alpha) || alpha < 0) throw new InvalidArgumentError(`${fn}: alpha`, 'a finite number ≥ 0 or an array of K numbers', alpha);
    return alpha;
  }
  return checkClassVector(`${fn}: alpha`, alpha, K);
}

/** Per-pixel focal terms (internal; masked, not reduced). */
export function focalTerms(logpt: Tensor, safe: Tensor, mask: Tensor, gamma: number, alpha: number | number[] | undefined): Tensor {
  // 1 − p_t computed as −expm1(log p_t): exact when p_t → 1 (logits of ±80)
  let term = tf.neg(logpt);
  if (gamma !== 0) {
    const oneMinus = tf.maximum(tf.neg(tf.expm1(logpt)), 1e-30);
    term = tf.mul(tf.pow(oneMinus, gamma), term);
  }
  if (typeof alpha === 'number') term = tf.mul(term, alpha);
  else if (alpha) term = tf.mul(term, tf.gather(tf.tensor1d(alpha), safe));
  return tf.mul(term, mask);
}

/**
 * Multi-class softmax focal loss (Lin et al. 2017, the form of the day→night thesis):
 * `FL_i = −α_t · (1 − p_t)^γ · log p_t`, `p_t = softmax(z_i)_{y_i}`, mean over non-ignored
 * pixels. γ = 0 without α equals {@link crossEntropyLoss}. `(1 − p_t)` is computed as
 * `−expm1(log p_t)`, so saturated logits give finite values and gradients.
 * Matches `kornia.losses.focal_loss` (scalar α) restricted to non-ignored pixels.
 * An all-ignored or empty batch gives exactly 0 on every backend; NaN/±Inf logits give a NaN loss.
 *
 * @param logits float32 `[N, H, W, K]` (any rank ≥ 2, classes last)
 * @param labels int32 `[N, H, W]`, `ignoreIndex` (255) excluded
 * @example
 * const loss = focalLoss(logits, labels, { gamma: 2, alpha: 0.25 });
 */
export function focalLoss(logits: Tensor, labels: Tensor, options: FocalLossOptions = {}): Tensor {
  const ignoreIndex = options.ignoreIndex ?? 255;
  const K = checkLogitsLabels('focalLoss', logits, labels, ignoreIndex, options.validateLabels ?? true);
  const reduction = checkReduction(options.reduction);
  const gamma = options.gamma ?? 2;
  assertNumber('focalLoss: gamma', gamma, { min: 0 });
  const alpha = checkFocalAlpha('focalLoss', options.alpha, K);
  return tf.tidy(() => {
    const { oneHot, mask, safe } = labelTensors(labels, K, ignoreIndex, false);
    const logpt = targetLogProb(logits, oneHot);
    const perPixel = focalTerms(logpt, safe, mask, gamma, alpha);
    if (reduction === 'none') return perPixel;
    if (reduction === 'sum') return safeSum(perPixel);
    return safeDivide(safeSum(perPixel), safeSum(mask));
  });
}
