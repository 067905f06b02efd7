/**
 * The SSIM building block shared by {@link ssim} and {@link msSsim}: local
 * statistics by separable filtering (two 1-D depthwise convolutions of each of the
 * maps x, y, x² + y², xy) and the per-channel mean of the SSIM and
 * contrast-structure maps.
 */
import { tf } from '../../tf.js';
import type { Tensor2D, Tensor4D } from '../../tf.js';
import { mirrorPad2d } from '../../ops/mirror_pad.js';
import { checkSsimImageSize } from './options.js';
import type { SsimCoreOptions } from './options.js';

/**
 * Filters `[N,H,W,C]` with the separable window `w` ('valid'): a horizontal then a vertical
 * 1-D depthwise convolution, output `[N, H−k+1, W−k+1, C]` (k = w.length).
 *
 * @example separableFilter(x, gaussianWindow(11, 1.5)) // the local means of SSIM
 */
export function separableFilter(x: Tensor4D, w: Float64Array): Tensor4D {
  const c = x.shape[3];
  const k = w.length;
  const hk = new Float32Array(k * c);
  for (let i = 0; i < k; i++) hk.fill(w[i]!, i * c, (i + 1) * c);
  return tf.tidy(() => {
    const hor = tf.tensor4d(hk, [1, k, c, 1]);
    const ver = tf.tensor4d(hk, [k, 1, c, 1]);
    const y = tf.depthwiseConv2d(x, hor, 1, 'valid');
    return tf.depthwiseConv2d(y, ver, 1, 'valid');
  });
}

/**
 * Per-channel means of the SSIM map and of the contrast-structure map (Wang et al. 2004):
 * `SSIM = l·cs`, `l = (2μxμy + C1)/(μx² + μy² + C1)`, `cs = (2σxy + C2)/(σx² + σy² + C2)`,
 * `C1 = (K1·R)²`, `C2 = (K2·R)²`. `x`, `y`: float32 `[N,H,W,C]` of the same shape.
 *
 * @param label the images as a size error names them (the callers check sizes first)
 * @returns `{ ssim, cs }`, each `[N,C]`
 * @example const { ssim: s } = ssimPerChannel(x, y, resolveSsimOptions('ssim', { dataRange: 1 }));
 */
export function ssimPerChannel(x: Tensor4D, y: Tensor4D, o: SsimCoreOptions, label = 'images'): { ssim: Tensor2D; cs: Tensor2D } {
  const k = o.window.length;
  const [, h, w] = x.shape;
  const r = (k - 1) / 2;
  checkSsimImageSize(label, h, w, o);
  const c1 = (o.k1 * o.dataRange) ** 2;
  const c2 = (o.k2 * o.dataRange) ** 2;
  return tf.tidy(() => {
    let a: Tensor4D = x;
    let b: Tensor4D = y;
    if (o.padding !== 'valid') {
      const pads: Array<[number, number]> = [[0, 0], [r, r], [r, r], [0, 0]];
      a = o.padding === 'reflect' ? mirrorPad2d(x, [r, r], [r, r], 'reflect') : tf.pad(x, pads);
      b = o.padding === 'reflect' ? mirrorPad2d(y, [r, r], [r, r], 'reflect') : tf.pad(y, pads);
    }
    // four maps filtered one by one: SSIM only needs σx² + σy², so x² + y² is filtered as one map
    // (channel concat/split of large tensors is slower than the extra conv calls)
    const mx = separableFilter(a, o.window);
    const my = separableFilter(b, o.window);
    const ess = separableFilter(tf.add(tf.mul(a, a), tf.mul(b, b)), o.window);
    const exy = separableFilter(tf.mul(a, b), o.window);
    const mxy = tf.mul(mx, my);
    const mx2 = tf.square(mx);
    const my2 = tf.square(my);
    let vsum = tf.sub(tf.sub(ess, mx2), my2);
    let vxy = tf.sub(exy, mxy);
    if (o.covNorm !== 1) {
      const s = tf.scalar(o.covNorm);
      vsum = tf.mul(vsum, s);
      vxy = tf.mul(vxy, s);
    }
    const lum = tf.div(tf.add(tf.mul(mxy, tf.scalar(2)), tf.scalar(c1)), tf.add(tf.add(mx2, my2), tf.scalar(c1)));
    const csMap = tf.div(tf.add(tf.mul(vxy, tf.scalar(2)), tf.scalar(c2)), tf.add(vsum, tf.scalar(c2)));
    const ssimMap = tf.mul(lum, csMap);
    return {
      // mean over W then over H: each float32 reduction adds at most max(H, W) terms
      ssim: tf.mean(tf.mean(ssimMap, 2), 1) as Tensor2D,
      cs: tf.mean(tf.mean(csMap, 2), 1) as Tensor2D,
    };
  });
}
