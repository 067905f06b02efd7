/**
 * Loss benchmarks against PyTorch CPU in the same run: perceptual loss forward +
 * backward (conv5_4, 1×3×256×256, full-size VGG-19), combined CE+focal and
 * Lovász-Softmax forward + backward on 2×256×512×19 logits. Also checks the
 * full-size VGG-19 safetensors (written by the Python reference from a seeded
 * torchvision model) against PyTorch's conv5_4. `npm run bench -- losses`
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../src/tf.js';
import type { Tensor, Tensor4D } from '../src/tf.js';
import { initBackend } from '../src/backend/index.js';
import { loadVgg19Weights, vgg19Features } from '../src/models/index.js';
import { combinedCeFocalLoss, lovaszSoftmaxLoss, perceptualLoss } from '../src/losses/index.js';
import { BENCH_THREADS, bestMs, printTable, runPython } from './_util.js';

interface Ref {
  perceptual_ms: number;
  combined_ms: number;
  lovasz_ms: number;
  threads: number;
}

const dir = '.bench-tmp';
const threads = String(BENCH_THREADS);
const readF32 = (name: string) => {
  const b = readFileSync(join(dir, name));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4).slice();
};

async function main(): Promise<void> {
  const ref = runPython<Ref>('bench/losses_ref.py', [threads, dir]);
  const backends = (process.env.SEGAWARE_BENCH_BACKENDS ?? 'wasm').split(',') as ('wasm' | 'cpu')[];
  const rows: (string | number)[][] = [];
  const ratio = (ms: number, r?: number) => (r ? `${(ms / r).toFixed(1)}×` : '–');
  for (const backend of backends) {
    await initBackend({ prefer: backend, threads: BENCH_THREADS, quiet: true });
    // perceptual loss with the full-size VGG-19 (PyTorch's seeded weights when available)
    const weights = ref ? await loadVgg19Weights(join(dir, 'vgg19_full.safetensors')) : 'random';
    const vgg = vgg19Features({ weights, layers: ['conv5_4'] });
    const x = ref ? tf.tensor4d(readF32('input.bin'), [1, 256, 256, 3]) : (tf.randomUniform([1, 256, 256, 3], -1, 1) as Tensor4D);
    const y = ref ? tf.tensor4d(readF32('target.bin'), [1, 256, 256, 3]) : (tf.randomUniform([1, 256, 256, 3], -1, 1) as Tensor4D);
    if (ref) {
      const f = vgg.extract(x);
      const expected = readF32('conv5_4.bin');
      const got = f.conv5_4!.dataSync();
      let err = 0;
      let scale = 0;
      for (let i = 0; i < expected.length; i++) {
        err = Math.max(err, Math.abs(got[i]! - expected[i]!));
        scale = Math.max(scale, Math.abs(expected[i]!));
      }
      console.log(`${backend}: full-size VGG-19 conv5_4 vs PyTorch, max relative error ${(err / scale).toExponential(2)}`);
      tf.dispose(Object.values(f));
    }
    const perceptual = await bestMs(() => {
      const g = tf.grad((t: Tensor) => perceptualLoss(t as Tensor4D, y, { extractor: vgg }))(x);
      g.dataSync();
      g.dispose();
    }, 2);
    rows.push([backend, 'perceptual conv5_4 fwd+bwd, 1×256×256×3', perceptual, ref?.perceptual_ms ?? '–', ratio(perceptual, ref?.perceptual_ms)]);
    vgg.dispose();
    tf.dispose([x, y]);

    const logits = tf.mul(tf.randomNormal([2, 256, 512, 19], 0, 1, 'float32', 1), 2);
    const labels = tf.tidy(() => {
      const l = tf.cast(tf.floor(tf.randomUniform([2, 256, 512], 0, 19, 'float32', 2)), 'int32');
      return tf.where(tf.less(tf.randomUniform([2, 256, 512], 0, 1, 'float32', 3), 0.1), tf.fill([2, 256, 512], 255, 'int32'), l);
    });
    const combined = await bestMs(() => {
      const g = tf.grad((t: Tensor) => combinedCeFocalLoss(t, labels, { alpha: 0.5, gamma: 2 }))(logits);
      g.dataSync();
      g.dispose();
    }, 5);
    rows.push([backend, 'combined CE+focal fwd+bwd, 2×256×512×19', combined, ref?.combined_ms ?? '–', ratio(combined, ref?.combined_ms)]);
    const lovasz = await bestMs(() => {
      const g = tf.grad((t: Tensor) => lovaszSoftmaxLoss(t, labels))(logits);
      g.dataSync();
      g.dispose();
    }, 5);
    rows.push([backend, 'Lovász-Softmax fwd+bwd, 2×256×512×19', lovasz, ref?.lovasz_ms ?? '–', ratio(lovasz, ref?.lovasz_ms)]);
    tf.dispose([logits, labels]);
  }
  console.log(`\nLoss forward + backward, ms (best of runs); ratio = segaware / PyTorch CPU (${ref?.threads ?? threads} threads)\n`);
  printTable(['backend', 'case', 'segaware ms', 'torch ms', 'ratio'], rows);
}

await main();
