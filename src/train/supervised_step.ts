/**
 * `supervisedStep`: the step function of a non-adversarial {@link trainPhase}
 * — draw the step's batch, one {@link optimizerStep} behind the phase's NaN
 * guard, free the batch.
 */
import type { Batch } from '../data/dataset.js';
import { disposeBatch } from '../data/dataset.js';
import { InvalidArgumentError } from '../errors.js';
import type { tf } from '../tf.js';
import { checkOptions } from '../validate.js';
import type { NanGuard } from './nan_guard.js';
import { optimizerStep, type LossOutput } from './optimizer_step.js';
import type { VariableSource } from './variables.js';

/** Options of {@link supervisedStep}. */
export interface SupervisedStepOptions<B extends Batch<string>> {
  /** The optimizer (e.g. `tf.train.adam(1e-3)`). Required. */
  optimizer: tf.Optimizer;
  /** What it updates: models, layers or variables (see `collectVariables`). Required. */
  variables: VariableSource | ReadonlyArray<VariableSource>;
  /**
   * The batch of 0-based index `index` (= step − 1). A pure function of the
   * index, e.g. `(i) => dataset.batchAt(i, options)`, so a resumed run sees the
   * data an uninterrupted one would. The step disposes the batch. Required.
   */
  batch: (index: number) => Promise<B>;
  /** The loss on a batch: a scalar or `{ total, terms }`. Required. */
  loss: (batch: B) => LossOutput;
  /** Prefix of the returned term names, e.g. `'seg_'` → `seg_total` (default none). */
  prefix?: string;
}

/** Keys of {@link SupervisedStepOptions} (checked by {@link supervisedStep}). */
const SUPERVISED_STEP_KEYS = ['optimizer', 'variables', 'batch', 'loss', 'prefix'] as const;

/**
 * The `step` of a supervised {@link trainPhase}: for 1-based step `s` it draws
 * `batch(s − 1)`, takes one `optimizerStep(optimizer, variables, () => loss(b))`
 * whose terms pass `guard.check(s, terms)` before the update is applied, and
 * disposes the batch (also when the step throws). Resolves to the terms
 * (`<prefix>total`, `<prefix><term>…`).
 *
 * @throws InvalidArgumentError for a misspelled or missing option (`supervisedStep: options.<key>`).
 * @example
 * const step = supervisedStep({
 *   optimizer: opt, variables: [segmenter],
 *   batch: (i) => scenes.batchAt(i, { batchSize: 4, shuffle: true, fields: ['image', 'labels'] }),
 *   loss: (b) => crossEntropyLoss(segmenter.apply(b.image, { training: true }) as tf.Tensor4D, b.labels),
 *   prefix: 'seg_',
 * });
 * await trainPhase({ name: 'segmenter', out, steps, checkpointEvery: 100, models: { segmenter }, optimizers: { opt }, step });
 */
export function supervisedStep<B extends Batch<string>>(options: SupervisedStepOptions<B>): (s: number, guard: NanGuard) => Promise<Record<string, number>> {
  if (options === undefined) throw new InvalidArgumentError('supervisedStep: options', 'a SupervisedStepOptions object', options);
  const { optimizer, variables, batch, loss, prefix } = checkOptions('supervisedStep', options, SUPERVISED_STEP_KEYS);
  if (optimizer == null || typeof (optimizer as { applyGradients?: unknown }).applyGradients !== 'function') {
    throw new InvalidArgumentError('supervisedStep: options.optimizer', 'a tf.Optimizer', optimizer);
  }
  if (variables == null) throw new InvalidArgumentError('supervisedStep: options.variables', 'models, layers or variables', variables);
  if (typeof batch !== 'function') throw new InvalidArgumentError('supervisedStep: options.batch', 'a function (index) => Promise<batch>', batch);
  if (typeof loss !== 'function') throw new InvalidArgumentError('supervisedStep: options.loss', 'a function (batch) => loss', loss);
  if (prefix !== undefined && typeof prefix !== 'string') throw new InvalidArgumentError('supervisedStep: options.prefix', 'a string', prefix);
  return async (s, guard) => {
    const b = await batch(s - 1);
    try {
      return await optimizerStep(optimizer, variables, () => loss(b), { prefix, beforeApply: (t) => guard.check(s, t) });
    } finally {
      disposeBatch(b);
    }
  };
}
