/**
 * Datasets read from folders whose files pair up by name: the generic
 * {@link pairedFolderDataset} and the DFS layout {@link dfsFolderDataset}
 * (`a/` hazy, `b/` clear, `c/` segmentation).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, basename } from 'node:path';
import { InvalidArgumentError, MismatchError, NotFoundError } from '../errors.js';
import { Dataset } from './dataset.js';
import type { Sample } from './dataset.js';
import { readImageRaster } from './image_io.js';
import { checkOptions } from '../validate.js';
import { READ_LABEL_KEYS, readLabelRaster } from './label_io.js';
import type { ReadLabelOptions } from './label_io.js';
import type { Raster } from './raster.js';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp']);

/** Field names read as label maps (integer, nearest-neighbour) rather than images.
 *
 * @example LABEL_FIELDS.includes('labels') // true
 */
export const LABEL_FIELDS: readonly string[] = ['labels', 'instances', 'segmentation'];

/** Lists image files of a folder by stem (file name without extension).
 *
 * @example listImages('data/a', 'hazy') // Map { '0001' => 'data/a/0001.png', … }
 */
export function listImages(dir: string, what: string): Map<string, string> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new NotFoundError(`segaware: ${what} folder not found: ${JSON.stringify(dir)}`);
  const out = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) {
    const ext = extname(f).toLowerCase();
    if (!IMAGE_EXT.has(ext)) continue;
    const stem = basename(f, extname(f));
    if (out.has(stem)) throw new InvalidArgumentError(what, 'one file per name', `${out.get(stem)} and ${f}`, `in ${dir}`);
    out.set(stem, join(dir, f));
  }
  return out;
}

/** Options of {@link pairedFolderDataset}. */
export interface PairedFolderOptions {
  /** how label fields are read (default: trainIds as stored, colour maps decoded, values validated) */
  labels?: ReadLabelOptions;
  /** `'strict'` (default): every folder must hold the same names; `'intersection'`: keep names present everywhere */
  pairing?: 'strict' | 'intersection';
}

/** The keys of {@link PairedFolderOptions}. @internal */
export const PAIRED_FOLDER_KEYS = ['labels', 'pairing'] as const;

/** Validates {@link PairedFolderOptions} (keys, `labels` keys, `pairing`), errors labelled `<fn>: options.…`. */
function checkPairedOptions(fn: string, options: PairedFolderOptions): void {
  checkOptions(fn, options, PAIRED_FOLDER_KEYS);
  checkOptions(fn, options.labels, READ_LABEL_KEYS, 'options.labels');
  const pairing = options.pairing ?? 'strict';
  if (pairing !== 'strict' && pairing !== 'intersection') throw new InvalidArgumentError(`${fn}: options.pairing`, "'strict' or 'intersection'", pairing);
}

/** A dataset of same-named files in several folders, one folder per field.
 *
 * @example const ds = new PairedFolderDataset({ image: 'a', clear: 'b' });
 */
export class PairedFolderDataset extends Dataset<Sample> {
  readonly names: string[];
  private readonly files: Record<string, Map<string, string>>;
  constructor(
    readonly folders: Record<string, string>,
    private readonly options: PairedFolderOptions = {},
  ) {
    super();
    checkPairedOptions('PairedFolderDataset', options);
    const fields = Object.keys(folders ?? {});
    if (!fields.length) throw new InvalidArgumentError('PairedFolderDataset: folders', 'an object { field: folder } with at least one field (e.g. { image: "a", clear: "b" })', folders);
    if (!fields.includes('image')) throw new InvalidArgumentError('PairedFolderDataset: folders', "a field named 'image' (the model input)", fields);
    const pairing = options.pairing ?? 'strict';
    this.files = {};
    for (const f of fields) this.files[f] = listImages(folders[f]!, `folders.${f}`);
    const all = new Set<string>();
    for (const f of fields) for (const k of this.files[f]!.keys()) all.add(k);
    const names = [...all].filter((k) => fields.every((f) => this.files[f]!.has(k))).sort();
    if (pairing === 'strict') {
      const problems: string[] = [];
      for (const f of fields) {
        const missing = [...all].filter((k) => !this.files[f]!.has(k)).sort();
        if (missing.length) problems.push(`${f} (${folders[f]}) lacks ${missing.length}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
      }
      if (problems.length) throw new MismatchError(`segaware: files do not pair up by name — ${problems.join('; ')} (use pairing: 'intersection' to keep only complete samples)`);
    }
    if (!names.length) throw new NotFoundError(`segaware: no image files found in ${fields.map((f) => folders[f]).join(', ')}`);
    this.names = names;
  }
  get length(): number {
    return this.names.length;
  }
  protected async load(i: number): Promise<Sample> {
    const name = this.names[i]!;
    const entries = await Promise.all(
      Object.keys(this.files).map(async (f): Promise<[string, Raster]> => {
        const path = this.files[f]!.get(name)!;
        if (LABEL_FIELDS.includes(f)) {
          const opts = { validateTrainIds: f !== 'instances', ...(this.options.labels ?? {}) };
          return [f === 'segmentation' ? 'labels' : f, await readLabelRaster(path, f === 'instances' ? {} : opts)];
        }
        return [f, await readImageRaster(path)];
      }),
    );
    const sample = { name } as Sample;
    for (const [k, v] of entries) (sample as Record<string, unknown>)[k] = v;
    return sample;
  }
}

/**
 * Generic paired folders: `{ field: folder }`; files pair up by name
 * (extension ignored). Fields named `labels` / `instances` are read as label
 * maps (trainIds, validated; colour-coded maps decoded with the Cityscapes
 * palette), every other field as an RGB image in [0,1].
 *
 * @example const ds = pairedFolderDataset({ image: 'data/noisy', clear: 'data/clean', labels: 'data/seg' });
 */
export function pairedFolderDataset(folders: Record<string, string>, options: PairedFolderOptions = {}): PairedFolderDataset {
  checkPairedOptions('pairedFolderDataset', options);
  return new PairedFolderDataset(folders, options);
}

/**
 * The DFS (dehazing-for-segmentation) layout: `root/a` hazy inputs (`image`),
 * `root/b` clear targets (`clear`), `root/c` segmentation (`labels`, optional:
 * used when the folder exists).
 *
 * @example const ds = dfsFolderDataset('data/dfs/train'); // samples { name, image, clear, labels }
 */
export function dfsFolderDataset(root: string, options: PairedFolderOptions = {}): PairedFolderDataset {
  checkPairedOptions('dfsFolderDataset', options);
  if (typeof root !== 'string' || !existsSync(root)) throw new NotFoundError(`segaware: DFS dataset root not found: ${JSON.stringify(root)} (expected folders a/ hazy, b/ clear, c/ segmentation)`);
  const folders: Record<string, string> = { image: join(root, 'a'), clear: join(root, 'b') };
  if (existsSync(join(root, 'c'))) folders.labels = join(root, 'c');
  return new PairedFolderDataset(folders, options);
}
