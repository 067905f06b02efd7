/**
 * One optimizer update on an explicit variable list, returning every loss term
 * as a plain number. The building block of {@link createGanStep} and of plain
 * (non-adversarial) training loops.
 */
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import { flushFiniteChecks } from '../finite_check.js';
import type { Scalar, Tensor } from '../tf.js';
import { assertNumber, checkOptions } from '../validate.js';
import { NonFiniteGradientError, NonFiniteLossError, assertFiniteTerms } from './nan_guard.js';
import { collectNonTrainable, collectVariables, type VariableSource } from './variables.js';

/**
 * What a loss closure may return: a scalar, or a composite `{ total, terms }`
 * (the SPEC's composite-loss shape) whose terms are logged individually.
 */
export type LossOutput = Scalar | Tensor | { total: Scalar | Tensor; terms?: Record<string, Scalar | Tensor> };

/** Options of {@link optimizerStep}; `P` is the literal type of `prefix` (inferred). */
export interface OptimizerStepOptions<P extends string = string> {
  /** Prefix put in front of every returned name, e.g. `'g_'` → `g_total`, `g_l1` (default none). */
  prefix?: P;
  /**
   * Called with the terms **and** the global gradient norm (`<prefix>grad_norm`,
   * the L2 norm over every gradient, read in the same device→host transfer as
   * the terms) after the forward/backward pass and **before** the gradients are
   * applied; if it throws (e.g. `guard.check(step, terms)` of a
   * `NanGuard`), the variables, the optimizer and the models' non-trainable
   * state are left unchanged and the error propagates. A guard that refuses a
   * NaN gradient of a finite loss throws a {@link NonFiniteGradientError}.
   */
  beforeApply?: (terms: Record<string, number>) => void;
  /** The training step, named in the errors the step throws itself (a non-finite gradient without a guard). */
  step?: number;
  /**
   * More models whose non-trainable weights the loss closure changes (e.g. a
   * second network run in training mode): restored too when the update is
   * refused. The non-trainable weights of the models in `variables` always are.
   * @throws InvalidArgumentError (`options.restoreOnFailure[i]`) for an entry that is not a model or layer.
   */
  restoreOnFailure?: VariableSource | ReadonlyArray<VariableSource>;
}

/** Keys of {@link OptimizerStepOptions} (checked by {@link optimizerStep}). */
const OPTIMIZER_STEP_KEYS = ['prefix', 'beforeApply', 'step', 'restoreOnFailure'] as const;

/**
 * What {@link optimizerStep} resolves to: `<prefix>total` (always present, so
 * typed `number`) plus one number per loss term, `<prefix><term>`.
 *
 * @example
 * const t: StepTerms = await optimizerStep(opt, [net], loss);            // t.total: number
 * const g: StepTerms<'g_'> = await optimizerStep(opt, [G], loss, { prefix: 'g_' }); // g.g_total: number
 */
export type StepTerms<P extends string = ''> = { [K in `${P}total`]: number } & Record<string, number>;

/** Reserved entry of the record given to `beforeApply`: the global L2 norm of the gradients. */
const GRAD_NORM = 'grad_norm';

function isTensor(x: unknown): x is Tensor {
  return x instanceof tf.Tensor;
}

function checkScalar(name: string, t: unknown): Tensor {
  if (!isTensor(t)) throw new InvalidArgumentError(name, 'a scalar tf.Tensor', t);
  if (t.size !== 1) throw new InvalidArgumentError(name, 'a scalar (one element)', `shape [${t.shape.join(',')}]`);
  return t;
}

/**
 * Splits a {@link LossOutput} into its total (checked to be one element) and named terms.
 * A bare scalar has no terms besides `total`.
 */
export function normalizeLossOutput(out: LossOutput, name = 'loss'): { total: Tensor; terms: Record<string, Tensor> } {
  if (isTensor(out)) return { total: checkScalar(name, out), terms: {} };
  if (out == null || typeof out !== 'object' || !isTensor((out as { total?: unknown }).total)) {
    throw new InvalidArgumentError(name, 'a scalar tensor or { total, terms }', out);
  }
  const total = checkScalar(`${name}.total`, out.total);
  const terms: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(out.terms ?? {})) {
    if (k === 'total' || k === GRAD_NORM) {
      throw new InvalidArgumentError(`${name}.terms`, `no term named "${k}" (it is reserved)`, Object.keys(out.terms ?? {}));
    }
    terms[k] = checkScalar(`${name}.terms.${k}`, v);
  }
  return { total, terms };
}

