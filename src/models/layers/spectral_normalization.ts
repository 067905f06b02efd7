/**
 * Spectral normalisation (Miyato et al. 2018) of a convolution, equal to
 * `torch.nn.utils.spectral_norm` with one power iteration.
 */
import { tf, tfl } from '../../tf.js';
import type { Tensor } from '../../tf.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkLayerArgs } from './layer_args.js';
import { nanRelu } from './nan_preserving.js';

type ConvLike = tfl.layers.Layer;

/** Options of {@link SpectralNormalization}. */
export interface SpectralNormalizationArgs {
  /** the wrapped layer: a `tfl.layers.conv2d(...)` or `tfl.layers.conv2dTranspose(...)` (not yet built) */
  layer: ConvLike;
  /** power iterations per training call; default 1 */
  powerIterations?: number;
  /** ε of the vector normalisation; default 1e-12 (torch) */
  epsilon?: number;
  name?: string;
  trainable?: boolean;
}

interface ConvSpec {
  transpose: boolean;
  filters: number;
  kernelSize: [number, number];
  strides: [number, number];
  padding: 'same' | 'valid';
  dilationRate: [number, number];
  useBias: boolean;
  activation: string;
}

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v as number, v as number]);

function specOf(layer: ConvLike): ConvSpec {
  const className = layer.getClassName();
  if (className !== 'Conv2D' && className !== 'Conv2DTranspose') {
    throw new InvalidArgumentError('SpectralNormalization: options.layer', 'a Conv2D or Conv2DTranspose layer', className);
  }
  const c = layer.getConfig();
  if ((c.dataFormat ?? 'channelsLast') !== 'channelsLast') throw new InvalidArgumentError('SpectralNormalization: options.layer.dataFormat', '"channelsLast"', c.dataFormat);
  if (c.padding !== 'same' && c.padding !== 'valid') throw new InvalidArgumentError('SpectralNormalization: options.layer.padding', '"same" or "valid"', c.padding);
  return {
    transpose: className === 'Conv2DTranspose',
    filters: c.filters as number,
    kernelSize: pair(c.kernelSize),
    strides: pair(c.strides ?? 1),
    padding: c.padding,
    dilationRate: pair(c.dilationRate ?? 1),
    useBias: (c.useBias as boolean | undefined) ?? true,
    activation: (c.activation as string | undefined) ?? 'linear',
  };
}

/** `v / max(‖v‖₂, ε)` */
function l2normalize(v: Tensor, eps: number): Tensor {
  return tf.div(v, tf.maximum(tf.norm(v), eps));
}

/**
 * Wraps a `Conv2D` or `Conv2DTranspose` and divides its kernel by its largest
 * singular value σ, estimated by power iteration on the kernel matrix `W`
 * (`[out, in·kh·kw]`, torch's flattening order):
 *
 * training call: `v ← normalize(Wᵀu)`, `u ← normalize(W v)` (`powerIterations`
 * times, no gradient through u, v; both stored), then `σ = uᵀ W v` and the
 * convolution runs with `W / σ` (gradient flows through σ). Inference uses the
 * stored `u`, `v` without iterating — exactly `torch.nn.utils.spectral_norm`.
 *
 * Weights: `kernel` (↔ torch `weight_orig`), `bias`, non-trainable `u`
 * (↔ `weight_u`, length out) and `v` (↔ `weight_v`), all saved with the model,
 * so a reloaded model resumes its power iteration.
 *
 * @example
 * const sn = new SpectralNormalization({ layer: tfl.layers.conv2d({ filters: 64, kernelSize: 4, strides: 2, padding: 'same' }) });
 * const y = sn.apply(x, { training: true });
 */
export class SpectralNormalization extends tfl.layers.Layer {
  static className = 'SpectralNormalization';
  readonly layer: ConvLike;
  readonly powerIterations: number;
  readonly epsilon: number;
  private readonly spec: ConvSpec;
  private activationFn: (x: Tensor) => Tensor;
  private kernel: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;
  private u: tfl.LayerVariable | null = null;
  private v: tfl.LayerVariable | null = null;

