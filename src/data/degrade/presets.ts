/** The cooperative paper's four levels per degradation, and one entry point for all kinds. */
import { InvalidArgumentError } from '../../errors.js';
import type { Tensor } from '../../tf.js';
import type { Raster } from '../raster.js';
import { checkOptions } from '../../validate.js';
import { chromaticAberration } from './chromatic_aberration.js';
import { addFog } from './fog.js';
import { gaussianBlur } from './gaussian_blur.js';
import { gaussianNoise } from './gaussian_noise.js';
import type { ImageLike } from './image_like.js';
import { jpegCompress } from './jpeg_compress.js';
import { toNight } from './night.js';

/**
 * Levels 1–4 of each "regular degradation" of the cooperative
 * restoration/segmentation paper (§4.1), plus the Foggy Cityscapes β values
 * (levels 1–3) and night exposures (levels 1–3, darker with the level).
 *
 * @example DEGRADATION_LEVELS.jpeg[1] // 12
 */
export const DEGRADATION_LEVELS = Object.freeze({
  blur: [1.2, 2.5, 6.5, 15.2] as readonly number[],
  noise: [0.05, 0.09, 0.13, 0.2] as readonly number[],
  jpeg: [43, 12, 7, 4] as readonly number[],
  ca: [
    { red: 2, blue: 1 },
    { red: 6, blue: 3 },
    { red: 10, blue: 5 },
    { red: 14, blue: 7 },
  ] as readonly { red: number; blue: number }[],
  fog: [0.005, 0.01, 0.02] as readonly number[],
  night: [0.12, 0.06, 0.025] as readonly number[],
});

/** Degradation kinds of {@link degrade}. */
export type DegradationKind = 'blur' | 'noise' | 'jpeg' | 'ca' | 'fog' | 'night';

/** Extra inputs some kinds need. */
export interface DegradeExtras {
  /** distance map in metres (fog) */
  depth?: Tensor | Raster;
  /** light sources (night) */
  emission?: Tensor | Raster;
  /** trainIds (night) */
  labels?: Tensor | Raster;
  seed?: number;
  range?: [number, number];
}

/** The keys of {@link DegradeExtras}. @internal */
export const DEGRADE_EXTRAS_KEYS = ['depth', 'emission', 'labels', 'seed', 'range'] as const;

/**
 * Applies preset `level` (1-based) of a degradation `kind`: blur σ, noise
 * variance, JPEG quality, chromatic-aberration shifts (4 levels each), fog β
 * or night exposure (3 levels each; fog needs `depth`).
 *
 * @example const x = await degrade(image, 'jpeg', 2); // quality 12
 */
export async function degrade<T extends ImageLike>(image: T, kind: DegradationKind, level: number, extras: DegradeExtras = {}): Promise<T> {
  checkOptions('degrade', extras, DEGRADE_EXTRAS_KEYS, 'extras');
  const levels = Object.hasOwn(DEGRADATION_LEVELS, kind) ? (DEGRADATION_LEVELS as Record<string, readonly unknown[]>)[kind] : undefined;
  if (!levels) throw new InvalidArgumentError('degrade: kind', 'one of blur, noise, jpeg, ca, fog, night', kind);
  if (!Number.isInteger(level) || level < 1 || level > levels.length) throw new InvalidArgumentError('degrade: level', `an integer in [1, ${levels.length}] for ${kind}`, level);
  const p = levels[level - 1];
  const common = { seed: extras.seed ?? 0, range: extras.range };
  switch (kind) {
    case 'blur':
      return gaussianBlur(image, { ...common, sigma: p as number });
    case 'noise':
      return gaussianNoise(image, { ...common, variance: p as number });
    case 'jpeg':
      return jpegCompress(image, { ...common, quality: p as number });
    case 'ca':
      return chromaticAberration(image, { ...common, ...(p as { red: number; blue: number }) });
    case 'fog':
      if (!extras.depth) throw new InvalidArgumentError('degrade: extras.depth', 'a depth map in metres for fog', undefined);
      return addFog(image, extras.depth, { ...common, beta: p as number });
    default:
      return toNight(image, { ...common, exposure: p as number, emission: extras.emission, labels: extras.labels });
  }
}
