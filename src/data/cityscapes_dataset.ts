/**
 * The Cityscapes folder layout (and Foggy Cityscapes, and the trees written
 * by `segaware data synth`):
 *
 * ```
 * root/leftImg8bit/<split>/<city>/<city>_<seq>_<frame>_leftImg8bit.png
 * root/leftImg8bit_foggy/<split>/<city>/<…>_leftImg8bit_foggy_beta_<β>.png
 * root/gtFine/<split>/<city>/<…>_gtFine_labelIds.png      (8-bit labelIds)
 * root/gtFine/<split>/<city>/<…>_gtFine_instanceIds.png   (16-bit, labelId·1000 + k)
 * root/depth/<split>/<city>/<…>_depth.png                 (segaware synth only: 16-bit centimetres)
 * ```
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, MismatchError, NotFoundError } from '../errors.js';
import { Dataset } from './dataset.js';
import type { Sample } from './dataset.js';
import { readImageRaster, readRaster } from './image_io.js';
import { readLabelRaster } from './label_io.js';
import { checkOptions } from '../validate.js';
import type { Raster } from './raster.js';

/** Options of {@link cityscapesDataset}. */
export interface CityscapesOptions {
  /** split folder (default 'train') */
  split?: string;
  /** read `leftImg8bit_foggy` at this β (0.005, 0.01, 0.02) as `image`, with the clear image as `clear` */
  foggy?: number;
  /** labels as trainIds (default) or raw labelIds; `false` to skip labels */
  labels?: 'trainId' | 'labelId' | false;
  /** also read `*_gtFine_instanceIds.png` as `instances` (default false) */
  instances?: boolean;
  /** also read `depth/…_depth.png` (centimetres) as `depth` in metres (default false) */
  depth?: boolean;
  /** keep only the first `limit` images (sorted by name) */
  limit?: number;
}

/** The keys of {@link CityscapesOptions}. @internal */
export const CITYSCAPES_KEYS = ['split', 'foggy', 'labels', 'instances', 'depth', 'limit'] as const;

/** Validates {@link CityscapesOptions}, errors labelled `<fn>: options.…`. */
function checkCityscapesOptions(fn: string, options: CityscapesOptions): void {
  checkOptions(fn, options, CITYSCAPES_KEYS);
  const split = options.split ?? 'train';
  if (typeof split !== 'string' || !split) throw new InvalidArgumentError(`${fn}: options.split`, "a split name such as 'train' or 'val'", split);
  const labels = options.labels ?? 'trainId';
  if (labels !== 'trainId' && labels !== 'labelId' && labels !== false) throw new InvalidArgumentError(`${fn}: options.labels`, "'trainId', 'labelId' or false", labels);
  if (options.foggy !== undefined && !(typeof options.foggy === 'number' && options.foggy > 0)) throw new InvalidArgumentError(`${fn}: options.foggy`, 'a positive β such as 0.005, 0.01 or 0.02', options.foggy);
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 0)) throw new InvalidArgumentError(`${fn}: options.limit`, 'an integer ≥ 0', options.limit);
}

/** One image of a Cityscapes split: its city folder and its base name (`<city>_<seq>_<frame>`). */
export interface CityscapesEntry {
  name: string;
  city: string;
}

/** The dataset returned by {@link cityscapesDataset}.
 *
 * @example const ds = new CityscapesDataset('/data/cityscapes', { split: 'val' }); // same as cityscapesDataset(…)
 */
