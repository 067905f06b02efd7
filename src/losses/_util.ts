/**
 * Internal helpers shared by the loss functions: reductions, a gradient stop,
 * segmentation input validation and calling user-supplied networks.
 * Not part of the public API.
 */
import { tf, tfl } from '../tf.js';
import type { Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { assertOneOf, assertRank, assertTensor } from '../validate.js';
import { deferCheck, isHostBackend } from '../finite_check.js';

/** How a per-element / per-item loss is reduced: `'mean'`, `'sum'`, or `'none'` (no reduction). */
export type Reduction = 'mean' | 'sum' | 'none';

/** Every {@link Reduction}. */
export const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/** Validates and returns a reduction option. */
export function checkReduction(value: unknown, allowed: readonly Reduction[] = REDUCTIONS): Reduction {
  const r = value ?? 'mean';
  assertOneOf('reduction', r, allowed);
  return r;
}

/**
 * Zeros of `shape` whose gradient with respect to `x` is zero: the value of a loss, or of a
 * reduction, over nothing. Built without reading `x`, because wasm's `Sum`/`Mean` of an empty
 * tensor return uninitialised memory (≈3.6e-41, or ≈1 after a division) instead of 0; the
 * custom gradient keeps the result connected to `x`, so `tf.grad`/`variableGrads` still find it.
 */
export function zerosFrom(x: Tensor, shape: number[]): Tensor {
  const xShape = x.shape.slice();
  const xDtype = x.dtype;
  const f = tf.customGrad(((input: Tensor) => {
    void input;
    return { value: tf.zeros(shape), gradFunc: () => tf.zeros(xShape, xDtype) };
  }) as never) as (t: Tensor) => Tensor;
  return f(x);
}

/** Shape of `shape` reduced over `axis` (every axis when undefined). */
function reducedShape(shape: number[], axis: number | number[] | undefined, keepDims: boolean): number[] {
  const axes = axis === undefined ? shape.map((_, i) => i) : (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + shape.length : a));
  if (keepDims) return shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return shape.filter((_, i) => !axes.includes(i));
}

/**
 * `tf.sum` that gives exact zeros (and a zero gradient) when `x` is empty, on every backend.
 * The emptiness test is on the shape, so it costs no read-back.
 */
export function safeSum(x: Tensor, axis?: number | number[], keepDims = false): Tensor {
  if (x.size === 0) return zerosFrom(x, reducedShape(x.shape, axis, keepDims));
  return tf.sum(x, axis, keepDims);
}

/** `tf.mean` that gives exact zeros (not 0/0 = NaN, not wasm's uninitialised memory) when `x` is empty. */
export function safeMean(x: Tensor, axis?: number | number[], keepDims = false): Tensor {
  if (x.size === 0) return zerosFrom(x, reducedShape(x.shape, axis, keepDims));
  return tf.mean(x, axis, keepDims);
}

/**
 * Mean / sum / identity over all elements of `x`: the one reduction every loss uses.
 * An empty `x` (empty batch, zero pixels) gives exactly 0 for `'mean'` and `'sum'` on every
 * backend, with a zero gradient; `'none'` returns `x` (empty) unchanged.
 */
export function reduce(x: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return safeMean(x);
  if (reduction === 'sum') return safeSum(x);
  return x;
}

/**
 * `loss + Σ_i sum(xs[i] · 0)`: the same value when every element of `xs` is finite (adding 0 is
 * exact), NaN otherwise. Applied to losses whose value saturates on a non-finite prediction
 * (softplus and relu of ±∞, softmax of −∞, a network that maps NaN to 0), so that NaN/±∞ in a
 * prediction can never produce a finite loss and the NaN guard stops the step. No read-back.
 *
 * The check runs inside a custom-gradient forward pass, where tfjs does not record it on the
 * tape: the gradient is exactly the loss's own (identity to `loss`, nothing to `xs`) and the
 * backward pass costs nothing; the forward costs one multiply and one sum over `xs`.
 */
export function withNonFiniteTrap(loss: Tensor, ...xs: Tensor[]): Tensor {
  const checked = xs.filter((x) => x.size > 0);
  if (checked.length === 0) return loss;
  const f = tf.customGrad(((l: Tensor) => {
    const flag = checked.reduce<Tensor>((acc, x) => tf.add(acc, tf.sum(tf.mul(x, 0))), tf.scalar(0));
    return { value: tf.add(l, flag), gradFunc: (dy: Tensor) => tf.clone(dy) };
  }) as never) as (t: Tensor) => Tensor;
  return f(loss);
}

