/**
 * Reads an image input (tensor or `{data, shape}`) into host memory as `{ data, shape: [N,H,W,C] }`.
 */
import { InvalidArgumentError } from '../errors.js';
import { assertRank } from '../validate.js';
import { isImageData } from './image_data.js';
import type { ImageData } from './image_data.js';
import type { Tensor } from '../tf.js';

type ImageInput = Tensor | ImageData;

/** Host copy (or view) of an image batch with a rank-4 shape. */
export interface HostImage {
  data: ArrayLike<number>;
  shape: [number, number, number, number];
}

/** Returns host data of `x` (tensors are read with `dataSync`). */
export function toHostImage(name: string, x: ImageInput): HostImage {
  if (isImageData(x)) {
    const { data, shape } = x;
    if (shape.length !== 3 && shape.length !== 4) throw new InvalidArgumentError(`${name}.shape`, '[N,H,W,C] or [H,W,C]', shape);
    const size = shape.reduce((p, q) => p * q, 1);
    if (size !== data.length) throw new InvalidArgumentError(`${name}.data`, `${size} values for shape [${shape.join(',')}]`, `${data.length} values`);
    return { data, shape: (shape.length === 3 ? [1, ...shape] : [...shape]) as HostImage['shape'] };
  }
  assertRank(name, x, [3, 4]);
  const shape = (x.rank === 3 ? [1, ...x.shape] : [...x.shape]) as HostImage['shape'];
  return { data: x.dataSync() as ArrayLike<number>, shape };
}
