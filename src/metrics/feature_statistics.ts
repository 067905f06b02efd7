/**
 * Streaming mean and covariance of feature vectors (for FID with any feature extractor).
 */
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { frechetDistance } from './frechet_distance.js';

/** Feature rows: a `[N,D]` tensor, `{ data, shape: [N,D] }`, or rows of numbers. */
export type FeatureInput = Tensor | { data: ArrayLike<number>; shape: number[] } | ArrayLike<ArrayLike<number>>;

/** Serialisable state of {@link FeatureStatistics}. */
export interface FeatureStatisticsState {
  dim: number;
  count: number;
  mean: number[];
  /** Σ (x − mean)(x − mean)ᵀ, row-major d·d */
  m2: number[];
}

/**
 * Validates a serialised accumulator: a state, or a structured clone of an instance (fields
 * `dim, n, mu, m2`), returned as a state.
 */
function readFeatureState(x: unknown, name: string): FeatureStatisticsState {
  if (x == null || typeof x !== 'object') throw new InvalidArgumentError(name, 'a FeatureStatistics state { dim, count, mean, m2 }', x);
  const r = x as Record<string, unknown>;
  const clone = !('count' in r) && 'n' in r && 'mu' in r;
  const dim = r.dim;
  const count = clone ? r.n : r.count;
  const mean = clone ? r.mu : r.mean;
  const m2 = r.m2;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 0) throw new InvalidArgumentError(`${name}.dim`, 'a non-negative integer', dim);
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) throw new InvalidArgumentError(`${name}.count`, 'a non-negative integer', count);
  if (count > 0 && dim === 0) throw new InvalidArgumentError(`${name}.dim`, 'a positive integer when count > 0', dim);
  const vector = (v: unknown, field: string, n: number): number[] => {
    const ok = (Array.isArray(v) || v instanceof Float64Array) && v.length === n;
    const arr = ok ? (Array.from(v as ArrayLike<unknown>) as number[]) : [];
    const bad = arr.findIndex((e) => typeof e !== 'number' || !Number.isFinite(e));
    if (!ok || bad >= 0) {
      throw new InvalidArgumentError(`${name}.${field}`, `${n} finite values`, ok ? arr[bad] : Array.isArray(v) || ArrayBuffer.isView(v) ? `${(v as ArrayLike<unknown>).length} values` : v, ok ? `at index ${bad}` : undefined);
    }
    return arr;
  };
  const mu = vector(mean, 'mean', dim);
  const sc = vector(m2, 'm2', dim * dim);
  for (let a = 0; a < dim; a++) {
    if (sc[a * dim + a]! < 0) throw new InvalidArgumentError(`${name}.m2`, 'a scatter matrix (diagonal ≥ 0)', sc[a * dim + a], `at [${a}][${a}]`);
    for (let b = a + 1; b < dim; b++) {
      const u = sc[a * dim + b]!;
      const v = sc[b * dim + a]!;
      if (Math.abs(u - v) > 1e-9 * (Math.abs(u) + Math.abs(v))) throw new InvalidArgumentError(`${name}.m2`, 'a symmetric scatter matrix', `[${a}][${b}] = ${u} but [${b}][${a}] = ${v}`);
    }
  }
  return { dim, count, mean: mu, m2: sc };
}

/**
 * Accumulates the mean and covariance of D-dimensional features in float64 with the
 * parallel (Chan et al.) update: each batch's centred scatter matrix is merged with
 * `M2 = M2a + M2b + δδᵀ·na·nb/n`, so large feature values do not lose precision.
 * `covariance` uses N − 1 (as `numpy.cov`, pytorch-fid). Feed the activations of any
 * extractor (e.g. InceptionV3 pool3, 2048-D) and compare two sets with {@link frechetDistance}.
 *
 * @example
 * const real = new FeatureStatistics(); const fake = new FeatureStatistics();
 * real.update(extract(realBatch)); fake.update(extract(fakeBatch));   // [N, D] each
 * const fid = real.frechetDistance(fake);
 */
