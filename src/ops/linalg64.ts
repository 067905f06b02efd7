/**
 * Small dense float64 linear algebra, the one copy shared by the Fréchet distance of
 * the metrics (`frechetDistance`, FID) and of the data tools (`selectByFid`): sample
 * mean and covariance, a semi-definite Cholesky factorisation, the congruence `Lᵀ·S·L`
 * and the eigenvalues of a symmetric matrix (Householder tridiagonalisation followed
 * by implicit-shift QL iterations, as in LAPACK `dsterf` / Numerical Recipes `tqli`).
 * Matrices are row-major `Float64Array`s of size d·d. Internal: not public.
 */

/**
 * Sample mean and covariance (normalised by N − 1, as `numpy.cov` and pytorch-fid) of
 * `rows × cols` row-major samples, in float64. With one row the covariance is 0
 * (divided by max(1, N − 1)).
 *
 * @param data row-major samples, `rows·cols` values
 * @returns `mean` (length cols) and `cov` (cols×cols, exactly symmetric)
 * @example meanCovariance([1, 2, 3, 6], 2, 2) // mean [2, 4], cov [2, 4, 4, 8]
 */
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
  // upper triangle accumulated once, mirrored: the result is exactly symmetric
  for (let i = 0; i < cols; i++) for (let j = i; j < cols; j++) cov[j * cols + i] = cov[i * cols + j] = cov[i * cols + j]! / Math.max(1, rows - 1);
  return { mean, cov };
}

/**
 * Lower-triangular `L` with `A = L·Lᵀ` for a symmetric positive semi-definite `A` (d×d),
 * and whether `A` is PSD up to `psdTol` (relative to max diag A). A pivot ≤ `tol·max diag`
 * makes its column zero (rank-deficient covariances). A pivot below `−psdTol·max diag`
 * fails, and so does a skipped (≈ 0) pivot whose column below is not ≈ 0 — in a PSD matrix
 * a zero pivot forces a zero column (|s_ij|² ≤ s_ii·s_jj), so a large entry there means a
 * negative direction (e.g. [[0, 1], [1, 0]], eigenvalues ±1, whose pivots are both 0).
 * Checking skipped columns costs what factorising them would.
 *
 * @param tol relative pivot threshold (default 1e-12)
 * @param psdTol relative tolerance of the PSD check (default 1e-3)
 * @example choleskyChecked(Float64Array.of(4, 2, 2, 2), 2) // { l: [2, 0, 1, 1], psd: true }
 */
export function choleskyChecked(a: Float64Array, d: number, tol = 1e-12, psdTol = 1e-3): { l: Float64Array; psd: boolean } {
  const l = new Float64Array(d * d);
  let maxDiag = 0;
  for (let i = 0; i < d; i++) maxDiag = Math.max(maxDiag, a[i * d + i]!);
  const thresh = tol * maxDiag;
  const offTol = Math.sqrt(psdTol) * maxDiag;
  for (let j = 0; j < d; j++) {
    const rj = j * d;
    let s = a[rj + j]!;
    for (let k = 0; k < j; k++) s -= l[rj + k]! * l[rj + k]!;
    if (!(s > thresh)) {
      // zero column; A is not PSD if the pivot is clearly negative or the column below is not ≈ 0
      if (s < -psdTol * maxDiag) return { l, psd: false };
      for (let i = j + 1; i < d; i++) {
        const ri = i * d;
        let t = a[ri + j]!;
        for (let k = 0; k < j; k++) t -= l[ri + k]! * l[rj + k]!;
        if (Math.abs(t) > offTol) return { l, psd: false };
      }
      continue;
    }
    const ljj = Math.sqrt(s);
    l[rj + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      const ri = i * d;
      let t = a[ri + j]!;
      for (let k = 0; k < j; k++) t -= l[ri + k]! * l[rj + k]!;
      l[ri + j] = t / ljj;
    }
  }
  return { l, psd: true };
}

