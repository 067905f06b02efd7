/**
 * NaN/Inf guard for training loops: stops a run at the first non-finite loss
 * term and says which step, which term, and which checkpoint to resume from.
 */
import { InvalidArgumentError, SegawareError } from '../errors.js';

/**
 * Thrown when a loss term or metric becomes NaN or ±Infinity.
 *
 * The message names the step, the term that went bad, its value and the last
 * good checkpoint path (or says there is none yet), e.g.
 * `segaware: non-finite loss at step 120: term "g_l1" is NaN; last good checkpoint: runs/dfs/ckpt-100`.
 *
 * @example
 * try { guard.check(step, terms); } catch (e) {
 *   if (e instanceof NonFiniteLossError) console.error(e.term, e.lastCheckpoint);
 * }
 */
export class NonFiniteLossError extends SegawareError {
  /** The training step at which the value went bad. */
  readonly step: number;
  /** The name of the first non-finite term (in the order the terms were given). */
  readonly term: string;
  /** The offending value: `NaN`, `Infinity` or `-Infinity`. */
  readonly value: number;
  /** Path of the last checkpoint written before the failure, or `null` when none was recorded. */
  readonly lastCheckpoint: string | null;
  /** Every term at the failing step (for post-mortem logging). */
  readonly terms: Readonly<Record<string, number>>;

  constructor(step: number, term: string, value: number, lastCheckpoint: string | null, terms: Record<string, number> = {}) {
    super(
      `segaware: non-finite loss at step ${step}: term "${term}" is ${String(value)}; ` +
        (lastCheckpoint ? `last good checkpoint: ${lastCheckpoint}` : 'no checkpoint has been written yet') +
        ' (lower the learning rate, check the inputs for NaN, or resume from the checkpoint)',
    );
    this.step = step;
    this.term = term;
    this.value = value;
    this.lastCheckpoint = lastCheckpoint;
    this.terms = { ...terms };
  }
}

/**
 * Throws {@link NonFiniteLossError} for the first entry of `terms` that is NaN or ±Infinity.
 *
 * @param step - the current training step (named in the error).
 * @param terms - loss terms and metrics as plain numbers, e.g. `{ d_total: 0.69, g_l1: 0.12 }`.
 * @param lastCheckpoint - the last good checkpoint path, or `null`/omitted.
 * @example
 * assertFiniteTerms(step, { g_total: 1.3, g_l1: NaN }, 'out/ckpt-100'); // throws, term "g_l1"
 */
export function assertFiniteTerms(step: number, terms: Record<string, number>, lastCheckpoint: string | null = null): void {
  if (terms == null || typeof terms !== 'object') {
    throw new InvalidArgumentError('terms', 'an object of name → number', terms);
  }
  for (const [name, value] of Object.entries(terms)) {
    if (typeof value !== 'number') {
      throw new InvalidArgumentError(`terms.${name}`, 'a number', value);
    }
    if (!Number.isFinite(value)) throw new NonFiniteLossError(step, name, value, lastCheckpoint, terms);
  }
}

/**
 * Stateful NaN/Inf guard: remembers the last good checkpoint and checks every
 * step's terms. Call {@link NanGuard.recordCheckpoint} after each successful
 * checkpoint save and {@link NanGuard.check} after each step.
 *
 * @example
 * const guard = new NanGuard();
 * for (let step = 1; step <= steps; step++) {
 *   const terms = await ganStep(batch);
 *   guard.check(step, terms);          // throws NonFiniteLossError on NaN/Inf
 *   if (step % 100 === 0) guard.recordCheckpoint(await save(step));
 * }
 */
export class NanGuard {
  private checkpoint: string | null;
  private lastGood = -1;

  /** @param lastCheckpoint - a checkpoint already on disk (e.g. the one a run resumed from). */
  constructor(lastCheckpoint: string | null = null) {
    if (lastCheckpoint !== null && typeof lastCheckpoint !== 'string') {
      throw new InvalidArgumentError('lastCheckpoint', 'a path string or null', lastCheckpoint);
    }
    this.checkpoint = lastCheckpoint;
  }

  /** Records `path` as the last good checkpoint (named in any later error). */
  recordCheckpoint(path: string): void {
    if (typeof path !== 'string' || path.length === 0) {
      throw new InvalidArgumentError('path', 'a non-empty checkpoint path', path);
    }
    this.checkpoint = path;
  }

  /** The last good checkpoint recorded, or `null`. */
  get lastCheckpoint(): string | null {
    return this.checkpoint;
  }

  /** The last step whose terms were all finite, or −1 before the first check. */
  get lastGoodStep(): number {
    return this.lastGood;
  }

  /** Throws {@link NonFiniteLossError} if any term is NaN/±Infinity; otherwise records `step` as good. */
  check(step: number, terms: Record<string, number>): void {
    assertFiniteTerms(step, terms, this.checkpoint);
    this.lastGood = step;
  }
}
