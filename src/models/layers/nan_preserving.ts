/**
 * ReLU and max pooling that keep NaN on every backend.
 *
 * Why: on the wasm backend (XNNPACK) two kernels lose NaN, so a NaN entering
 * a network (or produced inside it) came out as ordinary, often zero, logits
 * and a finite loss the NaN guard could not see:
 * - `Relu` (and `Relu6`, and the `relu` fused into conv/matMul) clears every
 *   value whose sign bit is set — including a NaN with the sign bit set, which
 *   is the NaN x86 arithmetic produces (0·∞, ∞ − ∞, any op on a NaN). A NaN
 *   through conv → batch norm → ReLU became 0.
 * - `MaxPool` skips NaN in a window and returns −∞ for an all-NaN window.
 * The cpu backend and PyTorch return NaN in both cases; these layers do too.
 */
import { tf, tfl } from '../../tf.js';
import type { Tensor, Tensor4D } from '../../tf.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkLayerArgs } from './layer_args.js';

/**
 * 0 for each pooling window whose inputs are all finite, NaN for a window
 * holding a NaN or ±∞: `avgPool(x·0)·0` (x·0 is NaN exactly at non-finite
 * inputs; the average pool of such a window is NaN or, on wasm, ±∞, and ·0
 * makes both NaN). Its gradient is zero, so it costs nothing in the backward pass.
 */
const nonFiniteWindows = (pool: number, stride: number, pad: 'valid' | 'same') =>
  tf.customGrad(((x: Tensor4D) => {
    // only the shape is kept: x itself may be disposed (tidy) before the backward pass
    const shape = x.shape;
    return {
      value: tf.tidy(() => tf.mul(tf.avgPool(tf.mul(x, 0) as Tensor4D, pool, stride, pad), 0)),
      gradFunc: () => tf.zeros(shape),
    };
  }) as never) as unknown as (x: Tensor4D) => Tensor4D;

/**
 * `tf.maxPool` that returns NaN for any window holding a NaN or ±∞ (as the
 * cpu backend and PyTorch return NaN for NaN windows), on every backend. A
 * window with +∞ gives NaN rather than +∞: both are non-finite, which is what
 * the NaN guard needs to see. The gradient is `tf.maxPool`'s.
 *
 * @example nanMaxPool(x, 2, 2, 'valid'); // [N, H/2, W/2, C]
 */
export function nanMaxPool(x: Tensor4D, pool: number, stride: number, pad: 'valid' | 'same' = 'valid'): Tensor4D {
  return tf.tidy(() => tf.add(tf.maxPool(x, pool, stride, pad), nonFiniteWindows(pool, stride, pad)(x)));
}

/**
 * `relu(x) + x·0`: equal to `tf.relu` for finite values and NaN wherever `x`
 * is NaN (whatever its sign bit) or ±∞ (−∞ gives NaN instead of 0; both
 * non-finite inputs stay visible). Gradient `dy · step(x)`, as `tf.relu`'s.
 *
 * @example nanRelu(tf.tensor1d([-1, NaN, 2])); // [0, NaN, 2]
 */
export const nanRelu = tf.customGrad(((x: Tensor, save: (t: Tensor[]) => void) => {
  save([x]); // kept by the tape for the backward pass (a closure reference could be disposed by then)
  return {
    value: tf.tidy(() => tf.add(tf.relu(x), tf.mul(x, 0))),
    gradFunc: (dy: Tensor, saved: Tensor[]) => tf.mul(dy, tf.step(saved[0]!)),
  };
}) as never) as unknown as <T extends Tensor>(x: T) => T;

/**
 * `tfl.layers.reLU()` that keeps NaN on every backend (see {@link nanRelu});
 * the ReLU of every segaware builder.
 *
 * @example new NanReLU().apply(x);
 */
export class NanReLU extends tfl.layers.Layer {
  static className = 'NanReLU';
  /** Only the base layer options (`name`, `trainable`, …); an unknown key throws. */
  constructor(args: ConstructorParameters<typeof tfl.layers.Layer>[0] = {}) {
    super(checkLayerArgs('NanReLU', args, []));
  }
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return nanRelu(Array.isArray(inputs) ? inputs[0]! : inputs);
  }
}
tf.serialization.registerClass(NanReLU);

/** Options of {@link NanMaxPooling2D}. */
export interface NanMaxPooling2DArgs {
  /** square window size; default 2 */
  poolSize?: number;
  /** stride; default poolSize */
  strides?: number;
  /** 'valid' (default) or 'same' */
  padding?: 'valid' | 'same';
  name?: string;
}

/**
 * `tfl.layers.maxPooling2d` (square window) whose windows holding a NaN or
 * ±∞ give NaN on every backend (see {@link nanMaxPool}); the max pooling of
 * `resnetBackbone`, `fpnSegmenter`, `unet` and `vgg19Features`.
 *
 * @example new NanMaxPooling2D({ poolSize: 3, strides: 2 }).apply(tf.zeros([1, 9, 9, 4])); // [1, 4, 4, 4]
 */
export class NanMaxPooling2D extends tfl.layers.Layer {
  static className = 'NanMaxPooling2D';
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: 'valid' | 'same';
  constructor(args: NanMaxPooling2DArgs = {}) {
    super(checkLayerArgs('NanMaxPooling2D', args, ['poolSize', 'strides', 'padding']));
    this.poolSize = args.poolSize ?? 2;
    this.strides = args.strides ?? this.poolSize;
    this.padding = args.padding ?? 'valid';
    for (const [k, v] of [['poolSize', this.poolSize], ['strides', this.strides]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`NanMaxPooling2D: options.${k}`, 'a positive integer', v);
    }
    if (this.padding !== 'valid' && this.padding !== 'same') throw new InvalidArgumentError('NanMaxPooling2D: options.padding', "'valid' or 'same'", args.padding);
  }
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const o = (d: number | null) =>
      d == null ? null : this.padding === 'same' ? Math.ceil(d / this.strides) : Math.floor((d - this.poolSize) / this.strides) + 1;
    return [s[0]!, o(s[1]!), o(s[2]!), s[3]!];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as Tensor4D;
    return nanMaxPool(x, this.poolSize, this.strides, this.padding);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}
tf.serialization.registerClass(NanMaxPooling2D);
