/**
 * Reflection padding (`torch.nn.ReflectionPad2d`), used by the CycleGAN
 * ResNet generator and UNIT.
 */
import { tf, tfl } from '../../tf.js';
import type { Tensor, Tensor4D } from '../../tf.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkLayerArgs } from './layer_args.js';
import { mirrorPad2d } from '../../ops/mirror_pad.js';

/** Options of {@link ReflectionPadding2D}. */
export interface ReflectionPadding2DArgs {
  /** `p` (all sides), `[ph, pw]` or `[[top, bottom], [left, right]]`; default 1 */
  padding?: number | [number, number] | [[number, number], [number, number]];
  name?: string;
}

/**
 * Pads `[N,H,W,C]` by mirroring the image without repeating the edge
 * (`abc|d` → `dcb|abcd|cba`), output `[N, H+top+bottom, W+left+right, C]`.
 * Each padding must be smaller than the padded dimension.
 *
 * Built on the shared `mirrorPad2d` (slice/reverse/concat) rather than `tf.mirrorPad`,
 * whose gradient in tfjs 4.22 drops the reflected contributions (it only slices the centre).
 *
 * @example
 * const pad = new ReflectionPadding2D({ padding: 3 });
 * pad.apply(tf.zeros([1, 8, 8, 3])); // → [1, 14, 14, 3]
 */
export class ReflectionPadding2D extends tfl.layers.Layer {
  static className = 'ReflectionPadding2D';
  readonly padding: [[number, number], [number, number]];

  constructor(args: ReflectionPadding2DArgs = {}) {
    super(checkLayerArgs('ReflectionPadding2D', args, ['padding']));
    const p = args.padding ?? 1;
    let pad: [[number, number], [number, number]];
    if (typeof p === 'number') pad = [[p, p], [p, p]];
    else if (Array.isArray(p) && p.length === 2 && typeof p[0] === 'number') pad = [[p[0], p[0]], [p[1] as number, p[1] as number]];
    else pad = p as [[number, number], [number, number]];
    const flat = pad.flat();
    if (flat.length !== 4 || flat.some((v) => !Number.isInteger(v) || v < 0)) {
      throw new InvalidArgumentError('ReflectionPadding2D: options.padding', 'a non-negative integer, [ph, pw] or [[top, bottom], [left, right]]', p);
    }
    this.padding = pad;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const [[t, b], [l, r]] = this.padding;
    return [s[0]!, s[1] == null ? null : s[1] + t + b, s[2] == null ? null : s[2] + l + r, s[3]!];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const [[t, b], [l, r]] = this.padding;
      if (x.rank !== 4) throw new InvalidArgumentError(`${this.name} input`, 'a rank-4 [N,H,W,C] tensor', x);
      if (Math.max(t, b) >= x.shape[1]! || Math.max(l, r) >= x.shape[2]!) {
        throw new InvalidArgumentError(
          `${this.name} input`,
          `height > ${Math.max(t, b)} and width > ${Math.max(l, r)} for reflection padding [[${t},${b}],[${l},${r}]]`,
          x,
        );
      }
      return mirrorPad2d(x as Tensor4D, [t, b], [l, r], 'reflect');
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding };
  }
}
tf.serialization.registerClass(ReflectionPadding2D);
