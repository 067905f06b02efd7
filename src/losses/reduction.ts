/**
 * The one reduction of the losses: `'mean'`, `'sum'` or `'none'`, optionally masked and weighted
 * (internal, except the {@link Reduction} type, public as `LossReduction`).
 */
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { assertOneOf } from '../validate.js';
import { safeDivide, safeMean, safeSum } from './empty_safe.js';

/**
 * How a per-element / per-item loss is reduced: `'mean'` (the default of every loss), `'sum'`,
 * or `'none'` (no reduction: per element, pixel, class or image — each loss says which).
 *
 * @example
 * const perPixel = crossEntropyLoss(logits, labels, { reduction: 'none' }); // [N, H, W]
 */
export type Reduction = 'mean' | 'sum' | 'none';

/** Every {@link Reduction}. */
export const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/** Validates `options.reduction` of `fn` (default `'mean'`), labelled `fn: options.reduction`. */
export function checkReduction(fn: string, value: unknown, allowed: readonly Reduction[] = REDUCTIONS): Reduction {
  const r = value ?? 'mean';
  assertOneOf(`${fn}: options.reduction`, r, allowed);
  return r;
}

/** The mask and weights of {@link reduceLoss}. */
export interface ReduceLossOptions {
  /**
   * 0/1 keep-mask of `perElement`'s shape (e.g. the non-ignored pixels): `'none'` and `'sum'`
   * see `mask · perElement`, and `'mean'` divides by `Σ mask` instead of the element count.
   */
  mask?: Tensor;
  /**
   * per-element weights that `perElement` already carries (PyTorch's weighted cross-entropy
   * `Σ w_i·ℓ_i / Σ w_i`): they replace `mask` in the mean's denominator, `Σ (mask·weights)`.
   * Not multiplied into `perElement` (the caller built it with them).
   */
  weights?: Tensor;
}

/**
 * Reduces a per-element loss:
 *
 * - `'none'`: `mask · x` (just `x` without a mask);
 * - `'sum'`: `Σ mask · x`;
 * - `'mean'`: `Σ mask · x / Σ d` with `d = mask · weights` (or `mask`, or `weights`), the plain
 *   element mean without either.
 *
 * Empty-safe on every backend: an empty `x`, or a masked mean whose denominator is 0 (every
 * pixel ignored), gives exactly 0 with a zero gradient — but NaN stays NaN (a NaN at a masked-out
 * element still makes the masked sum NaN, since `0 · NaN = NaN`), so a non-finite prediction never
 * yields a finite loss.
 *
 * @param perElement float32 tensor of per-element (or per-item) losses
 * @param reduction `'mean'`, `'sum'` or `'none'`
 * @param options `mask` and `weights`, each of `perElement`'s shape
 * @returns a scalar (`'mean'`, `'sum'`) or `perElement`'s shape (`'none'`)
 * @example
 * // cross-entropy: per-pixel −w_y·log p_y, mean over non-ignored pixels weighted by w_y
 * const loss = reduceLoss(perPixel, 'mean', { mask, weights: wy });
 */
export function reduceLoss(perElement: Tensor, reduction: Reduction, options: ReduceLossOptions = {}): Tensor {
  const { mask, weights } = options;
  const kept = mask ? tf.mul(perElement, mask) : perElement;
  if (reduction === 'none') return kept;
  if (reduction === 'sum') return safeSum(kept);
  const den = mask && weights ? tf.mul(mask, weights) : (weights ?? mask);
  return den ? safeDivide(safeSum(kept), safeSum(den)) : safeMean(kept);
}
