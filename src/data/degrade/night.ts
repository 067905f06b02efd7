/** Day-to-night synthesis: darkening through a camera response, colour temperature, light sources and sensor noise. */
import { InvalidArgumentError } from '../../errors.js';
import type { Tensor } from '../../tf.js';
import { assertNumber, checkOptions } from '../../validate.js';
import type { Raster } from '../raster.js';
import { SeededRandom, hashInts } from '../../ops/rng.js';
import { blurRaster } from './gaussian_blur.js';
import { checkDegradeOptions, imageSize, mapImages, perImageMaps } from './image_like.js';
import type { DegradeCommonOptions, ImageLike } from './image_like.js';

/**
 * RGB multipliers of a black body at `kelvin`, relative to 6500 K (so 6500 K
 * → [1,1,1], lower is warmer, higher is bluer). A fitted approximation of the
 * Planckian locus in sRGB (1000 K – 40000 K).
 *
 * @example kelvinToRgb(3200) // ≈ [1, 0.75, 0.5] (tungsten)
 */
export function kelvinToRgb(kelvin: number): [number, number, number] {
  const raw = (k: number): [number, number, number] => {
    const t = Math.min(400, Math.max(10, k / 100));
    const r = t <= 66 ? 255 : 329.698727446 * Math.pow(t - 60, -0.1332047592);
    const g = t <= 66 ? 99.4708025861 * Math.log(t) - 161.1195681661 : 288.1221695283 * Math.pow(t - 60, -0.0755148492);
    const b = t >= 66 ? 255 : t <= 19 ? 0 : 138.5177312231 * Math.log(t - 10) - 305.0447927307;
    const c = (v: number): number => Math.min(255, Math.max(0, v)) / 255;
    return [c(r), c(g), c(b)];
  };
  const ref = raw(6500);
  const v = raw(kelvin);
  return [v[0] / ref[0], v[1] / ref[1], v[2] / ref[2]];
}

/** Options of {@link toNight}. */
export interface NightOptions extends DegradeCommonOptions {
  /** ambient (moon/sky) light relative to daylight, in linear units; default 0.06 */
  exposure?: number;
  /** colour temperature of the ambient light in kelvin (default 11000: bluish moonlight) */
  temperature?: number;
  /** camera response exponent: linear = v^gamma, output = linear^(1/gamma); default 2.2 */
  gamma?: number;
  /**
   * light sources: emitted radiance `[H,W,3]` (raster or tensor; e.g. the
   * `emission` of a synthetic scene). Each light shines directly, blooms and
   * lights its surroundings.
   */
  emission?: Raster | Tensor;
  /** trainId labels `[H,W]` (raster/tensor): sky is darkened further and, without `emission`, traffic lights glow */
  labels?: Raster | Tensor;
  /** scale of every light source (default 1) */
  lightIntensity?: number;
  /** bloom radius as a fraction of the image width (default 0.006) */
  bloom?: number;
  /** radius of the light a source throws on its surroundings, fraction of the width (default 0.05) */
  spill?: number;
  /** shot-noise gain (variance = shot·signal) and read-noise σ, linear units; default { shot: 0.002, read: 0.004 } */
  noise?: { shot?: number; read?: number };
}

/** The keys of {@link NightOptions} besides the common `range` and `seed`. @internal */
export const NIGHT_KEYS = ['exposure', 'temperature', 'gamma', 'emission', 'labels', 'lightIntensity', 'bloom', 'spill', 'noise'] as const;
/** The keys of {@link NightOptions.noise}. @internal */
export const NIGHT_NOISE_KEYS = ['shot', 'read'] as const;

/**
 * Turns a day image into a plausible night image, in linear light:
 * `L = v^γ`; ambient `L·exposure·wb(temperature)` (sky ×0.3 more when labels
 * are given); plus light sources `E` (emission map) seen directly, as bloom
 * `blur(E, σ_b)` and as light thrown on the surroundings `L·blur(E, σ_s)`;
 * plus sensor noise `N(0, shot·L + read²)` (seeded); output `clip(L)^(1/γ)`.
 * A stand-in for learned day→night translation (UNIT) when none is trained.
 *
 * @example const night = toNight(scene.image, { emission: scene.emission, labels: scene.labels, seed: 3 });
 */
