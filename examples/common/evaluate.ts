/**
 * Held-out evaluation shared by the examples: for each named way of producing
 * an image from a test batch (the degraded input, a restorer's output, the
 * clear image), restoration metrics against the clear image and the frozen
 * segmenter's scores on it — one row of the papers' tables per column.
 */
import {
  CityscapesEvaluator,
  ConfusionMatrix,
  PsnrMetric,
  SsimMetric,
  disposeBatch,
  tf,
  trainIdToLabelId,
  type Batch,
  type Dataset,
} from '../../src/index.js';
import type { Tensor, Tensor4D, tfl } from '../../src/tf.js';
import { hostImage, hostLabels } from './host.js';

/** A test batch as rows see it: `image` always, the other fields when the test set has them. */
export type EvalBatch = Batch<'image'> & Partial<Batch<'clear' | 'labels' | 'instances'>>;

/** Turns a test batch into the image a row is about, in [-1, 1] (caller-owned tensors are disposed by the evaluator). */
export type RowImage = (batch: EvalBatch) => Tensor4D;

export interface EvaluateOptions {
  test: Dataset;
  /** rows, in table order: name → image producer */
  rows: Record<string, RowImage>;
  /** frozen segmenter (logits or probabilities `[N,H,W,K]` from `[-1,1]` images); omit for restoration only */
  segmenter?: tfl.LayersModel;
  numClasses?: number;
  /** field with the restoration target (default 'clear'; rows are not compared when the batch lacks it) */
  targetField?: string;
  /** report the Cityscapes four (needs `instances` in the samples) */
  cityscapes?: boolean;
  batchSize?: number;
  resize?: [number, number];
  /** called with each batch and the rows' images (e.g. to keep a few for a sample grid); tensors are disposed afterwards */
  onBatch?: (batch: EvalBatch, images: Record<string, Tensor4D>, index: number) => void | Promise<void>;
}

/** One row of scores; NaN where not measured. */
export interface RowScores {
  psnr: number;
  ssim: number;
  pixelAccuracy: number;
  meanAccuracy: number;
  meanIoU: number;
  fwIoU: number;
  /** Cityscapes IoU-class, iIoU-class, IoU-category, iIoU-category */
  iouClass: number;
  iiouClass: number;
  iouCategory: number;
  iiouCategory: number;
  /** per-class IoU */
  iou: number[];
}

/** GT labelIds from Cityscapes instance ids (`labelId·1000 + k`, or the labelId). */
function labelIdsFromInstances(instances: Tensor): Tensor {
  return tf.tidy(() => tf.where(tf.greaterEqual(instances, 1000), tf.floorDiv(instances, tf.scalar(1000, 'int32')), instances));
}

export async function evaluateRows(o: EvaluateOptions): Promise<Record<string, RowScores>> {
  const names = Object.keys(o.rows);
  const k = o.numClasses ?? 19;
  const target = o.targetField ?? 'clear';
  const acc = names.map(() => ({
    psnr: new PsnrMetric({ dataRange: 2 }),
    ssim: new SsimMetric({ dataRange: 2 }),
    cm: new ConfusionMatrix(k),
    cs: new CityscapesEvaluator(),
    compared: false,
  }));
  let index = 0;
  for await (const batch of o.test.batches({ batchSize: o.batchSize ?? 4, resize: o.resize, prefetch: 1 })) {
    const images: Record<string, Tensor4D> = {};
    try {
      // the test set's fields are only known at run time: rows get the typed view
      const view = batch as unknown as EvalBatch;
      for (const name of names) images[name] = o.rows[name]!(view);
      const clear = batch[target] as Tensor4D | undefined;
      const labels = view.labels;
      const instances = view.instances;
      const gtLabelIds = o.cityscapes && instances ? labelIdsFromInstances(instances) : null;
      // every value the metrics need is read with `await data()` and passed as host arrays: a
      // GPU backend has no synchronous read in Node, and the host metrics give the same numbers
      const clearHost = clear ? await hostImage(clear) : null;
      const labelsHost = o.segmenter && labels ? await hostLabels(labels) : null;
      const gtHost = gtLabelIds ? await hostLabels(gtLabelIds) : null;
      const instancesHost = gtLabelIds ? await hostLabels(instances!) : null;
      for (let r = 0; r < names.length; r++) {
        const a = acc[r]!;
        const img = images[names[r]!]!;
        if (clearHost) {
          // clamp: generator outputs are tanh but a metric must not reward out-of-range values
          const c = tf.tidy(() => tf.clipByValue(img, -1, 1));
          const cHost = await hostImage(c);
          c.dispose();
          a.psnr.update(cHost, clearHost);
          a.ssim.update(cHost, clearHost);
          a.compared = true;
        }
        if (o.segmenter && labelsHost) {
          const pred = tf.tidy(() => tf.argMax(o.segmenter!.predict(img) as Tensor, -1));
          const predHost = await hostLabels(pred);
          pred.dispose();
          a.cm.update(predHost, labelsHost);
          if (gtHost) a.cs.update({ data: trainIdToLabelId(predHost.data), shape: predHost.shape }, gtHost, instancesHost!);
        }
      }
      gtLabelIds?.dispose();
      if (o.onBatch) await o.onBatch(view, images, index);
    } finally {
      // rows may return the batch's own tensors (e.g. the hazy input): dispose each tensor once
      const own = new Set(Object.values(batch).filter((v) => v instanceof tf.Tensor));
      for (const t of Object.values(images)) if (!own.has(t)) t.dispose();
      disposeBatch(batch);
    }
    index++;
  }
  const out: Record<string, RowScores> = {};
  names.forEach((name, r) => {
    const a = acc[r]!;
    const seg = o.segmenter ? a.cm.compute() : null;
    const cs = o.segmenter && o.cityscapes ? a.cs.compute() : null;
    out[name] = {
      psnr: a.compared ? a.psnr.compute().mean : NaN,
      ssim: a.compared ? a.ssim.compute().mean : NaN,
      pixelAccuracy: seg?.pixelAccuracy ?? NaN,
      meanAccuracy: seg?.meanAccuracy ?? NaN,
      meanIoU: seg?.meanIoU ?? NaN,
      fwIoU: seg?.fwIoU ?? NaN,
      iouClass: cs?.iouClass ?? NaN,
      iiouClass: cs?.iiouClass ?? NaN,
      iouCategory: cs?.iouCategory ?? NaN,
      iiouCategory: cs?.iiouCategory ?? NaN,
      iou: seg ? Array.from(seg.iou) : [],
    };
  });
  return out;
}
