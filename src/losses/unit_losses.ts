import { tf } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';
import { assertRank, assertSameShape } from '../validate.js';
import { InvalidArgumentError } from '../errors.js';
import { resolveVgg19Layer, type Vgg19Extractor } from '../models/vgg19.js';
import { TermCollector, tidyComposite, type CompositeLoss } from './_composite.js';
import { assertFloat, callNetwork, stopGradient, type Network } from './_util.js';
import { ganDiscriminatorLoss, ganGeneratorLoss, type GanMode } from './gan_loss.js';
import { klLoss } from './kl_loss.js';
import { l1Core } from './pixel_common.js';
import { assertFiniteTensor } from '../finite_check.js';

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
  /** cycle reconstructions A→B→A and B→A→B (needed if `reconXCycWeight` > 0) */
  xABA?: Tensor4D;
  xBAB?: Tensor4D;
  /** latent codes (means) of xA, xB (needed if `reconKlWeight` > 0) */
  hA?: Tensor;
  hB?: Tensor;
  /** latent codes of the translations: `encB(xAB)` and `encA(xBA)` (needed if `reconKlCycWeight` > 0) */
  hARecon?: Tensor;
  hBRecon?: Tensor;
  /** multi-scale discriminators of domain A (judges xBA) and B (judges xAB) (needed if `ganWeight` > 0) */
  discriminatorA?: Network;
  discriminatorB?: Network;
  /** VGG-19 extractor with `vggLayer` (needed if `vggWeight` > 0) */
  extractor?: Vgg19Extractor;
}

/** Weights of {@link unitGeneratorLoss} (UNIT's `gan_w`, `recon_x_w`, …). */
export interface UnitGeneratorLossOptions {
  /** default 1 */
  ganWeight?: number;
  /** default 10 */
  reconXWeight?: number;
  /** default 0.01 */
  reconKlWeight?: number;
  /** default 10 */
  reconXCycWeight?: number;
  /** default 0.01 */
  reconKlCycWeight?: number;
  /** default 1 */
  vggWeight?: number;
  /** default 'lsgan' */
  ganMode?: GanMode;
  /** VGG tap compared after instance normalisation; default 'relu4_4' (VGG-19's analogue of UNIT's VGG-16 relu4_3) */
  vggLayer?: string;
  /** value range of the images; default [-1, 1] */
  inputRange?: readonly [number, number];
}

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
 * `gan_w·(GAN_a(x_ba) + GAN_b(x_ab)) + recon_x_w·(L1(x_a_recon, x_a) + L1(x_b_recon, x_b))
 *  + recon_kl_w·(KL(h_a) + KL(h_b)) + recon_x_cyc_w·(L1(x_aba, x_a) + L1(x_bab, x_b))
 *  + recon_kl_cyc_w·(KL(h_a_recon) + KL(h_b_recon)) + vgg_w·(VGG(x_ba, x_b) + VGG(x_ab, x_a))`
 * with KL = `mean(h²)` ({@link klLoss}), LSGAN generator terms summed over the discriminator's
 * scales, and the VGG term on instance-normalised features. Defaults 1, 10, 0.01, 10, 0.01, 1.
 * Terms with weight 0 are skipped and their inputs may be omitted. `xA`, `xB` are data and must
 * be finite; an empty batch gives 0 for every term without calling any network.
 *
 * @throws InvalidArgumentError if `xA` or `xB` holds NaN/±Inf
 *
 * @returns `{ total, terms: { ganA, ganB, reconA, reconB, klA, klB, cycA, cycB, klCycA, klCycB, vggA, vggB } }`
 * @example
 * const { total, terms } = unitGeneratorLoss({ xA, xB, xARecon, xBRecon, xAB, xBA, xABA, xBAB, hA, hB, hARecon, hBRecon,
 *   discriminatorA: disA, discriminatorB: disB, extractor: vgg });
 */
