/**
 * Instance normalisation (Ulyanov et al. 2016), the `torch.nn.InstanceNorm2d`
 * of pix2pix / CycleGAN / UNIT.
 */
import { tf, tfl } from '../../tf.js';
import type { Tensor } from '../../tf.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkLayerArgs } from './layer_args.js';

/** Options of {@link InstanceNormalization}. */
export interface InstanceNormalizationArgs {
  /** learn a per-channel scale γ and shift β (torch `affine`); default false as in CycleGAN */
  affine?: boolean;
  /** ε added to the variance; default 1e-5 (torch) */
  epsilon?: number;
  name?: string;
  trainable?: boolean;
}

/**
 * Normalises every image and channel over its own spatial extent:
 *
 * `y[n,h,w,c] = (x[n,h,w,c] − μ[n,c]) / sqrt(σ²[n,c] + ε) · γ[c] + β[c]`,
 * with `μ`, `σ²` the (biased) mean and variance over `h, w`. Training and
 * inference behave the same (no running statistics, like torch's default
 * `track_running_stats=False`). Input `[N,H,W,C]`, output the same shape.
 * Weights (when `affine`): `gamma` ↔ torch `weight`, `beta` ↔ torch `bias`.
 *
 * @example
 * const norm = new InstanceNormalization({ affine: true });
 * const y = norm.apply(tf.randomNormal([2, 16, 16, 8])) as tf.Tensor4D;
 */
export class InstanceNormalization extends tfl.layers.Layer {
  static className = 'InstanceNormalization';
  readonly affine: boolean;
  readonly epsilon: number;
  private gamma: tfl.LayerVariable | null = null;
  private beta: tfl.LayerVariable | null = null;

  constructor(args: InstanceNormalizationArgs = {}) {
    super(checkLayerArgs('InstanceNormalization', args, ['affine', 'epsilon']));
    this.affine = args.affine ?? false;
    this.epsilon = args.epsilon ?? 1e-5;
    if (typeof this.affine !== 'boolean') throw new InvalidArgumentError('InstanceNormalization: options.affine', 'a boolean', args.affine);
    if (!(this.epsilon > 0)) throw new InvalidArgumentError('InstanceNormalization: options.epsilon', 'a positive number', args.epsilon);
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const c = shape[shape.length - 1];
    if (shape.length !== 4 || c == null) {
      throw new InvalidArgumentError(`${this.name} input`, 'shape [N,H,W,C] with a known C', `[${shape.join(',')}]`);
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
      const { mean, variance } = tf.moments(x, [1, 2], true);
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      if (this.gamma && this.beta) y = tf.add(tf.mul(y, this.gamma.read()), this.beta.read());
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), affine: this.affine, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(InstanceNormalization);
