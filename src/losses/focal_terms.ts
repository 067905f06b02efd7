/** The per-pixel focal terms shared by focal loss and the CE+focal combination (internal). */
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { checkClassVector } from './label_checks.js';

/** Validates focal α (a number ≥ 0 or one per class), labelled `label` (e.g. `'focalLoss: options.alpha'`). */
export function checkFocalAlpha(label: string, alpha: unknown, K: number): number | number[] | undefined {
  if (alpha === undefined) return undefined;
  if (typeof alpha === 'number') {
    if (!Number.isFinite(alpha) || alpha < 0) throw new InvalidArgumentError(label, 'a finite number ≥ 0 or an array of K numbers', alpha);
    return alpha;
  }
  return checkClassVector(label, alpha, K);
}

/**
 * Per-pixel focal terms `−α_t·(1 − p_t)^γ·log p_t`, masked (0 at ignored pixels), not reduced.
 *
 * @param logpt `log p_t` per pixel (from the cross-entropy terms)
 * @param safe int32 labels with ignored pixels replaced by 0 (for a per-class α)
 * @param mask 1 at non-ignored pixels
 */
export function focalTerms(logpt: Tensor, safe: Tensor, mask: Tensor, gamma: number, alpha: number | number[] | undefined): Tensor {
  // 1 − p_t computed as −expm1(log p_t): exact when p_t → 1 (logits of ±80)
  let term = tf.neg(logpt);
  if (gamma !== 0) {
    const oneMinus = tf.maximum(tf.neg(tf.expm1(logpt)), 1e-30);
    term = tf.mul(tf.pow(oneMinus, gamma), term);
  }
  if (typeof alpha === 'number') term = tf.mul(term, alpha);
  else if (alpha) term = tf.mul(term, tf.gather(tf.tensor1d(alpha), safe));
  return tf.mul(term, mask);
}
