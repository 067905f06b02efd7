import { tf } from '../tf.js';
import type { Scalar, Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { assertNumber, assertSameShape } from '../validate.js';
import { assertFloat, callNetwork, type Network } from './_util.js';
import { tfSeed } from '../train/rng.js';

/** Options of {@link gradientPenalty}. */
export interface GradientPenaltyOptions {
  /** λ; default 10. */
  lambda?: number;
  /** per-sample interpolation weights `[N]` in [0, 1]; default uniform random (`seed` if given). */
  alpha?: Tensor | number[];
  /** seed of the random interpolation weights */
  seed?: number;
}

/**
 * WGAN-GP gradient penalty (Gulrajani et al. 2017):
 * `x̂ = α·real + (1 − α)·fake` with one α ~ U[0, 1] per sample, then
 * `λ · mean_n((‖∇_x̂ D(x̂)_n‖₂ − 1)²)`, λ = 10. The gradient is taken of
 * `sum(D(x̂))` (summed over scales for multi-scale critics), and the penalty is
 * differentiable w.r.t. the critic's weights (double back-propagation).
 *
 * Limitation of tfjs' double back-propagation: ops whose gradient reads their own saved
 * output (tanh, sigmoid, exp, sqrt, softmax…) lose their second-order term, so the
 * penalty's gradient w.r.t. the critic is exact for critics built from convolutions,
 * dense layers, (leaky) ReLU, pooling and linear ops — the usual WGAN-GP critics (no
 * batch norm, which WGAN-GP excludes anyway). Zero gradients are registered for the
 * comparison ops (Greater, …) that LeakyReLU's gradient uses.
 *
 * @param critic the discriminator / critic (a LayersModel or `(x) => logits`)
 * @param real `[N, ...]` real samples
 * @param fake `[N, ...]` generated samples (same shape)
 * @example
 * const gp = gradientPenalty(critic, realImages, fakeImages, { lambda: 10 });
 */
export function gradientPenalty(critic: Network, real: Tensor, fake: Tensor, options: GradientPenaltyOptions = {}): Scalar {
  assertFloat('gradientPenalty: real', real);
  assertFloat('gradientPenalty: fake', fake);
  assertSameShape('gradientPenalty: real', real, 'fake', fake);
  if (real.rank < 2) throw new InvalidArgumentError('gradientPenalty: real', 'a batch [N, ...] of rank ≥ 2', `shape [${real.shape}]`);
  const lambda = options.lambda ?? 10;
  assertNumber('gradientPenalty: lambda', lambda, { min: 0 });
  const n = real.shape[0]!;
  return tf.tidy(() => {
    let alpha: Tensor;
    if (options.alpha === undefined) alpha = tf.randomUniform([n], 0, 1, 'float32', tfSeed(options.seed));
    else {
      alpha = Array.isArray(options.alpha) ? tf.tensor1d(options.alpha) : options.alpha;
      if (alpha.size !== n) throw new InvalidArgumentError('gradientPenalty: alpha', `${n} values (one per sample)`, alpha);
    }
    const a = tf.reshape(alpha, [n, ...real.shape.slice(1).map(() => 1)]);
    const xHat = tf.add(tf.mul(a, real), tf.mul(tf.sub(1, a), fake));
    const g = tf.grad((x: Tensor) => {
      const out = callNetwork('gradientPenalty: critic', critic, x);
      const list = Array.isArray(out) ? out : [out];
      return tf.addN(list.map((o) => tf.sum(o)));
    })(xHat);
    const axes = real.shape.slice(1).map((_, i) => i + 1);
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(g), axes), 1e-12));
    return tf.mul(tf.mean(tf.square(tf.sub(norm, 1))), lambda) as Scalar;
  });
}