export function toNight<T extends ImageLike>(image: T, options: NightOptions = {}): T {
  checkDegradeOptions('toNight', options, NIGHT_KEYS);
  checkOptions('toNight', options.noise, NIGHT_NOISE_KEYS, 'options.noise');
  const exposure = options.exposure ?? 0.06;
  const temperature = options.temperature ?? 11000;
  const gamma = options.gamma ?? 2.2;
  const intensity = options.lightIntensity ?? 1;
  const bloom = options.bloom ?? 0.006;
  const spill = options.spill ?? 0.05;
  assertNumber('toNight: options.exposure', exposure, { min: 0 });
  assertNumber('toNight: options.temperature', temperature, { min: 1000, max: 40000 });
  assertNumber('toNight: options.gamma', gamma, { min: 0, exclusiveMin: true });
  assertNumber('toNight: options.lightIntensity', intensity, { min: 0 });
  assertNumber('toNight: options.bloom', bloom, { min: 0 });
  assertNumber('toNight: options.spill', spill, { min: 0 });
  const shot = options.noise?.shot ?? 0.002;
  const read = options.noise?.read ?? 0.004;
  assertNumber('toNight: options.noise.shot', shot, { min: 0 });
  assertNumber('toNight: options.noise.read', read, { min: 0 });
  const [n, h, w, c] = imageSize('toNight', image);
  if (c !== 3) throw new InvalidArgumentError('toNight: image', 'an RGB image (3 channels)', `${c} channel(s)`);
  const emissions = options.emission ? perImageMaps('toNight: options.emission', options.emission, n, h, w, 3) : null;
  const labels = options.labels ? perImageMaps('toNight: options.labels', options.labels, n, h, w, 1) : null;
  const wb = kelvinToRgb(temperature);
  const seed = options.seed ?? 0;
  return mapImages('toNight', image, options, (r, k) => {
    const N = h * w;
    const lab = labels?.[k];
    let E = emissions?.[k];
    if (!E && lab) {
      // no light map: traffic lights (trainId 6) glow with their own colour
      E = new Float32Array(N * 3);
      for (let i = 0; i < N; i++) if (lab[i] === 6) for (let j = 0; j < 3; j++) E[i * 3 + j] = 3 * r.data[i * 3 + j]!;
    }
    const lin = new Float32Array(N * 3);
    for (let i = 0; i < N; i++) {
      const skyK = lab && lab[i] === 10 ? 0.3 : 1;
      for (let j = 0; j < 3; j++) lin[i * 3 + j] = Math.pow(Math.max(0, r.data[i * 3 + j]!), gamma) * exposure * wb[j]! * skyK;
    }
    if (E && intensity > 0) {
      const er = { data: E, height: h, width: w, channels: 3 };
      const sb = Math.max(0.5, bloom * w);
      const ss = Math.max(1, spill * w);
      const b1 = blurRaster(er, sb).data;
      const b2 = blurRaster(er, ss).data;
      // normalise the blurs so a source's total contribution does not depend on the radius
      const g1 = 0.8 * sb * sb;
      const g2 = 0.025 * ss * ss;
      for (let i = 0; i < N * 3; i++) {
        const albedo = Math.pow(Math.max(0, r.data[i]!), gamma);
        const sky = lab ? lab[(i / 3) | 0] === 10 : false;
        const thrown = sky ? 0 : albedo * Math.min(1.2, g2 * b2[i]!);
        lin[i] = lin[i]! + intensity * (0.4 * E[i]! + Math.min(2, g1 * b1[i]!) * 0.12 + thrown);
      }
    }
    const rng = SeededRandom.hashed(hashInts(seed, k, 0x4e16));
    const out = new Float32Array(N * 3);
    for (let i = 0; i < N * 3; i++) {
      let v = lin[i]!;
      if (shot > 0 || read > 0) v += Math.sqrt(shot * Math.max(0, v) + read * read) * rng.normal();
      v = v < 0 ? 0 : v > 1 ? 1 : v;
      out[i] = Math.pow(v, 1 / gamma);
    }
    return { ...r, data: out };
  });
}
