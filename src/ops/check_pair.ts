/**
 * The `(prediction, target)` pair check shared by the pixel losses and the image
 * metrics. Internal: not public.
 */
import { InvalidArgumentError } from '../errors.js';
import { assertFiniteTensor } from '../finite_check.js';
import type { Tensor } from '../tf.js';
import { assertTensor } from '../validate.js';

/** What {@link checkPair} checks besides "two live tensors of one shape". */
export interface PairChecks {
  /** both float32 (default true: losses take float tensors; metrics convert first) */
  float32?: boolean;
  /**
   * `target` finite (default true). The prediction is never checked here: that would cost
   * a read-back per training step, and a NaN prediction makes the loss NaN, which the
   * training loop's NaN guard reports. (Metrics check both, with their range, themselves.)
   */
  finiteTarget?: boolean;
  /** no zero-size axis (default false; metrics have nothing to measure on empty images) */
  nonEmpty?: boolean;
}

/**
 * Checks that `prediction` and `target` are live tensors of the same shape (and, per
 * `checks`, float32, with a finite target, non-empty). Errors are labelled
 * `fn: prediction`, `fn: target` and `fn: prediction/target` (shape mismatch).
 *
 * @param fn the public function (or `Class.method`) the pair was given to
 * @throws InvalidArgumentError naming the argument, what was expected and what was received
 * @example
 * checkPair('l1Loss', prediction, target);                                         // a loss
 * checkPair('psnr', a, b, { float32: false, finiteTarget: false, nonEmpty: true }); // a metric
 */
export function checkPair(fn: string, prediction: unknown, target: unknown, checks: PairChecks = {}): asserts prediction is Tensor {
  const { float32 = true, finiteTarget = true, nonEmpty = false } = checks;
  assertTensor(`${fn}: prediction`, prediction);
  if (float32 && prediction.dtype !== 'float32') throw new InvalidArgumentError(`${fn}: prediction`, 'a float32 tensor', `dtype ${prediction.dtype}`);
  assertTensor(`${fn}: target`, target);
  if (float32 && target.dtype !== 'float32') throw new InvalidArgumentError(`${fn}: target`, 'a float32 tensor', `dtype ${target.dtype}`);
  const a = prediction.shape;
  const b = target.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new InvalidArgumentError(`${fn}: prediction/target`, 'prediction and target of the same shape', `[${a.join(',')}] and [${b.join(',')}]`);
  }
  if (nonEmpty && a.some((d) => d === 0)) throw new InvalidArgumentError(`${fn}: prediction`, 'non-empty images', `shape [${a.join(',')}]`, 'nothing to measure');
  if (finiteTarget) assertFiniteTensor(`${fn}: target`, target);
}
