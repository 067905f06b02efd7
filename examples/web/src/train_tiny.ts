/**
 * The page's fallback when no models are given: a tiny segmenter + dehazer pair trained in
 * the browser, on segaware's synthetic foggy scenes, with segaware's `optimizerStep` — the
 * demo's recipe at toy scale (32×64, 8 filters, a few dozen steps). First the segmenter on
 * clear images (cross-entropy), then, with it frozen, the dehazer with `10·L1 + L_seg` (the
 * DFS idea: the segmenter's L2 between softmax and one-hot labels on the dehazed image).
 *
 * @example
 * const models = await trainTinyPair({ steps: 40, onProgress: (p) => console.log(p.phase, p.step, p.loss) });
 */
import {
  crossEntropyLoss,
  disposeBatch,
  initWeights,
  l1Loss,
  optimizerStep,
  segmentationConsistencyLoss,
  syntheticStreetScenes,
  tf,
  unet,
  unetGenerator,
  type Tensor4D,
} from '../../../src/core.js';
import type { WebModels } from './models.js';

/** Progress of {@link trainTinyPair}, reported after every step. */
export interface TrainProgress {
  phase: 'segmenter' | 'dehazer';
  step: number;
  steps: number;
  loss: number;
}

export interface TrainTinyOptions {
  /** steps per network (default 40) */
  steps?: number;
  /** image size, multiples of 32 (default 32×64: the smallest a 5-level pix2pix U-Net takes at a 2:1 street aspect) */
  height?: number;
  width?: number;
  onProgress?: (p: TrainProgress) => void;
}

const FOG = { beta: 0.02, airlight: 0.9 };

/** Trains the pair (deterministic: fixed seeds for weights and batches) and returns it frozen. */
export async function trainTinyPair(o: TrainTinyOptions = {}): Promise<WebModels> {
  const steps = o.steps ?? 40;
  const [H, W] = [o.height ?? 32, o.width ?? 64];
  if (H % 32 || W % 32) throw new Error(`trainTinyPair: height and width must be multiples of 32, got ${H}×${W}`);
  const scenes = syntheticStreetScenes({ count: 64, height: H, width: W, seed: 0, fog: { beta: [0.01, 0.03], airlight: [0.8, 1] } });
  const batch = <F extends 'image' | 'clear' | 'labels'>(step: number, fields: F[]) => scenes.batchAt(step, { batchSize: 4, shuffle: true, flip: true, seed: 0, fields });

  const segmenter = unet({ numClasses: 19, baseFilters: 8, depth: 3, batchNorm: true, activation: 'linear', name: 'segmenter' });
  initWeights(segmenter, { seed: 0, type: 'kaiming' });
  const segOpt = tf.train.adam(2e-3);
  for (let s = 0; s < steps; s++) {
    const b = await batch(s, ['clear', 'labels']);
    const { total } = await optimizerStep(segOpt, [segmenter], () => crossEntropyLoss(segmenter.apply(b.clear, { training: true }) as Tensor4D, b.labels));
    disposeBatch(b);
    o.onProgress?.({ phase: 'segmenter', step: s + 1, steps, loss: total });
    await tf.nextFrame(); // let the page repaint the progress bar
  }
  segOpt.dispose();
  segmenter.trainable = false;

  const dehazer = unetGenerator({ numDowns: 5, ngf: 8, norm: 'instance', dropout: false, name: 'dehazer' });
  initWeights(dehazer, { seed: 1 });
  const gOpt = tf.train.adam(2e-3, 0.5, 0.999);
  for (let s = 0; s < steps; s++) {
    const b = await batch(s, ['image', 'clear', 'labels']);
    const { total } = await optimizerStep(gOpt, [dehazer], () => {
      const dehazed = dehazer.apply(b.image, { training: true }) as Tensor4D;
      const l1 = l1Loss(dehazed, b.clear);
      const seg = segmentationConsistencyLoss(segmenter, dehazed, b.labels, { mode: 'l2' });
      return { total: tf.add(tf.mul(l1, 10), seg), terms: { l1, seg } };
    });
    disposeBatch(b);
    o.onProgress?.({ phase: 'dehazer', step: s + 1, steps, loss: total });
    await tf.nextFrame();
  }
  gOpt.dispose();
  return { dehazer, segmenter, height: H, width: W, numClasses: 19, fog: FOG, source: `trained in this page (${steps} + ${steps} steps, ${H}×${W})` };
}
