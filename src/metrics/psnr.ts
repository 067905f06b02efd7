/**
 * Peak signal-to-noise ratio, one value per image.
 */
import { tf } from '../tf.js';
import type { Tensor1D } from '../tf.js';
import type { ImageInput } from '../ops/image_input.js';
import { checkOptions } from '../validate.js';
import { checkDataRange } from './data_range.js';
import { pairLabels } from './pair_labels.js';
import { withTensorPair } from './tensor_pair.js';

/** Options of {@link psnr} (and of {@link PsnrMetric}). */
export interface PsnrOptions {
  /** dynamic range `R` of the pixel values (1 for [0,1], 255 for uint8, 2 for [-1,1]); required */
  dataRange: number;
}

/** The option keys of {@link psnr} (unknown keys are rejected). */
export const PSNR_KEYS = ['dataRange'] as const;

/**
 * PSNR per image: `10·log10(R² / MSE)`, `MSE = mean over H,W,C of (prediction − target)²`,
 * `+Infinity` when the images are identical. Equals scikit-image
 * `peak_signal_noise_ratio(target, prediction, data_range=R)` image by image. Differentiable.
 *
 * @param prediction images `[N,H,W,C]` (or `[H,W,C]`), float32, or `{ data, shape }`
 * @param target reference images of the same shape
 * @param options `dataRange` (required)
 * @returns `Tensor1D` of length N (dB)
 * @throws InvalidArgumentError labelled `psnr: options.key` for an unknown option key (with the
 *   valid keys and the nearest match); `psnr: prediction` / `psnr: target` for NaN/±Inf (on GPU
 *   backends reported at the next `flushFiniteChecks()`), an empty batch or zero-size images
 *   (nothing to measure); `psnr: options.dataRange` when missing or when the values contradict
 *   it (host backends: |target| > R·1.001 or |prediction| > 2R)
 * @example
 * const v = psnr(restored, clean, { dataRange: 1 }); // [N]
 */
export function psnr(prediction: ImageInput, target: ImageInput, options: PsnrOptions): Tensor1D {
  const fn = 'psnr';
  const labels = pairLabels(fn);
  const R = checkDataRange(fn, checkOptions(fn, options, PSNR_KEYS).dataRange);
  return withTensorPair(labels, prediction, target, R, (p, t) =>
    tf.tidy(() => {
      const mse = tf.mean(tf.squaredDifference(p, t), [1, 2, 3]);
      return tf.mul(tf.scalar(10 / Math.LN10), tf.log(tf.div(tf.scalar(R * R), mse))) as Tensor1D;
    }),
  );
}
