/**
 * Host-side rasters: the plain typed-array images that the data pipeline,
 * the synthetic generator and the degradations work on before anything
 * becomes a tensor. Row-major, interleaved channels (`HWC`), like the NHWC
 * tensors they turn into.
 */
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';

/** Any typed array a raster can hold. */
export type RasterData = Float32Array | Uint8Array | Uint16Array | Int32Array;

/**
 * A row-major interleaved image on the host: `data[(y·width + x)·channels + c]`.
 *
 * @example const r: Raster<Float32Array> = { data: new Float32Array(2 * 3 * 3), height: 2, width: 3, channels: 3 };
 */
export interface Raster<T extends RasterData = RasterData> {
  data: T;
  height: number;
  width: number;
  channels: number;
}

/** A float image raster, values in `[0,1]` unless stated otherwise. */
export type ImageRaster = Raster<Float32Array>;

/** Allocates a zero raster of the given size with the typed-array constructor given (default Float32Array). */
export function createRaster<T extends RasterData = Float32Array>(
  height: number,
  width: number,
  channels: number,
  ctor: { new (n: number): T } = Float32Array as unknown as { new (n: number): T },
): Raster<T> {
  return { data: new ctor(height * width * channels), height, width, channels };
}

/** True when `x` looks like a {@link Raster} (typed array + consistent size).
 *
 * @example isRaster({ data: new Float32Array(3), height: 1, width: 1, channels: 3 }) // true
 */
export function isRaster(x: unknown): x is Raster {
  const r = x as Raster | undefined;
  return (
    r != null &&
    typeof r === 'object' &&
    ArrayBuffer.isView(r.data) &&
    Number.isInteger(r.height) &&
    Number.isInteger(r.width) &&
    Number.isInteger(r.channels)
  );
}

/** Throws unless `x` is a raster whose data length equals `height·width·channels`.
 *
 * @example assertRaster('image', r, 3);
 */
export function assertRaster(name: string, x: unknown, channels?: number | number[]): asserts x is Raster {
  if (!isRaster(x)) throw new InvalidArgumentError(name, 'a raster { data, height, width, channels }', x);
  if (x.height <= 0 || x.width <= 0 || x.channels <= 0 || x.data.length !== x.height * x.width * x.channels) {
    throw new InvalidArgumentError(
      name,
      'data.length = height·width·channels with positive sizes',
      `data.length ${x.data.length} for ${x.height}×${x.width}×${x.channels}`,
    );
  }
  if (channels !== undefined) {
    const list = Array.isArray(channels) ? channels : [channels];
    if (!list.includes(x.channels)) throw new InvalidArgumentError(`${name}.channels`, `one of ${list.join(', ')}`, x.channels);
  }
}

/** Converts a float raster to a `[H,W,C]` float32 tensor (or int32 for integer rasters).
 *
 * @example const t = rasterToTensor(scene.image); // [H,W,3] float32
 */
export function rasterToTensor(r: Raster): Tensor {
  assertRaster('rasterToTensor: raster', r);
  const dtype = r.data instanceof Float32Array ? 'float32' : 'int32';
  const values = dtype === 'float32' ? r.data : Int32Array.from(r.data as ArrayLike<number>);
  return tf.tensor3d(values as Float32Array | Int32Array, [r.height, r.width, r.channels], dtype);
}

/** The `[H,W,C]` a `[H,W,C]`, `[1,H,W,C]` or `[H,W]` tensor is read as (one image only). */
function rasterShape(t: Tensor, name: string): [number, number, number] {
  if (!(t instanceof tf.Tensor)) throw new InvalidArgumentError(name, 'a tf.Tensor [H,W,C], [1,H,W,C] or [H,W]', t);
  let shape = t.shape;
  if (shape.length === 4) {
    if (shape[0] !== 1) throw new InvalidArgumentError(name, 'a single image ([H,W,C] or [1,H,W,C])', `shape [${shape.join(',')}]`);
    shape = shape.slice(1);
  }
  if (shape.length === 2) shape = [shape[0]!, shape[1]!, 1];
  if (shape.length !== 3) throw new InvalidArgumentError(name, 'a rank-2, 3 or 4 tensor', `shape [${t.shape.join(',')}]`);
  return [shape[0]!, shape[1]!, shape[2]!];
}

/** A raster owning a copy of a tensor's values (float32 stays float32, ints become Int32Array). */
function rasterOf(t: Tensor, raw: ArrayLike<number>, [height, width, channels]: [number, number, number]): Raster {
  const data = t.dtype === 'float32' ? Float32Array.from(raw as Float32Array) : Int32Array.from(raw as Int32Array);
  return { data, height, width, channels };
}

/**
 * Reads a `[H,W,C]`, `[1,H,W,C]` or `[H,W]` tensor into a host raster (float32 for float
 * tensors, Int32Array for int tensors).
 *
 * @example const r = tensorToRaster(image); // { data, height, width, channels }
 */
export function tensorToRaster(t: Tensor, name = 'tensorToRaster: image'): Raster {
  const shape = rasterShape(t, name);
  return rasterOf(t, t.dataSync(), shape);
}

/**
 * {@link tensorToRaster} with an asynchronous read: the form for GPU backends, where a
 * synchronous read stalls the device (and does not work at all on webgpu in Node).
 *
 * @example const r = await tensorToRasterAsync(image);
 */
export async function tensorToRasterAsync(t: Tensor, name = 'tensorToRasterAsync: image'): Promise<Raster> {
  const shape = rasterShape(t, name);
  return rasterOf(t, await t.data(), shape);
}

/** Maps a value range `[lo,hi]` to `[0,1]` in place (`(v − lo)/(hi − lo)`).
 *
 * @example normalizeRange(data, [-1, 1]); // now in [0,1]
 */
export function normalizeRange(data: Float32Array, range: readonly [number, number]): Float32Array {
  const [lo, hi] = range;
  if (lo === 0 && hi === 1) return data;
  const s = 1 / (hi - lo);
  for (let i = 0; i < data.length; i++) data[i] = (data[i]! - lo) * s;
  return data;
}

/** Maps `[0,1]` to a value range `[lo,hi]` in place (`lo + v·(hi − lo)`).
 *
 * @example denormalizeRange(data, [-1, 1]); // now in [-1,1]
 */
export function denormalizeRange(data: Float32Array, range: readonly [number, number]): Float32Array {
  const [lo, hi] = range;
  if (lo === 0 && hi === 1) return data;
  const s = hi - lo;
  for (let i = 0; i < data.length; i++) data[i] = lo + data[i]! * s;
  return data;
}

/** Validates an option `range` as two finite numbers lo < hi.
 *
 * @example assertRange('options.range', [-1, 1]);
 */
export function assertRange(name: string, range: unknown): asserts range is [number, number] {
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    !range.every((v) => typeof v === 'number' && Number.isFinite(v)) ||
    !(range[0] < range[1])
  ) {
    throw new InvalidArgumentError(name, 'a value range [lo, hi] with lo < hi, e.g. [0, 1] or [-1, 1]', range);
  }
}
