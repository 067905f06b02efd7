/**
 * One optimizer update on an explicit variable list, returning every loss term
 * as a plain number. The building block of {@link createGanStep} and of plain
 * (non-adversarial) training loops.
 */
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import type { Scalar, Tensor } from '../tf.js';
import { collectVariables, type VariableSource } from './variables.js';

/**
 * What a loss closure may return: a scalar, or a composite `{ total, terms }`
 * (the SPEC's composite-loss shape) whose terms are logged individually.
 */
export type LossOutput = Scalar | Tensor | { total: Scalar | Tensor; terms?: Record<string, Scalar | Tensor> };

/** Options of {@link optimizerStep}. */
export interface OptimizerStepOptions {
  /** Prefix put in front of every returned name, e.g. `'g_'` → `g_total`, `g_l1` (default none). */
  prefix?: string;
  /**
   * Called with the terms after the forward/backward pass and **before** the
   * gradients are applied; if it throws (e.g. `guard.check(step, terms)` of a
   * {@link NanGuard}), the variables are left unchanged and the error propagates.
   */
  beforeApply?: (terms: Record<string, number>) => void;
}

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
    if (k === 'total') throw new InvalidArgumentError(`${name}.terms`, 'no term named "total" (it is reserved)', Object.keys(out.terms ?? {}));
    terms[k] = checkScalar(`${name}.terms.${k}`, v);
  }
  return { total, terms };
}

/**
 * Computes `loss()`, its gradients with respect to `variables` only, applies
 * them with `optimizer`, and returns `{ total, …terms }` as numbers (one
 * device→host read). Variables not in the list are never touched, even if the
 * loss depends on them (their gradients are not even computed). Leak-free:
 * every tensor created by the closure and the gradients is disposed.
 *
 * @param optimizer - any `tf.Optimizer`.
 * @param variables - the variables to update (see {@link collectVariables}).
 * @param loss - closure running the forward pass and returning a {@link LossOutput}.
 * @example
 * const terms = await optimizerStep(opt, [segmenter], () =>
 *   crossEntropyLoss(segmenter.apply(x, { training: true }) as tf.Tensor4D, labels));
 * // { total: 2.94 }
 * // with a NaN guard that refuses to apply a non-finite update:
 * await optimizerStep(opt, [segmenter], lossFn, { beforeApply: (t) => guard.check(step, t) });
 */
export async function optimizerStep(
  optimizer: tf.Optimizer,
  variables: VariableSource | ReadonlyArray<VariableSource>,
  loss: () => LossOutput,
  options: OptimizerStepOptions = {},
): Promise<Record<string, number>> {
  if (optimizer == null || typeof (optimizer as { applyGradients?: unknown }).applyGradients !== 'function') {
    throw new InvalidArgumentError('optimizer', 'a tf.Optimizer', optimizer);
  }
  if (typeof loss !== 'function') throw new InvalidArgumentError('loss', 'a function returning a loss', loss);
  const vars = collectVariables('variables', variables);
  return runUpdate(optimizer, vars, loss, options.prefix ?? '', options.beforeApply);
}

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

/** @internal Same as {@link optimizerStep} with the variables already collected. */
export async function runUpdate(
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  loss: () => LossOutput,
  prefix: string,
  beforeApply?: (terms: Record<string, number>) => void,
): Promise<Record<string, number>> {
  const names: string[] = [];
  const kept: Tensor[] = [];
  let value: Tensor | undefined;
  let grads: tf.NamedTensorMap | undefined;
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
    const stacked = tf.tidy(() => tf.stack([value!, ...kept]));
    const values = await stacked.data();
    stacked.dispose();
    const out: Record<string, number> = { [`${prefix}total`]: values[0]! };
    names.forEach((n, i) => (out[`${prefix}${n}`] = values[i + 1]!));
    beforeApply?.(out);
    optimizer.applyGradients(grads);
    return out;
  } finally {
    if (value) value.dispose();
    if (grads) tf.dispose(grads);
    for (const t of kept) if (!t.isDisposed) t.dispose();
  }
}
