/** One-hot targets and keep-masks of int32 labels with an ignore index (internal). */
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';

/** A float32 one-hot tensor (tfjs-backend-wasm 4.22's `OneHot` ignores `dtype` and writes int32 bits, so it is cast once here). */
function oneHotFloat(indices: Tensor, depth: number): Tensor {
  return tf.cast(tf.oneHot(indices, depth), 'float32');
}

/**
 * One-hot targets and the keep-mask of non-ignored pixels.
 * `oneHot` is float32 `[..., K]` (all zeros at ignored pixels), `mask` float32 `[...]`,
 * `safe` int32 labels with ignored pixels replaced by 0. With `maskOneHot: false` the one-hot
 * rows of ignored pixels select class 0 (cheaper when the caller masks per-pixel terms).
 */
export function labelTensors(labels: Tensor, K: number, ignoreIndex: number, maskOneHot = true): { oneHot: Tensor; mask: Tensor; safe: Tensor } {
  const keep = tf.notEqual(labels, tf.scalar(ignoreIndex, 'int32'));
  const safe = tf.where(keep, labels, tf.zerosLike(labels));
  const mask = tf.cast(keep, 'float32');
  // unmasked: ignored pixels select class 0, for callers that multiply per-pixel terms by `mask`
  const oneHot = maskOneHot ? tf.mul(oneHotFloat(safe, K), tf.expandDims(mask, -1)) : oneHotFloat(safe, K);
  return { oneHot, mask, safe };
}
