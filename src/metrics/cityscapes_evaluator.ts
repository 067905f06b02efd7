/**
 * The Cityscapes pixel-level semantic labelling benchmark
 * (cityscapesScripts `evalPixelLevelSemanticLabeling`): IoU and iIoU on classes and categories.
 */
import { CITYSCAPES_CLASSES, CITYSCAPES_TRAIN_CLASSES } from '../data/cityscapes_labels.js';
import { InvalidArgumentError } from '../errors.js';
import { CITYSCAPES_AVG_CLASS_SIZE } from './cityscapes_avg_class_size.js';
import { readPredLabels, readTargetLabels } from './label_input.js';
import type { IntTypedArray, LabelInput } from './label_input.js';

/** Number of label ids in the confusion matrix (0..33, as `maxId + 1` in the script). */
const NL = 34;
const byId = new Map(CITYSCAPES_CLASSES.filter((c) => c.id >= 0).map((c) => [c.id, c]));
const ignored = Array.from({ length: NL }, (_, id) => byId.get(id)!.ignoreInEval);
const categoryOf = Array.from({ length: NL }, (_, id) => byId.get(id)!.category);
/** Categories whose labels (id ≥ 0) all have instances: human and vehicle. */
const INSTANCE_CATEGORIES: string[] = [...new Set(categoryOf)].filter((cat) =>
  CITYSCAPES_CLASSES.filter((c) => c.category === cat && c.id >= 0).every((c) => c.hasInstances),
);
/** Instance classes evaluated (hasInstances and not ignored): the 8 of the benchmark. */
const INSTANCE_CLASSES: string[] = CITYSCAPES_CLASSES.filter((c) => c.hasInstances && !c.ignoreInEval).map((c) => c.name);
/**
 * The 7 evaluated Cityscapes categories in table order.
 *
 * @example CITYSCAPES_CATEGORIES.indexOf('vehicle') // 6
 */
export const CITYSCAPES_CATEGORIES: readonly string[] = Object.freeze(['flat', 'construction', 'object', 'nature', 'sky', 'human', 'vehicle']);
/** For each labelId, 1 + index in INSTANCE_CATEGORIES (0 = none). */
const instCatOf = new Int32Array(NL).map((_, id) => INSTANCE_CATEGORIES.indexOf(categoryOf[id]!) + 1);

/** Results of {@link CityscapesEvaluator.compute}; scores are in [0,1], NaN where undefined. */
export interface CityscapesResult {
  /** IoU-class: mean over the 19 classes with a defined IoU */
  iouClass: number;
  /** iIoU-class: mean over the 8 instance classes with a defined iIoU */
  iiouClass: number;
  /** IoU-category: mean over the 7 categories */
  iouCategory: number;
  /** iIoU-category: mean over human and vehicle */
  iiouCategory: number;
  /** per class (19 train classes by name) */
  classIou: Record<string, number>;
  /** per instance class (8 names) */
  classInstIou: Record<string, number>;
  /** per category (7 names) */
  categoryIou: Record<string, number>;
  /** per instance category (human, vehicle) */
  categoryInstIou: Record<string, number>;
  /** 34×34 labelId confusion matrix (rows = ground truth) */
  matrix: number[][];
  /** pixels evaluated */
  pixels: number;
}

/** Serialisable state of a {@link CityscapesEvaluator}. */
export interface CityscapesEvaluatorState {
  counts: number[];
  /** per instance class name: [tpWeighted, fnWeighted, tp, fn] */
  classes: Record<string, [number, number, number, number]>;
  /** per instance category: [tpWeighted, fnWeighted, tp, fn] */
  categories: Record<string, [number, number, number, number]>;
}

type Stats4 = [number, number, number, number];

/** Validates one `{ name: [tpWeighted, fnWeighted, tp, fn] }` record against the allowed names. */
function readStats(x: unknown, name: string, allowed: readonly string[]): Record<string, Stats4> {
  if (x == null || typeof x !== 'object' || Array.isArray(x)) throw new InvalidArgumentError(name, `an object keyed by ${allowed.join(', ')}`, x);
  const out: Record<string, Stats4> = {};
  for (const [key, v] of Object.entries(x as Record<string, unknown>)) {
    if (!allowed.includes(key)) throw new InvalidArgumentError(`${name}.${key}`, `one of ${allowed.join(', ')}`, key);
    const ok =
      Array.isArray(v) && v.length === 4 &&
      v.every((e, j) => typeof e === 'number' && Number.isFinite(e) && e >= 0 && (j < 2 || Number.isSafeInteger(e)));
    if (!ok) throw new InvalidArgumentError(`${name}.${key}`, '[tpWeighted, fnWeighted, tp, fn]: finite, ≥ 0, tp and fn integers', v);
    out[key] = [...(v as Stats4)];
  }
  return out;
}

