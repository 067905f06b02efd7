import { tf } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';
import { assertOneOf, assertRank, assertSameShape, checkOptions } from '../validate.js';
import type { Vgg19Extractor } from '../models/vgg19.js';
import { assertFiniteTensor } from '../finite_check.js';
import { assertFloat } from './assert_float.js';
import { checkInputs, TermCollector, tidyComposite, type CompositeLoss } from './composite.js';
import { ganGeneratorLoss, type GanMode } from './gan_loss.js';
import { callNetwork, type LossNetwork } from './network.js';
import { withNonFiniteTrap } from './non_finite_trap.js';
import { optionKeys } from './option_keys.js';
import { perceptualDistance } from './perceptual_loss.js';
import { l1Core } from './pixel_common.js';
import { stopGradient } from './stop_gradient.js';
import { DEFAULT_STYLE_LAYERS, styleDistance } from './style_loss.js';
import { totalVariationLoss } from './total_variation_loss.js';
import { resolveLayerWeights, type LayerWeights } from './vgg_loss_common.js';

/** VGG-19 taps the default {@link cooperativeRestorationLoss} needs: conv5_4 (perceptual) and the style layers. */
export const COOPERATIVE_VGG_LAYERS: readonly string[] = ['conv5_4', ...DEFAULT_STYLE_LAYERS];

/** Tensors and networks of {@link cooperativeRestorationLoss}. */
export interface CooperativeRestorationLossInputs {
  /** G2's output I_r `[N, H, W, 3]` */
  restored: Tensor4D;
  /** the ground truth I_gt `[N, H, W, 3]` */
  target: Tensor4D;
  /** D2, called on `restored` (or `concat([condition, restored], -1)`) (needed if `lambdaGan` > 0) */
  discriminator?: LossNetwork;
  /** optional conditioning tensor `[N, H, W, *]` concatenated before `restored` for D2 */
  condition?: Tensor4D;
  /** VGG-19 extractor with the perceptual and style layers (e.g. {@link COOPERATIVE_VGG_LAYERS}) */
  extractor?: Vgg19Extractor;
}

/** Weights and settings of {@link cooperativeRestorationLoss}. */
export interface CooperativeRestorationLossOptions {
  /** λ1 (the L1 pixel loss); default 1 */
  lambdaPixel?: number;
  /** λ2 (LSGAN); default 0.1 */
  lambdaGan?: number;
  /** λ3 (perceptual); default 0.1 */
  lambdaPerceptual?: number;
  /** λ4 (style); default 250 */
  lambdaStyle?: number;
  /** λ_tv; default 1 */
  lambdaTv?: number;
  /** default 'lsgan' */
  ganMode?: GanMode;
  /** perceptual taps (pre-activation); default `{ conv5_4: 1 }` */
  perceptualLayers?: LayerWeights;
  /** default 'l1' */
  perceptualCriterion?: 'l1' | 'l2';
  /** style taps; default relu2_2, relu3_4, relu4_4, relu5_2 */
  styleLayers?: LayerWeights;
  /** TV mode; default 'l1' (eq. 9, the absolute image gradient) */
  tvMode?: 'l1' | 'l2' | 'isotropic';
  /** value range of the images; default [-1, 1] */
  inputRange?: readonly [number, number];
}

/** The keys of {@link CooperativeRestorationLossInputs} (internal). */
export const COOPERATIVE_RESTORATION_LOSS_INPUTS = optionKeys<CooperativeRestorationLossInputs>()(['restored', 'target', 'discriminator', 'condition', 'extractor']);
/** The keys of {@link CooperativeRestorationLossOptions} (internal). */
export const COOPERATIVE_RESTORATION_LOSS_KEYS = optionKeys<CooperativeRestorationLossOptions>()([
  'lambdaPixel',
  'lambdaGan',
  'lambdaPerceptual',
  'lambdaStyle',
  'lambdaTv',
  'ganMode',
  'perceptualLayers',
  'perceptualCriterion',
  'styleLayers',
  'tvMode',
  'inputRange',
]);

