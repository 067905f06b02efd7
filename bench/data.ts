/**
 * Data pipeline throughput: images per second for read (PNG decode) +
 * augment (crop, flip) + batch (tensors) at 256×512 from a Cityscapes-like
 * tree, and for the synthetic generator, against the time of one pix2pix
 * training step (U-Net 256 generator + PatchGAN, LSGAN + λ·L1, Adam) on wasm.
 * Target: the pipeline is ≥ 5× faster than the step. `npm run bench -- data`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src/backend/index.js';
import { writeSyntheticSample } from '../src/cli/data.js';
import { cityscapesDataset, disposeBatch, renderSyntheticScene, syntheticStreetScenes } from '../src/data/index.js';
import type { Dataset } from '../src/data/index.js';
import { tf, tfl } from '../src/tf.js';
import { BENCH_THREADS, printTable } from './_util.js';

const H = 256;
const W = 512;
const N = Number(process.env.BENCH_DATA_N ?? 48);

await initBackend({ prefer: 'wasm', threads: BENCH_THREADS, quiet: true });

async function imagesPerSecond(ds: Dataset, batchSize: number): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  for await (const b of ds.batches({ batchSize, shuffle: true, seed: 1, crop: [H, W], flip: true, prefetch: 2 })) {
    n += b.names.length;
    disposeBatch(b);
  }
  return (n / (performance.now() - t0)) * 1000;
}

/** pix2pix unet_256 (ngf 64, 8 downs) built with tfjs-layers: the model the examples train. */
function unet256(): tfl.LayersModel {
  const input = tfl.input({ shape: [H, W, 3] });
  const f = [64, 128, 256, 512, 512, 512, 512, 512];
  const skips: tfl.SymbolicTensor[] = [];
  let x: tfl.SymbolicTensor = input;
  f.forEach((c, i) => {
    if (i > 0) x = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.conv2d({ filters: c, kernelSize: 4, strides: 2, padding: 'same', useBias: i === 0 }).apply(x) as tfl.SymbolicTensor;
    if (i > 0 && i < f.length - 1) x = tfl.layers.batchNormalization().apply(x) as tfl.SymbolicTensor;
    skips.push(x);
  });
  for (let i = f.length - 2; i >= 0; i--) {
    x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.conv2dTranspose({ filters: f[i]!, kernelSize: 4, strides: 2, padding: 'same', useBias: false }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.batchNormalization().apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.concatenate().apply([x, skips[i]!]) as tfl.SymbolicTensor;
  }
  x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x });
}

function patchGan(): tfl.LayersModel {
  const input = tfl.input({ shape: [H, W, 6] });
  let x: tfl.SymbolicTensor = input;
  [64, 128, 256, 512].forEach((c, i) => {
    x = tfl.layers.conv2d({ filters: c, kernelSize: 4, strides: i < 3 ? 2 : 1, padding: 'same', useBias: i === 0 }).apply(x) as tfl.SymbolicTensor;
    if (i > 0) x = tfl.layers.batchNormalization().apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(x) as tfl.SymbolicTensor;
  });
  x = tfl.layers.conv2d({ filters: 1, kernelSize: 4, strides: 1, padding: 'same' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x });
}

async function pix2pixStepMs(): Promise<number> {
  const G = unet256();
  const D = patchGan();
  const optG = tf.train.adam(2e-4, 0.5);
  const optD = tf.train.adam(2e-4, 0.5);
  const a = tf.randomUniform([1, H, W, 3], -1, 1) as tf.Tensor4D;
  const b = tf.randomUniform([1, H, W, 3], -1, 1) as tf.Tensor4D;
  const step = (): void => {
    tf.tidy(() => {
      optD.minimize(() => {
        const fake = G.apply(a, { training: true }) as tf.Tensor4D;
        const real = D.apply(tf.concat([a, b], 3), { training: true }) as tf.Tensor;
        const pred = D.apply(tf.concat([a, fake], 3), { training: true }) as tf.Tensor;
        return tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(real, 1))), tf.mean(tf.square(pred)))) as tf.Scalar;
      }, false, D.trainableWeights.map((w) => w.read() as tf.Variable));
      optG.minimize(() => {
        const fake = G.apply(a, { training: true }) as tf.Tensor4D;
        const pred = D.apply(tf.concat([a, fake], 3), { training: true }) as tf.Tensor;
        return tf.add(tf.mean(tf.square(tf.sub(pred, 1))), tf.mul(100, tf.mean(tf.abs(tf.sub(fake, b))))) as tf.Scalar;
      }, false, G.trainableWeights.map((w) => w.read() as tf.Variable));
    });
  };
  step();
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    step();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const root = mkdtempSync(join(tmpdir(), 'segaware-bench-data-'));
try {
  for (let i = 0; i < N; i++) await writeSyntheticSample(root, 'train', renderSyntheticScene(0, i, H, W), false);
  const tree = cityscapesDataset(root, { split: 'train' });
  await imagesPerSecond(tree, 1); // warm-up (JIT, file cache)
  const fileIps1 = await imagesPerSecond(tree, 1);
  const fileIps4 = await imagesPerSecond(tree, 4);
  const synthIps = await imagesPerSecond(syntheticStreetScenes({ count: 24, height: H, width: W }), 4);
  const stepMs = await pix2pixStepMs();
  const stepIps = 1000 / stepMs; // pix2pix trains with batch size 1
  printTable(
    ['pipeline (256×512, crop + flip, prefetch 2)', 'images/s', 'ms/image', '× faster than one pix2pix step'],
    [
      ['Cityscapes-like tree: PNG read + labels, batch 1', fileIps1, 1000 / fileIps1, fileIps1 / stepIps],
      ['Cityscapes-like tree: PNG read + labels, batch 4', fileIps4, 1000 / fileIps4, fileIps4 / stepIps],
      ['syntheticStreetScenes (rendered on the fly), batch 4', synthIps, 1000 / synthIps, synthIps / stepIps],
      ['pix2pix step (unet_256 + PatchGAN, wasm, batch 1)', stepIps, stepMs, 1],
    ],
  );
  const ok = Math.min(fileIps1, synthIps) / stepIps >= 5;
  console.log(`\ntarget ≥ 5× the training step: ${ok ? 'met' : 'NOT met'}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
