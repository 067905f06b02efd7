/**
 * Streaming PSNR over a dataset.
 */
import { InvalidArgumentError } from '../errors.js';
import { toHostImage } from './host_image.js';
import { checkDataRange } from './image_input.js';
import type { ImageInput } from './image_input.js';

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
 * Accumulates PSNR (`10·log10(R²/MSE)` per image) over a dataset in float64 on
 * the host. Accepts tensors `[N,H,W,C]`/`[H,W,C]` or `{ data, shape }`.
 * `compute()` reports the mean of per-image values (the papers' convention) and
 * the pooled value; `merge()` combines partial accumulators (e.g. from workers).
 *
 * @example
 * const m = new PsnrMetric({ dataRange: 255 });
 * for (const [pred, gt] of pairs) m.update(pred, gt);
 * const { mean, pooled } = m.compute();
 */
export class PsnrMetric {
  readonly dataRange: number;
  private values: number[] = [];
  private sqErr = 0;
  private pixels = 0;

  constructor(options: { dataRange: number }) {
    this.dataRange = checkDataRange(options?.dataRange);
  }

  /** Adds a batch of image pairs; returns this batch's per-image PSNRs. */
  update(pred: ImageInput, target: ImageInput): number[] {
    const a = toHostImage('pred', pred);
    const b = toHostImage('target', target);
    if (a.shape.some((d, i) => d !== b.shape[i])) {
      throw new InvalidArgumentError('pred/target', 'images of the same shape', `[${a.shape.join(',')}] and [${b.shape.join(',')}]`);
    }
    const [n] = a.shape;
    const per = a.data.length / n;
    if (per === 0) throw new InvalidArgumentError('pred', 'non-empty images', `shape [${a.shape.join(',')}]`);
    const out: number[] = [];
    const r2 = this.dataRange * this.dataRange;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const end = (i + 1) * per;
      for (let j = i * per; j < end; j++) {
        const d = a.data[j]! - b.data[j]!;
        s += d * d;
      }
      if (Number.isNaN(s)) throw new InvalidArgumentError('pred/target', 'finite pixel values', 'NaN', `in image ${i} of the batch`);
      this.sqErr += s;
      this.pixels += per;
      out.push(10 * Math.log10(r2 / (s / per)));
    }
    this.values.push(...out);
    return out;
  }

  /** Mean, pooled and per-image PSNR of everything seen so far. */
  compute(): PsnrResult {
    const n = this.values.length;
    const mean = n === 0 ? NaN : this.values.reduce((p, q) => p + q, 0) / n;
    const pooled = this.pixels === 0 ? NaN : 10 * Math.log10((this.dataRange * this.dataRange) / (this.sqErr / this.pixels));
    return { mean, pooled, perImage: [...this.values], count: n };
  }

  /** Adds another accumulator's images (same dataRange) to this one. */
  merge(other: PsnrMetric): this {
    if (!(other instanceof PsnrMetric)) throw new InvalidArgumentError('other', 'a PsnrMetric', other);
    if (other.dataRange !== this.dataRange) throw new InvalidArgumentError('other.dataRange', `${this.dataRange}`, other.dataRange);
    this.values.push(...other.values);
    this.sqErr += other.sqErr;
    this.pixels += other.pixels;
    return this;
  }

  /** Forgets everything. */
  reset(): void {
    this.values = [];
    this.sqErr = 0;
    this.pixels = 0;
  }
}
