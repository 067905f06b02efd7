import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { assertOneOf, assertRank, checkOptions } from '../validate.js';
import { InvalidArgumentError } from '../errors.js';
import { safeSum } from './empty_safe.js';
import { optionKeys } from './option_keys.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

/** Options of {@link totalVariationLoss}. */
export interface TotalVariationLossOptions {
  /** `'l1'` (default, anisotropic), `'l2'` (squared) or `'isotropic'`. */
  mode?: 'l1' | 'l2' | 'isotropic';
  /**
   * `'mean'` (default): means over the difference tensors; `'sum'`: sum over pixels and
   * channels, averaged over the batch; `'none'`: the per-image sums `[N]` (kornia's `total_variation`).
   */
  reduction?: Reduction;
}

/** The keys of {@link TotalVariationLossOptions} (internal). */
export const TOTAL_VARIATION_LOSS_KEYS = optionKeys<TotalVariationLossOptions>()(['mode', 'reduction']);

/**
 * Total-variation loss of images `[N, H, W, C]`. With `dy = x[:, 1:] − x[:, :-1]` and
 * `dx = x[:, :, 1:] − x[:, :, :-1]`:
 *
 * - `'l1'`: `mean|dy| + mean|dx|`;
 * - `'l2'`: `mean dy² + mean dx²`;
 * - `'isotropic'`: `mean sqrt(dy² + dx² + 1e-12)` on the common `(H−1)×(W−1)` grid.
 *
 * `reduction: 'sum'` sums over pixels and channels and averages over the batch
 * (per-image sums for `'none'`). An empty batch (N = 0) gives exactly 0 (`'none'`: `[0]`) on
 * every backend; NaN/±Inf pixels give a NaN/±Inf loss.
 *
 * @param images float32 `[N, H, W, C]`, H, W ≥ 2 (a regulariser of one tensor: no target)
 * @param options `mode` (`'l1'`), `reduction` (`'mean'`)
 * @returns a scalar (`'mean'`, `'sum'`) or the per-image sums `[N]` (`'none'`)
 * @throws InvalidArgumentError on a bad rank or size, or an invalid or unknown option
 * @example
 * const tv = totalVariationLoss(restored, { mode: 'l1' });
 */
export function totalVariationLoss(images: Tensor, options?: TotalVariationLossOptions): Tensor {
  const o = checkOptions('totalVariationLoss', options, TOTAL_VARIATION_LOSS_KEYS);
  assertRank('totalVariationLoss: images', images, 4);
  const mode = o.mode ?? 'l1';
  assertOneOf('totalVariationLoss: options.mode', mode, ['l1', 'l2', 'isotropic'] as const);
  const reduction = checkReduction('totalVariationLoss', o.reduction);
  const [n, h, w, c] = images.shape as [number, number, number, number];
  if (h < 2 || w < 2) throw new InvalidArgumentError('totalVariationLoss: images', 'height and width ≥ 2', `shape [${images.shape}]`);
  return tf.tidy(() => {
    const dy = tf.sub(tf.slice(images, [0, 1, 0, 0], [n, h - 1, w, c]), tf.slice(images, [0, 0, 0, 0], [n, h - 1, w, c]));
    const dx = tf.sub(tf.slice(images, [0, 0, 1, 0], [n, h, w - 1, c]), tf.slice(images, [0, 0, 0, 0], [n, h, w - 1, c]));
    const perImage = (t: Tensor) => safeSum(t, [1, 2, 3]);
    // 'mean' averages each difference tensor; 'sum' is kornia's: per-image sums, averaged over the batch ('none': those sums)
    const perImageReduction = reduction === 'sum' ? 'mean' : 'none';
    if (mode === 'isotropic') {
      const dyc = tf.slice(dy, [0, 0, 0, 0], [n, h - 1, w - 1, c]);
      const dxc = tf.slice(dx, [0, 0, 0, 0], [n, h - 1, w - 1, c]);
      const mag = tf.sqrt(tf.add(tf.add(tf.square(dyc), tf.square(dxc)), 1e-12));
      if (reduction === 'mean') return reduceLoss(mag, 'mean');
      return reduceLoss(perImage(mag), perImageReduction);
    }
    const f = mode === 'l1' ? tf.abs : tf.square;
    const ay = f(dy);
    const ax = f(dx);
    if (reduction === 'mean') return tf.add(reduceLoss(ay, 'mean'), reduceLoss(ax, 'mean'));
    return reduceLoss(tf.add(perImage(ay), perImage(ax)), perImageReduction);
  });
}
