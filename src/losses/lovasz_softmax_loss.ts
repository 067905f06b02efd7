import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { checkOptions } from '../validate.js';
import { isHostBackend } from '../finite_check.js';
import { safeSum } from './empty_safe.js';
import { checkLogitsLabels } from './label_checks.js';
import { labelTensors } from './label_tensors.js';
import { withNonFiniteTrap } from './non_finite_trap.js';
import { optionKeys } from './option_keys.js';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

/** Options of {@link lovaszSoftmaxLoss}. */
export interface LovaszSoftmaxLossOptions {
  /** `'present'` (default: classes present in the labels), `'all'`, or a list of class indices */
  classes?: 'present' | 'all' | number[];
  /** compute the loss per image and average over images; default false */
  perImage?: boolean;
  /** default 255 */
  ignoreIndex?: number;
  /** with `perImage`: `'mean'` (default) over images, `'sum'`, or `'none'` (per image `[N]`); ignored otherwise */
  reduction?: Reduction;
  /** check label values (on the host, or on the device and reported at the next `flushFiniteChecks` on GPU backends); default true */
  validateLabels?: boolean;
}

/** The keys of {@link LovaszSoftmaxLossOptions} (internal). */
export const LOVASZ_SOFTMAX_LOSS_KEYS = optionKeys<LovaszSoftmaxLossOptions>()(['classes', 'perImage', 'ignoreIndex', 'reduction', 'validateLabels']);

/**
 * Test hook (internal, not exported from the folder's face): `sortOn: 'device'` forces the GPU
 * path (sort with `tf.topk`) on a host backend. Taken out of the options before they are checked,
 * so it never appears in the list of valid keys.
 */
export interface LovaszInternalOptions {
  sortOn?: 'host' | 'device';
}

/** The options without the test hook. */
function withoutSortOn(options: LovaszSoftmaxLossOptions & LovaszInternalOptions): LovaszSoftmaxLossOptions {
  const { sortOn, ...rest } = options;
  void sortOn;
  return rest;
}

/** Sorts indices of `errors[0..n)` by decreasing value (ties in index order). */
function argsortDesc(errors: Float32Array, n: number): Uint32Array {
  const order = new Uint32Array(n);
  if (n < 1 << 21) {
    // errors ≥ 0, so their float32 bit patterns sort like the values; pack (bits, index) into one exact double
    const bits = new Uint32Array(errors.buffer, errors.byteOffset, n);
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = bits[i]! * 2097152 + (2097151 - i);
    keys.sort();
    for (let i = 0; i < n; i++) order[i] = 2097151 - (keys[n - 1 - i]! % 2097152);
    return order;
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => errors[b]! - errors[a]! || a - b);
  order.set(idx);
  return order;
}

/**
 * Adds into `w` (layout `[pixels, K]`) the Lovász-extension gradient of one flat set of
 * pixels, scaled by `scale / (number of classes counted)`.
 */
function accumulateFlat(
  probs: Float32Array,
  labels: Int32Array,
  pixels: Uint32Array,
  K: number,
  classes: 'present' | 'all' | number[],
  scale: number,
  w: Float32Array,
): void {
  const n = pixels.length;
  if (n === 0) return;
  const list = Array.isArray(classes) ? classes : Array.from({ length: K }, (_, c) => c);
  const errors = new Float32Array(n);
  const fg = new Uint8Array(n);
  const grads: { c: number; order: Uint32Array; grad: Float64Array }[] = [];
  for (const c of list) {
    let gts = 0;
    for (let i = 0; i < n; i++) {
      const p = pixels[i]!;
      const f = labels[p] === c ? 1 : 0;
      fg[i] = f;
      gts += f;
      errors[i] = Math.abs(f - probs[p * K + c]!);
    }
    if (classes === 'present' && gts === 0) continue;
    const order = argsortDesc(errors, n);
    const grad = new Float64Array(n);
    let cumFg = 0;
    let prev = 0;
    for (let r = 0; r < n; r++) {
      const f = fg[order[r]!]!;
      cumFg += f;
      const inter = gts - cumFg;
      const union = gts + (r + 1 - cumFg);
      const jac = 1 - inter / union;
      grad[r] = jac - prev;
      prev = jac;
    }
    grads.push({ c, order, grad });
  }
  if (grads.length === 0) return;
  const s = scale / grads.length;
  for (const { c, order, grad } of grads) {
    for (let r = 0; r < n; r++) {
      const at = pixels[order[r]!]! * K + c;
      w[at] = w[at]! + grad[r]! * s;
    }
  }
}

