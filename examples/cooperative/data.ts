/**
 * Degraded/clear pairs for the cooperative example: the built-in synthetic
 * street scenes with one of the paper's degradations (default), or a
 * Cityscapes root degraded on the fly (regular degradations) / Foggy
 * Cityscapes (fog).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEGRADATION_LEVELS, Dataset, cityscapesDataset, degrade, type ImageRaster, type Raster, type Sample } from '../../src/index.js';
import { hashInts } from '../../src/ops/rng.js';
import { isNearestField, resizeRaster } from '../../src/data/augment.js';
import { syntheticSplits, type ExampleSplits } from '../common/data.js';

/** The degradations the example knows: the paper's four regular ones and fog (Adverse Cityscapes). */
export type CoopDegradation = 'blur' | 'noise' | 'jpeg' | 'ca' | 'fog';
export const COOP_DEGRADATIONS: readonly CoopDegradation[] = ['blur', 'noise', 'jpeg', 'ca', 'fog'];

/** The paper's names (Table 1: GB, GN, JPEG, CA; fog from the Adverse Cityscapes section). */
export const PAPER_NAMES: Record<CoopDegradation, string> = { blur: 'GB', noise: 'GN', jpeg: 'JPEG', ca: 'CA', fog: 'Fog' };

/** Fog has three levels (the Foggy Cityscapes β values), the others four: a level above 3 is clamped for fog. */
export function levelFor(d: CoopDegradation, level: number): number {
  return Math.min(level, DEGRADATION_LEVELS[d].length);
}

/** Human-readable parameter of `d` at `level` (for the report). */
export function describeLevel(d: CoopDegradation, level: number): string {
  const p = DEGRADATION_LEVELS[d][levelFor(d, level) - 1];
  switch (d) {
    case 'blur':
      return `Gaussian blur σ = ${String(p)}`;
    case 'noise':
      return `Gaussian noise variance ${String(p)}`;
    case 'jpeg':
      return `JPEG quality ${String(p)}`;
    case 'ca': {
      const s = p as { red: number; blue: number };
      return `chromatic aberration R/B shifts ${s.red}/${s.blue} px`;
    }
    default:
      return `fog β = ${String(p)} /m`;
  }
}

/**
 * `base` with its `image` degraded on the fly (kept as `clear`); the random
 * parts (noise) depend on the seed and the index only. Every field is first
 * resized to `size`, so the paper's levels (blur σ, noise variance, CA shifts
 * in pixels) act on the image the networks see, as with the synthetic scenes —
 * degrading a 1024×2048 Cityscapes frame and then downsampling it 4× would
 * shrink σ and average the noise away.
 */
class DegradedDataset extends Dataset {
  constructor(
    private readonly base: Dataset,
    private readonly kind: Exclude<CoopDegradation, 'fog'>,
    private readonly level: number,
    private readonly seed: number,
    private readonly size: [number, number],
  ) {
    super();
  }
  get length(): number {
    return this.base.length;
  }
  protected async load(i: number): Promise<Sample> {
    const s = await this.base.get(i);
    const [h, w] = this.size;
    const resized: Sample = { ...s };
    for (const [k, v] of Object.entries(s)) {
      if (typeof v !== 'string') resized[k] = resizeRaster(v as Raster, h, w, isNearestField(k, v as Raster) ? 'nearest' : 'bilinear');
    }
    const image = await degrade(resized.image as ImageRaster, this.kind, this.level, { seed: hashInts(this.seed, i, 0xc00b) });
    return { ...resized, clear: resized.image, image };
  }
}

/** Clean scenes (`image` = clear) for the base segmenter. */
export async function cleanSplits(o: { data?: string; size: [number, number]; trainCount: number; testCount: number; seed: number }): Promise<ExampleSplits> {
  if (o.data) {
    const root = cityscapesRoot(o.data);
    const common = { labels: 'trainId' as const };
    return { train: cityscapesDataset(root, { ...common, split: 'train' }), test: cityscapesDataset(root, { ...common, split: 'val' }), source: `Cityscapes at ${root}, train / val`, hasInstances: false, resize: o.size };
  }
  return syntheticSplits(o);
}

/** Degraded/clear pairs (`image` = I_d, `clear` = I_gt, `labels` = S_gt) of degradation `d` at the paper's `level`. */
export async function degradedSplits(d: CoopDegradation, level: number, o: { data?: string; size: [number, number]; trainCount: number; testCount: number; seed: number }): Promise<ExampleSplits> {
  const lv = levelFor(d, level);
  if (o.data) {
    const root = cityscapesRoot(o.data);
    const common = { labels: 'trainId' as const };
    if (d === 'fog') {
      const beta = DEGRADATION_LEVELS.fog[lv - 1]!;
      return {
        train: cityscapesDataset(root, { ...common, split: 'train', foggy: beta }),
        test: cityscapesDataset(root, { ...common, split: 'val', foggy: beta }),
        source: `Foggy Cityscapes β = ${beta} at ${root}, train / val`,
        hasInstances: false,
        resize: o.size,
      };
    }
    return {
      train: new DegradedDataset(cityscapesDataset(root, { ...common, split: 'train' }), d, lv, o.seed, o.size),
      test: new DegradedDataset(cityscapesDataset(root, { ...common, split: 'val' }), d, lv, o.seed + 1, o.size),
      source: `Cityscapes at ${root} (${describeLevel(d, level)}), train / val`,
      hasInstances: false,
      resize: o.size,
    };
  }
  const scenes = d === 'fog' ? { fog: { beta: DEGRADATION_LEVELS.fog[lv - 1]!, airlight: [0.8, 1] as [number, number] } } : { degradation: { kind: d, level: lv } };
  return syntheticSplits({ ...o, scenes });
}

function cityscapesRoot(root: string): string {
  checkCityscapesRoot(root, false);
  return root;
}

/** Throws unless `root` looks like a Cityscapes root (and, with `foggy`, holds Foggy Cityscapes). */
export function checkCityscapesRoot(root: string, foggy: boolean): void {
  const missing = ['leftImg8bit', 'gtFine', ...(foggy ? ['leftImg8bit_foggy'] : [])].filter((d) => !existsSync(join(root, d)));
  if (missing.length > 0) {
    throw new Error(
      `--data ${root}: the cooperative example expects a Cityscapes root with leftImg8bit/ and gtFine/ (and leftImg8bit_foggy/ for fog); missing ${missing.map((m) => `${m}/`).join(', ')}`,
    );
  }
}
