/**
 * `checkpointCallback`: a tfjs-layers `fit` callback saving segaware
 * checkpoints (model + optimizer slots, atomic, verified on load) every N
 * epochs, so a `model.fit` run can resume with `initialEpoch`.
 */
import { InvalidArgumentError } from '../errors.js';
import { tfl } from '../tf.js';
import { assertNumber, checkOptions } from '../validate.js';
import { saveCheckpoint } from './checkpoint.js';

/** Options of {@link checkpointCallback}. */
export interface CheckpointCallbackOptions {
  /** Checkpoint directory (as for `saveCheckpoint`). Required. */
  dir: string;
  /** Save every this many epochs (default 1); the last epoch is always saved. */
  every?: number;
  /** Checkpoints kept (default 2; 0 keeps all). */
  keep?: number;
  /** Name of the model in the checkpoint (default `'model'`); the optimizer is saved as `'optimizer'`. */
  name?: string;
}

/** Keys of {@link CheckpointCallbackOptions} (checked by {@link checkpointCallback}). */
const CHECKPOINT_CALLBACK_KEYS = ['dir', 'every', 'keep', 'name'] as const;

/** The callback class behind {@link checkpointCallback}. */
class CheckpointCallback extends tfl.Callback {
  private lastSaved = -1;
  private lastEpoch = -1;

  constructor(private readonly o: Required<CheckpointCallbackOptions>) {
    super();
  }

  private async save(epoch: number): Promise<void> {
    const optimizer = this.model.optimizer;
    await saveCheckpoint(
      this.o.dir,
      { models: { [this.o.name]: this.model }, ...(optimizer ? { optimizers: { optimizer } } : {}), step: epoch + 1, extra: { epoch: epoch + 1 } },
      { keep: this.o.keep },
    );
    this.lastSaved = epoch;
  }

  override async onEpochEnd(epoch: number): Promise<void> {
    this.lastEpoch = epoch;
    const epochs = typeof this.params.epochs === 'number' ? this.params.epochs : Infinity;
    if ((epoch + 1) % this.o.every === 0 || epoch + 1 === epochs) await this.save(epoch);
  }

  override async onTrainEnd(): Promise<void> {
    // a run stopped early (e.g. by EarlyStopping) still leaves its last epoch
    if (this.lastEpoch >= 0 && this.lastSaved !== this.lastEpoch) await this.save(this.lastEpoch);
  }
}

/**
 * A `model.fit` / `model.fitDataset` callback saving a checkpoint of the model
 * and its optimizer (Adam's moments and step count) to `dir` after every
 * `every`-th epoch and after the last one, with `step` = the number of
 * epochs done. Resume by loading it and passing that step as `initialEpoch`:
 *
 * ```ts
 * const { step } = await loadCheckpoint(dir, { models: { model }, optimizers: { optimizer: model.optimizer } });
 * await model.fit(x, y, { epochs: 20, initialEpoch: step, callbacks: [checkpointCallback({ dir })] });
 * ```
 * Epochs only: tfjs-layers' `fit` cannot restart in the middle of an epoch.
 * Compile the model before loading, so `model.optimizer` exists.
 *
 * @throws InvalidArgumentError for a missing `dir` or a misspelled or invalid option (`checkpointCallback: options.<key>`).
 * @example
 * await model.fit(x, y, { epochs: 20, callbacks: [checkpointCallback({ dir: 'runs/unet/ckpt', every: 5 })] });
 */
export function checkpointCallback(options: CheckpointCallbackOptions): tfl.Callback {
  if (options === undefined) throw new InvalidArgumentError('checkpointCallback: options', 'an object with dir', options);
  const { dir, every = 1, keep = 2, name = 'model' } = checkOptions('checkpointCallback', options, CHECKPOINT_CALLBACK_KEYS);
  if (typeof dir !== 'string' || dir.length === 0) throw new InvalidArgumentError('checkpointCallback: options.dir', 'a directory path', dir);
  assertNumber('checkpointCallback: options.every', every, { min: 1, integer: true });
  assertNumber('checkpointCallback: options.keep', keep, { min: 0, integer: true });
  if (typeof name !== 'string' || !name || /[/\\]/.test(name) || name === '.' || name === '..') {
    throw new InvalidArgumentError('checkpointCallback: options.name', 'a name usable as a file name', name);
  }
  return new CheckpointCallback({ dir, every, keep, name });
}
