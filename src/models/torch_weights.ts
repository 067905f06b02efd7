/**
 * Weight interchange with PyTorch `state_dict`s stored as safetensors.
 *
 * The builders name every layer with its PyTorch module path, so the mapping
 * is mechanical: for a layer named `P`
 *
 * | tfjs layer / weight | torch key | layout change |
 * |---|---|---|
 * | Conv2D `kernel` `[kh,kw,in,out]` | `P.weight` `[out,in,kh,kw]` | OIHW ↔ HWIO |
 * | Conv2DTranspose `kernel` `[kh,kw,out,in]` | `P.weight` `[in,out,kh,kw]` | IOHW ↔ HWOI |
 * | Dense `kernel` `[in,out]` | `P.weight` `[out,in]` | transpose |
 * | `bias` | `P.bias` | — |
 * | BatchNormalization `gamma`/`beta`/`moving_mean`/`moving_variance` | `P.weight`/`P.bias`/`P.running_mean`/`P.running_var` | — |
 * | Instance/GroupNormalization `gamma`/`beta` | `P.weight`/`P.bias` | — |
 * | SpectralNormalization `kernel`/`u`/`v` | `P.weight_orig`/`P.weight_u`/`P.weight_v` | as the wrapped conv |
 *
 * `num_batches_tracked` is ignored on load and not written (torch fills it in).
 */
import { tf, tfl } from '../tf.js';
import type { Tensor } from '../tf.js';
import { InvalidArgumentError, MismatchError, NotFoundError } from '../errors.js';
import { checkOptions } from '../validate.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';
import { fetchReader, sourceBytes, sourceLocation, type ByteReader, type WeightSource } from './weight_source.js';
import type { SafeTensor } from './safetensors.js';

/** One model weight and the torch key / layout it corresponds to. */
export interface TorchWeightEntry {
  /** torch state_dict key */
  key: string;
  /** the tfjs weight */
  variable: tfl.LayerVariable;
  /** shape on the torch side */
  torchShape: number[];
  /** permutation taking the tfjs tensor to the torch layout (null = same layout) */
  toTorch: number[] | null;
}

/** Options of {@link loadTorchWeights}. */
export interface LoadTorchWeightsOptions {
  /** prefix prepended to every torch key looked up (e.g. `'module.'`); default '' */
  prefix?: string;
  /** leave model weights that the file lacks unchanged instead of failing; default false */
  allowMissing?: boolean;
  /** ignore file tensors no model weight maps to; default false */
  allowUnexpected?: boolean;
}

/** The keys of {@link LoadTorchWeightsOptions}. */
const LOAD_TORCH_KEYS = ['prefix', 'allowMissing', 'allowUnexpected'] as const;

/** Validates {@link LoadTorchWeightsOptions} (keys and values), errors labelled `<fn>: options.…`. */
function checkLoadOptions(fn: string, options: LoadTorchWeightsOptions): Required<LoadTorchWeightsOptions> {
  checkOptions(fn, options, LOAD_TORCH_KEYS);
  const { prefix = '', allowMissing = false, allowUnexpected = false } = options;
  if (typeof prefix !== 'string') throw new InvalidArgumentError(`${fn}: options.prefix`, 'a string', prefix);
  for (const [k, v] of [['allowMissing', allowMissing], ['allowUnexpected', allowUnexpected]] as const) {
    if (typeof v !== 'boolean') throw new InvalidArgumentError(`${fn}: options.${k}`, 'a boolean', v);
  }
  return { prefix, allowMissing, allowUnexpected };
}

const CONV_PERM = [3, 2, 0, 1]; // HWIO → OIHW and HWOI → IOHW alike

function collectLayers(model: tfl.LayersModel | tfl.layers.Layer, out: tfl.layers.Layer[] = []): tfl.layers.Layer[] {
  const inner = (model as { layers?: tfl.layers.Layer[] }).layers;
  if (Array.isArray(inner)) for (const l of inner) collectLayers(l, out);
  else out.push(model as tfl.layers.Layer);
  return out;
}

function shortName(v: tfl.LayerVariable): string {
  const n = v.originalName ?? v.name;
  return n.slice(n.lastIndexOf('/') + 1);
}

/**
 * Lists every weight of `model` with its torch key and layout, in layer order.
 * Layers are mapped by class (Conv2D, Conv2DTranspose, Dense,
 * BatchNormalization, InstanceNormalization, GroupNormalization,
 * SpectralNormalization); a weighted layer of another class is an error.
 *
 * @example
 * torchWeightMap(unetGenerator()).map((e) => e.key); // ['model.model.0.weight', …]
 */
export function torchWeightMap(model: tfl.LayersModel): TorchWeightEntry[] {
  return weightMap('torchWeightMap', model);
}

