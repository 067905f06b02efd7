/**
 * The per-pixel softmax cross-entropy terms shared by {@link crossEntropyLoss}, focal loss and
 * their combination, so that the three agree by construction (internal).
 */
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { labelTensors } from './label_tensors.js';

/**
 * `log softmax(logits)` at the one-hot target of every pixel: `log p_t = (z_t − max z) − log Σ_k e^{z_k − max z}`,
 * shape `logits.shape[:-1]`. Its gradient `∂/∂z = dy · (onehot − softmax(z))` reuses the forward's
 * exponentials: one `Exp` over the logits instead of three (tfjs's `logSoftmax` forward and
 * gradient each recompute them; 2×256×512×19: 140 → ~85 ms forward + backward on wasm).
 * First-order only (the saved softmax is a constant to a second derivative).
 */
export const targetLogProb = tf.customGrad(((logits: Tensor, oneHot: Tensor, save: (t: Tensor[]) => void) => {
  const shifted = tf.sub(logits, tf.max(logits, -1, true));
  const e = tf.exp(shifted);
  const s = tf.sum(e, -1, true);
  save([e, s, oneHot]);
  const value = tf.sub(tf.sum(tf.mul(oneHot, shifted), -1), tf.squeeze(tf.log(s), [-1]));
  return {
    value,
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [es, sum, hot] = saved as [Tensor, Tensor, Tensor];
      return [tf.mul(tf.expandDims(dy, -1), tf.sub(hot, tf.div(es, sum))), tf.zerosLike(hot)];
    },
  };
}) as never) as (logits: Tensor, oneHot: Tensor) => Tensor;

/** What {@link crossEntropyTerms} returns; every tensor has the labels' shape `[...]`. */
export interface CrossEntropyTerms {
  /** `log p_t`, the log-softmax at the target class (class 0 at ignored pixels) */
  logpt: Tensor;
  /** `w_{y}·mask`: the CE weight of each pixel (the mask alone without class weights) — the mean's denominator */
  w: Tensor;
  /** 1 at non-ignored pixels, 0 at ignored ones */
  mask: Tensor;
  /** the labels with ignored pixels replaced by 0 (for per-class gathers) */
  safe: Tensor;
  /** the per-pixel CE, `w_y·(−log p_y)` — with label smoothing ε, `(1−ε)·w_y·(−log p_y) + ε/K·Σ_k w_k·(−log p_k)` — 0 at ignored pixels */
  perPixel: Tensor;
}

/**
 * Per-pixel weighted softmax cross-entropy (PyTorch's `cross_entropy` before its reduction):
 * `ℓ_i = w_{y_i}·(−log p_{i,y_i})`, or with label smoothing ε
 * `ℓ_i = (1 − ε)·w_{y_i}·(−log p_{i,y_i}) + ε/K · Σ_k w_k·(−log p_{i,k})`, masked at ignored pixels;
 * the weighted mean is `Σ ℓ / Σ w`. Without smoothing `log p_t` comes from {@link targetLogProb}
 * (one `Exp`); with it, from a full `logSoftmax` (every class's log-probability is needed).
 *
 * @param logits float32 `[..., K]`
 * @param labels int32 `[...]` (already validated)
 */
export function crossEntropyTerms(logits: Tensor, labels: Tensor, K: number, ignoreIndex: number, classWeights?: number[], labelSmoothing = 0): CrossEntropyTerms {
  const { oneHot, mask, safe } = labelTensors(labels, K, ignoreIndex, false);
  const logp = labelSmoothing > 0 ? tf.logSoftmax(logits) : null;
  const logpt = logp ? tf.sum(tf.mul(oneHot, logp), -1) : targetLogProb(logits, oneHot);
  const w = classWeights ? tf.mul(tf.gather(tf.tensor1d(classWeights), safe), mask) : mask;
  let perPixel = tf.neg(tf.mul(w, logpt));
  if (labelSmoothing > 0) {
    const cw = classWeights ? tf.mul(logp!, tf.tensor1d(classWeights)) : logp!;
    const smooth = tf.mul(tf.neg(tf.sum(cw, -1)), mask);
    perPixel = tf.add(tf.mul(perPixel, 1 - labelSmoothing), tf.mul(smooth, labelSmoothing / K));
  }
  return { logpt, w, mask, safe, perPixel };
}
