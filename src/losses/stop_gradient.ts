import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';

/**
 * Identity in the forward pass, zero gradient in the backward pass (PyTorch's `.detach()`,
 * TensorFlow's `tf.stop_gradient`, which tfjs lacks). The losses use it for targets computed
 * by a network (VGG features of the ground truth, a segmenter's output on the clear image);
 * public because a user writing a composite of their own needs the same.
 *
 * @param x any tensor
 * @returns a tensor equal to `x` through which no gradient flows
 * @example
 * const target = stopGradient(teacher.apply(x) as tf.Tensor);
 * const loss = l2Loss(student.apply(x) as tf.Tensor, target);
 */
export function stopGradient<T extends Tensor>(x: T): T {
  const f = tf.customGrad(((input: Tensor) => ({ value: tf.clone(input), gradFunc: (dy: Tensor) => tf.zerosLike(dy) })) as never) as (t: Tensor) => Tensor;
  return f(x) as T;
}
