import { describe, expect, it } from 'vitest';
import { tf, tfl } from '../src/tf.js';
import type { Tensor } from '../src/tf.js';

/** Two stacked Conv2D layers (bias, linear) with a LeakyReLU between: a discriminator's shape. */
function twoConvs(): tfl.LayersModel {
  const input = tfl.input({ shape: [12, 12, 3] });
  let y = tfl.layers.conv2d({ filters: 8, kernelSize: 4, strides: 2, padding: 'same', name: 'c1' }).apply(input) as tfl.SymbolicTensor;
  y = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'valid', name: 'c2' }).apply(y) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: y });
}

const kernelCount = async (fn: () => void, name: string) => (await tf.profile(fn)).kernels.filter((k) => k.name === name).length;

describe('lazy Conv2D gradients while recording', () => {
  it('computes only the gradients asked for: no filter gradients for an input-only gradient, none for the input in a weights-only one', async () => {
    const model = twoConvs();
    const x = tf.randomNormal([2, 12, 12, 3], 0, 1, 'float32', 1);
    const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
    // a generator update differentiates through D to its input only
    const inputOnly = await kernelCount(() => {
      const g = tf.grad((xx: Tensor) => tf.mean(model.apply(xx) as Tensor))(x);
      g.dispose();
    }, 'Conv2DBackpropFilter');
    expect(inputOnly).toBe(0);
    // a discriminator update needs both filter gradients, and the input gradient of c2 only (not c1's)
    const profile = await tf.profile(() => {
      const r = tf.variableGrads(() => tf.mean(model.apply(x) as Tensor) as tf.Scalar, weights);
      tf.dispose([r.value, ...Object.values(r.grads)]);
    });
    expect(profile.kernels.filter((k) => k.name === 'Conv2DBackpropFilter').length).toBe(2);
    expect(profile.kernels.filter((k) => k.name === 'Conv2DBackpropInput').length).toBe(1);
    tf.dispose(x);
    model.dispose();
  });

  it('gives the fused forward values and the gradients of plain conv2d + bias', () => {
    const model = twoConvs();
    const x = tf.randomNormal([2, 12, 12, 3], 0, 1, 'float32', 2);
    const [k1, b1, k2, b2] = model.trainableWeights.map((w) => w.read()) as [tf.Tensor4D, Tensor, tf.Tensor4D, Tensor];
    const reference = (xx: Tensor) => {
      const h = tf.leakyRelu(tf.add(tf.conv2d(xx as tf.Tensor4D, k1, 2, 'same'), b1), 0.2);
      return tf.add(tf.conv2d(h as tf.Tensor4D, k2, 1, 'valid'), b2);
    };
    const inference = model.predict(x) as Tensor; // nothing recorded: the fused kernel
    const expected = reference(x);
    expect(tf.max(tf.abs(tf.sub(inference, expected))).dataSync()[0]!).toBeLessThan(1e-5);
    const dxModel = tf.grad((xx: Tensor) => tf.sum(tf.square(model.apply(xx) as Tensor)))(x);
    const dxRef = tf.grad((xx: Tensor) => tf.sum(tf.square(reference(xx))))(x);
    expect(tf.max(tf.abs(tf.sub(dxModel, dxRef))).dataSync()[0]!).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(dxRef)).dataSync()[0]!).toBeGreaterThan(1e-3);
    tf.dispose([x, inference, expected, dxModel, dxRef]);
    model.dispose();
  });
});
