import { tf } from '../tf.js';
import type { Tensor, Tensor3D } from '../tf.js';
import { assertRank } from '../validate.js';

/**
 * Gram matrix per image, `G = Fᵀ·F / (C·H·W)` with `F` the `[H·W, C]` feature matrix
 * (Gatys et al.; the normalisation of Johnson et al. and EdgeConnect).
 *
 * @param features float32 `[N, H, W, C]`
 * @returns `[N, C, C]`
 * @example
 * const g = gramMatrix(vgg.extract(images).relu2_2); // [N, 128, 128]
 */
export function gramMatrix(features: Tensor): Tensor3D {
  assertRank('gramMatrix: features', features, 4);
  const [n, h, w, c] = features.shape as [number, number, number, number];
  return tf.tidy(() => {
    const f = tf.reshape(features, [n, h * w, c]);
    return tf.div(tf.matMul(f, f, true, false), c * h * w) as Tensor3D;
  });
}
