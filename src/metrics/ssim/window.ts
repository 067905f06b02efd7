/**
 * 1-D windows used by SSIM: the normalised Gaussian and the uniform box.
 */
import { InvalidArgumentError } from '../../errors.js';

/**
 * Normalised 1-D Gaussian of odd length `size`: `g[i] = exp(−(i−r)²/(2σ²)) / Σ`,
 * `r = (size−1)/2`. The 2-D SSIM window is its outer product (separable), as in
 * Wang et al.'s `fspecial('gaussian', 11, 1.5)`.
 *
 * @example gaussianWindow(11, 1.5) // Float64Array(11), sums to 1
 */
export function gaussianWindow(size: number, sigma: number): Float64Array {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) throw new InvalidArgumentError('windowSize', 'an odd positive integer', size);
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new InvalidArgumentError('sigma', 'a positive finite number', sigma);
  const r = (size - 1) / 2;
  const g = new Float64Array(size);
  let s = 0;
  for (let i = 0; i < size; i++) {
    g[i] = Math.exp(-((i - r) ** 2) / (2 * sigma * sigma));
    s += g[i]!;
  }
  for (let i = 0; i < size; i++) g[i]! /= s;
  return g;
}

/**
 * Uniform 1-D window of odd length `size` (`1/size` each): the box filter of
 * scikit-image's `structural_similarity(gaussian_weights=False)`.
 *
 * @example uniformWindow(7) // seven values of 1/7
 */
export function uniformWindow(size: number): Float64Array {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) throw new InvalidArgumentError('windowSize', 'an odd positive integer', size);
  return new Float64Array(size).fill(1 / size);
}
