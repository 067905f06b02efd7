/**
 * Errors of the checkpoint and model-file code. In their own module so that
 * `file_system_io.ts` and `checkpoint.ts` can both throw them without an
 * import cycle.
 */
import { InvalidArgumentError, SegawareError } from '../errors.js';

/** One checkpoint step that could not be loaded, and why. */
export interface SkippedCheckpoint {
  /** the step directory (or `latest.json`) that was skipped */
  path: string;
  /** what failed: the file and the check, e.g. `models/g/weights.bin: SHA-256 differs from the manifest` */
  reason: string;
}

/**
 * A stored checkpoint (or model file) failed verification or could not be
 * parsed: a file is missing, has the wrong size or checksum, or holds torn or
 * invalid data. `steps` lists every step that was tried, newest first, with
 * the reason it was rejected.
 *
 * @example
 * try { await loadCheckpoint(dir, { models: { g } }); }
 * catch (e) { if (e instanceof CheckpointCorruptError) for (const s of e.steps) console.error(s.path, s.reason); }
 */
export class CheckpointCorruptError extends SegawareError {
  readonly steps: SkippedCheckpoint[];
  constructor(message: string, steps: SkippedCheckpoint[]) {
    super(message);
    this.steps = steps;
  }
}

/**
 * A model or optimizer about to be checkpointed holds a NaN or ±Infinity, so
 * the checkpoint would not be a good one to resume from. `owner` is
 * `state.models.<name>` or `state.optimizers.<name>`, `weight` the weight's
 * name and `index` the first bad element.
 */
export class NonFiniteWeightsError extends InvalidArgumentError {
  readonly owner: string;
  readonly weight: string;
  readonly index: number;
  constructor(owner: string, weight: string, index: number, value: number) {
    super(
      owner,
      'finite weights (no NaN or ±Infinity)',
      `weight "${weight}" holding ${String(value)} at index ${index}`,
      'pass options.allowNonFinite: true to save it anyway',
    );
    this.owner = owner;
    this.weight = weight;
    this.index = index;
  }
}
