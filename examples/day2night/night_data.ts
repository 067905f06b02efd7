/**
 * Data of the day→night example: labelled day scenes, labelled day validation
 * scenes, the night domain the translators learn, a folder of unlabelled "real"
 * night images for self-training and a labelled night test set.
 *
 * Two sources give the same five parts, every sample already at the run's size:
 *
 * **Synthetic (default)** — street scenes with disjoint seeds:
 * - Cityscapes train (labelled day)      → `day`: clean scenes, seed `s`;
 * - Cityscapes val (teacher choice)      → `val`: clean scenes, seed `s + 303`;
 * - NEXET night (UNIT's night domain)    → `nightDomain`: other scenes (seed `s + 101`)
 *   rendered by `toNight` with {@link NIGHT_DOMAIN} (its defaults: moonlight at 11000 K, exposure 0.06);
 * - NEXET night (unlabelled, self-training) → `pool`: other scenes (seed `s + 202`) under
 *   the held-back {@link REAL_NIGHT} conditions (warmer 7000 K light, brighter lamps, a spread
 *   of exposures from very dark to dusk-like so that selection has something to choose from),
 *   written as PNGs to `<out>/night_pool/` like a user's folder of night photos;
 * - Nighttime Driving (labelled test)    → `test`: held-out scenes (seed `s + TEST_SEED_OFFSET`)
 *   under the same {@link REAL_NIGHT} conditions, with their labels and their day
 *   rendering as `clear` (used only for the translators' FID and the sample grid).
 *
 * **Folders (`--data`)** — a Cityscapes root for the day side and two night folders:
 * ```
 * <data>/leftImg8bit/{train,val}/<city>/*_leftImg8bit.png   labelled day (train) / teacher choice (val)
 * <data>/gtFine/{train,val}/<city>/*_gtFine_labelIds.png
 * <night-dir>/**.{png,jpg,jpeg,webp}                         unlabelled night (UNIT's night domain and the pool)
 * <night-test>/image/<name>.png  <night-test>/labels/<name>.png   labelled night test (labels as trainIds)
 * ```
 * (`--night-dir` defaults to `<data>/night`, `--night-test` to `<data>/night_test`.)
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import {
  ArrayDataset,
  Dataset,
  cityscapesDataset,
  pairedFolderDataset,
  readImageRaster,
  resizeRaster,
  syntheticStreetScenes,
  tf,
  writeImage,
  type Raster,
  type Sample,
} from '../../src/index.js';
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

/** Seed offsets of the unpaired night domain, the unlabelled pool and the validation scenes. */
export const NIGHT_DOMAIN_SEED_OFFSET = 101;
export const POOL_SEED_OFFSET = 202;
export const VAL_SEED_OFFSET = 303;

/** Image files the example reads. */
const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp']);

/** A host image in [0,1]. */
export type HostImage = { data: Float32Array; height: number; width: number; channels: number };

/** The example's datasets; every sample is at the run's `size`. */
export interface Day2NightData {
  /** labelled day scenes: `image`, `labels` */
  day: Dataset;
  /** labelled day validation scenes (translated to night to choose the self-training teacher): `image`, `labels` */
  val: Dataset;
  /** unpaired night images for the translators (`image`) */
  nightDomain: Dataset;
  /** unlabelled real night image files (selection reads the files) */
  poolPaths: string[];
  /** the pool's images as a dataset (`image`), in `poolPaths` order */
  pool: Dataset;
  /** true when `nightDomain` and `pool` are the same images (folder data, as in the thesis) */
  poolIsNightDomain: boolean;
  /** labelled real night test scenes: `image` (night), `labels` (and `clear`, the day rendering, for synthetic data) */
  test: Dataset;
  /** day images the translators' FID compares with: the test scenes' day renderings (synthetic) or `val` (folders) */
  dayReference: Dataset;
  /** for the report */
  source: string;
}

/** Resizes every field of a sample to `size` (bilinear for images, nearest for label maps). */
function resizeSample(s: Sample, [h, w]: [number, number]): Sample {
  const out: Sample = { name: s.name, image: s.image };
  for (const [k, v] of Object.entries(s)) {
    if (k === 'name' || typeof v === 'string') continue;
    const r = v as Raster;
    out[k] = resizeRaster(r, h, w, r.data instanceof Float32Array && k !== 'depth' ? 'bilinear' : 'nearest');
  }
  return out;
}

