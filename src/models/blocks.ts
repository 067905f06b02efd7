/**
 * Small building blocks shared by the model builders: PyTorch-initialised
 * convolutions with explicit padding, normalisation factories and option checks.
 * Layer names are the PyTorch module paths so {@link loadTorchWeights} can map
 * them; see `docs/weights.md`.
 */
import { tf, tfl } from '../tf.js';
import { assertNumber, assertOneOf, checkOptions } from '../validate.js';
import { InstanceNormalization } from './layers/instance_normalization.js';
import { GroupNormalization } from './layers/group_normalization.js';
import { SpectralNormalization } from './layers/spectral_normalization.js';
import { InputCheck, checkImageBatch } from './layers/input_check.js';
import { NanReLU } from './layers/nan_preserving.js';

/** Normalisation choices of the GAN builders. */
export type NormKind = 'batch' | 'instance' | 'none';
export const NORM_KINDS: readonly NormKind[] = ['batch', 'instance', 'none'];

type SymbolicTensor = tfl.SymbolicTensor;
export type { SymbolicTensor };

/** pix2pix / CycleGAN weight init: N(0, 0.02). */
export const ganInit = () => tfl.initializers.randomNormal({ mean: 0, stddev: 0.02 });

/** He-normal (fan-out, ReLU) init of torchvision ResNets. */
export const heInit = () => tfl.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'normal' });

/** Applies one layer to a symbolic tensor. */
export function ap(layer: tfl.layers.Layer, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  return layer.apply(x) as SymbolicTensor;
}

export interface ConvOpts {
  filters: number;
  kernel: number;
  stride?: number;
  /** explicit symmetric zero padding (torch `padding`) */
  pad?: number;
  bias?: boolean;
  name: string;
  init?: ReturnType<typeof ganInit>;
  spectralNorm?: boolean;
}

/** torch `nn.Conv2d(k, stride, padding=pad)`: zero padding layer + 'valid' conv (optionally spectral-normalised). */
export function conv(x: SymbolicTensor, o: ConvOpts): SymbolicTensor {
  const pad = o.pad ?? 0;
  if (pad > 0) x = ap(tfl.layers.zeroPadding2d({ padding: pad, name: `${o.name}__pad` }), x);
  const layer = tfl.layers.conv2d({
    filters: o.filters,
    kernelSize: o.kernel,
    strides: o.stride ?? 1,
    padding: 'valid',
    useBias: o.bias ?? true,
    kernelInitializer: o.init ?? ganInit(),
    name: o.spectralNorm ? `${o.name}__inner` : o.name,
  });
  return ap(o.spectralNorm ? new SpectralNormalization({ layer, name: o.name }) : layer, x);
}

/** A normalisation layer named like its torch module; `null` for 'none'. */
export function norm(x: SymbolicTensor, kind: NormKind, name: string, affineInstance = false): SymbolicTensor {
  if (kind === 'batch') {
    return ap(
      tfl.layers.batchNormalization({
        axis: -1,
        momentum: 0.9,
        epsilon: 1e-5,
        gammaInitializer: tfl.initializers.randomNormal({ mean: 1, stddev: 0.02 }),
        name,
      }),
      x,
    );
  }
  if (kind === 'instance') return ap(new InstanceNormalization({ affine: affineInstance, name }), x);
  return x;
}

/** torchvision-style BatchNorm (γ = 1, β = 0). */
export function bn(x: SymbolicTensor, name: string): SymbolicTensor {
  return ap(tfl.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-5, name }), x);
}

/** GroupNorm(groups) layer. */
export function gn(x: SymbolicTensor, groups: number, name: string): SymbolicTensor {
  return ap(new GroupNormalization({ groups, name }), x);
}

/** ReLU that keeps NaN on wasm too ({@link NanReLU}), so a NaN never leaves a network as 0. */
export const relu = (x: SymbolicTensor) => ap(new NanReLU(), x);
export const lrelu = (x: SymbolicTensor, alpha = 0.2) => ap(tfl.layers.leakyReLU({ alpha }), x);
export const tanh = (x: SymbolicTensor) => ap(tfl.layers.activation({ activation: 'tanh' }), x);

