/**
 * A `tf.io` handler that saves and loads models as `model.json` +
 * `weights.bin` on the local file system, in the same layout as
 * `@tensorflow/tfjs-node`'s `file://` handler, so either side loads the
 * other's files. Works on every backend (tfjs-node is not needed).
 *
 * Also the durable-write helpers the checkpoint code shares: every file is
 * fsync'ed before it is renamed into place and the directory after the
 * rename, so a power loss cannot leave a renamed-but-empty file behind.
 */
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { tf } from '../tf.js';
import { InvalidArgumentError, NotFoundError, MismatchError, SegawareError } from '../errors.js';
import { CheckpointCorruptError } from './checkpoint_errors.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** Concatenates `WeightData` (one or several ArrayBuffers) into one buffer. */
export function weightDataToBuffer(data: tf.io.WeightData | undefined): Uint8Array {
  if (data == null) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/** Writes `bytes` to `path` and fsyncs the file before closing it. */
export async function writeFileDurable(path: string, bytes: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Fsyncs a directory so that renames and new entries in it survive a power
 * loss. Some platforms cannot open or sync a directory (Windows: EISDIR/EPERM,
 * some file systems: EINVAL); there the rename is as durable as the OS makes
 * it, so those codes are ignored.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `bytes` to `path` through a temporary file and a rename (atomic on
 * POSIX). The temporary file is fsync'ed before the rename and the directory
 * after it, so after a crash `path` holds either the old or the new content in
 * full.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    await writeFileDurable(tmp, bytes);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw fsError(err, 'writeFileAtomic: path', path, 'a writable file path');
  }
  await fsyncDirectory(dirname(path));
}

/**
 * Turns a Node file-system error (EISDIR, EEXIST, ENOTDIR, EACCES, EPERM,
 * ENOSPC…) into a segaware error naming `argument`, the path and what was
 * expected; other errors are returned unchanged.
 */
export function fsError(err: unknown, argument: string, path: string, expected: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof SegawareError || typeof e?.code !== 'string') return err;
  const where = e.path ?? path;
  switch (e.code) {
    case 'ENOTDIR':
      return new InvalidArgumentError(argument, expected, path, `a part of ${where} is a file, not a directory`);
    case 'EEXIST':
    case 'EISDIR':
      return new InvalidArgumentError(argument, expected, path, `${where} ${e.code === 'EISDIR' ? 'is a directory' : 'already exists and is not a directory'}`);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new InvalidArgumentError(argument, expected, path, `permission denied on ${where} (${e.code})`);
    case 'ENOENT':
      return new NotFoundError(`segaware: ${where} does not exist (${argument}: expected ${expected})`);
    default:
      return new SegawareError(`segaware: file-system error ${e.code} on ${where} (${argument}: expected ${expected}): ${e.message}`);
  }
}

/** Bytes per element of a stored weight, or undefined for variable-size dtypes (string). */
function bytesPerElement(spec: tf.io.WeightsManifestEntry): number | undefined {
  const q = spec.quantization?.dtype;
  if (q) return q === 'uint8' ? 1 : 2;
  return ({ float32: 4, int32: 4, bool: 1, complex64: 8 } as Record<string, number>)[spec.dtype];
}

/**
 * The byte length `specs` describe, or undefined when it cannot be computed
 * (string weights). Used to reject truncated or extended weight files before
 * `tf.io.decodeWeights`, which throws a raw error on a short buffer and
 * silently ignores extra bytes.
 */
export function expectedWeightBytes(specs: tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const s of specs) {
    const b = bytesPerElement(s);
    if (b === undefined || !Array.isArray(s.shape)) return undefined;
    total += b * s.shape.reduce((a, d) => a * d, 1);
  }
  return total;
}

/** The two files of a model in the tfjs-node layout. */
export interface ModelFiles {
  /** content of `model.json` */
  modelJSON: string;
  /** content of `weights.bin` */
  weights: Uint8Array;
}

