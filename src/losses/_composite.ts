/** Plumbing shared by the composite losses (internal). */
import { tf } from '../tf.js';
import type { Scalar, Tensor } from '../tf.js';
import { InvalidArgumentError } from '../errors.js';
import { checkWeight, zerosFrom } from './_util.js';

/** What every composite loss returns: the weighted total and each unweighted term (for logging). */
export interface CompositeLoss {
  /** `Σ weight_t · term_t` */
  total: Scalar;
  /** the unweighted terms; a term whose weight is 0 is absent (it was not computed) */
  terms: Record<string, Scalar>;
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

  /** Validates a weight option of this composite. */
  weight(name: string, value: unknown, fallback: number): number {
    return checkWeight(`${this.fn}: ${name}`, value, fallback);
  }

  /** Throws unless `value` is present (needed because `weightName` > 0). */
  require<T>(name: string, value: T | undefined | null, what: string, weightName: string): T {
    if (value == null) throw new InvalidArgumentError(`${this.fn}: ${name}`, `${what} (needed while ${weightName} > 0)`, value, `or set ${weightName}: 0`);
    return value;
  }
}

/** `tf.tidy` for a function returning a {@link CompositeLoss} (keeps `total` and the terms). */
export function tidyComposite(fn: () => CompositeLoss): CompositeLoss {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as CompositeLoss;
}
