import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { assertNumber, checkOptions } from '../validate.js';
import { safeSum } from './empty_safe.js';
import { checkLogitsLabels } from './label_checks.js';
import { labelTensors } from './label_tensors.js';
import { withNonFiniteTrap } from './non_finite_trap.js';
import { optionKeys } from './option_keys.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

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

/** The keys of {@link DiceLossOptions} (internal). */
export const DICE_LOSS_KEYS = optionKeys<DiceLossOptions>()(['smooth', 'eps', 'logLoss', 'classes', 'ignoreIndex', 'reduction', 'validateLabels']);

/**
 * Multi-class soft Dice loss (segmentation_models_pytorch `DiceLoss(mode='multiclass',
 * from_logits=True)`): `P = softmax(logits)` and one-hot targets `G`, both zeroed at ignored
 * pixels; per class `score_c = (2·Σ P·G + s) / max(Σ P + Σ G + s, eps)` summed over batch and
 * pixels; `loss_c = 1 − score_c` (or `−log max(score_c, eps)`), set to 0 for classes with no
 * ground-truth pixel; mean over classes. An empty batch gives exactly 0 (`'none'`: zeros `[K]`) on
 * every backend; NaN/±Inf logits give a NaN loss.
 *
 * @param prediction logits, float32 `[N, H, W, K]`
 * @param target labels, int32 `[N, H, W]`, `ignoreIndex` (255) excluded
 * @param options `smooth` (0), `eps` (1e-7), `logLoss` (false), `classes` (all), `ignoreIndex` (255), `reduction` (`'mean'`), `validateLabels` (true)
 * @returns a scalar (`'mean'`, `'sum'`) or the per-class losses `[K]` (`'none'`; `[classes.length]` with `classes`)
 * @throws InvalidArgumentError on a bad shape, dtype or label, or an invalid or unknown option
 * @example
 * const loss = diceLoss(logits, labels, { smooth: 0 });
 */
export function diceLoss(prediction: Tensor, target: Tensor, options?: DiceLossOptions): Tensor {
  const o = checkOptions('diceLoss', options, DICE_LOSS_KEYS);
  const ignoreIndex = o.ignoreIndex ?? 255;
  const K = checkLogitsLabels('diceLoss', prediction, target, ignoreIndex, o.validateLabels ?? true);
  const reduction = checkReduction('diceLoss', o.reduction);
  const smooth = o.smooth ?? 0;
  assertNumber('diceLoss: options.smooth', smooth, { min: 0 });
  const eps = o.eps ?? 1e-7;
  assertNumber('diceLoss: options.eps', eps, { min: 0 });
  const classes = o.classes;
  if (classes !== undefined && (!Array.isArray(classes) || classes.some((c) => !Number.isInteger(c) || c < 0 || c >= K))) {
    throw new InvalidArgumentError('diceLoss: options.classes', `an array of class indices in [0, ${K})`, classes);
  }
  return tf.tidy(() => {
    const { oneHot, mask } = labelTensors(target, K, ignoreIndex);
    const probs = tf.mul(tf.softmax(prediction), tf.expandDims(mask, -1));
    const axes = Array.from({ length: prediction.rank - 1 }, (_, i) => i);
    const inter = safeSum(tf.mul(probs, oneHot), axes);
    const gtSum = safeSum(oneHot, axes);
    const card = tf.add(safeSum(probs, axes), gtSum);
    const score = tf.div(tf.add(tf.mul(inter, 2), smooth), tf.maximum(tf.add(card, smooth), eps));
    const perClass = o.logLoss ? tf.neg(tf.log(tf.maximum(score, eps))) : tf.sub(1, score);
    let loss = tf.mul(perClass, tf.cast(tf.greater(gtSum, 0), 'float32'));
    if (classes) loss = tf.gather(loss, tf.tensor1d(classes, 'int32'));
    // softmax maps a −∞ logit to a probability of 0: without the trap, −∞ logits give a finite loss
    loss = withNonFiniteTrap(loss, prediction);
    return reduceLoss(loss, reduction);
  });
}
