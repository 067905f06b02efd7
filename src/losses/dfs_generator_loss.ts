import { tf } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';
import { assertOneOf, assertRank, assertSameShape, checkOptions } from '../validate.js';
import type { Vgg19Extractor } from '../models/vgg19.js';
import { assertFiniteTensor } from '../finite_check.js';
import { assertFloat } from './assert_float.js';
import { checkInputs, TermCollector, tidyComposite, type CompositeLoss } from './composite.js';
import { ganGeneratorLoss, type GanMode } from './gan_loss.js';
import { callNetwork, type LossNetwork } from './network.js';
import { optionKeys } from './option_keys.js';
import { perceptualTerm } from './perceptual_loss.js';
import { l1Core } from './pixel_common.js';
import { SEGMENTATION_CONSISTENCY_MODES, segmentationConsistencyLoss, type SegmentationConsistencyMode } from './segmentation_consistency_loss.js';
import { resolveLayerWeights, type LayerWeights } from './vgg_loss_common.js';

/** Tensors and networks of {@link dfsGeneratorLoss}. */
export interface DfsGeneratorLossInputs {
  /** the hazy input `[N, H, W, 3]` (conditions the discriminator) */
  hazy: Tensor4D;
  /** the generator's output `[N, H, W, 3]` */
  dehazed: Tensor4D;
  /** the clear ground truth `[N, H, W, 3]` */
  clear: Tensor4D;
  /** ground-truth segmentation int32 `[N, H, W]` (L_seg modes 'ce' and 'l2') */
  labels?: Tensor;
  /** pix2pix discriminator, called on `concat([hazy, dehazed], -1)` (needed if `lambdaGan` > 0) */
  discriminator?: LossNetwork;
  /** VGG-19 extractor with the perceptual layers (needed if `lambdaPerceptual` > 0) */
  extractor?: Vgg19Extractor;
  /** the frozen segmentation network (needed if `lambdaSeg` > 0) */
  segmenter?: LossNetwork;
}

/** Weights and settings of {@link dfsGeneratorLoss}. */
export interface DfsGeneratorLossOptions {
  /** weight of L_GAN; default 1 */
  lambdaGan?: number;
  /** λ1, weight of the L1 pixel loss; default 10 */
  lambdaPixel?: number;
  /** λ2, weight of the perceptual loss; default 10 */
  lambdaPerceptual?: number;
  /** λ3, weight of L_seg; default 10 */
  lambdaSeg?: number;
  /** default 'lsgan' */
  ganMode?: GanMode;
  /** perceptual taps; default `{ conv5_4: 1 }` */
  perceptualLayers?: LayerWeights;
  /** perceptual distance; default 'l2' (the seed code's VGG feature MSE) */
  perceptualCriterion?: 'l1' | 'l2';
  /** L_seg mode; default 'ce' (SPEC's L_seg default: CE to the ground truth; 'l2' is the poster's L2 between softmax and one-hot labels; 'lovasz' / 'dice' the IoU surrogates of the poster's future work) */
  segMode?: SegmentationConsistencyMode;
  /** default 255 */
  ignoreIndex?: number;
  /** value range of the images; default [-1, 1] */
  inputRange?: readonly [number, number];
}

/** The keys of {@link DfsGeneratorLossInputs} (internal). */
export const DFS_GENERATOR_LOSS_INPUTS = optionKeys<DfsGeneratorLossInputs>()(['hazy', 'dehazed', 'clear', 'labels', 'discriminator', 'extractor', 'segmenter']);
/** The keys of {@link DfsGeneratorLossOptions} (internal). */
export const DFS_GENERATOR_LOSS_KEYS = optionKeys<DfsGeneratorLossOptions>()([
  'lambdaGan',
  'lambdaPixel',
  'lambdaPerceptual',
  'lambdaSeg',
  'ganMode',
  'perceptualLayers',
  'perceptualCriterion',
  'segMode',
  'ignoreIndex',
  'inputRange',
]);

