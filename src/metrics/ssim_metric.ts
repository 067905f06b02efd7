/**
 * Streaming SSIM / MS-SSIM over a dataset.
 */
import { InvalidArgumentError } from '../errors.js';
import { msSsim } from './ms_ssim.js';
import { ssim } from './ssim.js';
import { resolveSsimOptions } from './ssim_options.js';
import type { SsimOptions } from './ssim_options.js';
import { tf } from '../tf.js';
import { toHostImage } from './host_image.js';
import { isImageData } from './image_input.js';
import type { ImageInput } from './image_input.js';
import { ssimHost } from './ssim_host.js';

/** Result of {@link SsimMetric.compute}. */
export interface SsimResult {
  /** mean of per-image values (NaN before any update) */
  mean: number;
  /** per-image values in update order */
  perImage: number[];
  /** number of images */
  count: number;
}

/** Options of {@link SsimMetric}: those of {@link ssim}, plus `multiScale` to accumulate {@link msSsim}. */
export interface SsimMetricOptions extends SsimOptions {
  /** accumulate MS-SSIM instead of SSIM (default false; padding/downsample/window options then do not apply) */
  multiScale?: boolean;
}

/**
 * Accumulates SSIM (or MS-SSIM) per image over a dataset: host data (`{ data, shape }`), and
 * tensors on the wasm / cpu backends, are evaluated with {@link ssimHost} (float64 loops);
 * tensors on accelerated backends, `multiScale` and `downsample` use {@link ssim} / {@link msSsim}; the per-image values are kept as float64 numbers and
 * `compute()` returns their mean.
 *
 * @example
 * const m = new SsimMetric({ dataRange: 1 });
 * m.update(restored, clean);
 * console.log(m.compute().mean);
 */
export class SsimMetric {
  readonly options: SsimMetricOptions;
  private values: number[] = [];

  constructor(options: SsimMetricOptions) {
    resolveSsimOptions(options);
    this.options = { ...options };
  }

  /** Adds a batch of image pairs; returns this batch's per-image values. */
  update(pred: ImageInput, target: ImageInput): number[] {
    let v: number[];
    const hostData = isImageData(pred) && isImageData(target);
    // (the backend is only queried for tensors: querying it may initialise one)
    const hostBackend = !hostData && (tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu');
    if (!this.options.multiScale && !this.options.downsample && (hostData || hostBackend)) {
      // host data, or tensors on a CPU backend: the fused float64 loop is faster and exact
      const a = toHostImage('pred', pred);
      const b = toHostImage('target', target);
      v = ssimHost({ data: a.data as Float32Array, shape: a.shape }, { data: b.data as Float32Array, shape: b.shape }, this.options);
    } else {
      const t = this.options.multiScale ? msSsim(pred, target, this.options) : ssim(pred, target, this.options);
      v = Array.from(t.dataSync());
      t.dispose();
    }
    this.values.push(...v);
    return v;
  }

  /** Mean and per-image values so far. */
  compute(): SsimResult {
    const n = this.values.length;
    return { mean: n === 0 ? NaN : this.values.reduce((p, q) => p + q, 0) / n, perImage: [...this.values], count: n };
  }

  /** Adds another accumulator's images; both must use the same options. */
  merge(other: SsimMetric): this {
    if (!(other instanceof SsimMetric)) throw new InvalidArgumentError('other', 'an SsimMetric', other);
    for (const key of new Set([...Object.keys(this.options), ...Object.keys(other.options)]) as Set<keyof SsimMetricOptions>) {
      if (this.options[key] !== other.options[key]) throw new InvalidArgumentError(`other.options.${key}`, JSON.stringify(this.options[key]), other.options[key]);
    }
    this.values.push(...other.values);
    return this;
  }

  /** Forgets everything. */
  reset(): void {
    this.values = [];
  }
}