/**
 * The Lovász weights `W` (layout of `probs`) computed on the device, for GPU backends where the
 * host path's read-back would stall every step (and `dataSync` does not exist in Node's WebGPU).
 * Per group (the batch, or each image) and class: the errors of the valid pixels are sorted
 * in decreasing order with `tf.topk` (ignored pixels get key −1, below every error, so they
 * rank last and their weight is masked to 0), the Jaccard gradient follows from a cumulative
 * sum of the sorted foreground, and the weights are scattered back to pixel order. Equal to
 * {@link accumulateFlat} (ties aside, which only move a subgradient among equal errors).
 */
function deviceWeights(probs: Tensor, oneHot: Tensor, mask: Tensor, groups: number, classes: 'present' | 'all' | number[]): Tensor {
  const K = probs.shape[probs.rank - 1]!;
  const P = probs.size / K / groups;
  return tf.tidy(() => {
    // [G, K, P]: one row per (group, class), sorted along the pixels
    const rows = (t: Tensor) => tf.transpose(tf.reshape(t, [groups, P, K]), [0, 2, 1]);
    const fg = rows(oneHot);
    const valid = tf.tile(tf.reshape(mask, [groups, 1, P]), [1, K, 1]);
    const errors = tf.abs(tf.sub(fg, rows(probs)));
    const keys = tf.where(tf.greater(valid, 0), errors, tf.fill([groups, K, P], -1));
    const order = tf.reshape(tf.topk(tf.reshape(keys, [groups * K, P]), P).indices, [groups * K, P]);
    const fgSorted = tf.gather(tf.reshape(fg, [groups * K, P]), order, 1, 1);
    const validSorted = tf.gather(tf.reshape(valid, [groups * K, P]), order, 1, 1);
    const gts = tf.sum(fgSorted, 1, true);
    const cumFg = tf.cumsum(fgSorted, 1);
    const rank = tf.range(1, P + 1, 1, 'float32');
    const jac = tf.sub(1, tf.div(tf.sub(gts, cumFg), tf.sub(tf.add(gts, rank), cumFg)));
    const prev = tf.pad(tf.slice(jac, [0, 0], [groups * K, P - 1]), [[0, 0], [1, 0]]);
    const grad = tf.mul(tf.sub(jac, prev), validSorted);
    // which classes count, and how often (a class listed twice counts twice, as on the host)
    let perClass: Tensor;
    if (Array.isArray(classes)) {
      const times = new Array<number>(K).fill(0);
      for (const c of classes) times[c]! += 1;
      perClass = tf.tile(tf.tensor2d(times, [1, K]), [groups, 1]);
    } else if (classes === 'all') perClass = tf.ones([groups, K]);
    else perClass = tf.cast(tf.greater(tf.reshape(gts, [groups, K]), 0), 'float32');
    // a group without valid pixels contributes nothing (its grads are masked to 0 already)
    const counted = tf.maximum(tf.sum(perClass, 1, true), 1);
    const scale = tf.reshape(tf.div(perClass, counted), [groups * K, 1]);
    const sortedW = tf.mul(grad, scale);
    // back to pixel order: row r's sorted position j holds pixel order[r, j]
    const base = tf.mul(tf.range(0, groups * K, 1, 'int32'), tf.scalar(P, 'int32'));
    const at = tf.reshape(tf.add(order, tf.reshape(base, [groups * K, 1])), [-1, 1]);
    const w = tf.scatterND(at, tf.reshape(sortedW, [-1]), [groups * K * P]);
    return tf.reshape(tf.transpose(tf.reshape(w, [groups, K, P]), [0, 2, 1]), probs.shape);
  });
}

/** `deviceWeights` as a constant of the loss: no gradient flows through the sort (as on the host path). */
const constantDeviceWeights = (probs: Tensor, oneHot: Tensor, mask: Tensor, groups: number, classes: 'present' | 'all' | number[]): Tensor =>
  (tf.customGrad(((p: Tensor) => ({ value: deviceWeights(p, oneHot, mask, groups, classes), gradFunc: () => tf.zerosLike(p) })) as never) as (t: Tensor) => Tensor)(probs);

