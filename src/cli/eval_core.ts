/**
 * The work of `segaware eval` on a list of file pairs, shared by the main thread and the
 * worker threads: decode, accumulate, return a serialisable partial result.
 */
import { CityscapesEvaluator } from '../metrics/cityscapes_evaluator.js';
import type { CityscapesEvaluatorState } from '../metrics/cityscapes_evaluator.js';
import { ConfusionMatrix } from '../metrics/confusion_matrix.js';
import type { ConfusionMatrixState } from '../metrics/confusion_matrix.js';
import { PsnrMetric } from '../metrics/psnr_metric.js';
import { ssimHost } from '../metrics/ssim_host.js';
import { InvalidArgumentError } from '../errors.js';
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
  | { kind: 'seg'; pairs: EvalPair[]; cityscapes: boolean; classes: number; ignoreIndex: number; maxPixels?: number }
  | { kind: 'img'; pairs: EvalPair[]; dataRange?: number; maxPixels?: number };

/** Partial result of a chunk. */
export type EvalPartial =
  | { kind: 'seg'; confusion?: ConfusionMatrixState; cityscapes?: CityscapesEvaluatorState }
  | { kind: 'img'; images: { name: string; psnr: number; ssim: number }[]; dataRange: number };

/** Runs a task; `tick` is called after each pair. */
export async function runEvalTask(task: EvalTask, tick: () => void): Promise<EvalPartial> {
  if (task.kind === 'seg') {
    const cm = task.cityscapes ? null : new ConfusionMatrix(task.classes, { ignoreIndex: task.ignoreIndex });
    const cs = task.cityscapes ? new CityscapesEvaluator() : null;
    for (const pair of task.pairs) {
      const [p, g] = await Promise.all([decodeImage(pair.pred, 'label', task.maxPixels), decodeImage(pair.gt, 'label', task.maxPixels)]);
      if (p.width !== g.width || p.height !== g.height) {
        throw new InvalidArgumentError(`pred ${pair.pred}`, `the size of ${pair.gt} (${g.width}×${g.height})`, `${p.width}×${p.height}`);
      }
      try {
        if (cs) {
          const inst = pair.instances ? (await decodeImage(pair.instances, 'label', task.maxPixels)).data : undefined;
          cs.update(p.data, g.data, inst);
        } else cm!.updateArrays(p.data, g.data);
      } catch (err) {
        (err as Error).message += ` [${pair.pred} vs ${pair.gt}]`;
        throw err;
      }
      tick();
    }
    return { kind: 'seg', confusion: cm?.toJSON(), cityscapes: cs?.toJSON() };
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
