/**
 * Options of {@link ssim} and their resolution into the filter window and constants
 * (free of tfjs so worker threads can load it).
 */
import { InvalidArgumentError } from '../errors.js';
import { assertNumber, assertOneOf } from '../validate.js';
import { gaussianWindow, uniformWindow } from './gaussian_window.js';
import { checkDataRange } from './image_data.js';
import type { SsimCoreOptions } from './ssim_core.js';

/** Options of {@link ssim}. */
export interface SsimOptions {
  /** dynamic range `R` of the pixel values (1, 255, 2 for [-1,1]…); required */
  dataRange: number;
  /**
   * border handling of the local statistics (default `'valid'`):
   * - `'valid'`: only windows fully inside the image (Wang's `ssim_index.m`, scikit-image, `tf.image.ssim`);
   * - `'reflect'`: mirror padding without repeating the edge, map over the full image (torchmetrics ≥ 1.5);
   * - `'zero'`: zero padding, map over the full image (`pytorch_ssim`, used by the DFS code).
   */
  padding?: 'valid' | 'reflect' | 'zero';
  /** Gaussian window (default true); `false` = uniform box window of `windowSize` */
  gaussian?: boolean;
  /** odd window size (default 11 for the Gaussian, 7 for the uniform window as in scikit-image) */
  windowSize?: number;
  /** Gaussian σ (default 1.5) */
  sigma?: number;
  /** K1 (default 0.01) */
  k1?: number;
  /** K2 (default 0.03) */
  k2?: number;
  /** scale (co)variances by NP/(NP−1), NP = windowSize² (scikit-image `use_sample_covariance=True`); default false */
  sampleCovariance?: boolean;
  /**
   * automatic downsampling of Wang's 2009 `ssim.m`: `f = max(1, round(min(H,W)/256))`, an f×f box
   * filter with symmetric borders, then every f-th pixel (default false)
   */
  downsample?: boolean;
}

/**
 * Resolves and validates SSIM options into the core options (window, constants, padding).
 *
 * @example resolveSsimOptions({ dataRange: 1 }).window.length // 11
 */
export function resolveSsimOptions(options: SsimOptions): SsimCoreOptions {
  const dataRange = checkDataRange(options?.dataRange);
  const padding = options.padding ?? 'valid';
  assertOneOf('options.padding', padding, ['valid', 'reflect', 'zero'] as const);
  const gaussian = options.gaussian ?? true;
  assertOneOf('options.gaussian', gaussian, [true, false] as const);
  const windowSize = options.windowSize ?? (gaussian ? 11 : 7);
  if (!Number.isInteger(windowSize) || windowSize < 1 || windowSize % 2 === 0) {
    throw new InvalidArgumentError('options.windowSize', 'an odd positive integer', windowSize);
  }
  const sigma = options.sigma ?? 1.5;
  assertNumber('options.sigma', sigma, { min: 0, exclusiveMin: true });
  const k1 = options.k1 ?? 0.01;
  const k2 = options.k2 ?? 0.03;
  assertNumber('options.k1', k1, { min: 0 });
  assertNumber('options.k2', k2, { min: 0 });
  const np = windowSize * windowSize;
  const covNorm = options.sampleCovariance ? np / (np - 1) : 1;
  const window = gaussian ? gaussianWindow(windowSize, sigma) : uniformWindow(windowSize);
  return { dataRange, window, padding, k1, k2, covNorm };
}