/**
 * Identity in the forward pass, zero gradient in the backward pass
 * (PyTorch's `.detach()`, TensorFlow's `stop_gradient`).
 */
export function stopGradient<T extends Tensor>(x: T): T {
  const f = tf.customGrad(((input: Tensor) => ({ value: tf.clone(input), gradFunc: (dy: Tensor) => tf.zerosLike(dy) })) as any);
  return f(x) as T;
}

/**
 * A network a composite or consistency loss calls: a `tf.LayersModel` (called as
 * `model.apply(x)`, i.e. dropout and batch norm in inference mode) or any function
 * `(x) => output` — wrap a model as `(x) => model.apply(x, { training: true })` to run it in
 * training mode. Multi-scale discriminators return an array (one logits tensor per scale).
 */
export type Network = tfl.LayersModel | ((x: Tensor) => Tensor | Tensor[]);

/** Runs a {@link Network} eagerly (differentiably) on `x`. */
export function callNetwork(name: string, net: Network, x: Tensor): Tensor | Tensor[] {
  if (typeof net === 'function') return net(x);
  if (net instanceof tfl.LayersModel) return net.apply(x) as Tensor | Tensor[];
  throw new InvalidArgumentError(name, 'a tf.LayersModel or a function (x) => tensor', net);
}

/** Runs a network that must return one tensor. */
export function callSingle(name: string, net: Network, x: Tensor): Tensor {
  const out = callNetwork(name, net, x);
  if (Array.isArray(out)) {
    if (out.length !== 1) throw new InvalidArgumentError(`${name} output`, 'a single tensor', `${out.length} tensors`);
    return out[0]!;
  }
  return out;
}

/** Checks that `x` is a float32 tensor. */
export function assertFloat(name: string, x: unknown): asserts x is Tensor {
  assertTensor(name, x);
  if (x.dtype !== 'float32') throw new InvalidArgumentError(name, 'a float32 tensor', `dtype ${x.dtype}`);
}

