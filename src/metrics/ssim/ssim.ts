/**
 * Structural similarity (SSIM), one value per image, with the conventions of
 * the reference implementations the papers used.
 */
import { tf } from '../../tf.js';
import type { Tensor1D } from '../../tf.js';
import type { ImageInput } from '../../ops/image_input.js';
import { checkOptions } from '../../validate.js';
import { pairLabels } from '../pair_labels.js';
import type { PairLabels } from '../pair_labels.js';
import { withTensorPair } from '../tensor_pair.js';
import { ssimPerChannel } from './core.js';
import { ssimDownsample } from './downsample.js';
import { SSIM_KEYS, checkSsimImageSize, resolveSsimOptions } from './options.js';
import type { SsimCoreOptions, SsimOptions } from './options.js';

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
 * @param prediction images `[N,H,W,C]` (or `[H,W,C]`), float32, or `{ data, shape }`
 * @param target reference images of the same shape
 * @param options {@link SsimOptions}: `dataRange` (required), `padding` ('valid'), `gaussian`
 *   (true), `windowSize` (11 / 7 uniform), `sigma` (1.5), `k1` (0.01), `k2` (0.03),
 *   `sampleCovariance` (false), `downsample` (false)
 * @returns `Tensor1D` of length N
 * @throws InvalidArgumentError labelled `ssim: options.key` for an unknown option key (with the
 *   valid keys and the nearest match) or a bad value; `ssim: prediction` / `ssim: target` for
 *   NaN/±Inf (on GPU backends reported at the next `flushFiniteChecks()`), an empty batch or
 *   images too small for the window; `ssim: prediction/target` for a shape mismatch;
 *   `ssim: options.dataRange` when the values contradict it (host backends: |target| > R·1.001
 *   or |prediction| > 2R)
 * @example
 * const s = ssim(restored, clean, { dataRange: 2 });              // generator outputs in [-1,1]
 * const dfs = ssim(a, b, { dataRange: 1, padding: 'zero' });      // pytorch_ssim convention
 * const loss = tf.sub(1, tf.mean(ssim(a, b, { dataRange: 1 })));
 */
export function ssim(prediction: ImageInput, target: ImageInput, options: SsimOptions): Tensor1D {
  const o = checkOptions('ssim', options, SSIM_KEYS);
  return ssimWith(pairLabels('ssim'), prediction, target, o, resolveSsimOptions('ssim', o));
}

/**
 * {@link ssim} on resolved options, reporting errors with `labels` (the accumulator's
 * `SsimMetric.update: …`). Internal: not re-exported from the package.
 */
export function ssimWith(labels: PairLabels, prediction: ImageInput, target: ImageInput, options: SsimOptions, core: SsimCoreOptions): Tensor1D {
  const down = options.downsample === true;
  return withTensorPair(
    labels,
    prediction,
    target,
    core.dataRange,
    (p, t) =>
      tf.tidy(() => {
        const x = down ? ssimDownsample(p) : p;
        const y = down ? ssimDownsample(t) : t;
        const { ssim: s } = ssimPerChannel(x, y, core, labels.prediction);
        return tf.mean(s, 1) as Tensor1D;
      }),
    (p) => {
      // size check before the value check reads the data (downsampled size when asked)
      if (!down) checkSsimImageSize(labels.prediction, p.shape[1], p.shape[2], core);
    },
  );
}