  constructor(args: SpectralNormalizationArgs) {
    super(checkLayerArgs('SpectralNormalization', args, ['layer', 'powerIterations', 'epsilon']));
    if (args == null || args.layer == null || typeof (args.layer as { getClassName?: unknown }).getClassName !== 'function') {
      throw new InvalidArgumentError('SpectralNormalization: options.layer', 'a Conv2D or Conv2DTranspose layer', args?.layer);
    }
    this.layer = args.layer;
    this.spec = specOf(args.layer);
    this.powerIterations = args.powerIterations ?? 1;
    this.epsilon = args.epsilon ?? 1e-12;
    if (!Number.isInteger(this.powerIterations) || this.powerIterations < 0) {
      throw new InvalidArgumentError('SpectralNormalization: options.powerIterations', 'a non-negative integer', args.powerIterations);
    }
    if (!(typeof this.epsilon === 'number' && this.epsilon > 0)) {
      throw new InvalidArgumentError('SpectralNormalization: options.epsilon', 'a positive number', args.epsilon);
    }
    const acts: Record<string, (x: Tensor) => Tensor> = {
      linear: (x) => x,
      relu: (x) => nanRelu(x), // keeps NaN on wasm (see nan_preserving.ts)
      tanh: (x) => tf.tanh(x),
      sigmoid: (x) => tf.sigmoid(x),
    };
    const act = acts[this.spec.activation];
    if (!act) throw new InvalidArgumentError('SpectralNormalization: options.layer.activation', 'one of "linear", "relu", "tanh", "sigmoid"', this.spec.activation);
    this.activationFn = act;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const cin = shape[shape.length - 1];
    if (shape.length !== 4 || cin == null) {
      throw new InvalidArgumentError(`${this.name} input`, 'shape [N,H,W,C] with a known C', `[${shape.join(',')}]`);
    }
    const { kernelSize: [kh, kw], filters, transpose } = this.spec;
    const kernelShape = transpose ? [kh, kw, filters, cin] : [kh, kw, cin, filters];
    const inner = this.layer as unknown as { kernelInitializer?: ReturnType<typeof tfl.initializers.zeros>; biasInitializer?: ReturnType<typeof tfl.initializers.zeros> };
    const init = inner.kernelInitializer ?? tfl.initializers.glorotUniform({});
    this.kernel = this.addWeight('kernel', kernelShape, 'float32', init);
    if (this.spec.useBias) this.bias = this.addWeight('bias', [filters], 'float32', inner.biasInitializer ?? tfl.initializers.zeros());
    const cols = cin * kh * kw;
    this.u = this.addWeight('u', [filters], 'float32', tfl.initializers.randomNormal({ mean: 0, stddev: 1 }), undefined, false);
    this.v = this.addWeight('v', [cols], 'float32', tfl.initializers.randomNormal({ mean: 0, stddev: 1 }), undefined, false);
    tf.tidy(() => {
      this.u!.write(l2normalize(this.u!.read(), this.epsilon));
      this.v!.write(l2normalize(this.v!.read(), this.epsilon));
    });
    this.built = true;
  }

  /** The kernel as torch's `[out, in·kh·kw]` matrix. */
  private weightMatrix(kernel: Tensor): Tensor {
    const perm = this.spec.transpose ? [2, 3, 0, 1] : [3, 2, 0, 1];
    return tf.reshape(tf.transpose(kernel, perm), [this.spec.filters, -1]);
  }

  /** σ for the current kernel; runs (and stores) the power iteration when `iterate`. */
  private sigma(kernel: Tensor, iterate: boolean): Tensor {
    const w = this.weightMatrix(kernel);
    if (iterate && this.powerIterations > 0) {
      tf.tidy(() => {
        // u, v carry no gradient: they reach σ only through the variables they are written to.
        const wd = w;
        let u = this.u!.read() as Tensor;
        let v = this.v!.read() as Tensor;
        for (let i = 0; i < this.powerIterations; i++) {
          v = l2normalize(tf.reshape(tf.matMul(tf.reshape(u, [1, -1]), wd), [-1]), this.epsilon);
          u = l2normalize(tf.reshape(tf.matMul(wd, tf.reshape(v, [-1, 1])), [-1]), this.epsilon);
        }
        this.u!.write(u);
        this.v!.write(v);
      });
    }
    const wv = tf.matMul(w, tf.reshape(this.v!.read(), [-1, 1]));
    return tf.sum(tf.mul(tf.reshape(this.u!.read(), [-1, 1]), wv));
  }

  /** The normalised kernel `W/σ` that the convolution uses (in the tfjs layout). */
  normalizedKernel(training = false): Tensor {
    return tf.tidy(() => {
      const k = this.kernel!.read();
      return tf.div(k, this.sigma(k, training));
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const { kernelSize, strides, padding, dilationRate, filters, transpose } = this.spec;
    const out = [1, 2].map((ax) => {
      const d = s[ax];
      if (d == null) return null;
      const i = ax - 1;
      const k = (kernelSize[i]! - 1) * dilationRate[i]! + 1;
      if (transpose) return padding === 'same' ? d * strides[i]! : d * strides[i]! + Math.max(k - strides[i]!, 0);
      return padding === 'same' ? Math.ceil(d / strides[i]!) : Math.ceil((d - k + 1) / strides[i]!);
    });
    return [s[0]!, out[0]!, out[1]!, filters];
  }

  override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown> = {}): Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
      const training = kwargs.training === true;
      const k = this.kernel!.read();
      const kn = tf.div(k, this.sigma(k, training)) as tf.Tensor4D;
      const { strides, padding, dilationRate, transpose } = this.spec;
      let y: Tensor;
      if (transpose) {
        const outShape = this.computeOutputShape(x.shape) as number[];
        y = tf.conv2dTranspose(x, kn, [x.shape[0], outShape[1]!, outShape[2]!, this.spec.filters], strides, padding);
      } else {
        y = tf.conv2d(x, kn, strides, padding, 'NHWC', dilationRate);
      }
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.activationFn(y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      layer: { className: this.layer.getClassName(), config: this.layer.getConfig() },
      powerIterations: this.powerIterations,
      epsilon: this.epsilon,
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const inner = config.layer as { className: string; config: tf.serialization.ConfigDict };
    const layer = inner.className === 'Conv2DTranspose' ? tfl.layers.conv2dTranspose(inner.config as never) : tfl.layers.conv2d(inner.config as never);
    return new cls({ ...config, layer } as never);
  }
}
tf.serialization.registerClass(SpectralNormalization);
