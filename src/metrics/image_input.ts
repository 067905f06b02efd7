/**
 * Shared input handling of the image metrics: accepts a tensor (`[N,H,W,C]`
 * or `[H,W,C]`) or a plain typed array with a shape, and validates the
 * options every image metric has (`dataRange`).
 */
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';
import { assertNumber, assertRank } from '../validate.js';

/** A host-side image batch: interleaved NHWC (or HWC) values and their shape. */
export interface ImageData {
  /** pixel values, NHWC order */
  data: Float32Array | Float64Array | Uint8Array | Uint16Array | Uint8ClampedArray | Int32Array;
  /** `[N,H,W,C]` or `[H,W,C]` */
  shape: number[];
}

/** An image batch given either as a tensor or as host data. */
export type ImageInput = Tensor | ImageData;

/** True when `x` is a `{ data, shape }` host image. */
export function isImageData(x: unknown): x is ImageData {
  return x != null && typeof x === 'object' && ArrayBuffer.isView((x as ImageData).data) && Array.isArray((x as ImageData).shape);
}

/** Validates `dataRange` (required, positive, finite). */
export function checkDataRange(dataRange: unknown): number {
  if (dataRange === undefined) {
    throw new InvalidArgumentError('options.dataRange', 'a positive number (e.g. 1 for [0,1] images, 255 for uint8, 2 for [-1,1])', undefined, 'dataRange is required: it cannot be guessed from the data');
  }
  assertNumber('options.dataRange', dataRange, { min: 0, exclusiveMin: true });
  return dataRange;
}

/** Converts an image input to a float32 rank-4 tensor (caller disposes when it created it). */
export function toImageTensor(name: string, x: ImageInput): { t: Tensor4D; owned: boolean } {
  if (isImageData(x)) {
    const { data, shape } = x;
    if (shape.length !== 3 && shape.length !== 4) throw new InvalidArgumentError(`${name}.shape`, '[N,H,W,C] or [H,W,C]', shape);
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new InvalidArgumentError(`${name}.data`, `${size} values for shape [${shape.join(',')}]`, `${data.length} values`);
    const f = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
    const s4 = (shape.length === 3 ? [1, ...shape] : shape) as [number, number, number, number];
    return { t: tf.tensor4d(f, s4, 'float32'), owned: true };
  }
  assertRank(name, x, [3, 4]);
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new InvalidArgumentError(name, 'a float32 or int32 image tensor', `dtype ${x.dtype}`);
  if (x.rank === 4 && x.dtype === 'float32') return { t: x as Tensor4D, owned: false };
  const t = tf.tidy(() => {
    const f: Tensor = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
    return (x.rank === 3 ? tf.expandDims(f, 0) : tf.clone(f)) as Tensor4D;
  });
  return { t, owned: true };
}

/** Throws unless the two rank-4 tensors have the same shape. */
export function checkPair(a: Tensor, b: Tensor, nameA = 'a', nameB = 'b'): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new InvalidArgumentError(`${nameA}/${nameB}`, `images of the same shape`, `[${a.shape.join(',')}] and [${b.shape.join(',')}]`);
  }
  if (a.shape.some((d) => d === 0)) throw new InvalidArgumentError(nameA, 'non-empty images', `shape [${a.shape.join(',')}]`);
}
