/**
 * The Fréchet distance between two Gaussians (the FID formula), the one float64
 * implementation behind `frechetDistance` (metrics) and `selectByFid` (data), with the
 * validation of its matrix inputs. Internal: not public.
 */
import { InvalidArgumentError } from '../errors.js';
import { choleskyChecked, congruence, symmetricEigenvalues } from './linalg64.js';

/** A square matrix: row-major flat array of d·d values, or d rows of d values. */
export type MatrixInput = ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/**
 * Flattens and validates a d×d covariance given flat (d·d values) or as rows: finite
 * values, symmetric to 1e-5 of its largest entry (float32 accumulation order).
 *
 * @param label the argument as errors name it, e.g. `'frechetDistance: sigma1'`
 * @returns the row-major `Float64Array` of d·d values
 * @throws InvalidArgumentError naming `label` for a wrong size, NaN/±Inf or an asymmetric matrix
 * @example toSquareMatrix('f: sigma', [[1, 0], [0, 1]], 2) // Float64Array [1, 0, 0, 1]
 */
export function toSquareMatrix(label: string, m: MatrixInput, d: number): Float64Array {
  const out = new Float64Array(d * d);
  const rows = m as ArrayLike<ArrayLike<number>>;
  if (m != null && m.length === d && d > 0 && typeof rows[0] === 'object') {
    for (let i = 0; i < d; i++) {
      const r = rows[i]!;
      if (r == null || r.length !== d) throw new InvalidArgumentError(label, `a ${d}×${d} matrix`, `row ${i} of length ${r?.length}`);
      for (let j = 0; j < d; j++) out[i * d + j] = r[j]!;
    }
  } else {
    if (m == null || m.length !== d * d) throw new InvalidArgumentError(label, `a ${d}×${d} matrix (${d * d} values or ${d} rows)`, m);
    for (let i = 0; i < d * d; i++) out[i] = (m as ArrayLike<number>)[i]!;
  }
  let maxAbs = 0;
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) throw new InvalidArgumentError(label, 'finite values', out[i], `at index ${i}`);
    maxAbs = Math.max(maxAbs, Math.abs(out[i]!));
  }
  // a covariance is symmetric; 1e-5 of the largest entry tolerates float32 accumulation order
  const symTol = 1e-5 * maxAbs;
  for (let i = 0; i < d; i++)
    for (let j = i + 1; j < d; j++) {
      const u = out[i * d + j]!;
      const v = out[j * d + i]!;
      if (Math.abs(u - v) > symTol) throw new InvalidArgumentError(label, 'a symmetric matrix (a covariance)', `[${i}][${j}] = ${u} but [${j}][${i}] = ${v}`);
    }
  return out;
}

/** Semi-definite Cholesky factor of a covariance, rejecting a matrix that is not PSD (up to 1e-3 of its scale). */
function psdFactor(label: string, s: Float64Array, d: number): Float64Array {
  const { l, psd } = choleskyChecked(s, d);
  if (!psd) {
    throw new InvalidArgumentError(label, 'a positive semi-definite matrix (a covariance)', 'a matrix with a negative eigenvalue', 'eigenvalues below −1e-3 of its largest diagonal entry; was it computed from the features?');
  }
  return l;
}

/** How {@link frechetDistance64} names its two covariances in errors. */
export interface FrechetLabels {
  sigma1: string;
  sigma2: string;
}

/**
 * Fréchet distance between N(μ1, Σ1) and N(μ2, Σ2) on validated float64 inputs:
 * `‖μ1 − μ2‖² + Tr Σ1 + Tr Σ2 − 2·Tr sqrt(Σ1·Σ2)`.
 *
 * `Tr sqrt(Σ1Σ2)` is the sum of the square roots of the eigenvalues of Σ1Σ2, obtained as
 * those of the symmetric PSD matrix `Lᵀ Σ2 L` with `Σ1 = L Lᵀ` (semi-definite Cholesky),
 * so rank-deficient covariances (fewer samples than features) are fine; eigenvalues below
 * 0 from round-off count as 0. Agrees with pytorch-fid's `calculate_frechet_distance`
 * (`scipy.linalg.sqrtm`) to ~1e-6 relative on well-conditioned inputs. Cost O(d³).
 *
 * @param mu1 mean of the first set (length d; finite — the caller checks)
 * @param sigma1 covariance of the first set, row-major d·d (from {@link toSquareMatrix} or `meanCovariance`)
 * @param labels how errors name Σ1 and Σ2
 * @throws InvalidArgumentError naming `labels.sigma1` / `labels.sigma2` for a covariance that is
 *   not positive semi-definite (an eigenvalue below about −1e-3 of its largest diagonal entry)
 * @example frechetDistance64([1, 0], Float64Array.of(4, 0, 0, 9), [0, 2], Float64Array.of(1, 0, 0, 1), 2, { sigma1: 's1', sigma2: 's2' }) // 10
 */
export function frechetDistance64(
  mu1: ArrayLike<number>,
  sigma1: Float64Array,
  mu2: ArrayLike<number>,
  sigma2: Float64Array,
  d: number,
  labels: FrechetLabels,
): number {
  let dist = 0;
  for (let i = 0; i < d; i++) {
    const diff = mu1[i]! - mu2[i]!;
    dist += diff * diff;
  }
  let tr = 0;
  for (let i = 0; i < d; i++) tr += sigma1[i * d + i]! + sigma2[i * d + i]!;
  const l = psdFactor(labels.sigma1, sigma1, d);
  // Σ2 gets its own check: Lᵀ Σ2 L cannot see a negative direction of Σ2 in the null space of Σ1
  psdFactor(labels.sigma2, sigma2, d);
  const m = congruence(l, sigma2, d);
  const eig = symmetricEigenvalues(m, d);
  let trSqrt = 0;
  for (let i = 0; i < d; i++) trSqrt += Math.sqrt(Math.max(0, eig[i]!));
  return dist + tr - 2 * trSqrt;
}
