import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { assertNumber } from '../validate.js';
import { checkLogitsLabels, checkReduction, labelTensors, safeSum, withNonFiniteTrap, type Reduction } from './_util.js';

/** Options of {@link diceLoss}. */
export interface DiceLossOptions {
  /** smoothing s added to numerator and denominator; default 0 */
  smooth?: number;
  /** denominator clamp; default 1e-7 */
  eps?: number;
  /** use `−log(score)` (score clamped to ≥ eps) instead of `1 − score`; default false */
  logLoss?: boolean;
  /** only these class indices enter the mean; default all */
  classes?: number[];
  /** default 255 */
  ignoreIndex?: number;
  /** `'mean'` (default) over classes, `'sum'`, or `'none'` (per class `[K]`) */
  reduction?: Reduction;
  /** check label values on the host; default true */
  validateLabels?: boolean;
}

/**
 * Multi-class soft Dice loss (segmentation_models_pytorch `DiceLoss(mode='multiclass',
 * from_logits=True)`): `P = softmax(logits)` and one-hot targets `G`, both zeroed at ignored
 * pixels; per class `score_c = (2·Σ P·G + s) / max(Σ P + Σ G + s, eps)` summed over batch and
 * pixels; `loss_c = 1 − score_c` (or `−log max(score_c, eps)`), set to 0 for classes with no
 * ground-truth pixel; mean over classes. An empty batch gives exactly 0 (`'none'`: zeros `[K]`) on
 * every backend; NaN/±Inf logits give a NaN loss.
 *
 * @param logits float32 `[N, H, W, K]`
 * @param labels int32 `[N, H, W]`
 * @example
 * const loss = diceLoss(logits, labels, { smooth: 0 });
 */
export function diceLoss(logits: Tensor, labels: Tensor, options: DiceLossOptions = {}): Tensor {
  const ignoreIndex = options.ignoreIndex ?? 255;
  const K = checkLogitsLabels('diceLoss', logits, labels, ignoreIndex, options.validateLabels ?? true);
  const reduction = checkReduction(options.reduction);
  const smooth = options.smooth ?? 0;
  assertNumber('diceLoss: smooth', smooth, { min: 0 });
  const eps = options.eps ?? 1e-7;
  assertNumber('diceLoss: eps', eps, { min: 0 });
  const classes = options.classes;
  if (classes !== undefined && (!Array.isArray(classes) || classes.some((c) => !Number.isInteger(c) || c < 0 || c >= K))) {
    throw new InvalidArgumentError('diceLoss: classes', `an array of class indices in [0, ${K})`, classes);
  }
  return tf.tidy(() => {
    const { oneHot, mask } = labelTensors(labels, K, ignoreIndex);
    const probs = tf.mul(tf.softmax(logits), tf.expandDims(mask, -1));
    const axes = Array.from({ length: logits.rank - 1 }, (_, i) => i);
    const inter = safeSum(tf.mul(probs, oneHot), axes);
    const gtSum = safeSum(oneHot, axes);
    const card = tf.add(safeSum(probs, axes), gtSum);
    const score = tf.div(tf.add(tf.mul(inter, 2), smooth), tf.maximum(tf.add(card, smooth), eps));
    const perClass = options.logLoss ? tf.neg(tf.log(tf.maximum(score, eps))) : tf.sub(1, score);
    let loss = tf.mul(perClass, tf.cast(tf.greater(gtSum, 0), 'float32'));
    if (classes) loss = tf.gather(loss, tf.tensor1d(classes, 'int32'));
    // softmax maps a −∞ logit to a probability of 0: without the trap, −∞ logits give a finite loss
    loss = withNonFiniteTrap(loss, logits);
    if (reduction === 'none') return loss;
    return reduction === 'sum' ? tf.sum(loss) : tf.mean(loss);
  });
}
