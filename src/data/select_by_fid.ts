/**
 * FID-based selection of unlabeled images (day→night thesis §4.2.2.3): each
 * candidate image's feature statistics are compared with a reference set's
 * by the Fréchet distance; images closer than a threshold (450 in the thesis)
 * or the `count` closest are kept.
 */
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { frechetDistance64, toSquareMatrix } from '../ops/frechet.js';
import { meanCovariance } from '../ops/linalg64.js';
import { checkOptions } from '../validate.js';

/** Mean and covariance of a reference feature set (`cov` as D×D row-major or nested rows). */
export interface ReferenceStats {
  mean: ArrayLike<number>;
  cov: ArrayLike<number> | ArrayLike<number>[];
}

/**
 * One candidate's features: a matrix of feature vectors `[P, D]` (e.g. the P
 * spatial positions of a CNN feature map), as a tensor `[P,D]` / `[H,W,D]` or
 * `{ data, shape: [P, D] }`.
 */
export type CandidateFeatures = Tensor | { data: ArrayLike<number>; shape: [number, number] };

/** Options of {@link selectByFid}: exactly one of `threshold` or `count`. */
export interface FidSelectionOptions {
  /** keep candidates with FID < threshold (thesis: 450 with InceptionV3 features) */
  threshold?: number;
  /** keep the `count` candidates with the lowest FID */
  count?: number;
}

/** The option keys {@link selectByFid} accepts (unknown keys are rejected). */
const FID_SELECTION_KEYS = ['threshold', 'count'] as const;

const FN = 'selectByFid';

/** Result of {@link selectByFid}. */
export interface FidSelection {
  /** indices of the kept candidates, by increasing FID */
  indices: number[];
  /** FID of every candidate, in input order */
  scores: number[];
}

function toMatrix(f: CandidateFeatures, i: number): { data: ArrayLike<number>; rows: number; cols: number } {
  if (f instanceof tf.Tensor) {
    const s = f.shape;
    if (s.length < 2) throw new InvalidArgumentError(`${FN}: features[${i}]`, 'a tensor [P,D] or [H,W,D]', `shape [${s.join(',')}]`);
    const cols = s[s.length - 1]!;
    return { data: f.dataSync(), rows: f.size / cols, cols };
  }
  if (f && ArrayBuffer.isView((f as { data: unknown }).data) || Array.isArray((f as { data?: unknown })?.data)) {
    const { data, shape } = f as { data: ArrayLike<number>; shape: [number, number] };
    if (!Array.isArray(shape) || shape.length !== 2 || data.length !== shape[0] * shape[1]) throw new InvalidArgumentError(`${FN}: features[${i}]`, '{ data, shape: [P, D] } with data.length = P·D', shape);
    return { data, rows: shape[0], cols: shape[1] };
  }
  throw new InvalidArgumentError(`${FN}: features[${i}]`, 'a tensor [P,D] or { data, shape }', f);
}

/**
 * Scores every candidate by `FID = ‖μ−μ_ref‖² + Tr Σ + Tr Σ_ref − 2·Tr sqrt(Σ Σ_ref)`
 * (float64; covariance with N−1; the trace of the square root from the eigenvalues of
 * `Lᵀ·Σ_ref·L`, `Σ = L·Lᵀ` — the same computation as the metrics' `frechetDistance`) and
 * keeps those under `threshold`, or the `count` lowest. The feature extractor is the caller's.
 *
 * @param features one feature matrix per candidate image (`[P, D]`, P ≥ 2)
 * @param referenceStats mean (length D) and covariance (D×D, symmetric PSD) of the reference set
 * @throws InvalidArgumentError labelled `selectByFid: options.key` for an unknown option key
 *   (with the valid keys and the nearest match) or a bad value, `selectByFid: options` unless
 *   exactly one of `threshold` / `count` is given, `selectByFid: features[i]` for a malformed,
 *   non-finite or too small candidate, `selectByFid: referenceStats.cov` for a covariance of
 *   the wrong size, asymmetric or not positive semi-definite
 *
 * @example const { indices } = selectByFid(perImageFeatures, { mean, cov }, { count: 1600 });
 */
export function selectByFid(features: CandidateFeatures[], referenceStats: ReferenceStats, options: FidSelectionOptions): FidSelection {
  const { threshold, count } = checkOptions(FN, options, FID_SELECTION_KEYS);
  if (!Array.isArray(features)) throw new InvalidArgumentError(`${FN}: features`, 'an array of per-image feature matrices', features);
  if ((threshold === undefined) === (count === undefined)) throw new InvalidArgumentError(`${FN}: options`, 'exactly one of threshold or count', options);
  if (threshold !== undefined && !(typeof threshold === 'number' && threshold > 0)) throw new InvalidArgumentError(`${FN}: options.threshold`, 'a positive number', threshold);
  if (count !== undefined && !(Number.isInteger(count) && count >= 0)) throw new InvalidArgumentError(`${FN}: options.count`, 'an integer ≥ 0', count);
  const d = referenceStats?.mean?.length;
  if (!d) throw new InvalidArgumentError(`${FN}: referenceStats.mean`, 'a non-empty vector', referenceStats?.mean);
  const mean = Float64Array.from(referenceStats.mean);
  if (!mean.every(Number.isFinite)) throw new InvalidArgumentError(`${FN}: referenceStats.mean`, 'finite values', referenceStats.mean);
  const covLabel = `${FN}: referenceStats.cov`;
  const cov = toSquareMatrix(covLabel, referenceStats.cov, d);
  const scores = features.map((f, i) => {
    const m = toMatrix(f, i);
    if (m.cols !== d) throw new InvalidArgumentError(`${FN}: features[${i}]`, `feature vectors of length ${d} like the reference`, m.cols);
    if (m.rows < 2) throw new InvalidArgumentError(`${FN}: features[${i}]`, 'at least 2 feature vectors (rows) to estimate a covariance', m.rows);
    const s = meanCovariance(m.data, m.rows, m.cols);
    if (!s.mean.every(Number.isFinite)) throw new InvalidArgumentError(`${FN}: features[${i}]`, 'finite values (no NaN or ±Infinity)', 'a matrix containing NaN or ±Infinity');
    return frechetDistance64(s.mean, s.cov, mean, cov, d, { sigma1: `${FN}: features[${i}]`, sigma2: covLabel });
  });
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  const indices = threshold !== undefined ? order.filter((i) => scores[i]! < threshold) : order.slice(0, count);
  return { indices, scores };
}
