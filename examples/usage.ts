// The README's usage example (kept compiling by `npm run typecheck`): road segmentation
// with the classic U-Net and Dice loss on synthetic street scenes — examples/road-unet in 25 lines.
import { initBackend, syntheticStreetScenes, unet, diceLoss, optimizerStep, ConfusionMatrix, saveCheckpoint, tf, disposeBatch } from 'segaware';
import type { Tensor } from 'segaware';

await initBackend(); // tfjs-node-gpu / tfjs-node / webgpu when installed, else wasm + segaware's training kernels

const scenes = syntheticStreetScenes({ count: 200, height: 64, width: 128, seed: 0 }); // image, labels, instances, depth
const model = unet({ numClasses: 2, baseFilters: 16, depth: 3, activation: 'linear' }); // road vs non-road
const opt = tf.train.adam(5e-4); // the road paper's settings
const road = (labels: Tensor) => tf.tidy(() => tf.where(tf.equal(labels, 255), labels, tf.cast(tf.equal(labels, 0), 'int32')));

for (let step = 0; step < 300; step++) {
  const b = await scenes.batchAt(step, { batchSize: 4, shuffle: true, flip: true, fields: ['image', 'labels'] });
  const mask = road(b.labels); // b.labels: Tensor3D, b.image: Tensor4D (typed by `fields`)
  const { total } = await optimizerStep(opt, [model], () => diceLoss(model.apply(b.image, { training: true }) as Tensor, mask));
  tf.dispose(mask);
  disposeBatch(b);
  if ((step + 1) % 100 === 0) await saveCheckpoint('runs/usage/ckpt', { models: { model }, optimizers: { opt }, step: step + 1 });
  if (step % 50 === 0) console.log(`step ${step}: dice loss ${total.toFixed(3)}`);
}

const cm = new ConfusionMatrix(2); // exact counts → PA, mPA, mIoU, FWIoU, per-class IoU / Dice
for await (const b of syntheticStreetScenes({ count: 40, height: 64, width: 128, seed: 1 }).batches({ batchSize: 8, fields: ['image', 'labels'] })) {
  const [logits, mask] = [model.predict(b.image) as Tensor, road(b.labels)];
  cm.update(logits, mask);
  tf.dispose([logits, mask]);
  disposeBatch(b);
}
console.log(`road IoU ${cm.compute().iou[1]!.toFixed(3)}, Dice ${cm.compute().dice[1]!.toFixed(3)}`);
