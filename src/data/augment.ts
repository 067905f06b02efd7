/**
 * Host-side geometric augmentation shared by every dataset: resize, crop and
 * horizontal flip applied identically to all fields of a sample. Float
 * fields (images) are resized bilinearly; integer fields (labels, instance
 * ids) and `depth` with nearest neighbour, so no label value is ever invented.
 */
import { InvalidArgumentError } from '../errors.js';
import { assertRaster } from './raster.js';
import type { Raster, RasterData } from './raster.js';

/** Resizes a raster to `height × width` (half-pixel centres, like `tf.image.resize*` with `halfPixelCenters`).
 *
 * @throws InvalidArgumentError if `height`/`width` are not positive integers, or `method` is not `'bilinear'`/`'nearest'`.
 *
 * @example const small = resizeRaster(labels, 128, 256, 'nearest');
 */
export function resizeRaster<T extends RasterData>(r: Raster<T>, height: number, width: number, method: 'bilinear' | 'nearest'): Raster<T> {
  assertRaster('resizeRaster: raster', r);
  for (const [name, v] of [['height', height], ['width', width]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`resizeRaster: ${name}`, 'a positive integer', v);
  }
  // only these two exist; anything else (e.g. 'cubic', 'area') used to run bilinear silently
  if (method !== 'bilinear' && method !== 'nearest') throw new InvalidArgumentError('resizeRaster: method', "'bilinear' or 'nearest' (no other interpolation is implemented)", method);
  if (r.height === height && r.width === width) return r;
  const { channels: c, height: H, width: W } = r;
  const src = r.data;
  const out = new (src.constructor as { new (n: number): T })(height * width * c);
  const sy = H / height;
  const sx = W / width;
  if (method === 'nearest') {
    const xs = new Int32Array(width);
    for (let x = 0; x < width; x++) xs[x] = Math.min(W - 1, Math.floor((x + 0.5) * sx));
    for (let y = 0; y < height; y++) {
      const yy = Math.min(H - 1, Math.floor((y + 0.5) * sy));
      for (let x = 0; x < width; x++) {
        const si = (yy * W + xs[x]!) * c;
        const di = (y * width + x) * c;
        for (let k = 0; k < c; k++) out[di + k] = src[si + k]!;
      }
    }
    return { data: out, height, width, channels: c };
  }
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(H - 1, Math.floor(fy));
    const y1 = Math.min(H - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.min(W - 1, Math.floor(fx));
      const x1 = Math.min(W - 1, x0 + 1);
      const wx = fx - x0;
      const a = (y0 * W + x0) * c, b = (y0 * W + x1) * c, d = (y1 * W + x0) * c, e = (y1 * W + x1) * c;
      const di = (y * width + x) * c;
      for (let k = 0; k < c; k++) {
        const top = src[a + k]! + (src[b + k]! - src[a + k]!) * wx;
        const bot = src[d + k]! + (src[e + k]! - src[d + k]!) * wx;
        out[di + k] = top + (bot - top) * wy;
      }
    }
  }
  return { data: out, height, width, channels: c };
}

/** Crops `height × width` starting at (top, left).
 *
 * @example const patch = cropRaster(image, 10, 20, 64, 64);
 */
export function cropRaster<T extends RasterData>(r: Raster<T>, top: number, left: number, height: number, width: number): Raster<T> {
  assertRaster('cropRaster: raster', r);
  for (const [name, v, min] of [['top', top, 0], ['left', left, 0], ['height', height, 1], ['width', width, 1]] as const) {
    if (!Number.isInteger(v) || v < min) throw new InvalidArgumentError(`cropRaster: ${name}`, `an integer ≥ ${min}`, v);
  }
  if (top + height > r.height || left + width > r.width) {
    throw new InvalidArgumentError('cropRaster: top/left/height/width', `a window inside the ${r.height}×${r.width} image`, `${height}×${width} at (${top}, ${left})`);
  }
  if (top === 0 && left === 0 && height === r.height && width === r.width) return r;
  const c = r.channels;
  const out = new (r.data.constructor as { new (n: number): T })(height * width * c);
  for (let y = 0; y < height; y++) {
    const s = ((top + y) * r.width + left) * c;
    out.set(r.data.subarray(s, s + width * c) as never, y * width * c);
  }
  return { data: out, height, width, channels: c };
}

/** Mirrors a raster left–right.
 *
 * @example const mirrored = flipRaster(image);
 */
export function flipRaster<T extends RasterData>(r: Raster<T>): Raster<T> {
  assertRaster('flipRaster: raster', r);
  const { height, width, channels: c } = r;
  const out = new (r.data.constructor as { new (n: number): T })(r.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * c;
      const d = (y * width + (width - 1 - x)) * c;
      for (let k = 0; k < c; k++) out[d + k] = r.data[s + k]!;
    }
  }
  return { data: out, height, width, channels: c };
}

/** Whether a field is resampled with nearest neighbour (integer data or depth).
 *
 * @example isNearestField('labels', labels) // true
 */
export function isNearestField(name: string, r: Raster): boolean {
  return !(r.data instanceof Float32Array) || name === 'depth';
}

/** One sample's augmentation decision. */
export interface AugmentPlan {
  resize?: [number, number];
  crop?: [number, number];
  /** uniform numbers in [0,1) choosing the crop position */
  cropU: [number, number];
  flip: boolean;
}

/**
 * Applies resize → crop → flip identically to every raster field of a sample.
 * Throws if the fields of the sample disagree in height/width.
 *
 * @example const out = augmentFields('x', { image, labels }, { crop: [64, 64], cropU: [0.5, 0.5], flip: true });
 */
export function augmentFields(name: string, fields: Record<string, Raster>, plan: AugmentPlan): Record<string, Raster> {
  const keys = Object.keys(fields);
  const first = fields[keys[0]!]!;
  for (const k of keys) {
    const r = fields[k]!;
    if (r.height !== first.height || r.width !== first.width) {
      throw new InvalidArgumentError(
        `sample ${JSON.stringify(name)}`,
        'every field with the same height and width',
        `${keys[0]} ${first.height}×${first.width} but ${k} ${r.height}×${r.width}`,
      );
    }
  }
  let H = first.height;
  let W = first.width;
  if (plan.resize) [H, W] = plan.resize;
  let top = 0;
  let left = 0;
  let ch = H;
  let cw = W;
  if (plan.crop) {
    [ch, cw] = plan.crop;
    if (ch > H || cw > W) throw new InvalidArgumentError('options.crop', `at most the ${plan.resize ? 'resized ' : ''}image size ${H}×${W}`, `${ch}×${cw}`, `sample ${name}`);
    top = Math.floor(plan.cropU[0] * (H - ch + 1));
    left = Math.floor(plan.cropU[1] * (W - cw + 1));
  }
  const out: Record<string, Raster> = {};
  for (const k of keys) {
    let r = fields[k]!;
    if (plan.resize) r = resizeRaster(r, H, W, isNearestField(k, r) ? 'nearest' : 'bilinear');
    if (plan.crop) r = cropRaster(r, top, left, ch, cw);
    if (plan.flip) r = flipRaster(r);
    out[k] = r;
  }
  return out;
}
