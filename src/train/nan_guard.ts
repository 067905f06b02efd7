/**
 * NaN/Inf guard for training loops: stops a run at the first non-finite loss
 * term and says which step, which term (the culprit, not the total it spoils),
 * and which checkpoint to resume from.
 */
import { InvalidArgumentError, SegawareError } from '../errors.js';

/** `total`, `g_total`, `d_total`: sums of the other terms, so only named as the culprit when no term is bad. */
const isTotal = (name: string): boolean => name === 'total' || name.endsWith('_total');
/** `grad_norm`, `g_grad_norm`: the global gradient norm that `optimizerStep` adds for the guard. */
const isGradNorm = (name: string): boolean => name === 'grad_norm' || name.endsWith('_grad_norm');

/**
 * The non-finite entries of `terms`, culprits first: loss terms (in the order
 * given), then totals, then gradient norms — a NaN term makes its total NaN,
 * and a NaN loss its gradient, so neither is the one to blame while a term is.
 */
function nonFiniteNames(terms: Readonly<Record<string, number>>): string[] {
  const bad = Object.keys(terms).filter((k) => !Number.isFinite(terms[k]));
  const rank = (k: string) => (isGradNorm(k) ? 2 : isTotal(k) ? 1 : 0);
  return bad.sort((a, b) => rank(a) - rank(b)); // stable: the given order is kept within a rank
}

/**
 * Thrown when a loss term or metric becomes NaN or ±Infinity.
 *
 * The message names the step, the term that went bad (a term rather than the
 * total it spoils), its value, the other non-finite entries and the last good
 * checkpoint path (or says there is none yet), e.g.
 * `segaware: non-finite loss at step 120: term "g_l1" is NaN (also: g_gan); g_total is NaN; last good checkpoint: runs/dfs/ckpt-100`.
 *
 * @example
 * try { guard.check(step, terms); } catch (e) {
 *   if (e instanceof NonFiniteLossError) console.error(e.term, e.nonFinite, e.lastCheckpoint);
 * }
 */
export class NonFiniteLossError extends SegawareError {
  /** The training step at which the value went bad (−1 when the caller did not say). */
  readonly step: number;
  /**
   * The culprit: the first non-finite term that is not a total (`total`,
   * `<prefix>total`) nor a gradient norm (`<prefix>grad_norm`); the total when
   * every such term is finite; the gradient norm when the loss is finite.
   */
  readonly term: string;
  /** The culprit's value: `NaN`, `Infinity` or `-Infinity`. */
  readonly value: number;
  /** Path of the last checkpoint written before the failure, or `null` when none was recorded. */
  readonly lastCheckpoint: string | null;
  /** Every term at the failing step (for post-mortem logging). */
  readonly terms: Readonly<Record<string, number>>;
  /** Every non-finite entry of {@link NonFiniteLossError.terms}, the culprit first. */
  readonly nonFinite: readonly string[];

  /**
   * @param detail - text appended to the description of the bad terms (subclasses say more there).
   */
  constructor(step: number, term: string, value: number, lastCheckpoint: string | null, terms: Record<string, number> = {}, detail = '') {
    const bad = nonFiniteNames(terms);
    const nonFinite = [term, ...bad.filter((k) => k !== term)];
    const others = nonFinite.slice(1);
    const also = others.filter((k) => !isTotal(k) && !isGradNorm(k));
    const totals = others.filter((k) => isTotal(k) || isGradNorm(k));
    super(
      `segaware: non-finite loss${step >= 0 ? ` at step ${step}` : ''}: term "${term}" is ${String(value)}` +
        (also.length > 0 ? ` (also: ${also.join(', ')})` : '') +
        totals.map((k) => `; ${k} is ${String(terms[k])}`).join('') +
        detail +
        '; ' +
        (lastCheckpoint ? `last good checkpoint: ${lastCheckpoint}` : 'no checkpoint has been written yet') +
        ' (lower the learning rate, check the inputs for NaN, or resume from the checkpoint)',
    );
    this.step = step;
    this.term = term;
    this.value = value;
    this.lastCheckpoint = lastCheckpoint;
    this.terms = { ...terms };
    this.nonFinite = nonFinite;
  }
}