/** Validates a serialised evaluator (a state, or a structured clone of an evaluator: same fields). */
function readCityscapesState(x: unknown, name: string): CityscapesEvaluatorState {
  if (x == null || typeof x !== 'object') throw new InvalidArgumentError(name, 'a CityscapesEvaluator state { counts, classes, categories }', x);
  const { counts, classes, categories } = x as Record<string, unknown>;
  if (!(Array.isArray(counts) || counts instanceof Float64Array) || counts.length !== NL * NL) {
    throw new InvalidArgumentError(`${name}.counts`, `${NL * NL} counts (the 34×34 labelId matrix)`, Array.isArray(counts) || ArrayBuffer.isView(counts) ? `${(counts as ArrayLike<unknown>).length} values` : counts);
  }
  const c = Array.from(counts as ArrayLike<unknown>) as number[];
  c.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InvalidArgumentError(`${name}.counts`, 'non-negative integer counts', v, `at index ${i}`);
  });
  return { counts: c, classes: readStats(classes, `${name}.classes`, INSTANCE_CLASSES), categories: readStats(categories, `${name}.categories`, INSTANCE_CATEGORIES) };
}

/**
 * Accumulates the official Cityscapes benchmark from labelId predictions, labelId
 * ground truth and (for iIoU) instanceId ground truth (`labelId·1000 + k`; ids ≤ 1000
 * are not instances). Evaluation runs on labelIds (34×34 confusion matrix):
 *
 * - IoU_c = TP / (TP + FP + FN); FN = row sum − TP (predicting an ignored label is a
 *   miss); FP counts only pixels whose GT label is evaluated (void / ignored GT never count).
 * - iIoU_c: TP and FN of every GT instance weighted by `avgClassSize[c] / instanceSize`
 *   ({@link CITYSCAPES_AVG_CLASS_SIZE}), FP unweighted; for the 8 instance classes.
 * - categories (flat, construction, object, nature, sky, human, vehicle): the same on
 *   the union of their evaluated labels; iIoU-category for human and vehicle.
 * - averages over the non-NaN entries (a class absent from GT and prediction is NaN and
 *   skipped; predicted but absent from GT gives 0).
 *
 * Prediction and GT labelIds must lie in [0, 33]; convert trainId predictions with
 * `trainIdToLabelId` first.
 *
 * @example
 * const ev = new CityscapesEvaluator();
 * ev.update(predictionLabelIds, targetLabelIds, targetInstanceIds);   // [H,W] or [N,H,W]
 * const { iouClass, iiouClass, iouCategory, iiouCategory } = ev.compute();
 */
export class CityscapesEvaluator {
  private readonly counts = new Float64Array(NL * NL);
  private classes: Record<string, [number, number, number, number]> = {};
  private categories: Record<string, [number, number, number, number]> = {};
  private readonly instSize = new Int32Array(NL * 1000);
  private readonly instTp = new Int32Array(NL * 1000);
  private readonly instCatTp = new Int32Array(NL * 1000);

  constructor() {
    this.reset();
  }

