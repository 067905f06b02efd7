/**
 * The data checks of the image metrics (input policy, `docs/errors.md`): NaN/±Inf in
 * either image, and a `dataRange` that contradicts the values (0..255 images measured
 * with `dataRange: 1` give PSNR −40 dB and SSIM ≈ 0.05 with no other sign).
 *
 * Both checks share one pass and one read: on host data (and cpu-backend tensors, whose
 * data already lives in JS arrays) a single loop; on tensors on the other host backends
 * (wasm, tensorflow) one reduction per image tensor, `max|x| + Σ x·0` (NaN when a value is
 * non-finite, else the largest magnitude), both read together as one small array. On
 * GPU backends the range check is skipped (it would need a read-back every call) and the
 * finite check is deferred to {@link flushFiniteChecks} by {@link assertFiniteTensor}.
 */
import { InvalidArgumentError } from '../errors.js';
import { assertFiniteArray, assertFiniteTensor, isHostBackend, nonFiniteError } from '../finite_check.js';
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import type { PairLabels } from './pair_labels.js';

/**
 * How far an image may stray from the declared range:
 * - `'reference'` (the ground truth, `target`): |value| ≤ dataRange·(1 + 1e-3) — data in
 *   [0, R] (or centred, e.g. [-1, 1] with R = 2) plus float rounding;
 * - `'prediction'` (`prediction`): |value| ≤ 2·dataRange — an unclamped network output may
 *   overshoot the range (and `1 − ssim` is used as a loss on such outputs); a value beyond
 *   twice the range is a different scale, not an overshoot.
 */
export type ImageRole = 'reference' | 'prediction';

const bound = (role: ImageRole, dataRange: number) => (role === 'reference' ? dataRange * (1 + 1e-3) : 2 * dataRange);

/** A `dataRange` for values in [lo, hi]: the usual 1 / 2 / 255 / 65535 when they fit, else the span. */
function suggestRange(lo: number, hi: number): number {
  const span = lo >= 0 ? hi : hi - lo;
  for (const r of lo >= 0 ? [1, 255, 65535] : [2, 255, 510, 65535]) if (span <= r * (1 + 1e-3)) return r;
  return Number(span.toPrecision(3));
}

/**
 * The error for values of `argument` in [lo, hi] that `dataRange` cannot describe, labelled
 * `rangeLabel` (e.g. `'ssim: options.dataRange'`): the option is what to fix. Names the
 * argument by its last part (`prediction`, `target`) and suggests a range that fits.
 */
export function dataRangeError(argument: string, role: ImageRole, dataRange: number, lo: number, hi: number, rangeLabel: string): InvalidArgumentError {
  const peak = Math.abs(hi) >= Math.abs(lo) ? hi : lo;
  const limit = role === 'reference' ? 'dataRange' : '2·dataRange';
  const name = argument.slice(argument.lastIndexOf(': ') + 1).trim();
  return new InvalidArgumentError(
    rangeLabel,
    `a range covering the values of ${name} (|value| ≤ ${limit})`,
    dataRange,
    `values of ${name} reach ${peak.toFixed(1)} but dataRange is ${dataRange}: pass dataRange: ${suggestRange(lo, hi)}`,
  );
}

/**
 * One pass over host image data: throws {@link nonFiniteError} (naming `argument` and the
 * index) for NaN/±Inf and {@link dataRangeError} (labelled `rangeLabel`) for values beyond
 * the role's bound. Integer arrays whose type cannot exceed the bound are not scanned.
 */
export function checkHostImage(argument: string, data: ArrayLike<number>, dataRange: number, role: ImageRole, rangeLabel: string): void {
  const limit = bound(role, dataRange);
  if ((data instanceof Uint8Array || data instanceof Uint8ClampedArray) && limit >= 255) return;
  if (data instanceof Uint16Array && limit >= 65535) return;
  let lo = 0;
  let hi = 0;
  let z = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    z += v * 0; // NaN once a value is NaN or ±Inf
    if (v > hi) hi = v;
    else if (v < lo) lo = v;
  }
  if (z !== 0) assertFiniteArray(argument, data);
  if (hi > limit || lo < -limit) throw dataRangeError(argument, role, dataRange, lo, hi, rangeLabel);
}

/** An image tensor to check and the name/role it is reported under. */
export interface TensorToCheck {
  argument: string;
  x: Tensor;
  role: ImageRole;
}

/**
 * The tensor form of {@link checkHostImage} for several images at once: on host backends
 * one small read of `max|x| + Σ x·0` per tensor; on GPU backends the finite check is
 * deferred ({@link assertFiniteTensor}) and the range is not checked.
 */
export function checkImageTensors(items: TensorToCheck[], dataRange: number, rangeLabel: string): void {
  const live = items.filter((it) => it.x.size > 0);
  if (live.length === 0) return;
  if (!isHostBackend()) {
    for (const it of live) assertFiniteTensor(it.argument, it.x);
    return;
  }
  if (tf.getBackend() === 'cpu') {
    // the cpu backend's tensors are host arrays already: a JS loop beats its reduction kernels (~8×)
    for (const it of live) checkHostImage(it.argument, it.x.dataSync(), dataRange, it.role, rangeLabel);
    return;
  }
  const peaks = tf.tidy(() => tf.stack(live.map((it) => tf.add(tf.max(tf.abs(it.x)), tf.sum(tf.mul(it.x, 0))))));
  const v = peaks.dataSync();
  peaks.dispose();
  live.forEach((it, i) => {
    const peak = v[i]!;
    if (!Number.isFinite(peak)) throw nonFiniteError(it.argument);
    if (peak > bound(it.role, dataRange)) {
      // error path only: a second read for the sign of the values (it picks the suggested range)
      const mm = tf.tidy(() => tf.stack([tf.min(it.x), tf.max(it.x)]));
      const [lo, hi] = mm.dataSync();
      mm.dispose();
      throw dataRangeError(it.argument, it.role, dataRange, Math.min(0, lo!), Math.max(0, hi!), rangeLabel);
    }
  });
}

/**
 * {@link checkImageTensors} for a checked `(prediction, target)` pair, the target first: its
 * bound is the strict one, so its error names the range that fits the data.
 *
 * @example checkTensorPair(pairLabels('psnr'), A.t, B.t, 1)
 */
export function checkTensorPair(labels: PairLabels, prediction: Tensor, target: Tensor, dataRange: number): void {
  checkImageTensors(
    [
      { argument: labels.target, x: target, role: 'reference' },
      { argument: labels.prediction, x: prediction, role: 'prediction' },
    ],
    dataRange,
    labels.dataRange,
  );
}
