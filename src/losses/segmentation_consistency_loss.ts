import { tf } from '../tf.js';
import type { Scalar, Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { assertOneOf, assertRank, checkOptions } from '../validate.js';
import { safeDivide, safeMean, safeSum, zerosFrom } from './empty_safe.js';
import { checkLogitsLabels } from './label_checks.js';
import { labelTensors } from './label_tensors.js';
import { callSingle, type LossNetwork } from './network.js';
import { withNonFiniteTrap } from './non_finite_trap.js';
import { optionKeys } from './option_keys.js';
import { stopGradient } from './stop_gradient.js';
import { assertFiniteTensor } from '../finite_check.js';
import { crossEntropyLoss } from './cross_entropy_loss.js';
import { diceLoss } from './dice_loss.js';
import { lovaszSoftmaxLoss } from './lovasz_softmax_loss.js';

/** How {@link segmentationConsistencyLoss} compares the segmenter's output with its target. */
export type SegmentationConsistencyMode = 'ce' | 'l2' | 'kl' | 'lovasz' | 'dice';

/** The modes of {@link SegmentationConsistencyMode} (internal). */
export const SEGMENTATION_CONSISTENCY_MODES = ['ce', 'l2', 'kl', 'lovasz', 'dice'] as const;

/** Options of {@link segmentationConsistencyLoss}. */
export interface SegmentationConsistencyLossOptions {
  /**
   * `'ce'` (default): CE of the segmenter's logits on `prediction` to int32 labels;
   * `'l2'`: mean squared error between its softmax and the one-hot labels (DFS poster);
   * `'kl'`: `KL(p_clear ‖ p_restored)` with `target` the clear image (no labels needed);
   * `'lovasz'`: Lovász-Softmax of its logits to the labels (the IoU surrogate the DFS poster
   * names as future work); `'dice'`: the Dice loss of its logits to the labels.
   */
  mode?: SegmentationConsistencyMode;
  /** default 255 (every mode but 'kl') */
  ignoreIndex?: number;
  /** check label values on the host; default true */
  validateLabels?: boolean;
}

/** The keys of {@link SegmentationConsistencyLossOptions} (internal). */
export const SEGMENTATION_CONSISTENCY_LOSS_KEYS = optionKeys<SegmentationConsistencyLossOptions>()(['mode', 'ignoreIndex', 'validateLabels']);

/** How the segmenter's logits are named in errors (they are no argument of their own). */
const SEGMENTER_OUTPUT = { prediction: 'segmenter(prediction)' };

/**
 * DFS `L_seg`: runs the frozen `segmenter` on the restored image (`prediction`) and compares its output
 * with the ground truth (or with its output on the clear image):
 *
 * - `'ce'`: `CE(seg(prediction), target)` (mean over non-ignored pixels, {@link crossEntropyLoss});
 * - `'l2'`: `mean_{i,k}(softmax(seg(prediction))_{ik} − onehot(target)_{ik})²` over non-ignored pixels;
 * - `'kl'`: `mean_i Σ_k p_{ik}·(log p_{ik} − log q_{ik})`, `p = softmax(seg(target))` (no gradient,
 *   `target` the clear image), `q = softmax(seg(prediction))`;
 * - `'lovasz'`: `lovaszSoftmaxLoss(seg(prediction), target)` (Berman et al. 2018, classes present);
 * - `'dice'`: `diceLoss(seg(prediction), target)` (segmentation_models_pytorch's multiclass Dice).
 *
 * Gradients flow through the segmenter into `prediction`; keep the segmenter frozen by
 * passing only the generator's variables to the optimizer (`varList`) or setting
 * `model.trainable = false`.
 *
 * A NaN/±Inf in `prediction` gives a NaN loss whatever the segmenter does with it; an empty batch
 * gives exactly 0 without calling the segmenter. In mode `'kl'`, `target` (the clear image, data)
 * must be finite.
 *
 * @param segmenter network returning logits `[N, H, W, K]` (LayersModel or function; put any
 *   input normalisation it needs inside the function)
 * @param prediction the restored image, float32 `[N, H, W, C]`
 * @param target int32 labels `[N, H, W]` ('ce', 'l2') or the clear float32 image ('kl')
 * @param options `mode` (`'ce'`), `ignoreIndex` (255), `validateLabels` (true)
 * @returns a scalar
 * @example
 * const lSeg = segmentationConsistencyLoss(segNet, dehazed, labels, { mode: 'ce' });
 * @throws InvalidArgumentError if the `'kl'` target holds NaN/±Inf, labels are out of range, or an option is invalid or unknown
 */
export function segmentationConsistencyLoss(segmenter: LossNetwork, prediction: Tensor, target: Tensor, options?: SegmentationConsistencyLossOptions): Scalar {
  const o = checkOptions('segmentationConsistencyLoss', options, SEGMENTATION_CONSISTENCY_LOSS_KEYS);
  const mode = o.mode ?? 'ce';
  assertOneOf('segmentationConsistencyLoss: options.mode', mode, SEGMENTATION_CONSISTENCY_MODES);
  assertRank('segmentationConsistencyLoss: prediction', prediction, 4);
  const ignoreIndex = o.ignoreIndex ?? 255;
  if (mode === 'kl') {
    assertRank('segmentationConsistencyLoss: target', target, 4);
    if (target.dtype !== 'float32') throw new InvalidArgumentError('segmentationConsistencyLoss: target', "the clear float32 image for mode 'kl'", target);
    assertFiniteTensor('segmentationConsistencyLoss: target', target);
  }
  // a loss over nothing is 0; the segmenter is not called (wasm reductions of an empty tensor read garbage, and batched MatMul throws "divide by zero")
  if (prediction.size === 0) return zerosFrom(prediction, []) as Scalar;
  // the trap: a segmenter may map NaN/±Inf pixels to finite logits (e.g. through a ReLU), hiding them
  return tf.tidy(() => withNonFiniteTrap(consistencyTerm(segmenter, prediction, target, mode, ignoreIndex, o.validateLabels ?? true), prediction) as Scalar);
}

/** The loss of one mode without the non-finite trap (internal). */
function consistencyTerm(segmenter: LossNetwork, prediction: Tensor, target: Tensor, mode: SegmentationConsistencyMode, ignoreIndex: number, validateLabels: boolean): Tensor {
  const logits = callSingle('segmentationConsistencyLoss: segmenter', segmenter, prediction);
  if (mode === 'kl') {
    const ref = stopGradient(callSingle('segmentationConsistencyLoss: segmenter', segmenter, target));
    if (ref.shape.join() !== logits.shape.join()) throw new InvalidArgumentError('segmentationConsistencyLoss: target', 'an image giving logits of the same shape as prediction', target);
    const logP = tf.logSoftmax(ref);
    const kl = tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, tf.logSoftmax(logits))), -1);
    return safeMean(kl);
  }
  const K = checkLogitsLabels('segmentationConsistencyLoss', logits, target, ignoreIndex, validateLabels, SEGMENTER_OUTPUT);
  if (mode === 'ce') return crossEntropyLoss(logits, target, { ignoreIndex, validateLabels: false });
  if (mode === 'lovasz') return lovaszSoftmaxLoss(logits, target, { ignoreIndex, validateLabels: false });
  if (mode === 'dice') return diceLoss(logits, target, { ignoreIndex, validateLabels: false });
  const { oneHot, mask } = labelTensors(target, K, ignoreIndex);
  const sq = tf.mul(tf.square(tf.sub(tf.softmax(logits), oneHot)), tf.expandDims(mask, -1));
  return safeDivide(safeSum(sq), tf.mul(safeSum(mask), K));
}
