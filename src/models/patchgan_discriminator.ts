/**
 * The pix2pix PatchGAN discriminators: `NLayerDiscriminator` (the 70×70
 * PatchGAN, `--netD basic`) and `PixelDiscriminator` (1×1 PatchGAN, `--netD pixel`).
 */
import { tfl } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { checkKeys, checkedInput, conv, enumOption, intOption, lrelu, norm, NORM_KINDS, checkedModel } from './blocks.js';
import type { NormKind } from './blocks.js';

/** Options of {@link patchGanDiscriminator}. */
export interface PatchGanOptions {
  /** input channels (conditional pix2pix: input + output image = 6); default 6 */
  inChannels?: number;
  /** filters of the first conv; default 64 */
  ndf?: number;
  /** number of stride-2 convs (3 = 70×70 receptive field); default 3 */
  nLayers?: number;
  /** 'batch' (default; convs after the first then have no bias), 'instance' or 'none' */
  norm?: NormKind;
  /** wrap every conv in {@link SpectralNormalization}; default false */
  spectralNorm?: boolean;
  /** 'nlayer' (default) or 'pixel' (PixelDiscriminator: 1×1 convs ndf, 2ndf, 1) */
  variant?: 'nlayer' | 'pixel';
  /** model name; default 'patchgan_discriminator' */
  name?: string;
}

const KEYS = ['inChannels', 'ndf', 'nLayers', 'norm', 'spectralNorm', 'variant', 'name'] as const;

/**
 * NLayer PatchGAN: raw logits per overlapping patch, no sigmoid.
 *
 * ```
 * x ─conv4 s2 (ndf)─lrelu─[conv4 s2 (ndf·2ⁿ)─norm─lrelu]×(nLayers−1)
 *   ─conv4 s1 (ndf·2^nLayers, ≤ 8ndf)─norm─lrelu─conv4 s1 (1)
 * ```
 * every conv has padding 1, LeakyReLU slope 0.2. 256×256 → 30×30×1 for
 * nLayers 3; input H, W ≥ 3·2^nLayers. 2,768,705 trainable parameters for 6
 * input channels with batch norm. `variant: 'pixel'`: 1×1 convs
 * `ndf → 2ndf → 1` (output at input resolution). Torch names `model.N` (`net.N`).
 *
 * @example
 * const d = patchGanDiscriminator({ inChannels: 6 });
 * d.predict(tf.zeros([1, 256, 256, 6])); // [1, 30, 30, 1]
 */
export function patchGanDiscriminator(options: PatchGanOptions = {}): tfl.LayersModel {
  checkKeys('patchGanDiscriminator', options, KEYS);
  const inC = intOption('patchGanDiscriminator: options.inChannels', options.inChannels ?? 6);
  const ndf = intOption('patchGanDiscriminator: options.ndf', options.ndf ?? 64);
  const nLayers = intOption('patchGanDiscriminator: options.nLayers', options.nLayers ?? 3, 1, 8);
  const normKind = enumOption('patchGanDiscriminator: options.norm', options.norm ?? 'batch', NORM_KINDS);
  const variant = enumOption('patchGanDiscriminator: options.variant', options.variant ?? 'nlayer', ['nlayer', 'pixel'] as const);
  const sn = options.spectralNorm ?? false;
  if (typeof sn !== 'boolean') throw new InvalidArgumentError('patchGanDiscriminator: options.spectralNorm', 'a boolean', sn);
  const useBias = normKind !== 'batch';
  const name = options.name ?? (variant === 'pixel' ? 'pixel_discriminator' : 'patchgan_discriminator');

  if (variant === 'pixel') {
    const { input, x } = checkedInput('patchGanDiscriminator', inC, 1);
    let y = lrelu(conv(x, { filters: ndf, kernel: 1, name: 'net.0', spectralNorm: sn }));
    y = lrelu(norm(conv(y, { filters: ndf * 2, kernel: 1, bias: useBias, name: 'net.2', spectralNorm: sn }), normKind, 'net.3'));
    y = conv(y, { filters: 1, kernel: 1, bias: useBias, name: 'net.5', spectralNorm: sn });
    return checkedModel({ inputs: input, outputs: y, name });
  }

  const { input, x } = checkedInput('patchGanDiscriminator', inC, 1, 3 * 2 ** nLayers);
  let idx = 0;
  let y = lrelu(conv(x, { filters: ndf, kernel: 4, stride: 2, pad: 1, name: `model.${idx}`, spectralNorm: sn }));
  idx += 2;
  let mult = 1;
  for (let n = 1; n < nLayers; n++) {
    mult = Math.min(2 ** n, 8);
    y = conv(y, { filters: ndf * mult, kernel: 4, stride: 2, pad: 1, bias: useBias, name: `model.${idx}`, spectralNorm: sn });
    y = lrelu(norm(y, normKind, `model.${idx + 1}`));
    idx += 3; // conv, norm (an Identity for 'none' in torch), LeakyReLU
  }
  mult = Math.min(2 ** nLayers, 8);
  y = conv(y, { filters: ndf * mult, kernel: 4, stride: 1, pad: 1, bias: useBias, name: `model.${idx}`, spectralNorm: sn });
  y = lrelu(norm(y, normKind, `model.${idx + 1}`));
  idx += 3; // conv, norm (an Identity for 'none' in torch), LeakyReLU
  y = conv(y, { filters: 1, kernel: 4, stride: 1, pad: 1, name: `model.${idx}`, spectralNorm: sn });
  return checkedModel({ inputs: input, outputs: y, name });
}