/**
 * G2 loss of the cooperative restoration + segmentation paper (eq. 4):
 * `L_G2 = λ1·L1(I_r, I_gt) + λ2·L_GAN(D2(I_r)) + λ3·L_perc + λ4·L_style + λ_tv·L_tv`, with the
 * pre-activation VGG-19 perceptual loss (eq. 7), the Gram style loss (eq. 8), TV (eq. 9) and
 * LSGAN. The paper does not publish its weights; the defaults λ1 = 1, λ2 = 0.1, λ3 = 0.1,
 * λ4 = 250, λ_tv = 1 (`lambdaPixel`, `lambdaGan`, `lambdaPerceptual`, `lambdaStyle`, `lambdaTv`)
 * are EdgeConnect's. The VGG features of `restored` and `target` are
 * extracted once and shared by the perceptual and style terms; weight-0 terms are skipped.
 * `target` and `condition` are data and must be finite; a NaN/±Inf `restored` makes every term
 * it enters NaN/±Inf; an empty batch gives 0 for every term without calling any network.
 *
 * @param inputs the tensors and networks ({@link CooperativeRestorationLossInputs})
 * @param options the weights and settings ({@link CooperativeRestorationLossOptions})
 * @throws InvalidArgumentError if `target` or `condition` holds NaN/±Inf, a needed input is missing, or an input or option key is unknown
 *
 * @returns `{ total, terms: { l1, gan, perceptual, style, tv } }` (unweighted terms)
 * @example
 * const vgg = vgg19Features({ weights, layers: COOPERATIVE_VGG_LAYERS });
 * const { total, terms } = cooperativeRestorationLoss({ restored, target, discriminator: D2, extractor: vgg });
 */
export function cooperativeRestorationLoss(inputs: CooperativeRestorationLossInputs, options?: CooperativeRestorationLossOptions): CompositeLoss {
  const fn = 'cooperativeRestorationLoss';
  const o = checkOptions(fn, options, COOPERATIVE_RESTORATION_LOSS_KEYS);
  const { restored, target, condition, ...nets } = checkInputs(fn, inputs, COOPERATIVE_RESTORATION_LOSS_INPUTS);
  const c = new TermCollector(fn);
  const lambdaPixel = c.weight('lambdaPixel', o.lambdaPixel, 1);
  const lambdaGan = c.weight('lambdaGan', o.lambdaGan, 0.1);
  const lambdaPerceptual = c.weight('lambdaPerceptual', o.lambdaPerceptual, 0.1);
  const lambdaStyle = c.weight('lambdaStyle', o.lambdaStyle, 250);
  const lambdaTv = c.weight('lambdaTv', o.lambdaTv, 1);
  assertRank(`${fn}: inputs.restored`, restored, 4);
  assertRank(`${fn}: inputs.target`, target, 4);
  assertSameShape(`${fn}: inputs.restored`, restored, 'inputs.target', target);
  if (condition !== undefined) assertRank(`${fn}: inputs.condition`, condition, 4);
  const discriminator = lambdaGan > 0 ? c.require('discriminator', nets.discriminator, 'a discriminator network', 'lambdaGan') : undefined;
  const needVgg = lambdaPerceptual > 0 || lambdaStyle > 0;
  const extractor = needVgg ? c.require('extractor', nets.extractor, 'a VGG-19 extractor from vgg19Features', 'lambdaPerceptual or lambdaStyle') : undefined;
  const extractorLabel = `${fn}: inputs.extractor`;
  const pLayers = lambdaPerceptual > 0 ? resolveLayerWeights({ extractor: extractorLabel, layers: `${fn}: options.perceptualLayers` }, extractor!, o.perceptualLayers ?? { conv5_4: 1 }) : [];
  const criterion = o.perceptualCriterion ?? 'l1';
  assertOneOf(`${fn}: options.perceptualCriterion`, criterion, ['l1', 'l2'] as const);
  const sLayers = lambdaStyle > 0 ? resolveLayerWeights({ extractor: extractorLabel, layers: `${fn}: options.styleLayers` }, extractor!, o.styleLayers ?? DEFAULT_STYLE_LAYERS) : [];
  assertFloat(`${fn}: inputs.restored`, restored);
  assertFloat(`${fn}: inputs.target`, target);
  assertFiniteTensor(`${fn}: inputs.target`, target);
  if (condition !== undefined && lambdaGan > 0) assertFiniteTensor(`${fn}: inputs.condition`, condition);
  c.emptyBatch(restored);
  return tidyComposite(() => {
    c.add('l1', lambdaPixel, () => l1Core(restored, target));
    c.add('gan', lambdaGan, () => {
      const dIn = condition ? tf.concat([condition, restored], -1) : restored;
      return ganGeneratorLoss(callNetwork(`${fn}: inputs.discriminator`, discriminator!, dIn), { mode: o.ganMode ?? 'lsgan' });
    });
    let fp: Record<string, Tensor4D> = {};
    let ft: Record<string, Tensor4D> = {};
    if (needVgg) {
      fp = extractor!.extract(restored, o.inputRange);
      ft = extractor!.extract(stopGradient(target), o.inputRange);
    }
    // the traps: VGG's ReLUs and max-pools can turn NaN/±Inf pixels into finite features
    c.add('perceptual', lambdaPerceptual, () => withNonFiniteTrap(perceptualDistance(fp, ft, pLayers, criterion), restored));
    c.add('style', lambdaStyle, () => withNonFiniteTrap(styleDistance(fp, ft, sLayers), restored));
    c.add('tv', lambdaTv, () => totalVariationLoss(restored, { mode: o.tvMode ?? 'l1' }) as Tensor);
    return c.result();
  });
}