/** {@link torchWeightMap} with its errors labelled `<fn>: model`. */
function weightMap(fn: string, model: tfl.LayersModel): TorchWeightEntry[] {
  if (model == null || !Array.isArray((model as { layers?: unknown }).layers)) {
    throw new InvalidArgumentError(`${fn}: model`, 'a tf.LayersModel', model);
  }
  const entries: TorchWeightEntry[] = [];
  for (const layer of collectLayers(model)) {
    const cls = layer.getClassName();
    for (const v of layer.weights) {
      const w = shortName(v);
      const p = layer.name;
      let key: string;
      let perm: number[] | null = null;
      if (cls === 'Conv2D' || cls === 'Conv2DTranspose' || cls === 'SpectralNormalization') {
        const map: Record<string, string> = cls === 'SpectralNormalization' ? { kernel: 'weight_orig', bias: 'bias', u: 'weight_u', v: 'weight_v' } : { kernel: 'weight', bias: 'bias' };
        key = map[w] ?? w;
        if (w === 'kernel') perm = CONV_PERM;
      } else if (cls === 'Dense') {
        key = w === 'kernel' ? 'weight' : 'bias';
        if (w === 'kernel') perm = [1, 0];
      } else if (cls === 'BatchNormalization' || cls === 'InstanceNormalization' || cls === 'GroupNormalization') {
        const map: Record<string, string> = { gamma: 'weight', beta: 'bias', moving_mean: 'running_mean', moving_variance: 'running_var' };
        key = map[w] ?? w;
      } else {
        throw new InvalidArgumentError(`${fn}: model`, 'layers whose weights have a PyTorch counterpart', `layer ${p} of class ${cls}`);
      }
      const vs = v.shape as number[];
      const shape = perm ? perm.map((a) => vs[a]!) : vs.slice();
      entries.push({ key: `${p}.${key}`, variable: v, torchShape: shape, toTorch: perm });
    }
  }
  return entries;
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const fmt = (s: number[]) => `[${s.join(',')}]`;

/**
 * Copies a torch state_dict (name → tensor map, e.g. parsed from a `.safetensors` file)
 * into `model`. Checks every name and shape before assigning anything, and
 * throws a {@link MismatchError} naming the first missing key, the first shape
 * that differs (both shapes), the first tensor holding a NaN/±Inf, or the first
 * unexpected key; nothing is assigned when it throws. Returns the keys loaded.
 */
export function loadTorchStateDict(model: tfl.LayersModel, tensors: Map<string, SafeTensor>, options: LoadTorchWeightsOptions = {}): string[] {
  return loadStateDict('loadTorchStateDict', model, tensors, checkLoadOptions('loadTorchStateDict', options));
}

/** {@link loadTorchStateDict} after the option check, errors labelled `<fn>: …`. */
function loadStateDict(fn: string, model: tfl.LayersModel, tensors: Map<string, SafeTensor>, options: Required<LoadTorchWeightsOptions>): string[] {
  const { prefix, allowMissing, allowUnexpected } = options;
  const entries = weightMap(fn, model);
  if (!(tensors instanceof Map)) throw new InvalidArgumentError(`${fn}: tensors`, 'a Map of torch key → { shape, data } (e.g. parseSafetensors(bytes).tensors)', tensors);
  const plan: [TorchWeightEntry, SafeTensor][] = [];
  for (const e of entries) {
    const t = tensors.get(prefix + e.key);
    if (!t) {
      if (allowMissing) continue;
      const sample = [...tensors.keys()].filter((k) => !k.endsWith('num_batches_tracked')).slice(0, 3);
      throw new MismatchError(
        `segaware: the weights do not fit model "${model.name}": key ${prefix + e.key} (shape ${fmt(e.torchShape)}) is missing from the file ` +
          `(${tensors.size} tensors, first ${sample.join(', ')}); is it a state_dict of another architecture or width?`,
      );
    }
    if (!sameShape(t.shape, e.torchShape)) {
      throw new MismatchError(
        `segaware: the weights do not fit model "${model.name}": ${prefix + e.key} has shape ${fmt(t.shape)} in the file but ${fmt(e.torchShape)} in the model`,
      );
    }
    // a NaN/±Inf weight would load silently and only surface as a NaN loss much later
    const d = t.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v - v !== 0) {
        throw new MismatchError(
          `segaware: the weights for model "${model.name}" hold a non-finite value: ${prefix + e.key} has ${String(v)} at index ${i} (shape ${fmt(t.shape)}); the file is corrupt or was saved from a diverged run`,
        );
      }
    }
    plan.push([e, t]);
  }
  if (!allowUnexpected) {
    const known = new Set(entries.map((e) => prefix + e.key));
    for (const k of tensors.keys()) {
      if (!known.has(k) && !k.endsWith('num_batches_tracked')) {
        throw new MismatchError(`segaware: the weights do not fit model "${model.name}": the file has ${k} (shape ${fmt(tensors.get(k)!.shape)}), which no model weight maps to`);
      }
    }
  }
  for (const [e, t] of plan) {
    tf.tidy(() => {
      let x: Tensor = tf.tensor(t.data instanceof Float32Array ? t.data : Float32Array.from(t.data), t.shape, 'float32');
      if (e.toTorch) {
        const inv = new Array<number>(e.toTorch.length);
        e.toTorch.forEach((a, i) => (inv[a] = i));
        x = tf.transpose(x, inv);
      }
      e.variable.write(x);
    });
  }
  return plan.map(([e]) => prefix + e.key);
}

