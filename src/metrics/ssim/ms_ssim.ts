/**
 * Multi-scale SSIM (Wang, Simoncelli & Bovik 2003) as defined by `tf.image.ssim_multiscale`.
 */
import { InvalidArgumentError } from '../../errors.js';
import { tf } from '../../tf.js';
import type { Tensor, Tensor1D, Tensor4D } from '../../tf.js';
import type { ImageInput } from '../../ops/image_input.js';
import { checkOptions } from '../../validate.js';
import { checkDataRange } from '../data_range.js';
import { pairLabels } from '../pair_labels.js';
import type { PairLabels } from '../pair_labels.js';
import { withTensorPair } from '../tensor_pair.js';
import { ssimPerChannel } from './core.js';
import { resolveConstants, resolveWindow } from './options.js';
import type { SsimCoreOptions } from './options.js';

/**
 * The five MS-SSIM scale weights of Wang et al. 2003 (finest scale first).
 *
 * @example msSsim(a, b, { dataRange: 1, weights: MS_SSIM_WEIGHTS.slice(0, 3) })
 */
export const MS_SSIM_WEIGHTS: readonly number[] = Object.freeze([0.0448, 0.2856, 0.3001, 0.2363, 0.1333]);

/** Options of {@link msSsim}. */
export interface MsSsimOptions {
  /** dynamic range `R`; required */
  dataRange: number;
  /** per-scale exponents (default {@link MS_SSIM_WEIGHTS}); their count is the number of scales */
  weights?: readonly number[];
  /** Gaussian window size (default 11) */
  windowSize?: number;
  /** Gaussian σ (default 1.5) */
  sigma?: number;
  /** K1 (default 0.01) */
  k1?: number;
  /** K2 (default 0.03) */
  k2?: number;
}

/** The option keys of {@link msSsim} (unknown keys are rejected). */
export const MS_SSIM_KEYS = ['dataRange', 'weights', 'windowSize', 'sigma', 'k1', 'k2'] as const;

/** Resolved MS-SSIM options: the per-scale weights and the core options of every scale. */
export interface MsSsimCore {
  weights: number[];
  core: SsimCoreOptions;
}

/**
 * MS-SSIM per image: for each channel
 * `Π_{j<M} relu(cs_j)^{w_j} · relu(ssim_M)^{w_M}`, averaged over channels, where
 * `cs_j` / `ssim_M` are the per-channel means of the contrast-structure / SSIM maps
 * ('valid' 11×11 Gaussian σ = 1.5, population statistics) at scale j, and each next
 * scale is a 2×2 average pooling (an odd size is first zero-padded by one at the end).
 * Equals `tf.image.ssim_multiscale(a, b, max_val=R)`. Every scale must stay ≥ the window
 * (for 5 scales and an 11 window: H, W ≥ 161). Differentiable.
 *
 * @param prediction images `[N,H,W,C]` (or `[H,W,C]`), float32, or `{ data, shape }`
 * @param target reference images of the same shape
 * @param options {@link MsSsimOptions}: `dataRange` (required), `weights` ({@link MS_SSIM_WEIGHTS}),
 *   `windowSize` (11), `sigma` (1.5), `k1` (0.01), `k2` (0.03)
 * @returns `Tensor1D` of length N
 * @throws InvalidArgumentError labelled `msSsim: options.key` for an unknown option key (with
 *   the valid keys and the nearest match) or a bad value — `msSsim: options.weights` unless they
 *   are finite, non-negative and of positive sum (a negative weight turns a zero term into NaN;
 *   all zeros give 1 for any pair); `msSsim: prediction` / `msSsim: target` for NaN/±Inf, empty
 *   images or images too small for the scales; `msSsim: options.dataRange` when the values
 *   contradict it (as {@link ssim})
 * @example const v = msSsim(restored, clean, { dataRange: 1 });
 */
