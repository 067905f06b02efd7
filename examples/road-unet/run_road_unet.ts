/**
 * Road segmentation with the classic U-Net and Dice loss — the road paper in
 * `shared/papers/unet-road-segmentation.txt`: double 3×3 conv + ReLU blocks,
 * 2×2 max-pooling, 2×2 transposed convolutions, skip concatenation and a
 * softmax head over {non-road, road}; Dice loss; Adam, learning rate 5e-4.
 * Trained on the built-in synthetic street scenes (or `--data` folders with
 * Cityscapes trainId labels); reports road Dice / IoU on a held-out test set
 * and a prediction grid. The smallest example, and the one the README's usage
 * section follows.
 */
import { join } from 'node:path';
import {
  ConfusionMatrix,
  diceLoss,
  disposeBatch,
  fileSystemIO,
  initWeights,
  markdownTable,
  optimizerStep,
  pairedFolderDataset,
  tf,
  trainPhase,
  unet,
  writeReport,
  type GridCell,
  type ReportTable,
  type TrainPhaseResult,
} from '../../src/index.js';
import type { Tensor, tfl } from '../../src/tf.js';
import type { CommonOptions } from '../common/cli.js';
import { syntheticSplits, type ExampleSplits } from '../common/data.js';
import { phaseCurves, writeGrid } from '../common/report.js';
import { secondsSince, setupRun } from '../common/setup.js';
import { hostLabels } from '../common/host.js';

/** Cityscapes trainId of `road`. */
const ROAD = 0;

export interface RoadUnetOptions extends CommonOptions {
  /** U-Net filters at full resolution (paper: 64; default 16 for CPU) */
  baseFilters?: number;
  /** poolings (paper: 4) */
  depth?: number;
  /** Adam learning rate (paper: 5e-4) */
  lr?: number;
  quiet?: boolean;
  /** simulate a crash after this step (tests) */
  stopAfter?: number;
}

export interface RoadUnetResult {
  dice: number;
  iou: number;
  pixelAccuracy: number;
  table: string;
  report: { html: string; summary: string; markdown: string };
  phase: TrainPhaseResult;
  model: tfl.LayersModel;
  seconds: number;
}

/** trainIds → {0: non-road, 1: road}, ignore (255) kept. */
export function roadMask(labels: Tensor): Tensor {
  return tf.tidy(() => tf.where(tf.equal(labels, 255), labels, tf.cast(tf.equal(labels, ROAD), 'int32')));
}

export async function runRoadUnet(o: RoadUnetOptions): Promise<RoadUnetResult> {
  const t0 = performance.now();
  const backend = await setupRun(o);
  const splits: ExampleSplits = o.data
    ? {
        // `--data DIR` with DIR/{train,test}/{image,labels}: RGB images and trainId label maps paired by name
        train: pairedFolderDataset({ image: join(o.data, 'train', 'image'), labels: join(o.data, 'train', 'labels') }),
        test: pairedFolderDataset({ image: join(o.data, 'test', 'image'), labels: join(o.data, 'test', 'labels') }),
        source: `folders ${o.data}/{train,test}/{image,labels}`,
        hasInstances: false,
        resize: o.size,
      }
    : await syntheticSplits({ size: o.size, trainCount: o.trainCount, testCount: o.testCount, seed: o.seed });
  if (!o.quiet) console.log(`data: ${splits.source}`);

  const model = unet({ numClasses: 2, baseFilters: o.baseFilters ?? 16, depth: o.depth ?? 3, activation: 'linear', name: 'road_unet' });
  initWeights(model, { seed: o.seed, type: 'kaiming' });
  const opt = tf.train.adam(o.lr ?? 5e-4);
  const phase = await trainPhase({
    name: 'unet',
    out: o.out,
    steps: o.steps,
    checkpointEvery: o.checkpointEvery,
    resume: o.resume,
    models: { model },
    optimizers: { opt },
    quiet: o.quiet,
    stopAfter: o.stopAfter,
    step: async (s, guard) => {
      const b = await splits.train.batchAt(s - 1, { batchSize: o.batch, shuffle: true, flip: true, seed: o.seed, resize: splits.resize, fields: ['image', 'labels'] });
      const mask = roadMask(b.labels);
      try {
        return await optimizerStep(opt, [model], () => diceLoss(model.apply(b.image, { training: true }) as Tensor, mask), {
          prefix: 'dice_',
          beforeApply: (t) => guard.check(s, t),
        });
      } finally {
        mask.dispose();
        disposeBatch(b);
      }
    },
  });

  // held-out evaluation: road Dice / IoU from exact confusion counts
  const cm = new ConfusionMatrix(2);
  const grid: GridCell[][] = [];
  for await (const b of splits.test.batches({ batchSize: 4, resize: splits.resize, prefetch: 1, fields: ['image', 'labels'] })) {
    const mask = roadMask(b.labels);
    const pred = tf.tidy(() => tf.argMax(model.predict(b.image) as Tensor, -1));
    // read asynchronously (GPU backends have no synchronous read in Node); the same counts as from the tensors
    cm.update(await hostLabels(pred), await hostLabels(mask));
    for (let j = 0; grid.length < 4 && j < pred.shape[0]!; j++) {
      const pick = (t: Tensor) => tf.tidy(() => tf.squeeze(tf.slice(t, j, 1), [0]));
      // road shown in the Cityscapes road colour, the rest as "unlabelled" (trainId 255 → black)
      const asTrainIds = (t: Tensor) => tf.tidy(() => tf.where(tf.equal(t, 1), tf.zerosLike(t), tf.fill(t.shape, 255, 'int32')));
      grid.push([
        { image: pick(b.image), caption: 'image' },
        { image: asTrainIds(pick(pred)), caption: 'predicted road', kind: 'labels' },
        { image: asTrainIds(pick(mask)), caption: 'ground truth', kind: 'labels' },
      ]);
    }
    tf.dispose([mask, pred]);
    disposeBatch(b);
  }
  const m = cm.compute();
  const gridPath = await writeGrid(o.out, 'predictions.png', grid);
  for (const row of grid) for (const c of row) tf.dispose((c as { image: Tensor }).image);

  const table: ReportTable = {
    title: 'Held-out road segmentation',
    columns: ['', 'Dice (road)', 'IoU (road)', 'pixel accuracy', 'mIoU (road, non-road)'],
    rows: [['U-Net + Dice loss', m.dice[1]!, m.iou[1]!, m.pixelAccuracy, m.meanIoU]],
    caption: 'Dice = 2TP/(2TP+FP+FN) and IoU = TP/(TP+FP+FN) of the road class, from exact pixel counts over the test set.',
  };
  const report = await writeReport(o.out, {
    title: 'Road segmentation — U-Net with Dice loss',
    subtitle: `${splits.source}; backend ${backend.name}`,
    tables: [table],
    curves: phaseCurves(phase.logPath, 'U-Net', { 'Dice loss': ['dice_total'], tensors: ['numTensors'] }),
    images: [{ title: 'Test predictions', items: [{ src: gridPath, label: 'image / predicted road / ground truth' }] }],
    summary: { backend: backend.name, data: splits.source, size: o.size, steps: o.steps, batch: o.batch, seed: o.seed, dice: m.dice[1], iou: m.iou[1], seconds: secondsSince(t0) },
  });
  await model.save(fileSystemIO(join(o.out, 'models', 'road_unet')));
  return { dice: m.dice[1]!, iou: m.iou[1]!, pixelAccuracy: m.pixelAccuracy, table: markdownTable(table), report, phase, model, seconds: secondsSince(t0) };
}
