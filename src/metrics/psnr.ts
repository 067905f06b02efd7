/**
 * Peak signal-to-noise ratio, one value per image.
 */
import { tf } from '../tf.js';
import type { Tensor1D } from '../tf.js';
import { checkDataRange, checkPair, toImageTensor } from './image_input.js';
import type { ImageInput } from './image_input.js';
import { checkImageTensors } from './value_check.js';

/** Options of {@link psnr}. */
export interface PsnrOptions {
  /** dynamic range `R` of the pixel values (1 for [0,1], 255 for uint8, 2 for [-1,1]); required */
  dataRange: number;
}

/**
 * PSNR per image: `10·log10(R² / MSE)`, `MSE = mean over H,W,C of (a − b)²`,
 * `+Infinity` when the images are identical. Equals scikit-image
 * `peak_signal_noise_ratio(b, a, data_range=R)` image by image. Differentiable.
 *
 * @param a images `[N,H,W,C]` (or `[H,W,C]`), float32 (the prediction)
 * @param b images of the same shape (the reference)
 * @returns `Tensor1D` of length N (dB)
 * @throws InvalidArgumentError naming `a`/`b` for NaN/±Inf (on GPU backends reported at the next
 *   `flushFiniteChecks()`), for an empty batch or zero-size images (nothing to measure), or naming
 *   `options.dataRange` when the values contradict it (host backends: |b| > R·1.001 or |a| > 2R)
 * @example
 * const v = psnr(restored, clean, { dataRange: 1 }); // [N]
 */
export function psnr(a: ImageInput, b: ImageInput, options: PsnrOptions): Tensor1D {
  const R = checkDataRange(options?.dataRange);
  const A = toImageTensor('a', a);
  const B = toImageTensor('b', b);
  try {
    checkPair(A.t, B.t);
    checkImageTensors([{ argument: 'b', x: B.t, role: 'reference' }, { argument: 'a', x: A.t, role: 'prediction' }], R);
    return tf.tidy(() => {
      const mse = tf.mean(tf.squaredDifference(A.t, B.t), [1, 2, 3]);
      return tf.mul(tf.scalar(10 / Math.LN10), tf.log(tf.div(tf.scalar(R * R), mse))) as Tensor1D;
    });
  } finally {
    if (A.owned) A.t.dispose();
    if (B.owned) B.t.dispose();
  }
}