/** The model input plus an {@link InputCheck} (channels, divisibility, minimum size). */
export function checkedInput(model: string, channels: number, multiple: number, minSize = multiple): { input: SymbolicTensor; x: SymbolicTensor } {
  const input = tfl.input({ shape: [null, null, channels] as unknown as number[], name: 'input' });
  const x = ap(new InputCheck({ channels, multiple, minSize, model, name: 'input_check' }), input);
  return { input, x };
}

/**
 * The `tf.LayersModel` every segaware builder returns. It is a plain
 * LayersModel (saves as class `Model`, trains with the usual APIs) whose
 * `apply`, `predict` and `predictOnBatch` first check the input with
 * {@link checkImageBatch}: a live rank-4 tensor with the model's channel
 * count and N ≥ 1. Without this, tfjs fails on `apply(null)` with "Cannot
 * read properties of null" and on an empty batch with wasm's
 * "RuntimeError: divide by zero"; the spatial multiple is checked by the
 * model's {@link InputCheck} layer. Symbolic inputs (nesting the model in
 * another) pass through unchecked. A model reloaded with `tf.loadLayersModel`
 * is a stock LayersModel and keeps only the `InputCheck` layer's checks.
 *
 * @throws InvalidArgumentError naming `<model> input` (e.g. `unet input`).
 * @example
 * const net = unet({ depth: 2 });
 * net.apply(null); // segaware: invalid unet input: expected a rank-4 [N,H,W,C] tf.Tensor, received null
 */
export class CheckedModel extends tfl.LayersModel {
  /** The name errors use: the builder's (from its InputCheck layer) or the model's. */
  private checkName(): string {
    const layer = this.layers.find((l) => l instanceof InputCheck) as InputCheck | undefined;
    return layer?.model ?? this.name;
  }
  private checkInput(x: unknown): void {
    if (x instanceof tfl.SymbolicTensor || (Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof tfl.SymbolicTensor))) return;
    const t = Array.isArray(x) && x.length === 1 ? x[0] : x;
    checkImageBatch(this.checkName(), t, this.inputs[0]!.shape[3] as number);
  }
  override apply(inputs: tf.Tensor | tf.Tensor[] | SymbolicTensor | SymbolicTensor[], kwargs?: Record<string, unknown>): tf.Tensor | tf.Tensor[] | SymbolicTensor | SymbolicTensor[] {
    this.checkInput(inputs);
    return super.apply(inputs, kwargs as never);
  }
  override predict(x: tf.Tensor | tf.Tensor[], args?: Parameters<tfl.LayersModel['predict']>[1]): tf.Tensor | tf.Tensor[] {
    this.checkInput(x);
    return super.predict(x, args);
  }
  override predictOnBatch(x: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    this.checkInput(x);
    return super.predictOnBatch(x);
  }
}

/** Builds a {@link CheckedModel} (the builders' `tfl.model`). */
export function checkedModel(args: { inputs: SymbolicTensor | SymbolicTensor[]; outputs: SymbolicTensor | SymbolicTensor[]; name?: string }): tfl.LayersModel {
  return new CheckedModel(args);
}

/** Validates a positive-integer option. */
export function intOption(name: string, value: unknown, min = 1, max?: number): number {
  assertNumber(name, value, { integer: true, min, max });
  return value;
}

/** Validates an enum option. */
export function enumOption<T extends string | number>(name: string, value: unknown, allowed: readonly T[]): T {
  assertOneOf(name, value, allowed);
  return value;
}

/** Rejects option keys the builder does not know (catches typos such as `nBlock`); see {@link checkOptions}. */
export function checkKeys(builder: string, options: object, known: readonly string[]): void {
  checkOptions(builder, options, known);
}

/**
 * Number of trainable parameters (the count the SPEC checks), i.e. the sum of
 * the sizes of `model.trainableWeights` (shared weights once).
 *
 * @example
 * countTrainableParams(unetGenerator()); // 54413955
 */
export function countTrainableParams(model: { trainableWeights: { shape: (number | null)[] }[] }): number {
  return model.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 0), 1), 0);
}

export { tf };
