import { tf } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';
import { assertRank, assertSameShape, checkOptions } from '../validate.js';
import { InvalidArgumentError } from '../errors.js';
import { resolveVgg19Layer, type Vgg19Extractor } from '../models/vgg19.js';
import { assertFiniteTensor } from '../finite_check.js';
import { assertFloat } from './assert_float.js';
import { checkInputs, TermCollector, tidyComposite, type CompositeLoss } from './composite.js';
import { ganDiscriminatorLoss, ganGeneratorLoss, type GanMode } from './gan_loss.js';
import { klLoss } from './kl_loss.js';
import { callNetwork, type LossNetwork } from './network.js';
import { optionKeys } from './option_keys.js';
import { l1Core } from './pixel_common.js';
import { stopGradient } from './stop_gradient.js';

/** Tensors and networks of {@link unitGeneratorLoss} (names follow UNIT's trainer). */
export interface UnitGeneratorLossInputs {
  /** images of domain A and B `[N, H, W, 3]` */
  xA: Tensor4D;
  xB: Tensor4D;
  /** within-domain reconstructions `decA(encA(xA))`, `decB(encB(xB))` */
  xARecon: Tensor4D;
  xBRecon: Tensor4D;
  /** translations A→B `decB(encA(xA))` and B→A `decA(encB(xB))` */
  xAB: Tensor4D;
  xBA: Tensor4D;
  /** cycle reconstructions A→B→A and B→A→B (needed if `lambdaCycle` > 0) */
  xABA?: Tensor4D;
  xBAB?: Tensor4D;
  /** latent codes (means) of xA, xB (needed if `lambdaKl` > 0) */
  hA?: Tensor;
  hB?: Tensor;
  /** latent codes of the translations: `encB(xAB)` and `encA(xBA)` (needed if `lambdaKlCycle` > 0) */
  hARecon?: Tensor;
  hBRecon?: Tensor;
  /** multi-scale discriminators of domain A (judges xBA) and B (judges xAB) (needed if `lambdaGan` > 0) */
  discriminatorA?: LossNetwork;
  discriminatorB?: LossNetwork;
  /** VGG-19 extractor with `vggLayer` (needed if `lambdaVgg` > 0) */
  extractor?: Vgg19Extractor;
}

/** Weights of {@link unitGeneratorLoss} (UNIT's `gan_w`, `recon_x_w`, … as `lambdaGan`, `lambdaRecon`, …). */
export interface UnitGeneratorLossOptions {
  /** UNIT's `gan_w`: weight of the two GAN terms; default 1 */
  lambdaGan?: number;
  /** UNIT's `recon_x_w`: weight of the within-domain L1 reconstructions; default 10 */
  lambdaRecon?: number;
  /** UNIT's `recon_kl_w`: weight of the KL terms of xA, xB's codes; default 0.01 */
  lambdaKl?: number;
  /** UNIT's `recon_x_cyc_w`: weight of the L1 cycle reconstructions; default 10 */
  lambdaCycle?: number;
  /** UNIT's `recon_kl_cyc_w`: weight of the KL terms of the translations' codes; default 0.01 */
  lambdaKlCycle?: number;
  /** UNIT's `vgg_w`: weight of the instance-normalised VGG terms; default 1 */
  lambdaVgg?: number;
  /** default 'lsgan' */
  ganMode?: GanMode;
  /** VGG tap compared after instance normalisation; default 'relu4_4' (VGG-19's analogue of UNIT's VGG-16 relu4_3) */
  vggLayer?: string;
  /** value range of the images; default [-1, 1] */
  inputRange?: readonly [number, number];
}

/** The keys of {@link UnitGeneratorLossInputs} (internal). */
export const UNIT_GENERATOR_LOSS_INPUTS = optionKeys<UnitGeneratorLossInputs>()([
  'xA',
  'xB',
  'xARecon',
  'xBRecon',
  'xAB',
  'xBA',
  'xABA',
  'xBAB',
  'hA',
  'hB',
  'hARecon',
  'hBRecon',
  'discriminatorA',
  'discriminatorB',
  'extractor',
]);
/** The keys of {@link UnitGeneratorLossOptions} (internal). */
export const UNIT_GENERATOR_LOSS_KEYS = optionKeys<UnitGeneratorLossOptions>()([
  'lambdaGan',
  'lambdaRecon',
  'lambdaKl',
  'lambdaCycle',
  'lambdaKlCycle',
  'lambdaVgg',
  'ganMode',
  'vggLayer',
  'inputRange',
]);

