/**
 * The automatic downsampling of Wang's 2009 `ssim.m`.
 */
import { tf } from '../../tf.js';
import type { Tensor4D } from '../../tf.js';
import { mirrorPad2d } from '../../ops/mirror_pad.js';

/**
 * Wang's 2009 `ssim.m` downsampling: `f = max(1, round(min(H,W)/256))`; when
 * f > 1 the image is filtered with an f×f box (`imfilter(…,'symmetric','same')`,
 * MATLAB's centre `floor((f+1)/2)`) and every f-th pixel from the first is kept.
 * Returns the input itself when f = 1. Differentiable.
 *
 * @param x images `[N,H,W,C]`, float32
 * @returns `[N, ⌈H/f⌉, ⌈W/f⌉, C]`
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
