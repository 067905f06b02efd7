/** Plumbing shared by the composite losses; only {@link CompositeLoss} is public. */
import { tf } from '../tf.js';
import type { Scalar, Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { nearestKey } from '../validate.js';
import { zerosFrom } from './empty_safe.js';

/**
 * What every composite loss returns: the weighted total and each unweighted term (for logging).
 *
 * @example
 * const { total, terms } = dfsGeneratorLoss(inputs, { lambdaSeg: 10 });
 * console.log(total.dataSync()[0], Object.keys(terms)); // e.g. [ 'gan', 'pixel', 'perceptual', 'seg' ]
 */
export interface CompositeLoss {
  /** `Σ λ_t · term_t` */
  total: Scalar;
  /** the unweighted terms; a term whose weight is 0 is absent (it was not computed) */
  terms: Record<string, Scalar>;
}

/**
 * Validates the `inputs` object of a composite: a plain object whose keys are all in `known`;
 * an unknown key (a misspelled optional input would otherwise be silently ignored) throws an
 * {@link InvalidArgumentError} labelled `fn: inputs.key` with the valid keys and the nearest match.
 */
export function checkInputs<T extends object>(fn: string, inputs: T | undefined, known: readonly string[]): T {
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
    throw new InvalidArgumentError(`${fn}: inputs`, `an object with the keys ${known.join(', ')}`, inputs);
  }
  for (const k of Object.keys(inputs)) {
    if (known.includes(k)) continue;
    const near = nearestKey(k, known);
    throw new InvalidArgumentError(`${fn}: inputs.${k}`, `one of the input keys ${known.join(', ')}`, k, near ? `did you mean "${near}"?` : undefined);
  }
  return inputs;
}

/** Collects weighted terms, computing a term only when its weight is non-zero. */
export class TermCollector {
  readonly terms: Record<string, Scalar> = {};
  private readonly parts: Tensor[] = [];
  private emptyAnchor: Tensor | null = null;

  constructor(private readonly fn: string) {}

  /**
   * Declares the batch empty when `x` (the prediction) has no element: every term is then
   * exactly 0 (connected to `x`, zero gradient) without calling any network — wasm's reductions
   * of nothing read uninitialised memory, and batched MatMul (Gram matrices) throws "divide by zero".
   */
  emptyBatch(x: Tensor): void {
    if (x.size === 0) this.emptyAnchor = x;
  }

  /** Adds `weight · compute()` under `name` unless the weight is 0. */
  add(name: string, weight: number, compute: () => Tensor): void {
    if (weight === 0) return;
    const t = (this.emptyAnchor ? zerosFrom(this.emptyAnchor, []) : compute()) as Scalar;
    this.terms[name] = t;
    this.parts.push(weight === 1 ? t : tf.mul(t, weight));
  }

  /** The total (0 when every weight is 0). */
  result(): CompositeLoss {
    const total = (this.parts.length === 0 ? tf.scalar(0) : this.parts.length === 1 ? tf.clone(this.parts[0]!) : tf.addN(this.parts)) as Scalar;
    return { total, terms: this.terms };
  }

  /** Validates the weight `options[name]` (finite, ≥ 0; `fallback` when absent), labelled `fn: options.name`. */
  weight(name: string, value: unknown, fallback: number): number {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InvalidArgumentError(`${this.fn}: options.${name}`, 'a finite number ≥ 0', value);
    return v;
  }

  /** Throws, labelled `fn: inputs.name`, unless `value` is present (needed because the weight `weightName` > 0). */
  require<T>(name: string, value: T | undefined | null, what: string, weightName: string): T {
    if (value == null) throw new InvalidArgumentError(`${this.fn}: inputs.${name}`, `${what} (needed while options.${weightName} > 0)`, value, `or set ${weightName}: 0`);
    return value;
  }
}

/** `tf.tidy` for a function returning a {@link CompositeLoss} (keeps `total` and the terms). */
export function tidyComposite(fn: () => CompositeLoss): CompositeLoss {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as CompositeLoss;
}
