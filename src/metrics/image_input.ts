/**
 * Shared input handling of the image metrics: accepts a tensor (`[N,H,W,C]`
 * or `[H,W,C]`) or a plain typed array with a shape, and validates the
 * options every image metric has (`dataRange`).
 */
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';
import { assertRank } from '../validate.js';
import { isImageData } from './image_data.js';
import type { ImageData } from './image_data.js';

export { checkDataRange, isImageData } from './image_data.js';
export type { ImageData } from './image_data.js';

/** An image batch given either as a tensor or as host data. */
export type ImageInput = Tensor | ImageData;

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
