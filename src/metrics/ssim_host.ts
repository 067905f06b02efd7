/**
 * SSIM computed on the host in plain typed-array loops (float64 arithmetic), used by
 * {@link SsimMetric} for host data and by `segaware eval img`; agrees with {@link ssim}
 * (same definition and options).
 */
import { InvalidArgumentError } from '../errors.js';
import { resolveSsimOptions } from './ssim_options.js';
import type { SsimOptions } from './ssim_options.js';
import { toHostImage } from './host_image.js';
import type { ImageData } from './image_input.js';
import { ssimHostImage } from './ssim_host_kernel.js';

/**
 * SSIM per image on host data (`{ data, shape: [N,H,W,C] | [H,W,C] }`), computed in
 * float64 with tight loops (no tensors): the same definition and options as {@link ssim}
 * except `downsample` (use {@link ssim} for that). Exact to float64 rounding, so it
 * matches scikit-image to ~1e-12 on the same inputs.
 *
 * @returns one value per image
 * @example ssimHost({ data: a, shape: [h, w, 3] }, { data: b, shape: [h, w, 3] }, { dataRange: 255 }) // [0.93…]
 */
export function ssimHost(a: ImageData, b: ImageData, options: SsimOptions): number[] {
  if (options?.downsample) throw new InvalidArgumentError('options.downsample', 'false for ssimHost (use ssim())', true);
  const core = resolveSsimOptions(options);
  const A = toHostImage('a', a);
  const B = toHostImage('b', b);
  if (A.shape.some((d, i) => d !== B.shape[i])) throw new InvalidArgumentError('a/b', 'images of the same shape', `[${A.shape.join(',')}] and [${B.shape.join(',')}]`);
  const [n, h, w, c] = A.shape;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const per = ssimHostImage(A.data, B.data, i * h * w * c, h, w, c, core);
    out.push(per.reduce((s, v) => s + v.ssim, 0) / c);
  }
  return out;
}
