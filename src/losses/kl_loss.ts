import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { assertSameShape, checkOptions } from '../validate.js';
import { assertFloat } from './assert_float.js';
import { optionKeys } from './option_keys.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

/** Options of {@link klLoss} and {@link gaussianKl}. */
export interface KlLossOptions {
  /** `'mean'` (default) over all elements, `'sum'`, or `'none'` (element-wise) */
  reduction?: Reduction;
}

/** The keys of {@link KlLossOptions} (internal). */
export const KL_LOSS_KEYS = optionKeys<KlLossOptions>()(['reduction']);

/**
 * UNIT's KL term: `mean(μ²)` over the latent code (the KL divergence to a unit Gaussian
 * when the encoder's variance is fixed to 1, up to the constant and the factor ½; UNIT's
 * `__compute_kl`). An empty `mu` gives exactly 0 on every backend; NaN/±Inf give a NaN/±Inf loss.
 *
 * @param mu float32 latent code `[N, h, w, C]` (any shape; a regulariser of one tensor: no target)
 * @param options `reduction` (`'mean'`)
 * @throws InvalidArgumentError if `mu` is not float32, or an option is invalid or unknown
 * @example
 * const kl = klLoss(hiddenA); // mean(hiddenA²)
 */
export function klLoss(mu: Tensor, options?: KlLossOptions): Tensor {
  const o = checkOptions('klLoss', options, KL_LOSS_KEYS);
  assertFloat('klLoss: mu', mu);
  const reduction = checkReduction('klLoss', o.reduction);
  return tf.tidy(() => reduceLoss(tf.square(mu), reduction));
}

/**
 * Closed-form KL divergence of `N(μ, exp(logVar))` to `N(0, 1)`, element-wise
 * `½·(μ² + exp(logVar) − 1 − logVar)` (Kingma & Welling 2014), then reduced
 * (= `torch.distributions.kl_divergence(Normal(μ, σ), Normal(0, 1))`).
 * Use `reduction: 'sum'` and divide by the batch for the VAE convention. Empty inputs give
 * exactly 0 on every backend; NaN/±Inf give a NaN/±Inf loss.
 *
 * @param mu float32, any shape
 * @param logVar float32, same shape as `mu`
 * @param options `reduction` (`'mean'`)
 * @throws InvalidArgumentError on a shape or dtype mismatch, or an invalid or unknown option
 * @example
 * const kl = gaussianKl(mu, logVar, { reduction: 'mean' });
 */
export function gaussianKl(mu: Tensor, logVar: Tensor, options?: KlLossOptions): Tensor {
  const o = checkOptions('gaussianKl', options, KL_LOSS_KEYS);
  assertFloat('gaussianKl: mu', mu);
  assertFloat('gaussianKl: logVar', logVar);
  assertSameShape('gaussianKl: mu', mu, 'logVar', logVar);
  const reduction = checkReduction('gaussianKl', o.reduction);
  return tf.tidy(() => reduceLoss(tf.mul(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1)), 0.5), reduction));
}
