/**
 * The one non-finite (NaN / ±Infinity) check every public function uses on
 * its *data* inputs (images, targets, labels), following the input policy in
 * `docs/errors.md`.
 *
 * Why a single helper: the check must cost one pass and, on host backends
 * (`cpu`, `wasm`, `tensorflow`), one scalar read; on GPU backends a
 * synchronous read would stall the device every step, so there the flag stays
 * on the device and is read at the next {@link flushFiniteChecks} (which
 * `optimizerStep` — and so `createGanStep` — calls before applying an update;
 * call it yourself after a batch of metric updates), reporting the argument
 * and the step that received it.
 *
 * The same deferral serves every other value-dependent input check that would need a read-back
 * on a GPU ({@link deferCheck}: label ranges of the segmentation losses, `gradientPenalty`'s
 * alpha): all pending flags are read in one transfer at the flush.
 *
 * The test is `sum(x · 0)`: 0 when every element is finite, NaN otherwise
 * (NaN · 0 = ±Inf · 0 = NaN), one multiply and one reduction on every backend
 * — including wasm, which has no `IsFinite` kernel.
 */
import { InvalidArgumentError } from './errors.js';
import { tf } from './tf.js';
import type { Tensor } from './tf.js';

const HOST_BACKENDS = new Set(['cpu', 'wasm', 'tensorflow']);

/**
 * A device-side check waiting for {@link flushFiniteChecks}: a small float32 tensor read with
 * every other pending flag in one transfer, and the function that turns its values into the
 * error to throw (or `undefined` when they say the input was fine).
 */
interface PendingCheck {
  flag: Tensor;
  judge: (values: Float32Array) => Error | undefined;
}
const pending: PendingCheck[] = [];

/** True when the active backend keeps tensors in host memory, so a one-value read is cheap. */
export function isHostBackend(): boolean {
  return HOST_BACKENDS.has(tf.getBackend());
}

/** Error thrown for a NaN/±Infinity in a data input; names the argument. */
export function nonFiniteError(argument: string, detail = 'NaN or ±Infinity'): InvalidArgumentError {
  return new InvalidArgumentError(argument, 'finite values (no NaN or ±Infinity)', `a tensor containing ${detail}`);
}

/**
 * Throws an {@link InvalidArgumentError} naming `argument` if the float tensor
 * `x` holds a NaN or ±Infinity. Integer and empty tensors pass (they are
 * always finite). On GPU backends the check is deferred (see the module doc).
 *
 * @param argument - how the error names the input, e.g. `'ssim: target'`.
 * @param x - the tensor to check (not disposed, not kept).
 */
export function assertFiniteTensor(argument: string, x: Tensor): void {
  if (x.dtype !== 'float32' || x.size === 0) return;
  const flag = tf.tidy(() => tf.sum(tf.mul(x, 0)));
  if (!isHostBackend()) {
    deferCheck(flag, (v) => (Number.isFinite(v[0]!) ? undefined : nonFiniteError(argument)));
    return;
  }
  const value = flag.dataSync()[0]!;
  flag.dispose();
  if (!Number.isFinite(value)) throw nonFiniteError(argument);
}

/** Host-side variant for typed arrays (images read from disk, host metric paths). */
export function assertFiniteArray(argument: string, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) throw nonFiniteError(argument, `${String(v)} at index ${i}`);
  }
}

/**
 * Queues a device-side check for the next {@link flushFiniteChecks} (GPU backends): `flag` is a
 * small tensor computed on the device (any dtype and shape; it is read as float32 values, so
 * integers beyond 2^24 should be split by the caller), `judge` receives its values and returns
 * the error to throw, or `undefined`. Takes ownership of `flag` (kept out of the caller's
 * `tidy`, disposed at the flush). How every value-dependent input check avoids a synchronous
 * read-back on a GPU: label ranges, interpolation weights, non-finite data.
 *
 * @internal Shared by the losses and metrics; not part of the public API.
 */
export function deferCheck(flag: Tensor, judge: (values: Float32Array) => Error | undefined): void {
  pending.push({ flag: tf.keep(flag), judge });
}

/**
 * Reads every deferred device-side check (GPU backends: non-finite data inputs, label ranges,
 * interpolation weights) in one transfer and throws the error of the first that failed, naming
 * its argument and, when given, `when` (e.g. `'step 12'`, appended as "reported at step 12").
 * A no-op on host backends, where checks run immediately.
 */
export async function flushFiniteChecks(when?: string): Promise<void> {
  if (pending.length === 0) return;
  const checks = pending.splice(0, pending.length);
  try {
    const flags = tf.tidy(() => tf.concat(checks.map((c) => tf.reshape(c.flag.dtype === 'float32' ? c.flag : tf.cast(c.flag, 'float32'), [-1]))));
    const values = (await flags.data()) as Float32Array;
    flags.dispose();
    let at = 0;
    for (const c of checks) {
      const err = c.judge(values.subarray(at, at + c.flag.size));
      at += c.flag.size;
      if (err) {
        if (when) err.message += ` (reported at ${when})`;
        throw err;
      }
    }
  } finally {
    tf.dispose(checks.map((c) => c.flag));
  }
}

/** Number of device-side checks waiting for {@link flushFiniteChecks} (tests). */
export function pendingFiniteChecks(): number {
  return pending.length;
}