/**
 * Computes `loss()`, its gradients with respect to `variables` only, applies
 * them with `optimizer`, and returns `{ total, …terms }` as numbers. Variables
 * not in the list are never touched, even if the loss depends on them (their
 * gradients are not even computed). Leak-free: every tensor created by the
 * closure and the gradients is disposed, also when the step throws.
 *
 * Non-finite safety (one device→host read per step, which also carries the
 * global gradient norm):
 * - a non-finite gradient is never applied: when the gradient norm is NaN/±Inf
 *   the step throws — {@link NonFiniteGradientError} naming the variables whose
 *   gradient is bad when the loss is finite (e.g. `sqrt(sum(w²))` at w = 0),
 *   {@link NonFiniteLossError} naming the culprit term when a term is not —
 *   whether or not a `beforeApply` guard is given;
 * - when the update is refused (that, a throwing `beforeApply`, or a throwing
 *   loss closure), the non-trainable weights of the models in `variables` (and
 *   `options.restoreOnFailure`) — batch-norm moving statistics, which
 *   tfjs-layers updates during the forward pass in training mode — are put
 *   back as they were before the step; the optimizer's state is untouched.
 * A finite gradient of a non-finite loss (a logged term outside the total) is
 * applied and the values are returned: guard with `beforeApply` to stop there.
 *
 * @param optimizer - any `tf.Optimizer`.
 * @param variables - what to update: `tf.Variable`s, LayerVariables, or models/layers (their trainable weights).
 * @param loss - closure running the forward pass and returning a {@link LossOutput}.
 * @throws NonFiniteGradientError / NonFiniteLossError as above; InvalidArgumentError for a malformed loss.
 * @example
 * const terms = await optimizerStep(opt, [segmenter], () =>
 *   crossEntropyLoss(segmenter.apply(x, { training: true }) as tf.Tensor4D, labels));
 * // { total: 2.94 }
 * // with a NaN guard that refuses to apply a non-finite update:
 * await optimizerStep(opt, [segmenter], lossFn, { beforeApply: (t) => guard.check(step, t) });
 */
export async function optimizerStep<P extends string = ''>(
  optimizer: tf.Optimizer,
  variables: VariableSource | ReadonlyArray<VariableSource>,
  loss: () => LossOutput,
  options?: OptimizerStepOptions<P>,
): Promise<StepTerms<P>> {
  const o = checkOptions('optimizerStep', options, OPTIMIZER_STEP_KEYS);
  if (optimizer == null || typeof (optimizer as { applyGradients?: unknown }).applyGradients !== 'function') {
    throw new InvalidArgumentError('optimizerStep: optimizer', 'a tf.Optimizer', optimizer);
  }
  if (typeof loss !== 'function') throw new InvalidArgumentError('optimizerStep: loss', 'a function returning a loss', loss);
  const vars = collectVariables('optimizerStep: variables', variables);
  const extra = o.restoreOnFailure === undefined ? [] : asList(o.restoreOnFailure);
  extra.forEach((m, i) => {
    if (m == null || !Array.isArray((m as { nonTrainableWeights?: unknown }).nonTrainableWeights)) {
      throw new InvalidArgumentError(`optimizerStep: options.restoreOnFailure[${i}]`, 'a model or layer (with nonTrainableWeights)', m);
    }
  });
  const state = collectNonTrainable([...asList(variables), ...extra]);
  if (o.step !== undefined) assertNumber('optimizerStep: options.step', o.step, { min: 0, integer: true });
  if (o.prefix !== undefined && typeof o.prefix !== 'string') throw new InvalidArgumentError('optimizerStep: options.prefix', 'a string', o.prefix);
  if (o.beforeApply !== undefined && typeof o.beforeApply !== 'function') throw new InvalidArgumentError('optimizerStep: options.beforeApply', 'a function (terms) => void', o.beforeApply);
  return (await runUpdate(optimizer, vars, loss, { prefix: o.prefix ?? '', beforeApply: o.beforeApply, state, step: o.step })) as StepTerms<P>;
}

const asList = <T>(x: T | ReadonlyArray<T>): ReadonlyArray<T> => (Array.isArray(x) ? (x as ReadonlyArray<T>) : [x as T]);

/** Rewrites tfjs's "no connection" error into one naming the variables that were listed. */
function withConnectionHint<T>(f: () => T, vars: tf.Variable[]): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && /Cannot find a connection/.test(e.message)) {
      throw new InvalidArgumentError(
        'variables',
        'variables the loss depends on',
        vars.slice(0, 6).map((v) => v.name),
        'none of them influences the loss: was the other network\'s variable list passed?',
      );
    }
    throw e;
  }
}

/** @internal Options of {@link runUpdate}. */
export interface UpdateOptions {
  prefix: string;
  beforeApply?: (terms: Record<string, number>) => void;
  /** Non-trainable variables put back as they were when the update is refused. */
  state?: ReadonlyArray<tf.Variable>;
  /** Step named in errors thrown without a guard (−1: unknown). */
  step?: number;
}

/** Gradients are concatenated in groups of at most this many elements (16 MB) before squaring. */
const NORM_CHUNK = 1 << 22;

/**
 * Σ g² over all gradients. Small gradients are flattened and concatenated so
 * a model of a few dozen tensors costs three kernels instead of two per
 * tensor (the launches, not the arithmetic, dominate a small model's step);
 * the groups are bounded so a large model never holds a second copy of all
 * its gradients at once.
 */