/**
 * Loads a PyTorch `state_dict` saved as safetensors (its bytes, or a location) into
 * a model built by one of the segaware builders. Python side:
 * `safetensors.torch.save_file(net.state_dict(), 'net.safetensors')`.
 *
 * Platform-neutral: a string or `URL` is fetched (`fetch`). In Node (`segaware`,
 * `segaware/node`) a string is a file path, and http(s) URLs are fetched.
 *
 * @throws MismatchError with the first mismatching key / shape, or a tensor holding NaN/±Inf (named).
 * @throws NotFoundError naming the path or URL when it is missing, a directory, or not readable.
 * @example
 * const g = unetGenerator();
 * await loadTorchWeights(g, 'latest_net_G.safetensors');
 */
export async function loadTorchWeights(model: tfl.LayersModel, file: string | URL | ArrayBuffer | Uint8Array, options: LoadTorchWeightsOptions = {}): Promise<string[]> {
  return loadTorchWeightsWith(model, file, options, fetchReader);
}

/** {@link loadTorchWeights} reading locations with `reader` (Node passes its file reader). @internal */
export async function loadTorchWeightsWith(model: tfl.LayersModel, file: WeightSource, options: LoadTorchWeightsOptions, reader: ByteReader): Promise<string[]> {
  const checked = checkLoadOptions('loadTorchWeights', options);
  weightMap('loadTorchWeights', model); // a wrong model fails before the file is read
  let bytes = sourceBytes(file);
  if (!bytes) {
    const location = sourceLocation('loadTorchWeights: file', file, `a .safetensors ${reader.kind === 'file' ? 'path' : 'URL'} or its bytes (Uint8Array)`);
    try {
      bytes = await reader.read(location);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') throw new NotFoundError(`segaware: cannot read safetensors ${reader.kind} ${JSON.stringify(location)}: not found`);
      throw err;
    }
  }
  const { tensors } = parseSafetensors(bytes);
  return loadStateDict('loadTorchWeights', model, tensors, checked);
}

/** The model's weights as a torch state_dict (torch names and layouts, float32). */
export function torchStateDict(model: tfl.LayersModel): Map<string, { shape: number[]; data: Float32Array }> {
  return stateDict('torchStateDict', model);
}

/** {@link torchStateDict} with its errors labelled `<fn>: model`. */
function stateDict(fn: string, model: tfl.LayersModel): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const e of weightMap(fn, model)) {
    const data = tf.tidy(() => {
      const x = e.variable.read();
      return (e.toTorch ? tf.transpose(x, e.toTorch) : x).dataSync() as Float32Array;
    });
    out.set(e.key, { shape: e.torchShape, data: Float32Array.from(data) });
  }
  return out;
}

/**
 * Writes the model's weights as a PyTorch state_dict in safetensors and returns the bytes
 * (in Node, `segaware` / `segaware/node` also write them to `file`); load them in Python with
 * `net.load_state_dict(safetensors.torch.load_file(path))`.
 *
 * @param file a path to write to: Node only; the platform-neutral build rejects it (save the
 *   returned bytes yourself, e.g. as a download)
 * @throws NotFoundError naming the path when its folder is missing or it is a directory.
 *
 * @example
 * const bytes = await saveTorchWeights(resnetGenerator());
 */
export async function saveTorchWeights(model: tfl.LayersModel, file?: string): Promise<Uint8Array> {
  if (file !== undefined) {
    throw new InvalidArgumentError('saveTorchWeights: file', "undefined here (the bytes are returned); writing a file needs 'segaware/node'", file);
  }
  return torchWeightBytes(model);
}

/** The safetensors bytes {@link saveTorchWeights} writes. @internal */
export function torchWeightBytes(model: tfl.LayersModel): Uint8Array {
  return serializeSafetensors(stateDict('saveTorchWeights', model), { format: 'pt', producer: 'segaware' });
}
