/**
 * The common dataset interface: random access (`length`, `get(i)`), async
 * iteration over samples, and `batches()` — shuffled, augmented, prefetched
 * batches of tensors ready for the models.
 */
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import type { Tensor, Tensor3D, Tensor4D } from '../tf.js';
import { augmentFields } from './augment.js';
import type { AugmentPlan } from './augment.js';
import type { Raster } from './raster.js';
import { SeededRandom, assertSeed } from '../ops/rng.js';
import { checkOptions } from '../validate.js';

/**
 * One sample: a name plus raster fields. Conventional field names: `image`
 * (the model input, e.g. hazy), `clear` / `target` (the restoration target),
 * `labels` (trainIds), `instances` (`labelId·1000 + k`), `depth` (metres).
 * Float rasters are images in `[0,1]`; integer rasters are label maps.
 */
export interface Sample {
  name: string;
  image: Raster;
  [field: string]: Raster | string;
}

/** Batch fields that hold integer label maps, int32 `[N,H,W]`; every other field is a float `[N,H,W,C]`. */
export type LabelFieldName = 'labels' | 'instances';

/**
 * The tensor type of batch field `K`: `Tensor3D` for the label fields
 * ({@link LabelFieldName}), `Tensor4D` for everything else (images, `depth`).
 */
export type BatchTensor<K extends string> = K extends LabelFieldName ? Tensor3D : Tensor4D;

/**
 * The batch field names of a sample type: its declared non-string fields
 * (`SampleFields<SyntheticScene>` = `'image' | 'labels' | 'instances' | 'depth'`),
 * or `string` for a sample type that declares nothing beyond {@link Sample}
 * (whose fields are only known at run time). Declared = written out, not the
 * index signature; `name` and string fields are not batched.
 */
export type SampleFields<S> = [
  Exclude<keyof { [K in keyof S as string extends K ? never : number extends K ? never : S[K] extends string ? never : K]: 0 }, 'image'>,
] extends [never]
  ? string
  : keyof { [K in keyof S as string extends K ? never : number extends K ? never : S[K] extends string ? never : K]: 0 } & string;

/**
 * A batch: `names` plus one tensor per field — float image fields
 * `[N,H,W,C]` in the requested `range`, integer fields (labels, instances)
 * int32 `[N,H,W]`, `depth` float32 `[N,H,W,1]` in metres. Dispose with
 * {@link disposeBatch}.
 *
 * Generic over its field names `F`, so a batch with known fields needs no
 * casts: `Batch<'image' | 'labels'>` has `image: Tensor4D`, `labels: Tensor3D`
 * and `names: string[]`. {@link Dataset.batches} and {@link Dataset.batchAt}
 * infer `F` from `options.fields` or from the dataset's sample type. With the
 * default `F = string` (fields unknown) every field is `Tensor | string[]`.
 *
 * Typing follows the naming convention: a field called `labels` or
 * `instances` is typed int32 `Tensor3D` (what integer rasters of one channel
 * become); give integer data other names only if it is an image-like tensor.
 *
 * @example
 * const b = await scenes.batchAt(step, { batchSize: 4, fields: ['image', 'labels'] });
 * const logits = model.apply(b.image) as tf.Tensor4D;   // b.image: Tensor4D
 * const loss = crossEntropyLoss(logits, b.labels);       // b.labels: Tensor3D
 */
export type Batch<F extends string = string> = string extends F
  ? { names: string[]; [field: string]: Tensor | string[] }
  : { names: string[] } & { [K in Exclude<F, 'names'>]: BatchTensor<K> };