/** The error for a label outside `[0, K)` that is not `ignoreIndex`. */
function labelError(fn: string, K: number, ignoreIndex: number, label: number, index: number): InvalidArgumentError {
  return new InvalidArgumentError(`${fn}: labels`, `class indices in [0, ${K}) or ignoreIndex ${ignoreIndex}`, `label ${label} at flat index ${index}`);
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
function deferLabelCheck(fn: string, labels: Tensor, K: number, ignoreIndex: number): void {
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
  deferCheck(flag, (v) => (v[0]! > 0 ? labelError(fn, K, ignoreIndex, v[1]! * HALF + v[2]!, v[3]! * HALF + v[4]!) : undefined));
}

/**
 * Validates segmentation logits `[..., K]` and int32 labels `[...]`: labels
 * must have the logits' shape without the last axis, and every label must be
 * in `[0, K)` or equal `ignoreIndex` — checked at once on host backends, on the
 * device and reported at the next `flushFiniteChecks` on GPU backends. Returns K.
 */
export function checkLogitsLabels(fn: string, logits: unknown, labels: unknown, ignoreIndex: number, checkValues = true): number {
  assertRank(`${fn}: logits`, logits, [2, 3, 4, 5]);
  if (logits.dtype !== 'float32') throw new InvalidArgumentError(`${fn}: logits`, 'float32 logits', `dtype ${logits.dtype}`);
  assertTensor(`${fn}: labels`, labels);
  if (labels.dtype !== 'int32') {
    throw new InvalidArgumentError(`${fn}: labels`, 'int32 class indices', `dtype ${labels.dtype}`, 'cast with tf.cast(labels, "int32") if they are whole numbers');
  }
  const expected = logits.shape.slice(0, -1);
  if (labels.rank !== expected.length || labels.shape.some((d, i) => d !== expected[i])) {
    throw new InvalidArgumentError(
      `${fn}: labels`,
      `shape [${expected.join(',')}] (the logits shape [${logits.shape.join(',')}] without the class axis)`,
      `shape [${labels.shape.join(',')}]`,
    );
  }
  if (!Number.isInteger(ignoreIndex)) throw new InvalidArgumentError(`${fn}: ignoreIndex`, 'an integer', ignoreIndex);
  const K = logits.shape[logits.rank - 1]!;
  if (checkValues) {
    if (!isHostBackend()) deferLabelCheck(fn, labels, K, ignoreIndex);
    else {
      const v = labels.dataSync() as Int32Array;
      for (let i = 0; i < v.length; i++) {
        const l = v[i]!;
        if ((l < 0 || l >= K) && l !== ignoreIndex) throw labelError(fn, K, ignoreIndex, l, i);
      }
    }
  }
  return K;
}

/** Validates a per-class vector option (length K, finite, ≥ 0). */
export function checkClassVector(name: string, value: unknown, K: number): number[] {
  const arr = value instanceof Float32Array || value instanceof Float64Array ? Array.from(value) : value;
  if (!Array.isArray(arr) || arr.length !== K || arr.some((a) => typeof a !== 'number' || !Number.isFinite(a) || a < 0)) {
    throw new InvalidArgumentError(name, `an array of ${K} finite non-negative numbers (one per class)`, value);
  }
  return arr as number[];
}

/** A float32 one-hot tensor (tfjs-backend-wasm 4.22's `OneHot` ignores `dtype` and writes int32 bits, so it is cast once here). */
function oneHotFloat(indices: Tensor, depth: number): Tensor {
  return tf.cast(tf.oneHot(indices, depth), 'float32');
}

/**
 * One-hot targets and the keep-mask of non-ignored pixels.
 * `oneHot` is float32 `[..., K]` (all zeros at ignored pixels), `mask` float32 `[...]`,
 * `safe` int32 labels with ignored pixels replaced by 0. With `maskOneHot: false` the one-hot
 * rows of ignored pixels select class 0 (cheaper when the caller masks per-pixel terms).
 */
export function labelTensors(labels: Tensor, K: number, ignoreIndex: number, maskOneHot = true): { oneHot: Tensor; mask: Tensor; safe: Tensor } {
  const keep = tf.notEqual(labels, tf.scalar(ignoreIndex, 'int32'));
  const safe = tf.where(keep, labels, tf.zerosLike(labels));
  const mask = tf.cast(keep, 'float32');
  // unmasked: ignored pixels select class 0, for callers that multiply per-pixel terms by `mask`
  const oneHot = maskOneHot ? tf.mul(oneHotFloat(safe, K), tf.expandDims(mask, -1)) : oneHotFloat(safe, K);
  return { oneHot, mask, safe };
}

/**
 * `log softmax(logits)` at the one-hot target of every pixel: `log p_t = (z_t − max z) − log Σ_k e^{z_k − max z}`,
 * shape `logits.shape[:-1]`. Its gradient `∂/∂z = dy · (onehot − softmax(z))` reuses the forward's
 * exponentials: one `Exp` over the logits instead of three (tfjs's `logSoftmax` forward and
 * gradient each recompute them; 2×256×512×19: 140 → ~85 ms forward + backward on wasm).
 * First-order only (the saved softmax is a constant to a second derivative).
 */
export const targetLogProb = tf.customGrad(((logits: Tensor, oneHot: Tensor, save: (t: Tensor[]) => void) => {
  const shifted = tf.sub(logits, tf.max(logits, -1, true));
  const e = tf.exp(shifted);
  const s = tf.sum(e, -1, true);
  save([e, s, oneHot]);
  const value = tf.sub(tf.sum(tf.mul(oneHot, shifted), -1), tf.squeeze(tf.log(s), [-1]));
  return {
    value,
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [es, sum, hot] = saved as [Tensor, Tensor, Tensor];
      return [tf.mul(tf.expandDims(dy, -1), tf.sub(hot, tf.div(es, sum))), tf.zerosLike(hot)];
    },
  };
}) as never) as (logits: Tensor, oneHot: Tensor) => Tensor;

/**
 * `num / den` where `den` > 0, else `num · 0` (for all-ignored and empty batches): 0 when `num`
 * is finite, but NaN when `num` is — so NaN logits at ignored pixels still give a NaN loss.
 */
export function safeDivide(num: Tensor, den: Tensor): Tensor {
  const positive = tf.greater(den, 0);
  return tf.where(positive, tf.div(num, tf.where(positive, den, tf.onesLike(den))), tf.mul(num, 0));
}

/** Validates a non-negative loss weight. */
export function checkWeight(name: string, value: unknown, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InvalidArgumentError(name, 'a finite number ≥ 0', value);
  return v;
}
