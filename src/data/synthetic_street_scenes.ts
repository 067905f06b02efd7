/**
 * `syntheticStreetScenes`: the built-in procedural street-scene data that
 * every example and the demo run on. Each scene is rendered on demand from
 * `(seed, index)` alone, so the dataset is deterministic, random-access and
 * costs no memory until a sample is asked for.
 */
import { InvalidArgumentError } from '../errors.js';
import { assertNumber, checkOptions } from '../validate.js';
import { Dataset } from './dataset.js';
import type { Sample } from './dataset.js';
import type { ImageRaster, Raster } from './raster.js';
import { SeededRandom, hashInts } from '../ops/rng.js';
import { addFog } from './degrade/fog.js';
import { NIGHT_KEYS, NIGHT_NOISE_KEYS, toNight } from './degrade/night.js';
import type { NightOptions } from './degrade/night.js';
import { DEGRADATION_LEVELS, degrade } from './degrade/presets.js';
import { renderStreetScene } from './synthetic/scene.js';

/** One synthetic scene. */
export interface SyntheticScene extends Sample {
  /** `synth_<seed>_<index>` */
  name: string;
  /** RGB in [0,1], `[H,W,3]` */
  image: ImageRaster;
  /** Cityscapes trainIds (0..18), `[H,W]` */
  labels: Raster<Uint8Array>;
  /** Cityscapes instance ids: `labelId·1000 + k` for instance classes, the labelId elsewhere */
  instances: Raster<Int32Array>;
  /** Euclidean distance to the camera in metres (sky: 600), `[H,W,1]` */
  depth: Raster<Float32Array>;
}

/** A scene plus what night synthesis needs. */
export interface SyntheticSceneWithLights extends SyntheticScene {
  /** emitted radiance of lamps, traffic lights, car lights and lit windows, `[H,W,3]` (0 elsewhere) */
  emission: ImageRaster;
}

/** Options of {@link syntheticStreetScenes}. */
export interface SyntheticStreetScenesOptions {
  /** number of scenes (default 100) */
  count?: number;
  /** image height (default 256) */
  height?: number;
  /** image width (default 512) */
  width?: number;
  /** seed (default 0): scene i depends only on (seed, i) */
  seed?: number;
  /**
   * Samples become foggy/clear pairs: `image` = {@link addFog}(scene, depth),
   * `clear` = the scene. β (1/m) and airlight are fixed numbers or `[lo, hi]`
   * ranges drawn per scene (seeded). Defaults: β ∈ [0.005, 0.02], airlight ∈ [0.8, 1].
   */
  fog?: { beta?: number | [number, number]; airlight?: number | [number, number] };
  /** Samples become night/day pairs: `image` = {@link toNight}(scene, lights, labels), `clear` = the scene. */
  night?: boolean | Omit<NightOptions, 'emission' | 'labels' | 'seed'>;
  /** Samples become degraded/clear pairs with a cooperative-paper preset (`degrade(kind, level)`). */
  degradation?: { kind: 'blur' | 'noise' | 'jpeg' | 'ca'; level: number };
}

/** The keys of {@link SyntheticStreetScenesOptions}. @internal */
export const SYNTHETIC_STREET_SCENES_KEYS = ['count', 'height', 'width', 'seed', 'fog', 'night', 'degradation'] as const;

/** The night options a synthetic dataset takes (the scene supplies emission, labels and seed). */
const SYNTHETIC_NIGHT_KEYS: readonly string[] = [...NIGHT_KEYS.filter((k) => k !== 'emission' && k !== 'labels'), 'range'];

/**
 * Validates {@link SyntheticStreetScenesOptions} (keys, nested keys and
 * values), errors labelled `<fn>: options.…`; returns the sizes with defaults.
 */
