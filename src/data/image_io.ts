/**
 * Image file I/O with `sharp` (PNG, JPEG, WebP): raw 8/16-bit rasters,
 * float images for the models, and writing them back. Nothing is resampled
 * here; resizing belongs to the dataset augmentation.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import sharp from 'sharp';
import type { Metadata } from 'sharp';
import { InvalidArgumentError, NotFoundError, SegawareError } from '../errors.js';
import { tf } from '../tf.js';
import type { Tensor, Tensor3D } from '../tf.js';
import { assertOneOf, checkOptions } from '../validate.js';
import { assertRange, assertRaster, isRaster, tensorToRaster } from './raster.js';
import type { ImageRaster, Raster } from './raster.js';

/** An image file that exists but cannot be decoded (truncated, corrupt, not an image).
 *
 * @example try { await readImage(p); } catch (e) { if (e instanceof ImageDecodeError) skip(e.path); }
 */
export class ImageDecodeError extends SegawareError {
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`segaware: cannot decode image ${JSON.stringify(path)}: ${reason} (expected a readable PNG, JPEG or WebP file)`);
    this.path = path;
  }
}

/** A decoded file: 8-bit (`Uint8Array`) or 16-bit (`Uint16Array`) samples. */
export type FileRaster = Raster<Uint8Array> | Raster<Uint16Array>;

function assertFile(fn: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError(`${fn}: path`, 'a file path string', path);
  if (!existsSync(path)) throw new NotFoundError(`segaware: image file not found: ${JSON.stringify(path)}`);
  if (!statSync(path).isFile()) throw new NotFoundError(`segaware: not a file: ${JSON.stringify(path)}`);
}

/** Default {@link ReadRasterOptions.maxPixels}: 2^26 = 67,108,864 pixels (8192 × 8192). */
export const DEFAULT_MAX_PIXELS = 2 ** 26;

/**
 * An image whose header declares more pixels than the reader's limit. Raised
 * from the header alone, before anything is decoded: a 748 KB PNG can
 * declare 16000 × 16000 pixels and take gigabytes once decoded.
 *
 * @example try { await readImage(p); } catch (e) { if (e instanceof ImageTooLargeError) console.log(e.pixels); }
 */
export class ImageTooLargeError extends SegawareError {
  readonly path: string;
  readonly pixels: number;
  readonly maxPixels: number;
  constructor(path: string, width: number, height: number, maxPixels: number) {
    super(
      `segaware: image ${JSON.stringify(path)} is ${width}×${height} = ${(width * height).toLocaleString('en-US')} pixels, ` +
        `above the limit of ${maxPixels.toLocaleString('en-US')} (raise it with options.maxPixels, or --max-pixels on the command line)`,
    );
    this.path = path;
    this.pixels = width * height;
    this.maxPixels = maxPixels;
  }
}

/** Options of {@link readRaster}. */
export interface ReadRasterOptions {
  /**
   * Largest `width · height` decoded (default {@link DEFAULT_MAX_PIXELS}, 8192²);
   * a larger image throws {@link ImageTooLargeError} after reading only its header.
   */
  maxPixels?: number;
}

/** The keys of {@link ReadRasterOptions} (for the unknown-key check). @internal */
export const READ_RASTER_KEYS = ['maxPixels'] as const;

/** The file format sharp detected (from the bytes, not the extension). */
export type DecodedFormat = string;

/**
 * Validates `options.maxPixels`; errors are labelled `<fn>: options.maxPixels`
 * (plain `options.maxPixels` without `fn`, for callers such as the CLI). @internal
 */
export function maxPixelsOption(options: ReadRasterOptions | undefined, fn?: string): number {
  const max = options?.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (typeof max !== 'number' || !(max >= 1) || !(Number.isInteger(max) || max === Infinity)) {
    throw new InvalidArgumentError(fn ? `${fn}: options.maxPixels` : 'options.maxPixels', 'a positive integer (or Infinity)', max);
  }
  return max;
}

/**
 * {@link readRaster} plus the detected format, without the unknown-key check
 * (callers pass their own, larger options); errors are labelled with `fn`. @internal
 */
