/**
 * One adversarial training iteration: discriminator update(s) then generator
 * update (or the reverse), each with its own optimizer and an explicit variable
 * list, so D's step can never move G's weights and vice versa. Generic over the
 * loss functions: the caller passes closures that run the models and return a
 * scalar or a composite `{ total, terms }`.
 */
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import type { Scalar } from '../tf.js';
import { assertNumber, assertOneOf, checkOptions } from '../validate.js';
import type { NanGuard } from './nan_guard.js';
import { normalizeLossOutput, runUpdate, type LossOutput } from './optimizer_step.js';
import { collectNonTrainable, collectVariables, type VariableSource } from './variables.js';

/** Passed to every loss closure. */
export interface GanStepContext {
  /** 1-based index of the iteration being run (continues from `startStep` after a resume). */
  step: number;
  /** Index of the discriminator update within this iteration (0 … discriminatorSteps−1); 0 for the generator. */
  dIteration: number;
}

/** A loss closure: runs the forward pass on `batch` and returns a {@link LossOutput}. */
export type GanLossFn<B> = (batch: B, ctx: GanStepContext) => LossOutput;

/** Options of {@link createGanStep}. */
export interface GanStepOptions<B> {
  /** The generator's trainable variables (variables, LayerVariables or models). */
  generatorVariables: VariableSource | ReadonlyArray<VariableSource>;
  /** The discriminator's trainable variables. Must not overlap the generator's. */
  discriminatorVariables: VariableSource | ReadonlyArray<VariableSource>;
  /** Optimizer for the generator (e.g. `tf.train.adam(2e-4, 0.5, 0.999)`, pix2pix). */
  generatorOptimizer: tf.Optimizer;
  /** Optimizer for the discriminator; must be a different object from the generator's. */
  discriminatorOptimizer: tf.Optimizer;
  /**
   * D loss, e.g. `ganDiscriminatorLoss(D(real), D(G(x)))`. Only D's variables
   * receive gradients, so the fake needs no explicit "detach".
   */
  discriminatorLoss: GanLossFn<B>;
  /** G loss, e.g. `dfsGeneratorLoss(…)` returning `{ total, terms }`. Only G's variables are updated. */
  generatorLoss: GanLossFn<B>;
  /**
   * Optional extra D term (e.g. WGAN-GP `gradientPenalty(D, real, fake)`, already
   * weighted by λ): added to the D total and logged as `d_gp`.
   */
  gradientPenalty?: (batch: B, ctx: GanStepContext) => Scalar;
  /** D updates per iteration (WGAN's `n_critic`, default 1). */
  discriminatorSteps?: number;
  /** `'discriminator-first'` (pix2pix, DCGAN, UNIT's train.py; default) or `'generator-first'` (CycleGAN). */
  order?: 'discriminator-first' | 'generator-first';
  /** Steps already done (for `--resume`): the first call runs step `startStep + 1` (default 0). */
  startStep?: number;
  /**
   * If given, every update is checked before it is applied: a NaN/Inf term
   * throws `NonFiniteLossError` naming the term, a NaN/Inf gradient of a
   * finite loss `NonFiniteGradientError` (with the guard's last checkpoint).
   * Without a guard a non-finite gradient still throws and is never applied.
   */
  guard?: NanGuard;
}

/**
 * A GAN step function: runs one iteration on `batch` and resolves to every
 * term as a number — `d_total`, `d_<term>…`, `d_gp`, `g_total`, `g_<term>…`
 * (with `discriminatorSteps > 1` the D values are those of the last D update).
 */
export interface GanStep<B> {
  (batch: B): Promise<Record<string, number>>;
  /** Number of iterations run so far (including `startStep`). */
  readonly step: number;
}

const ORDERS = ['discriminator-first', 'generator-first'] as const;

/** Keys of {@link GanStepOptions} (checked by {@link createGanStep}). */
const GAN_STEP_KEYS = [
  'generatorVariables',
  'discriminatorVariables',
  'generatorOptimizer',
  'discriminatorOptimizer',
  'discriminatorLoss',
  'generatorLoss',
  'gradientPenalty',
  'discriminatorSteps',
  'order',
  'startStep',
  'guard',
] as const;

/**
 * Builds a GAN training step with two optimizers and disjoint variable lists.
 *
 * Per iteration (default order, pix2pix `optimize_parameters`):
 * 1. `discriminatorSteps` times: minimise `discriminatorLoss (+ gradientPenalty)` w.r.t. D's variables only;
 * 2. minimise `generatorLoss` w.r.t. G's variables only.
 *
 * Gradients are taken only with respect to the listed variables
 * (`tf.variableGrads(f, varList)`), so the other network's weights are
 * bit-identical after the update and its backward pass is not even computed.
 * Every intermediate tensor is disposed; tensor count is flat after the
 * optimizers' first call (which creates their slots).
 *
 * Non-trainable state the closures change themselves (batch-norm moving
 * statistics, spectral-norm `u`) is the closures' business: tfjs-layers batch
 * norm updates its moving mean/variance on every `apply(x, { training: true })`,
 * so a G with batch norm that runs in training mode in both closures updates
 * them twice per iteration (pix2pix runs G forward once and reuses the fake).
 *
 * A bad update is never applied and leaves no trace: when a D update is
 * refused (a NaN/Inf term or gradient, or the guard throws) the iteration
 * stops there — the G update does not run — and the non-trainable weights of
 * every model in `generatorVariables` and `discriminatorVariables` are put
 * back as they were before that update; the same for a refused G update.
 * Only models are covered: state reached through plain variables or
 * `LayerVariable`s is not known to the step.
 *
 * A gradient penalty differentiates a gradient: through LeakyReLU this needs a
 * gradient for tfjs's `Greater` kernel, which tfjs 4.22 does not register (it is
 * zero; see `docs/train.md`).
 *
 * @example
 * const step = createGanStep<{ hazy: tf.Tensor4D; clear: tf.Tensor4D }>({
 *   generatorVariables: [G], discriminatorVariables: [D],
 *   generatorOptimizer: tf.train.adam(2e-4, 0.5), discriminatorOptimizer: tf.train.adam(2e-4, 0.5),
 *   discriminatorLoss: ({ hazy, clear }) => {
 *     const fake = G.apply(hazy, { training: true }) as tf.Tensor4D;
 *     return ganDiscriminatorLoss(D.apply(tf.concat([hazy, clear], 3)) as tf.Tensor, D.apply(tf.concat([hazy, fake], 3)) as tf.Tensor, { mode: 'lsgan' });
 *   },
 *   generatorLoss: ({ hazy, clear }) => dfsGeneratorLoss(…),
 * });
 * const terms = await step(batch); // { d_total, g_total, g_gan, g_l1, … }
 */