function sumOfSquares(grads: Tensor[]): Tensor {
  const parts: Tensor[] = [];
  let group: Tensor[] = [];
  let size = 0;
  const flush = () => {
    const g = group;
    if (g.length === 0) return;
    parts.push(tf.tidy(() => tf.sum(tf.square(g.length === 1 ? g[0]! : tf.concat(g.map((t) => tf.reshape(t, [-1])))))));
    group = [];
    size = 0;
  };
  for (const g of grads) {
    if (size > 0 && size + g.size > NORM_CHUNK) flush();
    group.push(g);
    size += g.size;
  }
  flush();
  return parts.length === 1 ? parts[0]! : tf.addN(parts);
}

/** Names of the gradients holding a NaN/±Inf element (failure path only: one more read). */
async function nonFiniteGradients(grads: tf.NamedTensorMap): Promise<string[]> {
  const entries = Object.entries(grads);
  // x·0 is NaN exactly when x is NaN or ±Inf (wasm has no IsFinite kernel)
  const flags = tf.tidy(() => tf.stack(entries.map(([, g]) => tf.sum(tf.mul(g, 0)))));
  try {
    const data = await flags.data();
    return entries.filter((_, i) => !Number.isFinite(data[i])).map(([name]) => name);
  } finally {
    flags.dispose();
  }
}

/** @internal Same as {@link optimizerStep} with the variables (and the state to protect) already collected. */
export async function runUpdate(
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  loss: () => LossOutput,
  options: UpdateOptions,
): Promise<Record<string, number>> {
  const { prefix, beforeApply, state = [], step = -1 } = options;
  const names: string[] = [];
  const kept: Tensor[] = [];
  let value: Tensor | undefined;
  let grads: tf.NamedTensorMap | undefined;
  // Batch norm writes its moving statistics during the forward pass, before any
  // check can run, so keep the current values to put back if the update is
  // refused (clone shares the data on cpu/webgl; wasm copies, but these are
  // per-channel vectors).
  const snapshot = state.map((v) => tf.clone(v));
  let applied = false;
  try {
    let failure: { error: unknown } | undefined;
    ({ value, grads } = withConnectionHint(() => tf.variableGrads(() => {
      try {
        const { total, terms } = normalizeLossOutput(loss());
        for (const [k, t] of Object.entries(terms)) {
          names.push(k);
          kept.push(tf.keep(tf.reshape(t, []))); // a new handle: disposing it never frees a tensor the caller owns
        }
        return tf.reshape(total, []) as Scalar;
      } catch (error) {
        // Throwing here would strand the tensors the gradient tape saved for the
        // backward pass; finish with a connected zero instead (the backward pass
        // disposes the whole tape) and rethrow below without applying anything.
        failure = { error };
        return tf.mul(0, tf.sum(vars[0]!)) as Scalar;
      }
    }, vars), vars));
    if (failure) throw failure.error;
    const gradList = Object.values(grads);
    // The global gradient norm travels in the same read as the terms: no extra sync.
    const stacked = tf.tidy(() => tf.stack([value!, ...kept, tf.sqrt(sumOfSquares(gradList))]));
    const values = await stacked.data();
    stacked.dispose();
    // GPU backends defer the data-input checks of the losses (src/finite_check.ts): report them
    // here, before anything is applied (a no-op on host backends, which check at the call).
    await flushFiniteChecks(step >= 0 ? `step ${step}` : 'optimizerStep');
    const out: Record<string, number> = { [`${prefix}total`]: values[0]! };
    names.forEach((n, i) => (out[`${prefix}${n}`] = values[i + 1]!));
    const gradKey = `${prefix}${GRAD_NORM}`;
    const gradNorm = values[names.length + 1]!;
    const checked = { ...out, [gradKey]: gradNorm };
    const badVariables = Number.isFinite(gradNorm) ? undefined : await nonFiniteGradients(grads);
    try {
      beforeApply?.(checked);
    } catch (e) {
      if (badVariables && e instanceof NonFiniteLossError && !(e instanceof NonFiniteGradientError) && e.term === gradKey) {
        throw new NonFiniteGradientError(e.step, e.term, e.value, e.lastCheckpoint, checked, `${prefix}total`, badVariables);
      }
      throw e;
    }
    if (badVariables) {
      // No guard, or one that let it pass: a non-finite gradient is still never applied.
      if (Object.values(out).some((v) => !Number.isFinite(v))) assertFiniteTerms(step, checked); // blames the bad term
      throw new NonFiniteGradientError(step, gradKey, gradNorm, null, checked, `${prefix}total`, badVariables);
    }
    optimizer.applyGradients(grads);
    applied = true;
    return out;
  } finally {
    if (value) value.dispose();
    if (grads) tf.dispose(grads);
    for (const t of kept) if (!t.isDisposed) t.dispose();
    snapshot.forEach((s, i) => {
      const v = state[i]!;
      if (!applied && !v.isDisposed) v.assign(s);
      s.dispose();
    });
  }
}
