/**
 * Input handling of the segmentation metrics: label maps and logits given as
 * tensors, `{ data, shape }` host arrays or bare integer typed arrays, turned
 * into host integer arrays with their shape.
 */
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';

/** Integer typed arrays accepted as label maps. */
export type IntTypedArray = Uint8Array | Uint8ClampedArray | Int8Array | Uint16Array | Int16Array | Int32Array | Uint32Array;

/** A host label map (integers) or host logits (floats, one more axis of size K), with its shape. */
export interface LabelData {
  data: IntTypedArray | Float32Array | Float64Array;
  shape: number[];
}

/** A label map or logits: tensor, `{ data, shape }` or a bare integer typed array. */
export type LabelInput = Tensor | LabelData | IntTypedArray;

/** Host labels: integer data and shape. */
export interface HostLabels {
  data: IntTypedArray;
  shape: number[];
}

const isIntArray = (x: unknown): x is IntTypedArray =>
  x instanceof Uint8Array || x instanceof Uint8ClampedArray || x instanceof Int8Array || x instanceof Uint16Array ||
  x instanceof Int16Array || x instanceof Int32Array || x instanceof Uint32Array;

const isFloatArray = (x: unknown): x is Float32Array | Float64Array => x instanceof Float32Array || x instanceof Float64Array;

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Arg-max over the last axis of host logits, rejecting NaN and ±Infinity (metrics treat predictions as data). */
function hostArgMax(name: string, data: Float32Array | Float64Array, k: number): Int32Array {
  const m = data.length / k;
  const out = new Int32Array(m);
  for (let i = 0, o = 0; i < m; i++, o += k) {
    let best = data[o]!;
    let arg = 0;
    if (best - best !== 0) throw new InvalidArgumentError(name, 'finite logits (no NaN or ±Infinity)', best, `at pixel ${i}`);
    for (let c = 1; c < k; c++) {
      const v = data[o + c]!;
      if (v - v !== 0) throw new InvalidArgumentError(name, 'finite logits (no NaN or ±Infinity)', v, `at pixel ${i}`);
      if (v > best) {
        best = v;
        arg = c;
      }
    }
    out[i] = arg;
  }
  return out;
}

/**
 * Reads a target label map: an int32 tensor, integer `{data, shape}` or an
 * integer typed array (shape `[length]`). Float data is rejected.
 */
export function readTargetLabels(name: string, x: LabelInput): HostLabels {
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) throw new InvalidArgumentError(name, 'a live tensor', 'a disposed tensor');
    if (x.dtype !== 'int32') throw new InvalidArgumentError(name, 'an int32 label tensor', `dtype ${x.dtype}`, 'labels must be integers; cast with tf.cast(x, "int32") if the values are whole numbers');
    return { data: x.dataSync() as Int32Array, shape: [...x.shape] };
  }
  if (isIntArray(x)) return { data: x, shape: [x.length] };
  const d = x as LabelData;
  if (d == null || typeof d !== 'object' || !Array.isArray(d.shape) || !ArrayBuffer.isView(d.data)) {
    throw new InvalidArgumentError(name, 'a tensor, an integer typed array or { data, shape }', x);
  }
  if (!isIntArray(d.data)) throw new InvalidArgumentError(`${name}.data`, 'an integer typed array (Uint8Array, Int32Array, …)', d.data, 'labels must be integers');
  const size = d.shape.reduce((p, q) => p * q, 1);
  if (size !== d.data.length) throw new InvalidArgumentError(`${name}.shape`, `a shape with ${d.data.length} elements`, d.shape);
  return { data: d.data, shape: [...d.shape] };
}

/**
 * Reads predictions: labels of the target's shape (int32 tensor / integer array), or logits
 * with one more trailing axis (float tensor / float `{data, shape}`), reduced by arg-max.
 * NaN/±Inf logits are rejected; with `numClasses`, logits must have exactly that many channels
 * (an arg-max over 4 channels yields a label 3 that a 3-class matrix would count as a miss).
 */
export function readPredLabels(name: string, x: LabelInput, targetShape: number[], numClasses?: number): HostLabels {
  const checkChannels = (shape: readonly number[]) => {
    const k = shape[shape.length - 1];
    if (numClasses !== undefined && k !== numClasses) {
      throw new InvalidArgumentError(name, `logits [${[...targetShape, numClasses].join(',')}] (one channel per class)`, `shape [${shape.join(',')}]`, `${k} channels for ${numClasses} classes`);
    }
  };
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) throw new InvalidArgumentError(name, 'a live tensor', 'a disposed tensor');
    if (x.dtype === 'int32') {
      if (!sameShape(x.shape, targetShape)) throw new InvalidArgumentError(`${name}/target`, 'labels of the same shape as the target', `[${x.shape.join(',')}] and [${targetShape.join(',')}]`);
      return { data: x.dataSync() as Int32Array, shape: [...x.shape] };
    }
    if (x.dtype !== 'float32') throw new InvalidArgumentError(name, 'float32 logits or int32 labels', `dtype ${x.dtype}`);
    if (x.rank !== targetShape.length + 1 || !sameShape(x.shape.slice(0, -1), targetShape)) {
      throw new InvalidArgumentError(name, `logits [${targetShape.join(',')},K] or int32 labels [${targetShape.join(',')}]`, `float32 shape [${x.shape.join(',')}]`, 'float label maps are not accepted: pass int32 labels');
    }
    checkChannels(x.shape);
    // an empty batch: nothing to count (wasm reductions over no elements return uninitialised memory)
    if (x.size === 0) return { data: new Int32Array(0), shape: targetShape };
    // Σ x·0 is NaN iff a logit is NaN or ±Inf (one read; the arg-max is read right after anyway)
    const flag = tf.tidy(() => tf.sum(tf.mul(x, 0)).dataSync()[0]!);
    if (flag !== 0) throw new InvalidArgumentError(name, 'finite logits (no NaN or ±Infinity)', 'a tensor containing NaN or ±Infinity');
    const am = tf.argMax(x, -1);
    const data = am.dataSync() as Int32Array;
    am.dispose();
    return { data, shape: targetShape };
  }
  if (isIntArray(x)) {
    const size = targetShape.reduce((p, q) => p * q, 1);
    if (x.length !== size) throw new InvalidArgumentError(`${name}/target`, `as many labels as the target (${size})`, `${x.length}`);
    return { data: x, shape: targetShape };
  }
  const d = x as LabelData;
  if (d == null || typeof d !== 'object' || !Array.isArray(d.shape) || !ArrayBuffer.isView(d.data)) {
    throw new InvalidArgumentError(name, 'a tensor, an integer typed array or { data, shape }', x);
  }
  const size = d.shape.reduce((p, q) => p * q, 1);
  if (size !== d.data.length) throw new InvalidArgumentError(`${name}.shape`, `a shape with ${d.data.length} elements`, d.shape);
  if (isFloatArray(d.data)) {
    if (d.shape.length !== targetShape.length + 1 || !sameShape(d.shape.slice(0, -1), targetShape)) {
      throw new InvalidArgumentError(name, `logits [${targetShape.join(',')},K] or integer labels`, `float data of shape [${d.shape.join(',')}]`, 'float label maps are not accepted');
    }
    checkChannels(d.shape);
    return { data: hostArgMax(name, d.data, d.shape[d.shape.length - 1]!), shape: targetShape };
  }
  if (!sameShape(d.shape, targetShape)) throw new InvalidArgumentError(`${name}/target`, 'labels of the same shape as the target', `[${d.shape.join(',')}] and [${targetShape.join(',')}]`);
  return { data: d.data, shape: targetShape };
}
