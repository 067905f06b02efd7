import { tf } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import type { Scalar, Tensor4D } from '../tf.js';
import { assertOneOf, checkOptions } from '../validate.js';
import type { Vgg19Extractor } from '../models/vgg19.js';
import { safeMean, zerosFrom } from './empty_safe.js';
import { withNonFiniteTrap } from './non_finite_trap.js';
import { optionKeys } from './option_keys.js';
import { stopGradient } from './stop_gradient.js';
import { checkImages, resolveLayerWeights, type LayerWeights } from './vgg_loss_common.js';

/** Options of {@link perceptualLoss}. */
export interface PerceptualLossOptions {
  /** the VGG-19 extractor (from `vgg19Features`, built with every layer used here) */
  extractor: Vgg19Extractor;
  /** taps and weights; default `{ conv5_4: 1 }` (pre-activation, ESRGAN) */
  layers?: LayerWeights;
  /** distance between feature maps: `'l1'` (default, mean absolute) or `'l2'` (mean squared) */
  criterion?: 'l1' | 'l2';
  /** value range of the images; default [-1, 1] (mapped to [0, 1] then ImageNet-normalised) */
  inputRange?: readonly [number, number];
}

/** The keys of {@link PerceptualLossOptions} (internal). */
export const PERCEPTUAL_LOSS_KEYS = optionKeys<PerceptualLossOptions>()(['extractor', 'layers', 'criterion', 'inputRange']);

/**
 * Perceptual loss on VGG-19 features (Johnson et al. 2016; pre-activation taps as in
 * ESRGAN and the cooperative restoration paper, eq. 7):
 * `Σ_l w_l · mean|φ_l(prediction) − φ_l(target)|` (or squared for `'l2'`), the target's
 * features computed without gradient. Images are mapped from `inputRange` to [0, 1] and
 * normalised with the ImageNet mean/std inside the extractor.
 *
 * An empty batch gives exactly 0 without running the extractor. NaN/±Inf in `prediction` give a
 * NaN loss even where the network's activations would hide them.
 *
 * @param prediction float32 `[N, H, W, 3]`
 * @param target float32 `[N, H, W, 3]` (data: must be finite)
 * @param options `extractor` (required), `layers` (`{ conv5_4: 1 }`), `criterion` (`'l1'`), `inputRange` (`[-1, 1]`)
 * @returns a scalar
 * @throws InvalidArgumentError if `target` holds NaN/±Inf, the extractor lacks a layer, or an option is invalid or unknown
 * @example
 * const vgg = vgg19Features({ weights, layers: ['conv5_4'] });
 * const loss = perceptualLoss(restored, clean, { extractor: vgg });
 */
export function perceptualLoss(prediction: Tensor4D, target: Tensor4D, options: PerceptualLossOptions): Scalar {
  if (options == null) throw new InvalidArgumentError('perceptualLoss: options', '{ extractor: vgg19Features(...) }', options);
  const o = checkOptions('perceptualLoss', options, PERCEPTUAL_LOSS_KEYS);
  checkImages('perceptualLoss', prediction, target);
  const layers = resolveLayerWeights({ extractor: 'perceptualLoss: options.extractor', layers: 'perceptualLoss: options.layers' }, o.extractor, o.layers ?? { conv5_4: 1 });
  const criterion = o.criterion ?? 'l1';
  assertOneOf('perceptualLoss: options.criterion', criterion, ['l1', 'l2'] as const);
  return perceptualTerm(prediction, target, o.extractor, layers, criterion, o.inputRange);
}

/** {@link perceptualLoss} on already validated inputs (internal: composites that checked `target` once). */
export function perceptualTerm(
  prediction: Tensor4D,
  target: Tensor4D,
  extractor: Vgg19Extractor,
  layers: [string, number][],
  criterion: 'l1' | 'l2',
  inputRange?: readonly [number, number],
): Scalar {
  if (prediction.size === 0) return zerosFrom(prediction, []) as Scalar;
  return tf.tidy(() => {
    const fp = extractor.extract(prediction, inputRange);
    const ft = extractor.extract(target, inputRange);
    // the trap: VGG's ReLUs and max-pools can turn NaN/±Inf pixels into finite features
    return withNonFiniteTrap(perceptualDistance(fp, ft, layers, criterion), prediction) as Scalar;
  });
}

/** `Σ_l w_l · mean|fp_l − sg(ft_l)|` (or squared) on already extracted features (internal). */
export function perceptualDistance(fp: Record<string, Tensor4D>, ft: Record<string, Tensor4D>, layers: [string, number][], criterion: 'l1' | 'l2'): Scalar {
  const terms = layers.map(([name, w]) => {
    const d = tf.sub(fp[name]!, stopGradient(ft[name]!));
    return tf.mul(safeMean(criterion === 'l1' ? tf.abs(d) : tf.square(d)), w);
  });
  return (terms.length === 1 ? terms[0]! : tf.addN(terms)) as Scalar;
}
