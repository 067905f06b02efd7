/**
 * SSIM computed on the host in plain typed-array loops (float64 arithmetic), used by
 * {@link SsimMetric} for host data and by `segaware eval img`; agrees with {@link ssim}
 * (same definition and options).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { HostImage, HostImageData } from '../../ops/image_input.js';
import { checkOptions } from '../../validate.js';
import { readHostPair } from '../host_pair.js';
import { pairLabels } from '../pair_labels.js';
import { ssimHostImage } from './host_kernel.js';
import { SSIM_KEYS, checkSsimImageSize, resolveSsimOptions } from './options.js';
import type { SsimCoreOptions, SsimOptions } from './options.js';

/**
 * Checks the options of a host SSIM function (`ssimHost`, `ssimHostParallel`): known keys,
 * valid values, no `downsample` (only the tensor path has it). Internal.
 */
export function resolveHostSsimOptions(fn: string, options: SsimOptions): SsimCoreOptions {
  const o = checkOptions(fn, options, SSIM_KEYS);
  if (o.downsample) throw new InvalidArgumentError(`${fn}: options.downsample`, `false for ${fn} (use ssim())`, o.downsample);
  return resolveSsimOptions(fn, o);
}

/**
 * SSIM per image on host data (`{ data, shape: [N,H,W,C] | [H,W,C] }`), computed in
 * float64 with tight loops (no tensors): the same definition and options as {@link ssim}
 * except `downsample` (use {@link ssim} for that). Exact to float64 rounding, so it
 * matches scikit-image to ~1e-12 on the same inputs.
 *
 * @param prediction images `[N,H,W,C]` or `[H,W,C]` as `{ data, shape }`
 * @param target reference images of the same shape
 * @param options {@link SsimOptions} without `downsample`
 * @returns one value per image
 * @throws InvalidArgumentError labelled `ssimHost: options.key` for an unknown option key (with
 *   the valid keys and the nearest match) or a bad value; `ssimHost: prediction` /
 *   `ssimHost: target` for NaN/±Inf (with the index), an empty batch or images too small for
 *   the window; `ssimHost: options.dataRange` when the values contradict it (|target| > R·1.001
 *   or |prediction| > 2R; one pass over the data)
 * @example ssimHost({ data: a, shape: [h, w, 3] }, { data: b, shape: [h, w, 3] }, { dataRange: 255 }) // [0.93…]
 */
export function ssimHost(prediction: HostImageData, target: HostImageData, options: SsimOptions): number[] {
  const core = resolveHostSsimOptions('ssimHost', options);
  const labels = pairLabels('ssimHost');
  const [A, B] = readHostPair(labels, prediction, target, core.dataRange);
  return ssimHostValues(A, B, core, labels.prediction);
}

/**
 * The host SSIM loop over the images of a checked pair (mean over channels per image).
 * Internal.
 *
 * @param label the images as a size error names them
 */
export function ssimHostValues(A: HostImage, B: HostImage, core: SsimCoreOptions, label: string): number[] {
  const [n, h, w, c] = A.shape;
  if (n > 0) checkSsimImageSize(label, h, w, core);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const per = ssimHostImage(A.data, B.data, i * h * w * c, h, w, c, core);
    out.push(per.reduce((s, v) => s + v.ssim, 0) / c);
  }
  return out;
}
