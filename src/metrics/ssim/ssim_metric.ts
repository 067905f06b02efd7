/**
 * Streaming SSIM / MS-SSIM over a dataset.
 */
import { InvalidArgumentError } from '../../errors.js';
import { tf } from '../../tf.js';
import { isImageData } from '../../ops/image_input.js';
import type { ImageInput } from '../../ops/image_input.js';
import { checkOptions } from '../../validate.js';
import { readHostPair } from '../host_pair.js';
import { pairLabels } from '../pair_labels.js';
import { ssimHostValues } from './host.js';
import { msSsimWith, resolveMsSsimOptions } from './ms_ssim.js';
import type { MsSsimCore } from './ms_ssim.js';
import { SSIM_KEYS, resolveSsimOptions } from './options.js';
import type { SsimCoreOptions, SsimOptions } from './options.js';
import { ssimWith } from './ssim.js';

/** Result of {@link SsimMetric.compute}. */
export interface SsimResult {
  /** mean of per-image values (NaN before any update) */
  mean: number;
  /** per-image values in update order */
  perImage: number[];
  /** number of images */
  count: number;
}

/** Options of {@link SsimMetric}: those of {@link ssim}, plus `multiScale` (and its `weights`) to accumulate {@link msSsim}. */
export interface SsimMetricOptions extends SsimOptions {
  /** accumulate MS-SSIM instead of SSIM (default false; padding, gaussian, sampleCovariance and downsample then do not apply) */
  multiScale?: boolean;
  /** MS-SSIM scale weights (with `multiScale`; default {@link MS_SSIM_WEIGHTS}) */
  weights?: readonly number[];
}

/** The option keys of {@link SsimMetric} (unknown keys are rejected). */
export const SSIM_METRIC_KEYS = [...SSIM_KEYS, 'multiScale', 'weights'] as const;

/** Serialisable state of an {@link SsimMetric} (JSON and structured-clone safe). */
export interface SsimMetricState {
  options: SsimMetricOptions;
  /** per-image values in update order (finite, in [−1, 1]) */
  values: number[];
}

const isObject = (x: unknown): x is Record<string, unknown> => x != null && typeof x === 'object';

/**
 * Accumulates SSIM (or MS-SSIM) per image over a dataset: host data (`{ data, shape }`), and
 * tensors on the wasm / cpu backends, are evaluated with {@link ssimHost} (float64 loops);
 * tensors on accelerated backends, `multiScale` and `downsample` use {@link ssim} / {@link msSsim}; the per-image values are kept as float64 numbers and
 * `compute()` returns their mean. `toJSON()` / `fromJSON()` / `merge()` move partial results
 * between threads (a structured clone of an instance merges too).
 *
 * @example
 * const m = new SsimMetric({ dataRange: 1 });
 * m.update(restored, clean);
 * console.log(m.compute().mean);
 */
export class SsimMetric {
  readonly options: SsimMetricOptions;
  private values: number[] = [];
  private readonly core: SsimCoreOptions;
  private readonly ms: MsSsimCore | undefined;

  /**
   * @param options {@link SsimMetricOptions}: those of {@link ssim} (`dataRange` required), or
   *   `multiScale: true` with those of {@link msSsim}
   * @throws InvalidArgumentError labelled `SsimMetric: options.key` for an unknown key (with the
   *   valid keys and the nearest match) or a bad value
   */
  constructor(options: SsimMetricOptions) {
    const o = checkOptions('SsimMetric', options, SSIM_METRIC_KEYS);
    if (o.multiScale !== undefined && typeof o.multiScale !== 'boolean') throw new InvalidArgumentError('SsimMetric: options.multiScale', 'a boolean', o.multiScale);
    if (o.weights !== undefined && !o.multiScale) throw new InvalidArgumentError('SsimMetric: options.weights', 'no weights unless multiScale is true', o.weights);
    this.core = resolveSsimOptions('SsimMetric', o);
    this.ms = o.multiScale ? resolveMsSsimOptions('SsimMetric', o) : undefined;
    this.options = { ...o };
  }