export function unitGeneratorLoss(inputs: UnitGeneratorLossInputs, options: UnitGeneratorLossOptions = {}): CompositeLoss {
  const c = new TermCollector('unitGeneratorLoss');
  const ganW = c.weight('ganWeight', options.ganWeight, 1);
  const reconW = c.weight('reconXWeight', options.reconXWeight, 10);
  const klW = c.weight('reconKlWeight', options.reconKlWeight, 0.01);
  const cycW = c.weight('reconXCycWeight', options.reconXCycWeight, 10);
  const klCycW = c.weight('reconKlCycWeight', options.reconKlCycWeight, 0.01);
  const vggW = c.weight('vggWeight', options.vggWeight, 1);
  const inp = inputs ?? ({} as UnitGeneratorLossInputs);
  for (const k of ['xA', 'xB', 'xARecon', 'xBRecon', 'xAB', 'xBA'] as const) assertRank(`unitGeneratorLoss: ${k}`, inp[k], 4);
  assertSameShape('unitGeneratorLoss: xARecon', inp.xARecon, 'xA', inp.xA);
  assertSameShape('unitGeneratorLoss: xBRecon', inp.xBRecon, 'xB', inp.xB);
  const need = <K extends keyof UnitGeneratorLossInputs>(k: K, weightName: string, w: number): NonNullable<UnitGeneratorLossInputs[K]> | undefined =>
    w > 0 ? (c.require(k, inp[k], k.startsWith('h') ? 'a latent code tensor' : k.startsWith('disc') ? 'a discriminator network' : k === 'extractor' ? 'a VGG-19 extractor' : 'an image tensor', weightName) as NonNullable<UnitGeneratorLossInputs[K]>) : undefined;
  const disA = need('discriminatorA', 'ganWeight', ganW);
  const disB = need('discriminatorB', 'ganWeight', ganW);
  const hA = need('hA', 'reconKlWeight', klW);
  const hB = need('hB', 'reconKlWeight', klW);
  const xABA = need('xABA', 'reconXCycWeight', cycW);
  const xBAB = need('xBAB', 'reconXCycWeight', cycW);
  const hARecon = need('hARecon', 'reconKlCycWeight', klCycW);
  const hBRecon = need('hBRecon', 'reconKlCycWeight', klCycW);
  const extractor = need('extractor', 'vggWeight', vggW);
  const layer = options.vggLayer ?? 'relu4_4';
  if (extractor) {
    resolveVgg19Layer(layer, true, 'unitGeneratorLoss: vggLayer');
    if (!extractor.layers.includes(layer)) throw new InvalidArgumentError('unitGeneratorLoss: extractor', `an extractor built with layers including '${layer}'`, extractor.layers);
  }
  const mode = options.ganMode ?? 'lsgan';
  // the L1 terms run unchecked (l1Core): check here what l1Loss would have checked
  for (const k of ['xA', 'xB', 'xARecon', 'xBRecon'] as const) assertFloat(`unitGeneratorLoss: ${k}`, inp[k]);
  if (xABA) assertSameShape('unitGeneratorLoss: xABA', xABA, 'xA', inp.xA);
  if (xBAB) assertSameShape('unitGeneratorLoss: xBAB', xBAB, 'xB', inp.xB);
  if (xABA) assertFloat('unitGeneratorLoss: xABA', xABA);
  if (xBAB) assertFloat('unitGeneratorLoss: xBAB', xBAB);
  assertFiniteTensor('unitGeneratorLoss: xA', inp.xA);
  assertFiniteTensor('unitGeneratorLoss: xB', inp.xB);
  c.emptyBatch(inp.xAB);
  return tidyComposite(() => {
    c.add('ganA', ganW, () => ganGeneratorLoss(callNetwork('unitGeneratorLoss: discriminatorA', disA!, inp.xBA), { mode }));
    c.add('ganB', ganW, () => ganGeneratorLoss(callNetwork('unitGeneratorLoss: discriminatorB', disB!, inp.xAB), { mode }));
    c.add('reconA', reconW, () => l1Core(inp.xARecon, inp.xA));
    c.add('reconB', reconW, () => l1Core(inp.xBRecon, inp.xB));
    c.add('klA', klW, () => klLoss(hA!));
    c.add('klB', klW, () => klLoss(hB!));
    c.add('cycA', cycW, () => l1Core(xABA!, inp.xA));
    c.add('cycB', cycW, () => l1Core(xBAB!, inp.xB));
    c.add('klCycA', klCycW, () => klLoss(hARecon!));
    c.add('klCycB', klCycW, () => klLoss(hBRecon!));
    c.add('vggA', vggW, () => unitVggLoss(extractor!, layer, inp.xBA, inp.xB, options.inputRange));
    c.add('vggB', vggW, () => unitVggLoss(extractor!, layer, inp.xAB, inp.xA, options.inputRange));
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
  discriminatorA: Network;
  discriminatorB: Network;
}

/** Options of {@link unitDiscriminatorLoss}. */
export interface UnitDiscriminatorLossOptions {
  /** gan_w; default 1 */
  ganWeight?: number;
  /** default 'lsgan' */
  ganMode?: GanMode;
}

/**
 * UNIT discriminator loss (`dis_update`): `gan_w·(D_A + D_B)` with, per discriminator,
 * `Σ_scales mean((D(real) − 1)²) + mean(D(fake)²)` (LSGAN, **not** halved, as MsImageDis),
 * the fakes detached. `xA`, `xB` must be finite; an empty batch gives 0 without calling the
 * discriminators.
 *
 * @throws InvalidArgumentError if `xA` or `xB` holds NaN/±Inf
 *
 * @returns `{ total, terms: { disA, disB } }`
 * @example
 * const { total } = unitDiscriminatorLoss({ xA, xB, xAB, xBA, discriminatorA: disA, discriminatorB: disB });
 */
export function unitDiscriminatorLoss(inputs: UnitDiscriminatorLossInputs, options: UnitDiscriminatorLossOptions = {}): CompositeLoss {
  const c = new TermCollector('unitDiscriminatorLoss');
  const ganW = c.weight('ganWeight', options.ganWeight, 1);
  const inp = inputs ?? ({} as UnitDiscriminatorLossInputs);
  for (const k of ['xA', 'xB', 'xAB', 'xBA'] as const) assertRank(`unitDiscriminatorLoss: ${k}`, inp[k], 4);
  const disA = c.require('discriminatorA', inp.discriminatorA, 'a discriminator network', 'ganWeight');
  const disB = c.require('discriminatorB', inp.discriminatorB, 'a discriminator network', 'ganWeight');
  const mode = options.ganMode ?? 'lsgan';
  assertFiniteTensor('unitDiscriminatorLoss: xA', inp.xA);
  assertFiniteTensor('unitDiscriminatorLoss: xB', inp.xB);
  c.emptyBatch(inp.xAB);
  return tidyComposite(() => {
    const term = (d: Network, real: Tensor, fake: Tensor, name: string) =>
      ganDiscriminatorLoss(callNetwork(name, d, real), callNetwork(name, d, stopGradient(fake)), { mode, scale: 1 });
    c.add('disA', ganW, () => term(disA, inp.xA, inp.xBA, 'unitDiscriminatorLoss: discriminatorA'));
    c.add('disB', ganW, () => term(disB, inp.xB, inp.xAB, 'unitDiscriminatorLoss: discriminatorB'));
    return c.result();
  });
}
