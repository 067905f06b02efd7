/**
 * Learning-rate schedules as plain functions `step → lr` (step counted from 0,
 * like PyTorch's `last_epoch`). A "step" is whatever unit the loop advances the
 * schedule by: an epoch in pix2pix, an iteration in DeepLab. Apply the value
 * with {@link setLearningRate} / {@link applyLrSchedule}.
 */
import { InvalidArgumentError } from '../errors.js';
import { assertNumber, assertOneOf, checkOptions } from '../validate.js';
import { checkKeys } from './check_keys.js';

/** A learning-rate schedule: maps a 0-based step index to a learning rate. */
export type LrSchedule = (step: number) => number;

/** The returned schedule checks its step too: `<fn> schedule: step`. */
function checkStep(fn: string, step: number): void {
  assertNumber(`${fn} schedule: step`, step, { min: 0 });
}

/** Option keys of each schedule (checked by it). */
const LINEAR_DECAY_KEYS = ['nConstant', 'nDecay', 'epochCount'] as const;
const STEP_LR_KEYS = ['stepSize', 'gamma'] as const;
const COSINE_LR_KEYS = ['tMax', 'etaMin'] as const;
const POLY_LR_KEYS = ['totalSteps', 'power', 'minLr'] as const;

/**
 * Constant learning rate: `lr(t) = baseLr`.
 *
 * @example
 * const s = constantLr(2e-4); s(1000); // 2e-4
 */
export function constantLr(baseLr: number): LrSchedule {
  assertNumber('constantLr: baseLr', baseLr, { min: 0 });
  return (step) => {
    checkStep('constantLr', step);
    return baseLr;
  };
}

/** Options of {@link linearDecayLr}. */
export interface LinearDecayOptions {
  /** Steps at the initial rate (pix2pix `n_epochs`, default 100). */
  nConstant?: number;
  /** Steps of linear decay to zero (pix2pix `n_epochs_decay`, default 100). */
  nDecay?: number;
  /** pix2pix `epoch_count`, the index the count starts from (default 1). */
  epochCount?: number;
}

/**
 * Linear decay after a constant phase, pix2pix/CycleGAN `lr_policy='linear'`
 * (`lambda_rule` in `networks.get_scheduler`):
 *
 * `lr(t) = baseLr · (1 − max(0, t + epochCount − nConstant) / (nDecay + 1))`, clamped at ≥ 0
 * (pix2pix never runs past the end of the decay, where the raw formula would go negative).
 *
 * Defaults: nConstant 100, nDecay 100, epochCount 1 (pix2pix's).
 *
 * @example
 * const s = linearDecayLr(2e-4, { nConstant: 100, nDecay: 100 });
 * s(0);   // 2e-4
 * s(150); // 2e-4 · (1 − 51/101)
 */
export function linearDecayLr(baseLr: number, options?: LinearDecayOptions): LrSchedule {
  const { nConstant = 100, nDecay = 100, epochCount = 1 } = checkOptions('linearDecayLr', options, LINEAR_DECAY_KEYS);
  assertNumber('linearDecayLr: baseLr', baseLr, { min: 0 });
  assertNumber('linearDecayLr: options.nConstant', nConstant, { min: 0 });
  assertNumber('linearDecayLr: options.nDecay', nDecay, { min: 0 });
  assertNumber('linearDecayLr: options.epochCount', epochCount);
  return (step) => {
    checkStep('linearDecayLr', step);
    const factor = 1 - Math.max(0, step + epochCount - nConstant) / (nDecay + 1);
    return baseLr * Math.max(0, factor);
  };
}

/** Options of {@link stepLr}. */
export interface StepLrOptions {
  /** Steps between decays (PyTorch `step_size`, required). */
  stepSize: number;
  /** Multiplicative factor per decay (default 0.1, PyTorch's). */
  gamma?: number;
}

/**
 * Step decay, PyTorch `StepLR`: `lr(t) = baseLr · gamma^⌊t / stepSize⌋`.
 *
 * @example
 * const s = stepLr(0.01, { stepSize: 30, gamma: 0.1 });
 * s(29); // 0.01
 * s(30); // 0.001
 */
export function stepLr(baseLr: number, options: StepLrOptions): LrSchedule {
  if (options == null) throw new InvalidArgumentError('stepLr: options', 'an object with stepSize', options);
  const { stepSize, gamma = 0.1 } = checkOptions('stepLr', options, STEP_LR_KEYS);
  assertNumber('stepLr: baseLr', baseLr, { min: 0 });
  assertNumber('stepLr: options.stepSize', stepSize, { min: 1, integer: true });
  assertNumber('stepLr: options.gamma', gamma, { min: 0 });
  return (step) => {
    checkStep('stepLr', step);
    return baseLr * Math.pow(gamma, Math.floor(step / stepSize));
  };
}

