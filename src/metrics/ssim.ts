/**
 * Structural similarity (SSIM), one value per image, with the conventions of
 * the reference implementations the papers used.
 */
import { tf } from '../tf.js';
import type { Tensor1D, Tensor4D } from '../tf.js';
import { checkPair, toImageTensor } from './image_input.js';
import { resolveSsimOptions } from './ssim_options.js';
import type { SsimOptions } from './ssim_options.js';
import type { ImageInput } from './image_input.js';
import { checkImageTensors } from './value_check.js';
import { ssimPerChannel } from './ssim_core.js';
import { mirrorPad2d } from './mirror_pad.js';

/**
 * Wang's 2009 `ssim.m` downsampling: `f = max(1, round(min(H,W)/256))`; when
 * f > 1 the image is filtered with an f×f box (`imfilter(…,'symmetric','same')`,
 * MATLAB's centre `floor((f+1)/2)`) and every f-th pixel from the first is kept.
 * Returns the input itself when f = 1. Differentiable.
 *
 * @example ssimDownsample(tf.zeros([1, 512, 768, 3])) // f = 2 → shape [1, 256, 384, 3]
 */
export function ssimDownsample(x: Tensor4D): Tensor4D {
  const [, h, w] = x.shape;
  const f = Math.max(1, Math.round(Math.min(h, w) / 256));
  if (f === 1) return x;
  return tf.tidy(() => {
    const before = Math.floor((f - 1) / 2);
    const afterH = Math.max(0, Math.ceil(h / f) * f - h - before);
    const afterW = Math.max(0, Math.ceil(w / f) * f - w - before);
    const p = mirrorPad2d(x, [before, afterH], [before, afterW], 'symmetric');
    return tf.avgPool(p, f, f, 'valid');
  });
}

/**
 * SSIM per image (Wang et al. 2004). With `μ, σ², σxy` the window-weighted local
 * means, population variances and covariance (window: 11×11 Gaussian, σ = 1.5,
 * normalised), `C1 = (K1·R)²`, `C2 = (K2·R)²`:
 *
 * `SSIM = mean over the map and channels of (2μxμy + C1)(2σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2))`
 *
 * Defaults equal scikit-image `structural_similarity(gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=R, channel_axis=-1)` and `tf.image.ssim`.
 * The local statistics use separable filtering (two 1-D depthwise convolutions).
 * Differentiable, so `1 − ssim` is a loss; works on any backend.
 *
 * @param a images `[N,H,W,C]` (or `[H,W,C]`), float32 (the prediction)
 * @param b images of the same shape (the reference)
 * @returns `Tensor1D` of length N
 * @throws InvalidArgumentError naming `a`/`b` for NaN/±Inf (on GPU backends reported at the next
 *   `flushFiniteChecks()`), for an empty batch or zero-size images (nothing to measure), or naming
 *   `options.dataRange` when the values contradict it (host backends: |b| > R·1.001 or |a| > 2R)
 * @example
 * const s = ssim(restored, clean, { dataRange: 2 });              // generator outputs in [-1,1]
 * const dfs = ssim(a, b, { dataRange: 1, padding: 'zero' });      // pytorch_ssim convention
 * const loss = tf.sub(1, tf.mean(ssim(a, b, { dataRange: 1 })));
 */
export function ssim(a: ImageInput, b: ImageInput, options: SsimOptions): Tensor1D {
  return ssimNamed(a, b, options, 'a', 'b');
}

/**
 * {@link ssim} reporting its inputs as `nameA`/`nameB` (the accumulators say pred/target).
 * Internal: not re-exported from the package.
 */
export function ssimNamed(a: ImageInput, b: ImageInput, options: SsimOptions, nameA: string, nameB: string): Tensor1D {
  const core = resolveSsimOptions(options);
  const A = toImageTensor(nameA, a);
  const B = toImageTensor(nameB, b);
  try {
    checkPair(A.t, B.t, nameA, nameB);
    checkImageTensors([{ argument: nameB, x: B.t, role: 'reference' }, { argument: nameA, x: A.t, role: 'prediction' }], core.dataRange);
    return tf.tidy(() => {
      const x = options.downsample ? ssimDownsample(A.t) : A.t;
      const y = options.downsample ? ssimDownsample(B.t) : B.t;
      const { ssim: s } = ssimPerChannel(x, y, core);
      return tf.mean(s, 1) as Tensor1D;
    });
  } finally {
    if (A.owned) A.t.dispose();
    if (B.owned) B.t.dispose();
  }
}