function resolveSyntheticOptions(fn: string, options: SyntheticStreetScenesOptions): { count: number; height: number; width: number; seed: number } {
  checkOptions(fn, options, SYNTHETIC_STREET_SCENES_KEYS);
  const { count = 100, height = 256, width = 512, seed = 0 } = options;
  if (!Number.isInteger(count) || count < 0) throw new InvalidArgumentError(`${fn}: options.count`, 'an integer ≥ 0', count);
  if (!Number.isInteger(height) || height < 16) throw new InvalidArgumentError(`${fn}: options.height`, 'an integer ≥ 16', height);
  if (!Number.isInteger(width) || width < 16) throw new InvalidArgumentError(`${fn}: options.width`, 'an integer ≥ 16', width);
  if (!Number.isFinite(seed)) throw new InvalidArgumentError(`${fn}: options.seed`, 'a finite number', seed);
  const modes = (['fog', 'night', 'degradation'] as const).filter((k) => options[k] !== undefined && options[k] !== false);
  if (modes.length > 1) throw new InvalidArgumentError(`${fn}: options`, 'at most one of fog, night, degradation', modes);
  const range = (name: string, v: unknown, lo: number, hi: number): void => {
    const ok = (x: unknown) => typeof x === 'number' && x >= lo && x <= hi;
    if (v !== undefined && !(ok(v) || (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1]) && v[0] <= v[1]))) {
      throw new InvalidArgumentError(name, `a number or [lo, hi] within [${lo}, ${hi}]`, v);
    }
  };
  checkOptions(fn, options.fog, ['beta', 'airlight'], 'options.fog');
  range(`${fn}: options.fog.beta`, options.fog?.beta, 0, 1);
  range(`${fn}: options.fog.airlight`, options.fog?.airlight, 0, 1);
  if (options.night !== undefined && typeof options.night !== 'boolean') {
    checkOptions(fn, options.night, SYNTHETIC_NIGHT_KEYS, 'options.night');
    checkOptions(fn, options.night.noise, NIGHT_NOISE_KEYS, 'options.night.noise');
  }
  if (options.degradation) {
    checkOptions(fn, options.degradation, ['kind', 'level'], 'options.degradation');
    const { kind, level } = options.degradation;
    if (!['blur', 'noise', 'jpeg', 'ca'].includes(kind)) throw new InvalidArgumentError(`${fn}: options.degradation.kind`, 'blur, noise, jpeg or ca', kind);
    if (!Number.isInteger(level) || level < 1 || level > DEGRADATION_LEVELS[kind].length) throw new InvalidArgumentError(`${fn}: options.degradation.level`, 'an integer in [1, 4]', level);
  }
  return { count, height, width, seed };
}

/**
 * Renders scene `index` of the stream `seed` (pure function of its arguments).
 *
 * @throws InvalidArgumentError for a non-finite `seed`, a negative or fractional `index`, or a size below 16 pixels.
 * @example const s = renderSyntheticScene(0, 3, 256, 512); s.labels.data // trainIds
 */
export function renderSyntheticScene(seed: number, index: number, height = 256, width = 512): SyntheticSceneWithLights {
  assertNumber('renderSyntheticScene: seed', seed);
  assertNumber('renderSyntheticScene: index', index, { integer: true, min: 0 });
  assertNumber('renderSyntheticScene: height', height, { integer: true, min: 16 });
  assertNumber('renderSyntheticScene: width', width, { integer: true, min: 16 });
  const rng = SeededRandom.hashed(hashInts(seed | 0, index | 0, 0x5eed));
  const cv = renderStreetScene(rng, height, width);
  return {
    name: `synth_${String(seed).padStart(6, '0')}_${String(index).padStart(6, '0')}`,
    image: { data: cv.color, height, width, channels: 3 },
    labels: { data: cv.labels, height, width, channels: 1 },
    instances: { data: cv.instances, height, width, channels: 1 },
    depth: { data: cv.depth, height, width, channels: 1 },
    emission: { data: cv.emission, height, width, channels: 3 },
  };
}

