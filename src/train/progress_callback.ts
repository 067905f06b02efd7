/**
 * `progressCallback`: segaware's progress display ({@link createProgress}) as
 * a tfjs-layers `fit` callback — a bar with ETA and the loss on a terminal,
 * periodic plain lines in CI logs.
 */
import { tfl } from '../tf.js';
import { checkOptions } from '../validate.js';
import { fitPlan, readFitLogs, type FitLogs } from './fit_logs.js';
import { createProgress, type Progress, type ProgressOptions } from './progress.js';

/** Options of {@link progressCallback}: those of `createProgress` except the counts, which come from `fit`. */
export type ProgressCallbackOptions = Omit<ProgressOptions, 'total' | 'startStep'>;

/** Keys of {@link ProgressCallbackOptions} (checked by {@link progressCallback}). */
const PROGRESS_CALLBACK_KEYS = ['title', 'stream', 'tty', 'everySteps', 'everySeconds', 'quiet'] as const;

/** The callback class behind {@link progressCallback}. */
class ProgressCallback extends tfl.Callback {
  private progress: Progress | null = null;
  private perEpoch: number | null = null;
  private epoch = 0;

  constructor(private readonly options: ProgressCallbackOptions) {
    super();
  }

  override async onTrainBegin(): Promise<void> {
    const { epochs, initialEpoch, stepsPerEpoch } = fitPlan(this.params);
    this.perEpoch = stepsPerEpoch;
    // batches when their number is known; otherwise (a dataset of unknown size) epochs
    const unit = stepsPerEpoch ?? 1;
    this.progress = createProgress({ ...this.options, total: Math.max(1, epochs * unit), startStep: Math.min(initialEpoch * unit, epochs * unit) });
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number, logs?: FitLogs): Promise<void> {
    if (!this.progress || this.perEpoch === null) return;
    const step = Math.min(this.epoch * this.perEpoch + batch + 1, (this.params.epochs as number) * this.perEpoch);
    this.progress.update(step, await readFitLogs(logs));
  }

  override async onEpochEnd(epoch: number, logs?: FitLogs): Promise<void> {
    if (!this.progress) return;
    const terms = await readFitLogs(logs);
    if (this.perEpoch === null) this.progress.update(epoch + 1, terms);
    else if (Object.keys(terms).some((k) => k.startsWith('val_'))) this.progress.log(`epoch ${epoch + 1}: ${formatLogs(terms)}`);
  }

  override async onTrainEnd(): Promise<void> {
    this.progress?.stop();
    this.progress = null;
  }
}

function formatLogs(terms: Record<string, number>): string {
  return Object.entries(terms)
    .map(([k, v]) => `${k}=${Number(v.toPrecision(4))}`)
    .join(' ');
}

/**
 * A `model.fit` / `model.fitDataset` callback showing {@link createProgress}'s
 * display: one step per batch (total = epochs × batches per epoch, resumed
 * runs with `initialEpoch` start part-way), the batch's `loss` and metrics as
 * terms, and a line with the validation values after each epoch that has
 * them. A dataset of unknown length counts epochs instead. Options as
 * `createProgress` (title default `'train'`; silent with `quiet` or
 * `SEGAWARE_QUIET=1`).
 *
 * @throws InvalidArgumentError for a misspelled option (`progressCallback: options.<key>`).
 * @example
 * await model.fit(x, y, { epochs: 20, batchSize: 8, callbacks: [progressCallback({ title: 'unet' })] });
 * // unet [████████░░░░] 40% | 80/200 | 0m12s < ETA 0m18s | loss=0.4132
 */
export function progressCallback(options?: ProgressCallbackOptions): tfl.Callback {
  const o = checkOptions('progressCallback', options, PROGRESS_CALLBACK_KEYS);
  // validate the display options now rather than when fit starts
  createProgress({ ...o, total: 1, quiet: true });
  return new ProgressCallback(o);
}
