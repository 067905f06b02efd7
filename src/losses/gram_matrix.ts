import { tf } from '../tf.js';
import type { Tensor, Tensor3D } from '../tf.js';
import { assertRank } from '../validate.js';
import { InvalidArgumentError } from '../errors.js';
import { zerosFrom } from './empty_safe.js';

/**
 * Gram matrix per image, `G = Fᵀ·F / (C·H·W)` with `F` the `[H·W, C]` feature matrix
 * (Gatys et al.; the normalisation of Johnson et al. and EdgeConnect).
 *
 * Features with no element (N, H, W or C = 0) give zeros `[N, C, C]` (the Gram matrix of no
 * pixels) instead of 0/0 = NaN or, on wasm and cpu, a "divide by zero" error from the matmul.
 *
 * @param features float32 `[N, H, W, C]`
 * @returns `[N, C, C]`
 * @throws InvalidArgumentError if `features` is not float32 (cast integer features with `tf.cast(x, 'float32')`)
 * @example
 * const g = gramMatrix(vgg.extract(images).relu2_2); // [N, 128, 128]
 */
export function gramMatrix(features: Tensor): Tensor3D {
  assertRank('gramMatrix: features', features, 4);
  if (features.dtype !== 'float32') {
    throw new InvalidArgumentError('gramMatrix: features', 'a float32 tensor', `dtype ${features.dtype}`, "cast with tf.cast(features, 'float32')");
  }
  const [n, h, w, c] = features.shape as [number, number, number, number];
  if (features.size === 0) return zerosFrom(features, [n, c, c]) as Tensor3D;
  return tf.tidy(() => {
    const f = tf.reshape(features, [n, h * w, c]);
    return tf.div(tf.matMul(f, f, true, false), c * h * w) as Tensor3D;
  });
}
