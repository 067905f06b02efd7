/**
 * Image-batch inputs given either as a tensor or as host data (`{ data, shape }`), and
 * their conversion to what a computation needs: a float32 rank-4 tensor (tensor paths)
 * or a rank-4 host view (float64 host loops). The one copy shared by the image metrics.
 * Internal; the types are re-exported by the metrics face.
 */
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';
import { assertRank } from '../validate.js';

/** A host-side image batch: interleaved NHWC (or HWC) values and their shape. */
export interface HostImageData {
  /** pixel values, NHWC order */
  data: Float32Array | Float64Array | Uint8Array | Uint16Array | Uint8ClampedArray | Int32Array;
  /** `[N,H,W,C]` or `[H,W,C]` */
  shape: number[];
}

/** An image batch given either as a tensor (`[N,H,W,C]` / `[H,W,C]`) or as host data. */
export type ImageInput = Tensor | HostImageData;

/** A host image batch with a rank-4 shape (a view of the input where possible, never a copy of host data). */
export interface HostImage {
  data: ArrayLike<number>;
  shape: [number, number, number, number];
}

/**
 * True when `x` is `{ data, shape }` host data (a typed array and a shape array).
 *
 * @example isImageData({ data: new Uint8Array(12), shape: [2, 2, 3] }) // true
 */
export function isImageData(x: unknown): x is HostImageData {
  return x != null && typeof x === 'object' && ArrayBuffer.isView((x as HostImageData).data) && Array.isArray((x as HostImageData).shape);
}

/** Validates host data's shape (rank 3 or 4, as many values as it says) and returns it as rank 4. */
function hostShape(label: string, x: HostImageData): HostImage['shape'] {
  const { data, shape } = x;
  if (shape.length !== 3 && shape.length !== 4) throw new InvalidArgumentError(`${label}.shape`, '[N,H,W,C] or [H,W,C]', shape);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new InvalidArgumentError(`${label}.data`, `${size} values for shape [${shape.join(',')}]`, `${data.length} values`);
  return (shape.length === 3 ? [1, ...shape] : [...shape]) as HostImage['shape'];
}

/**
 * Converts an image input to a float32 `[N,H,W,C]` tensor. `owned` tells whether the
 * tensor was created here (the caller disposes it then); a float32 rank-4 input is
 * returned as is. Integer tensors are cast; host data is copied (as float32).
 *
 * @param label the argument as errors name it, e.g. `'ssim: prediction'`
 * @throws InvalidArgumentError naming `label` (`label.shape`, `label.data`) for a rank other
 *   than 3 or 4, a dtype other than float32/int32, or host data whose size contradicts its shape
 * @example
 * const { t, owned } = toImageTensor('psnr: target', { data: u8, shape: [h, w, 3] });
 * try { … } finally { if (owned) t.dispose(); }
 */
export function toImageTensor(label: string, x: ImageInput): { t: Tensor4D; owned: boolean } {
  if (isImageData(x)) {
    const s4 = hostShape(label, x);
    const f = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data as ArrayLike<number>);
    return { t: tf.tensor4d(f, s4, 'float32'), owned: true };
  }
  assertRank(label, x, [3, 4]);
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new InvalidArgumentError(label, 'a float32 or int32 image tensor', `dtype ${x.dtype}`);
  if (x.rank === 4 && x.dtype === 'float32') return { t: x as Tensor4D, owned: false };
  const t = tf.tidy(() => {
    const f: Tensor = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
    return (x.rank === 3 ? tf.expandDims(f, 0) : tf.clone(f)) as Tensor4D;
  });
  return { t, owned: true };
}

/**
 * Reads an image input into host memory as `{ data, shape: [N,H,W,C] }` for float64 host
 * loops: host data is viewed (not copied), tensors are read with `dataSync`.
 *
 * @param label the argument as errors name it
 * @throws InvalidArgumentError as {@link toImageTensor} for a bad rank or size
 * @example const { data, shape: [n, h, w, c] } = toHostImage('PsnrMetric.update: prediction', x);
 */
export function toHostImage(label: string, x: ImageInput): HostImage {
  if (isImageData(x)) return { data: x.data, shape: hostShape(label, x) };
  assertRank(label, x, [3, 4]);
  const shape = (x.rank === 3 ? [1, ...x.shape] : [...x.shape]) as HostImage['shape'];
  return { data: x.dataSync() as ArrayLike<number>, shape };
}