export class FeatureStatistics {
  private dim = 0;
  private n = 0;
  private mu = new Float64Array(0);
  private m2 = new Float64Array(0);

  /**
   * @param dim feature dimension (optional: taken from the first batch)
   * @throws InvalidArgumentError labelled `FeatureStatistics: dim` unless a positive integer
   */
  constructor(dim?: number) {
    if (dim !== undefined) {
      if (!Number.isInteger(dim) || dim < 1) throw new InvalidArgumentError('FeatureStatistics: dim', 'a positive integer', dim);
      this.init(dim);
    }
  }

  private init(dim: number): void {
    this.dim = dim;
    this.mu = new Float64Array(dim);
    this.m2 = new Float64Array(dim * dim);
  }

  /** Number of feature vectors seen. */
  get count(): number {
    return this.n;
  }

  /**
   * Adds a batch of feature rows `[N, D]`.
   *
   * @throws InvalidArgumentError labelled `FeatureStatistics.update: features` for a malformed
   *   batch, rows of another dimension or NaN/±Inf
   */
  update(features: FeatureInput): void {
    const label = 'FeatureStatistics.update: features';
    let data: ArrayLike<number>;
    let rows: number;
    let dim: number;
    if (features instanceof tf.Tensor) {
      if (features.rank !== 2) throw new InvalidArgumentError(label, 'a [N, D] tensor', `shape [${features.shape.join(',')}]`);
      [rows, dim] = features.shape as [number, number];
      data = features.dataSync() as Float32Array;
    } else if (features != null && typeof features === 'object' && 'shape' in features && 'data' in features) {
      const f = features as { data: ArrayLike<number>; shape: number[] };
      if (f.shape.length !== 2 || f.shape[0]! * f.shape[1]! !== f.data.length) throw new InvalidArgumentError(`${label}.shape`, `[N, D] with N·D = ${f.data.length}`, f.shape);
      [rows, dim] = f.shape as [number, number];
      data = f.data;
    } else if (features != null && typeof (features as ArrayLike<unknown>).length === 'number') {
      const r = features as ArrayLike<ArrayLike<number>>;
      rows = r.length;
      dim = rows > 0 ? r[0]!.length : this.dim;
      const flat = new Float64Array(rows * dim);
      for (let i = 0; i < rows; i++) {
        if (r[i]?.length !== dim) throw new InvalidArgumentError(label, `rows of length ${dim}`, `row ${i} of length ${r[i]?.length}`);
        for (let j = 0; j < dim; j++) flat[i * dim + j] = r[i]![j]!;
      }
      data = flat;
    } else {
      throw new InvalidArgumentError(label, 'a [N, D] tensor, { data, shape } or rows', features);
    }
    if (rows === 0) return;
    if (this.dim === 0) this.init(dim);
    if (dim !== this.dim) throw new InvalidArgumentError(label, `rows of dimension ${this.dim}`, `dimension ${dim}`);
    const d = dim;
    const mb = new Float64Array(d);
    for (let i = 0; i < rows; i++) {
      const o = i * d;
      for (let j = 0; j < d; j++) mb[j]! += data[o + j]!;
    }
    for (let j = 0; j < d; j++) {
      mb[j]! /= rows;
      if (!Number.isFinite(mb[j]!)) throw new InvalidArgumentError(label, 'finite values', mb[j], `in column ${j}`);
    }
    // centred scatter of the batch (upper triangle, mirrored)
    const m2b = new Float64Array(d * d);
    const c = new Float64Array(d);
    for (let i = 0; i < rows; i++) {
      const o = i * d;
      for (let j = 0; j < d; j++) c[j] = data[o + j]! - mb[j]!;
      for (let a = 0; a < d; a++) {
        const ca = c[a]!;
        if (ca === 0) continue;
        const ra = a * d;
        for (let b = a; b < d; b++) m2b[ra + b]! += ca * c[b]!;
      }
    }
    for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) m2b[b * d + a] = m2b[a * d + b]!;
    this.combine(rows, mb, m2b);
  }

  private combine(nb: number, mb: Float64Array, m2b: Float64Array): void {
    const na = this.n;
    const n = na + nb;
    const d = this.dim;
    const delta = new Float64Array(d);
    for (let j = 0; j < d; j++) delta[j] = mb[j]! - this.mu[j]!;
    const f = (na * nb) / n;
    for (let a = 0; a < d; a++) {
      const ra = a * d;
      const da = delta[a]! * f;
      for (let b = 0; b < d; b++) this.m2[ra + b]! += m2b[ra + b]! + da * delta[b]!;
    }
    for (let j = 0; j < d; j++) this.mu[j]! += (delta[j]! * nb) / n;
    this.n = n;
  }

  /** Mean vector (length D). */
  get mean(): Float64Array {
    return this.mu.slice();
  }

  /** Covariance with N − 1 (row-major D·D); NaN-filled with fewer than two samples. */
  get covariance(): Float64Array {
    if (this.n < 2) return new Float64Array(this.dim * this.dim).fill(NaN);
    return this.m2.map((v) => v / (this.n - 1));
  }

  /** `{ count, mean, covariance }`. */
  compute(): { count: number; mean: Float64Array; covariance: Float64Array } {
    return { count: this.n, mean: this.mean, covariance: this.covariance };
  }

  /**
   * Fréchet distance between this set and `other` ({@link frechetDistance} of the two means and
   * covariances); both need ≥ 2 samples.
   *
   * @throws InvalidArgumentError labelled `FeatureStatistics.frechetDistance: other` for a set
   *   with fewer than 2 samples
   * @example const fid = real.frechetDistance(fake);
   */
  frechetDistance(other: FeatureStatistics): number {
    if (this.n < 2 || other.n < 2) throw new InvalidArgumentError('FeatureStatistics.frechetDistance: other', 'at least 2 feature vectors in each set', `${this.n} and ${other.n}`);
    return frechetDistance(this.mu, this.covariance, other.mu, other.covariance);
  }

  /**
   * Adds another accumulator's samples (same dimension): a `FeatureStatistics`, its `toJSON()`
   * state, or a structured clone of either (a worker's `postMessage`). The state is validated
   * before anything is added.
   *
   * @throws InvalidArgumentError labelled `FeatureStatistics.merge: other.<field>` for another
   *   dimension or an invalid state
   */
  merge(other: FeatureStatistics | FeatureStatisticsState): this {
    const name = 'FeatureStatistics.merge: other';
    const o = other instanceof FeatureStatistics ? other.toJSON() : readFeatureState(other, name);
    if (this.dim !== 0 && o.dim !== 0 && o.dim !== this.dim) throw new InvalidArgumentError(`${name}.dim`, `${this.dim}`, o.dim);
    if (this.dim === 0 && o.dim !== 0) this.init(o.dim);
    if (o.count === 0) return this;
    this.combine(o.count, Float64Array.from(o.mean), Float64Array.from(o.m2));
    return this;
  }

  /** Serialisable state. */
  toJSON(): FeatureStatisticsState {
    return { dim: this.dim, count: this.n, mean: Array.from(this.mu), m2: Array.from(this.m2) };
  }

  /**
   * Rebuilds from {@link FeatureStatistics.toJSON} (or a structured clone); keeps the dimension
   * of an empty state.
   *
   * @throws InvalidArgumentError labelled `FeatureStatistics.fromJSON: state.<field>`: dim a
   *   non-negative integer, count a non-negative integer, mean `dim` finite values, m2 `dim²`
   *   finite values, symmetric
   */
  static fromJSON(state: FeatureStatisticsState): FeatureStatistics {
    return new FeatureStatistics().merge(readFeatureState(state, 'FeatureStatistics.fromJSON: state'));
  }

  /** Forgets everything (keeps the dimension). */
  reset(): void {
    this.n = 0;
    this.mu.fill(0);
    this.m2.fill(0);
  }
}
