/**
 * The work of `segaware eval` on a list of file pairs, shared by the main thread and the
 * worker threads: decode, accumulate, return a serialisable partial result.
 */
import { CityscapesEvaluator } from '../metrics/cityscapes_evaluator.js';
import type { CityscapesEvaluatorState } from '../metrics/cityscapes_evaluator.js';
import { ConfusionMatrix } from '../metrics/confusion_matrix.js';
import type { ConfusionMatrixState } from '../metrics/confusion_matrix.js';
import { PsnrMetric } from '../metrics/psnr_metric.js';
import { ssimHost } from '../metrics/ssim/host.js';
import { InvalidArgumentError } from '../errors.js';
import { labelIdToTrainId } from '../data/cityscapes_labels.js';
import { decodeImage } from './decode_image.js';

/** One prediction / ground-truth pair (plus the instance map for Cityscapes). */
export interface EvalPair {
  name: string;
  pred: string;
  gt: string;
  instances?: string;
}

/** A chunk of work. */
export type EvalTask =
  | {
      kind: 'seg';
      pairs: EvalPair[];
      cityscapes: boolean;
      classes: number;
      ignoreIndex: number;
      /** sides whose files hold Cityscapes labelIds, mapped to trainIds before counting (not with `cityscapes`) */
      labelIds?: { pred: boolean; gt: boolean };
      /** `--drop-invalid`: ConfusionMatrix `dropInvalidTargets` */
      dropInvalidTargets?: boolean;
      /** also score each image on its own */
      perImage?: boolean;
      maxPixels?: number;
    }
  | { kind: 'img'; pairs: EvalPair[]; dataRange?: number; maxPixels?: number };

/** One image's segmentation scores (`--per-image`). */
export interface SegImageScores {
  name: string;
  /** PA of this image (NaN when no pixel has a valid target) */
  pixelAccuracy: number;
  /** nanmean of this image's per-class IoU (classes absent from target and prediction skipped) */
  meanIoU: number;
  /** pixels counted (valid target) */
  pixels: number;
  /** per-class IoU (NaN: class absent from target and prediction) */
  iou: number[];
}

/** Partial result of a chunk. */
export type EvalPartial =
  | { kind: 'seg'; confusion?: ConfusionMatrixState; cityscapes?: CityscapesEvaluatorState; images?: SegImageScores[] }
  | { kind: 'img'; images: { name: string; psnr: number; ssim: number }[]; dataRange: number };

/** Per-image scores from one image's confusion matrix. */
function scoresOf(name: string, cm: ConfusionMatrix): SegImageScores {
  const r = cm.compute();
  return { name, pixelAccuracy: r.pixelAccuracy, meanIoU: r.meanIoU, pixels: r.total, iou: r.iou };
}

/** Runs a task; `tick` is called after each pair. */
export async function runEvalTask(task: EvalTask, tick: () => void): Promise<EvalPartial> {
  if (task.kind === 'seg') {
    const cmOptions = { ignoreIndex: task.ignoreIndex, dropInvalidTargets: task.dropInvalidTargets ?? false };
    const cm = task.cityscapes ? null : new ConfusionMatrix(task.classes, cmOptions);
    const cs = task.cityscapes ? new CityscapesEvaluator() : null;
    const images: SegImageScores[] = [];
    for (const pair of task.pairs) {
      const [p, g] = await Promise.all([decodeImage(pair.pred, 'label', task.maxPixels), decodeImage(pair.gt, 'label', task.maxPixels)]);
      if (p.width !== g.width || p.height !== g.height) {
        throw new InvalidArgumentError(`pred ${pair.pred}`, `the size of ${pair.gt} (${g.width}×${g.height})`, `${p.width}×${p.height}`);
      }
      try {
        if (cs) {
          const inst = pair.instances ? (await decodeImage(pair.instances, 'label', task.maxPixels)).data : undefined;
          cs.update(p.data, g.data, inst);
          if (task.perImage) {
            // the benchmark reads labelIds; the per-image table scores the 19 train classes
            const one = new ConfusionMatrix(19, { ignoreIndex: 255 });
            one.updateArrays(labelIdToTrainId(p.data), labelIdToTrainId(g.data));
            images.push(scoresOf(pair.name, one));
          }
        } else {
          const pred = task.labelIds?.pred ? labelIdToTrainId(p.data) : p.data;
          const gt = task.labelIds?.gt ? labelIdToTrainId(g.data) : g.data;
          if (task.perImage) {
            // one small matrix per image, then merged: the pixels are counted once
            const one = new ConfusionMatrix(task.classes, cmOptions);
            one.updateArrays(pred, gt);
            images.push(scoresOf(pair.name, one));
            cm!.merge(one);
          } else cm!.updateArrays(pred, gt);
        }
      } catch (err) {
        const e = err as Error;
        // the library names its option; a CLI user needs the flags that set it
        e.message = e.message.replace('pass dropInvalidTargets: true to drop such pixels', 'pass --drop-invalid to drop such pixels, or --label-ids if the files hold Cityscapes labelIds');
        e.message += ` [${pair.pred} vs ${pair.gt}]`;
        throw e;
      }
      tick();
    }
    return { kind: 'seg', confusion: cm?.toJSON(), cityscapes: cs?.toJSON(), images: task.perImage ? images : undefined };
  }
  const images: { name: string; psnr: number; ssim: number }[] = [];
  let range = task.dataRange;
  for (const pair of task.pairs) {
    const [p, g] = await Promise.all([decodeImage(pair.pred, 'image', task.maxPixels), decodeImage(pair.gt, 'image', task.maxPixels)]);
    if (p.width !== g.width || p.height !== g.height || p.channels !== g.channels) {
      throw new InvalidArgumentError(`pred ${pair.pred}`, `the size of ${pair.gt} (${g.width}×${g.height}×${g.channels})`, `${p.width}×${p.height}×${p.channels}`);
    }
    range ??= g.maxValue;
    const shape = [g.height, g.width, g.channels];
    const psnr = new PsnrMetric({ dataRange: range }).update({ data: p.data, shape }, { data: g.data, shape })[0]!;
    const ssim = ssimHost({ data: p.data, shape }, { data: g.data, shape }, { dataRange: range })[0]!;
    images.push({ name: pair.name, psnr, ssim });
    tick();
  }
  return { kind: 'img', images, dataRange: range ?? 255 };
}
