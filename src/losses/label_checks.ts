/** Input checks of the segmentation losses: logits, int32 labels, per-class vectors (internal). */
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { assertRank, assertTensor } from '../validate.js';
import { deferCheck, isHostBackend } from '../finite_check.js';

/** How {@link checkLogitsLabels} names its two tensors in errors (defaults `prediction`, `target`). */
export interface LogitsLabelsNames {
  prediction?: string;
  target?: string;
}

/** The error for a label outside `[0, K)` that is not `ignoreIndex`. */
function labelError(label: string, K: number, ignoreIndex: number, value: number, index: number): InvalidArgumentError {
  return new InvalidArgumentError(label, `class indices in [0, ${K}) or ignoreIndex ${ignoreIndex}`, `label ${value} at flat index ${index}`);
}

/** Labels and indices are read back as float32, exact only below 2^24: each travels as two 16-bit halves. */
const HALF = 65536;

/**
 * The label check of a GPU backend, where reading the labels would stall the device (and
 * `dataSync` does not exist in Node's WebGPU): a five-value flag computed on the device — the
 * number of bad labels, then one bad label and its flat index, each split in 16-bit halves —
 * is queued with {@link deferCheck} and reported at the next `flushFiniteChecks` (which
 * `optimizerStep` calls before applying an update).
 */
function deferLabelCheck(label: string, labels: Tensor, K: number, ignoreIndex: number): void {
  if (labels.size === 0) return;
  const flag = tf.tidy(() => {
    const flat = tf.reshape(labels, [-1]);
    const int = (v: number) => tf.scalar(v, 'int32');
    const bad = tf.logicalAnd(tf.logicalOr(tf.less(flat, int(0)), tf.greaterEqual(flat, int(K))), tf.notEqual(flat, int(ignoreIndex)));
    const badInt = tf.cast(bad, 'int32');
    const index = tf.argMax(badInt); // a bad label's index when there is one (ties: not necessarily the first on a GPU)
    const value = tf.gather(flat, index);
    const half = tf.scalar(HALF, 'int32'); // int32 throughout: a float32 step would round labels beyond 2^24
    const halves = (x: Tensor) => {
      const hi = tf.floorDiv(x, half);
      return [hi, tf.sub(x, tf.mul(hi, half))];
    };
    const parts = [tf.sum(badInt), ...halves(value), ...halves(index)].map((t) => tf.cast(tf.reshape(t, [1]), 'float32'));
    return tf.concat(parts);
  });
  deferCheck(flag, (v) => (v[0]! > 0 ? labelError(label, K, ignoreIndex, v[1]! * HALF + v[2]!, v[3]! * HALF + v[4]!) : undefined));
}

/**
 * Validates segmentation logits `[..., K]` (`prediction`) and int32 labels `[...]` (`target`):
 * the labels must have the logits' shape without the last axis, and every label must be in
 * `[0, K)` or equal `ignoreIndex` — checked at once on host backends, on the device and reported
 * at the next `flushFiniteChecks` on GPU backends. Errors are labelled `fn: prediction`,
 * `fn: target` (or the `names` given) and `fn: options.ignoreIndex`. Returns K.
 */
export function checkLogitsLabels(fn: string, prediction: unknown, target: unknown, ignoreIndex: number, checkValues = true, names: LogitsLabelsNames = {}): number {
  const pLabel = `${fn}: ${names.prediction ?? 'prediction'}`;
  const tLabel = `${fn}: ${names.target ?? 'target'}`;
  assertRank(pLabel, prediction, [2, 3, 4, 5]);
  if (prediction.dtype !== 'float32') throw new InvalidArgumentError(pLabel, 'float32 logits', `dtype ${prediction.dtype}`);
  assertTensor(tLabel, target);
  if (target.dtype !== 'int32') {
    throw new InvalidArgumentError(tLabel, 'int32 class indices', `dtype ${target.dtype}`, 'cast with tf.cast(labels, "int32") if they are whole numbers');
  }
  const expected = prediction.shape.slice(0, -1);
  if (target.rank !== expected.length || target.shape.some((d, i) => d !== expected[i])) {
    throw new InvalidArgumentError(
      tLabel,
      `shape [${expected.join(',')}] (the logits shape [${prediction.shape.join(',')}] without the class axis)`,
      `shape [${target.shape.join(',')}]`,
    );
  }
  if (!Number.isInteger(ignoreIndex)) throw new InvalidArgumentError(`${fn}: options.ignoreIndex`, 'an integer', ignoreIndex);
  const K = prediction.shape[prediction.rank - 1]!;
  if (checkValues) {
    if (!isHostBackend()) deferLabelCheck(tLabel, target, K, ignoreIndex);
    else {
      const v = target.dataSync() as Int32Array;
      for (let i = 0; i < v.length; i++) {
        const l = v[i]!;
        if ((l < 0 || l >= K) && l !== ignoreIndex) throw labelError(tLabel, K, ignoreIndex, l, i);
      }
    }
  }
  return K;
}

/** Validates a per-class vector option (length K, finite, ≥ 0); `name` is its label, e.g. `'crossEntropyLoss: options.classWeights'`. */
export function checkClassVector(name: string, value: unknown, K: number): number[] {
  const arr = value instanceof Float32Array || value instanceof Float64Array ? Array.from(value) : value;
  if (!Array.isArray(arr) || arr.length !== K || arr.some((a) => typeof a !== 'number' || !Number.isFinite(a) || a < 0)) {
    throw new InvalidArgumentError(name, `an array of ${K} finite non-negative numbers (one per class)`, value);
  }
  return arr as number[];
}
