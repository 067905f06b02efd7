/**
 * 3×3 stride-2 average pooling with zero padding excluded from the count
 * (`nn.AvgPool2d(3, 2, padding=1, count_include_pad=False)`), the downsampling
 * between the scales of UNIT's multi-scale discriminator.
 */
import { tf, tfl } from '../../tf.js';
import type { Tensor } from '../../tf.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkLayerArgs } from './layer_args.js';

/** Options of {@link ExclusiveAvgPool2D}. */
export interface ExclusiveAvgPool2DArgs {
  /** window size k; default 3 */
  poolSize?: number;
  /** stride; default 2 */
  strides?: number;
  /** symmetric zero padding p (not counted); default 1 */
  padding?: number;
  name?: string;
}

/**
 * `y = Σ_window x / #(window ∩ image)` over a `k×k` window with stride `s`
 * on the input padded by `p` on every side; output `floor((H + 2p − k)/s) + 1`.
 * Unlike tfjs `'same'` pooling, the padding is placed as torch places it.
 *
 * @example
 * new ExclusiveAvgPool2D().apply(tf.ones([1, 8, 8, 3])); // [1, 4, 4, 3] of ones
 */
export class ExclusiveAvgPool2D extends tfl.layers.Layer {
  static className = 'ExclusiveAvgPool2D';
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: number;
  constructor(args: ExclusiveAvgPool2DArgs = {}) {
    super(checkLayerArgs('ExclusiveAvgPool2D', args, ['poolSize', 'strides', 'padding']));
    this.poolSize = args.poolSize ?? 3;
    this.strides = args.strides ?? 2;
    this.padding = args.padding ?? 1;
    for (const [k, v] of [['poolSize', this.poolSize], ['strides', this.strides]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`ExclusiveAvgPool2D: options.${k}`, 'a positive integer', v);
    }
    if (!Number.isInteger(this.padding) || this.padding < 0 || this.padding >= this.poolSize) {
      throw new InvalidArgumentError('ExclusiveAvgPool2D: options.padding', `an integer in [0, ${this.poolSize})`, args.padding);
    }
  }
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const o = (d: number | null) => (d == null ? null : Math.floor((d + 2 * this.padding - this.poolSize) / this.strides) + 1);
    return [s[0]!, o(s[1]!), o(s[2]!), s[3]!];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
      const p = this.padding;
      const pads: [number, number][] = [[0, 0], [p, p], [p, p], [0, 0]];
      const sum = tf.avgPool(tf.pad(x, pads), this.poolSize, this.strides, 'valid');
      const ones = tf.ones([1, x.shape[1], x.shape[2], 1]) as tf.Tensor4D;
      const count = tf.avgPool(tf.pad(ones, pads), this.poolSize, this.strides, 'valid');
      return tf.div(sum, count);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}
tf.serialization.registerClass(ExclusiveAvgPool2D);
