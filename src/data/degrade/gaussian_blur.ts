/** Gaussian blur (the cooperative paper's "GB" degradation). */
import { assertNumber } from '../../validate.js';
import type { ImageRaster } from '../raster.js';
import { checkDegradeOptions, mapImages } from './image_like.js';
import type { DegradeCommonOptions, ImageLike } from './image_like.js';

/** Normalised 1-D Gaussian kernel `exp(−x²/2σ²)` over `x ∈ [−r, r]`, r = ceil(truncate·σ).
 *
 * @example gaussianKernel1d(1.2) // 9 taps summing to 1
 */
export function gaussianKernel1d(sigma: number, truncate = 3): Float32Array {
  const r = Math.max(1, Math.ceil(truncate * sigma));
  const k = new Float32Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] = k[i]! / s;
  return k;
}

/** Separable Gaussian blur of a raster with symmetric (reflect, edge-inclusive) padding.
 *
 * @example const b = blurRaster(raster, 2.5);
 */
export function blurRaster(r: ImageRaster, sigma: number, truncate = 3): ImageRaster {
  if (sigma <= 0) return { ...r, data: r.data.slice() };
  const k = gaussianKernel1d(sigma, truncate);
  const rad = (k.length - 1) / 2;
  const { height: H, width: W, channels: C } = r;
  const refl = (i: number, n: number): number => {
    // symmetric padding (abcd|dcba), repeated for kernels wider than the image
    const p = 2 * n;
    i = ((i % p) + p) % p;
    return i < n ? i : p - 1 - i;
  };
  const tmp = new Float32Array(r.data.length);
  const out = new Float32Array(r.data.length);
  const xi = new Int32Array(W + 2 * rad);
  for (let x = -rad; x < W + rad; x++) xi[x + rad] = refl(x, W);
  const src = r.data;
  for (let y = 0; y < H; y++) {
    const row = y * W;
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let j = 0; j < k.length; j++) s += k[j]! * src[(row + xi[x + j]!) * C + c]!;
        tmp[(row + x) * C + c] = s;
      }
    }
  }
  const yi = new Int32Array(H + 2 * rad);
  for (let y = -rad; y < H + rad; y++) yi[y + rad] = refl(y, H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let j = 0; j < k.length; j++) s += k[j]! * tmp[(yi[y + j]! * W + x) * C + c]!;
        out[(y * W + x) * C + c] = s;
      }
    }
  }
  return { data: out, height: H, width: W, channels: C };
}

/**
 * 2-D circularly symmetric Gaussian blur with standard deviation `sigma`
 * pixels: separable kernel `exp(−x²/2σ²)` normalised, radius `ceil(3σ)`,
 * symmetric padding (= `scipy.ndimage.gaussian_filter(mode='reflect',
 * truncate=3)` per channel). Cooperative-paper levels: σ ∈ {1.2, 2.5, 6.5, 15.2}.
 *
 * @throws InvalidArgumentError if the image holds NaN/±Inf (a blur would smear it over its
 *   neighbours), or for a negative `options.sigma` / non-positive `options.truncate`.
 * @example const blurred = gaussianBlur(image, { sigma: 2.5 }); // same shape/kind as image
 */
export function gaussianBlur<T extends ImageLike>(image: T, options: DegradeCommonOptions & { sigma: number; truncate?: number }): T {
  checkDegradeOptions('gaussianBlur', options, ['sigma', 'truncate']);
  assertNumber('gaussianBlur: options.sigma', options?.sigma, { min: 0 });
  const truncate = options.truncate ?? 3;
  assertNumber('gaussianBlur: options.truncate', truncate, { min: 0, exclusiveMin: true });
  return mapImages('gaussianBlur', image, options, (r) => blurRaster(r, options.sigma, truncate));
}
