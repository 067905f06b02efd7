/**
 * Setting the learning rate of a tfjs optimizer in place, so a schedule can
 * drive it without rebuilding the optimizer (which would lose its slots).
 */
import { InvalidArgumentError } from '../errors.js';
import type { tf } from '../tf.js';
import { assertNumber } from '../validate.js';
import type { LrSchedule } from './lr_schedule.js';

type AnyOptimizer = tf.Optimizer;

/**
 * Sets `optimizer`'s learning rate to `lr`. Works for every tfjs-core optimizer
 * (SGD and Momentum through their `setLearningRate`, which also refreshes their
 * cached `−lr` tensor; Adam, Adamax, RMSProp, Adagrad, Adadelta through their
 * `learningRate` field, which `applyGradients` reads on every call).
 *
 * @example
 * const opt = tf.train.adam(2e-4, 0.5, 0.999);
 * setLearningRate(opt, 1e-4);
 */
export function setLearningRate(optimizer: AnyOptimizer, lr: number): void {
  assertNumber('setLearningRate: lr', lr, { min: 0 });
  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate?: unknown };
  if (o == null || typeof o !== 'object' || typeof (o as { applyGradients?: unknown }).applyGradients !== 'function') {
    throw new InvalidArgumentError('setLearningRate: optimizer', 'a tf.Optimizer', optimizer);
  }
  if (typeof o.setLearningRate === 'function') {
    o.setLearningRate(lr);
  } else if (typeof o.learningRate === 'number') {
    o.learningRate = lr;
  } else {
    throw new InvalidArgumentError('setLearningRate: optimizer', 'an optimizer with a numeric learningRate', optimizer);
  }
}

/**
 * Reads `optimizer`'s current learning rate.
 *
 * @example
 * getLearningRate(tf.train.sgd(0.1)); // 0.1
 */
export function getLearningRate(optimizer: AnyOptimizer): number {
  const lr = (optimizer as unknown as { learningRate?: unknown })?.learningRate;
  if (typeof lr !== 'number') throw new InvalidArgumentError('getLearningRate: optimizer', 'an optimizer with a numeric learningRate', optimizer);
  return lr;
}

/**
 * Evaluates `schedule(step)` and sets it on every optimizer given; returns the rate.
 * Call it at the start of each step (or epoch) with the 0-based index.
 *
 * @example
 * const sched = linearDecayLr(2e-4, { nConstant: 100, nDecay: 100 });
 * for (let epoch = 0; epoch < 200; epoch++) {
 *   applyLrSchedule(sched, epoch, optD, optG);
 *   // … train one epoch
 * }
 */
export function applyLrSchedule(schedule: LrSchedule, step: number, ...optimizers: AnyOptimizer[]): number {
  if (typeof schedule !== 'function') throw new InvalidArgumentError('applyLrSchedule: schedule', 'an LrSchedule function', schedule);
  if (optimizers.length === 0) throw new InvalidArgumentError('applyLrSchedule: optimizers', 'at least one tf.Optimizer', optimizers);
  const lr = schedule(step);
  for (const opt of optimizers) setLearningRate(opt, lr);
  return lr;
}
