import { tf } from '../tf.js';
import type { Scalar, Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { assertNumber, assertSameShape, checkOptions } from '../validate.js';
import { assertFloat } from './assert_float.js';
import { safeMean, safeSum, zerosFrom } from './empty_safe.js';
import { callNetwork, type LossNetwork } from './network.js';
import { optionKeys } from './option_keys.js';
import { assertFiniteArray, assertFiniteTensor, deferCheck, isHostBackend, nonFiniteError } from '../finite_check.js';
import { tfSeed } from '../ops/rng.js';

/** Options of {@link gradientPenalty}. */
export interface GradientPenaltyOptions {
  /** λ; default 10. */
  lambda?: number;
  /**
   * per-sample interpolation weights `[N]` in [0, 1]; default uniform random (`seed` if given).
   * A tensor is checked at once on host backends; on GPU backends on the device, reported at
   * the next `flushFiniteChecks` (which `optimizerStep` calls before applying an update).
   */
  alpha?: Tensor | number[];
  /** seed of the random interpolation weights */
  seed?: number;
}

/** The keys of {@link GradientPenaltyOptions} (internal). */
export const GRADIENT_PENALTY_KEYS = optionKeys<GradientPenaltyOptions>()(['lambda', 'alpha', 'seed']);

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
 * An empty batch (N = 0, or no elements per sample) gives exactly 0 without calling the critic.
 *
 * @param critic the discriminator / critic (a LayersModel or `(x) => logits`)
 * @param real `[N, ...]` real samples (data: must be finite)
 * @param fake `[N, ...]` generated samples (same shape)
 * @param options `lambda` (10), `alpha` (uniform random), `seed`
 * @returns a scalar
 * @throws InvalidArgumentError if `real` holds NaN/±Inf, `options.alpha` is not N values in [0, 1], or an option key is unknown
 * @example
 * const gp = gradientPenalty(critic, realImages, fakeImages, { lambda: 10 });
 */
export function gradientPenalty(critic: LossNetwork, real: Tensor, fake: Tensor, options?: GradientPenaltyOptions): Scalar {
  const o = checkOptions('gradientPenalty', options, GRADIENT_PENALTY_KEYS);
  assertFloat('gradientPenalty: real', real);
  assertFloat('gradientPenalty: fake', fake);
  assertSameShape('gradientPenalty: real', real, 'fake', fake);
  if (real.rank < 2) throw new InvalidArgumentError('gradientPenalty: real', 'a batch [N, ...] of rank ≥ 2', `shape [${real.shape}]`);
  const lambda = o.lambda ?? 10;
  assertNumber('gradientPenalty: options.lambda', lambda, { min: 0 });
  if (o.seed !== undefined) assertNumber('gradientPenalty: options.seed', o.seed);
  const n = real.shape[0]!;
  checkAlpha(o.alpha, n);
  assertFiniteTensor('gradientPenalty: real', real);
  // a penalty over nothing is 0; the critic is not called (wasm reductions of an empty tensor read garbage, and batched MatMul throws "divide by zero")
  if (real.size === 0) return zerosFrom(fake, []) as Scalar;
  return tf.tidy(() => {
    let alpha: Tensor;
    if (o.alpha === undefined) alpha = tf.randomUniform([n], 0, 1, 'float32', tfSeed(o.seed));
    else alpha = Array.isArray(o.alpha) ? tf.tensor1d(o.alpha) : o.alpha;
    const a = tf.reshape(alpha, [n, ...real.shape.slice(1).map(() => 1)]);
    const xHat = tf.add(tf.mul(a, real), tf.mul(tf.sub(1, a), fake));
    const g = tf.grad((x: Tensor) => {
      const out = callNetwork('gradientPenalty: critic', critic, x);
      const list = Array.isArray(out) ? out : [out];
      return tf.addN(list.map((o) => tf.sum(o)));
    })(xHat);
    const axes = real.shape.slice(1).map((_, i) => i + 1);
    const norm = tf.sqrt(tf.add(safeSum(tf.square(g), axes), 1e-12));
    return tf.mul(safeMean(tf.square(tf.sub(norm, 1))), lambda) as Scalar;
  });
}

/** The label of `options.alpha` errors. */
const ALPHA = 'gradientPenalty: options.alpha';

/**
 * The alpha check of a GPU backend, without a read-back: `[number of values outside [0, 1]
 * (NaN included), one such value, its index]` computed on the device and judged at the next
 * `flushFiniteChecks`, with the same errors as the host check.
 */
function deferAlphaCheck(alpha: Tensor): void {
  if (alpha.size === 0) return;
  const flag = tf.tidy(() => {
    const flat = tf.reshape(alpha, [-1]);
    const bad = tf.cast(tf.logicalNot(tf.logicalAnd(tf.greaterEqual(flat, 0), tf.lessEqual(flat, 1))), 'int32'); // NaN compares false: bad
    const index = tf.argMax(bad);
    return tf.concat([tf.reshape(tf.cast(tf.sum(bad), 'float32'), [1]), tf.reshape(tf.gather(flat, index), [1]), tf.reshape(tf.cast(index, 'float32'), [1])]);
  });
  deferCheck(flag, (v) => {
    if (!(v[0]! > 0)) return undefined;
    const value = v[1]!;
    const detail = `${String(value)} at index ${v[2]!}`;
    if (!Number.isFinite(value)) return nonFiniteError(ALPHA, detail);
    return new InvalidArgumentError(ALPHA, 'interpolation weights in [0, 1]', detail);
  });
}

/** Checks `options.alpha`: N interpolation weights in [0, 1] (array, or tensor on host backends). */
function checkAlpha(alpha: unknown, n: number): void {
  if (alpha === undefined) return;
  const isTensor = alpha instanceof tf.Tensor;
  if (!isTensor && !Array.isArray(alpha)) throw new InvalidArgumentError(ALPHA, `an array or tensor of ${n} values in [0, 1]`, alpha);
  const size = isTensor ? alpha.size : alpha.length;
  if (size !== n) throw new InvalidArgumentError(ALPHA, `${n} values (one per sample)`, alpha);
  if (isTensor && alpha.dtype !== 'float32') throw new InvalidArgumentError(ALPHA, 'a float32 tensor', `dtype ${alpha.dtype}`);
  if (isTensor && !isHostBackend()) {
    deferAlphaCheck(alpha);
    return;
  }
  const values = isTensor ? alpha.dataSync() : (alpha as unknown[]);
  if (!isTensor && values.some((v) => typeof v !== 'number')) throw new InvalidArgumentError(ALPHA, `${n} numbers in [0, 1]`, alpha);
  assertFiniteArray(ALPHA, values as ArrayLike<number>);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < 0 || v > 1) throw new InvalidArgumentError(ALPHA, 'interpolation weights in [0, 1]', `${v} at index ${i}`);
  }
}
