/**
 * The pix2pix training iteration both `bench/models.ts` (wasm) and `bench/gpu.ts` (webgpu)
 * time against PyTorch: U-Net G + 70×70 PatchGAN D, Adam, D: LSGAN, G: LSGAN + 100·L1.
 *
 * One G forward per step as in PyTorch (where the D update reuses `fake.detach()`): the G
 * update runs first (against D before its update), then D trains on the kept fake. Same
 * work as the reference.
 */
import { tf } from '../src/index.js';
import type { Tensor, tfl } from '../src/index.js';

/** The networks, optimizers and one batch (condition `a`, target `b`) of a pix2pix bench. */
export interface Pix2pixBench {
  g: tfl.LayersModel;
  d: tfl.LayersModel;
  optG: tf.Optimizer;
  optD: tf.Optimizer;
  a: Tensor;
  b: Tensor;
}

const vars = (m: { trainableWeights: { read(): Tensor }[] }) => m.trainableWeights.map((w) => w.read() as tf.Variable);

/**
 * Queues one pix2pix iteration and returns `[lossD, lossG]`. The caller reads them (which
 * waits for the whole step) and disposes them.
 */
export function pix2pixStep({ g, d, optG, optD, a, b }: Pix2pixBench): [tf.Scalar, tf.Scalar] {
  let fake: Tensor | null = null;
  const { value: lossG, grads: gradsG } = tf.variableGrads(
    () =>
      tf.tidy(() => {
        const f = g.apply(a, { training: true }) as Tensor;
        fake = tf.keep(f);
        const pf = d.apply(tf.concat([a, f], -1), { training: true }) as Tensor;
        return tf.add(tf.mean(tf.square(tf.sub(pf, 1))), tf.mul(100, tf.mean(tf.abs(tf.sub(f, b))))) as tf.Scalar;
      }),
    vars(g),
  );
  optG.applyGradients(gradsG);
  const fakeConst = fake!;
  const lossD = optD.minimize(
    () =>
      tf.tidy(() => {
        const pf = d.apply(tf.concat([a, fakeConst], -1), { training: true }) as Tensor;
        const pr = d.apply(tf.concat([a, b], -1), { training: true }) as Tensor;
        return tf.mul(0.5, tf.add(tf.mean(tf.square(pf)), tf.mean(tf.square(tf.sub(pr, 1))))) as tf.Scalar;
      }),
    true,
    vars(d),
  )!;
  tf.dispose([fakeConst, ...Object.values(gradsG)]);
  return [lossD, lossG];
}
