import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { assertNumber } from '../validate.js';
import { checkClassVector, checkLogitsLabels, checkReduction, labelTensors, safeDivide, safeSum, targetLogProb, type Reduction } from './_util.js';

/** Options of {@link crossEntropyLoss}. */
export interface CrossEntropyLossOptions {
  /** label value excluded from the loss; default 255 */
  ignoreIndex?: number;
  /** per-class weights `[K]` (PyTorch `weight`): the mean becomes a weighted mean */
  classWeights?: number[] | Float32Array;
  /** label smoothing ε in [0, 1) (PyTorch `label_smoothing`); default 0 */
  labelSmoothing?: number;
  /** `'mean'` (default) over non-ignored pixels, `'sum'`, or `'none'` (per pixel, 0 at ignored pixels) */
  reduction?: Reduction;
  /** check on the host that every label is in [0, K) or `ignoreIndex`; default true */
  validateLabels?: boolean;
}

/** Per-pixel weighted NLL terms shared by CE, focal and their combination (internal). */
export function crossEntropyTerms(logits: Tensor, labels: Tensor, K: number, ignoreIndex: number, classWeights?: number[], labelSmoothing = 0) {
  const { oneHot, mask, safe } = labelTensors(labels, K, ignoreIndex, false);
  const logp = labelSmoothing > 0 ? tf.logSoftmax(logits) : null;
  const logpt = logp ? tf.sum(tf.mul(oneHot, logp), -1) : targetLogProb(logits, oneHot);
  const w = classWeights ? tf.mul(tf.gather(tf.tensor1d(classWeights), safe), mask) : mask;
  let perPixel = tf.neg(tf.mul(w, logpt));
  if (labelSmoothing > 0) {
    const cw = classWeights ? tf.mul(logp!, tf.tensor1d(classWeights)) : logp!;
    const smooth = tf.mul(tf.neg(tf.sum(cw, -1)), mask);
    perPixel = tf.add(tf.mul(perPixel, 1 - labelSmoothing), tf.mul(smooth, labelSmoothing / K));
  }
  return { logpt, w, mask, perPixel };
}

/**
 * Softmax cross-entropy over the last axis with ignored pixels,
 * `CE = Σ_i w_{y_i}·(−log softmax(z_i)_{y_i}) / Σ_i w_{y_i}` over non-ignored pixels i
 * (= `torch.nn.functional.cross_entropy(…, weight, ignore_index=255, label_smoothing)`,
 * with the smoothing term `ε/K · Σ_k w_k·(−log p_k)` as in PyTorch). An all-ignored
 * batch, and an empty one (N, H or W = 0), gives exactly 0 on every backend (PyTorch gives NaN);
 * NaN/±Inf logits — even at ignored pixels — give a NaN loss (never a finite one).
 *
 * @param logits float32 `[N, H, W, K]` (any rank ≥ 2, classes last)
 * @param labels int32 `[N, H, W]`
 * @example
 * const loss = crossEntropyLoss(logits, labels, { ignoreIndex: 255 });
 */
export function crossEntropyLoss(logits: Tensor, labels: Tensor, options: CrossEntropyLossOptions = {}): Tensor {
  const ignoreIndex = options.ignoreIndex ?? 255;
  const K = checkLogitsLabels('crossEntropyLoss', logits, labels, ignoreIndex, options.validateLabels ?? true);
  const reduction = checkReduction(options.reduction);
  const weights = options.classWeights === undefined ? undefined : checkClassVector('crossEntropyLoss: classWeights', options.classWeights, K);
  const eps = options.labelSmoothing ?? 0;
  assertNumber('crossEntropyLoss: labelSmoothing', eps, { min: 0, max: 1 });
  return tf.tidy(() => {
    const { perPixel, w } = crossEntropyTerms(logits, labels, K, ignoreIndex, weights, eps);
    if (reduction === 'none') return perPixel;
    if (reduction === 'sum') return safeSum(perPixel);
    return safeDivide(safeSum(perPixel), safeSum(w));
  });
}
