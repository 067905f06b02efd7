/**
 * Degradations accept either a tensor (`[H,W,C]` or a batch `[N,H,W,C]`) or a
 * host {@link ImageRaster}, and return the same kind. The work happens on the
 * host in float32; tensors are read once and rebuilt once.
 */
import { InvalidArgumentError } from '../../errors.js';
import { tf } from '../../tf.js';
import type { Tensor } from '../../tf.js';
import { assertFiniteArray } from '../../finite_check.js';
import { assertRange, assertRaster, isRaster } from '../raster.js';
import { assertSeed } from '../../ops/rng.js';
import { checkOptions } from '../../validate.js';
import type { ImageRaster, Raster } from '../raster.js';

/** What a degradation accepts: a float tensor `[H,W,C]` / `[N,H,W,C]` or a float raster. */
export type ImageLike = Tensor | ImageRaster;

/** Options every degradation shares. */
export interface DegradeCommonOptions {
  /** value range of the input and output (default `[0,1]`) */
  range?: [number, number];
  /** seed of the random parts (default 0; a finite number, anything else throws); image n of a batch uses seed + n */
  seed?: number;
}

/** The keys of {@link DegradeCommonOptions}. @internal */
export const DEGRADE_COMMON_KEYS = ['range', 'seed'] as const;

/**
 * Rejects option keys a degradation does not know (its own `keys` plus
 * {@link DEGRADE_COMMON_KEYS}), so `gaussianBlur(x, { sigam: 2 })` fails.
 * @internal
 */
export function checkDegradeOptions<T extends object>(fn: string, options: T | undefined, keys: readonly string[]): T {
  return checkOptions(fn, options, [...keys, ...DEGRADE_COMMON_KEYS]);
}

/**
 * Splits a tensor or raster into `[0,1]` rasters, applies `fn` to each and rebuilds the same kind.
 *
 * @throws InvalidArgumentError naming `<caller>: image` if the image holds NaN/±Inf (images are
 *   data), or `<caller>: options.seed` if the seed is not a finite number.
 */
export function mapImages<T extends ImageLike>(
  caller: string,
  image: T,
  options: DegradeCommonOptions,
  fn: (r: ImageRaster, index: number) => ImageRaster,
): T {
  const name = `${caller}: image`;
  const range = options.range ?? [0, 1];
  assertRange(`${caller}: options.range`, range);
  if (options.seed !== undefined) assertSeed(`${caller}: options.seed`, options.seed);
  const [lo, hi] = range;
  const toUnit = (d: Float32Array): Float32Array => {
    if (lo === 0 && hi === 1) return d;
    const o = new Float32Array(d.length);
    for (let i = 0; i < d.length; i++) o[i] = (d[i]! - lo) / (hi - lo);
    return o;
  };
  const fromUnit = (d: Float32Array): Float32Array => {
    if (lo === 0 && hi === 1) return d;
    for (let i = 0; i < d.length; i++) d[i] = lo + d[i]! * (hi - lo);
    return d;
  };
  if (isRaster(image)) {
    assertRaster(name, image);
    if (!(image.data instanceof Float32Array)) throw new InvalidArgumentError(`${name}.data`, 'a Float32Array image (integer rasters are label maps)', image.data);
    assertFiniteArray(name, image.data);
    const r = fn({ ...image, data: toUnit(image.data) }, 0);
    return { ...r, data: fromUnit(r.data) } as T;
  }
  if (!(image instanceof tf.Tensor)) throw new InvalidArgumentError(name, 'a float tensor [H,W,C] / [N,H,W,C] or a float raster', image);
  const t = image as Tensor;
  if (t.rank !== 3 && t.rank !== 4) throw new InvalidArgumentError(name, 'a rank-3 [H,W,C] or rank-4 [N,H,W,C] tensor', `shape [${t.shape.join(',')}]`);
  if (t.dtype !== 'float32') throw new InvalidArgumentError(name, 'dtype float32', `dtype ${t.dtype}`);
  const [n, h, w, c] = t.rank === 4 ? t.shape : [1, ...t.shape];
  const all = t.dataSync() as Float32Array;
  // the data is on the host already: the check is one pass, and a NaN would otherwise spread (blur) or vanish (clipping)
  assertFiniteArray(name, all);
  const per = h! * w! * c!;
  const out = new Float32Array(all.length);
  for (let k = 0; k < n!; k++) {
    const r = fn({ data: toUnit(all.slice(k * per, (k + 1) * per)), height: h!, width: w!, channels: c! }, k);
    if (r.data.length !== per) throw new InvalidArgumentError(name, 'a degradation that keeps the image size', r.data.length);
    out.set(fromUnit(r.data), k * per);
  }
  return tf.tensor(out, t.shape, 'float32') as T;
}

/**
 * Reads a per-pixel map that accompanies an image (depth: 1 channel; emission:
 * 3 channels) from a raster or a tensor (`[H,W]`, `[H,W,C]`, `[N,H,W]`,
 * `[N,H,W,C]`) into one Float32Array per image, checking the size.
 */
export function perImageMaps(name: string, x: Tensor | Raster, n: number, h: number, w: number, channels: number): Float32Array[] {
  let data: ArrayLike<number>;
  if (isRaster(x)) {
    if (n !== 1 || x.channels !== channels || x.height !== h || x.width !== w) {
      throw new InvalidArgumentError(name, `a ${channels}-channel ${h}×${w} map matching the image`, `${x.height}×${x.width}×${x.channels}`);
    }
    data = x.data;
  } else if (x instanceof tf.Tensor) {
    const s = x.shape;
    const okSize = x.size === n * h * w * channels;
    const okShape = s.length >= 2 && (s.length === 2 ? channels === 1 && n === 1 && s[0] === h && s[1] === w : s.length === 3 ? (n === 1 && s[0] === h && s[1] === w && s[2] === channels) || (channels === 1 && s[0] === n && s[1] === h && s[2] === w) : s[0] === n && s[1] === h && s[2] === w && s[3] === channels);
    if (!okSize || !okShape) throw new InvalidArgumentError(name, `a tensor matching the image (${n}×${h}×${w}×${channels})`, `shape [${s.join(',')}]`);
    data = x.dataSync();
  } else throw new InvalidArgumentError(name, 'a raster or tensor matching the image', x);
  const per = h * w * channels;
  const maps: Float32Array[] = [];
  for (let k = 0; k < n; k++) {
    const m = new Float32Array(per);
    for (let i = 0; i < per; i++) {
      const v = data[k * per + i]!;
      if (!(v >= 0)) throw new InvalidArgumentError(name, 'non-negative finite values', v, `at index ${i} of image ${k}`);
      m[i] = v;
    }
    maps.push(m);
  }
  return maps;
}

/** Image size of a tensor or raster: [n, h, w, c]; errors name `<caller>: image`. */
export function imageSize(caller: string, image: ImageLike): [number, number, number, number] {
  if (isRaster(image)) return [1, image.height, image.width, image.channels];
  if (!(image instanceof tf.Tensor)) throw new InvalidArgumentError(`${caller}: image`, 'a float tensor [H,W,C] / [N,H,W,C] or a float raster', image);
  const s = (image as Tensor).shape;
  if (s.length === 4) return [s[0]!, s[1]!, s[2]!, s[3]!];
  if (s.length === 3) return [1, s[0]!, s[1]!, s[2]!];
  throw new InvalidArgumentError(`${caller}: image`, 'a rank-3 or rank-4 tensor', `shape [${s.join(',')}]`);
}
