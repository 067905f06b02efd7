/**
 * The classic U-Net of Ronneberger et al. (2015) as used for road
 * segmentation: double 3×3 conv + ReLU, 2×2 max-pool, 2×2 transposed conv,
 * skip concatenation, softmax head.
 */
import { tfl } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { ap, bn, checkKeys, checkedInput, conv, enumOption, heInit, intOption, relu, checkedModel } from './blocks.js';
import type { SymbolicTensor } from './blocks.js';
import { NanMaxPooling2D } from './layers/nan_preserving.js';

/** Options of {@link unet}. */
export interface UnetOptions {
  /** input channels; default 3 */
  inChannels?: number;
  /** output classes K; default 2 */
  numClasses?: number;
  /** filters at full resolution (doubling per level); default 64 */
  baseFilters?: number;
  /** number of 2×2 poolings; default 4 (the paper) */
  depth?: number;
  /** BatchNorm after each conv (a common modern variant); default false */
  batchNorm?: boolean;
  /** 'softmax' (default, probabilities) or 'linear' (logits, for `crossEntropyLoss`) */
  activation?: 'softmax' | 'linear';
  /** model name; default 'unet' */
  name?: string;
}

const KEYS = ['inChannels', 'numClasses', 'baseFilters', 'depth', 'batchNorm', 'activation', 'name'] as const;

/**
 * ```
 * x ─[3×3─ReLU─3×3─ReLU]─────────────────────────────cat─[3×3─ReLU]×2─1×1(K)─softmax
 *          └ pool2 ─[…]×2 ─── … bottleneck (64·2^depth) … ─ up2×2 ┘
 * ```
 * 'same' padding (output at input resolution — the usual reimplementation;
 * the paper's valid convs crop the skips). Input H, W multiples of 2^depth;
 * output `[N,H,W,K]`. Layer names `down{i}.conv{1,2}`, `up{i}.up`, `up{i}.conv{1,2}`, `head`.
 *
 * @example
 * const net = unet({ numClasses: 2, depth: 4 });
 * const probs = net.predict(tf.zeros([1, 256, 256, 3])); // [1,256,256,2]
 */
export function unet(options: UnetOptions = {}): tfl.LayersModel {
  checkKeys('unet', options, KEYS);
  const inC = intOption('unet: options.inChannels', options.inChannels ?? 3);
  const k = intOption('unet: options.numClasses', options.numClasses ?? 2);
  const f0 = intOption('unet: options.baseFilters', options.baseFilters ?? 64);
  const depth = intOption('unet: options.depth', options.depth ?? 4, 1, 8);
  const useBn = options.batchNorm ?? false;
  if (typeof useBn !== 'boolean') throw new InvalidArgumentError('unet: options.batchNorm', 'a boolean', useBn);
  const activation = enumOption('unet: options.activation', options.activation ?? 'softmax', ['softmax', 'linear'] as const);
  const double = (x: SymbolicTensor, filters: number, p: string) => {
    for (const n of ['conv1', 'conv2']) {
      x = conv(x, { filters, kernel: 3, pad: 1, bias: !useBn, name: `${p}.${n}`, init: heInit() });
      if (useBn) x = bn(x, `${p}.bn${n.slice(-1)}`);
      x = relu(x);
    }
    return x;
  };
  const { input, x: x0 } = checkedInput('unet', inC, 2 ** depth);
  const skips: SymbolicTensor[] = [];
  let x = x0;
  for (let i = 0; i < depth; i++) {
    x = double(x, f0 * 2 ** i, `down${i}`);
    skips.push(x);
    x = ap(new NanMaxPooling2D({ poolSize: 2, strides: 2 }), x); // NaN-keeping on wasm too
  }
  x = double(x, f0 * 2 ** depth, 'bottleneck');
  for (let i = depth - 1; i >= 0; i--) {
    x = ap(tfl.layers.conv2dTranspose({ filters: f0 * 2 ** i, kernelSize: 2, strides: 2, padding: 'valid', kernelInitializer: heInit(), name: `up${i}.up` }), x);
    x = ap(tfl.layers.concatenate({ axis: -1 }), [skips[i]!, x]);
    x = double(x, f0 * 2 ** i, `up${i}`);
  }
  x = conv(x, { filters: k, kernel: 1, name: 'head', init: heInit() });
  if (activation === 'softmax') x = ap(tfl.layers.softmax({ axis: -1 }), x);
  return checkedModel({ inputs: input, outputs: x, name: options.name ?? 'unet' });
}
