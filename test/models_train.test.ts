import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileSystemIO } from '../src/train/index.js';
import { tf, tfl } from '../src/tf.js';
import type { Tensor } from '../src/tf.js';
import {
  fpnSegmenter,
  multiScaleDiscriminator,
  patchGanDiscriminator,
  resnetBackbone,
  resnetGenerator,
  snPatchGanDiscriminator,
  unet,
  unetGenerator,
  unitTranslator,
} from '../src/models/index.js';
import { expectClose, expectNoLeaks } from './helpers/index.js';

/** Saves with fileSystemIO (model.json + weights.bin in a temp dir) and loads it back. */
async function roundTrip(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  const dir = mkdtempSync(join(tmpdir(), 'segaware-model-'));
  try {
    await model.save(fileSystemIO(dir));
    return await tfl.loadLayersModel(fileSystemIO(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const vars = (ws: tfl.LayerVariable[]) => ws.map((w) => w.read() as tf.Variable);
const outs = (y: Tensor | Tensor[]) => (Array.isArray(y) ? y : [y]);

/** Trains 3 Adam steps (after a warm-up step that creates the optimizer slots) and checks no tensor leaks. */
async function trains(weights: tfl.LayerVariable[], loss: () => tf.Scalar): Promise<number[]> {
  const opt = tf.train.adam(2e-3, 0.5, 0.999);
  const before = tf.tidy(() => tf.concat(vars(weights).map((v) => tf.reshape(v, [-1]))).dataSync().slice());
  const losses: number[] = [];
  await expectNoLeaks(() => {
    const cost = opt.minimize(loss, true, vars(weights))!;
    losses.push(cost.dataSync()[0]!);
    cost.dispose();
  }, 3);
  opt.dispose();
  expect(losses.every(Number.isFinite), `losses ${losses}`).toBe(true);
  const after = tf.tidy(() => tf.concat(vars(weights).map((v) => tf.reshape(v, [-1]))).dataSync());
  let changed = 0;
  for (let i = 0; i < after.length; i++) if (after[i] !== before[i]) changed++;
  expect(changed / after.length).toBeGreaterThan(0.5);
  return losses;
}

async function expectSameAfterReload(model: tfl.LayersModel, x: Tensor): Promise<void> {
  const m2 = await roundTrip(model);
  const a = outs(model.predict(x) as Tensor | Tensor[]);
  const b = outs(m2.predict(x) as Tensor | Tensor[]);
  expect(b.length).toBe(a.length);
  a.forEach((t, i) => expectClose(b[i]!, Array.from(t.dataSync()), 1e-6, `output ${i}`));
  tf.dispose([...a, ...b]);
  m2.dispose();
}

describe('each builder trains 3 steps on wasm without leaks and round-trips fileSystemIO save → load', () => {
  it('pix2pix: unetGenerator + patchGanDiscriminator, LSGAN + L1', async () => {
    const g = unetGenerator({ numDowns: 5, ngf: 4 });
    const d = patchGanDiscriminator({ ndf: 4, nLayers: 2 });
    const a = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 1);
    const b = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 2);
    const losses = await trains(g.trainableWeights, () =>
      tf.tidy(() => {
        const fake = g.apply(a, { training: true }) as Tensor;
        const logits = d.apply(tf.concat([a, fake], -1), { training: true }) as Tensor;
        return tf.add(tf.mean(tf.square(tf.sub(logits, 1))), tf.mul(100, tf.mean(tf.abs(tf.sub(fake, b))))) as tf.Scalar;
      }),
    );
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    await trains(d.trainableWeights, () =>
      tf.tidy(() => {
        const fake = g.apply(a) as Tensor;
        const real = d.apply(tf.concat([a, b], -1), { training: true }) as Tensor;
        const f = d.apply(tf.concat([a, fake], -1), { training: true }) as Tensor;
        return tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(real, 1))), tf.mean(tf.square(f)))) as tf.Scalar;
      }),
    );
    await expectSameAfterReload(g, a);
    await expectSameAfterReload(d, tf.concat([a, b], -1));
    tf.dispose([a, b]);
  });

  it('resnetGenerator (reflect + instance norm) and PixelDiscriminator', async () => {
    const g = resnetGenerator({ ngf: 4, nBlocks: 2, dropout: true });
    const d = patchGanDiscriminator({ ndf: 4, variant: 'pixel', inChannels: 3 });
    const x = tf.randomUniform([1, 16, 16, 3], -1, 1, 'float32', 3);
    const losses = await trains([...g.trainableWeights, ...d.trainableWeights], () =>
      tf.tidy(() => {
        const y = g.apply(x, { training: true }) as Tensor;
        return tf.add(tf.mean(tf.abs(tf.sub(y, x))), tf.mean(tf.square(d.apply(y, { training: true }) as Tensor))) as tf.Scalar;
      }),
    );
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    await expectSameAfterReload(g, x);
    await expectSameAfterReload(d, x);
    x.dispose();
  });

  it('unet (Ronneberger) with softmax head and Dice-style loss', async () => {
    const net = unet({ baseFilters: 4, depth: 2, numClasses: 3 });
    const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 4);
    const target = tf.oneHot(tf.randomUniform([2, 16, 16], 0, 3, 'int32', 5), 3);
    const losses = await trains(net.trainableWeights, () =>
      tf.tidy(() => {
        const p = net.apply(x, { training: true }) as Tensor;
        const inter = tf.sum(tf.mul(p, target), [0, 1, 2]);
        const den = tf.add(tf.sum(p, [0, 1, 2]), tf.sum(target, [0, 1, 2]));
        return tf.sub(1, tf.mean(tf.div(tf.mul(2, inter), den))) as tf.Scalar;
      }),
    );
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    const p = net.predict(x) as Tensor;
    expectClose(tf.sum(p, -1), new Array(2 * 16 * 16).fill(1), 1e-5, 'softmax sums');
    await expectSameAfterReload(net, x);
    tf.dispose([x, target, p]);
  });

  it('snPatchGanDiscriminator (hinge loss); a reloaded model resumes its u vectors', async () => {
    const d = snPatchGanDiscriminator({ inChannels: 4, channels: [4, 8, 8] });
    const real = tf.randomUniform([1, 16, 16, 4], -1, 1, 'float32', 6);
    const fake = tf.randomUniform([1, 16, 16, 4], -1, 1, 'float32', 7);
    await trains(d.trainableWeights, () =>
      tf.tidy(() => {
        const r = d.apply(real, { training: true }) as Tensor;
        const f = d.apply(fake, { training: true }) as Tensor;
        return tf.add(tf.mean(tf.relu(tf.sub(1, r))), tf.mean(tf.relu(tf.add(1, f)))) as tf.Scalar;
      }),
    );
    const u = d.nonTrainableWeights.find((w) => w.originalName.endsWith('/u'))!;
    const u0 = u.read().dataSync().slice();
    d.apply(real, { training: true }); // one more power iteration moves u
    expect(Array.from(u.read().dataSync())).not.toEqual(Array.from(u0));
    const d2 = await roundTrip(d);
    const u2 = d2.nonTrainableWeights.find((w) => w.originalName.endsWith('/u'))!;
    expectClose(u2.read(), Array.from(u.read().dataSync()), 0, 'u restored');
    // continuing training from the reloaded model gives the same outputs as the original
    const a = d.apply(real, { training: true }) as Tensor;
    const b = d2.apply(real, { training: true }) as Tensor;
    expectClose(b, Array.from(a.dataSync()), 1e-6);
    expect(b.shape).toEqual([1, 2, 2, 8]);
    tf.dispose([real, fake, a, b]);
  });

  it('multiScaleDiscriminator: 3 scales, LSGAN summed over scales', async () => {
    const d = multiScaleDiscriminator({ dim: 4, nLayers: 2 });
    const x = tf.randomUniform([1, 16, 16, 3], -1, 1, 'float32', 8);
    const shapes = outs(d.predict(x) as Tensor[]).map((t) => (t.dispose(), t.shape));
    expect(shapes).toEqual([[1, 4, 4, 1], [1, 2, 2, 1], [1, 1, 1, 1]]);
    await trains(d.trainableWeights, () =>
      tf.tidy(() => tf.addN(outs(d.apply(x, { training: true }) as Tensor[]).map((o) => tf.mean(tf.square(tf.sub(o, 1))))) as tf.Scalar),
    );
    await expectSameAfterReload(d, x);
    x.dispose();
  });

  it('resnetBackbone and fpnSegmenter with cross-entropy', async () => {
    const seg = fpnSegmenter({ depth: 50, backboneWidth: 4, numClasses: 3, fpnChannels: 8, headChannels: 8, groups: 4 });
    const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 9);
    const labels = tf.oneHot(tf.randomUniform([2, 64, 64], 0, 3, 'int32', 10), 3);
    const losses = await trains(seg.trainableWeights, () =>
      tf.tidy(() => tf.mean(tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(seg.apply(x, { training: true }) as Tensor)), -1))) as tf.Scalar),
    );
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    await expectSameAfterReload(seg, x);
    const bb = resnetBackbone({ depth: 18, width: 4 });
    await trains(bb.trainableWeights, () => tf.tidy(() => tf.mean(tf.square((bb.apply(x, { training: true }) as Tensor[])[3]!)) as tf.Scalar));
    await expectSameAfterReload(bb, x);
    tf.dispose([x, labels]);
  });

  it('unitTranslator: reconstruction + cycle with shared latent blocks', async () => {
    const unit = unitTranslator({ dim: 4, nRes: 2, nShared: 1 });
    const a = tf.randomUniform([1, 16, 16, 3], -1, 1, 'float32', 11);
    const b = tf.randomUniform([1, 16, 16, 3], -1, 1, 'float32', 12);
    const sharedA = unit.encoderA.layers.filter((l) => l.name.startsWith('shared_enc'));
    expect(sharedA.length).toBeGreaterThan(0);
    expect(sharedA.every((l) => unit.encoderB.layers.includes(l))).toBe(true);
    const losses = await trains(unit.trainableWeights, () =>
      tf.tidy(() => {
        const ha = unit.encode(a, 'a', true);
        const hb = unit.encode(b, 'b', true);
        const recA = unit.decode(unit.sample(ha, 1), 'a', true);
        const recB = unit.decode(unit.sample(hb, 2), 'b', true);
        const ab = unit.decode(ha, 'b', true);
        const aba = unit.decode(unit.encode(ab, 'b', true), 'a', true);
        const l1 = (p: Tensor, q: Tensor) => tf.mean(tf.abs(tf.sub(p, q)));
        return tf.addN([tf.mul(10, tf.add(l1(recA, a), l1(recB, b))), tf.mul(0.01, tf.mean(tf.square(ha))), tf.mul(10, l1(aba, a))]) as tf.Scalar;
      }),
    );
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    const t = unit.translate(a, 'a');
    expect(t.shape).toEqual([1, 16, 16, 3]);
    expect(() => unit.translate(a, 'c' as never)).toThrow(/"a" or "b"/);
    for (const m of [unit.encoderA, unit.decoderB]) await expectSameAfterReload(m, m === unit.encoderA ? a : unit.encode(a, 'a'));
    tf.dispose([a, b, t]);
    const before = tf.memory().numTensors;
    unit.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
  });
});
