/**
 * Reading what tfjs-layers hands a `fit` callback: logs whose values may
 * still be scalar tensors, and the run's parameters (epochs, steps).
 */
import { tf } from '../tf.js';
import type { Scalar } from '../tf.js';

/** The logs tfjs-layers passes to callbacks: numbers or scalar tensors it owns. */
export type FitLogs = Record<string, number | Scalar>;

/** Keys tfjs-layers adds to batch logs that are bookkeeping, not metrics. */
const BOOKKEEPING = new Set(['batch', 'size']);

/**
 * The numeric values of `logs` (`loss`, `val_loss`, metrics), reading scalar
 * tensors without disposing them (tfjs-layers' History still holds them).
 * One device read for all the tensors.
 */
export async function readFitLogs(logs: FitLogs | undefined): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const pending: [string, Scalar][] = [];
  for (const [k, v] of Object.entries(logs ?? {})) {
    if (BOOKKEEPING.has(k)) continue;
    if (typeof v === 'number') out[k] = v;
    else if (v instanceof tf.Tensor && !v.isDisposed) pending.push([k, v]);
  }
  if (pending.length > 0) {
    const stacked = tf.tidy(() => tf.stack(pending.map(([, t]) => tf.reshape(t, []))));
    const values = await stacked.data();
    stacked.dispose();
    pending.forEach(([k], i) => (out[k] = values[i]!));
  }
  return out;
}

/** Epochs, first epoch and batches per epoch of a `fit` / `fitDataset` run, from the callback params. */
export function fitPlan(params: Record<string, unknown>): { epochs: number; initialEpoch: number; stepsPerEpoch: number | null } {
  const epochs = typeof params.epochs === 'number' ? params.epochs : 1;
  const initialEpoch = typeof params.initialEpoch === 'number' ? params.initialEpoch : 0;
  let steps: number | null = typeof params.steps === 'number' && params.steps > 0 ? params.steps : null;
  // fit() with tensors passes samples and batchSize instead of steps
  if (steps === null && typeof params.samples === 'number' && typeof params.batchSize === 'number' && params.batchSize > 0) {
    steps = Math.ceil(params.samples / params.batchSize);
  }
  return { epochs, initialEpoch, stepsPerEpoch: steps };
}
