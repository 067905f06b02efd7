/**
 * Confusion matrix of a semantic segmentation and the metrics derived from it
 * (the FCN "Evaluator" convention).
 */
import { InvalidArgumentError } from '../errors.js';
import { assertNumber, checkOptions } from '../validate.js';
import { readPredLabels, readTargetLabels } from './label_input.js';
import type { IntTypedArray, LabelInput } from './label_input.js';
import { countConfusionU8 } from './confusion_count.js';
import { resolveWorkers } from './parallel_options.js';
import type { ParallelOptions } from './parallel_options.js';
import { runMetricJobs, toShared } from './metric_jobs.js';

/** Options of {@link ConfusionMatrix}. */
export interface ConfusionMatrixOptions {
  /** target value to skip (default 255) */
  ignoreIndex?: number;
  /** silently drop targets outside `[0,K)` that are not `ignoreIndex` (the FCN code's behaviour); default false = error */
  dropInvalidTargets?: boolean;
}

/** The option keys of {@link ConfusionMatrix} (unknown keys are rejected). */
export const CONFUSION_MATRIX_KEYS = ['ignoreIndex', 'dropInvalidTargets'] as const;

/** Result of {@link ConfusionMatrix.compute}. NaN marks a class absent from both GT and prediction. */
export interface ConfusionMetrics {
  /** PA = Σ diag / Σ (pixels with a valid target) */
  pixelAccuracy: number;
  /** mPA = nanmean(accuracy) */
  meanAccuracy: number;
  /** mIoU = nanmean(iou) */
  meanIoU: number;
  /** FWIoU = Σ_{freq>0} freq · IoU, freq = rowsum / total */
  fwIoU: number;
  /** IoU_c = diag / (rowsum + colsum − diag) */
  iou: number[];
  /** per-class accuracy diag / rowsum (recall) */
  accuracy: number[];
  /** Dice_c = 2·diag / (rowsum + colsum) */
  dice: number[];
  /** K×K counts, rows = ground truth, columns = prediction */
  matrix: number[][];
  /** per GT class, pixels whose prediction was outside `[0,K)` (counted as misses) */
  outOfRangePredictions: number[];
  /** number of counted pixels */
  total: number;
}

/** Serialised counts of a {@link ConfusionMatrix} (e.g. to send from a worker thread). */
export interface ConfusionMatrixState {
  numClasses: number;
  ignoreIndex: number;
  dropInvalidTargets: boolean;
  /** K×(K+1) row-major counts; column K = predictions outside [0,K) */
  counts: number[];
}

const CHUNK = 1 << 30; // local Uint32 counters are flushed well before 2^32

const nanmean = (v: number[]) => {
  let s = 0;
  let n = 0;
  for (const x of v) if (!Number.isNaN(x)) {
    s += x;
    n++;
  }
  return n === 0 ? NaN : s / n;
};

/**
 * Validates a serialised matrix (a state or a structured clone of a matrix, which has the
 * same fields) and returns it with plain-number counts.
 */
function readConfusionState(x: unknown, name: string): ConfusionMatrixState {
  if (x == null || typeof x !== 'object') throw new InvalidArgumentError(name, 'a ConfusionMatrix state { numClasses, ignoreIndex, dropInvalidTargets, counts }', x);
  const { numClasses, ignoreIndex, dropInvalidTargets, counts } = x as Record<string, unknown>;
  assertNumber(`${name}.numClasses`, numClasses, { min: 1, integer: true });
  assertNumber(`${name}.ignoreIndex`, ignoreIndex, { integer: true });
  if (ignoreIndex >= 0 && ignoreIndex < numClasses) throw new InvalidArgumentError(`${name}.ignoreIndex`, `a value outside [0, ${numClasses})`, ignoreIndex);
  if (dropInvalidTargets !== undefined && typeof dropInvalidTargets !== 'boolean') throw new InvalidArgumentError(`${name}.dropInvalidTargets`, 'a boolean', dropInvalidTargets);
  const n = numClasses * (numClasses + 1);
  if (!(Array.isArray(counts) || counts instanceof Float64Array) || counts.length !== n) {
    throw new InvalidArgumentError(`${name}.counts`, `${n} counts (K·(K+1) for K = ${numClasses})`, Array.isArray(counts) || ArrayBuffer.isView(counts) ? `${(counts as ArrayLike<unknown>).length} values` : counts);
  }
  const out = Array.from(counts as ArrayLike<unknown>) as number[];
  out.forEach((c, i) => {
    // counts are pixel tallies: a negative, fractional or NaN entry means a corrupted or hand-edited state
    if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 0) throw new InvalidArgumentError(`${name}.counts`, 'non-negative integer counts', c, `at index ${i}`);
  });
  return { numClasses, ignoreIndex, dropInvalidTargets: dropInvalidTargets ?? false, counts: out };
}