export async function readRasterWithFormat(path: string, options: ReadRasterOptions = {}, fn = 'readRaster'): Promise<{ raster: FileRaster; format: DecodedFormat }> {
  assertFile(fn, path);
  const maxPixels = maxPixelsOption(options, fn);
  let meta: Metadata;
  const img = sharp(path, { failOn: 'error', limitInputPixels: false });
  try {
    meta = await img.metadata();
  } catch (e) {
    throw new ImageDecodeError(path, (e as Error).message);
  }
  if (meta.width !== undefined && meta.height !== undefined && meta.width * meta.height > maxPixels) {
    throw new ImageTooLargeError(path, meta.width, meta.height, maxPixels);
  }
  try {
    const sixteen = meta.depth === 'ushort';
    const grey = meta.space === 'b-w' || meta.space === 'grey16';
    const space = grey ? (sixteen ? 'grey16' : 'b-w') : sixteen ? 'rgb16' : 'srgb';
    const { data, info } = await img
      .toColourspace(space)
      .raw(sixteen ? { depth: 'ushort' } : {})
      .toBuffer({ resolveWithObject: true });
    const samples = sixteen
      ? new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length))
      : new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
    return { raster: { data: samples, height: info.height, width: info.width, channels: info.channels } as FileRaster, format: meta.format ?? 'unknown' };
  } catch (e) {
    throw new ImageDecodeError(path, (e as Error).message);
  }
}

/**
 * Reads an image file without any colour conversion or resampling and returns
 * its samples as stored: `Uint8Array` for 8-bit files, `Uint16Array` for
 * 16-bit PNGs, with the file's channel count (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA).
 * Truncated or corrupt files throw {@link ImageDecodeError}; missing files {@link NotFoundError};
 * images above `options.maxPixels` (default 8192², checked from the header) {@link ImageTooLargeError}.
 *
 * @example const { data, height, width, channels } = await readRaster('gtFine/x_instanceIds.png'); // Uint16Array
 */
export async function readRaster(path: string, options: ReadRasterOptions = {}): Promise<FileRaster> {
  checkOptions('readRaster', options, READ_RASTER_KEYS);
  return (await readRasterWithFormat(path, options, 'readRaster')).raster;
}

/** Options of {@link readImage} / {@link readImageRaster}. */
export interface ReadImageOptions extends ReadRasterOptions {
  /** value range of the returned floats: `[0,1]` (default) or e.g. `[-1,1]` for tanh generators */
  range?: [number, number];
}

/** The keys of {@link ReadImageOptions}. @internal */
export const READ_IMAGE_KEYS = [...READ_RASTER_KEYS, 'range'] as const;

/** {@link readImageRaster} after the key check; errors are labelled with `fn`. */
async function decodeImageRaster(fn: string, path: string, options: ReadImageOptions): Promise<ImageRaster> {
  const range = options.range ?? [0, 1];
  assertRange(`${fn}: options.range`, range);
  const { raster: r } = await readRasterWithFormat(path, options, fn);
  const scale = r.data instanceof Uint16Array ? 1 / 65535 : 1 / 255;
  const n = r.height * r.width;
  const out = new Float32Array(n * 3);
  const c = r.channels;
  const src = r.data;
  if (c >= 3) {
    for (let i = 0; i < n; i++) {
      out[i * 3] = src[i * c]! * scale;
      out[i * 3 + 1] = src[i * c + 1]! * scale;
      out[i * 3 + 2] = src[i * c + 2]! * scale;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = src[i * c]! * scale;
      out[i * 3] = v;
      out[i * 3 + 1] = v;
      out[i * 3 + 2] = v;
    }
  }
  const [lo, hi] = range;
  if (lo !== 0 || hi !== 1) for (let i = 0; i < out.length; i++) out[i] = lo + out[i]! * (hi - lo);
  return { data: out, height: r.height, width: r.width, channels: 3 };
}

/**
 * Reads an image file as a float RGB raster in `range` (default `[0,1]`):
 * 8-bit samples are divided by 255, 16-bit by 65535; grey files are expanded
 * to three channels and alpha is dropped. Images above `options.maxPixels`
 * (default 8192²) throw {@link ImageTooLargeError} before decoding.
 *
 * @example const img = await readImageRaster('a/0001.png'); // { data: Float32Array, height, width, channels: 3 }
 */
