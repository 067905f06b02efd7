/**
 * `syntheticStreetScenes`: the built-in procedural street-scene data that
 * every example and the demo run on. Each scene is rendered on demand from
 * `(seed, index)` alone, so the dataset is deterministic, random-access and
 * costs no memory until a sample is asked for.
 */
import { InvalidArgumentError } from '../errors.js';
import { Dataset } from './dataset.js';
import type { Sample } from './dataset.js';
import type { ImageRaster, Raster } from './raster.js';
import { Rng, hashInts } from './rng.js';
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
}

/**
 * Renders scene `index` of the stream `seed` (pure function of its arguments).
 *
 * @example const s = renderSyntheticScene(0, 3, 256, 512); s.labels.data // trainIds
 */
export function renderSyntheticScene(seed: number, index: number, height = 256, width = 512): SyntheticSceneWithLights {
  const rng = new Rng(hashInts(seed | 0, index | 0, 0x5eed));
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
  constructor(options: SyntheticStreetScenesOptions = {}) {
    super();
    const { count = 100, height = 256, width = 512, seed = 0 } = options;
    if (!Number.isInteger(count) || count < 0) throw new InvalidArgumentError('options.count', 'an integer ≥ 0', count);
    if (!Number.isInteger(height) || height < 16) throw new InvalidArgumentError('options.height', 'an integer ≥ 16', height);
    if (!Number.isInteger(width) || width < 16) throw new InvalidArgumentError('options.width', 'an integer ≥ 16', width);
    if (!Number.isFinite(seed)) throw new InvalidArgumentError('options.seed', 'a finite number', seed);
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
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new InvalidArgumentError('index', `an integer in [0, ${this.count - 1}]`, i);
    return renderSyntheticScene(this.seed, i, this.height, this.width);
  }
  protected async load(i: number): Promise<SyntheticScene> {
    const { emission: _e, ...rest } = this.scene(i);
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
 * @example
 * const scenes = syntheticStreetScenes({ count: 200, height: 256, width: 512, seed: 1 });
 * const s = await scenes.get(0); // { image, labels, instances, depth }
 * for await (const b of scenes.batches({ batchSize: 4, flip: true })) { … }
 */
export function syntheticStreetScenes(options: SyntheticStreetScenesOptions = {}): SyntheticStreetDataset {
  return new SyntheticStreetDataset(options);
}
