/** Fog by Koschmieder's law (the Foggy Cityscapes model). */
import { InvalidArgumentError } from '../../errors.js';
import type { Tensor } from '../../tf.js';
import { assertNumber } from '../../validate.js';
import type { Raster } from '../raster.js';
import { checkDegradeOptions, imageSize, mapImages, perImageMaps } from './image_like.js';
import type { DegradeCommonOptions, ImageLike } from './image_like.js';

/** Options of {@link addFog}. */
export interface FogOptions extends DegradeCommonOptions {
  /** attenuation coefficient β in 1/m (Foggy Cityscapes: 0.005, 0.01, 0.02); default 0.01 */
  beta?: number;
  /** atmospheric light A on the `[0,1]` scale: one value or per channel [r,g,b], each in [0, 1]; default 0.9 */
  airlight?: number | [number, number, number];
}

/**
 * Adds homogeneous fog with Koschmieder's law: `I = J·t + A·(1 − t)`,
 * `t = exp(−β·d)`, with `J` the clear image, `d` the distance to the camera
 * in metres (a `[H,W]` map per image), `β` the attenuation coefficient and
 * `A` the atmospheric light (Sakaridis et al., Foggy Cityscapes). Works on the
 * `[0,1]` scale (the input is mapped from `range`).
 *
 * @throws InvalidArgumentError for `options.beta` < 0, `options.airlight` outside [0, 1], a NaN/±Inf image or a negative depth.
 * @example const foggy = addFog(scene.image, scene.depth, { beta: 0.02, airlight: 0.9 });
 */
export function addFog<T extends ImageLike>(image: T, depth: Tensor | Raster, options: FogOptions = {}): T {
  checkDegradeOptions('addFog', options, ['beta', 'airlight']);
  const beta = options.beta ?? 0.01;
  assertNumber('addFog: options.beta', beta, { min: 0 });
  const A = options.airlight ?? 0.9;
  const air = typeof A === 'number' ? [A, A, A] : A;
  // A > 1 would push fogged pixels above 1 (out of the image range) without a word
  if (!Array.isArray(air) || air.length !== 3 || !air.every((v) => typeof v === 'number' && v >= 0 && v <= 1)) {
    throw new InvalidArgumentError('addFog: options.airlight', 'a number or [r, g, b] in [0, 1] (the [0,1] scale)', A);
  }
  const [n, h, w] = imageSize('addFog', image);
  const maps = perImageMaps('addFog: depth', depth, n, h, w, 1);
  return mapImages('addFog', image, options, (r, k) => {
    const d = maps[k]!;
    const C = r.channels;
    const out = new Float32Array(r.data.length);
    for (let i = 0; i < h * w; i++) {
      const t = Math.exp(-beta * d[i]!);
      for (let c = 0; c < C; c++) out[i * C + c] = r.data[i * C + c]! * t + air[Math.min(c, 2)]! * (1 - t);
    }
    return { ...r, data: out };
  });
}