export function msSsim(prediction: ImageInput, target: ImageInput, options: MsSsimOptions): Tensor1D {
  const o = checkOptions('msSsim', options, MS_SSIM_KEYS);
  return msSsimWith(pairLabels('msSsim'), prediction, target, resolveMsSsimOptions('msSsim', o));
}

/**
 * Validates MS-SSIM options (already checked for unknown keys); errors labelled `owner: options.key`.
 *
 * @example resolveMsSsimOptions('msSsim', { dataRange: 1 }).weights.length // 5
 */
export function resolveMsSsimOptions(owner: string, options: MsSsimOptions): MsSsimCore {
  const dataRange = checkDataRange(owner, options.dataRange);
  const weights = checkWeights(`${owner}: options.weights`, options.weights ?? MS_SSIM_WEIGHTS);
  const window = resolveWindow(owner, true, options.windowSize, options.sigma);
  const { k1, k2 } = resolveConstants(owner, options);
  return { weights, core: { dataRange, window, padding: 'valid', k1, k2, covNorm: 1 } };
}


/** Validates MS-SSIM scale weights: a non-empty list of finite, non-negative numbers with a positive sum. */
function checkWeights(label: string, weights: unknown): number[] {
  const expected = 'a non-empty array of finite, non-negative numbers with a positive sum';
  const list = Array.isArray(weights) || ArrayBuffer.isView(weights) ? Array.from(weights as ArrayLike<unknown>) : null;
  if (!list || list.length < 1) throw new InvalidArgumentError(label, expected, weights);
  list.forEach((w, j) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new InvalidArgumentError(label, expected, weights, `weight ${j} is ${String(w)}`);
  });
  if (!(list as number[]).some((w) => w > 0)) throw new InvalidArgumentError(label, expected, weights, 'all weights are 0: every pair would score 1');
  return list as number[];
}

/**
 * {@link msSsim} on resolved options, reporting errors with `labels` (the accumulator's
 * `SsimMetric.update: …`). Internal: not re-exported from the package.
 */
export function msSsimWith(labels: PairLabels, prediction: ImageInput, target: ImageInput, resolved: MsSsimCore): Tensor1D {
  const { weights, core } = resolved;
  const k = core.window.length;
  const checkScales = (p: Tensor4D) => {
    let h = p.shape[1];
    let w = p.shape[2];
    for (let j = 0; j < weights.length; j++) {
      if (h < k || w < k) {
        throw new InvalidArgumentError(labels.prediction, `a size whose ${weights.length} MS-SSIM scales all stay ≥ the window size ${k}`, `${p.shape[1]}×${p.shape[2]} (scale ${j + 1} is ${h}×${w})`);
      }
      h = Math.ceil(h / 2);
      w = Math.ceil(w / 2);
    }
  };
  const body = (p: Tensor4D, t: Tensor4D): Tensor1D =>
    tf.tidy(() => {
      let x: Tensor4D = p;
      let y: Tensor4D = t;
      const terms: Tensor[] = [];
      for (let j = 0; j < weights.length; j++) {
        if (j > 0) {
          const padH = x.shape[1] % 2;
          const padW = x.shape[2] % 2;
          if (padH || padW) {
            x = tf.pad(x, [[0, 0], [0, padH], [0, padW], [0, 0]]);
            y = tf.pad(y, [[0, 0], [0, padH], [0, padW], [0, 0]]);
          }
          x = tf.avgPool(x, 2, 2, 'valid');
          y = tf.avgPool(y, 2, 2, 'valid');
        }
        const { ssim: s, cs } = ssimPerChannel(x, y, core, labels.prediction);
        const v = tf.relu(j === weights.length - 1 ? s : cs);
        terms.push(tf.pow(v, tf.scalar(weights[j]!)));
      }
      let prod = terms[0]!;
      for (let j = 1; j < terms.length; j++) prod = tf.mul(prod, terms[j]!);
      return tf.mean(prod, 1) as Tensor1D;
    });
  return withTensorPair(labels, prediction, target, core.dataRange, body, checkScales);
}