/** Options of {@link cosineLr}. */
export interface CosineLrOptions {
  /** Length of the half cosine (PyTorch `T_max`, required). */
  tMax: number;
  /** Final learning rate (PyTorch `eta_min`, default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing, the closed form of PyTorch `CosineAnnealingLR` (no restarts):
 *
 * `lr(t) = etaMin + (baseLr − etaMin) · (1 + cos(π · min(t, tMax) / tMax)) / 2`
 *
 * Held at `etaMin` after `tMax` (PyTorch would start rising again).
 *
 * @example
 * const s = cosineLr(1e-3, { tMax: 100 });
 * s(50); // 5e-4
 */
export function cosineLr(baseLr: number, options: CosineLrOptions): LrSchedule {
  if (options == null) throw new InvalidArgumentError('cosineLr: options', 'an object with tMax', options);
  const { tMax, etaMin = 0 } = checkOptions('cosineLr', options, COSINE_LR_KEYS);
  assertNumber('cosineLr: baseLr', baseLr, { min: 0 });
  assertNumber('cosineLr: options.tMax', tMax, { min: 0, exclusiveMin: true });
  assertNumber('cosineLr: options.etaMin', etaMin, { min: 0 });
  return (step) => {
    checkStep('cosineLr', step);
    const t = Math.min(step, tMax);
    return etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2;
  };
}

/** Options of {@link polyLr}. */
export interface PolyLrOptions {
  /** Steps until the rate reaches `minLr` (PyTorch `total_iters`, required). */
  totalSteps: number;
  /** Exponent (default 0.9, DeepLab's; PyTorch `PolynomialLR` defaults to 1). */
  power?: number;
  /** Final learning rate (DeepLab `end_learning_rate`, default 0). */
  minLr?: number;
}

/**
 * Polynomial ("poly") decay, DeepLab / PyTorch `PolynomialLR`:
 *
 * `lr(t) = (baseLr − minLr) · (1 − min(t, totalSteps) / totalSteps)^power + minLr`
 *
 * @example
 * const s = polyLr(0.01, { totalSteps: 1000, power: 0.9 });
 * s(500); // 0.01 · 0.5^0.9
 */
export function polyLr(baseLr: number, options: PolyLrOptions): LrSchedule {
  if (options == null) throw new InvalidArgumentError('polyLr: options', 'an object with totalSteps', options);
  const { totalSteps, power = 0.9, minLr = 0 } = checkOptions('polyLr', options, POLY_LR_KEYS);
  assertNumber('polyLr: baseLr', baseLr, { min: 0 });
  assertNumber('polyLr: options.totalSteps', totalSteps, { min: 0, exclusiveMin: true });
  assertNumber('polyLr: options.power', power, { min: 0 });
  assertNumber('polyLr: options.minLr', minLr, { min: 0 });
  return (step) => {
    checkStep('polyLr', step);
    const t = Math.min(step, totalSteps);
    return (baseLr - minLr) * Math.pow(1 - t / totalSteps, power) + minLr;
  };
}

/**
 * Linear warm-up in front of any schedule: for `t < warmupSteps`,
 * `lr(t) = schedule(t) · (startFactor + (1 − startFactor) · t / warmupSteps)`; afterwards `schedule(t)`.
 *
 * @example
 * const s = withWarmup(cosineLr(1e-3, { tMax: 1000 }), 100); // 0 → cosine over 100 steps
 */
export function withWarmup(schedule: LrSchedule, warmupSteps: number, startFactor = 0): LrSchedule {
  if (typeof schedule !== 'function') throw new InvalidArgumentError('withWarmup: schedule', 'an LrSchedule function', schedule);
  assertNumber('withWarmup: warmupSteps', warmupSteps, { min: 0, integer: true });
  assertNumber('withWarmup: startFactor', startFactor, { min: 0, max: 1 });
  return (step) => {
    checkStep('withWarmup', step);
    const lr = schedule(step);
    if (step >= warmupSteps) return lr;
    return lr * (startFactor + ((1 - startFactor) * step) / warmupSteps);
  };
}

/** A serialisable schedule description (e.g. from CLI flags), see {@link createLrSchedule}. */
export type LrScheduleSpec =
  | { type: 'constant'; lr: number }
  | ({ type: 'linear'; lr: number } & LinearDecayOptions)
  | ({ type: 'step'; lr: number } & StepLrOptions)
  | ({ type: 'cosine'; lr: number } & CosineLrOptions)
  | ({ type: 'poly'; lr: number } & PolyLrOptions);

/** The schedule names {@link createLrSchedule} accepts. */
export const LR_SCHEDULE_TYPES = ['constant', 'linear', 'step', 'cosine', 'poly'] as const;

/**
 * Builds a schedule from a plain description.
 *
 * @example
 * const s = createLrSchedule({ type: 'linear', lr: 2e-4, nConstant: 100, nDecay: 100 });
 */
export function createLrSchedule(spec: LrScheduleSpec): LrSchedule {
  if (spec == null || typeof spec !== 'object') throw new InvalidArgumentError('createLrSchedule: spec', 'an LrScheduleSpec object', spec);
  assertOneOf('createLrSchedule: spec.type', spec.type, LR_SCHEDULE_TYPES);
  // a misspelled key of the chosen schedule (`nDeacy`) is refused, not ignored
  const own: Record<LrScheduleSpec['type'], readonly string[]> = { constant: [], linear: LINEAR_DECAY_KEYS, step: STEP_LR_KEYS, cosine: COSINE_LR_KEYS, poly: POLY_LR_KEYS };
  checkKeys('createLrSchedule: spec', spec, ['type', 'lr', ...own[spec.type]]);
  const { type: _type, lr, ...rest } = spec;
  switch (spec.type) {
    case 'constant':
      return constantLr(lr);
    case 'linear':
      return linearDecayLr(lr, rest as LinearDecayOptions);
    case 'step':
      return stepLr(lr, rest as StepLrOptions);
    case 'cosine':
      return cosineLr(lr, rest as CosineLrOptions);
    case 'poly':
      return polyLr(lr, rest as PolyLrOptions);
  }
}
