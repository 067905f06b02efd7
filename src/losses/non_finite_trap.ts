/** Keeps a NaN/±Inf prediction from producing a finite loss (internal). */
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';

/**
 * `loss + Σ_i sum(xs[i] · 0)`: the same value when every element of `xs` is finite (adding 0 is
 * exact), NaN otherwise. Applied to losses whose value saturates on a non-finite prediction
 * (softplus and relu of ±∞, softmax of −∞, a network that maps NaN to 0), so that NaN/±∞ in a
 * prediction can never produce a finite loss and the NaN guard stops the step. No read-back.
 *
 * The check runs inside a custom-gradient forward pass, where tfjs does not record it on the
 * tape: the gradient is exactly the loss's own (identity to `loss`, nothing to `xs`) and the
 * backward pass costs nothing; the forward costs one multiply and one sum over `xs`.
 */
export function withNonFiniteTrap(loss: Tensor, ...xs: Tensor[]): Tensor {
  const checked = xs.filter((x) => x.size > 0);
  if (checked.length === 0) return loss;
  const f = tf.customGrad(((l: Tensor) => {
    const flag = checked.reduce<Tensor>((acc, x) => tf.add(acc, tf.sum(tf.mul(x, 0))), tf.scalar(0));
    return { value: tf.add(l, flag), gradFunc: (dy: Tensor) => tf.clone(dy) };
  }) as never) as (t: Tensor) => Tensor;
  return f(loss);
}
