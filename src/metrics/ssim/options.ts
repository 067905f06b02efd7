/**
 * Options of {@link ssim} and their resolution into the filter window and constants
 * (free of tfjs so worker threads can load it).
 */
import { InvalidArgumentError } from '../../errors.js';
import { assertNumber, assertOneOf } from '../../validate.js';
import { checkDataRange } from '../data_range.js';
import { gaussianWindow, uniformWindow } from './window.js';

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

/** The option keys of {@link ssim}, {@link ssimHost} and {@link ssimHostParallel} (unknown keys are rejected). */
export const SSIM_KEYS = ['dataRange', 'padding', 'gaussian', 'windowSize', 'sigma', 'k1', 'k2', 'sampleCovariance', 'downsample'] as const;

/** Resolved options of the SSIM core (tensor and host paths). */
export interface SsimCoreOptions {
  dataRange: number;
  window: Float64Array;
  padding: 'valid' | 'reflect' | 'zero';
  k1: number;
  k2: number;
  /** multiplies the (co)variances: 1 (population) or NP/(NP−1) (sample covariance) */
  covNorm: number;
}

/**
 * Validates `windowSize` / `sigma` (labelled `owner: options.windowSize`, `…sigma`) and
 * builds the 1-D window: Gaussian (default 11, σ 1.5) or uniform (default 7).
 *
 * @example resolveWindow('ssim', true, undefined, undefined).length // 11
 */
export function resolveWindow(owner: string, gaussian: boolean, windowSize: unknown, sigma: unknown): Float64Array {
  const size = windowSize ?? (gaussian ? 11 : 7);
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size % 2 === 0) {
    throw new InvalidArgumentError(`${owner}: options.windowSize`, 'an odd positive integer', size);
  }
  const s = sigma ?? 1.5;
  assertNumber(`${owner}: options.sigma`, s, { min: 0, exclusiveMin: true });
  return gaussian ? gaussianWindow(size, s) : uniformWindow(size);
}

/**
 * Validates the SSIM constants K1, K2 (finite, ≥ 0; defaults 0.01, 0.03).
 *
 * @example resolveConstants('ssim', {}) // { k1: 0.01, k2: 0.03 }
 */
export function resolveConstants(owner: string, options: { k1?: number; k2?: number }): { k1: number; k2: number } {
  const k1 = options.k1 ?? 0.01;
  const k2 = options.k2 ?? 0.03;
  assertNumber(`${owner}: options.k1`, k1, { min: 0 });
  assertNumber(`${owner}: options.k2`, k2, { min: 0 });
  return { k1, k2 };
}

/**
 * Resolves and validates SSIM options (already checked for unknown keys) into the core
 * options (window, constants, padding). Errors are labelled `owner: options.key`.
 *
 * @param owner the function or class the options were given to (`'ssim'`, `'SsimMetric'`)
 * @example resolveSsimOptions('ssim', { dataRange: 1 }).window.length // 11
 */
export function resolveSsimOptions(owner: string, options: SsimOptions): SsimCoreOptions {
  const dataRange = checkDataRange(owner, options.dataRange);
  const padding = options.padding ?? 'valid';
  assertOneOf(`${owner}: options.padding`, padding, ['valid', 'reflect', 'zero'] as const);
  const gaussian = options.gaussian ?? true;
  assertOneOf(`${owner}: options.gaussian`, gaussian, [true, false] as const);
  assertOneOf(`${owner}: options.sampleCovariance`, options.sampleCovariance ?? false, [true, false] as const);
  assertOneOf(`${owner}: options.downsample`, options.downsample ?? false, [true, false] as const);
  const window = resolveWindow(owner, gaussian, options.windowSize, options.sigma);
  const { k1, k2 } = resolveConstants(owner, options);
  const np = window.length * window.length;
  const covNorm = options.sampleCovariance ? np / (np - 1) : 1;
  return { dataRange, window, padding, k1, k2, covNorm };
}

/**
 * Throws unless an `h×w` image is large enough for the window with the padding (`'valid'`:
 * h, w ≥ window; `'reflect'`: h, w > half the window). Shared by the tensor and host paths.
 *
 * @param label the images as errors name them, e.g. `'ssim: prediction'`
 * @example checkSsimImageSize('ssim: prediction', 8, 8, core) // throws for an 11×11 'valid' window
 */
export function checkSsimImageSize(label: string, h: number, w: number, o: SsimCoreOptions): void {
  const k = o.window.length;
  const r = (k - 1) / 2;
  const pad = o.padding === 'valid' ? 0 : r;
  if (h + 2 * pad < k || w + 2 * pad < k) {
    throw new InvalidArgumentError(label, `height and width ≥ the window size ${k}${o.padding === 'valid' ? '' : ` − 2·${r}`}`, `${h}×${w}`, 'use a smaller windowSize or larger images');
  }
  if (o.padding === 'reflect' && (h <= r || w <= r)) {
    throw new InvalidArgumentError(label, `height and width > ${r} for reflect padding`, `${h}×${w}`);
  }
}
