/**
 * Gradients tfjs 4.22 lacks, registered once when segaware loads tfjs.
 *
 * Comparison and logical kernels have no registered gradient, yet the
 * gradients of common activations use them as masks (LeakyReLU's
 * `where(x > 0, …)` runs `Greater`), so differentiating a gradient — the
 * WGAN-GP penalty through a LeakyReLU critic — fails with "gradient function
 * not found for Greater". Their outputs are boolean, so a zero gradient is
 * exact. Only kernels without a gradient are touched.
 */
import * as tf from '@tensorflow/tfjs-core';

const NON_DIFFERENTIABLE = ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr'];

export function registerMissingGradients(): void {
  for (const kernelName of NON_DIFFERENTIABLE) {
    if (tf.getGradient(kernelName) != null) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({ a: () => tf.zerosLike(saved[0]!), b: () => tf.zerosLike(saved[1]!) }),
    });
  }
}
