/**
 * SSIM computed on the host in plain typed-array loops (float64 arithmetic), used by
 * {@link SsimMetric} for host data and by `segaware eval img`; agrees with {@link ssim}
 * (same definition and options).
 */
import { InvalidArgumentError } from '../errors.js';
import { resolveSsimOptions } from './ssim_options.js';
import type { SsimOptions } from './ssim_options.js';
import { toHostImage } from './host_image.js';
import type { HostImage } from './host_image.js';
import type { ImageData } from './image_input.js';
import type { Tensor } from '../tf.js';
import type { SsimCoreOptions } from './ssim_core.js';
import { ssimHostImage } from './ssim_host_kernel.js';
import { checkHostImage } from './value_check.js';

/**
 * SSIM per image on host data (`{ data, shape: [N,H,W,C] | [H,W,C] }`), computed in
 * float64 with tight loops (no tensors): the same definition and options as {@link ssim}
 * except `downsample` (use {@link ssim} for that). Exact to float64 rounding, so it
 * matches scikit-image to ~1e-12 on the same inputs.
 *
 * @param a the prediction
 * @param b the reference
 * @returns one value per image
 * @throws InvalidArgumentError naming `a`/`b` for NaN/±Inf (with the index), an empty batch
 *   or zero-size images, or naming `options.dataRange` when the values contradict it
 *   (|b| > R·1.001 or |a| > 2R; one pass over the data)
 * @example ssimHost({ data: a, shape: [h, w, 3] }, { data: b, shape: [h, w, 3] }, { dataRange: 255 }) // [0.93…]
 */
export function ssimHost(a: ImageData, b: ImageData, options: SsimOptions): number[] {
  if (options?.downsample) throw new InvalidArgumentError('options.downsample', 'false for ssimHost (use ssim())', true);
  const core = resolveSsimOptions(options);
  const [A, B] = readHostPair(a, b, 'a', 'b', core.dataRange);
  return ssimHostValues(A, B, core);
}

/**
 * Reads and checks a host image pair: same shape, non-empty, finite, within `dataRange`
 * (`nameB` is the reference). With `allowEmptyBatch` (the accumulators) a batch of N = 0
 * images passes (the caller adds nothing); zero-size images never do. Shared by
 * {@link ssimHost}, {@link ssimHostParallel}, {@link PsnrMetric} and {@link SsimMetric}. Internal.
 */
export function readHostPair(a: ImageData | Tensor, b: ImageData | Tensor, nameA: string, nameB: string, dataRange: number, allowEmptyBatch = false): [HostImage, HostImage] {
  const A = toHostImage(nameA, a);
  const B = toHostImage(nameB, b);
  if (A.shape.some((d, i) => d !== B.shape[i])) throw new InvalidArgumentError(`${nameA}/${nameB}`, 'images of the same shape', `[${A.shape.join(',')}] and [${B.shape.join(',')}]`);
  if (allowEmptyBatch && A.shape[0] === 0 && A.shape.every((d, i) => i === 0 || d > 0)) return [A, B];
  if (A.data.length === 0) throw new InvalidArgumentError(nameA, 'non-empty images', `shape [${A.shape.join(',')}]`, 'nothing to measure');
  // the reference first: its bound is the strict one, so its error names the range that fits the data
  checkHostImage(nameB, B.data, dataRange, 'reference');
  checkHostImage(nameA, A.data, dataRange, 'prediction');
  return [A, B];
}

/** The host SSIM loop over the images of a checked pair. Internal. */
export function ssimHostValues(A: HostImage, B: HostImage, core: SsimCoreOptions): number[] {
  const [n, h, w, c] = A.shape;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const per = ssimHostImage(A.data, B.data, i * h * w * c, h, w, c, core);
    out.push(per.reduce((s, v) => s + v.ssim, 0) / c);
  }
  return out;
}
