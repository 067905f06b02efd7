/**
 * The public face of the losses: every loss function, its options type, and the few types a
 * caller needs to name (`LossReduction`, `LossNetwork`, `CompositeLoss`, `GanMode`, …).
 * Internal helpers (reductions, label checks, the composites' plumbing, option-key lists) are
 * not exported. `stopGradient` is: tfjs has no `stop_gradient`, and a user writing a composite of
 * their own needs the same `.detach()` the built-in composites use.
 */
export type { Reduction as LossReduction } from './reduction.js';
export type { LossNetwork } from './network.js';
export { stopGradient } from './stop_gradient.js';
export type { CompositeLoss } from './composite.js';

export { l1Loss, type PixelLossOptions } from './l1_loss.js';
export { l2Loss } from './l2_loss.js';
export { charbonnierLoss, type CharbonnierLossOptions } from './charbonnier_loss.js';
export { ganGeneratorLoss, ganDiscriminatorLoss, GAN_MODES, type GanMode, type GanLogits, type GanGeneratorLossOptions, type GanDiscriminatorLossOptions } from './gan_loss.js';
export { gradientPenalty, type GradientPenaltyOptions } from './gradient_penalty.js';
export { totalVariationLoss, type TotalVariationLossOptions } from './total_variation_loss.js';
export { crossEntropyLoss, type CrossEntropyLossOptions } from './cross_entropy_loss.js';
export { focalLoss, type FocalLossOptions } from './focal_loss.js';
export { combinedCeFocalLoss, type CombinedCeFocalLossOptions } from './combined_ce_focal_loss.js';
export { diceLoss, type DiceLossOptions } from './dice_loss.js';
export { lovaszSoftmaxLoss, type LovaszSoftmaxLossOptions } from './lovasz_softmax_loss.js';
export { klLoss, gaussianKl, type KlLossOptions } from './kl_loss.js';
export { segmentationConsistencyLoss, type SegmentationConsistencyLossOptions, type SegmentationConsistencyMode } from './segmentation_consistency_loss.js';
export { gramMatrix } from './gram_matrix.js';
export type { LayerWeights as VggLayerWeights } from './vgg_loss_common.js';
export { perceptualLoss, type PerceptualLossOptions } from './perceptual_loss.js';
export { styleLoss, DEFAULT_STYLE_LAYERS, type StyleLossOptions } from './style_loss.js';

export { dfsGeneratorLoss, type DfsGeneratorLossInputs, type DfsGeneratorLossOptions } from './dfs_generator_loss.js';
export { cooperativeRefinementLoss, type CooperativeRefinementLossInputs, type CooperativeRefinementLossOptions } from './cooperative_refinement_loss.js';
export { cooperativeRestorationLoss, COOPERATIVE_VGG_LAYERS, type CooperativeRestorationLossInputs, type CooperativeRestorationLossOptions } from './cooperative_restoration_loss.js';
export {
  unitGeneratorLoss,
  unitDiscriminatorLoss,
  type UnitGeneratorLossInputs,
  type UnitGeneratorLossOptions,
  type UnitDiscriminatorLossInputs,
  type UnitDiscriminatorLossOptions,
} from './unit_losses.js';
