/**
 * The 'segmenter' phase the DFS and cooperative examples both start with,
 * built on the library's resumable loop (`trainPhase` + `supervisedStep`).
 */
import { crossEntropyLoss, initWeights, supervisedStep, tf, trainPhase, unet } from '../../src/index.js';
import type { Batch, TrainPhaseResult } from '../../src/index.js';
import type { Tensor4D, tfl } from '../../src/tf.js';

/** What {@link trainBaseSegmenter} needs from an example's options. */
export interface BaseSegmenterOptions {
  out: string;
  steps: number;
  checkpointEvery: number;
  resume: boolean;
  seed: number;
  quiet?: boolean;
  stopAfter?: number;
  /** U-Net width (default 16) */
  filters?: number;
  /** Adam learning rate (default 1e-3) */
  lr?: number;
  numClasses: number;
}

/**
 * A 3-level U-Net with batch norm (Kaiming init from `seed`), trained with
 * cross-entropy on field `image` vs `labels` of the batches `draw` returns,
 * then frozen.
 */
export async function trainBaseSegmenter<I extends string, B extends Batch<'labels'> & Record<I, Tensor4D>>(
  o: BaseSegmenterOptions,
  draw: (index: number) => Promise<B>,
  image: I,
): Promise<{ segmenter: tfl.LayersModel; phase: TrainPhaseResult }> {
  const segmenter = unet({ numClasses: o.numClasses, baseFilters: o.filters ?? 16, depth: 3, batchNorm: true, activation: 'linear', name: 'segmenter' });
  initWeights(segmenter, { seed: o.seed, type: 'kaiming' });
  const segOpt = tf.train.adam(o.lr ?? 1e-3);
  const phase = await trainPhase({
    name: 'segmenter',
    out: o.out,
    steps: o.steps,
    checkpointEvery: o.checkpointEvery,
    resume: o.resume,
    models: { segmenter },
    optimizers: { segOpt },
    quiet: o.quiet,
    stopAfter: o.stopAfter,
    step: supervisedStep({
      optimizer: segOpt,
      variables: [segmenter],
      batch: draw,
      loss: (b) => crossEntropyLoss(segmenter.apply(b[image], { training: true }) as Tensor4D, b.labels),
      prefix: 'seg_',
    }),
  });
  segOpt.dispose();
  segmenter.trainable = false;
  return { segmenter, phase };
}
