/**
 * The weight loaders of the Node entry: the same as the platform-neutral ones
 * (`./vgg19.ts`, `./torch_weights.ts`), with a string taken as a file path (http(s) URLs are
 * still fetched) and `saveTorchWeights` able to write its file. Exported by the models face
 * for Node (`./index.ts`) under the same names, shadowing the neutral ones.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { tfl } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { fsError, writeSafetensorsBytes } from './safetensors_file.js';
import { loadTorchWeightsWith, torchWeightBytes, type LoadTorchWeightsOptions } from './torch_weights.js';
import { loadVgg19WeightsWith, type Vgg19Weights } from './vgg19.js';
import { fetchReader, isFetchable, type ByteReader, type WeightSource } from './weight_source.js';

/** Reads files; raw Node errors (their `code`, e.g. ENOENT) go to the caller. */
const fileReader: ByteReader = {
  kind: 'file',
  async read(path) {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
  sibling: (path, name) => join(dirname(path), name),
};

/** {@link fileReader} whose failures name the safetensors file (EISDIR, ENOTDIR, ENOENT, EACCES). */
const safetensorsFileReader: ByteReader = {
  ...fileReader,
  async read(path) {
    try {
      return await fileReader.read(path);
    } catch (err) {
      throw fsError(err, path, 'read');
    }
  },
};

/** A `file:` URL as a path (what `fs` reads), anything else unchanged. */
function localSource(source: WeightSource): WeightSource {
  return typeof URL !== 'undefined' && source instanceof URL && source.protocol === 'file:' ? fileURLToPath(source) : source;
}

/**
 * Reads VGG-19 weights (see the platform-neutral `loadVgg19Weights`): in Node a string is a
 * file path (`.json` ⇒ a TF.js layers `model.json` with its shards beside it, otherwise a
 * torchvision safetensors file); http(s) URLs are fetched; bytes are a safetensors file's.
 *
 * @throws NotFoundError when the file is missing; MismatchError when it is not VGG-19.
 * @example
 * const weights = await loadVgg19Weights('weights/vgg19.safetensors');
 * const vgg = vgg19Features({ weights, layers: ['conv5_4'] });
 */
export async function loadVgg19Weights(source: string | URL | ArrayBuffer | Uint8Array): Promise<Vgg19Weights> {
  return loadVgg19WeightsWith(localSource(source), isFetchable(source) ? fetchReader : fileReader);
}

/**
 * Loads a PyTorch `state_dict` saved as safetensors (a path, a URL or the bytes) into a model
 * built by one of the segaware builders (see the platform-neutral `loadTorchWeights`).
 *
 * @throws MismatchError with the first mismatching key / shape, or a tensor holding NaN/±Inf (named).
 * @throws NotFoundError naming the path when it is missing, a directory, or not readable.
 * @example
 * const g = unetGenerator();
 * await loadTorchWeights(g, 'latest_net_G.safetensors');
 */
export async function loadTorchWeights(model: tfl.LayersModel, file: string | URL | ArrayBuffer | Uint8Array, options: LoadTorchWeightsOptions = {}): Promise<string[]> {
  return loadTorchWeightsWith(model, localSource(file), options, isFetchable(file) ? fetchReader : safetensorsFileReader);
}

/**
 * Writes the model's weights as a PyTorch state_dict in safetensors (to a path, or returns
 * the bytes when `file` is omitted); load it in Python with
 * `net.load_state_dict(safetensors.torch.load_file(path))`.
 *
 * @throws NotFoundError naming the path when its folder is missing or it is a directory.
 * @example
 * await saveTorchWeights(resnetGenerator(), 'netG.safetensors');
 */
export async function saveTorchWeights(model: tfl.LayersModel, file?: string): Promise<Uint8Array> {
  if (file !== undefined && (typeof file !== 'string' || !file)) throw new InvalidArgumentError('saveTorchWeights: file', 'a .safetensors file path, or undefined for the bytes', file);
  const bytes = torchWeightBytes(model);
  if (file !== undefined) await writeSafetensorsBytes(file, bytes);
  return bytes;
}