export async function readImageRaster(path: string, options: ReadImageOptions = {}): Promise<ImageRaster> {
  return decodeImageRaster('readImageRaster', path, checkOptions('readImageRaster', options, READ_IMAGE_KEYS));
}

/**
 * Reads an image file as a float32 tensor `[H,W,3]` with values in `range`
 * (default `[0,1]`; `[-1,1]` for generator inputs). PNG (8/16-bit), JPEG, WebP.
 *
 * @example const x = await readImage('leftImg8bit/val/x.png', { range: [-1, 1] }); // Tensor3D [H,W,3]
 */
export async function readImage(path: string, options: ReadImageOptions = {}): Promise<Tensor3D> {
  const r = await decodeImageRaster('readImage', path, checkOptions('readImage', options, READ_IMAGE_KEYS));
  return tf.tensor3d(r.data, [r.height, r.width, 3], 'float32');
}

/** Options of {@link writeImage}. */
export interface WriteImageOptions {
  /** value range of float input (default `[0,1]`) */
  range?: [number, number];
  /**
   * clamp float values outside `range` to it (default false: such values throw an
   * {@link InvalidArgumentError} naming the range found and the one expected, since
   * clamping silently hides a wrong range, e.g. a `[-1,1]` image written as `[0,1]`)
   */
  clip?: boolean;
  /** PNG sample depth: 8 (default) or 16 */
  bitDepth?: 8 | 16;
  /** JPEG/WebP quality 1..100 (default 95) */
  quality?: number;
}

/** The keys of {@link WriteImageOptions}. @internal */
export const WRITE_IMAGE_KEYS = ['range', 'clip', 'bitDepth', 'quality'] as const;

/** Image file formats segaware writes. */
export type ImageFormat = 'png' | 'jpeg' | 'webp';
type Format = ImageFormat;
const FORMATS: readonly Format[] = ['png', 'jpeg', 'webp'];
function formatOf(fn: string, path: string): Format {
  const ext = extname(path).toLowerCase();
  if (ext === '.png') return 'png';
  if (ext === '.jpg' || ext === '.jpeg') return 'jpeg';
  if (ext === '.webp') return 'webp';
  throw new InvalidArgumentError(`${fn}: path`, 'a file name ending in .png, .jpg, .jpeg or .webp', path);
}

/**
 * Encodes a raster with `sharp` into a buffer of the given format (`png`,
 * `jpeg`, `webp`). Integer rasters are written as stored (Uint16Array → 16-bit
 * PNG); float rasters are quantised from `range` with rounding.
 *
 * @throws InvalidArgumentError for NaN/±Inf, or float values outside `range` unless `clip: true`.
 *
 * @example const png = await encodeRaster(raster, 'png');
 */
export async function encodeRaster(
  image: Raster,
  format: Format,
  options: WriteImageOptions = {},
): Promise<Buffer> {
  return encodeRasterAs('encodeRaster', image, format, checkOptions('encodeRaster', options, WRITE_IMAGE_KEYS));
}

/**
 * {@link encodeRaster} without the unknown-key check, its errors labelled
 * `<fn>: …` (writeImage, writeLabelMap and jpegCompress encode through it). @internal
 */
