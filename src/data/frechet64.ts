/**
 * A small float64 Fréchet-distance helper for {@link selectByFid} (the
 * metrics module's `frechetDistance` is the general one; this keeps the data
 * module self-contained). Symmetric eigen-decompositions by cyclic Jacobi
 * rotations — exact to ~1e-12 and fast for the feature sizes used per image
 * (D up to a few hundred).
 */

/** Mean and covariance (N−1) of `rows × cols` row-major samples, float64. */
export function meanCovariance(data: ArrayLike<number>, rows: number, cols: number): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c]! += data[r * cols + c]!;
  for (let c = 0; c < cols; c++) mean[c]! /= rows;
  const cov = new Float64Array(cols * cols);
  const x = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) x[c] = data[r * cols + c]! - mean[c]!;
    for (let i = 0; i < cols; i++) {
      const xi = x[i]!;
      for (let j = i; j < cols; j++) cov[i * cols + j]! += xi * x[j]!;
    }
  }
  for (let i = 0; i < cols; i++) for (let j = i; j < cols; j++) cov[j * cols + i] = cov[i * cols + j] = cov[i * cols + j]! / Math.max(1, rows - 1);
  return { mean, cov };
}

/** Eigen-decomposition of a symmetric n×n matrix: eigenvalues and eigenvectors (columns of `vectors`). */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += A[i * n + i]! * A[i * n + i]!;
      for (let j = i + 1; j < n; j++) off += A[i * n + j]! * A[i * n + j]!;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = A[p * n + p]!;
        const aqq = A[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!;
          const akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!;
          const aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!;
          const vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = A[i * n + i]!;
  return { values, vectors: V };
}

/**
 * `‖μ1−μ2‖² + Tr Σ1 + Tr Σ2 − 2·Tr sqrt(Σ1 Σ2)` in float64, with
 * `Tr sqrt(Σ1 Σ2) = Σ sqrt(λ_i(S Σ1 S))`, `S = sqrt(Σ2)` (negative eigenvalues
 * from round-off clamped to 0).
 */
export function frechetDistance64(mu1: ArrayLike<number>, cov1: ArrayLike<number>, mu2: ArrayLike<number>, cov2: ArrayLike<number>, d: number): number {
  let dm = 0;
  for (let i = 0; i < d; i++) dm += (mu1[i]! - mu2[i]!) ** 2;
  let tr = 0;
  for (let i = 0; i < d; i++) tr += cov1[i * d + i]! + cov2[i * d + i]!;
  const e2 = symmetricEigen(Float64Array.from(cov2), d);
  // S = V sqrt(Λ) Vᵀ
  const S = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const l = Math.sqrt(Math.max(0, e2.values[k]!));
    if (l === 0) continue;
    for (let i = 0; i < d; i++) {
      const vik = e2.vectors[i * d + k]! * l;
      for (let j = 0; j < d; j++) S[i * d + j]! += vik * e2.vectors[j * d + k]!;
    }
  }
  const T = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const sik = S[i * d + k]!;
    if (sik === 0) continue;
    for (let j = 0; j < d; j++) T[i * d + j]! += sik * cov1[k * d + j]!;
  }
  const M = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const tik = T[i * d + k]!;
    if (tik === 0) continue;
    for (let j = 0; j < d; j++) M[i * d + j]! += tik * S[k * d + j]!;
  }
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) M[i * d + j] = M[j * d + i] = 0.5 * (M[i * d + j]! + M[j * d + i]!);
  const ev = symmetricEigen(M, d).values;
  let trSqrt = 0;
  for (let i = 0; i < d; i++) trSqrt += Math.sqrt(Math.max(0, ev[i]!));
  return dm + tr - 2 * trSqrt;
}
