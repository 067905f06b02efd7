/**
 * Bilinear upsampling by an integer factor with half-pixel centres
 * (`F.interpolate(mode='bilinear', align_corners=False)`), as separable
 * interpolation matrices so its gradient is exact on every backend.
 */
import { tf, tfl } from '../../tf.js';
import type { Tensor } from '../../tf.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkLayerArgs } from './layer_args.js';

/**
 * `[n·s, n]` row-major matrix `A` of torch's align_corners=False linear
 * interpolation: source coordinate `max((o + 0.5)/s − 0.5, 0)`, clamped at the edge.
 *
 * @example
 * interpolationMatrix(2, 2); // rows [1,0], [0.75,0.25], [0.25,0.75], [0,1]
 */
export function interpolationMatrix(n: number, s: number): Float32Array {
  const m = new Float32Array(n * s * n);
  for (let o = 0; o < n * s; o++) {
    const src = Math.max((o + 0.5) / s - 0.5, 0);
    const i0 = Math.min(Math.floor(src), n - 1);
    const i1 = Math.min(i0 + 1, n - 1);
    const f = src - i0;
    m[o * n + i0]! += 1 - f;
    m[o * n + i1]! += f;
  }
  return m;
}

/**
 * Bilinear ×`scale` resize of `[N,H,W,C]` (torch align_corners=False):
 * `Y = A_H · X · A_Wᵀ` per image and channel; differentiable on every backend.
 *
 * @example
 * bilinearUpsample(tf.zeros([1, 8, 8, 19]), 4); // [1, 32, 32, 19]
 */
export function bilinearUpsample(x: Tensor, scale: number): Tensor {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const ah = tf.tensor2d(interpolationMatrix(h, scale), [h * scale, h]);
    const aw = tf.tensor2d(interpolationMatrix(w, scale), [w * scale, w]);
    // rows: [H, N·W·C] → [H·s, N·W·C]
    const xr = tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [h, n * w * c]);
    const yh = tf.reshape(tf.matMul(ah, xr), [h * scale, n, w, c]);
    // columns: [W, N·Hs·C] → [W·s, …]
    const yc = tf.reshape(tf.transpose(yh, [2, 1, 0, 3]), [w, n * h * scale * c]);
    const yw = tf.reshape(tf.matMul(aw, yc), [w * scale, n, h * scale, c]);
    return tf.transpose(yw, [1, 2, 0, 3]);
  });
}

/** Options of {@link BilinearUpsample2D}. */
export interface BilinearUpsample2DArgs {
  /** integer upsampling factor; default 2 */
  scale?: number;
  name?: string;
}

/**
 * `[N,H,W,C]` → `[N, s·H, s·W, C]` with bilinear interpolation and half-pixel
 * centres (= torch `align_corners=False`), the upsampling of the Panoptic FPN
 * semantic head. No weights.
 *
 * @example
 * new BilinearUpsample2D({ scale: 4 }).apply(tf.zeros([1, 8, 8, 19])); // [1, 32, 32, 19]
 */
export class BilinearUpsample2D extends tfl.layers.Layer {
  static className = 'BilinearUpsample2D';
  readonly scale: number;
  constructor(args: BilinearUpsample2DArgs = {}) {
    super(checkLayerArgs('BilinearUpsample2D', args, ['scale']));
    this.scale = args.scale ?? 2;
    if (!Number.isInteger(this.scale) || this.scale < 1) throw new InvalidArgumentError('BilinearUpsample2D: options.scale', 'a positive integer', args.scale);
  }
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [s[0]!, s[1] == null ? null : s[1] * this.scale, s[2] == null ? null : s[2] * this.scale, s[3]!];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return bilinearUpsample(x, this.scale);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}
tf.serialization.registerClass(BilinearUpsample2D);