  /**
   * Adds image(s): `prediction` and `target` labelIds, `targetInstances` instanceIds, all of
   * one shape (`[H,W]` one image, `[N,H,W]` a batch; typed arrays, `{data, shape}` or int32
   * tensors). Without `targetInstances` only the IoU scores are accumulated. An empty batch
   * adds nothing.
   *
   * @param prediction predicted labelIds (or logits with 34 channels, one per labelId)
   * @param target ground-truth labelIds (`*_gtFine_labelIds.png`)
   * @param targetInstances ground-truth instanceIds (`*_gtFine_instanceIds.png`), for iIoU
   * @throws InvalidArgumentError labelled `CityscapesEvaluator.update: prediction` for logits with
   *   other than 34 channels (arg-maxing 19 trainId channels would read trainIds as labelIds),
   *   NaN/±Inf logits or ids outside [0, 33]; `…: target` / `…: targetInstances` for invalid ids
   */
  update(prediction: LabelInput, target: LabelInput, targetInstances?: LabelInput): void {
    const fn = 'CityscapesEvaluator.update';
    const g = readTargetLabels(`${fn}: target`, target);
    const p = readPredLabels(`${fn}: prediction`, prediction, g.shape, NL);
    let inst: IntTypedArray | undefined;
    if (targetInstances !== undefined) {
      const i = readTargetLabels(`${fn}: targetInstances`, targetInstances);
      if (i.data.length !== g.data.length) throw new InvalidArgumentError(`${fn}: targetInstances/target`, 'the same number of pixels', `${i.data.length} and ${g.data.length}`);
      inst = i.data;
      for (let j = 0; j < inst.length; j++) {
        const id = inst[j]!;
        if (!(id < NL * 1000)) throw new InvalidArgumentError(`${fn}: targetInstances`, 'instance ids labelId·1000 + k with labelId ≤ 33', id, `at index ${j}`);
      }
    }
    const n = g.shape.length === 3 ? g.shape[0]! : 1;
    const per = g.data.length / Math.max(n, 1);
    const local = new Uint32Array(NL * NL);
    const pd = p.data;
    const gd = g.data;
    for (let i = 0; i < gd.length; i++) {
      const gv = gd[i]!;
      const pv = pd[i]!;
      if (!(gv >= 0 && gv < NL)) throw new InvalidArgumentError(`${fn}: target`, 'Cityscapes labelIds in [0, 33]', gv, `at index ${i}`);
      if (!(pv >= 0 && pv < NL)) throw new InvalidArgumentError(`${fn}: prediction`, 'Cityscapes labelIds in [0, 33]', pv, `at index ${i}; convert trainIds with trainIdToLabelId`);
      local[gv * NL + pv]!++;
    }
    if (inst) for (let b = 0; b < n; b++) this.addInstances(pd, inst, b * per, (b + 1) * per);
    for (let i = 0; i < local.length; i++) this.counts[i]! += local[i]!;
  }

  /** Instance statistics of one image (pixels [start, end)). */
  private addInstances(prediction: IntTypedArray, inst: IntTypedArray, start: number, end: number): void {
    const touched: number[] = [];
    const { instSize, instTp, instCatTp } = this;
    for (let i = start; i < end; i++) {
      const id = inst[i]!;
      if (id <= 1000) continue;
      const label = (id / 1000) | 0;
      if (instSize[id] === 0) touched.push(id);
      instSize[id]!++;
      const pv = prediction[i]!;
      if (pv === label) instTp[id]!++;
      const cat = instCatOf[label]!;
      if (cat !== 0 && instCatOf[pv] === cat) instCatTp[id]!++;
    }
    for (const id of touched) {
      const label = (id / 1000) | 0;
      const info = byId.get(label)!;
      const size = instSize[id]!;
      const tp = instTp[id]!;
      const catTp = instCatTp[id]!;
      instSize[id] = 0;
      instTp[id] = 0;
      instCatTp[id] = 0;
      if (info.ignoreInEval || !info.hasInstances) continue;
      const weight = CITYSCAPES_AVG_CLASS_SIZE[info.name]! / size;
      const cs = this.classes[info.name]!;
      cs[0] += tp * weight;
      cs[1] += (size - tp) * weight;
      cs[2] += tp;
      cs[3] += size - tp;
      const cat = this.categories[info.category];
      if (cat) {
        cat[0] += catTp * weight;
        cat[1] += (size - catTp) * weight;
        cat[2] += catTp;
        cat[3] += size - catTp;
      }
    }
  }

  /** Σ counts[r][c] over rows `rows` and columns `cols`. */
  private sum(rows: number[], cols: number[]): number {
    let s = 0;
    for (const r of rows) for (const c of cols) s += this.counts[r * NL + c]!;
    return s;
  }

