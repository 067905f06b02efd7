// End-to-end check of the training utilities on tiny convolutional G and D
// (tfjs-layers, wasm training kernels): disjoint updates, a WGAN-GP hook through
// conv layers (second-order gradients), and no tensor growth over many steps,
// observed through the RunLog's memory columns.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tf, tfl } from '../src/tf.js';
import type { Tensor, Tensor4D } from '../src/tf.js';
import { NanGuard, RunLog, applyLrSchedule, createGanStep, linearDecayLr } from '../src/train/index.js';

const dir = mkdtempSync(join(tmpdir(), 'segaware-ganconv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function generator(): tfl.LayersModel {
  const x = tfl.input({ shape: [8, 8, 3] });
  let h = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false }).apply(x) as tfl.SymbolicTensor;
  h = tfl.layers.batchNormalization().apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.reLU().apply(h) as tfl.SymbolicTensor;
  const y = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh' }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: y });
}

function discriminator(): tfl.LayersModel {
  const x = tfl.input({ shape: [8, 8, 6] });
  let h = tfl.layers.conv2d({ filters: 4, kernelSize: 4, strides: 2, padding: 'same' }).apply(x) as tfl.SymbolicTensor;
  h = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(h) as tfl.SymbolicTensor;
  const y = tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same' }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: y });
}

const trainable = (m: tfl.LayersModel) => m.trainableWeights.map((w) => Array.from(w.read().dataSync()));

describe('GAN step on tiny conv nets (pix2pix-style, conditional D)', () => {
  it('updates only its own network, supports a WGAN-GP hook and keeps the tensor count flat over 25 steps', async () => {
    const G = generator();
    const D = discriminator();
    const hazy = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 1) as Tensor4D;
    const clear = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 2) as Tensor4D;
    const batch = { hazy, clear };
    type B = typeof batch;
    const D_ = (a: Tensor, b: Tensor) => D.apply(tf.concat([a, b], 3)) as Tensor;
    let gAtD: number[][] = [];
    let dAtG: number[][] = [];
    let gAtG: number[][] = [];
    const optG = tf.train.adam(2e-3, 0.5, 0.999);
    const optD = tf.train.adam(2e-3, 0.5, 0.999);
    const step = createGanStep<B>({
      generatorVariables: [G],
      discriminatorVariables: [D],
      generatorOptimizer: optG,
      discriminatorOptimizer: optD,
      guard: new NanGuard(),
      discriminatorLoss: (b) => {
        gAtD = trainable(G);
        const fake = G.apply(b.hazy, { training: true }) as Tensor;
        const real = tf.mean(tf.square(tf.sub(D_(b.hazy, b.clear), 1))) as tf.Scalar;
        const fakeTerm = tf.mean(tf.square(D_(b.hazy, fake))) as tf.Scalar;
        return { total: tf.mul(0.5, tf.add(real, fakeTerm)) as tf.Scalar, terms: { real, fake: fakeTerm } };
      },
      gradientPenalty: (b) => {
        const fake = G.apply(b.hazy, { training: true }) as Tensor;
        const alpha = tf.randomUniform([2, 1, 1, 1], 0, 1, 'float32', 5);
        const xHat = tf.add(tf.mul(alpha, b.clear), tf.mul(tf.sub(1, alpha), fake));
        const grad = tf.grad((x: Tensor) => tf.sum(D_(b.hazy, x)))(xHat);
        const norm = tf.sqrt(tf.add(tf.sum(tf.square(grad), [1, 2, 3]), 1e-12));
        return tf.mul(10, tf.mean(tf.square(tf.sub(norm, 1)))) as tf.Scalar;
      },
      generatorLoss: (b) => {
        dAtG = trainable(D);
        gAtG = trainable(G);
        const fake = G.apply(b.hazy, { training: true }) as Tensor;
        const gan = tf.mean(tf.square(tf.sub(D_(b.hazy, fake), 1))) as tf.Scalar;
        const l1 = tf.mean(tf.abs(tf.sub(fake, b.clear))) as tf.Scalar;
        return { total: tf.add(gan, tf.mul(10, l1)) as tf.Scalar, terms: { gan, l1 } };
      },
    });

    const g0 = trainable(G);
    const log = new RunLog(join(dir, 'run.jsonl'), { memory: true });
    const schedule = linearDecayLr(2e-3, { nConstant: 15, nDecay: 10, epochCount: 0 });
    for (let s = 1; s <= 25; s++) {
      const lr = applyLrSchedule(schedule, s - 1, optG, optD);
      const gBefore = trainable(G);
      const dBefore = trainable(D);
      const terms = await step(batch);
      expect(gAtG).toEqual(gBefore); // the D update (with its GP) left G bit-identical
      expect(dAtG).not.toEqual(dBefore); // … and moved D
      expect(trainable(D)).toEqual(dAtG); // the G update left D bit-identical
      expect(trainable(G)).not.toEqual(gAtG); // … and moved G
      log.log(s, { ...terms, lr });
      if (s === 1) expect(gAtD).toEqual(g0);
    }
    const entries = RunLog.read(join(dir, 'run.jsonl'));
    const counts = entries.map((e) => e.numTensors as number);
    expect(new Set(counts.slice(1)).size, `numTensors per step: ${counts.join(',')}`).toBe(1);
    expect(entries[24]!.d_gp).toBeGreaterThanOrEqual(0);
    expect(entries[24]!.lr).toBeCloseTo(2e-3 * (1 - 9 / 11), 12); // t = 24: 1 − (24 − 15)/(10 + 1)
    // the L1 term goes down over 25 steps of training
    expect(entries[24]!.g_l1 as number).toBeLessThan(entries[0]!.g_l1 as number);
    tf.dispose([hazy, clear]);
    optG.dispose();
    optD.dispose();
    G.dispose();
    D.dispose();
  });
});
