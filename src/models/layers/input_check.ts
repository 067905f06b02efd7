/**
 * An identity layer that validates a model's input at call time, so a wrong
 * channel count or a spatial size the network cannot divide fails with a
 * message naming the model and the multiple it needs.
 */
import { tf, tfl } from '../../tf.js';
import type { Tensor } from '../../tf.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkLayerArgs } from './layer_args.js';

/**
 * Checks a model input before tfjs sees it: a live rank-4 `[N,H,W,C]` tensor
 * with `C = channels` and at least one image. tfjs itself fails on these with
 * "Cannot read properties of null" (null input) or, for an empty batch, wasm's
 * "RuntimeError: divide by zero" (instance/group norm) or "Pass at least one
 * tensor to concat" (`predict`); a model has no meaningful output for no
 * images, so N = 0 is rejected on every backend.
 *
 * @throws InvalidArgumentError naming `<model> input`.
 * @example checkImageBatch('unet', x, 3);
 */
export function checkImageBatch(model: string, x: unknown, channels: number): asserts x is Tensor {
  const name = `${model} input`;
  if (!(x instanceof tf.Tensor)) throw new InvalidArgumentError(name, 'a rank-4 [N,H,W,C] tf.Tensor', x);
  if (x.isDisposed) throw new InvalidArgumentError(name, 'a live tf.Tensor', 'a disposed tensor');
  if (x.rank !== 4) throw new InvalidArgumentError(name, 'a rank-4 [N,H,W,C] tensor', x);
  const [n, , , c] = x.shape as number[];
  if (c !== channels) {
    throw new InvalidArgumentError(name, `${channels} channels (shape [N,H,W,${channels}])`, `${c} channels, shape [${x.shape.join(',')}]`);
  }
  if (n === 0) throw new InvalidArgumentError(name, 'a batch of at least one image (N ≥ 1)', `shape [${x.shape.join(',')}]`);
}

/** Options of {@link InputCheck}. */
export interface InputCheckArgs {
  /** expected channel count */
  channels: number;
  /** H and W must be multiples of this (the network's total stride); default 1 */
  multiple?: number;
  /** smallest H and W accepted; default 1 */
  minSize?: number;
  /** the model's name for the message */
  model?: string;
  name?: string;
}

/**
 * Passes `[N,H,W,C]` through unchanged after checking `C = channels`,
 * `H, W` multiples of `multiple` and at least `minSize`; throws an
 * `InvalidArgumentError` otherwise.
 *
 * @example
 * new InputCheck({ channels: 3, multiple: 256, model: 'unetGenerator' });
 */
export class InputCheck extends tfl.layers.Layer {
  static className = 'InputCheck';
  readonly channels: number;
  readonly multiple: number;
  readonly minSize: number;
  readonly model: string;
  constructor(args: InputCheckArgs) {
    super(checkLayerArgs('InputCheck', args, ['channels', 'multiple', 'minSize', 'model']));
    this.channels = args?.channels;
    this.multiple = args?.multiple ?? 1;
    this.minSize = args?.minSize ?? 1;
    this.model = args?.model ?? 'model';
    for (const [k, v] of [['channels', this.channels], ['multiple', this.multiple], ['minSize', this.minSize]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`InputCheck: options.${k}`, 'a positive integer', v);
    }
    if (typeof this.model !== 'string') throw new InvalidArgumentError('InputCheck: options.model', 'a model name', this.model);
  }
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    checkImageBatch(this.model, x, this.channels);
    const [, h, w] = x.shape as number[];
    if (h! % this.multiple !== 0 || w! % this.multiple !== 0 || h! < this.minSize || w! < this.minSize) {
      throw new InvalidArgumentError(
        `${this.model} input`,
        `height and width multiples of ${this.multiple}` + (this.minSize > this.multiple ? ` and at least ${this.minSize}` : ''),
        `${h}×${w}`,
        `the network's total stride is ${this.multiple}; pad or resize to e.g. ${Math.max(this.minSize, Math.ceil(h! / this.multiple) * this.multiple)}×${Math.max(this.minSize, Math.ceil(w! / this.multiple) * this.multiple)}`,
      );
    }
    return tf.clone(x);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), channels: this.channels, multiple: this.multiple, minSize: this.minSize, model: this.model };
  }
}
tf.serialization.registerClass(InputCheck);
