/**
 * Streaming PSNR over a dataset.
 */
import { InvalidArgumentError } from '../errors.js';
import type { ImageInput } from '../ops/image_input.js';
import { checkOptions } from '../validate.js';
import { checkDataRange } from './data_range.js';
import { readHostPair } from './host_pair.js';
import { pairLabels } from './pair_labels.js';
import { PSNR_KEYS } from './psnr.js';
import type { PsnrOptions } from './psnr.js';

/** Result of {@link PsnrMetric.compute}. */
export interface PsnrResult {
  /** mean of the per-image PSNRs (dB); NaN before any update; +Infinity if any image is exact */
  mean: number;
  /** `10·log10(R² / pooled MSE)` over every pixel seen (dB) */
  pooled: number;
  /** per-image PSNR values in update order */
  perImage: number[];
  /** number of images */
  count: number;
}

/**
 * Serialisable state of a {@link PsnrMetric} (JSON and structured-clone safe: per-image MSEs
 * rather than PSNRs, so an exact image's +Infinity never has to go through JSON).
 */
export interface PsnrMetricState {
  dataRange: number;
  /** per-image mean squared errors in update order (finite, ≥ 0) */
  mse: number[];
  /** Σ squared errors over every pixel seen */
  sqErr: number;
  /** number of pixel values seen (≥ the number of images) */
  pixels: number;
}

const isObject = (x: unknown): x is Record<string, unknown> => x != null && typeof x === 'object';

/**
 * Accumulates PSNR (`10·log10(R²/MSE)` per image) over a dataset in float64 on
 * the host. Accepts tensors `[N,H,W,C]`/`[H,W,C]` or `{ data, shape }`.
 * `compute()` reports the mean of per-image values (the papers' convention) and
 * the pooled value; `merge()` combines partial accumulators (e.g. from workers).
 *
 * @example
 * const m = new PsnrMetric({ dataRange: 255 });
 * for (const [prediction, target] of pairs) m.update(prediction, target);
 * const { mean, pooled } = m.compute();
 */
export class PsnrMetric {
  readonly dataRange: number;
  private mse: number[] = [];
  private sqErr = 0;
  private pixels = 0;

  /**
   * @param options `dataRange` (required), as {@link psnr}
   * @throws InvalidArgumentError labelled `PsnrMetric: options.key` for an unknown key (with the
   *   valid keys and the nearest match) or a missing / non-positive `dataRange`
   */
  constructor(options: PsnrOptions) {
    this.dataRange = checkDataRange('PsnrMetric', checkOptions('PsnrMetric', options, PSNR_KEYS).dataRange);
  }

  /**
   * Adds a batch of image pairs; returns this batch's per-image PSNRs. An empty batch
   * (N = 0) adds nothing and returns `[]`. A rejected batch adds nothing.
   *
   * @param prediction images `[N,H,W,C]` / `[H,W,C]` (tensor or `{ data, shape }`)
   * @param target reference images of the same shape
   * @throws InvalidArgumentError labelled `PsnrMetric.update: prediction` / `…: target` for
   *   NaN/±Inf (with the index), `PsnrMetric.update: prediction/target` for a shape mismatch,
   *   `…: prediction` for zero-size images; `PsnrMetric: options.dataRange` when the values
   *   contradict it (|target| > R·1.001 or |prediction| > 2R) — one pass over host data, on every backend
   */
  update(prediction: ImageInput, target: ImageInput): number[] {
    const [a, b] = readHostPair(pairLabels('PsnrMetric.update', 'PsnrMetric'), prediction, target, this.dataRange, true);
    const [n] = a.shape;
    if (n === 0) return [];
    const per = a.data.length / n;
    const out: number[] = [];
    const r2 = this.dataRange * this.dataRange;
    // (the pair is fully checked above, so nothing below can throw half-way through a batch)
    for (let i = 0; i < n; i++) {
      let s = 0;
      const end = (i + 1) * per;
      for (let j = i * per; j < end; j++) {
        const d = a.data[j]! - b.data[j]!;
        s += d * d;
      }
      this.sqErr += s;
      this.pixels += per;
      this.mse.push(s / per);
      out.push(10 * Math.log10(r2 / (s / per)));
    }
    return out;
  }

