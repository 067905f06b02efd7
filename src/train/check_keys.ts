/**
 * Unknown-key check for the structured arguments of the training functions
 * that are not an `options` object (a checkpoint's `state`, a load `target`):
 * a misspelled `optimisers` would otherwise save or restore nothing, silently.
 */
import { InvalidArgumentError } from '../errors.js';
import { nearestKey } from '../validate.js';

/**
 * Throws an {@link InvalidArgumentError} labelled `<label>.<key>` for the
 * first key of `value` outside `known`, listing the valid keys and the
 * nearest match — the same message shape as `checkOptions`. Non-objects pass
 * (the caller checks the type).
 *
 * @example
 * checkKeys('saveCheckpoint: state', state, ['models', 'optimizers', 'step', 'rng', 'extra']);
 */
export function checkKeys(label: string, value: unknown, known: readonly string[]): void {
  if (value === null || typeof value !== 'object') return;
  for (const k of Object.keys(value)) {
    if (known.includes(k)) continue;
    const near = nearestKey(k, known);
    throw new InvalidArgumentError(`${label}.${k}`, `one of the keys ${known.join(', ')}`, k, near ? `did you mean "${near}"?` : undefined);
  }
}
