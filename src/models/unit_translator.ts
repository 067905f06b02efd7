/**
 * UNIT (Liu et al. 2017) image-to-image translator: two VAE generators whose
 * innermost residual blocks are shared, enforcing one latent space.
 */
import { tf, tfl } from '../tf.js';
import type { Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { assertRank, assertTensor } from '../validate.js';
import { tfSeed } from '../ops/rng.js';
import { ap, checkKeys, checkedInput, ganInit, intOption, relu, tanh, checkedModel } from './blocks.js';
import type { SymbolicTensor } from './blocks.js';
import { GroupNormalization } from './layers/group_normalization.js';
import { InstanceNormalization } from './layers/instance_normalization.js';
import { ReflectionPadding2D } from './layers/reflection_padding2d.js';

/** Options of {@link unitTranslator}. */
export interface UnitTranslatorOptions {
  /** channels of domain A images; default 3 */
  inChannelsA?: number;
  /** channels of domain B images; default 3 */
  inChannelsB?: number;
  /** filters of the first conv (latent has dim·2^nDownsample channels); default 64 */
  dim?: number;
  /** stride-2 downsamplings; default 2 */
  nDownsample?: number;
  /** residual blocks in each encoder and each decoder; default 4 */
  nRes?: number;
  /** of those, how many (the innermost) are shared between the domains; default 1 */
  nShared?: number;
}

/** The two generators of {@link unitTranslator} with their helpers. */
export interface UnitTranslator {
  /** image A → latent μ `[N, H/4, W/4, 4·dim]` */
  encoderA: tfl.LayersModel;
  encoderB: tfl.LayersModel;
  /** latent → image A in [−1, 1] */
  decoderA: tfl.LayersModel;
  decoderB: tfl.LayersModel;
  /** latent channels */
  latentChannels: number;
  /** μ = E_domain(x) */
  encode(x: Tensor, domain: 'a' | 'b', training?: boolean): Tensor;
  /** G_domain(z) */
  decode(z: Tensor, domain: 'a' | 'b', training?: boolean): Tensor;
  /** G_to(E_from(x)) (no sampling noise) */
  translate(x: Tensor, from: 'a' | 'b', training?: boolean): Tensor;
  /** `μ + N(0, 1)` noise, UNIT's reparameterisation with unit variance */
  sample(mu: Tensor, seed?: number): Tensor;
  /** all trainable weights of both generators, shared ones once */
  trainableWeights: tfl.LayerVariable[];
  dispose(): void;
}

const KEYS = ['inChannelsA', 'inChannelsB', 'dim', 'nDownsample', 'nRes', 'nShared'] as const;

interface ConvBlockLayers {
  pad: tfl.layers.Layer;
  conv: tfl.layers.Layer;
  norm: tfl.layers.Layer | null;
}

/** UNIT Conv2dBlock: reflection pad → conv (bias) → norm → activation. */
function convBlock(filters: number, k: number, stride: number, pad: number, norm: 'in' | 'ln' | 'none', name: string): ConvBlockLayers {
  return {
    pad: new ReflectionPadding2D({ padding: pad, name: `${name}.pad` }),
    conv: tfl.layers.conv2d({ filters, kernelSize: k, strides: stride, padding: 'valid', kernelInitializer: ganInit(), name: `${name}.conv` }),
    norm:
      norm === 'in'
        ? new InstanceNormalization({ name: `${name}.norm` })
        : norm === 'ln'
          ? new GroupNormalization({ groups: 1, name: `${name}.norm` })
          : null,
  };
}

function applyBlock(b: ConvBlockLayers, x: SymbolicTensor, act: 'relu' | 'tanh' | 'none'): SymbolicTensor {
  let y = ap(b.conv, ap(b.pad, x));
  if (b.norm) y = ap(b.norm, y);
  return act === 'relu' ? relu(y) : act === 'tanh' ? tanh(y) : y;
}

/** One residual block's layers (reused by both domains when shared). */
function resBlock(dim: number, name: string): [ConvBlockLayers, ConvBlockLayers] {
  return [convBlock(dim, 3, 1, 1, 'in', `${name}.model.0`), convBlock(dim, 3, 1, 1, 'in', `${name}.model.1`)];
}
function applyRes(r: [ConvBlockLayers, ConvBlockLayers], x: SymbolicTensor): SymbolicTensor {
  const y = applyBlock(r[1], applyBlock(r[0], x, 'relu'), 'none');
  return ap(tfl.layers.add(), [x, y]);
}

/**
 * UNIT generators (the authors' `VAEGen` pair with weight sharing):
 *
 * ```
 * E_a: conv7(dim)─IN─ReLU ─[conv4 s2─IN─ReLU]×nDown ─ResBlock×(nRes−nShared)─┐
 *                                                       shared ResBlock×nShared ─ μ
 * E_b: (own weights)                                 ─┘
 * G_a: shared ResBlock×nShared ─ ResBlock×(nRes−nShared) ─[up2 nearest─conv5─LN─ReLU]×nDown
 *      ─conv7(C)─tanh        (G_b likewise, own weights)
 * ```
 * ResBlock: `x + IN(conv3(ReLU(IN(conv3 x))))`; all convs reflection-padded.
 * LN is a per-image layer norm over (H,W,C) with per-channel affine
 * (`GroupNormalization` with one group; UNIT divides by std + ε instead of
 * sqrt(var + ε)). Images H, W multiples of 2^nDownsample.
 *
 * @example
 * const unit = unitTranslator({ dim: 64 });
 * const night = unit.translate(day, 'a'); // day (A) → night (B)
 */
export function unitTranslator(options: UnitTranslatorOptions = {}): UnitTranslator {
  checkKeys('unitTranslator', options, KEYS);
  const cA = intOption('unitTranslator: options.inChannelsA', options.inChannelsA ?? 3);
  const cB = intOption('unitTranslator: options.inChannelsB', options.inChannelsB ?? 3);
  const dim0 = intOption('unitTranslator: options.dim', options.dim ?? 64);
  const nDown = intOption('unitTranslator: options.nDownsample', options.nDownsample ?? 2, 0, 6);
  const nRes = intOption('unitTranslator: options.nRes', options.nRes ?? 4, 1);
  const nShared = intOption('unitTranslator: options.nShared', options.nShared ?? 1, 0, nRes);
  const latent = dim0 * 2 ** nDown;
  const sharedEnc = Array.from({ length: nShared }, (_, i) => resBlock(latent, `shared_enc.${i}`));
  const sharedDec = Array.from({ length: nShared }, (_, i) => resBlock(latent, `shared_dec.${i}`));

  const encoder = (d: 'a' | 'b', c: number) => {
    const { input, x: x0 } = checkedInput(`unitTranslator encoder ${d.toUpperCase()}`, c, 2 ** nDown);
    let x = applyBlock(convBlock(dim0, 7, 1, 3, 'in', `enc_${d}.model.0`), x0, 'relu');
    let dim = dim0;
    for (let i = 0; i < nDown; i++) {
      dim *= 2;
      x = applyBlock(convBlock(dim, 4, 2, 1, 'in', `enc_${d}.model.${i + 1}`), x, 'relu');
    }
    for (let i = 0; i < nRes - nShared; i++) x = applyRes(resBlock(latent, `enc_${d}.res.${i}`), x);
    for (const r of sharedEnc) x = applyRes(r, x);
    return checkedModel({ inputs: input, outputs: x, name: `unit_encoder_${d}` });
  };
  const decoder = (d: 'a' | 'b', c: number) => {
    const input = tfl.input({ shape: [null, null, latent] as unknown as number[], name: 'latent' });
    let x: SymbolicTensor = input;
    for (const r of sharedDec) x = applyRes(r, x);
    for (let i = 0; i < nRes - nShared; i++) x = applyRes(resBlock(latent, `dec_${d}.res.${i}`), x);
    let dim = latent;
    for (let i = 0; i < nDown; i++) {
      x = ap(tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'nearest' }), x);
      dim /= 2;
      x = applyBlock(convBlock(dim, 5, 1, 2, 'ln', `dec_${d}.up.${i}`), x, 'relu');
    }
    x = applyBlock(convBlock(c, 7, 1, 3, 'none', `dec_${d}.out`), x, 'tanh');
    return checkedModel({ inputs: input, outputs: x, name: `unit_decoder_${d}` });
  };
  const encoderA = encoder('a', cA);
  const encoderB = encoder('b', cB);
  const decoderA = decoder('a', cA);
  const decoderB = decoder('b', cB);
  const enc = (d: 'a' | 'b') => (d === 'a' ? encoderA : d === 'b' ? encoderB : null);
  const dec = (d: 'a' | 'b') => (d === 'a' ? decoderA : d === 'b' ? decoderB : null);
  const checkDomain = (name: string, d: unknown) => {
    if (d !== 'a' && d !== 'b') throw new InvalidArgumentError(name, '"a" or "b"', d);
  };
  const trainableWeights = [...new Set([encoderA, encoderB, decoderA, decoderB].flatMap((m) => m.trainableWeights))];
  return {
    encoderA,
    encoderB,
    decoderA,
    decoderB,
    latentChannels: latent,
    trainableWeights,
    encode(x, domain, training = false) {
      checkDomain('UnitTranslator.encode: domain', domain);
      assertRank('UnitTranslator.encode: x', x, 4);
      return enc(domain)!.apply(x, { training }) as Tensor;
    },
    decode(z, domain, training = false) {
      checkDomain('UnitTranslator.decode: domain', domain);
      assertRank('UnitTranslator.decode: z', z, 4);
      if (z.shape[3] !== latent) throw new InvalidArgumentError('UnitTranslator.decode: z', `a latent code with ${latent} channels`, z);
      return dec(domain)!.apply(z, { training }) as Tensor;
    },
    translate(x, from, training = false) {
      checkDomain('UnitTranslator.translate: from', from);
      return tf.tidy(() => this.decode(this.encode(x, from, training), from === 'a' ? 'b' : 'a', training));
    },
    sample(mu, seed) {
      assertTensor('UnitTranslator.sample: mu', mu);
      return tf.tidy(() => tf.add(mu, tf.randomNormal(mu.shape, 0, 1, 'float32', tfSeed(seed))));
    },
    dispose() {
      for (const m of [encoderA, encoderB, decoderA, decoderB]) m.dispose();
    },
  };
}