  /**
   * Adds a batch of image pairs; returns this batch's per-image values. An empty batch
   * (N = 0) adds nothing and returns `[]`. A rejected batch adds nothing.
   *
   * @param prediction images `[N,H,W,C]` / `[H,W,C]` (tensor or `{ data, shape }`)
   * @param target reference images of the same shape
   * @throws InvalidArgumentError labelled `SsimMetric.update: prediction` / `…: target` for
   *   NaN/±Inf or zero-size images, `SsimMetric.update: prediction/target` for a shape mismatch;
   *   `SsimMetric: options.dataRange` when the values contradict it (|target| > R·1.001 or
   *   |prediction| > 2R; on GPU backends only for host data, the tensor path defers the finite
   *   check to `flushFiniteChecks()` and skips the range check)
   */
  update(prediction: ImageInput, target: ImageInput): number[] {
    let v: number[];
    const labels = pairLabels('SsimMetric.update', 'SsimMetric');
    const hostData = isImageData(prediction) && isImageData(target);
    // (the backend is only queried for tensors: querying it may initialise one)
    const hostBackend = !hostData && (tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu');
    const batch = (x: ImageInput) => (isImageData(x) ? (x.shape.length === 4 ? x.shape[0] : 1) : x.rank === 4 ? x.shape[0] : 1);
    if (!this.ms && !this.options.downsample && (hostData || hostBackend)) {
      // host data, or tensors on a CPU backend: the fused float64 loop is faster and exact
      const [a, b] = readHostPair(labels, prediction, target, this.core.dataRange, true);
      v = a.shape[0] === 0 ? [] : ssimHostValues(a, b, this.core, labels.prediction);
    } else if (batch(prediction) === 0 && batch(target) === 0) {
      v = [];
    } else {
      const t = this.ms ? msSsimWith(labels, prediction, target, this.ms) : ssimWith(labels, prediction, target, this.options, this.core);
      v = Array.from(t.dataSync());
      t.dispose();
      // GPU backends defer the finite check of the inputs to flushFiniteChecks(); the values are
      // read here anyway, so a NaN they carry is refused now rather than averaged into the mean
      if (v.some((x) => !Number.isFinite(x))) throw new InvalidArgumentError('SsimMetric.update: prediction/target', 'finite images (no NaN or ±Infinity)', `per-image values ${JSON.stringify(v)}`, 'the next flushFiniteChecks() names the input');
    }
    this.values.push(...v);
    return v;
  }

  /**
   * Mean and per-image values so far. Before any update (or after `reset()`):
   * `{ mean: NaN, perImage: [], count: 0 }` — no error, so an empty shard can be merged.
   */
  compute(): SsimResult {
    const n = this.values.length;
    return { mean: n === 0 ? NaN : this.values.reduce((p, q) => p + q, 0) / n, perImage: [...this.values], count: n };
  }

  /**
   * Adds another accumulator's images; both must use the same options. `other` may be an
   * `SsimMetric`, its `toJSON()` state, or a structured clone of either (a worker's
   * `postMessage`). The state is validated before anything is added.
   *
   * @throws InvalidArgumentError labelled `SsimMetric.merge: other.options.<key>` for different
   *   options, or `SsimMetric.merge: other.<field>` for an invalid state
   */
  merge(other: SsimMetric | SsimMetricState): this {
    const o = SsimMetric.readState(other, 'SsimMetric.merge: other');
    const same = (x: unknown, y: unknown) => x === y || (Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((e, i) => e === y[i]));
    for (const key of new Set([...Object.keys(this.options), ...Object.keys(o.options)]) as Set<keyof SsimMetricOptions>) {
      if (!same(this.options[key], o.options[key])) throw new InvalidArgumentError(`SsimMetric.merge: other.options.${key}`, JSON.stringify(this.options[key]), o.options[key]);
    }
    this.values.push(...o.values);
    return this;
  }

  /** Serialisable state (JSON and structured-clone safe). */
  toJSON(): SsimMetricState {
    return { options: { ...this.options }, values: [...this.values] };
  }

  /**
   * Rebuilds an accumulator from {@link SsimMetric.toJSON} output (or a structured clone).
   *
   * @throws InvalidArgumentError labelled `SsimMetric.fromJSON: state.<field>` (or
   *   `SsimMetric: options.<key>` for invalid options)
   */
  static fromJSON(state: SsimMetricState): SsimMetric {
    const s = SsimMetric.readState(state, 'SsimMetric.fromJSON: state');
    return new SsimMetric(s.options).merge(s);
  }

  /** Validates a state (an instance and its structured clone have the same fields). */
  private static readState(x: unknown, name: string): SsimMetricState {
    if (x instanceof SsimMetric) return x.toJSON();
    if (!isObject(x) || !isObject(x.options)) throw new InvalidArgumentError(name, 'an SsimMetric state { options, values }', x);
    const { options, values } = x as { options: SsimMetricOptions; values: unknown };
    if (!Array.isArray(values)) throw new InvalidArgumentError(`${name}.values`, 'an array of per-image values', values);
    values.forEach((v, i) => {
      // SSIM and MS-SSIM lie in [−1, 1]; the slack covers float64 rounding of identical images
      if (typeof v !== 'number' || !(Math.abs(v) <= 1 + 1e-9)) throw new InvalidArgumentError(`${name}.values`, 'finite values in [−1, 1]', v, `at index ${i}`);
    });
    return { options, values: values as number[] };
  }

  /** Forgets everything. */
  reset(): void {
    this.values = [];
  }
}
