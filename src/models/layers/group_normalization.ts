/**
 * Group normalisation (Wu & He 2018), the `torch.nn.GroupNorm` of the
 * Panoptic FPN semantic head.
 */
import { tf, tfl } from '../../tf.js';
import type { Tensor } from '../../tf.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkLayerArgs } from './layer_args.js';

/** Options of {@link GroupNormalization}. */
export interface GroupNormalizationArgs {
  /** number of channel groups G (C must be a multiple); default 32 */
  groups?: number;
  /** ε added to the variance; default 1e-5 (torch) */
  epsilon?: number;
  /** learn per-channel γ, β (torch `affine`); default true */
  affine?: boolean;
  name?: string;
  trainable?: boolean;
}

/**
 * Splits the C channels into G groups of C/G and normalises each image and
 * group over `(H, W, C/G)`:
 *
 * `y = (x − μ[n,g]) / sqrt(σ²[n,g] + ε) · γ[c] + β[c]` (biased variance).
 * Same in training and inference. Input `[N,H,W,C]` → same shape.
 * Weights: `gamma` ↔ torch `weight`, `beta` ↔ torch `bias`. With `groups: 1`
 * it is a per-image layer norm over (H,W,C) with per-channel affine.
 *
 * @example
 * const gn = new GroupNormalization({ groups: 32 });
 * const y = gn.apply(tf.randomNormal([1, 8, 8, 128]));
 */
export class GroupNormalization extends tfl.layers.Layer {
  static className = 'GroupNormalization';
  readonly groups: number;
  readonly epsilon: number;
  readonly affine: boolean;
  private gamma: tfl.LayerVariable | null = null;
  private beta: tfl.LayerVariable | null = null;

  constructor(args: GroupNormalizationArgs = {}) {
    super(checkLayerArgs('GroupNormalization', args, ['groups', 'epsilon', 'affine']));
    this.groups = args.groups ?? 32;
    this.epsilon = args.epsilon ?? 1e-5;
    this.affine = args.affine ?? true;
    if (!Number.isInteger(this.groups) || this.groups < 1) throw new InvalidArgumentError('GroupNormalization: options.groups', 'a positive integer', args.groups);
    if (!(this.epsilon > 0)) throw new InvalidArgumentError('GroupNormalization: options.epsilon', 'a positive number', args.epsilon);
    if (typeof this.affine !== 'boolean') throw new InvalidArgumentError('GroupNormalization: options.affine', 'a boolean', args.affine);
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const c = shape[shape.length - 1];
    if (shape.length !== 4 || c == null) {
      throw new InvalidArgumentError(`${this.name} input`, 'shape [N,H,W,C] with a known C', `[${shape.join(',')}]`);
    }
    if (c % this.groups !== 0) {
      throw new InvalidArgumentError(`${this.name} input channels`, `a multiple of groups = ${this.groups}`, c);
    }
    if (this.affine) {
      this.gamma = this.addWeight('gamma', [c], 'float32', tfl.initializers.ones());
      this.beta = this.addWeight('beta', [c], 'float32', tfl.initializers.zeros());
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const [n, h, w, c] = x.shape as [number, number, number, number];
      const g = tf.reshape(x, [n, h, w, this.groups, c / this.groups]);
      const { mean, variance } = tf.moments(g, [1, 2, 4], true);
      let y = tf.reshape(tf.mul(tf.sub(g, mean), tf.rsqrt(tf.add(variance, this.epsilon))), [n, h, w, c]);
      if (this.gamma && this.beta) y = tf.add(tf.mul(y, this.gamma.read()), this.beta.read());
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups, epsilon: this.epsilon, affine: this.affine };
  }
}
tf.serialization.registerClass(GroupNormalization);