/**
 * Thrown when the loss is finite but its gradient is not (e.g. `sqrt(sum(w²))`
 * at w = 0): the update is refused before it reaches the weights. Its
 * {@link NonFiniteLossError.term} is the gradient-norm entry (`grad_norm`,
 * `g_grad_norm`, …) and {@link NonFiniteGradientError.variables} lists the
 * variables whose gradient holds NaN/±Inf.
 */
export class NonFiniteGradientError extends NonFiniteLossError {
  /** The loss whose gradient went bad, e.g. `g_total`. */
  readonly loss: string;
  /**
   * Names of the variables whose gradient holds a NaN/±Inf element. Empty when
   * every element is finite but the global norm overflowed float32 (|g| ≳ 1e19:
   * the run has diverged all the same).
   */
  readonly variables: readonly string[];

  constructor(step: number, term: string, value: number, lastCheckpoint: string | null, terms: Record<string, number>, loss: string, variables: readonly string[]) {
    const shown = variables.slice(0, 8).join(', ') + (variables.length > 8 ? `, … (${variables.length} in all)` : '');
    super(
      step,
      term,
      value,
      lastCheckpoint,
      terms,
      variables.length > 0
        ? `: the gradient of ${loss} is non-finite in ${shown}${Number.isFinite(terms[loss]) ? ` although ${loss} is finite` : ''}`
        : `: the gradient norm of ${loss} overflowed float32 (every element is finite, but the update has diverged)`,
    );
    this.loss = loss;
    this.variables = [...variables];
  }
}

/**
 * Throws {@link NonFiniteLossError} when any entry of `terms` is NaN or ±Infinity,
 * naming the culprit: the first non-finite term that is not a total (see
 * {@link NonFiniteLossError.term}), with every bad entry in `nonFinite`.
 *
 * @param step - the current training step (named in the error).
 * @param terms - loss terms and metrics as plain numbers, e.g. `{ d_total: 0.69, g_l1: 0.12 }`.
 * @param lastCheckpoint - the last good checkpoint path, or `null`/omitted.
 * @throws InvalidArgumentError if `terms` is not an object of numbers.
 * @example
 * assertFiniteTerms(step, { g_total: NaN, g_l1: NaN, g_gan: 0.7 }, 'out/ckpt-100'); // throws, term "g_l1"
 */
export function assertFiniteTerms(step: number, terms: Record<string, number>, lastCheckpoint: string | null = null): void {
  if (terms == null || typeof terms !== 'object') {
    throw new InvalidArgumentError('assertFiniteTerms: terms', 'an object of name → number', terms);
  }
  for (const [name, value] of Object.entries(terms)) {
    if (typeof value !== 'number') {
      throw new InvalidArgumentError(`assertFiniteTerms: terms.${name}`, 'a number', value);
    }
  }
  const bad = nonFiniteNames(terms);
  if (bad.length > 0) throw new NonFiniteLossError(step, bad[0]!, terms[bad[0]!]!, lastCheckpoint, terms);
}

/**
 * Stateful NaN/Inf guard: remembers the last good checkpoint and checks every
 * step's terms. Call {@link NanGuard.recordCheckpoint} after each successful
 * checkpoint save and {@link NanGuard.check} after each step — or pass
 * `(t) => guard.check(step, t)` as `optimizerStep`'s `beforeApply` (or the guard
 * to `createGanStep`), which also gives it the step's gradient norm, so a NaN
 * gradient is refused before the update.
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
      throw new InvalidArgumentError('NanGuard: lastCheckpoint', 'a path string or null', lastCheckpoint);
    }
    this.checkpoint = lastCheckpoint;
  }

  /** Records `path` as the last good checkpoint (named in any later error). */
  recordCheckpoint(path: string): void {
    if (typeof path !== 'string' || path.length === 0) {
      throw new InvalidArgumentError('NanGuard.recordCheckpoint: path', 'a non-empty checkpoint path', path);
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

  /**
   * Throws {@link NonFiniteLossError} naming the culprit term if any term is
   * NaN/±Infinity; otherwise records `step` as good.
   */
  check(step: number, terms: Record<string, number>): void {
    assertFiniteTerms(step, terms, this.checkpoint);
    this.lastGood = step;
  }
}
