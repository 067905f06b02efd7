import { tf } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';
import { assertOneOf, assertRank, checkOptions } from '../validate.js';
import { InvalidArgumentError } from '../errors.js';
import { assertFiniteTensor } from '../finite_check.js';
import { checkInputs, TermCollector, tidyComposite, type CompositeLoss } from './composite.js';
import { crossEntropyLoss } from './cross_entropy_loss.js';
import { ganGeneratorLoss, type GanMode } from './gan_loss.js';
import { callNetwork, type LossNetwork } from './network.js';
import { optionKeys } from './option_keys.js';

/** Tensors and networks of {@link cooperativeRefinementLoss}. */
export interface CooperativeRefinementLossInputs {
  /** the degraded image I_d `[N, H, W, C]` (conditions D1) */
  degraded: Tensor4D;
  /** G1's refined segmentation S_r as logits `[N, H, W, K]` */
  refined: Tensor4D;
  /** ground-truth segmentation S_gt, int32 `[N, H, W]` (needed if `lambdaCe` > 0) */
  labels?: Tensor;
  /** D1 (SN-PatchGAN), called on `concat([softmax(S_r), I_d], -1)` (needed if `lambdaGan` > 0) */
  discriminator?: LossNetwork;
}

/** Weights and settings of {@link cooperativeRefinementLoss}. */
export interface CooperativeRefinementLossOptions {
  /** weight of L_GAN; default 1 */
  lambdaGan?: number;
  /** λ, weight of the refinement CE (the paper's L_ref); default 10 */
  lambdaCe?: number;
  /** default 'lsgan' (the paper trains with LSGAN) */
  ganMode?: GanMode;
  /** what D1 sees of S_r: `'softmax'` probabilities (default) or raw `'logits'` */
  discriminatorInput?: 'softmax' | 'logits';
  /** CE class weights */
  classWeights?: number[];
  /** default 255 */
  ignoreIndex?: number;
}

/** The keys of {@link CooperativeRefinementLossInputs} (internal). */
export const COOPERATIVE_REFINEMENT_LOSS_INPUTS = optionKeys<CooperativeRefinementLossInputs>()(['degraded', 'refined', 'labels', 'discriminator']);
/** The keys of {@link CooperativeRefinementLossOptions} (internal). */
export const COOPERATIVE_REFINEMENT_LOSS_KEYS = optionKeys<CooperativeRefinementLossOptions>()(['lambdaGan', 'lambdaCe', 'ganMode', 'discriminatorInput', 'classWeights', 'ignoreIndex']);

/**
 * G1 loss of the cooperative restoration + segmentation paper (eq. 1–3):
 * `L_G1 = λ_gan·L_GAN(D1(concat(S_r, I_d))) + λ·CE(S_r, S_gt)`, λ_gan = 1, λ = 10
 * (`lambdaGan`, `lambdaCe`), LSGAN.
 * Train D1 with `ganDiscriminatorLoss(D1(concat(onehot(S_gt), I_d)), D1(concat(softmax(S_r), I_d)))`.
 * `degraded` is data and must be finite; NaN/±Inf in `refined` give a NaN CE term; an empty
 * batch gives 0 for every term without calling the discriminator.
 *
 * @param inputs the tensors and networks ({@link CooperativeRefinementLossInputs})
 * @param options the weights and settings ({@link CooperativeRefinementLossOptions})
 * @throws InvalidArgumentError if `degraded` holds NaN/±Inf, labels are out of range, a needed input is missing, or an input or option key is unknown
 *
 * @returns `{ total, terms: { gan, ce } }` (unweighted terms)
 * @example
 * const { total } = cooperativeRefinementLoss({ degraded, refined: G1.apply(x), labels, discriminator: D1 }, { lambdaCe: 10 });
 */
export function cooperativeRefinementLoss(inputs: CooperativeRefinementLossInputs, options?: CooperativeRefinementLossOptions): CompositeLoss {
  const fn = 'cooperativeRefinementLoss';
  const o = checkOptions(fn, options, COOPERATIVE_REFINEMENT_LOSS_KEYS);
  const { degraded, refined, ...rest } = checkInputs(fn, inputs, COOPERATIVE_REFINEMENT_LOSS_INPUTS);
  const c = new TermCollector(fn);
  const lambdaGan = c.weight('lambdaGan', o.lambdaGan, 1);
  const lambdaCe = c.weight('lambdaCe', o.lambdaCe, 10);
  assertRank(`${fn}: inputs.refined`, refined, 4);
  const mode = o.discriminatorInput ?? 'softmax';
  assertOneOf(`${fn}: options.discriminatorInput`, mode, ['softmax', 'logits'] as const);
  const discriminator = lambdaGan > 0 ? c.require('discriminator', rest.discriminator, 'a discriminator network', 'lambdaGan') : undefined;
  if (lambdaGan > 0) {
    assertRank(`${fn}: inputs.degraded`, degraded, 4);
    if (degraded.shape.slice(0, 3).join() !== refined.shape.slice(0, 3).join()) {
      throw new InvalidArgumentError(`${fn}: inputs.degraded`, `an image [${refined.shape.slice(0, 3)}, C] matching refined`, degraded);
    }
  }
  const labels = lambdaCe > 0 ? c.require('labels', rest.labels, 'int32 ground-truth labels', 'lambdaCe') : undefined;
  if (lambdaGan > 0) assertFiniteTensor(`${fn}: inputs.degraded`, degraded);
  c.emptyBatch(refined);
  return tidyComposite(() => {
    c.add('gan', lambdaGan, () => {
      const s = mode === 'softmax' ? tf.softmax(refined) : refined;
      return ganGeneratorLoss(callNetwork(`${fn}: inputs.discriminator`, discriminator!, tf.concat([s, degraded], -1)), { mode: o.ganMode ?? 'lsgan' });
    });
    c.add('ce', lambdaCe, () => crossEntropyLoss(refined, labels!, { ignoreIndex: o.ignoreIndex, classWeights: o.classWeights }));
    return c.result();
  });
}
