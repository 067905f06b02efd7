/**
 * Multi-scale SSIM (Wang, Simoncelli & Bovik 2003) as defined by `tf.image.ssim_multiscale`.
 */
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import type { Tensor, Tensor1D, Tensor4D } from '../tf.js';
import { assertNumber } from '../validate.js';
import { gaussianWindow } from './gaussian_window.js';
import { checkDataRange, checkPair, toImageTensor } from './image_input.js';
import type { ImageInput } from './image_input.js';
import { checkImageTensors } from './value_check.js';
import { ssimPerChannel } from './ssim_core.js';

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

/**
 * MS-SSIM per image: for each channel
 * `Π_{j<M} relu(cs_j)^{w_j} · relu(ssim_M)^{w_M}`, averaged over channels, where
 * `cs_j` / `ssim_M` are the per-channel means of the contrast-structure / SSIM maps
 * ('valid' 11×11 Gaussian σ = 1.5, population statistics) at scale j, and each next
 * scale is a 2×2 average pooling (an odd size is first zero-padded by one at the end).
 * Equals `tf.image.ssim_multiscale(a, b, max_val=R)`. Every scale must stay ≥ the window
 * (for 5 scales and an 11 window: H, W ≥ 161). Differentiable.
 *
 * @param a images `[N,H,W,C]`, float32 (the prediction)
 * @param b images of the same shape (the reference)
 * @returns `Tensor1D` of length N
 * @throws InvalidArgumentError naming `options.weights` unless they are finite, non-negative and
 *   of positive sum (a negative weight turns a zero term into NaN; all zeros give 1 for any pair);
 *   naming `a`/`b` for NaN/±Inf or empty images, `options.dataRange` when the values contradict it
 *   (as {@link ssim})
 * @example const v = msSsim(x, y, { dataRange: 1 });
 */
export function msSsim(a: ImageInput, b: ImageInput, options: MsSsimOptions): Tensor1D {
  return msSsimNamed(a, b, options, 'a', 'b');
}

/** Validates MS-SSIM scale weights: a non-empty list of finite, non-negative numbers with a positive sum. */
function checkWeights(weights: unknown): number[] {
  const expected = 'a non-empty array of finite, non-negative numbers with a positive sum';
  const list = Array.isArray(weights) || ArrayBuffer.isView(weights) ? Array.from(weights as ArrayLike<unknown>) : null;
  if (!list || list.length < 1) throw new InvalidArgumentError('options.weights', expected, weights);
  list.forEach((w, j) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new InvalidArgumentError('options.weights', expected, weights, `weight ${j} is ${String(w)}`);
  });
  if (!((list as number[]).some((w) => w > 0))) throw new InvalidArgumentError('options.weights', expected, weights, 'all weights are 0: every pair would score 1');
  return list as number[];
}

/** {@link msSsim} reporting its inputs as `nameA`/`nameB`. Internal: not re-exported from the package. */
export function msSsimNamed(a: ImageInput, b: ImageInput, options: MsSsimOptions, nameA: string, nameB: string): Tensor1D {
  const dataRange = checkDataRange(options?.dataRange);
  const weights = checkWeights(options.weights ?? MS_SSIM_WEIGHTS);
  const windowSize = options.windowSize ?? 11;
  const sigma = options.sigma ?? 1.5;
  const k1 = options.k1 ?? 0.01;
  const k2 = options.k2 ?? 0.03;
  assertNumber('options.k1', k1, { min: 0 });
  assertNumber('options.k2', k2, { min: 0 });
  const window = gaussianWindow(windowSize, sigma);
  const A = toImageTensor(nameA, a);
  const B = toImageTensor(nameB, b);
  try {
    checkPair(A.t, B.t, nameA, nameB);
    let h = A.t.shape[1];
    let w = A.t.shape[2];
    for (let j = 0; j < weights.length; j++) {
      if (h < windowSize || w < windowSize) {
        throw new InvalidArgumentError('images', `a size whose ${weights.length} MS-SSIM scales all stay ≥ the window size ${windowSize}`, `${A.t.shape[1]}×${A.t.shape[2]} (scale ${j + 1} is ${h}×${w})`);
      }
      h = Math.ceil(h / 2);
      w = Math.ceil(w / 2);
    }
    checkImageTensors([{ argument: nameB, x: B.t, role: 'reference' }, { argument: nameA, x: A.t, role: 'prediction' }], dataRange);
    return tf.tidy(() => {
      let x: Tensor4D = A.t;
      let y: Tensor4D = B.t;
      const core = { dataRange, window, padding: 'valid' as const, k1, k2, covNorm: 1 };
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
        const { ssim: s, cs } = ssimPerChannel(x, y, core);
        const v = tf.relu(j === weights.length - 1 ? s : cs);
        terms.push(tf.pow(v, tf.scalar(weights[j]!)));
      }
      let prod = terms[0]!;
      for (let j = 1; j < terms.length; j++) prod = tf.mul(prod, terms[j]!);
      return tf.mean(prod, 1) as Tensor1D;
    });
  } finally {
    if (A.owned) A.t.dispose();
    if (B.owned) B.t.dispose();
  }
}
