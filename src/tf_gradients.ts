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

/**
 * The gradient of `FusedBatchNorm` (every BatchNormalization layer in
 * training mode), written with per-channel factors and broadcasting instead
 * of tfjs's `tile` of `rsqrt(var + ε)` to the full input size — a `Tile`
 * that took a quarter of a small U-Net's training step on wasm. With
 * `r = 1/√(var + ε)`, `Σ` over the broadcast axes:
 * `∂x = dy·γ·r`, `∂mean = −γ·r·Σdy`, `∂var = −½·γ·r³·Σ(x − mean)·dy`,
 * `∂γ = r·Σ(x − mean)·dy`, `∂β = Σdy` — the same values as tfjs's
 * `FusedBatchNorm_grad` (tested), themselves differentiable.
 */
export function registerFastBatchNormGradient(): void {
  tf.registerGradient({
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dyIn: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const dy = dyIn as tf.Tensor;
      const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const eps = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
      const sumTo = (t: tf.Tensor, shape: number[]): tf.Tensor => {
        const axes = tf.backend_util.getReductionAxes(shape, t.shape);
        return tf.reshape(axes.length ? tf.sum(t, axes) : t, shape);
      };
      const r = tf.rsqrt(tf.add(variance, tf.scalar(eps)));
      const gamma = scale ?? tf.scalar(1);
      const gr = tf.mul(gamma, r);
      // shared by several inputs' gradients; computed here because the engine
      // runs each input's closure in its own tidy scope
      const sumDy = sumTo(dy, mean.shape);
      const sumXdy = sumTo(tf.mul(tf.sub(x, mean), dy), mean.shape);
      return {
        x: () => tf.mul(dy, gr),
        mean: () => tf.reshape(tf.neg(tf.mul(gr, sumDy)), mean.shape),
        variance: () => tf.reshape(tf.mul(tf.mul(tf.mul(gr, tf.mul(r, r)), tf.scalar(-0.5)), sumXdy), variance.shape),
        scale: () => tf.reshape(tf.mul(r, sumXdy), scale ? scale.shape : mean.shape),
        offset: () => tf.reshape(sumDy, mean.shape),
      };
    },
  });
}
