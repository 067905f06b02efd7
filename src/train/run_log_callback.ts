/**
 * `runLogCallback`: a tfjs-layers `fit` callback that appends the loss and
 * metrics to a {@link RunLog}, so a `model.fit` run gets the same JSONL log
 * (and report curves, via `runLogCurves`) as a segaware loop.
 */
import { InvalidArgumentError } from '../errors.js';
import { tfl } from '../tf.js';
import { assertOneOf, checkOptions } from '../validate.js';
import { fitPlan, readFitLogs, type FitLogs } from './fit_logs.js';
import { RunLog } from './run_log.js';

/** Options of {@link runLogCallback}. */
export interface RunLogCallbackOptions {
  /**
   * `'epoch'` (default): one entry per epoch, step = the 1-based epoch, with
   * `loss`, metrics and `val_*`; `'batch'`: one entry per batch, step = the
   * 1-based batch count over the run (`loss` and metrics of the batch).
   */
  unit?: 'epoch' | 'batch';
}

/** Keys of {@link RunLogCallbackOptions} (checked by {@link runLogCallback}). */
const RUN_LOG_CALLBACK_KEYS = ['unit'] as const;
const UNITS = ['epoch', 'batch'] as const;

/** The callback class behind {@link runLogCallback}. */
class RunLogCallback extends tfl.Callback {
  private perEpoch: number | null = null;
  private batches = 0;

  constructor(
    private readonly log: RunLog,
    private readonly unit: 'epoch' | 'batch',
  ) {
    super();
  }

  override async onTrainBegin(): Promise<void> {
    const { initialEpoch, stepsPerEpoch } = fitPlan(this.params);
    this.perEpoch = stepsPerEpoch;
    this.batches = stepsPerEpoch === null ? 0 : initialEpoch * stepsPerEpoch;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    if (this.perEpoch !== null) this.batches = epoch * this.perEpoch;
  }

  override async onBatchEnd(_batch: number, logs?: FitLogs): Promise<void> {
    this.batches++;
    if (this.unit === 'batch') this.log.log(this.batches, await readFitLogs(logs));
  }

  override async onEpochEnd(epoch: number, logs?: FitLogs): Promise<void> {
    if (this.unit === 'epoch') this.log.log(epoch + 1, await readFitLogs(logs));
  }
}

/**
 * A `model.fit` / `model.fitDataset` callback writing to `runLog`: per epoch
 * (default; step = epoch number, 1-based) or per batch. The log's own options
 * apply (`memory: true` adds `tf.memory()`; `resumeFrom` for a resumed run,
 * e.g. `new RunLog(path, { resumeFrom: initialEpoch })`).
 *
 * @throws InvalidArgumentError if `runLog` is not a RunLog or for a misspelled
 *   or invalid option (`runLogCallback: options.<key>`).
 * @example
 * const log = new RunLog('runs/unet/logs/fit.jsonl', { memory: true });
 * await model.fit(x, y, { epochs: 20, callbacks: [runLogCallback(log)] });
 * const curves = runLogCurves(log.entries(), { loss: ['loss', 'val_loss'] });
 */
export function runLogCallback(runLog: RunLog, options?: RunLogCallbackOptions): tfl.Callback {
  const { unit = 'epoch' } = checkOptions('runLogCallback', options, RUN_LOG_CALLBACK_KEYS);
  if (!(runLog instanceof RunLog)) throw new InvalidArgumentError('runLogCallback: runLog', 'a RunLog', runLog);
  assertOneOf('runLogCallback: options.unit', unit, UNITS);
  return new RunLogCallback(runLog, unit);
}
