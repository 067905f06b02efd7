/**
 * Model benchmarks on wasm against PyTorch CPU (2 threads) in the same run:
 * one pix2pix training step (U-Net 256 + 70×70 PatchGAN, batch 1, 256×256,
 * Adam, D: LSGAN, G: LSGAN + 100·L1) and a Panoptic-FPN ResNet-50 forward at
 * 512×1024. `npm run bench -- models`
 */
import { tf } from '../src/tf.js';
import type { Tensor } from '../src/tf.js';
import { initBackend } from '../src/backend/index.js';
import { fpnSegmenter, patchGanDiscriminator, unetGenerator } from '../src/models/index.js';
import { BENCH_THREADS, bestMs, printTable, runPython } from './_util.js';
import { pix2pixStep } from './_pix2pix.js';

async function main(): Promise<void> {
  const torch = runPython<{ pix2pix_step_ms: number; fpn_r50_forward_ms: number }>('bench/models_torch.py', [String(BENCH_THREADS)]);
  await initBackend({ prefer: 'wasm', threads: BENCH_THREADS, quiet: true });

  const g = unetGenerator();
  const d = patchGanDiscriminator({ inChannels: 6 });
  const optG = tf.train.adam(2e-4, 0.5, 0.999);
  const optD = tf.train.adam(2e-4, 0.5, 0.999);
  const a = tf.randomUniform([1, 256, 256, 3], -1, 1);
  const b = tf.randomUniform([1, 256, 256, 3], -1, 1);
  const step = () => {
    const losses = pix2pixStep({ g, d, optG, optD, a, b });
    for (const l of losses) l.dataSync();
    tf.dispose(losses);
  };
  const pixMs = await bestMs(step, 2);
  g.dispose();
  d.dispose();

  const seg = fpnSegmenter({ depth: 50, numClasses: 19 });
  const x = tf.randomUniform([1, 512, 1024, 3]);
  const fpnMs = await bestMs(() => {
    const y = seg.predict(x) as Tensor;
    y.dataSync();
    y.dispose();
  }, 2);

  const ratio = (ms: number, ref?: number) => (ref ? `${(ms / ref).toFixed(2)}×` : '–');
  console.log(`\nModels on wasm vs PyTorch CPU, ${BENCH_THREADS} threads each, ms, best of runs; ratio = segaware / PyTorch\n`);
  printTable(
    ['case', 'segaware wasm', 'PyTorch CPU', 'ratio'],
    [
      ['pix2pix step (U-Net 256 + PatchGAN, 1×256×256, Adam, LSGAN+L1)', pixMs, torch?.pix2pix_step_ms ?? '–', ratio(pixMs, torch?.pix2pix_step_ms)],
      ['FPN-ResNet-50 forward 1×512×1024', fpnMs, torch?.fpn_r50_forward_ms ?? '–', ratio(fpnMs, torch?.fpn_r50_forward_ms)],
    ],
  );
}

await main();