/** Σ_{m=from}^{d−1} x[xo+m]·y[yo+m] with four accumulators. */
function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, from: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let m = from;
  for (; m + 3 < d; m += 4) {
    s0 += x[xo + m]! * y[yo + m]!;
    s1 += x[xo + m + 1]! * y[yo + m + 1]!;
    s2 += x[xo + m + 2]! * y[yo + m + 2]!;
    s3 += x[xo + m + 3]! * y[yo + m + 3]!;
  }
  for (; m < d; m++) s0 += x[xo + m]! * y[yo + m]!;
  return s0 + s1 + s2 + s3;
}

/**
 * Lower triangle of `Lᵀ·S·L` for lower-triangular `L` and symmetric `S` (d×d; upper triangle
 * left 0), as contiguous dot products blocked by four rows: with `U = Lᵀ`, `Q = U·S`
 * (`Q[j][k] = U[j]·S[k]`, m ≥ j) and `M[i][j] = U[i]·Q[j]` (k ≥ i).
 *
 * @example symmetricEigenvalues(congruence(l, s2, d), d) // the eigenvalues of Σ1·Σ2 when Σ1 = L·Lᵀ
 */
export function congruence(l: Float64Array, s: Float64Array, d: number): Float64Array {
  const u = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) u[j * d + i] = l[i * d + j]!;
  // Q[j][k] = U[j]·S[k] over m ≥ j; four rows of U per pass over S (U rows are 0 before their diagonal)
  const q = new Float64Array(d * d);
  for (let j0 = 0; j0 < d; j0 += 4) {
    const nb = Math.min(4, d - j0);
    if (nb < 4) {
      for (let j = j0; j < d; j++) for (let k = 0; k < d; k++) q[j * d + k] = dot(u, j * d, s, k * d, j, d);
      break;
    }
    const r0 = j0 * d;
    const r1 = r0 + d;
    const r2 = r1 + d;
    const r3 = r2 + d;
    for (let k = 0; k < d; k++) {
      const rk = k * d;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let m = j0; m < d; m++) {
        const sv = s[rk + m]!;
        a0 += u[r0 + m]! * sv;
        a1 += u[r1 + m]! * sv;
        a2 += u[r2 + m]! * sv;
        a3 += u[r3 + m]! * sv;
      }
      q[r0 + k] = a0;
      q[r1 + k] = a1;
      q[r2 + k] = a2;
      q[r3 + k] = a3;
    }
  }
  // M[i][j] = U[i]·Q[j] over k ≥ i, j ≤ i; four rows of U per pass over Q
  const m = new Float64Array(d * d);
  for (let i0 = 0; i0 < d; i0 += 4) {
    const nb = Math.min(4, d - i0);
    if (nb < 4) {
      for (let i = i0; i < d; i++) for (let j = 0; j <= i; j++) m[i * d + j] = dot(u, i * d, q, j * d, i, d);
      break;
    }
    const r0 = i0 * d;
    const r1 = r0 + d;
    const r2 = r1 + d;
    const r3 = r2 + d;
    for (let j = 0; j <= i0 + 3; j++) {
      const rj = j * d;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let k = i0; k < d; k++) {
        const qv = q[rj + k]!;
        a0 += u[r0 + k]! * qv;
        a1 += u[r1 + k]! * qv;
        a2 += u[r2 + k]! * qv;
        a3 += u[r3 + k]! * qv;
      }
      if (j <= i0) m[r0 + j] = a0;
      if (j <= i0 + 1) m[r1 + j] = a1;
      if (j <= i0 + 2) m[r2 + j] = a2;
      m[r3 + j] = a3;
    }
  }
  return m;
}

/**
 * Eigenvalues (unsorted) of a symmetric d×d matrix given by its lower triangle (the upper
 * one is not read); the input is overwritten. Householder tridiagonalisation, then
 * implicit-shift QL; throws after 60 iterations on one eigenvalue (not seen in practice).
 *
 * @example symmetricEigenvalues(Float64Array.of(2, 0, 1, 2), 2) // [1, 3] in some order
 */
