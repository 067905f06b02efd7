import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import { expectClose, expectNoLeaks } from './helpers/index.js';

/** Batch norm from elementary ops: autodiff through it is the reference gradient. */
function composedBatchNorm(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, offset: tf.Tensor, scale: tf.Tensor, eps: number): tf.Tensor {
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, tf.scalar(eps)))), scale), offset);
}

describe.each(['wasm', 'cpu'])('FusedBatchNorm gradient (broadcast form) on %s', (backend) => {
  it('equals autodiff of the composed formula for x, mean, variance, scale, offset', async () => {
    await tf.setBackend(backend);
    const x = tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', 1);
    const mean = tf.randomNormal([4], 0, 0.5, 'float32', 2);
    const variance = tf.add(tf.randomUniform([4], 0.5, 2, 'float32', 3), 0);
    const offset = tf.randomNormal([4], 0, 1, 'float32', 4);
    const scale = tf.randomNormal([4], 1, 0.3, 'float32', 5);
    const w = tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', 6); // a non-uniform upstream gradient
    const f = (g: (...a: tf.Tensor[]) => tf.Tensor) => (xx: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) => tf.sum(tf.mul(g(xx, m, v, o, s), w));
    const fused = tf.grads(f((xx, m, v, o, s) => tf.batchNorm(xx, m, v, o, s, 1e-3)));
    const composed = tf.grads(f((xx, m, v, o, s) => composedBatchNorm(xx, m, v, o, s, 1e-3)));
    const got = fused([x, mean, variance, offset, scale]);
    const want = composed([x, mean, variance, offset, scale]);
    ['x', 'mean', 'variance', 'offset', 'scale'].forEach((name, i) => expectClose(got[i]!, want[i]!.dataSync(), 1e-4, `d${name}`));
    tf.dispose([...got, ...want]);
    await expectNoLeaks(() => tf.tidy(() => fused([x, mean, variance, offset, scale])));
    tf.dispose([x, mean, variance, offset, scale, w]);
  });

  it('is used by a training-mode BatchNormalization layer (no Tile in the backward pass)', async () => {
    await tf.setBackend(backend);
    const { tfl } = await import('../src/tf.js');
    const bn = tfl.layers.batchNormalization({ axis: -1 });
    const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 7);
    bn.apply(x, { training: true });
    const prof = await tf.profile(() => tf.tidy(() => tf.grad((xx: tf.Tensor) => tf.sum(tf.square(bn.apply(xx, { training: true }) as tf.Tensor)))(x)));
    const names = prof.kernels.map((k) => k.name);
    expect(names).toContain('FusedBatchNorm');
    expect(names).not.toContain('Tile');
    x.dispose();
  });
});