/**
 * Lovász-Softmax loss (Berman, Rannen Triki & Blaschko, CVPR 2018; the authors'
 * `lovasz_softmax`): for each class c, the errors `e_i = |[y_i = c] − p_{i,c}|` over
 * non-ignored pixels are sorted in decreasing order and dotted with the gradient of the
 * Lovász extension of the Jaccard loss, `ΔJ_c(π)`; mean over the classes (`'present'` by
 * default) — and over images when `perImage`. A differentiable surrogate of 1 − IoU.
 *
 * The sort and the Lovász gradient are computed on the host from the softmax
 * probabilities (one read-back) on host backends, and on the device (`tf.topk`, no
 * read-back) on GPU backends; the loss is then `Σ |fg − p| · W` with the constant
 * weights `W`, so the value and the (sub)gradient equal the reference's on every backend.
 * Images (or batches) with no valid pixel contribute 0; an empty batch gives exactly 0 on every
 * backend; NaN/±Inf logits give a NaN loss.
 *
 * @param prediction logits, float32 `[N, H, W, K]`
 * @param target labels, int32 `[N, H, W]`, `ignoreIndex` (255) excluded
 * @param options `classes` (`'present'`), `perImage` (false), `ignoreIndex` (255), `reduction` (`'mean'`, with `perImage`), `validateLabels` (true)
 * @returns a scalar, or the per-image losses `[N]` (`perImage` with `reduction: 'none'`)
 * @throws InvalidArgumentError on a bad shape, dtype or label, or an invalid or unknown option
 * @example
 * const loss = lovaszSoftmaxLoss(logits, labels, { classes: 'present', perImage: false });
 */
export function lovaszSoftmaxLoss(prediction: Tensor, target: Tensor, options?: LovaszSoftmaxLossOptions): Tensor {
  const sortOn = (options as LovaszInternalOptions | undefined)?.sortOn;
  const o = checkOptions('lovaszSoftmaxLoss', sortOn === undefined ? options : withoutSortOn(options as LovaszSoftmaxLossOptions & LovaszInternalOptions), LOVASZ_SOFTMAX_LOSS_KEYS);
  const onDevice = (sortOn ?? (isHostBackend() ? 'host' : 'device')) === 'device';
  const ignoreIndex = o.ignoreIndex ?? 255;
  const K = checkLogitsLabels('lovaszSoftmaxLoss', prediction, target, ignoreIndex, o.validateLabels ?? true);
  const reduction = checkReduction('lovaszSoftmaxLoss', o.reduction);
  const classes = o.classes ?? 'present';
  if (!(classes === 'present' || classes === 'all' || (Array.isArray(classes) && classes.every((c) => Number.isInteger(c) && c >= 0 && c < K)))) {
    throw new InvalidArgumentError('lovaszSoftmaxLoss: options.classes', `'present', 'all' or an array of class indices in [0, ${K})`, classes);
  }
  const perImage = o.perImage ?? false;
  const n = perImage ? prediction.shape[0]! : 1;
  return tf.tidy(() => {
    const probs = tf.softmax(prediction);
    const { oneHot, mask } = labelTensors(target, K, ignoreIndex);
    let weights: Tensor;
    if (onDevice) weights = probs.size === 0 ? tf.zerosLike(probs) : constantDeviceWeights(probs, oneHot, mask, n, classes);
    else {
      const pData = probs.dataSync() as Float32Array;
      const lData = target.dataSync() as Int32Array;
      const total = lData.length;
      const per = total / n;
      const w = new Float32Array(total * K);
      for (let img = 0; img < n; img++) {
        const idx: number[] = [];
        for (let i = img * per; i < (img + 1) * per; i++) if (lData[i] !== ignoreIndex) idx.push(i);
        accumulateFlat(pData, lData, Uint32Array.from(idx), K, classes, 1, w);
      }
      weights = tf.tensor(w, probs.shape);
    }
    const weighted = tf.mul(tf.abs(tf.sub(oneHot, probs)), weights);
    // softmax maps a −∞ logit to a probability of 0: without the trap, −∞ logits give a finite loss
    if (!perImage) return withNonFiniteTrap(safeSum(weighted), prediction);
    const perImg = withNonFiniteTrap(safeSum(weighted, Array.from({ length: prediction.rank - 1 }, (_, i) => i + 1)), prediction);
    return reduceLoss(perImg, reduction);
  });
}