export function createGanStep<B>(options: GanStepOptions<B>): GanStep<B> {
  if (options === undefined) throw new InvalidArgumentError('createGanStep: options', 'a GanStepOptions object', options);
  checkOptions('createGanStep', options, GAN_STEP_KEYS);
  const {
    generatorOptimizer: gOpt,
    discriminatorOptimizer: dOpt,
    discriminatorLoss,
    generatorLoss,
    gradientPenalty,
    discriminatorSteps = 1,
    order = 'discriminator-first',
    startStep = 0,
    guard,
  } = options;
  const gVars = collectVariables('createGanStep: options.generatorVariables', options.generatorVariables);
  const dVars = collectVariables('createGanStep: options.discriminatorVariables', options.discriminatorVariables);
  // Both closures may run both networks in training mode (D's runs G to make
  // the fake), so a refused update of either puts back the state of both.
  const state = collectNonTrainable([
    ...(Array.isArray(options.generatorVariables) ? options.generatorVariables : [options.generatorVariables]),
    ...(Array.isArray(options.discriminatorVariables) ? options.discriminatorVariables : [options.discriminatorVariables]),
  ] as VariableSource[]);
  const gIds = new Set(gVars.map((v) => v.id));
  const shared = dVars.filter((v) => gIds.has(v.id));
  if (shared.length > 0) {
    throw new InvalidArgumentError(
      'createGanStep: options.discriminatorVariables',
      'variables disjoint from generatorVariables',
      shared.map((v) => v.name),
      'a variable in both lists would be updated by both networks',
    );
  }
  for (const [name, opt] of [['generatorOptimizer', gOpt], ['discriminatorOptimizer', dOpt]] as const) {
    if (opt == null || typeof (opt as { applyGradients?: unknown }).applyGradients !== 'function') {
      throw new InvalidArgumentError(`createGanStep: options.${name}`, 'a tf.Optimizer', opt);
    }
  }
  if (gOpt === dOpt) {
    throw new InvalidArgumentError('createGanStep: options.discriminatorOptimizer', 'a different optimizer object from generatorOptimizer', 'the same object', 'Adam slots would be shared');
  }
  if (typeof discriminatorLoss !== 'function') throw new InvalidArgumentError('createGanStep: options.discriminatorLoss', 'a function', discriminatorLoss);
  if (typeof generatorLoss !== 'function') throw new InvalidArgumentError('createGanStep: options.generatorLoss', 'a function', generatorLoss);
  if (gradientPenalty !== undefined && typeof gradientPenalty !== 'function') {
    throw new InvalidArgumentError('createGanStep: options.gradientPenalty', 'a function returning a scalar, or undefined', gradientPenalty);
  }
  assertNumber('createGanStep: options.discriminatorSteps', discriminatorSteps, { min: 1, integer: true });
  assertOneOf('createGanStep: options.order', order, ORDERS);
  assertNumber('createGanStep: options.startStep', startStep, { min: 0, integer: true });
  if (guard !== undefined && typeof (guard as { check?: unknown })?.check !== 'function') throw new InvalidArgumentError('createGanStep: options.guard', 'a NanGuard', guard);

  let step = startStep;

  const check = (ctx: GanStepContext) => (guard ? (t: Record<string, number>) => guard.check(ctx.step, t) : undefined);
  const dUpdate = async (batch: B, ctx: GanStepContext) => {
    const lossFn = (): LossOutput => {
      const out = discriminatorLoss(batch, ctx);
      if (!gradientPenalty) return out;
      const { total, terms } = normalizeLossOutput(out, 'discriminatorLoss');
      const gp = gradientPenalty(batch, ctx);
      return { total: tf.add(total, gp), terms: { ...terms, gp } };
    };
    return runUpdate(dOpt, dVars, lossFn, { prefix: 'd_', beforeApply: check(ctx), state, step: ctx.step });
  };
  const gUpdate = (batch: B, ctx: GanStepContext) =>
    runUpdate(gOpt, gVars, () => generatorLoss(batch, ctx), { prefix: 'g_', beforeApply: check(ctx), state, step: ctx.step });

  const run = async (batch: B): Promise<Record<string, number>> => {
    const current = step + 1;
    let d: Record<string, number> = {};
    let g: Record<string, number> = {};
    if (order === 'generator-first') g = await gUpdate(batch, { step: current, dIteration: 0 });
    for (let i = 0; i < discriminatorSteps; i++) d = await dUpdate(batch, { step: current, dIteration: i });
    if (order === 'discriminator-first') g = await gUpdate(batch, { step: current, dIteration: 0 });
    step = current;
    return { ...d, ...g };
  };
  Object.defineProperty(run, 'step', { get: () => step, enumerable: true });
  return run as GanStep<B>;
}
