/**
 * The CycleGAN ResNet generator (`ResnetGenerator`, `--netG resnet_9blocks` /
 * `resnet_6blocks`).
 */
import { tfl } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { ap, checkKeys, checkedInput, conv, enumOption, ganInit, intOption, norm, NORM_KINDS, relu, tanh, checkedModel } from './blocks.js';
import type { NormKind, SymbolicTensor } from './blocks.js';
import { ReflectionPadding2D } from './layers/reflection_padding2d.js';

/** Options of {@link resnetGenerator}. */
export interface ResnetGeneratorOptions {
  /** input channels; default 3 */
  inChannels?: number;
  /** output channels; default 3 */
  outChannels?: number;
  /** filters of the first conv; default 64 */
  ngf?: number;
  /** residual blocks at 1/4 resolution (6 or 9 in the reference); default 9 */
  nBlocks?: number;
  /** 'instance' (default, affine off; convs with bias), 'batch' (convs without bias) or 'none' */
  norm?: NormKind;
  /** padding of the 7×7 and residual 3×3 convs: 'reflect' (default) or 'zero' (the DFS variant) */
  padding?: 'reflect' | 'zero';
  /** dropout 0.5 inside the residual blocks; default false */
  dropout?: boolean;
  /** model name; default 'resnet_generator' */
  name?: string;
}

const KEYS = ['inChannels', 'outChannels', 'ngf', 'nBlocks', 'norm', 'padding', 'dropout', 'name'] as const;

/**
 * Johnson-style ResNet generator as in CycleGAN:
 *
 * ```
 * pad3─conv7(ngf)─norm─relu ─ [conv3 s2─norm─relu]×2 (2ngf, 4ngf)
 *   ─ [x + (pad1─conv3─norm─relu─pad1─conv3─norm)(x)]×nBlocks
 *   ─ [convT3 s2 p1 op1─norm─relu]×2 (2ngf, ngf) ─ pad3─conv7(out)─tanh
 * ```
 * Input `[N,H,W,inChannels]`, H and W multiples of 4 (≥ 8); output the same
 * size in [−1, 1]. 11,378,179 trainable parameters for the defaults (3→3,
 * instance norm without affine). Torch names `model.N`, `model.N.conv_block.M`.
 *
 * @example
 * const g = resnetGenerator({ nBlocks: 6, norm: 'batch', padding: 'zero' });
 */
export function resnetGenerator(options: ResnetGeneratorOptions = {}): tfl.LayersModel {
  checkKeys('resnetGenerator', options, KEYS);
  const inC = intOption('resnetGenerator: options.inChannels', options.inChannels ?? 3);
  const outC = intOption('resnetGenerator: options.outChannels', options.outChannels ?? 3);
  const ngf = intOption('resnetGenerator: options.ngf', options.ngf ?? 64);
  const nBlocks = intOption('resnetGenerator: options.nBlocks', options.nBlocks ?? 9, 0);
  const normKind = enumOption('resnetGenerator: options.norm', options.norm ?? 'instance', NORM_KINDS);
  const padding = enumOption('resnetGenerator: options.padding', options.padding ?? 'reflect', ['reflect', 'zero'] as const);
  const dropout = options.dropout ?? false;
  if (typeof dropout !== 'boolean') throw new InvalidArgumentError('resnetGenerator: options.dropout', 'a boolean', dropout);
  const useBias = normKind !== 'batch';
  const reflect = (x: SymbolicTensor, p: number) => ap(new ReflectionPadding2D({ padding: p }), x);

  const { input, x: x0 } = checkedInput('resnetGenerator', inC, 4, 8);
  let i = 0;
  let x = conv(reflect(x0, 3), { filters: ngf, kernel: 7, bias: useBias, name: `model.${i + 1}` });
  x = relu(norm(x, normKind, `model.${i + 2}`));
  i += 4;
  for (let k = 0; k < 2; k++) {
    const mult = 2 ** k;
    x = conv(x, { filters: ngf * mult * 2, kernel: 3, stride: 2, pad: 1, bias: useBias, name: `model.${i}` });
    x = relu(norm(x, normKind, `model.${i + 1}`));
    i += 3;
  }
  const dim = ngf * 4;
  for (let b = 0; b < nBlocks; b++) {
    const p = `model.${i}.conv_block`;
    let j = 0;
    const convPad = (y: SymbolicTensor) => {
      if (padding === 'reflect') {
        y = conv(reflect(y, 1), { filters: dim, kernel: 3, bias: useBias, name: `${p}.${j + 1}` });
        j += 2;
      } else {
        y = conv(y, { filters: dim, kernel: 3, pad: 1, bias: useBias, name: `${p}.${j}` });
        j += 1;
      }
      y = norm(y, normKind, `${p}.${j}`); // torch keeps an Identity at this index for norm 'none'
      j += 1;
      return y;
    };
    let y = relu(convPad(x));
    j += 1;
    if (dropout) {
      y = ap(tfl.layers.dropout({ rate: 0.5 }), y);
      j += 1;
    }
    y = convPad(y);
    x = ap(tfl.layers.add(), [x, y]);
    i += 1;
  }
  for (let k = 0; k < 2; k++) {
    const mult = 2 ** (2 - k);
    // torch ConvTranspose2d(k3, s2, p1, output_padding 1) = 'valid' transposed conv without its first row/column
    x = ap(
      tfl.layers.conv2dTranspose({ filters: (ngf * mult) / 2, kernelSize: 3, strides: 2, padding: 'valid', useBias, kernelInitializer: ganInit(), name: `model.${i}` }),
      x,
    );
    x = ap(tfl.layers.cropping2D({ cropping: [[1, 0], [1, 0]] }), x);
    x = relu(norm(x, normKind, `model.${i + 1}`));
    i += 3;
  }
  x = tanh(conv(reflect(x, 3), { filters: outC, kernel: 7, name: `model.${i + 1}` }));
  return checkedModel({ inputs: input, outputs: x, name: options.name ?? 'resnet_generator' });
}
