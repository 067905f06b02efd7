import { tf } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import type { Scalar, Tensor4D } from '../tf.js';
import type { Vgg19Extractor } from '../models/vgg19.js';
import { safeMean, stopGradient, withNonFiniteTrap, zerosFrom } from './_util.js';
import { gramMatrix } from './gram_matrix.js';
import { checkImages, resolveLayerWeights, type LayerWeights } from './vgg_loss_common.js';

/** Default style taps (EdgeConnect): relu2_2, relu3_4, relu4_4, relu5_2, weight 1 each. */
export const DEFAULT_STYLE_LAYERS: readonly string[] = ['relu2_2', 'relu3_4', 'relu4_4', 'relu5_2'];

/** Options of {@link styleLoss}. */
export interface StyleLossOptions {
  /** the VGG-19 extractor, built with every layer used here */
  extractor: Vgg19Extractor;
  /** taps and weights; default {@link DEFAULT_STYLE_LAYERS} */
  layers?: LayerWeights;
  /** value range of the images; default [-1, 1] */
  inputRange?: readonly [number, number];
}

/**
 * Style loss (Gatys et al.; Johnson et al.; EdgeConnect; cooperative paper eq. 8):
 * `Σ_l w_l · mean|G(φ_l(prediction)) − G(φ_l(target))|` with {@link gramMatrix}
 * `G = Fᵀ·F / (C·H·W)`, the mean taken over the `N·C·C` entries, target without gradient.
 *
 * An empty batch gives exactly 0 without running the extractor. NaN/±Inf in `prediction` give a
 * NaN loss even where the network's activations would hide them.
 *
 * @param prediction float32 `[N, H, W, 3]`
 * @param target float32 `[N, H, W, 3]` (data: must be finite)
 * @throws InvalidArgumentError if `target` holds NaN/±Inf
 * @example
 * const vgg = vgg19Features({ weights, layers: ['relu2_2', 'relu3_4', 'relu4_4', 'relu5_2'] });
 * const loss = styleLoss(restored, clean, { extractor: vgg });
 */
export function styleLoss(prediction: Tensor4D, target: Tensor4D, options: StyleLossOptions): Scalar {
  checkImages('styleLoss', prediction, target);
  if (options == null) throw new InvalidArgumentError('styleLoss: options', '{ extractor: vgg19Features(...) }', options);
  const layers = resolveLayerWeights('styleLoss', options.extractor, options.layers ?? DEFAULT_STYLE_LAYERS);
  if (prediction.size === 0) return zerosFrom(prediction, []) as Scalar;
  return tf.tidy(() => {
    const fp = options.extractor.extract(prediction, options.inputRange);
    const ft = options.extractor.extract(target, options.inputRange);
    return withNonFiniteTrap(styleDistance(fp, ft, layers), prediction) as Scalar;
  });
}

/** `Σ_l w_l · mean|G(fp_l) − sg(G(ft_l))|` on already extracted features (internal). */
export function styleDistance(fp: Record<string, Tensor4D>, ft: Record<string, Tensor4D>, layers: [string, number][]): Scalar {
  const terms = layers.map(([name, w]) => tf.mul(safeMean(tf.abs(tf.sub(gramMatrix(fp[name]!), stopGradient(gramMatrix(ft[name]!))))), w));
  return (terms.length === 1 ? terms[0]! : tf.addN(terms)) as Scalar;
}
