import { tf } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';
import { assertOneOf, assertRank, assertSameShape } from '../validate.js';
import type { Vgg19Extractor } from '../models/vgg19.js';
import { TermCollector, tidyComposite, type CompositeLoss } from './_composite.js';
import { assertFloat, callNetwork, type Network } from './_util.js';
import { ganGeneratorLoss, type GanMode } from './gan_loss.js';
import { l1Core } from './pixel_common.js';
import { resolveLayerWeights, type LayerWeights } from './vgg_loss_common.js';
import { assertFiniteTensor } from '../finite_check.js';
import { perceptualTerm } from './perceptual_loss.js';
import { segmentationConsistencyLoss } from './segmentation_consistency_loss.js';

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
  /** pix2pix discriminator, called on `concat([hazy, dehazed], -1)` (needed if `ganWeight` > 0) */
  discriminator?: Network;
  /** VGG-19 extractor with the perceptual layers (needed if `lambdaPerceptual` > 0) */
  extractor?: Vgg19Extractor;
  /** the frozen segmentation network (needed if `lambdaSeg` > 0) */
  segmenter?: Network;
}

/** Weights and settings of {@link dfsGeneratorLoss}. */
export interface DfsGeneratorLossOptions {
  /** weight of L_GAN; default 1 */
  ganWeight?: number;
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
  /** L_seg mode; default 'ce' (SPEC's L_seg default: CE to the ground truth; 'l2' is the poster's L2 between softmax and one-hot labels) */
  segMode?: 'ce' | 'l2' | 'kl';
  /** default 255 */
  ignoreIndex?: number;
  /** value range of the images; default [-1, 1] */
  inputRange?: readonly [number, number];
}

/**
 * DFS generator loss (dehazing for segmentation, poster eq. 1):
 * `L = ganWeight·L_GAN + λ1·L1(dehazed, clear) + λ2·L_percep(dehazed, clear) + λ3·L_seg`,
 * with `L_GAN` the LSGAN generator term of the discriminator on `concat(hazy, dehazed)`,
 * and `L_seg` the frozen segmenter's consistency loss ({@link segmentationConsistencyLoss},
 * cross-entropy to the ground truth by default, `'l2'` the poster's L2 between softmax and one-hot labels,
 * `'kl'` a comparison with the segmentation of `clear`).
 * Defaults λ1 = λ2 = λ3 = 10. Terms with weight 0 are skipped (not computed) and their
 * networks may be omitted. `hazy` and `clear` are data and must be finite; a NaN/±Inf `dehazed`
 * gives a NaN total; an empty batch gives 0 for every term without calling any network.
 *
 * @throws InvalidArgumentError if `clear` or `hazy` holds NaN/±Inf
 *
 * @returns `{ total, terms: { gan, pixel, perceptual, seg } }` (unweighted terms)
 * @example
 * const { total, terms } = dfsGeneratorLoss(
 *   { hazy, dehazed: G.apply(hazy), clear, labels, discriminator: D, extractor: vgg, segmenter },
 *   { lambdaSeg: 10 },
 * );
 */
export function dfsGeneratorLoss(inputs: DfsGeneratorLossInputs, options: DfsGeneratorLossOptions = {}): CompositeLoss {
  const c = new TermCollector('dfsGeneratorLoss');
  const ganWeight = c.weight('ganWeight', options.ganWeight, 1);
  const lambdaPixel = c.weight('lambdaPixel', options.lambdaPixel, 10);
  const lambdaPerceptual = c.weight('lambdaPerceptual', options.lambdaPerceptual, 10);
  const lambdaSeg = c.weight('lambdaSeg', options.lambdaSeg, 10);
  const segMode = options.segMode ?? 'ce';
  assertOneOf('dfsGeneratorLoss: segMode', segMode, ['ce', 'l2', 'kl'] as const);
  const { hazy, dehazed, clear } = inputs ?? ({} as DfsGeneratorLossInputs);
  assertRank('dfsGeneratorLoss: dehazed', dehazed, 4);
  assertRank('dfsGeneratorLoss: clear', clear, 4);
  assertSameShape('dfsGeneratorLoss: dehazed', dehazed, 'clear', clear);
  const discriminator = ganWeight > 0 ? c.require('discriminator', inputs.discriminator, 'a discriminator network', 'ganWeight') : undefined;
  if (ganWeight > 0) assertRank('dfsGeneratorLoss: hazy', hazy, 4);
  const extractor = lambdaPerceptual > 0 ? c.require('extractor', inputs.extractor, 'a VGG-19 extractor from vgg19Features', 'lambdaPerceptual') : undefined;
  const segmenter = lambdaSeg > 0 ? c.require('segmenter', inputs.segmenter, 'a segmentation network', 'lambdaSeg') : undefined;
  const labels = lambdaSeg > 0 && segMode !== 'kl' ? c.require('labels', inputs.labels, `int32 labels for segMode '${segMode}'`, 'lambdaSeg') : undefined;
  const pLayers = extractor ? resolveLayerWeights('dfsGeneratorLoss', extractor, options.perceptualLayers ?? { conv5_4: 1 }) : [];
  const criterion = options.perceptualCriterion ?? 'l2';
  assertOneOf('dfsGeneratorLoss: perceptualCriterion', criterion, ['l1', 'l2'] as const);
  assertFloat('dfsGeneratorLoss: dehazed', dehazed);
  assertFloat('dfsGeneratorLoss: clear', clear);
  assertFiniteTensor('dfsGeneratorLoss: clear', clear);
  if (ganWeight > 0) assertFiniteTensor('dfsGeneratorLoss: hazy', hazy);
  c.emptyBatch(dehazed);
  return tidyComposite(() => {
    c.add('gan', ganWeight, () => ganGeneratorLoss(callNetwork('dfsGeneratorLoss: discriminator', discriminator!, tf.concat([hazy, dehazed], -1)), { mode: options.ganMode ?? 'lsgan' }));
    c.add('pixel', lambdaPixel, () => l1Core(dehazed, clear));
    c.add('perceptual', lambdaPerceptual, () => perceptualTerm(dehazed, clear, extractor!, pLayers, criterion, options.inputRange));
    c.add('seg', lambdaSeg, () => segmentationConsistencyLoss(segmenter!, dehazed, segMode === 'kl' ? clear : labels!, { mode: segMode, ignoreIndex: options.ignoreIndex }));
    return c.result();
  });
}
