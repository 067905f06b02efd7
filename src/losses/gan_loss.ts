import { tf } from '../tf.js';
import type { Scalar, Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { assertNumber, assertOneOf, checkOptions } from '../validate.js';
import { assertFloat } from './assert_float.js';
import { safeMean } from './empty_safe.js';
import { withNonFiniteTrap } from './non_finite_trap.js';
import { optionKeys } from './option_keys.js';

/** Adversarial objective: `'vanilla'` (BCE), `'lsgan'`, `'hinge'` or `'wgan'`. */
export type GanMode = 'vanilla' | 'lsgan' | 'hinge' | 'wgan';
/** Every {@link GanMode}. */
export const GAN_MODES: readonly GanMode[] = ['vanilla', 'lsgan', 'hinge', 'wgan'];

/** Discriminator logits of one scale, or one tensor per scale (summed). */
export type GanLogits = Tensor | Tensor[];

/** Options of {@link ganGeneratorLoss}. */
export interface GanGeneratorLossOptions {
  /** default `'lsgan'` */
  mode?: GanMode;
}

/** Options of {@link ganDiscriminatorLoss}. */
export interface GanDiscriminatorLossOptions extends GanGeneratorLossOptions {
  /** factor on `(real term + fake term)`; default 0.5 (pix2pix). UNIT uses 1. */
  scale?: number;
}

/** The keys of {@link GanGeneratorLossOptions} (internal). */
export const GAN_GENERATOR_LOSS_KEYS = optionKeys<GanGeneratorLossOptions>()(['mode']);
/** The keys of {@link GanDiscriminatorLossOptions} (internal). */
export const GAN_DISCRIMINATOR_LOSS_KEYS = optionKeys<GanDiscriminatorLossOptions>()(['mode', 'scale']);

function asList(name: string, x: GanLogits): Tensor[] {
  const list = Array.isArray(x) ? x : [x];
  if (list.length === 0) throw new InvalidArgumentError(name, 'a tensor or a non-empty array of tensors', x);
  list.forEach((t, i) => assertFloat(list.length > 1 ? `${name}[${i}]` : name, t));
  return list;
}

function checkMode(fn: string, mode: unknown): GanMode {
  const m = mode ?? 'lsgan';
  assertOneOf(`${fn}: options.mode`, m, GAN_MODES);
  return m;
}

/**
 * The loss of logits `x` against target "real" (`true`) or "fake" (`false`), mean over elements
 * (0 for empty logits). softplus and relu saturate at ±∞ (softplus(−∞) = relu(−∞) = 0), so the
 * vanilla and hinge terms carry {@link withNonFiniteTrap}: ±∞ logits give a NaN loss, never a finite one.
 */
function targetTerm(x: Tensor, real: boolean, mode: GanMode): Tensor {
  switch (mode) {
    case 'vanilla':
      // BCE with logits: −log σ(x) = softplus(−x) for real, −log(1−σ(x)) = softplus(x) for fake
      return withNonFiniteTrap(safeMean(tf.softplus(real ? tf.neg(x) : x)), x);
    case 'lsgan':
      return safeMean(real ? tf.square(tf.sub(x, 1)) : tf.square(x));
    case 'hinge':
      return withNonFiniteTrap(safeMean(tf.relu(real ? tf.sub(1, x) : tf.add(1, x))), x);
    case 'wgan':
      return real ? tf.neg(safeMean(x)) : safeMean(x);
  }
}

/**
 * Generator adversarial loss on the discriminator's logits for generated samples.
 *
 * - vanilla: `mean(softplus(−x))` (BCE-with-logits against 1, stable form);
 * - lsgan: `mean((x − 1)²)`;
 * - hinge, wgan: `−mean(x)`.
 *
 * Multi-scale discriminators: pass the array of per-scale logits; the terms are summed.
 * Empty logits (an empty batch) give exactly 0 on every backend; NaN/±Inf logits give a
 * NaN/±Inf loss in every mode (never a finite one).
 *
 * @param fakeLogits the discriminator's logits on generated samples, any shape (or one tensor per scale)
 * @param options `mode` (`'lsgan'`)
 * @returns a scalar
 * @throws InvalidArgumentError if the logits are not float32 tensors, or an option is invalid or unknown
 * @example
 * const lossG = ganGeneratorLoss(discriminator.apply(tf.concat([hazy, fake], -1)), { mode: 'lsgan' });
 */
export function ganGeneratorLoss(fakeLogits: GanLogits, options?: GanGeneratorLossOptions): Scalar {
  const o = checkOptions('ganGeneratorLoss', options, GAN_GENERATOR_LOSS_KEYS);
  const mode = checkMode('ganGeneratorLoss', o.mode);
  const list = asList('ganGeneratorLoss: fakeLogits', fakeLogits);
  return tf.tidy(() => {
    const terms = list.map((x) => (mode === 'hinge' || mode === 'wgan' ? tf.neg(safeMean(x)) : targetTerm(x, true, mode)));
    return (terms.length === 1 ? terms[0]! : tf.addN(terms)) as Scalar;
  });
}

/**
 * Discriminator adversarial loss `scale · (real term + fake term)`, scale 0.5 by default (pix2pix):
 *
 * - vanilla: `mean(softplus(−real)) + mean(softplus(fake))` (BCE with logits);
 * - lsgan: `mean((real − 1)²) + mean(fake²)`;
 * - hinge: `mean(relu(1 − real)) + mean(relu(1 + fake))`;
 * - wgan: `−mean(real) + mean(fake)`.
 *
 * Multi-scale: arrays of per-scale logits (same length), summed over scales.
 * Detach the generator output before computing `fakeLogits` (or restrict the optimizer's
 * `varList` to the discriminator). Empty logits give exactly 0 on every backend; NaN/±Inf
 * logits give a NaN/±Inf loss in every mode.
 *
 * @param realLogits the discriminator's logits on real samples, any shape (or one tensor per scale)
 * @param fakeLogits its logits on generated samples (as many scales)
 * @param options `mode` (`'lsgan'`), `scale` (0.5)
 * @returns a scalar
 * @throws InvalidArgumentError if the logits are not float32 tensors, the scale counts differ, or an option is invalid or unknown
 * @example
 * const lossD = ganDiscriminatorLoss(D(realPair), D(fakePair), { mode: 'lsgan' });
 */
export function ganDiscriminatorLoss(realLogits: GanLogits, fakeLogits: GanLogits, options?: GanDiscriminatorLossOptions): Scalar {
  const o = checkOptions('ganDiscriminatorLoss', options, GAN_DISCRIMINATOR_LOSS_KEYS);
  const mode = checkMode('ganDiscriminatorLoss', o.mode);
  const scale = o.scale ?? 0.5;
  assertNumber('ganDiscriminatorLoss: options.scale', scale, { min: 0 });
  const real = asList('ganDiscriminatorLoss: realLogits', realLogits);
  const fake = asList('ganDiscriminatorLoss: fakeLogits', fakeLogits);
  if (real.length !== fake.length) {
    throw new InvalidArgumentError('ganDiscriminatorLoss: fakeLogits', `${real.length} scales like realLogits`, `${fake.length} scales`);
  }
  return tf.tidy(() => {
    const terms = real.flatMap((r, i) => [targetTerm(r, true, mode), targetTerm(fake[i]!, false, mode)]);
    return tf.mul(tf.addN(terms), scale) as Scalar;
  });
}
