import { tf } from '../tf.js';
import type { Scalar, Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { assertOneOf, assertRank } from '../validate.js';
import { callSingle, checkLogitsLabels, labelTensors, safeDivide, safeMean, safeSum, stopGradient, withNonFiniteTrap, zerosFrom, type Network } from './_util.js';
import { assertFiniteTensor } from '../finite_check.js';
import { crossEntropyLoss } from './cross_entropy_loss.js';

/** Options of {@link segmentationConsistencyLoss}. */
export interface SegmentationConsistencyLossOptions {
  /**
   * `'ce'` (default): CE of the segmenter's logits on `restored` to int32 labels;
   * `'l2'`: mean squared error between its softmax and the one-hot labels (DFS poster);
   * `'kl'`: `KL(p_clear ‖ p_restored)` with `target` the clear image (no labels needed).
   */
  mode?: 'ce' | 'l2' | 'kl';
  /** default 255 (modes 'ce' and 'l2') */
  ignoreIndex?: number;
  /** check label values on the host; default true */
  validateLabels?: boolean;
}

/**
 * DFS `L_seg`: runs the frozen `segmenter` on the restored image and compares its output
 * with the ground truth (or with its output on the clear image):
 *
 * - `'ce'`: `CE(seg(restored), labels)` (mean over non-ignored pixels, {@link crossEntropyLoss});
 * - `'l2'`: `mean_{i,k}(softmax(seg(restored))_{ik} − onehot(labels)_{ik})²` over non-ignored pixels;
 * - `'kl'`: `mean_i Σ_k p_{ik}·(log p_{ik} − log q_{ik})`, `p = softmax(seg(clear))` (no gradient),
 *   `q = softmax(seg(restored))`.
 *
 * Gradients flow through the segmenter into `restored`; keep the segmenter frozen by
 * passing only the generator's variables to the optimizer (`varList`) or setting
 * `model.trainable = false`.
 *
 * A NaN/±Inf in `restored` gives a NaN loss whatever the segmenter does with it; an empty batch
 * gives exactly 0 without calling the segmenter. In mode `'kl'`, `target` (the clear image, data)
 * must be finite.
 *
 * @param segmenter network returning logits `[N, H, W, K]` (LayersModel or function; put any
 *   input normalisation it needs inside the function)
 * @param restored float32 `[N, H, W, C]`
 * @param target int32 labels `[N, H, W]` ('ce', 'l2') or the clear float32 image ('kl')
 * @example
 * const lSeg = segmentationConsistencyLoss(segNet, dehazed, labels, { mode: 'ce' });
 * @throws InvalidArgumentError if the `'kl'` target holds NaN/±Inf, or labels are out of range
 */
export function segmentationConsistencyLoss(segmenter: Network, restored: Tensor, target: Tensor, options: SegmentationConsistencyLossOptions = {}): Scalar {
  const mode = options.mode ?? 'ce';
  assertOneOf('segmentationConsistencyLoss: mode', mode, ['ce', 'l2', 'kl'] as const);
  assertRank('segmentationConsistencyLoss: restored', restored, 4);
  const ignoreIndex = options.ignoreIndex ?? 255;
  if (mode === 'kl') {
    assertRank('segmentationConsistencyLoss: target', target, 4);
    if (target.dtype !== 'float32') throw new InvalidArgumentError('segmentationConsistencyLoss: target', "the clear float32 image for mode 'kl'", target);
    assertFiniteTensor('segmentationConsistencyLoss: target', target);
  }
  // a loss over nothing is 0; the segmenter is not called (wasm reductions of an empty tensor read garbage, and batched MatMul throws "divide by zero")
  if (restored.size === 0) return zerosFrom(restored, []) as Scalar;
  // the trap: a segmenter may map NaN/±Inf pixels to finite logits (e.g. through a ReLU), hiding them
  return tf.tidy(() => withNonFiniteTrap(consistencyTerm(segmenter, restored, target, mode, ignoreIndex, options.validateLabels ?? true), restored) as Scalar);
}

/** The loss of one mode without the non-finite trap (internal). */
function consistencyTerm(segmenter: Network, restored: Tensor, target: Tensor, mode: 'ce' | 'l2' | 'kl', ignoreIndex: number, validateLabels: boolean): Tensor {
  const logits = callSingle('segmentationConsistencyLoss: segmenter', segmenter, restored);
  if (mode === 'kl') {
    const ref = stopGradient(callSingle('segmentationConsistencyLoss: segmenter', segmenter, target));
    if (ref.shape.join() !== logits.shape.join()) throw new InvalidArgumentError('segmentationConsistencyLoss: target', 'an image giving logits of the same shape as restored', target);
    const logP = tf.logSoftmax(ref);
    const kl = tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, tf.logSoftmax(logits))), -1);
    return safeMean(kl);
  }
  const K = checkLogitsLabels('segmentationConsistencyLoss', logits, target, ignoreIndex, validateLabels);
  if (mode === 'ce') return crossEntropyLoss(logits, target, { ignoreIndex, validateLabels: false });
  const { oneHot, mask } = labelTensors(target, K, ignoreIndex);
  const sq = tf.mul(tf.square(tf.sub(tf.softmax(logits), oneHot)), tf.expandDims(mask, -1));
  return safeDivide(safeSum(sq), tf.mul(safeSum(mask), K));
}