  /** The four benchmark averages and the per-class / per-category scores. */
  compute(): CityscapesResult {
    const all = Array.from({ length: NL }, (_, i) => i);
    const notIgnored = all.filter((l) => !ignored[l]);
    const score = (tp: number, fp: number, fn: number) => (tp + fp + fn === 0 ? NaN : tp / (tp + fp + fn));
    const classIou: Record<string, number> = {};
    const classInstIou: Record<string, number> = {};
    for (const c of CITYSCAPES_TRAIN_CLASSES) {
      const l = c.id;
      const tp = this.counts[l * NL + l]!;
      const fn = this.sum([l], all) - tp;
      const fp = this.sum(notIgnored.filter((r) => r !== l), [l]);
      classIou[c.name] = score(tp, fp, fn);
      const st = this.classes[c.name];
      if (st) classInstIou[c.name] = score(st[0], fp, st[1]);
    }
    const categoryIou: Record<string, number> = {};
    const categoryInstIou: Record<string, number> = {};
    for (const cat of CITYSCAPES_CATEGORIES) {
      const ids = notIgnored.filter((l) => categoryOf[l] === cat);
      const fpRows = notIgnored.filter((l) => categoryOf[l] !== cat);
      if (ids.length === 0) categoryIou[cat] = NaN;
      else {
        const tp = this.sum(ids, ids);
        const fn = this.sum(ids, all) - tp;
        categoryIou[cat] = score(tp, this.sum(fpRows, ids), fn);
      }
      const st = this.categories[cat];
      if (st) {
        const allIds = all.filter((l) => categoryOf[l] === cat);
        categoryInstIou[cat] = score(st[0], this.sum(fpRows, allIds), st[1]);
      }
    }
    const avg = (r: Record<string, number>) => {
      const v = Object.values(r).filter((x) => !Number.isNaN(x));
      return v.length === 0 ? NaN : v.reduce((a, b) => a + b, 0) / v.length;
    };
    const matrix = Array.from({ length: NL }, (_, r) => Array.from(this.counts.subarray(r * NL, (r + 1) * NL)));
    return {
      iouClass: avg(classIou),
      iiouClass: avg(classInstIou),
      iouCategory: avg(categoryIou),
      iiouCategory: avg(categoryInstIou),
      classIou,
      classInstIou,
      categoryIou,
      categoryInstIou,
      matrix,
      pixels: this.counts.reduce((a, b) => a + b, 0),
    };
  }

  /** Serialisable state (for worker threads). */
  toJSON(): CityscapesEvaluatorState {
    const copy = (r: Record<string, [number, number, number, number]>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, [...v] as [number, number, number, number]]));
    return { counts: Array.from(this.counts), classes: copy(this.classes), categories: copy(this.categories) };
  }

  /**
   * Adds another evaluator's statistics: a `CityscapesEvaluator`, its `toJSON()` state, or a
   * structured clone of either (a worker's `postMessage`). The state is validated before
   * anything is added.
   *
   * @throws InvalidArgumentError labelled `CityscapesEvaluator.merge: other.<field>`: 34·34
   *   non-negative integer counts; instance statistics only for the 8 instance classes / 2
   *   categories, each `[tpWeighted, fnWeighted, tp, fn]` finite and ≥ 0 with integer tp, fn
   */
  merge(other: CityscapesEvaluator | CityscapesEvaluatorState): this {
    const o = other instanceof CityscapesEvaluator ? other.toJSON() : readCityscapesState(other, 'CityscapesEvaluator.merge: other');
    for (let i = 0; i < o.counts.length; i++) this.counts[i]! += o.counts[i]!;
    for (const [name, v] of Object.entries(o.classes)) {
      const t = this.classes[name]!;
      for (let j = 0; j < 4; j++) t[j]! += v[j]!;
    }
    for (const [name, v] of Object.entries(o.categories)) {
      const t = this.categories[name]!;
      for (let j = 0; j < 4; j++) t[j]! += v[j]!;
    }
    return this;
  }

  /** Forgets everything. */
  reset(): void {
    this.counts.fill(0);
    this.classes = Object.fromEntries(INSTANCE_CLASSES.map((n) => [n, [0, 0, 0, 0]]));
    this.categories = Object.fromEntries(INSTANCE_CATEGORIES.map((n) => [n, [0, 0, 0, 0]]));
  }

  /**
   * Rebuilds an evaluator from {@link CityscapesEvaluator.toJSON} output (or a structured clone).
   *
   * @throws InvalidArgumentError labelled `CityscapesEvaluator.fromJSON: state.<field>` for an
   *   invalid state (see {@link CityscapesEvaluator.merge})
   */
  static fromJSON(state: CityscapesEvaluatorState): CityscapesEvaluator {
    return new CityscapesEvaluator().merge(readCityscapesState(state, 'CityscapesEvaluator.fromJSON: state'));
  }
}
