/**
 * Host image data (`{ data, shape }`) and the `dataRange` check shared by the image
 * metrics; free of tfjs so worker threads can load it.
 */
import { InvalidArgumentError } from '../errors.js';
import { assertNumber } from '../validate.js';

/** A host-side image batch: interleaved NHWC (or HWC) values and their shape. */
export interface ImageData {
  /** pixel values, NHWC order */
  data: Float32Array | Float64Array | Uint8Array | Uint16Array | Uint8ClampedArray | Int32Array;
  /** `[N,H,W,C]` or `[H,W,C]` */
  shape: number[];
}

/**
 * True when `x` is a `{ data, shape }` host image.
 *
 * @example isImageData({ data: new Uint8Array(12), shape: [2, 2, 3] }) // true
 */
export function isImageData(x: unknown): x is ImageData {
  return x != null && typeof x === 'object' && ArrayBuffer.isView((x as ImageData).data) && Array.isArray((x as ImageData).shape);
}

/**
 * Validates `dataRange` (required, positive, finite) and returns it.
 *
 * @example checkDataRange(255) // 255; checkDataRange(undefined) throws InvalidArgumentError
 */
export function checkDataRange(dataRange: unknown): number {
  if (dataRange === undefined) {
    throw new InvalidArgumentError('options.dataRange', 'a positive number (e.g. 1 for [0,1] images, 255 for uint8, 2 for [-1,1])', undefined, 'dataRange is required: it cannot be guessed from the data');
  }
  assertNumber('options.dataRange', dataRange, { min: 0, exclusiveMin: true });
  return dataRange;
}
