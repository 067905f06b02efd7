/**
 * The tensor path of the image metrics: convert a `(prediction, target)` pair, check it,
 * run the computation, dispose what was converted.
 */
import type { Tensor4D } from '../tf.js';
import { checkPair } from '../ops/check_pair.js';
import { toImageTensor } from '../ops/image_input.js';
import type { ImageInput } from '../ops/image_input.js';
import type { PairLabels } from './pair_labels.js';
import { checkTensorPair } from './value_check.js';

/**
 * Converts both inputs to float32 `[N,H,W,C]` tensors, checks them (same shape, non-empty,
 * finite, within `dataRange`), runs `body` and disposes the tensors it created (also when
 * a check or `body` throws). `body` runs before the value check when `beforeValues` is given.
 *
 * @param beforeValues cheap shape checks to run before the value check (which reads data)
 * @example const v = withTensorPair(pairLabels('psnr'), a, b, 1, (p, t) => tf.mean(tf.squaredDifference(p, t)));
 */
export function withTensorPair<T>(
  labels: PairLabels,
  prediction: ImageInput,
  target: ImageInput,
  dataRange: number,
  body: (prediction: Tensor4D, target: Tensor4D) => T,
  beforeValues?: (prediction: Tensor4D) => void,
): T {
  const A = toImageTensor(labels.prediction, prediction);
  let B: ReturnType<typeof toImageTensor> | undefined;
  try {
    B = toImageTensor(labels.target, target);
    checkPair(labels.fn, A.t, B.t, { float32: false, finiteTarget: false, nonEmpty: true });
    beforeValues?.(A.t);
    checkTensorPair(labels, A.t, B.t, dataRange);
    return body(A.t, B.t);
  } finally {
    if (A.owned) A.t.dispose();
    if (B?.owned) B.t.dispose();
  }
}