/**
 * DFS generator loss (dehazing for segmentation, poster eq. 1):
 * `L = λ_gan·L_GAN + λ1·L1(dehazed, clear) + λ2·L_percep(dehazed, clear) + λ3·L_seg`,
 * with `L_GAN` the LSGAN generator term of the discriminator on `concat(hazy, dehazed)`,
 * and `L_seg` the frozen segmenter's consistency loss ({@link segmentationConsistencyLoss},
 * cross-entropy to the ground truth by default, `'l2'` the poster's L2 between softmax and one-hot labels,
 * `'kl'` a comparison with the segmentation of `clear`).
 * Defaults λ_gan = 1, λ1 = λ2 = λ3 = 10 (`lambdaGan`, `lambdaPixel`, `lambdaPerceptual`, `lambdaSeg`).
 * Terms with weight 0 are skipped (not computed) and their networks may be omitted. `hazy` and
 * `clear` are data and must be finite; a NaN/±Inf `dehazed` gives a NaN total; an empty batch
 * gives 0 for every term without calling any network.
 *
 * @param inputs the tensors and networks ({@link DfsGeneratorLossInputs})
 * @param options the weights and settings ({@link DfsGeneratorLossOptions})
 * @throws InvalidArgumentError if `clear` or `hazy` holds NaN/±Inf, a needed input is missing, or an input or option key is unknown
 *
 * @returns `{ total, terms: { gan, pixel, perceptual, seg } }` (unweighted terms)
 * @example
 * const { total, terms } = dfsGeneratorLoss(
 *   { hazy, dehazed: G.apply(hazy), clear, labels, discriminator: D, extractor: vgg, segmenter },
 *   { lambdaSeg: 10 },
 * );
 */
export function dfsGeneratorLoss(inputs: DfsGeneratorLossInputs, options?: DfsGeneratorLossOptions): CompositeLoss {
  const fn = 'dfsGeneratorLoss';
  const o = checkOptions(fn, options, DFS_GENERATOR_LOSS_KEYS);
  const { hazy, dehazed, clear, ...nets } = checkInputs(fn, inputs, DFS_GENERATOR_LOSS_INPUTS);
  const c = new TermCollector(fn);
  const lambdaGan = c.weight('lambdaGan', o.lambdaGan, 1);
  const lambdaPixel = c.weight('lambdaPixel', o.lambdaPixel, 10);
  const lambdaPerceptual = c.weight('lambdaPerceptual', o.lambdaPerceptual, 10);
  const lambdaSeg = c.weight('lambdaSeg', o.lambdaSeg, 10);
  const segMode = o.segMode ?? 'ce';
  assertOneOf(`${fn}: options.segMode`, segMode, SEGMENTATION_CONSISTENCY_MODES);
  assertRank(`${fn}: inputs.dehazed`, dehazed, 4);
  assertRank(`${fn}: inputs.clear`, clear, 4);
  assertSameShape(`${fn}: inputs.dehazed`, dehazed, 'inputs.clear', clear);
  const discriminator = lambdaGan > 0 ? c.require('discriminator', nets.discriminator, 'a discriminator network', 'lambdaGan') : undefined;
  if (lambdaGan > 0) assertRank(`${fn}: inputs.hazy`, hazy, 4);
  const extractor = lambdaPerceptual > 0 ? c.require('extractor', nets.extractor, 'a VGG-19 extractor from vgg19Features', 'lambdaPerceptual') : undefined;
  const segmenter = lambdaSeg > 0 ? c.require('segmenter', nets.segmenter, 'a segmentation network', 'lambdaSeg') : undefined;
  const labels = lambdaSeg > 0 && segMode !== 'kl' ? c.require('labels', nets.labels, `int32 labels for segMode '${segMode}'`, 'lambdaSeg') : undefined;
  const pLayers = extractor ? resolveLayerWeights({ extractor: `${fn}: inputs.extractor`, layers: `${fn}: options.perceptualLayers` }, extractor, o.perceptualLayers ?? { conv5_4: 1 }) : [];
  const criterion = o.perceptualCriterion ?? 'l2';
  assertOneOf(`${fn}: options.perceptualCriterion`, criterion, ['l1', 'l2'] as const);
  assertFloat(`${fn}: inputs.dehazed`, dehazed);
  assertFloat(`${fn}: inputs.clear`, clear);
  assertFiniteTensor(`${fn}: inputs.clear`, clear);
  if (lambdaGan > 0) assertFiniteTensor(`${fn}: inputs.hazy`, hazy);
  c.emptyBatch(dehazed);
  return tidyComposite(() => {
    c.add('gan', lambdaGan, () => ganGeneratorLoss(callNetwork(`${fn}: inputs.discriminator`, discriminator!, tf.concat([hazy, dehazed], -1)), { mode: o.ganMode ?? 'lsgan' }));
    c.add('pixel', lambdaPixel, () => l1Core(dehazed, clear));
    c.add('perceptual', lambdaPerceptual, () => perceptualTerm(dehazed, clear, extractor!, pLayers, criterion, o.inputRange));
    c.add('seg', lambdaSeg, () => segmentationConsistencyLoss(segmenter!, dehazed, segMode === 'kl' ? clear : labels!, { mode: segMode, ignoreIndex: o.ignoreIndex }));
    return c.result();
  });
}
