/**
 * Data of the day→night example: labelled day scenes, the night domain the
 * translators learn, an unlabelled pool of "real" night scenes and a labelled
 * night test set — all synthetic street scenes, with disjoint seeds.
 *
 * The thesis's sources and our stand-ins:
 * - Cityscapes train (labelled day)      → `day`: clean synthetic scenes, seed `s`;
 * - NEXET night (UNIT's night domain)    → `nightDomain`: other scenes (seed `s + 101`)
 *   rendered with {@link NIGHT_DOMAIN} (toNight's defaults: moonlight at 11000 K, exposure 0.06);
 * - NEXET night (unlabelled, self-training) → `pool`: other scenes (seed `s + 202`) under
 *   the held-back {@link REAL_NIGHT} conditions (warmer 7000 K light, brighter lamps,
 *   a spread of exposures so that selection has something to choose from);
 * - Nighttime Driving Test (labelled)    → `test`: held-out scenes (seed `s + TEST_SEED_OFFSET`)
 *   under the same {@link REAL_NIGHT} conditions, with their labels (and the day
 *   rendering as `clear`, used only for the sample grid).
 */
import { ArrayDataset, syntheticStreetScenes, tf, type Sample } from '../../src/index.js';
import type { Tensor, Tensor4D } from '../../src/tf.js';
import { TEST_SEED_OFFSET, materialize } from '../common/data.js';

/** toNight parameters of the translators' night domain (toNight's defaults). */
export const NIGHT_DOMAIN = { exposure: 0.06, temperature: 11000, lightIntensity: 1 } as const;

/**
 * The "real night" the segmenters are tested on and that the unlabelled pool
 * comes from: never used to train a translator. Exposure varies per scene
 * group (ambient light from very dark to dusk-like).
 */
export const REAL_NIGHT = { exposures: [0.02, 0.035, 0.05, 0.08, 0.12], temperature: 7000, lightIntensity: 1.5 } as const;

/** Seed offsets of the unpaired night domain and the unlabelled pool. */
export const NIGHT_DOMAIN_SEED_OFFSET = 101;
export const POOL_SEED_OFFSET = 202;

/** The example's datasets (in memory). */
export interface Day2NightData {
  /** labelled day scenes: `image`, `labels` */
  day: ArrayDataset;
  /** unpaired night images for the translators (`image` only is used) */
  nightDomain: ArrayDataset;
  /** unlabelled real night images (`image`; their labels are never read) */
  pool: ArrayDataset;
  /** labelled real night test scenes: `image` (night), `labels`, `clear` (day rendering) */
  test: ArrayDataset;
  /** for the report */
  source: string;
}

/** `count` real-night scenes of stream `seed`, split evenly over the {@link REAL_NIGHT} exposures. */
async function realNight(seed: number, count: number, size: [number, number]): Promise<ArrayDataset> {
  const [height, width] = size;
  const n = REAL_NIGHT.exposures.length;
  const samples: Sample[] = [];
  for (let g = 0; g < n; g++) {
    // group g gets scenes g, g+n, … of the stream so the groups never share a scene
    const k = Math.floor(count / n) + (g < count % n ? 1 : 0);
    if (k === 0) continue;
    const ds = syntheticStreetScenes({
      count: k,
      height,
      width,
      seed: seed * 31 + g,
      night: { exposure: REAL_NIGHT.exposures[g]!, temperature: REAL_NIGHT.temperature, lightIntensity: REAL_NIGHT.lightIntensity },
    });
    for (let i = 0; i < k; i++) {
      const s = await ds.get(i);
      samples.push({ ...s, name: `${s.name}_e${REAL_NIGHT.exposures[g]}` });
    }
  }
  return new ArrayDataset(samples);
}

/** Builds every split at `size` from `seed`. */
export async function day2nightData(o: { size: [number, number]; seed: number; trainCount: number; testCount: number; poolCount: number }): Promise<Day2NightData> {
  const [height, width] = o.size;
  const day = (await materialize(syntheticStreetScenes({ count: o.trainCount, height, width, seed: o.seed }))) as ArrayDataset;
  const nightDomain = (await materialize(
    syntheticStreetScenes({ count: o.trainCount, height, width, seed: o.seed + NIGHT_DOMAIN_SEED_OFFSET, night: { ...NIGHT_DOMAIN } }),
  )) as ArrayDataset;
  const pool = await realNight(o.seed + POOL_SEED_OFFSET, o.poolCount, o.size);
  const test = await realNight(o.seed + TEST_SEED_OFFSET, o.testCount, o.size);
  return {
    day,
    nightDomain,
    pool,
    test,
    source:
      `synthetic street scenes ${height}×${width}: ${o.trainCount} labelled day (seed ${o.seed}); ` +
      `${o.trainCount} unpaired night for the translators (seed ${o.seed + NIGHT_DOMAIN_SEED_OFFSET}, toNight exposure ${NIGHT_DOMAIN.exposure}, ${NIGHT_DOMAIN.temperature} K); ` +
      `${o.poolCount} unlabelled and ${o.testCount} labelled test "real night" (seeds ${o.seed + POOL_SEED_OFFSET} / ${o.seed + TEST_SEED_OFFSET}, exposures ${REAL_NIGHT.exposures.join('/')}, ${REAL_NIGHT.temperature} K, lamps ×${REAL_NIGHT.lightIntensity})`,
  };
}

/** Host image raster in [0,1] → `[1,H,W,C]` tensor in [-1,1]. */
export function rasterToBatch(r: { data: ArrayLike<number>; height: number; width: number; channels: number }): Tensor4D {
  return tf.tidy(() => tf.sub(tf.mul(tf.tensor4d(Float32Array.from(r.data), [1, r.height, r.width, r.channels]), 2), 1));
}

/** `[N,H,W,C]` tensor in [-1,1] → N host rasters in [0,1] (clipped). */
export function batchToRasters(t: Tensor): { data: Float32Array; height: number; width: number; channels: number }[] {
  const [n, h, w, c] = t.shape as [number, number, number, number];
  const x = tf.tidy(() => tf.clipByValue(tf.div(tf.add(t, 1), 2), 0, 1));
  const all = x.dataSync() as Float32Array;
  x.dispose();
  const per = h * w * c;
  return Array.from({ length: n }, (_, i) => ({ data: all.slice(i * per, (i + 1) * per), height: h, width: w, channels: c }));
}
