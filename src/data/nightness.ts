/**
 * Histogram-based night-image selection from the day→night thesis (§4.2.2.3,
 * eq. 4.1): the score of a pixel is `S = α·R + G + B` with α = 0.5 (red
 * halved because lamps and tail lights are red-dominated); an image is kept
 * when its mean score lies in `(low, high)`, 15 < S < 20 in the thesis.
 */
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { checkOptions } from '../validate.js';
import { assertRange, isRaster, tensorToRaster } from './raster.js';
import type { ImageRaster } from './raster.js';

/** Options of {@link nightnessScore} / {@link nightnessHistogram}. */
export interface NightnessOptions {
  /** weight of the red channel α (default 0.5) */
  alpha?: number;
  /** value range of the input (default `[0,1]`) */
  range?: [number, number];
  /**
   * divide by `α + 2` so the score is on the 0..255 grey-level scale (default
   * true). The thesis does not state its scale; we read its 15..20 band on
   * this normalised scale (a mean grey level of ~6–8 % = a night image). With
   * `false` the raw sum on 0..255 channels is returned (0..637.5).
   */
  normalize?: boolean;
}

/** The keys of {@link NightnessOptions}. @internal */
export const NIGHTNESS_KEYS = ['alpha', 'range', 'normalize'] as const;

/** Per-pixel scores; errors are labelled `<fn>: …`. @internal */
export function pixelScores(fn: string, image: Tensor | ImageRaster, options: NightnessOptions): Float64Array {
  const alpha = options.alpha ?? 0.5;
  if (!(typeof alpha === 'number' && alpha >= 0)) throw new InvalidArgumentError(`${fn}: options.alpha`, 'a number ≥ 0', alpha);
  const range = options.range ?? [0, 1];
  assertRange(`${fn}: options.range`, range);
  const [lo, hi] = range;
  const r = image instanceof tf.Tensor ? tensorToRaster(image, `${fn}: image`) : image;
  if (!isRaster(r) || r.channels < 3) throw new InvalidArgumentError(`${fn}: image`, 'an RGB image (tensor [H,W,3] or raster)', image);
  const k = 255 / (hi - lo);
  const norm = options.normalize === false ? 1 : 1 / (alpha + 2);
  const n = r.height * r.width;
  const c = r.channels;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const R = (r.data[i * c]! - lo) * k;
    const G = (r.data[i * c + 1]! - lo) * k;
    const B = (r.data[i * c + 2]! - lo) * k;
    out[i] = (alpha * R + G + B) * norm;
  }
  return out;
}

/**
 * Mean of `S = α·R + G + B` over the image (channels on the 0..255 scale;
 * normalised by `α + 2` unless `normalize: false`).
 *
 * @example nightnessScore(image) // ≈ 17 for a typical night street image
 */
export function nightnessScore(image: Tensor | ImageRaster, options: NightnessOptions = {}): number {
  return meanOf(pixelScores('nightnessScore', image, checkOptions('nightnessScore', options, NIGHTNESS_KEYS)));
}

/** Mean of the per-pixel scores. @internal */
export function meanOf(s: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i]!;
  return sum / s.length;
}

/** Normalised histogram (sums to 1) of the per-pixel score S over `bins` equal bins of [0, max].
 *
 * @example const h = nightnessHistogram(image, { bins: 64 });
 */
export function nightnessHistogram(image: Tensor | ImageRaster, options: NightnessOptions & { bins?: number } = {}): Float64Array {
  checkOptions('nightnessHistogram', options, [...NIGHTNESS_KEYS, 'bins']);
  const bins = options.bins ?? 256;
  if (!Number.isInteger(bins) || bins < 1) throw new InvalidArgumentError('nightnessHistogram: options.bins', 'a positive integer', bins);
  const s = pixelScores('nightnessHistogram', image, options);
  const max = options.normalize === false ? 255 * ((options.alpha ?? 0.5) + 2) : 255;
  const h = new Float64Array(bins);
  for (let i = 0; i < s.length; i++) h[Math.min(bins - 1, Math.max(0, Math.floor((s[i]! / max) * bins)))]! += 1 / s.length;
  return h;
}
