/**
 * Where an example's samples come from: the built-in synthetic street scenes
 * (default; generated once and kept in memory) or a dataset folder given with
 * `--data` — a DFS tree (`a/ b/ c/`, optionally under `train/` and `test/`)
 * or Cityscapes / Foggy Cityscapes (`leftImg8bit/`, `gtFine/`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ArrayDataset,
  Dataset,
  cityscapesDataset,
  dfsFolderDataset,
  syntheticStreetScenes,
  type Sample,
  type SyntheticStreetScenesOptions,
} from '../../src/index.js';

/** Training and held-out test samples. */
export interface ExampleSplits {
  train: Dataset;
  test: Dataset;
  /** what was read, for the report */
  source: string;
  /** samples carry Cityscapes instance ids (`instances`), so the Cityscapes iIoU can be reported */
  hasInstances: boolean;
  /** `resize` to pass to batches (folder data of another size) */
  resize?: [number, number];
}

/** The first `count` samples of `base`, or those at `indices`. */
class SubsetDataset extends Dataset {
  constructor(
    private readonly base: Dataset,
    private readonly indices: number[],
  ) {
    super();
  }
  get length(): number {
    return this.indices.length;
  }
  protected async load(i: number): Promise<Sample> {
    return this.base.get(this.indices[i]!);
  }
}

/** Loads every sample once and keeps it (synthetic scenes are cheap to hold at example sizes). */
export async function materialize(ds: Dataset): Promise<Dataset> {
  const samples: Sample[] = [];
  for (let i = 0; i < ds.length; i++) samples.push(await ds.get(i));
  return new ArrayDataset(samples);
}

/** Test scenes use a seed far from any training seed, so they are held out. */
export const TEST_SEED_OFFSET = 1_000_003;

/**
 * Synthetic train/test splits of `kind` (fog pairs, night pairs, degraded
 * pairs or clear scenes), `trainCount` and `testCount` scenes at `size`.
 */
export async function syntheticSplits(o: {
  size: [number, number];
  trainCount: number;
  testCount: number;
  seed: number;
  scenes?: Omit<SyntheticStreetScenesOptions, 'count' | 'height' | 'width' | 'seed'>;
}): Promise<ExampleSplits> {
  const [height, width] = o.size;
  const train = await materialize(syntheticStreetScenes({ ...o.scenes, count: o.trainCount, height, width, seed: o.seed }));
  const test = await materialize(syntheticStreetScenes({ ...o.scenes, count: o.testCount, height, width, seed: o.seed + TEST_SEED_OFFSET }));
  return { train, test, source: `synthetic street scenes (${o.trainCount} train / ${o.testCount} held-out test, ${height}×${width}, seed ${o.seed})`, hasInstances: true };
}

/**
 * Folder data for a restoration example: a DFS tree (`root/{a,b,c}` or
 * `root/{train,test}/{a,b,c}`) or Cityscapes with Foggy Cityscapes at `foggyBeta`.
 * A single DFS folder is split: its last 10 % (at least one sample) is the test set.
 */
export function folderSplits(root: string, o: { size: [number, number]; foggyBeta?: number }): ExampleSplits {
  if (existsSync(join(root, 'leftImg8bit'))) {
    const common = { foggy: o.foggyBeta, instances: true, labels: 'trainId' as const };
    return {
      train: cityscapesDataset(root, { ...common, split: 'train' }),
      test: cityscapesDataset(root, { ...common, split: 'val' }),
      source: `Cityscapes at ${root}${o.foggyBeta ? ` (Foggy Cityscapes β = ${o.foggyBeta})` : ''}, train / val`,
      hasInstances: true,
      resize: o.size,
    };
  }
  if (existsSync(join(root, 'train', 'a'))) {
    const testDir = existsSync(join(root, 'test', 'a')) ? 'test' : 'val';
    return { train: dfsFolderDataset(join(root, 'train')), test: dfsFolderDataset(join(root, testDir)), source: `DFS folders ${root}/train and ${root}/${testDir}`, hasInstances: false, resize: o.size };
  }
  if (existsSync(join(root, 'a'))) {
    const all = dfsFolderDataset(root);
    const nTest = Math.max(1, Math.round(all.length * 0.1));
    const idx = Array.from({ length: all.length }, (_, i) => i);
    return {
      train: new SubsetDataset(all, idx.slice(0, all.length - nTest)),
      test: new SubsetDataset(all, idx.slice(all.length - nTest)),
      source: `DFS folder ${root} (last ${nTest} samples held out)`,
      hasInstances: false,
      resize: o.size,
    };
  }
  throw new Error(`--data ${root}: expected a DFS tree (a/ b/ c/, or train/ and test/ holding them) or a Cityscapes root (leftImg8bit/, gtFine/)`);
}