/**
 * Streaming K×K confusion matrix with exact counts (float64 totals, exact to 2^53).
 *
 * `update(prediction, target)`: `target` int labels `[N,H,W]` (tensor, `{data, shape}` or integer
 * typed array); `prediction` int labels of the same shape or logits `[N,H,W,K]` (arg-max taken).
 * Targets equal to `ignoreIndex` are dropped; other targets outside `[0,K)` are an error
 * unless `dropInvalidTargets`; predictions outside `[0,K)` count as misses of the GT class.
 *
 * `compute()`: PA = Σdiag/Σ; mPA = nanmean(diag/rowsum); IoU_c = diag/(rowsum + colsum − diag),
 * mIoU = nanmean(IoU) (absent from GT and prediction ⇒ NaN, skipped; predicted but absent
 * from GT ⇒ 0); FWIoU = Σ_{freq>0} freq·IoU_c, freq = rowsum/total; Dice_c = 2·diag/(rowsum + colsum).
 * Matches the FCN `fast_hist` evaluator and sklearn's `confusion_matrix` counts.
 *
 * @example
 * const cm = new ConfusionMatrix(19);
 * cm.update(logits, labels);           // [N,H,W,19] float32, [N,H,W] int32
 * const { meanIoU, iou } = cm.compute();
 */
export class ConfusionMatrix {
  readonly numClasses: number;
  readonly ignoreIndex: number;
  readonly dropInvalidTargets: boolean;
  /** K×(K+1) counts; column K holds predictions outside [0,K) */
  private readonly counts: Float64Array;

  /**
   * @param numClasses K, a positive integer
   * @param options `ignoreIndex` (255; must lie outside [0, K)), `dropInvalidTargets` (false)
   * @throws InvalidArgumentError labelled `ConfusionMatrix: numClasses`, or
   *   `ConfusionMatrix: options.key` for an unknown key (with the valid keys and the nearest
   *   match) or a bad value
   */
  constructor(numClasses: number, options?: ConfusionMatrixOptions) {
    const o = checkOptions('ConfusionMatrix', options, CONFUSION_MATRIX_KEYS);
    assertNumber('ConfusionMatrix: numClasses', numClasses, { min: 1, integer: true });
    const ignoreIndex = o.ignoreIndex ?? 255;
    assertNumber('ConfusionMatrix: options.ignoreIndex', ignoreIndex, { integer: true });
    if (ignoreIndex >= 0 && ignoreIndex < numClasses) throw new InvalidArgumentError('ConfusionMatrix: options.ignoreIndex', `a value outside [0, ${numClasses})`, ignoreIndex);
    const drop = o.dropInvalidTargets ?? false;
    if (typeof drop !== 'boolean') throw new InvalidArgumentError('ConfusionMatrix: options.dropInvalidTargets', 'a boolean', drop);
    this.numClasses = numClasses;
    this.ignoreIndex = ignoreIndex;
    this.dropInvalidTargets = drop;
    this.counts = new Float64Array(numClasses * (numClasses + 1));
  }

  /**
   * Adds a batch; returns the number of pixels counted. Nothing is added if the batch is
   * rejected; an empty batch (N = 0) adds nothing and returns 0.
   *
   * @param prediction int labels of the target's shape, or logits `[…, K]` (arg-max taken)
   * @param target int labels `[N,H,W]` (or any shape)
   * @throws InvalidArgumentError labelled `ConfusionMatrix.update: prediction` for logits whose
   *   channel count is not `numClasses` or that hold NaN/±Inf, `ConfusionMatrix.update: target`
   *   for non-integer labels or labels outside [0, K) other than ignoreIndex (unless
   *   `dropInvalidTargets`), `ConfusionMatrix.update: prediction/target` for a shape mismatch
   */
  update(prediction: LabelInput, target: LabelInput): number {
    const fn = 'ConfusionMatrix.update';
    const t = readTargetLabels(`${fn}: target`, target);
    const p = readPredLabels(`${fn}: prediction`, prediction, t.shape, this.numClasses);
    return this.count(fn, p.data, t.data);
  }

