/**
 * UNIT's multi-scale discriminator (`MsImageDis`).
 */
import { tfl } from '../tf.js';
import { ap, checkKeys, checkedInput, conv, enumOption, intOption, lrelu, norm, NORM_KINDS, checkedModel } from './blocks.js';
import type { NormKind, SymbolicTensor } from './blocks.js';
import { ExclusiveAvgPool2D } from './layers/exclusive_avg_pool2d.js';
import { ReflectionPadding2D } from './layers/reflection_padding2d.js';

/** Options of {@link multiScaleDiscriminator}. */
export interface MultiScaleDiscriminatorOptions {
  /** input channels; default 3 */
  inChannels?: number;
  /** filters of the first conv of each scale; default 64 */
  dim?: number;
  /** stride-2 conv blocks per scale; default 4 */
  nLayers?: number;
  /** number of scales; default 3 */
  numScales?: number;
  /** norm inside the blocks after the first; default 'none' (UNIT) */
  norm?: NormKind;
  /** padding of the 4×4 convs: 'reflect' (UNIT default) or 'zero' */
  padding?: 'reflect' | 'zero';
  /** model name; default 'multiscale_discriminator' */
  name?: string;
}

const KEYS = ['inChannels', 'dim', 'nLayers', 'numScales', 'norm', 'padding', 'name'] as const;

/**
 * One LSGAN PatchGAN per scale; the input is downsampled between scales by
 * 3×3 stride-2 average pooling (padding 1, not counted):
 *
 * ```
 * x ───────────────[pad1─conv4 s2─(norm)─lrelu]×nLayers─conv1×1(1) → out₀
 * └avgpool─x/2 ────[… same, own weights …]                         → out₁
 *   └avgpool─x/4 ──[…]                                             → out₂
 * ```
 * Output: an array of `numScales` logit maps `[N, H/2^(nLayers+s), …, 1]`.
 * LeakyReLU 0.2, channels doubling per block. Torch names `cnns.{s}.{j}.conv`, `cnns.{s}.{nLayers}`.
 *
 * @example
 * const d = multiScaleDiscriminator();
 * const outs = d.predict(tf.zeros([1, 256, 256, 3])) as tf.Tensor[]; // 3 maps
 */
export function multiScaleDiscriminator(options: MultiScaleDiscriminatorOptions = {}): tfl.LayersModel {
  checkKeys('multiScaleDiscriminator', options, KEYS);
  const inC = intOption('multiScaleDiscriminator: options.inChannels', options.inChannels ?? 3);
  const dim0 = intOption('multiScaleDiscriminator: options.dim', options.dim ?? 64);
  const nLayers = intOption('multiScaleDiscriminator: options.nLayers', options.nLayers ?? 4, 1, 8);
  const numScales = intOption('multiScaleDiscriminator: options.numScales', options.numScales ?? 3, 1, 6);
  const normKind = enumOption('multiScaleDiscriminator: options.norm', options.norm ?? 'none', NORM_KINDS);
  const padding = enumOption('multiScaleDiscriminator: options.padding', options.padding ?? 'reflect', ['reflect', 'zero'] as const);
  const { input, x: x0 } = checkedInput('multiScaleDiscriminator', inC, 1, 2 ** (nLayers + numScales - 1));
  const outs: SymbolicTensor[] = [];
  let x = x0;
  for (let s = 0; s < numScales; s++) {
    let y = x;
    let dim = dim0;
    for (let j = 0; j < nLayers; j++) {
      const filters = j === 0 ? dim0 : dim * 2;
      if (j > 0) dim *= 2;
      const name = `cnns.${s}.${j}.conv`;
      if (padding === 'reflect') y = conv(ap(new ReflectionPadding2D({ padding: 1 }), y), { filters, kernel: 4, stride: 2, name });
      else y = conv(y, { filters, kernel: 4, stride: 2, pad: 1, name });
      if (j > 0) y = norm(y, normKind, `cnns.${s}.${j}.norm`);
      y = lrelu(y);
    }
    outs.push(conv(y, { filters: 1, kernel: 1, name: `cnns.${s}.${nLayers}` }));
    if (s < numScales - 1) x = ap(new ExclusiveAvgPool2D(), x);
  }
  return checkedModel({ inputs: input, outputs: outs, name: options.name ?? 'multiscale_discriminator' });
}