  /**
   * Mean, pooled and per-image PSNR of everything seen so far. Before any update (or after
   * `reset()`): `{ mean: NaN, pooled: NaN, perImage: [], count: 0 }` — no error, so an empty
   * shard can be reported and merged.
   */
  compute(): PsnrResult {
    const r2 = this.dataRange * this.dataRange;
    const values = this.mse.map((m) => 10 * Math.log10(r2 / m));
    const n = values.length;
    const mean = n === 0 ? NaN : values.reduce((p, q) => p + q, 0) / n;
    const pooled = this.pixels === 0 ? NaN : 10 * Math.log10(r2 / (this.sqErr / this.pixels));
    return { mean, pooled, perImage: values, count: n };
  }

  /**
   * Adds another accumulator's images (same dataRange): a `PsnrMetric`, its `toJSON()` state,
   * or a structured clone of either (e.g. posted by a worker thread). The state is validated
   * before anything is added.
   *
   * @throws InvalidArgumentError labelled `PsnrMetric.merge: other.<field>` for a different
   *   dataRange or an invalid state
   */
  merge(other: PsnrMetric | PsnrMetricState): this {
    const o = PsnrMetric.readState(other, 'PsnrMetric.merge: other');
    if (o.dataRange !== this.dataRange) throw new InvalidArgumentError('PsnrMetric.merge: other.dataRange', `${this.dataRange}`, o.dataRange);
    this.mse.push(...o.mse);
    this.sqErr += o.sqErr;
    this.pixels += o.pixels;
    return this;
  }

  /** Serialisable state (JSON and structured-clone safe). */
  toJSON(): PsnrMetricState {
    return { dataRange: this.dataRange, mse: [...this.mse], sqErr: this.sqErr, pixels: this.pixels };
  }

  /**
   * Rebuilds an accumulator from {@link PsnrMetric.toJSON} output (or a structured clone of a
   * `PsnrMetric`).
   *
   * @throws InvalidArgumentError labelled `PsnrMetric.fromJSON: state.<field>` for an invalid state
   */
  static fromJSON(state: PsnrMetricState): PsnrMetric {
    const s = PsnrMetric.readState(state, 'PsnrMetric.fromJSON: state');
    return new PsnrMetric({ dataRange: s.dataRange }).merge(s);
  }

  /** Validates a state (or an instance / its structured clone, which has the same fields). */
  private static readState(x: unknown, name: string): PsnrMetricState {
    if (x instanceof PsnrMetric) return x.toJSON();
    if (!isObject(x)) throw new InvalidArgumentError(name, 'a PsnrMetric state { dataRange, mse, sqErr, pixels }', x);
    const { dataRange, mse, sqErr, pixels } = x;
    if (typeof dataRange !== 'number' || !(dataRange > 0) || !Number.isFinite(dataRange)) throw new InvalidArgumentError(`${name}.dataRange`, 'a positive number', dataRange);
    if (!Array.isArray(mse)) throw new InvalidArgumentError(`${name}.mse`, 'an array of per-image MSEs', mse);
    mse.forEach((m, i) => {
      if (typeof m !== 'number' || !(m >= 0) || !Number.isFinite(m)) throw new InvalidArgumentError(`${name}.mse`, 'finite MSEs ≥ 0', m, `at index ${i}`);
    });
    if (typeof sqErr !== 'number' || !(sqErr >= 0) || !Number.isFinite(sqErr)) throw new InvalidArgumentError(`${name}.sqErr`, 'a finite number ≥ 0', sqErr);
    if (typeof pixels !== 'number' || !Number.isInteger(pixels) || pixels < mse.length) {
      throw new InvalidArgumentError(`${name}.pixels`, `an integer ≥ the number of images (${mse.length})`, pixels);
    }
    if (mse.length === 0 && (pixels !== 0 || sqErr !== 0)) throw new InvalidArgumentError(`${name}.pixels`, '0 (and sqErr 0) when there are no images', pixels);
    return { dataRange, mse: mse as number[], sqErr, pixels };
  }

  /** Forgets everything. */
  reset(): void {
    this.mse = [];
    this.sqErr = 0;
    this.pixels = 0;
  }
}
