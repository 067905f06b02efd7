/**
 * The pix2pix U-Net generator (`UnetGenerator` of Isola et al.'s code,
 * `--netG unet_256`).
 */
import { tfl } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { ap, checkKeys, checkedInput, conv, enumOption, ganInit, intOption, lrelu, norm, NORM_KINDS, relu, tanh, checkedModel } from './blocks.js';
import type { NormKind, SymbolicTensor } from './blocks.js';

/** Options of {@link unetGenerator}. */
export interface UnetGeneratorOptions {
  /** input channels; default 3 */
  inChannels?: number;
  /** output channels; default 3 */
  outChannels?: number;
  /** number of stride-2 downsamplings (8 = `unet_256`, 7 = `unet_128`); ≥ 5; default 8 */
  numDowns?: number;
  /** filters of the outermost conv; default 64 */
  ngf?: number;
  /** 'batch' (default; convs then have no bias), 'instance' (affine off) or 'none' */
  norm?: NormKind;
  /** dropout 0.5 in the `numDowns − 5` innermost decoder blocks; default true */
  dropout?: boolean;
  /** model name; default 'unet_generator' */
  name?: string;
}

const KEYS = ['inChannels', 'outChannels', 'numDowns', 'ngf', 'norm', 'dropout', 'name'] as const;

/**
 * pix2pix U-Net: 4×4 stride-2 convs down to 1×1 (for `unet_256`), mirrored
 * 4×4 stride-2 transposed convs up, skip concatenations at every level.
 *
 * ```
 * x ─conv(ngf)─┬─────────────────────────────────────────────┐
 *              └ lrelu─conv(2ngf)─BN─┬── … innermost … ──┐   │
 *                                    └─────── cat ───────┘   │
 *                 relu─convT(ngf)─BN ─────────── cat ────────┘─ relu─convT(out)─tanh
 * ```
 * down blocks: LeakyReLU 0.2 → conv k4 s2 p1 → norm; up blocks: ReLU → convT
 * k4 s2 p1 → norm (→ dropout 0.5 in the three innermost when `dropout`). As in
 * the reference code, whose LeakyReLU runs in place, the skip branch carries
 * `LeakyReLU(x)`. Input `[N,H,W,inChannels]` with H, W multiples of
 * 2^numDowns, output `[N,H,W,outChannels]` in [−1, 1]. 54,413,955 trainable
 * parameters for the defaults. Layer names are the torch module paths
 * (`model.model.1.model.1` …) for {@link loadTorchWeights}.
 *
 * @example
 * const g = unetGenerator({ numDowns: 8 });
 * const y = g.predict(tf.zeros([1, 256, 256, 3])) as tf.Tensor4D; // [1,256,256,3]
 */
export function unetGenerator(options: UnetGeneratorOptions = {}): tfl.LayersModel {
  checkKeys('unetGenerator', options, KEYS);
  const inC = intOption('unetGenerator: options.inChannels', options.inChannels ?? 3);
  const outC = intOption('unetGenerator: options.outChannels', options.outChannels ?? 3);
  const numDowns = intOption('unetGenerator: options.numDowns', options.numDowns ?? 8, 5, 12);
  const ngf = intOption('unetGenerator: options.ngf', options.ngf ?? 64);
  const normKind = enumOption('unetGenerator: options.norm', options.norm ?? 'batch', NORM_KINDS);
  const dropout = options.dropout ?? true;
  if (typeof dropout !== 'boolean') throw new InvalidArgumentError('unetGenerator: options.dropout', 'a boolean', dropout);
  const useBias = normKind !== 'batch';

  // levels from the outermost (0) to the innermost (numDowns−1): [outerNc, innerNc]
  const levels: [number, number][] = [[outC, ngf], [ngf, ngf * 2], [ngf * 2, ngf * 4], [ngf * 4, ngf * 8]];
  while (levels.length < numDowns) levels.push([ngf * 8, ngf * 8]);

  const block = (x: SymbolicTensor, level: number, prefix: string): SymbolicTensor => {
    const [outerNc, innerNc] = levels[level]!;
    const outermost = level === 0;
    const innermost = level === numDowns - 1;
    const convT = (y: SymbolicTensor, filters: number, bias: boolean, name: string) =>
      ap(tfl.layers.conv2dTranspose({ filters, kernelSize: 4, strides: 2, padding: 'same', useBias: bias, kernelInitializer: ganInit(), name }), y);
    if (outermost) {
      const d = conv(x, { filters: innerNc, kernel: 4, stride: 2, pad: 1, bias: useBias, name: `${prefix}.0` });
      const s = block(d, level + 1, `${prefix}.1.model`);
      return tanh(convT(relu(s), outerNc, true, `${prefix}.3`));
    }
    const a = lrelu(x);
    if (innermost) {
      const d = conv(a, { filters: innerNc, kernel: 4, stride: 2, pad: 1, bias: useBias, name: `${prefix}.1` });
      const u = norm(convT(relu(d), outerNc, useBias, `${prefix}.3`), normKind, `${prefix}.4`);
      return ap(tfl.layers.concatenate({ axis: -1 }), [a, u]);
    }
    const d = norm(conv(a, { filters: innerNc, kernel: 4, stride: 2, pad: 1, bias: useBias, name: `${prefix}.1` }), normKind, `${prefix}.2`);
    const s = block(d, level + 1, `${prefix}.3.model`);
    let u = norm(convT(relu(s), outerNc, useBias, `${prefix}.5`), normKind, `${prefix}.6`);
    if (dropout && level >= 4) u = ap(tfl.layers.dropout({ rate: 0.5 }), u);
    return ap(tfl.layers.concatenate({ axis: -1 }), [a, u]);
  };

  const { input, x } = checkedInput('unetGenerator', inC, 2 ** numDowns);
  const output = block(x, 0, 'model.model');
  return checkedModel({ inputs: input, outputs: output, name: options.name ?? 'unet_generator' });
}