  /**
   * Like {@link ConfusionMatrix.update}, with large uint8 label maps (≥ 2^20 pixels) counted
   * on `workers` threads (default: one per core) over shared memory; smaller or non-uint8
   * inputs are counted in the calling thread. Resolves with the number of pixels counted.
   *
   * @param parallel `workers` (default one per core)
   * @throws InvalidArgumentError (the promise rejects) as {@link ConfusionMatrix.update}, labelled
   *   `ConfusionMatrix.updateParallel: …`, and `ConfusionMatrix.updateParallel: options.key` for
   *   an unknown key or a bad `workers`
   * @example await cm.updateParallel(predictionU8, targetU8);
   */
  async updateParallel(prediction: LabelInput, target: LabelInput, parallel?: ParallelOptions): Promise<number> {
    const fn = 'ConfusionMatrix.updateParallel';
    const workers = resolveWorkers(fn, parallel);
    const t = readTargetLabels(`${fn}: target`, target);
    const p = readPredLabels(`${fn}: prediction`, prediction, t.shape, this.numClasses);
    const u8 = (x: IntTypedArray) => x instanceof Uint8Array || x instanceof Uint8ClampedArray;
    const n = t.data.length;
    const bands = Math.max(1, Math.min(workers, Math.floor(n / (1 << 18))));
    if (!u8(t.data) || !u8(p.data) || n < 1 << 20 || bands < 2) return this.count(fn, p.data, t.data);
    const sp = toShared(p.data, 'u8');
    const st = toShared(t.data, 'u8');
    const k = this.numClasses;
    const jobs = Array.from({ length: bands }, (_, j) => ({
      op: 'cm' as const,
      p: sp,
      t: st,
      start: Math.floor((j * n) / bands),
      end: Math.floor(((j + 1) * n) / bands),
      k,
      ignoreIndex: this.ignoreIndex,
      dropInvalidTargets: this.dropInvalidTargets,
    }));
    const replies = await runMetricJobs(jobs, bands);
    const bad = replies.map((r) => r.bad!).filter((b) => b >= 0);
    if (bad.length) {
      const i = Math.min(...bad);
      throw new InvalidArgumentError(`${fn}: target`, `labels in [0, ${k}) or ignoreIndex ${this.ignoreIndex}`, t.data[i], `at index ${i}; pass dropInvalidTargets: true to drop such pixels`);
    }
    let counted = 0;
    for (const r of replies) {
      const c = r.counts!;
      for (let i = 0; i < c.length; i++) {
        this.counts[i]! += c[i]!;
        counted += c[i]!;
      }
    }
    return counted;
  }

  /**
   * Adds host label arrays of equal length (fast path, no shape handling); returns the number
   * of pixels counted.
   *
   * @throws InvalidArgumentError labelled `ConfusionMatrix.updateArrays: prediction/target` for
   *   arrays of different lengths, `…: target` for labels outside [0, K) other than ignoreIndex
   * @example cm.updateArrays(new Uint8Array([0, 1]), new Uint8Array([0, 2]))
   */
  updateArrays(prediction: IntTypedArray, target: IntTypedArray): number {
    return this.count('ConfusionMatrix.updateArrays', prediction, target);
  }

  /** {@link ConfusionMatrix.updateArrays} reporting errors as `fn`. */
  private count(fn: string, prediction: IntTypedArray, target: IntTypedArray): number {
    if (prediction.length !== target.length) throw new InvalidArgumentError(`${fn}: prediction/target`, 'arrays of equal length', `${prediction.length} and ${target.length}`);
    const k = this.numClasses;
    const w = k + 1;
    const local = new Uint32Array(k * w);
    const pending = new Float64Array(k * w);
    let counted = 0;
    for (let start = 0; start < target.length; start += CHUNK) {
      const end = Math.min(target.length, start + CHUNK);
      const u8 = (target instanceof Uint8Array || target instanceof Uint8ClampedArray) && (prediction instanceof Uint8Array || prediction instanceof Uint8ClampedArray);
      const bad = u8
        ? countConfusionU8(local, prediction as Uint8Array, target as Uint8Array, start, end, k, this.ignoreIndex, this.dropInvalidTargets)
        : this.countGeneric(local, prediction, target, start, end);
      if (bad >= 0) {
        throw new InvalidArgumentError(`${fn}: target`, `labels in [0, ${k}) or ignoreIndex ${this.ignoreIndex}`, target[bad], `at index ${bad}; pass dropInvalidTargets: true to drop such pixels`);
      }
      for (let i = 0; i < local.length; i++) {
        pending[i]! += local[i]!;
        counted += local[i]!;
      }
      local.fill(0);
    }
    for (let i = 0; i < pending.length; i++) this.counts[i]! += pending[i]!;
    return counted;
  }

