/**
 * The SN-PatchGAN discriminator of DeepFill v2 (Yu et al. 2019).
 */
import { tfl } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { checkKeys, checkedInput, conv, intOption, lrelu, checkedModel } from './blocks.js';

/** Options of {@link snPatchGanDiscriminator}. */
export interface SnPatchGanOptions {
  /** input channels (e.g. image + condition); default 3 */
  inChannels?: number;
  /** filters of the six convs; default [64, 128, 256, 256, 256, 256] */
  channels?: number[];
  /** kernel size; default 5 */
  kernelSize?: number;
  /** model name; default 'sn_patchgan_discriminator' */
  name?: string;
}

const KEYS = ['inChannels', 'channels', 'kernelSize', 'name'] as const;

/**
 * ```
 * x ─[SN conv5×5 s2 p2 ─ LeakyReLU 0.2]×6 → [N, H/64, W/64, 256]
 * ```
 * Every conv spectral-normalised (one power iteration per training call).
 * The output map is the per-patch score for the hinge loss
 * (`ganDiscriminatorLoss(..., { mode: 'hinge' })`). Input H, W multiples of
 * 2^(number of convs). Torch names `discriminator.N`.
 *
 * @example
 * const d = snPatchGanDiscriminator({ inChannels: 22 }); // 19 class maps + RGB
 */
export function snPatchGanDiscriminator(options: SnPatchGanOptions = {}): tfl.LayersModel {
  checkKeys('snPatchGanDiscriminator', options, KEYS);
  const inC = intOption('snPatchGanDiscriminator: options.inChannels', options.inChannels ?? 3);
  const channels = options.channels ?? [64, 128, 256, 256, 256, 256];
  if (!Array.isArray(channels) || channels.length === 0 || channels.some((c) => !Number.isInteger(c) || c < 1)) {
    throw new InvalidArgumentError('snPatchGanDiscriminator: options.channels', 'a non-empty array of positive integers', channels);
  }
  const k = intOption('snPatchGanDiscriminator: options.kernelSize', options.kernelSize ?? 5);
  if (k % 2 === 0) throw new InvalidArgumentError('snPatchGanDiscriminator: options.kernelSize', 'an odd integer', k);
  const { input, x: x0 } = checkedInput('snPatchGanDiscriminator', inC, 2 ** channels.length);
  let x = x0;
  channels.forEach((c, i) => {
    x = lrelu(conv(x, { filters: c, kernel: k, stride: 2, pad: (k - 1) / 2, name: `discriminator.${2 * i}`, spectralNorm: true }));
  });
  return checkedModel({ inputs: input, outputs: x, name: options.name ?? 'sn_patchgan_discriminator' });
}