/** Instance normalisation without affine parameters (per image and channel over H, W; eps 1e-5, biased variance). */
function instanceNorm(x: Tensor): Tensor {
  const { mean, variance } = tf.moments(x, [1, 2], true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
}

/** UNIT's `compute_vgg_loss`: `mean((IN(φ(img)) − IN(φ(target)))²)`, target without gradient. */
function unitVggLoss(extractor: Vgg19Extractor, layer: string, img: Tensor4D, target: Tensor4D, range?: readonly [number, number]): Tensor {
  const fi = extractor.extract(img, range)[layer]!;
  const ft = stopGradient(extractor.extract(target, range)[layer]!);
  return tf.mean(tf.squaredDifference(instanceNorm(fi), instanceNorm(ft)));
}

/**
 * UNIT generator loss (Liu et al. 2017, the authors' `gen_update`):
 * `λ_gan·(GAN_a(x_ba) + GAN_b(x_ab)) + λ_recon·(L1(x_a_recon, x_a) + L1(x_b_recon, x_b))
 *  + λ_kl·(KL(h_a) + KL(h_b)) + λ_cycle·(L1(x_aba, x_a) + L1(x_bab, x_b))
 *  + λ_klCycle·(KL(h_a_recon) + KL(h_b_recon)) + λ_vgg·(VGG(x_ba, x_b) + VGG(x_ab, x_a))`
 * with KL = `mean(h²)` ({@link klLoss}), LSGAN generator terms summed over the discriminator's
 * scales, and the VGG term on instance-normalised features. The weights are UNIT's `gan_w`,
 * `recon_x_w`, `recon_kl_w`, `recon_x_cyc_w`, `recon_kl_cyc_w`, `vgg_w` as `lambdaGan`,
 * `lambdaRecon`, `lambdaKl`, `lambdaCycle`, `lambdaKlCycle`, `lambdaVgg`; defaults 1, 10, 0.01, 10, 0.01, 1.
 * Terms with weight 0 are skipped and their inputs may be omitted. `xA`, `xB` are data and must
 * be finite; an empty batch gives 0 for every term without calling any network.
 *
 * @param inputs the tensors and networks ({@link UnitGeneratorLossInputs})
 * @param options the weights and settings ({@link UnitGeneratorLossOptions})
 * @throws InvalidArgumentError if `xA` or `xB` holds NaN/±Inf, a needed input is missing, or an input or option key is unknown
 *
 * @returns `{ total, terms: { ganA, ganB, reconA, reconB, klA, klB, cycA, cycB, klCycA, klCycB, vggA, vggB } }`
 * @example
 * const { total, terms } = unitGeneratorLoss({ xA, xB, xARecon, xBRecon, xAB, xBA, xABA, xBAB, hA, hB, hARecon, hBRecon,
 *   discriminatorA: disA, discriminatorB: disB, extractor: vgg });
 */
export function unitGeneratorLoss(inputs: UnitGeneratorLossInputs, options?: UnitGeneratorLossOptions): CompositeLoss {
  const fn = 'unitGeneratorLoss';
  const o = checkOptions(fn, options, UNIT_GENERATOR_LOSS_KEYS);
  const inp = checkInputs(fn, inputs, UNIT_GENERATOR_LOSS_INPUTS);
  const c = new TermCollector(fn);
  const ganW = c.weight('lambdaGan', o.lambdaGan, 1);
  const reconW = c.weight('lambdaRecon', o.lambdaRecon, 10);
  const klW = c.weight('lambdaKl', o.lambdaKl, 0.01);
  const cycW = c.weight('lambdaCycle', o.lambdaCycle, 10);
  const klCycW = c.weight('lambdaKlCycle', o.lambdaKlCycle, 0.01);
  const vggW = c.weight('lambdaVgg', o.lambdaVgg, 1);
  for (const k of ['xA', 'xB', 'xARecon', 'xBRecon', 'xAB', 'xBA'] as const) assertRank(`${fn}: inputs.${k}`, inp[k], 4);
  assertSameShape(`${fn}: inputs.xARecon`, inp.xARecon, 'inputs.xA', inp.xA);
  assertSameShape(`${fn}: inputs.xBRecon`, inp.xBRecon, 'inputs.xB', inp.xB);
  const need = <K extends keyof UnitGeneratorLossInputs>(k: K, weightName: string, w: number): NonNullable<UnitGeneratorLossInputs[K]> | undefined =>
    w > 0 ? (c.require(k, inp[k], k.startsWith('h') ? 'a latent code tensor' : k.startsWith('disc') ? 'a discriminator network' : k === 'extractor' ? 'a VGG-19 extractor' : 'an image tensor', weightName) as NonNullable<UnitGeneratorLossInputs[K]>) : undefined;
  const disA = need('discriminatorA', 'lambdaGan', ganW);
  const disB = need('discriminatorB', 'lambdaGan', ganW);
  const hA = need('hA', 'lambdaKl', klW);
  const hB = need('hB', 'lambdaKl', klW);
  const xABA = need('xABA', 'lambdaCycle', cycW);
  const xBAB = need('xBAB', 'lambdaCycle', cycW);
  const hARecon = need('hARecon', 'lambdaKlCycle', klCycW);
  const hBRecon = need('hBRecon', 'lambdaKlCycle', klCycW);
  const extractor = need('extractor', 'lambdaVgg', vggW);
  const layer = o.vggLayer ?? 'relu4_4';
  if (extractor) {
    resolveVgg19Layer(layer, true, `${fn}: options.vggLayer`);
    if (!extractor.layers.includes(layer)) throw new InvalidArgumentError(`${fn}: inputs.extractor`, `an extractor built with layers including '${layer}'`, extractor.layers);
  }
  const mode = o.ganMode ?? 'lsgan';
  // the L1 terms run unchecked (l1Core): check here what l1Loss would have checked
  for (const k of ['xA', 'xB', 'xARecon', 'xBRecon'] as const) assertFloat(`${fn}: inputs.${k}`, inp[k]);
  if (xABA) assertSameShape(`${fn}: inputs.xABA`, xABA, 'inputs.xA', inp.xA);
  if (xBAB) assertSameShape(`${fn}: inputs.xBAB`, xBAB, 'inputs.xB', inp.xB);
  if (xABA) assertFloat(`${fn}: inputs.xABA`, xABA);
  if (xBAB) assertFloat(`${fn}: inputs.xBAB`, xBAB);
  assertFiniteTensor(`${fn}: inputs.xA`, inp.xA);
  assertFiniteTensor(`${fn}: inputs.xB`, inp.xB);
  c.emptyBatch(inp.xAB);
  return tidyComposite(() => {
    c.add('ganA', ganW, () => ganGeneratorLoss(callNetwork(`${fn}: inputs.discriminatorA`, disA!, inp.xBA), { mode }));
    c.add('ganB', ganW, () => ganGeneratorLoss(callNetwork(`${fn}: inputs.discriminatorB`, disB!, inp.xAB), { mode }));
    c.add('reconA', reconW, () => l1Core(inp.xARecon, inp.xA));
    c.add('reconB', reconW, () => l1Core(inp.xBRecon, inp.xB));
    c.add('klA', klW, () => klLoss(hA!));
    c.add('klB', klW, () => klLoss(hB!));
    c.add('cycA', cycW, () => l1Core(xABA!, inp.xA));
    c.add('cycB', cycW, () => l1Core(xBAB!, inp.xB));
    c.add('klCycA', klCycW, () => klLoss(hARecon!));
    c.add('klCycB', klCycW, () => klLoss(hBRecon!));
    c.add('vggA', vggW, () => unitVggLoss(extractor!, layer, inp.xBA, inp.xB, o.inputRange));
    c.add('vggB', vggW, () => unitVggLoss(extractor!, layer, inp.xAB, inp.xA, o.inputRange));
    return c.result();
  });
}

/** Tensors and networks of {@link unitDiscriminatorLoss}. */
export interface UnitDiscriminatorLossInputs {
  xA: Tensor4D;
  xB: Tensor4D;
  /** translations (detached inside: no gradient reaches the generators) */
  xAB: Tensor4D;
  xBA: Tensor4D;
  /** D_A judges xA (real) vs xBA (fake); D_B judges xB vs xAB */
  discriminatorA: LossNetwork;
  discriminatorB: LossNetwork;
}

/** Options of {@link unitDiscriminatorLoss}. */
export interface UnitDiscriminatorLossOptions {
  /** UNIT's `gan_w`; default 1 */
  lambdaGan?: number;
  /** default 'lsgan' */
  ganMode?: GanMode;
}

/** The keys of {@link UnitDiscriminatorLossInputs} (internal). */
export const UNIT_DISCRIMINATOR_LOSS_INPUTS = optionKeys<UnitDiscriminatorLossInputs>()(['xA', 'xB', 'xAB', 'xBA', 'discriminatorA', 'discriminatorB']);
/** The keys of {@link UnitDiscriminatorLossOptions} (internal). */
export const UNIT_DISCRIMINATOR_LOSS_KEYS = optionKeys<UnitDiscriminatorLossOptions>()(['lambdaGan', 'ganMode']);

/**
 * UNIT discriminator loss (`dis_update`): `λ_gan·(D_A + D_B)` (`lambdaGan`, UNIT's `gan_w`) with, per discriminator,
 * `Σ_scales mean((D(real) − 1)²) + mean(D(fake)²)` (LSGAN, **not** halved, as MsImageDis),
 * the fakes detached. `xA`, `xB` must be finite; an empty batch gives 0 without calling the
 * discriminators.
 *
 * @param inputs the tensors and networks ({@link UnitDiscriminatorLossInputs})
 * @param options `lambdaGan` (1), `ganMode` (`'lsgan'`)
 * @throws InvalidArgumentError if `xA` or `xB` holds NaN/±Inf, or an input or option key is unknown
 *
 * @returns `{ total, terms: { disA, disB } }`
 * @example
 * const { total } = unitDiscriminatorLoss({ xA, xB, xAB, xBA, discriminatorA: disA, discriminatorB: disB });
 */
export function unitDiscriminatorLoss(inputs: UnitDiscriminatorLossInputs, options?: UnitDiscriminatorLossOptions): CompositeLoss {
  const fn = 'unitDiscriminatorLoss';
  const o = checkOptions(fn, options, UNIT_DISCRIMINATOR_LOSS_KEYS);
  const inp = checkInputs(fn, inputs, UNIT_DISCRIMINATOR_LOSS_INPUTS);
  const c = new TermCollector(fn);
  const ganW = c.weight('lambdaGan', o.lambdaGan, 1);
  for (const k of ['xA', 'xB', 'xAB', 'xBA'] as const) assertRank(`${fn}: inputs.${k}`, inp[k], 4);
  const disA = c.require('discriminatorA', inp.discriminatorA, 'a discriminator network', 'lambdaGan');
  const disB = c.require('discriminatorB', inp.discriminatorB, 'a discriminator network', 'lambdaGan');
  const mode = o.ganMode ?? 'lsgan';
  assertFiniteTensor(`${fn}: inputs.xA`, inp.xA);
  assertFiniteTensor(`${fn}: inputs.xB`, inp.xB);
  c.emptyBatch(inp.xAB);
  return tidyComposite(() => {
    const term = (d: LossNetwork, real: Tensor, fake: Tensor, name: string) =>
      ganDiscriminatorLoss(callNetwork(name, d, real), callNetwork(name, d, stopGradient(fake)), { mode, scale: 1 });
    c.add('disA', ganW, () => term(disA, inp.xA, inp.xBA, `${fn}: inputs.discriminatorA`));
    c.add('disB', ganW, () => term(disB, inp.xB, inp.xAB, `${fn}: inputs.discriminatorB`));
    return c.result();
  });
}