  private countGeneric(local: Uint32Array, p: IntTypedArray, t: IntTypedArray, start: number, end: number): number {
    const k = this.numClasses;
    const w = k + 1;
    const ignore = this.ignoreIndex;
    const drop = this.dropInvalidTargets;
    for (let i = start; i < end; i++) {
      const tv = t[i]!;
      if (tv >= 0 && tv < k) {
        const pv = p[i]!;
        local[tv * w + (pv >= 0 && pv < k ? pv : k)]!++;
      } else if (tv !== ignore && !drop) return i;
    }
    return -1;
  }

  /** The K×K counts (rows = GT, columns = prediction). */
  get matrix(): number[][] {
    const k = this.numClasses;
    return Array.from({ length: k }, (_, r) => Array.from(this.counts.subarray(r * (k + 1), r * (k + 1) + k)));
  }

  /** PA, mPA, mIoU, FWIoU and per-class IoU / accuracy / Dice from the counts so far. */
  compute(): ConfusionMetrics {
    const k = this.numClasses;
    const w = k + 1;
    const c = this.counts;
    const rows = new Float64Array(k);
    const cols = new Float64Array(k);
    const diag = new Float64Array(k);
    const oor: number[] = [];
    let total = 0;
    for (let r = 0; r < k; r++) {
      for (let j = 0; j < w; j++) {
        const v = c[r * w + j]!;
        rows[r]! += v;
        if (j < k) cols[j]! += v;
      }
      diag[r] = c[r * w + r]!;
      oor.push(c[r * w + k]!);
      total += rows[r]!;
    }
    const iou: number[] = [];
    const accuracy: number[] = [];
    const dice: number[] = [];
    let sumDiag = 0;
    let fw = 0;
    for (let r = 0; r < k; r++) {
      const d = diag[r]!;
      sumDiag += d;
      const union = rows[r]! + cols[r]! - d;
      iou.push(union > 0 ? d / union : NaN);
      accuracy.push(rows[r]! > 0 ? d / rows[r]! : NaN);
      dice.push(rows[r]! + cols[r]! > 0 ? (2 * d) / (rows[r]! + cols[r]!) : NaN);
      if (rows[r]! > 0) fw += (rows[r]! / total) * iou[r]!;
    }
    return {
      pixelAccuracy: total > 0 ? sumDiag / total : NaN,
      meanAccuracy: nanmean(accuracy),
      meanIoU: nanmean(iou),
      fwIoU: total > 0 ? fw : NaN,
      iou,
      accuracy,
      dice,
      matrix: this.matrix,
      outOfRangePredictions: oor,
      total,
    };
  }

  /**
   * Adds the counts of another matrix with the same K and ignoreIndex (e.g. a worker's partial
   * result): a `ConfusionMatrix`, its `toJSON()` state, or a structured clone of either. The
   * state is validated (non-negative integer counts) before anything is added.
   *
   * @throws InvalidArgumentError labelled `ConfusionMatrix.merge: other.<field>` for a different
   *   K / ignoreIndex or an invalid state
   */
  merge(other: ConfusionMatrix | ConfusionMatrixState): this {
    const name = 'ConfusionMatrix.merge: other';
    const o = other instanceof ConfusionMatrix ? other.toJSON() : readConfusionState(other, name);
    if (o.numClasses !== this.numClasses) throw new InvalidArgumentError(`${name}.numClasses`, `${this.numClasses}`, o.numClasses);
    if (o.ignoreIndex !== this.ignoreIndex) throw new InvalidArgumentError(`${name}.ignoreIndex`, `${this.ignoreIndex}`, o.ignoreIndex);
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += o.counts[i]!;
    return this;
  }

  /** Serialisable state (structured-clone / JSON safe). */
  toJSON(): ConfusionMatrixState {
    return { numClasses: this.numClasses, ignoreIndex: this.ignoreIndex, dropInvalidTargets: this.dropInvalidTargets, counts: Array.from(this.counts) };
  }

  /**
   * Rebuilds a matrix from {@link ConfusionMatrix.toJSON} output (or a structured clone).
   *
   * @throws InvalidArgumentError labelled `ConfusionMatrix.fromJSON: state.<field>`: numClasses a
   *   positive integer, ignoreIndex an integer outside [0, K), K·(K+1) non-negative integer counts
   */
  static fromJSON(state: ConfusionMatrixState): ConfusionMatrix {
    const s = readConfusionState(state, 'ConfusionMatrix.fromJSON: state');
    const cm = new ConfusionMatrix(s.numClasses, { ignoreIndex: s.ignoreIndex, dropInvalidTargets: s.dropInvalidTargets });
    return cm.merge(s);
  }

  /** Zeroes the counts. */
  reset(): void {
    this.counts.fill(0);
  }
}