/** Options of {@link Dataset.batches}; `F` is the list of `fields` (inferred from it). */
export interface BatchOptions<F extends string = string> {
  /** samples per batch (default 1) */
  batchSize?: number;
  /** shuffle the order each pass (default false) */
  shuffle?: boolean;
  /** seed of the shuffle and of the augmentation draws (default 0; pass e.g. the epoch number for a new order each epoch); a finite number — anything else throws */
  seed?: number;
  /** resize every field to `[height, width]` first (bilinear for images, nearest for labels/depth) */
  resize?: [number, number];
  /** random crop `[height, width]` (or a number for a square), same window for every field */
  crop?: [number, number] | number;
  /** random horizontal flip with probability 0.5, same for every field (default false) */
  flip?: boolean;
  /** batches decoded ahead while the consumer trains (default 2; 0 = none) */
  prefetch?: number;
  /** value range of float image fields (default `[-1, 1]`, the generators' tanh range) */
  range?: [number, number];
  /** drop a last incomplete batch (default false) */
  dropLast?: boolean;
  /** only these fields (default: every field of the samples); the batch is typed with exactly these */
  fields?: readonly F[];
}

/** Disposes every tensor of a batch.
 *
 * @example for await (const b of ds.batches()) { step(b); disposeBatch(b); }
 */
export function disposeBatch<F extends string>(batch: Batch<F>): void {
  for (const [k, v] of Object.entries(batch)) if (k !== 'names' && v instanceof tf.Tensor) v.dispose();
}

interface HostBatch {
  names: string[];
  fields: Record<string, { data: Float32Array | Int32Array; shape: number[]; dtype: 'float32' | 'int32' }>;
}

/** The keys of {@link BatchOptions}. @internal */
export const BATCH_KEYS = ['batchSize', 'shuffle', 'seed', 'resize', 'crop', 'flip', 'prefetch', 'range', 'dropLast', 'fields'] as const;

/** Validates {@link BatchOptions} (keys and values), errors labelled `<fn>: options.…`. */
function checkBatchOptions(fn: string, options: BatchOptions<string>): { batchSize: number; prefetch: number; range: [number, number]; crop?: [number, number] } {
  checkOptions(fn, options, BATCH_KEYS);
  const batchSize = options.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError(`${fn}: options.batchSize`, 'a positive integer', batchSize);
  const prefetch = options.prefetch ?? 2;
  if (!Number.isInteger(prefetch) || prefetch < 0) throw new InvalidArgumentError(`${fn}: options.prefetch`, 'an integer ≥ 0', prefetch);
  if (options.seed !== undefined) assertSeed(`${fn}: options.seed`, options.seed);
  const range = options.range ?? [-1, 1];
  if (!Array.isArray(range) || range.length !== 2 || !(range[0] < range[1])) throw new InvalidArgumentError(`${fn}: options.range`, '[lo, hi] with lo < hi', range);
  const crop = typeof options.crop === 'number' ? ([options.crop, options.crop] as [number, number]) : options.crop;
  for (const [nm, v] of [['crop', crop], ['resize', options.resize]] as const) {
    if (v !== undefined && !(Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x) && x > 0))) {
      throw new InvalidArgumentError(`${fn}: options.${nm}`, '[height, width] with positive integers', v);
    }
  }
  if (options.fields !== undefined && !(Array.isArray(options.fields) && options.fields.every((f) => typeof f === 'string'))) {
    throw new InvalidArgumentError(`${fn}: options.fields`, 'an array of field names', options.fields);
  }
  return { batchSize, prefetch, range, crop };
}

