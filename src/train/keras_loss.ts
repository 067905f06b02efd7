/**
 * `asKerasLoss`: a segaware segmentation loss as a tfjs-layers (Keras) loss,
 * so `model.compile({ optimizer, loss: asKerasLoss(diceLoss) })` and
 * `model.fit` / `model.fitDataset` train with it.
 *
 * Two conventions differ: Keras calls a loss as `(yTrue, yPred)` while
 * segaware's are `(prediction, target)`; and Keras' categorical losses take
 * one-hot float targets `[N,H,W,K]` (the shape `fit` checks targets against)
 * while segaware's take int32 labels `[N,H,W]` with an ignore index.
 */
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { assertNumber, assertRank, checkOptions } from '../validate.js';

/** A segaware loss on logits and int32 labels, e.g. `diceLoss`, `crossEntropyLoss`, `focalLoss`, `lovaszSoftmaxLoss`. */
export type SegmentationLossFn = (prediction: Tensor, target: Tensor) => Tensor;

/** A tfjs-layers loss: `(yTrue, yPred) => loss` (what `model.compile({ loss })` accepts). */
export type KerasLossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Options of {@link asKerasLoss}. */
export interface KerasLossOptions {
  /**
   * How `yTrue` arrives (Keras' `sparse_categorical_crossentropy` vs
   * `categorical_crossentropy` convention):
   * - `false` (default): one-hot `[N,H,W,K]`, converted to labels by argmax;
   *   a pixel whose one-hot row is all zero becomes `ignoreIndex`. This is
   *   what `model.fit` accepts (it requires targets of the output's shape).
   * - `true`: class indices `[N,H,W]` or `[N,H,W,1]` (any dtype), cast to int32
   *   and the trailing 1 squeezed. Use with `model.fitDataset`, which does not
   *   check target shapes.
   */
  sparse?: boolean;
  /** Label given to all-zero one-hot rows (default 255, segaware's ignore index). */
  ignoreIndex?: number;
}

/** Keys of {@link KerasLossOptions} (checked by {@link asKerasLoss}). */
const KERAS_LOSS_KEYS = ['sparse', 'ignoreIndex'] as const;

/**
 * Adapts a segaware loss `(prediction, target)` to Keras' `(yTrue, yPred)`:
 *
 * `asKerasLoss(fn)(yTrue, yPred) = fn(yPred, labels(yTrue))` with
 * `labels(y) = argmax_k y[…, k]` where `max_k y[…, k] > 0`, else `ignoreIndex`
 * (one-hot, default) or `labels(y) = int32(squeeze(y, −1))` (`sparse: true`).
 *
 * Shapes: `yPred` logits `[N,H,W,K]`; `yTrue` `[N,H,W,K]` one-hot (float) or
 * `[N,H,W]` / `[N,H,W,1]` class ids (`sparse`). The result is whatever `fn`
 * returns (a scalar for the default `reduction: 'mean'`; Keras averages
 * anything else). Gradients flow through `yPred` only.
 *
 * Reference: tfjs-layers `LayersModel.compile` (`loss: (yTrue, yPred) => Tensor`)
 * and Keras' categorical / sparse categorical target conventions.
 *
 * @throws InvalidArgumentError for a non-function `fn` or a misspelled option
 *   (`asKerasLoss: options.<key>`); at call time, for a `yTrue` of the wrong rank
 *   (`asKerasLoss: yTrue`).
 * @example
 * const model = unet({ numClasses: 2, activation: 'linear' });
 * model.compile({ optimizer: tf.train.adam(1e-3), loss: asKerasLoss(diceLoss) });
 * await model.fit(images, tf.oneHot(labels, 2), { epochs: 10, callbacks: [progressCallback()] });
 * // integer labels through a tf.data dataset:
 * model.compile({ optimizer: 'adam', loss: asKerasLoss(crossEntropyLoss, { sparse: true }) });
 * await model.fitDataset(tf.data.zip({ xs: tf.data.array(xs), ys: tf.data.array(ys) }).batch(4), { epochs: 10 });
 */
export function asKerasLoss(fn: SegmentationLossFn, options?: KerasLossOptions): KerasLossFn {
  const { sparse = false, ignoreIndex = 255 } = checkOptions('asKerasLoss', options, KERAS_LOSS_KEYS);
  if (typeof fn !== 'function') throw new InvalidArgumentError('asKerasLoss: fn', 'a loss function (prediction, target) => tf.Tensor', fn);
  if (typeof sparse !== 'boolean') throw new InvalidArgumentError('asKerasLoss: options.sparse', 'a boolean', sparse);
  assertNumber('asKerasLoss: options.ignoreIndex', ignoreIndex, { integer: true });
  const toLabels = sparse ? sparseLabels : (yTrue: Tensor) => oneHotLabels(yTrue, ignoreIndex);
  // the labels are not disposed here: a loss's backward pass may need them (gather's
  // indices); Keras runs the loss inside its gradient scope, which frees them after the step
  const loss: KerasLossFn = (yTrue, yPred) => fn(yPred, toLabels(yTrue));
  // tfjs-layers names the training-config loss after the function
  Object.defineProperty(loss, 'name', { value: fn.name || 'segawareLoss' });
  return loss;
}

/** One-hot `[N,H,W,K]` → int32 `[N,H,W]`; all-zero rows → `ignoreIndex`. */
function oneHotLabels(yTrue: Tensor, ignoreIndex: number): Tensor {
  assertRank('asKerasLoss: yTrue', yTrue, 4);
  return tf.tidy(() => {
    const ids = tf.argMax(yTrue, -1);
    const labelled = tf.greater(tf.max(yTrue, -1), 0);
    return tf.where(labelled, ids, tf.fill(ids.shape, ignoreIndex, 'int32'));
  });
}

/** Class ids `[N,H,W]` or `[N,H,W,1]` (any dtype) → int32 `[N,H,W]`. */
function sparseLabels(yTrue: Tensor): Tensor {
  assertRank('asKerasLoss: yTrue', yTrue, [3, 4]);
  if (yTrue.rank === 4 && yTrue.shape[3] !== 1) {
    throw new InvalidArgumentError('asKerasLoss: yTrue', 'class ids [N,H,W] or [N,H,W,1] (sparse: true)', `shape [${yTrue.shape.join(',')}]`, 'one-hot targets need sparse: false');
  }
  return tf.tidy(() => {
    const ids = yTrue.rank === 4 ? tf.squeeze(yTrue, [3]) : yTrue;
    // round, not truncate: float ids that went through arithmetic may be 0.9999…
    return ids.dtype === 'int32' ? tf.clone(ids) : tf.cast(tf.round(ids), 'int32');
  });
}