export async function encodeRasterAs(fn: string, image: Raster, format: Format, options: WriteImageOptions): Promise<Buffer> {
  assertRaster(`${fn}: image`, image, [1, 2, 3, 4]);
  assertOneOf(`${fn}: format`, format, FORMATS);
  const bitDepth = options.bitDepth ?? (image.data instanceof Uint16Array ? 16 : 8);
  if (bitDepth !== 8 && bitDepth !== 16) throw new InvalidArgumentError(`${fn}: options.bitDepth`, '8 or 16', bitDepth);
  if (bitDepth === 16 && format !== 'png') throw new InvalidArgumentError(`${fn}: options.bitDepth`, `8 for ${format} files (16-bit needs PNG)`, bitDepth);
  const quality = options.quality ?? 95;
  if (!(Number.isInteger(quality) && quality >= 1 && quality <= 100)) throw new InvalidArgumentError(`${fn}: options.quality`, 'an integer in [1, 100]', quality);
  const { height, width, channels } = image;
  let samples: Uint8Array | Uint16Array;
  if (image.data instanceof Float32Array) {
    const range = options.range ?? [0, 1];
    assertRange(`${fn}: options.range`, range);
    const max = bitDepth === 16 ? 65535 : 255;
    const [lo, hi] = range;
    const s = max / (hi - lo);
    samples = bitDepth === 16 ? new Uint16Array(image.data.length) : new Uint8Array(image.data.length);
    const src = image.data;
    const clip = options.clip ?? false;
    if (typeof clip !== 'boolean') throw new InvalidArgumentError(`${fn}: options.clip`, 'a boolean', clip);
    let min = Infinity;
    let maxV = -Infinity;
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      if (v - v !== 0) throw new InvalidArgumentError(`${fn}: image`, 'finite pixel values', v, `at index ${i}`);
      if (v < min) min = v;
      if (v > maxV) maxV = v;
    }
    // half a quantisation step of float32 rounding is not "out of range"
    const tol = (hi - lo) * 1e-6;
    if (!clip && (min < lo - tol || maxV > hi + tol)) {
      throw new InvalidArgumentError(
        `${fn}: image`,
        `values in options.range [${lo}, ${hi}]`,
        `values in [${min}, ${maxV}]`,
        min >= -1 - tol && maxV <= 1 + tol && lo === 0 ? 'pass range: [-1, 1] for tanh outputs' : 'pass the range the values are in, or clip: true to clamp them',
      );
    }
    for (let i = 0; i < src.length; i++) {
      const q = Math.round((src[i]! - lo) * s);
      samples[i] = q < 0 ? 0 : q > max ? max : q;
    }
  } else if (bitDepth === 8 && image.data instanceof Uint8Array) {
    samples = image.data;
  } else {
    const max = bitDepth === 16 ? 65535 : 255;
    samples = bitDepth === 16 ? new Uint16Array(image.data.length) : new Uint8Array(image.data.length);
    const src = image.data;
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      if (v < 0 || v > max) throw new InvalidArgumentError(`${fn}: image`, `integer samples in [0, ${max}] for a ${bitDepth}-bit file`, v, `at index ${i}`);
      samples[i] = v;
    }
  }
  let s = sharp(samples, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } });
  if (format === 'png') {
    if (bitDepth === 16) s = s.toColourspace(channels <= 2 ? 'grey16' : 'rgb16');
    else if (channels <= 2) s = s.toColourspace('b-w');
    return s.png({ compressionLevel: 6 }).toBuffer();
  }
  if (format === 'jpeg') return s.jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
  return s.webp({ quality }).toBuffer();
}

function toRaster(image: Tensor | Raster): Raster {
  if (isRaster(image)) return image;
  if (image instanceof tf.Tensor) {
    if (image.dtype !== 'float32' && image.dtype !== 'int32') throw new InvalidArgumentError('writeImage: image', 'a float32 or int32 tensor', `dtype ${image.dtype}`);
    return tensorToRaster(image, 'writeImage: image'); // int32 samples are range-checked when encoded
  }
  throw new InvalidArgumentError('writeImage: image', 'a tf.Tensor [H,W,C] / [1,H,W,C] or a raster { data, height, width, channels }', image);
}

/**
 * Writes an image: a float tensor `[H,W,C]` or `[1,H,W,C]` (C = 1, 3, 4) or a
 * raster. Float values are mapped from `range` (default `[0,1]`) and
 * rounded to 8 bits (or 16 with `bitDepth: 16`, PNG only). The format follows
 * the extension (`.png`, `.jpg`, `.webp`). Parent folders are created.
 * Values outside `range` throw (naming the range found and the one expected)
 * unless `clip: true` clamps them.
 *
 * @example await writeImage('out/restored.png', restored, { range: [-1, 1] });
 */
export async function writeImage(path: string, image: Tensor | Raster, options: WriteImageOptions = {}): Promise<void> {
  checkOptions('writeImage', options, WRITE_IMAGE_KEYS);
  if (typeof path !== 'string' || !path) throw new InvalidArgumentError('writeImage: path', 'a file path string', path);
  const format = formatOf('writeImage', path);
  const raster = toRaster(image);
  const buf = await encodeRasterAs('writeImage', raster, format, options);
  mkdirSync(dirname(path), { recursive: true });
  await writeFile(path, buf);
}