/** The order and augmentation draws of one pass over `n` samples. */
function epochPlan(n: number, seed: number, shuffle: boolean, crop: [number, number] | undefined, options: BatchOptions<string>): { order: number[]; plans: AugmentPlan[] } {
  const rng = SeededRandom.hashed(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  if (shuffle) rng.shuffle(order);
  const plans: AugmentPlan[] = order.map(() => ({
    resize: options.resize,
    crop,
    cropU: [rng.next(), rng.next()],
    flip: options.flip ? rng.next() < 0.5 : false,
  }));
  return { order, plans };
}

function toTensors(host: HostBatch): Batch {
  const batch: Batch = { names: host.names };
  for (const [k, f] of Object.entries(host.fields)) batch[k] = tf.tensor(f.data, f.shape, f.dtype);
  return batch;
}

/**
 * Base class of every dataset: subclasses implement `length` and `get(i)`;
 * iteration, mapping and batching come from here.
 *
 * @example
 * for await (const batch of dataset.batches({ batchSize: 4, shuffle: true, crop: [256, 256], flip: true })) {
 *   trainStep(batch.image, batch.labels);
 *   disposeBatch(batch);
 * }
 */
export abstract class Dataset<S extends Sample = Sample> implements AsyncIterable<S> {
  /** Number of samples. */
  abstract get length(): number;
  /** Loads sample `i` (0 ≤ i < length). */
  protected abstract load(i: number): Promise<S>;

  /** Sample `i`, validated. */
  async get(i: number): Promise<S> {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new InvalidArgumentError('Dataset.get: index', `an integer in [0, ${this.length - 1}]`, i);
    return this.load(i);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<S> {
    for (let i = 0; i < this.length; i++) yield await this.load(i);
  }

  /**
   * A dataset whose samples are `fn(sample, index)` (e.g. adding fog and
   * keeping the clear image as the target).
   *
   * @example const hazy = scenes.map((s) => ({ ...s, clear: s.image, image: addFog(s.image, s.depth, { beta: 0.02 }) }));
   */
  map<T extends Sample>(fn: (sample: S, index: number) => T | Promise<T>): Dataset<T> {
    return new MappedDataset<S, T>(this, fn);
  }

  /**
   * Batches of tensors (see {@link BatchOptions}); prefetching overlaps decoding with the consumer.
   * The batch type lists `options.fields`, or the sample type's fields (see {@link Batch}).
   */
  async *batches<F extends string = SampleFields<S>>(options: BatchOptions<F> = {}): AsyncGenerator<Batch<F>> {
    const { batchSize, prefetch, range, crop } = checkBatchOptions('Dataset.batches', options);
    const n = this.length;
    if (n === 0) return;
    const { order, plans } = epochPlan(n, options.seed ?? 0, options.shuffle ?? false, crop, options);
    const nb = options.dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
    const queue: Promise<HostBatch>[] = [];
    let next = 0;
    const launch = (): void => {
      if (next >= nb) return;
      const b = next++;
      const p = this.loadHostBatch('Dataset.batches', order.slice(b * batchSize, (b + 1) * batchSize), plans.slice(b * batchSize, (b + 1) * batchSize), range, options.fields);
      p.catch(() => undefined); // surfaced when awaited
      queue.push(p);
    };
    for (let k = 0; k <= prefetch; k++) launch();
    try {
      while (queue.length) {
        const host = await queue.shift()!;
        launch();
        yield toTensors(host) as Batch<F>;
      }
    } finally {
      queue.length = 0;
    }
  }

  /**
   * The batch of 0-based training step `step`, as a pure function of
   * `(step, options)`: steps walk through epochs of `⌊length / batchSize⌋`
   * full batches, epoch `e` shuffled (when `shuffle`) and augmented with the
   * seed `(seed, e)`. A loop that asks for `batchAt(s)` at step `s` therefore
   * sees the same data whether it ran straight through or was resumed from a
   * checkpoint at any step — no data-loader state to save.
   * `prefetch` and `dropLast` are ignored (batches are always full).
   * @example
   * for (let s = startStep; s < steps; s++) { const b = await ds.batchAt(s, { batchSize: 4, shuffle: true, flip: true, seed }); … disposeBatch(b); }
   */
  async batchAt<F extends string = SampleFields<S>>(step: number, options: BatchOptions<F> = {}): Promise<Batch<F>> {
    // options first (a misspelled key is named even when the step is also wrong)
    const { batchSize, range, crop } = checkBatchOptions('Dataset.batchAt', options);
    if (!Number.isInteger(step) || step < 0) throw new InvalidArgumentError('Dataset.batchAt: step', 'an integer ≥ 0', step);
    const n = this.length;
    if (n < batchSize) throw new InvalidArgumentError('Dataset.batchAt: options.batchSize', `at most the dataset length (${n})`, batchSize);
    const nb = Math.floor(n / batchSize);
    const epoch = Math.floor(step / nb);
    const b = step % nb;
    const seed = options.seed ?? 0;
    const { order, plans } = epochPlan(n, seed * 1_000_003 + epoch, options.shuffle ?? false, crop, options);
    const host = await this.loadHostBatch('Dataset.batchAt', order.slice(b * batchSize, (b + 1) * batchSize), plans.slice(b * batchSize, (b + 1) * batchSize), range, options.fields);
    return toTensors(host) as Batch<F>;
  }

  private async loadHostBatch(fn: string, indices: number[], plans: AugmentPlan[], range: [number, number], only?: readonly string[]): Promise<HostBatch> {
    const samples = await Promise.all(indices.map((i) => this.load(i)));
    const augmented = samples.map((s, j) => {
      const fields: Record<string, Raster> = {};
      for (const [k, v] of Object.entries(s)) if (k !== 'name' && typeof v !== 'string' && (!only || only.includes(k))) fields[k] = v;
      if (only) for (const k of only) if (!(k in fields)) throw new InvalidArgumentError(`${fn}: options.fields`, `fields present in every sample (${Object.keys(s).filter((x) => x !== 'name').join(', ')})`, k, `sample ${s.name}`);
      return augmentFields(s.name, fields, plans[j]!);
    });
    const names = samples.map((s) => s.name);
    const out: HostBatch = { names, fields: {} };
    const first = augmented[0]!;
    for (const k of Object.keys(first)) {
      const r0 = first[k]!;
      const isFloat = r0.data instanceof Float32Array;
      const isImage = isFloat && k !== 'depth';
      const per = r0.height * r0.width * r0.channels;
      const data = isFloat ? new Float32Array(per * augmented.length) : new Int32Array(per * augmented.length);
      augmented.forEach((a, j) => {
        const r = a[k];
        if (!r) throw new InvalidArgumentError(`sample ${JSON.stringify(names[j])}`, `a field ${JSON.stringify(k)} like the other samples of the batch`, Object.keys(a));
        if (r.height !== r0.height || r.width !== r0.width || r.channels !== r0.channels) {
          throw new InvalidArgumentError(
            `sample ${JSON.stringify(names[j])}`,
            `field ${k} of size ${r0.height}×${r0.width}×${r0.channels} like ${names[0]} (use resize or crop to batch images of different sizes)`,
            `${r.height}×${r.width}×${r.channels}`,
          );
        }
        data.set(r.data as ArrayLike<number>, j * per);
      });
      if (isImage && (range[0] !== 0 || range[1] !== 1)) {
        const s = range[1] - range[0];
        for (let i = 0; i < data.length; i++) data[i] = range[0] + data[i]! * s;
      }
      const shape = isFloat ? [augmented.length, r0.height, r0.width, r0.channels] : [augmented.length, r0.height, r0.width];
      if (!isFloat && r0.channels !== 1) shape.push(r0.channels);
      out.fields[k] = { data, shape, dtype: isFloat ? 'float32' : 'int32' };
    }
    return out;
  }
}

/** A dataset of in-memory samples.
 *
 * @example const ds = new ArrayDataset([{ name: 'a', image }]);
 */
export class ArrayDataset<S extends Sample = Sample> extends Dataset<S> {
  constructor(private readonly samples: S[]) {
    super();
    if (!Array.isArray(samples)) throw new InvalidArgumentError('ArrayDataset: samples', 'an array of samples { name, …fields }', samples);
  }
  get length(): number {
    return this.samples.length;
  }
  protected async load(i: number): Promise<S> {
    return this.samples[i]!;
  }
}

class MappedDataset<S extends Sample, T extends Sample> extends Dataset<T> {
  constructor(
    private readonly base: Dataset<S>,
    private readonly fn: (sample: S, index: number) => T | Promise<T>,
  ) {
    super();
  }
  get length(): number {
    return this.base.length;
  }
  protected async load(i: number): Promise<T> {
    return this.fn(await this.base.get(i), i);
  }
}
