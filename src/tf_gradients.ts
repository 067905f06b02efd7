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
import * as tfl from '@tensorflow/tfjs-layers';

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

/** The parts of tfjs-layers' `Conv` (base of Conv1D/2D/3D) that the lazy-gradient path reads. */
interface ConvLayerInternals {
  rank: number;
  dataFormat: string;
  strides: number[];
  padding: string;
  dilationRate: number[];
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  activation: { getClassName(): string; apply(x: tf.Tensor): tf.Tensor };
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: unknown): tf.Tensor;
}

let lazyConvInstalled = false;

/**
 * Makes tfjs-layers' 2-D convolutions differentiate lazily while a gradient
 * is being recorded.
 *
 * `Conv2D.call` always runs `tf.fused.conv2d`, and while recording with a
 * linear activation tfjs keeps it fused behind a `customGrad` — which computes
 * the gradients of *every* input eagerly. So a GAN's generator update also
 * computed each discriminator filter gradient (and a discriminator update the
 * gradient of its input image) only to drop them: ≈ 0.2 s of a 3.3 s pix2pix
 * step on wasm. While recording, this path uses `tf.conv2d` + bias `add` +
 * activation — the form tfjs itself uses for non-linear activations — whose
 * registered gradients are pruned to what the caller asked for. Inference
 * (nothing recorded) keeps the fused kernel. Values are unchanged up to float
 * rounding of the bias add.
 */
export function installLazyConvGradients(): void {
  if (lazyConvInstalled) return;
  lazyConvInstalled = true;
  const probe = tfl.layers.conv2d({ filters: 1, kernelSize: 1 });
  const convProto = Object.getPrototypeOf(Object.getPrototypeOf(probe)) as ConvLayerInternals; // Conv.prototype
  const fusedCall = convProto.call;
  convProto.call = function lazyGradientCall(this: ConvLayerInternals, inputs, kwargs) {
    const recording = (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
    const single = !Array.isArray(inputs) || inputs.length === 1;
    if (!recording || !single || this.rank !== 2 || this.dataFormat !== 'channelsLast') return fusedCall.call(this, inputs, kwargs);
    return tf.tidy(() => {
      let y: tf.Tensor = tf.conv2d(
        (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D,
        this.kernel.read() as tf.Tensor4D,
        this.strides as [number, number],
        this.padding === 'same' ? 'same' : 'valid',
        'NHWC',
        this.dilationRate as [number, number],
      );
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.activation.getClassName() === 'linear' ? y : this.activation.apply(y);
    });
  };
}
