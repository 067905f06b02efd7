import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import { SeededRandom } from '../src/ops/rng.js';
import { batchFrom, regressionStep, tinyDiscriminator, tinyNet } from './helpers/tiny_net.js';

const vars = (m: { trainableWeights: unknown[] }) => m.trainableWeights.map((w) => (w as { val: tf.Variable }).val);

describe.each(['wasm', 'cpu'])('training a conv + transposed-conv network on %s', (backend) => {
  it('model.fit lowers the loss', async () => {
    await tf.setBackend(backend);
    const model = tinyNet(1);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanAbsoluteError' });
    const { x, y } = batchFrom(new SeededRandom(3), 8);
    const hist = await model.fit(x, y, { epochs: 25, batchSize: 4, verbose: 0, shuffle: false });
    const losses = hist.history.loss as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(0.7 * losses[0]!);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('a two-optimizer GAN loop trains and leaks no tensors over 20 steps', async () => {
    await tf.setBackend(backend);
    const G = tinyNet(2);
    const D = tinyDiscriminator(3);
    const gOpt = tf.train.adam(2e-3, 0.5);
    const dOpt = tf.train.adam(2e-3, 0.5);
    const rng = new SeededRandom(4);
    const l1s: number[] = [];
    const step = () => {
      const { x, y } = batchFrom(rng);
      const dCost = dOpt.minimize(() => {
        const real = D.apply(y) as tf.Tensor;
        const fake = D.apply(G.apply(x) as tf.Tensor) as tf.Tensor;
        return tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(real, 1))), tf.mean(tf.square(fake)))) as tf.Scalar;
      }, true, vars(D));
      const gCost = gOpt.minimize(() => {
        const out = G.apply(x) as tf.Tensor;
        const adv = tf.mean(tf.square(tf.sub(D.apply(out) as tf.Tensor, 1)));
        const l1 = tf.mean(tf.abs(tf.sub(out, y)));
        return tf.add(adv, tf.mul(10, l1)) as tf.Scalar;
      }, true, vars(G));
      const l1 = tf.tidy(() => tf.mean(tf.abs(tf.sub(G.apply(x) as tf.Tensor, y))).dataSync()[0]!);
      l1s.push(l1);
      tf.dispose([x, y, dCost!, gCost!]);
    };
    step(); // warm-up: creates the optimizer slots
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    expect(l1s[l1s.length - 1]!).toBeLessThan(l1s[0]!);
    G.dispose();
    D.dispose();
    gOpt.dispose();
    dOpt.dispose();
  });

  it('optimizer.minimize on a regression leaks nothing', async () => {
    await tf.setBackend(backend);
    const model = tinyNet(5);
    const opt = tf.train.adam(1e-2);
    const rng = new SeededRandom(1);
    regressionStep(model, opt, rng);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) regressionStep(model, opt, rng);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    opt.dispose();
  });
});