/** The first `count` samples of `ds`, resized to `size`. */
export function sized(ds: Dataset, size: [number, number], count = Infinity): Dataset {
  const n = Math.min(count, ds.length);
  const base = n < ds.length ? new Subset(ds, n) : ds;
  return base.map((s) => resizeSample(s, size));
}

class Subset extends Dataset {
  constructor(
    private readonly base: Dataset,
    private readonly n: number,
  ) {
    super();
  }
  get length(): number {
    return this.n;
  }
  protected async load(i: number): Promise<Sample> {
    return this.base.get(i);
  }
}

/** Image files read as `{ name, image }` samples resized to `size`. */
export class ImageFilesDataset extends Dataset {
  constructor(
    readonly paths: string[],
    private readonly size: [number, number],
    private readonly root?: string,
  ) {
    super();
  }
  get length(): number {
    return this.paths.length;
  }
  protected async load(i: number): Promise<Sample> {
    const p = this.paths[i]!;
    const image = resizeRaster(await readImageRaster(p), this.size[0], this.size[1], 'bilinear');
    const rel = this.root ? relative(this.root, p) : p;
    return { name: rel.slice(0, rel.length - extname(rel).length).replace(/[\\/]/g, '__'), image };
  }
}

/** Concatenation of datasets with the same fields. */
export class ConcatDataset extends Dataset {
  constructor(private readonly parts: Dataset[]) {
    super();
  }
  get length(): number {
    return this.parts.reduce((n, p) => n + p.length, 0);
  }
  protected async load(i: number): Promise<Sample> {
    for (const p of this.parts) {
      if (i < p.length) return p.get(i);
      i -= p.length;
    }
    throw new Error(`ConcatDataset: index out of range`);
  }
}

/** Image files under `dir` (recursively), sorted. */
export function listImageFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`night images folder not found: ${dir}`);
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (IMAGE_EXT.has(extname(f).toLowerCase())) out.push(p);
    }
  };
  walk(dir);
  return out;
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

/** Only these fields of every sample. */
function pick(ds: Dataset, fields: string[]): Dataset {
  return ds.map((s) => {
    const out: Sample = { name: s.name, image: s.image };
    for (const f of fields) if (s[f] !== undefined) out[f] = s[f]!;
    return out;
  });
}

/** Builds every split of the synthetic source at `size` from `seed`; the pool is written to `<out>/night_pool/`. */
export async function syntheticDay2nightData(o: { size: [number, number]; seed: number; trainCount: number; testCount: number; poolCount: number; out: string }): Promise<Day2NightData> {
  const [height, width] = o.size;
  const clean = async (count: number, seed: number) => pick(await materialize(syntheticStreetScenes({ count, height, width, seed })), ['labels']);
  const day = await clean(o.trainCount, o.seed);
  const val = await clean(o.testCount, o.seed + VAL_SEED_OFFSET);
  const nightDomain = pick(await materialize(syntheticStreetScenes({ count: o.trainCount, height, width, seed: o.seed + NIGHT_DOMAIN_SEED_OFFSET, night: { ...NIGHT_DOMAIN } })), []);
  const poolScenes = await realNight(o.seed + POOL_SEED_OFFSET, o.poolCount, o.size);
  const poolDir = join(o.out, 'night_pool');
  await mkdir(poolDir, { recursive: true });
  const poolPaths: string[] = [];
  for (let i = 0; i < poolScenes.length; i++) {
    const s = await poolScenes.get(i);
    const p = join(poolDir, `${s.name}.png`);
    await writeImage(p, s.image);
    poolPaths.push(p);
  }
  const testScenes = await realNight(o.seed + TEST_SEED_OFFSET, o.testCount, o.size);
  const test = pick(testScenes, ['labels', 'clear']);
  return {
    day,
    val,
    nightDomain,
    poolPaths,
    pool: new ImageFilesDataset(poolPaths, o.size, poolDir),
    poolIsNightDomain: false,
    test,
    dayReference: testScenes.map((s) => ({ name: `${s.name}_day`, image: s.clear as Raster })),
    source:
      `synthetic street scenes ${height}×${width}: ${o.trainCount} labelled day (seed ${o.seed}) + ${o.testCount} day validation (seed ${o.seed + VAL_SEED_OFFSET}); ` +
      `${o.trainCount} unpaired night for the translators (seed ${o.seed + NIGHT_DOMAIN_SEED_OFFSET}, toNight exposure ${NIGHT_DOMAIN.exposure}, ${NIGHT_DOMAIN.temperature} K); ` +
      `${o.poolCount} unlabelled and ${o.testCount} labelled test "real night" (seeds ${o.seed + POOL_SEED_OFFSET} / ${o.seed + TEST_SEED_OFFSET}, exposures ${REAL_NIGHT.exposures.join('/')}, ${REAL_NIGHT.temperature} K, lamps ×${REAL_NIGHT.lightIntensity})`,
  };
}

