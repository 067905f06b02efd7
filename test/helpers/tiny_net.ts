/** A tiny conv + transposed-conv encoder/decoder used by the training and checkpoint tests. */
import { tf, tfl } from '../../src/tf.js';
import { SeededRandom } from '../../src/ops/rng.js';

export function tinyNet(seed: number, channels = 3): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: seed * 10 + s });
  const input = tfl.input({ shape: [8, 8, channels] });
  let x = tfl.layers.conv2d({ filters: 6, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: init(1), activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 8, kernelSize: 3, strides: 1, padding: 'same', kernelInitializer: init(2), activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2dTranspose({ filters: channels, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: init(3), activation: 'tanh' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x });
}

export function tinyDiscriminator(seed: number, channels = 3): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: seed * 10 + s });
  const input = tfl.input({ shape: [8, 8, channels] });
  let x = tfl.layers.conv2d({ filters: 4, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: init(4) }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', kernelInitializer: init(5) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x });
}

/** A deterministic batch drawn from `rng` (so resumed runs see the same data). */
export function batchFrom(rng: SeededRandom, n = 2, channels = 3): { x: tf.Tensor4D; y: tf.Tensor4D } {
  return tf.tidy(() => {
    const x = tf.randomUniform([n, 8, 8, channels], -1, 1, 'float32', rng.seed()) as tf.Tensor4D;
    const y = tf.tanh(tf.mul(tf.reverse(x, 2), 1.5)) as tf.Tensor4D;
    return { x, y };
  });
}

/** One optimiser step of a generator-only L1 regression; returns the loss value. */
export function regressionStep(model: tfl.LayersModel, opt: tf.Optimizer, rng: SeededRandom): number {
  const { x, y } = batchFrom(rng);
  const cost = opt.minimize(() => tf.mean(tf.abs(tf.sub(model.apply(x) as tf.Tensor, y))) as tf.Scalar, true, model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
  const v = cost!.dataSync()[0]!;
  tf.dispose([x, y, cost!]);
  return v;
}

/** All weights of a model flattened into one array. */
export function flatWeights(model: tfl.LayersModel): Float32Array {
  const parts = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
