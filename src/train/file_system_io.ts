/**
 * A `tf.io` handler that saves and loads models as `model.json` +
 * `weights.bin` on the local file system, in the same layout as
 * `@tensorflow/tfjs-node`'s `file://` handler, so either side loads the
 * other's files. Works on every backend (tfjs-node is not needed).
 */
import { mkdir, readFile, rename, writeFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { tf } from '../tf.js';
import { NotFoundError, MismatchError } from '../errors.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** Concatenates `WeightData` (one or several ArrayBuffers) into one buffer. */
export function weightDataToBuffer(data: tf.io.WeightData | undefined): Uint8Array {
  if (data == null) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/** Writes `bytes` to `path` through a temporary file and a rename (atomic on POSIX). */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

/**
 * Returns an `IOHandler` for `path`: a directory (holding or to hold
 * `model.json` and `weights.bin`) or the path of a `model.json`. `file://`
 * prefixes are accepted, as in tfjs-node.
 *
 * @example
 * await model.save(fileSystemIO('runs/gen'));
 * const again = await tfl.loadLayersModel(fileSystemIO('runs/gen'));
 */
export function fileSystemIO(path: string): tf.io.IOHandler {
  const clean = path.startsWith('file://') ? path.slice('file://'.length) : path;
  const target = resolve(clean);
  const isJson = target.endsWith('.json');
  const dir = isJson ? dirname(target) : target;
  const jsonPath = isJson ? target : join(dir, MODEL_JSON);

  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new MismatchError('segaware: fileSystemIO saves JSON model topologies only (got a binary GraphDef)');
      }
      await mkdir(dir, { recursive: true });
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
      // weights first, manifest last: a reader never sees a model.json whose weights are missing
      await writeFileAtomic(join(dir, WEIGHTS_BIN), weights);
      await writeFileAtomic(jsonPath, JSON.stringify(modelJSON));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      let text: string;
      try {
        text = await readFile(jsonPath, 'utf8');
      } catch (err) {
        const exists = await stat(dir).then(() => true, () => false);
        throw new NotFoundError(
          exists
            ? `segaware: no ${MODEL_JSON} in ${dir} (${(err as Error).message})`
            : `segaware: model directory ${dir} does not exist`,
        );
      }
      const modelJSON = JSON.parse(text) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
        const buffers: ArrayBuffer[] = [];
        const specs: tf.io.WeightsManifestEntry[] = [];
        for (const group of manifest) {
          for (const p of group.paths) {
            const file = join(dirname(jsonPath), p);
            const b = await readFile(file).catch(() => {
              throw new NotFoundError(`segaware: weights file ${file} named in ${jsonPath} is missing`);
            });
            buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
          }
          specs.push(...group.weights);
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}