/**
 * The folder source: Cityscapes train/val at `data`, unlabelled night images under
 * `nightDir` (default `<data>/night`), labelled night test at `nightTest` (default
 * `<data>/night_test`, with `image/` and `labels/`). Counts cap each part (Infinity = all).
 */
export function folderDay2nightData(o: { data: string; nightDir?: string; nightTest?: string; size: [number, number]; trainCount: number; testCount: number; poolCount: number }): Day2NightData {
  if (!existsSync(join(o.data, 'leftImg8bit'))) {
    throw new Error(`--data ${o.data}: expected a Cityscapes root (leftImg8bit/, gtFine/) for the labelled day images; see docs/pipelines_day2night.md`);
  }
  const nightDir = o.nightDir ?? join(o.data, 'night');
  const nightTest = o.nightTest ?? join(o.data, 'night_test');
  if (!existsSync(nightDir)) throw new Error(`--night-dir ${nightDir}: folder of unlabelled night images not found (default <data>/night)`);
  if (!existsSync(join(nightTest, 'image')) || !existsSync(join(nightTest, 'labels'))) {
    throw new Error(`--night-test ${nightTest}: expected image/ and labels/ (trainId PNGs, same file names) for the labelled night test set (default <data>/night_test)`);
  }
  const day = sized(cityscapesDataset(o.data, { split: 'train', labels: 'trainId' }), o.size, o.trainCount);
  const val = sized(cityscapesDataset(o.data, { split: 'val', labels: 'trainId' }), o.size, o.testCount);
  const allNight = listImageFiles(nightDir);
  if (allNight.length < 2) throw new Error(`--night-dir ${nightDir}: needs at least 2 images, found ${allNight.length}`);
  const poolPaths = allNight.slice(0, Math.min(o.poolCount, allNight.length));
  const pool = new ImageFilesDataset(poolPaths, o.size, nightDir);
  const test = sized(pairedFolderDataset({ image: join(nightTest, 'image'), labels: join(nightTest, 'labels') }), o.size, o.testCount);
  return {
    day,
    val,
    nightDomain: pool,
    poolPaths,
    pool,
    poolIsNightDomain: true,
    test,
    dayReference: val,
    source: `Cityscapes ${o.data} (${day.length} train / ${val.length} val); ${poolPaths.length} night images from ${nightDir} (translators and pool); ${test.length} labelled night test images from ${nightTest}; resized to ${o.size[0]}×${o.size[1]}`,
  };
}

/** Host image raster in [0,1] → `[1,H,W,C]` tensor in [-1,1]. */
export function rasterToBatch(r: { data: ArrayLike<number>; height: number; width: number; channels: number }): Tensor4D {
  return tf.tidy(() => tf.sub(tf.mul(tf.tensor4d(Float32Array.from(r.data), [1, r.height, r.width, r.channels]), 2), 1));
}

/** `[N,H,W,C]` tensor in [-1,1] → N host rasters in [0,1] (clipped; read asynchronously, as GPU backends need). */
export async function batchToRasters(t: Tensor): Promise<HostImage[]> {
  const [n, h, w, c] = t.shape as [number, number, number, number];
  const x = tf.tidy(() => tf.clipByValue(tf.div(tf.add(t, 1), 2), 0, 1));
  const all = (await x.data()) as Float32Array;
  x.dispose();
  const per = h * w * c;
  return Array.from({ length: n }, (_, i) => ({ data: all.slice(i * per, (i + 1) * per), height: h, width: w, channels: c }));
}
