/** Additive Gaussian noise (the cooperative paper's "GN" degradation). */
import { InvalidArgumentError } from '../../errors.js';
import { assertNumber } from '../../validate.js';
import { SeededRandom, hashInts } from '../../ops/rng.js';
import { checkDegradeOptions, mapImages } from './image_like.js';
import type { DegradeCommonOptions, ImageLike } from './image_like.js';

/**
 * Adds i.i.d. Gaussian noise of the given `variance` (on the `[0,1]` scale)
 * and clips to `[0,1]` (= `skimage.util.random_noise(mode='gaussian', var=…,
 * clip=True)`; `clip: false` keeps the overshoot). Seeded: the same seed
 * gives the same noise. Cooperative-paper levels: variance ∈ {0.05, 0.09, 0.13, 0.2}.
 *
 * @example const noisy = gaussianNoise(image, { variance: 0.05, seed: 1 });
 */
export function gaussianNoise<T extends ImageLike>(image: T, options: DegradeCommonOptions & { variance: number; mean?: number; clip?: boolean }): T {
  checkDegradeOptions('gaussianNoise', options, ['variance', 'mean', 'clip']);
  assertNumber('gaussianNoise: options.variance', options?.variance, { min: 0 });
  const mean = options.mean ?? 0;
  assertNumber('gaussianNoise: options.mean', mean);
  const clip = options.clip ?? true;
  if (typeof clip !== 'boolean') throw new InvalidArgumentError('gaussianNoise: options.clip', 'a boolean', clip);
  const sd = Math.sqrt(options.variance);
  const seed = options.seed ?? 0;
  return mapImages('gaussianNoise', image, options, (r, k) => {
    const rng = SeededRandom.hashed(hashInts(seed, k, 0x6e6f));
    const out = new Float32Array(r.data.length);
    for (let i = 0; i < out.length; i++) {
      let v = r.data[i]! + mean + sd * rng.normal();
      if (clip) v = v < 0 ? 0 : v > 1 ? 1 : v;
      out[i] = v;
    }
    return { ...r, data: out };
  });
}
