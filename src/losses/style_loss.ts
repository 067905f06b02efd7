import { tf } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import type { Scalar, Tensor4D } from '../tf.js';
import { checkOptions } from '../validate.js';
import type { Vgg19Extractor } from '../models/vgg19.js';
import { safeMean, zerosFrom } from './empty_safe.js';
import { withNonFiniteTrap } from './non_finite_trap.js';
import { optionKeys } from './option_keys.js';
import { stopGradient } from './stop_gradient.js';
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

/** The keys of {@link StyleLossOptions} (internal). */
export const STYLE_LOSS_KEYS = optionKeys<StyleLossOptions>()(['extractor', 'layers', 'inputRange']);

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
 * @param options `extractor` (required), `layers` ({@link DEFAULT_STYLE_LAYERS}), `inputRange` (`[-1, 1]`)
 * @returns a scalar
 * @throws InvalidArgumentError if `target` holds NaN/±Inf, the extractor lacks a layer, or an option is invalid or unknown
 * @example
 * const vgg = vgg19Features({ weights, layers: ['relu2_2', 'relu3_4', 'relu4_4', 'relu5_2'] });
 * const loss = styleLoss(restored, clean, { extractor: vgg });
 */
export function styleLoss(prediction: Tensor4D, target: Tensor4D, options: StyleLossOptions): Scalar {
  if (options == null) throw new InvalidArgumentError('styleLoss: options', '{ extractor: vgg19Features(...) }', options);
  const o = checkOptions('styleLoss', options, STYLE_LOSS_KEYS);
  checkImages('styleLoss', prediction, target);
  const layers = resolveLayerWeights({ extractor: 'styleLoss: options.extractor', layers: 'styleLoss: options.layers' }, o.extractor, o.layers ?? DEFAULT_STYLE_LAYERS);
  if (prediction.size === 0) return zerosFrom(prediction, []) as Scalar;
  return tf.tidy(() => {
    const fp = o.extractor.extract(prediction, o.inputRange);
    const ft = o.extractor.extract(target, o.inputRange);
    return withNonFiniteTrap(styleDistance(fp, ft, layers), prediction) as Scalar;
  });
}

/** `Σ_l w_l · mean|G(fp_l) − sg(G(ft_l))|` on already extracted features (internal). */
export function styleDistance(fp: Record<string, Tensor4D>, ft: Record<string, Tensor4D>, layers: [string, number][]): Scalar {
  const terms = layers.map(([name, w]) => tf.mul(safeMean(tf.abs(tf.sub(gramMatrix(fp[name]!), stopGradient(gramMatrix(ft[name]!))))), w));
  return (terms.length === 1 ? terms[0]! : tf.addN(terms)) as Scalar;
}