export class CityscapesDataset extends Dataset<Sample> {
  readonly entries: CityscapesEntry[];
  constructor(
    readonly root: string,
    readonly options: CityscapesOptions = {},
  ) {
    super();
    checkCityscapesOptions('CityscapesDataset', options);
    if (typeof root !== 'string' || !root) throw new InvalidArgumentError('CityscapesDataset: root', 'the Cityscapes root folder', root);
    const split = options.split ?? 'train';
    const dir = join(root, 'leftImg8bit', split);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new NotFoundError(`segaware: Cityscapes images not found: ${JSON.stringify(dir)} (expected root/leftImg8bit/<split>/<city>/*_leftImg8bit.png)`);
    const entries: CityscapesEntry[] = [];
    for (const city of readdirSync(dir).sort()) {
      const cdir = join(dir, city);
      if (!statSync(cdir).isDirectory()) continue;
      for (const f of readdirSync(cdir).sort()) if (f.endsWith('_leftImg8bit.png')) entries.push({ city, name: f.slice(0, -'_leftImg8bit.png'.length) });
    }
    if (!entries.length) throw new NotFoundError(`segaware: no *_leftImg8bit.png files under ${JSON.stringify(dir)}`);
    const limited = options.limit !== undefined ? entries.slice(0, options.limit) : entries;
    // every companion file must exist: list the first missing ones
    const missing: string[] = [];
    for (const e of limited) for (const p of this.companions(e)) if (!existsSync(p)) missing.push(p);
    if (missing.length) {
      throw new MismatchError(`segaware: ${missing.length} companion file(s) missing for the Cityscapes images, first: ${missing.slice(0, 5).join(', ')}`);
    }
    this.entries = limited;
  }

  private path(kind: string, e: CityscapesEntry, suffix: string): string {
    return join(this.root, kind, this.options.split ?? 'train', e.city, `${e.name}${suffix}`);
  }
  private companions(e: CityscapesEntry): string[] {
    const o = this.options;
    const out: string[] = [];
    if (o.foggy !== undefined) out.push(this.path('leftImg8bit_foggy', e, `_leftImg8bit_foggy_beta_${o.foggy}.png`));
    if ((o.labels ?? 'trainId') !== false) out.push(this.path('gtFine', e, '_gtFine_labelIds.png'));
    if (o.instances) out.push(this.path('gtFine', e, '_gtFine_instanceIds.png'));
    if (o.depth) out.push(this.path('depth', e, '_depth.png'));
    return out;
  }

  get length(): number {
    return this.entries.length;
  }

  protected async load(i: number): Promise<Sample> {
    const e = this.entries[i]!;
    const o = this.options;
    const clearPath = this.path('leftImg8bit', e, '_leftImg8bit.png');
    const jobs: Promise<[string, Raster]>[] = [];
    if (o.foggy !== undefined) {
      jobs.push(readImageRaster(this.path('leftImg8bit_foggy', e, `_leftImg8bit_foggy_beta_${o.foggy}.png`)).then((r) => ['image', r]));
      jobs.push(readImageRaster(clearPath).then((r) => ['clear', r]));
    } else jobs.push(readImageRaster(clearPath).then((r) => ['image', r]));
    const labels = o.labels ?? 'trainId';
    if (labels !== false) {
      jobs.push(readLabelRaster(this.path('gtFine', e, '_gtFine_labelIds.png'), { convert: labels === 'trainId' ? 'labelIdToTrainId' : 'raw' }).then((r) => ['labels', r]));
    }
    if (o.instances) jobs.push(readLabelRaster(this.path('gtFine', e, '_gtFine_instanceIds.png')).then((r) => ['instances', r]));
    if (o.depth) {
      jobs.push(
        readRaster(this.path('depth', e, '_depth.png')).then((r): [string, Raster] => {
          const d = new Float32Array(r.height * r.width);
          for (let k = 0; k < d.length; k++) d[k] = r.data[k * r.channels]! / 100;
          return ['depth', { data: d, height: r.height, width: r.width, channels: 1 }];
        }),
      );
    }
    const sample = { name: e.name } as Sample;
    for (const [k, v] of await Promise.all(jobs)) (sample as Record<string, unknown>)[k] = v;
    return sample;
  }
}

/**
 * Cityscapes (`leftImg8bit` + `gtFine`), optionally Foggy Cityscapes at a β
 * (`image` = foggy, `clear` = original), with labels converted to trainIds
 * (default), instance ids and depth on request. Missing companion files are
 * reported up front (the first few paths).
 *
 * @example const val = cityscapesDataset('/data/cityscapes', { split: 'val', foggy: 0.02 });
 */
export function cityscapesDataset(root: string, options: CityscapesOptions = {}): CityscapesDataset {
  checkCityscapesOptions('cityscapesDataset', options);
  if (typeof root !== 'string' || !root) throw new InvalidArgumentError('cityscapesDataset: root', 'the Cityscapes root folder', root);
  return new CityscapesDataset(root, options);
}