/** Builds `model.json` and `weights.bin` from a model's artifacts (tfjs-node layout). */
export function encodeModelFiles(artifacts: tf.io.ModelArtifacts): ModelFiles {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new MismatchError('segaware: fileSystemIO saves JSON model topologies only (got a binary GraphDef)');
  }
  const weights = weightDataToBuffer(artifacts.weightData);
  const modelJSON: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
  };
  if (artifacts.trainingConfig != null) modelJSON.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature != null) modelJSON.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata != null) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer != null) modelJSON.modelInitializer = artifacts.modelInitializer;
  return { modelJSON: JSON.stringify(modelJSON), weights };
}

/**
 * Returns an `IOHandler` for `path`: a directory (holding or to hold
 * `model.json` and `weights.bin`) or the path of a `model.json`. `file://`
 * prefixes are accepted, as in tfjs-node.
 *
 * Saves write `weights.bin` then `model.json`, each fsync'ed and renamed into
 * place (atomic: a crash leaves the old or the new file, never a torn one).
 *
 * @throws InvalidArgumentError (on save or load) if the path, or a directory
 *   above it, is a file where a directory is needed, or cannot be written.
 * @throws NotFoundError on load if the model or its weights file is missing.
 * @throws CheckpointCorruptError on load if `model.json` is not valid JSON or
 *   the weights file is shorter or longer than the weights it describes.
 * @example
 * await model.save(fileSystemIO('runs/gen'));
 * const again = await tfl.loadLayersModel(fileSystemIO('runs/gen'));
 */
export function fileSystemIO(path: string): tf.io.IOHandler {
  if (typeof path !== 'string' || !path) throw new InvalidArgumentError('fileSystemIO: path', 'a directory or model.json path', path);
  const clean = path.startsWith('file://') ? path.slice('file://'.length) : path;
  const target = resolve(clean);
  const isJson = target.endsWith('.json');
  const dir = isJson ? dirname(target) : target;
  const jsonPath = isJson ? target : join(dir, MODEL_JSON);

  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const files = encodeModelFiles(artifacts);
      try {
        await mkdir(dir, { recursive: true });
      } catch (err) {
        throw fsError(err, 'fileSystemIO: path', dir, 'a directory for model.json and weights.bin');
      }
      // weights first, manifest last: a reader never sees a model.json whose weights are missing
      await writeFileAtomic(join(dir, WEIGHTS_BIN), files.weights);
      await writeFileAtomic(jsonPath, files.modelJSON);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: files.weights.byteLength,
        },
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      let text: string;
      try {
        text = await readFile(jsonPath, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') throw fsError(err, 'fileSystemIO: path', jsonPath, 'a readable model.json (or a directory holding one)');
        const exists = await stat(dir).then(() => true, () => false);
        throw new NotFoundError(
          exists
            ? `segaware: no ${MODEL_JSON} in ${dir} (${(err as Error).message})`
            : `segaware: model directory ${dir} does not exist`,
        );
      }
      let modelJSON: tf.io.ModelJSON;
      try {
        modelJSON = JSON.parse(text) as tf.io.ModelJSON;
      } catch (err) {
        throw new CheckpointCorruptError(`segaware: ${jsonPath} is not valid JSON (torn write?): ${(err as Error).message}`, [
          { path: jsonPath, reason: 'not valid JSON' },
        ]);
      }
      return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
        const buffers: ArrayBuffer[] = [];
        const specs: tf.io.WeightsManifestEntry[] = [];
        for (const group of manifest) {
          for (const p of group.paths) {
            const file = join(dirname(jsonPath), p);
            const b = await readFile(file).catch((err: NodeJS.ErrnoException) => {
              if (err.code !== 'ENOENT') throw fsError(err, 'fileSystemIO: path', file, 'a readable weights file');
              throw new NotFoundError(`segaware: weights file ${file} named in ${jsonPath} is missing`);
            });
            buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
          }
          specs.push(...group.weights);
        }
        const data = tf.io.concatenateArrayBuffers(buffers);
        const expected = expectedWeightBytes(specs);
        if (expected !== undefined && expected !== data.byteLength) {
          const reason = `weights hold ${data.byteLength} bytes but ${MODEL_JSON} describes ${expected}`;
          throw new CheckpointCorruptError(`segaware: ${jsonPath}: ${reason} (truncated or extended file?)`, [{ path: jsonPath, reason }]);
        }
        return [specs, data];
      });
    },
  };
}