/** The dataset returned by {@link syntheticStreetScenes}.
 *
 * @example const ds = new SyntheticStreetDataset({ count: 10 }); const s = ds.scene(0); // with emission
 */
export class SyntheticStreetDataset extends Dataset<SyntheticScene> {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly seed: number;
  private readonly options: SyntheticStreetScenesOptions;
  constructor(options: SyntheticStreetScenesOptions = {}) {
    super();
    const { count, height, width, seed } = resolveSyntheticOptions('SyntheticStreetDataset', options);
    this.options = options;
    this.count = count;
    this.height = height;
    this.width = width;
    this.seed = seed;
  }
  get length(): number {
    return this.count;
  }
  /** Scene `i` with its emission map (synchronous). */
  scene(i: number): SyntheticSceneWithLights {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new InvalidArgumentError('SyntheticStreetDataset.scene: index', `an integer in [0, ${this.count - 1}]`, i);
    return renderSyntheticScene(this.seed, i, this.height, this.width);
  }
  protected async load(i: number): Promise<SyntheticScene> {
    const { emission, ...rest } = this.scene(i);
    const o = this.options;
    const rng = SeededRandom.hashed(hashInts(this.seed | 0, i, 0xde9));
    const draw = (v: number | [number, number] | undefined, dflt: [number, number]): number => {
      const r = v ?? dflt;
      return typeof r === 'number' ? r : rng.uniform(r[0], r[1]);
    };
    if (o.fog) {
      const beta = draw(o.fog.beta, [0.005, 0.02]);
      const airlight = draw(o.fog.airlight, [0.8, 1]);
      return { ...rest, clear: rest.image, image: addFog(rest.image, rest.depth, { beta, airlight }) };
    }
    if (o.night) {
      const opts = o.night === true ? {} : o.night;
      return { ...rest, clear: rest.image, image: toNight(rest.image, { ...opts, emission, labels: rest.labels, seed: rng.intBetween(0, 1 << 30) }) };
    }
    if (o.degradation) {
      return { ...rest, clear: rest.image, image: await degrade(rest.image, o.degradation.kind, o.degradation.level, { seed: rng.intBetween(0, 1 << 30) }) };
    }
    return rest;
  }
}

/**
 * Procedurally generated driving scenes (pinhole camera over a flat ground,
 * random horizon, road width/lanes/curvature, crossings and intersections, building shadows, sidewalks, building façades with
 * windows or open verges with terrain and tree lines, a far skyline, street
 * lamps, poles, traffic signs and lights, fences and walls, trees, cars, vans,
 * trucks, buses, pedestrians, riders on bicycles and motorcycles, parked bicycles) with
 * Cityscapes trainId labels, instance ids and metric depth — so fog
 * ({@link addFog}), night ({@link toNight}) and the other degradations can be
 * synthesised and every pipeline runs without external data. Rendered with
 * typed-array rasterisation (no tensors): a 256×512 scene takes a few ms.
 *
 * Options `fog`, `night` or `degradation` turn the samples into
 * degraded/clear pairs (`image` degraded, `clear` the rendered scene) for the
 * restoration pipelines.
 *
 * @example
 * const scenes = syntheticStreetScenes({ count: 200, height: 256, width: 512, seed: 1 });
 * const hazy = syntheticStreetScenes({ count: 200, fog: { beta: [0.005, 0.02] } }); // { image: foggy, clear, labels, … }
 * const s = await scenes.get(0); // { image, labels, instances, depth }
 * for await (const b of scenes.batches({ batchSize: 4, flip: true })) { … }
 */
export function syntheticStreetScenes(options: SyntheticStreetScenesOptions = {}): SyntheticStreetDataset {
  // validated here first so errors name the function the user called
  resolveSyntheticOptions('syntheticStreetScenes', options);
  return new SyntheticStreetDataset(options);
}