export function symmetricEigenvalues(a: Float64Array, d: number): Float64Array {
  const diag = new Float64Array(d);
  const off = new Float64Array(d); // off[i] couples i and i+1
  const v = new Float64Array(d);
  const p = new Float64Array(d);
  // Householder reduction to tridiagonal form.
  for (let k = 0; k < d - 2; k++) {
    let norm2 = 0;
    for (let i = k + 1; i < d; i++) norm2 += a[i * d + k]! ** 2;
    const x0 = a[(k + 1) * d + k]!;
    const norm = Math.sqrt(norm2);
    if (norm === 0 || norm2 === x0 * x0) {
      off[k] = x0;
      continue;
    }
    const alpha = x0 > 0 ? -norm : norm;
    for (let i = k + 1; i < d; i++) v[i] = a[i * d + k]!;
    v[k + 1]! -= alpha;
    let vv = 0;
    for (let i = k + 1; i < d; i++) vv += v[i]! * v[i]!;
    const beta = 2 / vv;
    // p = β·A·v on the trailing block, reading the lower triangle only
    for (let i = k + 1; i < d; i++) p[i] = 0;
    for (let i = k + 1; i < d; i++) {
      const ri = i * d;
      const vi = v[i]!;
      let s = a[ri + i]! * vi;
      for (let j = k + 1; j < i; j++) {
        const aij = a[ri + j]!;
        s += aij * v[j]!;
        p[j]! += aij * vi;
      }
      p[i]! += s;
    }
    for (let i = k + 1; i < d; i++) p[i]! *= beta;
    let kk = 0;
    for (let i = k + 1; i < d; i++) kk += v[i]! * p[i]!;
    kk *= beta / 2;
    for (let i = k + 1; i < d; i++) p[i]! -= kk * v[i]!; // w
    // A ← A − v·wᵀ − w·vᵀ on the lower triangle
    for (let i = k + 1; i < d; i++) {
      const ri = i * d;
      const vi = v[i]!;
      const wi = p[i]!;
      for (let j = k + 1; j <= i; j++) a[ri + j]! -= vi * p[j]! + wi * v[j]!;
    }
    off[k] = alpha;
  }
  for (let i = 0; i < d; i++) diag[i] = a[i * d + i]!;
  if (d >= 2) off[d - 2] = a[(d - 1) * d + (d - 2)]!;
  off[d - 1] = 0;
  // Implicit-shift QL on the tridiagonal matrix.
  const eps = Number.EPSILON;
  for (let l = 0; l < d; l++) {
    for (let iter = 0; ; iter++) {
      let m = l;
      for (; m < d - 1; m++) {
        const dd = Math.abs(diag[m]!) + Math.abs(diag[m + 1]!);
        if (Math.abs(off[m]!) <= eps * dd) break;
      }
      if (m === l) break;
      if (iter > 60) throw new Error('symmetricEigenvalues: no convergence');
      let g = (diag[l + 1]! - diag[l]!) / (2 * off[l]!);
      let r = Math.hypot(g, 1);
      g = diag[m]! - diag[l]! + off[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let pp = 0;
      let i = m - 1;
      let early = false;
      for (; i >= l; i--) {
        const f = s * off[i]!;
        const b = c * off[i]!;
        r = Math.hypot(f, g);
        off[i + 1] = r;
        if (r === 0) {
          diag[i + 1]! -= pp;
          off[m] = 0;
          early = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = diag[i + 1]! - pp;
        r = (diag[i]! - g) * s + 2 * c * b;
        pp = s * r;
        diag[i + 1] = g + pp;
        g = c * r - b;
      }
      if (early) continue;
      diag[l]! -= pp;
      off[l] = g;
      off[m] = 0;
    }
  }
  return diag;
}
