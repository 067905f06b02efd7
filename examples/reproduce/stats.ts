/**
 * Statistics of a multi-seed study: per-column mean ± std over seeds and, for each claim of a
 * paper, the PAIRED difference (same seed ⇒ same data, same initial weights, same batches) with
 * a two-sided 95 % Student-t interval. A claim "holds" when the whole interval is on its side
 * of 0, "fails" when the whole interval is on the other side, and is "inconclusive" otherwise.
 */

/** Two-sided 97.5 % quantiles of Student's t for 1…30 degrees of freedom (then the normal 1.96). */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** t_{0.975, df}. */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`tQuantile975: df must be an integer ≥ 1, got ${df}`);
  return df <= T975.length ? T975[df - 1]! : 1.96;
}

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanStd(xs: readonly number[]): { mean: number; std: number; n: number } {
  const n = xs.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n };
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const v = n > 1 ? xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(v), n };
}

export type Verdict = 'holds' | 'fails' | 'inconclusive';

/** A paired difference `a − b` over seeds, oriented so that the paper's claim is "> 0". */
export interface PairedDifference {
  /** per seed, `a[i] − b[i]` (the same seed on both sides) */
  diffs: number[];
  mean: number;
  std: number;
  /** 95 % t interval of the mean difference (±∞ … with one seed) */
  ci95: [number, number];
  /** seeds where the difference is > 0 */
  holdsIn: number;
  n: number;
  verdict: Verdict;
}

/**
 * The paired difference `a − b` (arrays indexed by seed, the same seeds in the same order).
 *
 * @example pairedDifference([0.13, 0.17], [0.12, 0.12]).mean // 0.03
 */
export function pairedDifference(a: readonly number[], b: readonly number[]): PairedDifference {
  if (a.length !== b.length) throw new Error(`pairedDifference: ${a.length} vs ${b.length} seeds — the sides must be paired`);
  const diffs = a.map((x, i) => x - b[i]!);
  const { mean, std, n } = meanStd(diffs);
  const half = n > 1 ? (tQuantile975(n - 1) * std) / Math.sqrt(n) : Number.POSITIVE_INFINITY;
  const ci95: [number, number] = [mean - half, mean + half];
  const verdict: Verdict = ci95[0] > 0 ? 'holds' : ci95[1] < 0 ? 'fails' : 'inconclusive';
  return { diffs, mean, std, ci95, holdsIn: diffs.filter((d) => d > 0).length, n, verdict };
}

/** Mean of `key` over the entries of a run log with `from ≤ step ≤ to` (NaN when none): one window of a learning curve. */
export function windowMean(log: readonly { step: number; [k: string]: unknown }[], key: string, from: number, to: number): number {
  const xs = log.filter((e) => e.step >= from && e.step <= to && typeof e[key] === 'number').map((e) => e[key] as number);
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN;
}
