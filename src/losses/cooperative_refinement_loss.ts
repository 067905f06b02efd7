import { tf } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';
import { assertOneOf, assertRank } from '../validate.js';
import { InvalidArgumentError } from '../errors.js';
import { TermCollector, tidyComposite, type CompositeLoss } from './_composite.js';
import { callNetwork, type Network } from './_util.js';
import { assertFiniteTensor } from '../finite_check.js';
import { crossEntropyLoss } from './cross_entropy_loss.js';
import { ganGeneratorLoss, type GanMode } from './gan_loss.js';

/** Tensors and networks of {@link cooperativeRefinementLoss}. */
export interface CooperativeRefinementLossInputs {
  /** the degraded image I_d `[N, H, W, C]` (conditions D1) */
  degraded: Tensor4D;
  /** G1's refined segmentation S_r as logits `[N, H, W, K]` */
  refined: Tensor4D;
  /** ground-truth segmentation S_gt, int32 `[N, H, W]` (needed if `lambda` > 0) */
  labels?: Tensor;
  /** D1 (SN-PatchGAN), called on `concat([softmax(S_r), I_d], -1)` (needed if `ganWeight` > 0) */
  discriminator?: Network;
}

/** Weights and settings of {@link cooperativeRefinementLoss}. */
export interface CooperativeRefinementLossOptions {
  /** weight of L_GAN; default 1 */
  ganWeight?: number;
  /** λ, weight of the refinement CE; default 10 */
  lambda?: number;
  /** default 'lsgan' (the paper trains with LSGAN) */
  ganMode?: GanMode;
  /** what D1 sees of S_r: `'softmax'` probabilities (default) or raw `'logits'` */
  discriminatorInput?: 'softmax' | 'logits';
  /** CE class weights */
  classWeights?: number[];
  /** default 255 */
  ignoreIndex?: number;
}

/**
 * G1 loss of the cooperative restoration + segmentation paper (eq. 1–3):
 * `L_G1 = ganWeight·L_GAN(D1(concat(S_r, I_d))) + λ·CE(S_r, S_gt)`, λ = 10, LSGAN.
 * Train D1 with `ganDiscriminatorLoss(D1(concat(onehot(S_gt), I_d)), D1(concat(softmax(S_r), I_d)))`.
 * `degraded` is data and must be finite; NaN/±Inf in `refined` give a NaN CE term; an empty
 * batch gives 0 for every term without calling the discriminator.
 *
 * @throws InvalidArgumentError if `degraded` holds NaN/±Inf or labels are out of range
 *
 * @returns `{ total, terms: { gan, ce } }` (unweighted terms)
 * @example
 * const { total } = cooperativeRefinementLoss({ degraded, refined: G1.apply(x), labels, discriminator: D1 });
 */
export function cooperativeRefinementLoss(inputs: CooperativeRefinementLossInputs, options: CooperativeRefinementLossOptions = {}): CompositeLoss {
  const c = new TermCollector('cooperativeRefinementLoss');
  const ganWeight = c.weight('ganWeight', options.ganWeight, 1);
  const lambda = c.weight('lambda', options.lambda, 10);
  const { degraded, refined } = inputs ?? ({} as CooperativeRefinementLossInputs);
  assertRank('cooperativeRefinementLoss: refined', refined, 4);
  const mode = options.discriminatorInput ?? 'softmax';
  assertOneOf('cooperativeRefinementLoss: discriminatorInput', mode, ['softmax', 'logits'] as const);
  const discriminator = ganWeight > 0 ? c.require('discriminator', inputs.discriminator, 'a discriminator network', 'ganWeight') : undefined;
  if (ganWeight > 0) {
    assertRank('cooperativeRefinementLoss: degraded', degraded, 4);
    if (degraded.shape.slice(0, 3).join() !== refined.shape.slice(0, 3).join()) {
      throw new InvalidArgumentError('cooperativeRefinementLoss: degraded', `an image [${refined.shape.slice(0, 3)}, C] matching refined`, degraded);
    }
  }
  const labels = lambda > 0 ? c.require('labels', inputs.labels, 'int32 ground-truth labels', 'lambda') : undefined;
  if (ganWeight > 0) assertFiniteTensor('cooperativeRefinementLoss: degraded', degraded);
  c.emptyBatch(refined);
  return tidyComposite(() => {
    c.add('gan', ganWeight, () => {
      const s = mode === 'softmax' ? tf.softmax(refined) : refined;
      return ganGeneratorLoss(callNetwork('cooperativeRefinementLoss: discriminator', discriminator!, tf.concat([s, degraded], -1)), { mode: options.ganMode ?? 'lsgan' });
    });
    c.add('ce', lambda, () => crossEntropyLoss(refined, labels!, { ignoreIndex: options.ignoreIndex, classWeights: options.classWeights }));
    return c.result();
  });
}
