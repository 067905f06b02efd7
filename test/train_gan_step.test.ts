import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { tf, tfl } from '../src/tf.js';
import type { Tensor } from '../src/tf.js';
import { NanGuard, NonFiniteLossError, createGanStep, optimizerStep } from '../src/train/index.js';
import { expectClose, expectNoLeaks } from './helpers/index.js';

type Batch = { z: Tensor; real: Tensor };

/** A tiny linear G (z[2] → x[3]) and a tanh-linear D (x[3] → logit), as plain variables. */
function tinyGan(seed = 1) {
  const wg = tf.variable(tf.randomNormal([2, 3], 0, 0.5, 'float32', seed), true, `wg${seed}`);
  const wd = tf.variable(tf.randomNormal([3, 1], 0, 0.5, 'float32', seed + 1), true, `wd${seed}`);
  const G = (z: Tensor) => tf.matMul(z as tf.Tensor2D, wg);
  const D = (x: Tensor) => tf.matMul(tf.tanh(x) as tf.Tensor2D, wd);
  const batch: Batch = { z: tf.randomNormal([4, 2], 0, 1, 'float32', 7), real: tf.randomNormal([4, 3], 0.5, 0.2, 'float32', 8) };
  // LSGAN, pix2pix weighting
  const dLoss = ({ z, real }: Batch) => {
    const lossReal = tf.mean(tf.square(tf.sub(D(real), 1))) as tf.Scalar;
    const lossFake = tf.mean(tf.square(D(G(z)))) as tf.Scalar;
    return { total: tf.mul(0.5, tf.add(lossReal, lossFake)) as tf.Scalar, terms: { real: lossReal, fake: lossFake } };
  };
  const gLoss = ({ z, real }: Batch) => {
    const fake = G(z);
    const gan = tf.mean(tf.square(tf.sub(D(fake), 1))) as tf.Scalar;
    const l1 = tf.mean(tf.abs(tf.sub(fake, real))) as tf.Scalar;
    return { total: tf.add(gan, tf.mul(10, l1)) as tf.Scalar, terms: { gan, l1 } };
  };
  const dispose = () => tf.dispose([wg, wd, batch.z, batch.real]);
  return { wg, wd, G, D, batch, dLoss, gLoss, dispose };
}

const snap = (t: Tensor) => Array.from(t.dataSync());

describe('createGanStep', () => {
  it('the D update leaves G bit-identical and the G update leaves D bit-identical', async () => {
    const g = tinyGan();
    const before = { g: snap(g.wg), d: snap(g.wd) };
    let atGStart: { g: number[]; d: number[] } | undefined;
    const step = createGanStep<Batch>({
      generatorVariables: [g.wg],
      discriminatorVariables: [g.wd],
      generatorOptimizer: tf.train.adam(0.01, 0.5),
      discriminatorOptimizer: tf.train.adam(0.01, 0.5),
      discriminatorLoss: g.dLoss,
      generatorLoss: (b) => {
        atGStart = { g: snap(g.wg), d: snap(g.wd) }; // after the D update, before the G update
        return g.gLoss(b);
      },
    });
    const terms = await step(g.batch);
    const after = { g: snap(g.wg), d: snap(g.wd) };
    expect(atGStart!.g).toEqual(before.g); // D step did not touch G
    expect(atGStart!.d).not.toEqual(before.d); // … but did move D
    expect(after.d).toEqual(atGStart!.d); // G step did not touch D
    expect(after.g).not.toEqual(atGStart!.g); // … but did move G
    expect(Object.keys(terms).sort()).toEqual(['d_fake', 'd_real', 'd_total', 'g_gan', 'g_l1', 'g_total']);
    // terms are the values at the pre-update weights: recompute the D loss with the initial weights
    expectClose(terms.d_total!, 0.5 * (terms.d_real! + terms.d_fake!), 1e-6, 'd_total = ½(real + fake)');
    expectClose(terms.g_total!, terms.g_gan! + 10 * terms.g_l1!, 1e-6, 'g_total = gan + 10·l1');
    expect(step.step).toBe(1);
    g.dispose();
  });

  it('first-step Adam update moves each weight by ≈ lr (only its own network)', async () => {
    const g = tinyGan(3);
    const lr = 0.01;
    const d0 = snap(g.wd);
    const g0 = snap(g.wg);
    const step = createGanStep<Batch>({
      generatorVariables: g.wg,
      discriminatorVariables: g.wd,
      generatorOptimizer: tf.train.adam(lr),
      discriminatorOptimizer: tf.train.adam(lr),
      discriminatorLoss: g.dLoss,
      generatorLoss: g.gLoss,
    });
    await step(g.batch);
    // Adam's first step is lr·m̂/(√v̂+ε) = lr·sign(grad) for every coordinate with a non-zero gradient
    for (const [a, b] of [[snap(g.wd), d0], [snap(g.wg), g0]] as const) {
      a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeCloseTo(lr, 5));
    }
    g.dispose();
  });

  it('works with tfjs-layers models, generator-first order and several D steps per iteration', async () => {
    const G = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2], activation: 'tanh' })] });
    const D = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }), tfl.layers.dense({ units: 1 })] });
    const z = tf.randomNormal([4, 2], 0, 1, 'float32', 11);
    const real = tf.randomNormal([4, 3], 0, 1, 'float32', 12);
    const weights = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
    const log: string[] = [];
    let dAtFirstD: number[][] = [];
    let gAtFirstD: number[][] = [];
    const g0 = weights(G);
    const step = createGanStep<null>({
      generatorVariables: [G],
      discriminatorVariables: [D],
      generatorOptimizer: tf.train.adam(0.01),
      discriminatorOptimizer: tf.train.rmsprop(0.01),
      order: 'generator-first',
      discriminatorSteps: 2,
      discriminatorLoss: (_b, ctx) => {
        log.push(`D${ctx.dIteration}@${ctx.step}`);
        if (ctx.dIteration === 0) {
          dAtFirstD = weights(D);
          gAtFirstD = weights(G);
        }
        const fake = G.apply(z) as Tensor;
        return tf.add(tf.mean(tf.relu(tf.sub(1, D.apply(real) as Tensor))), tf.mean(tf.relu(tf.add(1, D.apply(fake) as Tensor)))) as tf.Scalar;
      },
      generatorLoss: () => {
        log.push('G');
        return tf.neg(tf.mean(D.apply(G.apply(z) as Tensor) as Tensor)) as tf.Scalar;
      },
    });
    const d0 = weights(D);
    const t = await step(null);
    expect(log).toEqual(['G', 'D0@1', 'D1@1']);
    expect(dAtFirstD).toEqual(d0); // G step (first) left D alone
    expect(gAtFirstD).not.toEqual(g0); // and moved G
    expect(weights(G)).toEqual(gAtFirstD); // the two D steps left G alone
    expect(weights(D)).not.toEqual(d0);
    expect(Object.keys(t).sort()).toEqual(['d_total', 'g_total']);
    tf.dispose([z, real]);
    G.dispose();
    D.dispose();
  });

  it('does not leak tensors over steps after a warm-up (with a gradient-penalty hook)', async () => {
    const g = tinyGan(5);
    const step = createGanStep<Batch>({
      generatorVariables: [g.wg],
      discriminatorVariables: [g.wd],
      generatorOptimizer: tf.train.adam(1e-3, 0.5),
      discriminatorOptimizer: tf.train.adam(1e-3, 0.5),
      discriminatorLoss: g.dLoss,
      generatorLoss: g.gLoss,
      gradientPenalty: ({ z, real }) =>
        tf.tidy(() => {
          const fake = g.G(z);
          const alpha = tf.randomUniform([4, 1], 0, 1, 'float32', 3);
          const xHat = tf.add(tf.mul(alpha, real), tf.mul(tf.sub(1, alpha), fake));
          const grad = tf.grad((x: Tensor) => tf.sum(g.D(x)))(xHat);
          const norm = tf.sqrt(tf.add(tf.sum(tf.square(grad), 1), 1e-12));
          return tf.mul(10, tf.mean(tf.square(tf.sub(norm, 1)))) as tf.Scalar;
        }),
    });
    await expectNoLeaks(() => step(g.batch), 4);
    const t = await step(g.batch);
    expect(t.d_gp).toBeGreaterThan(0);
    expectClose(t.d_total!, 0.5 * (t.d_real! + t.d_fake!) + t.d_gp!, 1e-5, 'd_total includes the penalty');
    expect(step.step).toBe(6);
    g.dispose();
  });

  it('the gradient-penalty hook contributes gradients to D (second-order gradient)', async () => {
    // with a zero D loss, only the penalty moves D
    const g = tinyGan(9);
    const d0 = snap(g.wd);
    const step = createGanStep<Batch>({
      generatorVariables: [g.wg],
      discriminatorVariables: [g.wd],
      generatorOptimizer: tf.train.sgd(0),
      discriminatorOptimizer: tf.train.sgd(0.1),
      discriminatorLoss: () => tf.mul(0, tf.sum(g.wd)) as tf.Scalar,
      generatorLoss: g.gLoss,
      gradientPenalty: ({ real }) => {
        const grad = tf.grad((x: Tensor) => tf.sum(g.D(x)))(real);
        return tf.mean(tf.square(tf.sub(tf.sqrt(tf.sum(tf.square(grad), 1)), 1))) as tf.Scalar;
      },
    });
    await step(g.batch);
    expect(snap(g.wd)).not.toEqual(d0);
    g.dispose();
  });

  it('a NaN term stops the step with NonFiniteLossError naming the term, before the update is applied', async () => {
    const g = tinyGan(13);
    const guard = new NanGuard();
    guard.recordCheckpoint('runs/x/ckpt-000000');
    const gBefore = snap(g.wg);
    const step = createGanStep<Batch>({
      generatorVariables: [g.wg],
      discriminatorVariables: [g.wd],
      generatorOptimizer: tf.train.adam(0.01),
      discriminatorOptimizer: tf.train.adam(0.01),
      discriminatorLoss: g.dLoss,
      generatorLoss: (b) => {
        const { total, terms } = g.gLoss(b);
        const bad = tf.log(tf.sub(tf.mean(g.wg), 1e6)) as tf.Scalar; // log of a negative number
        return { total: tf.add(total, bad) as tf.Scalar, terms: { ...terms, bad } };
      },
      guard,
    });
    const err = await step(g.batch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    const e = err as NonFiniteLossError;
    // g_total is NaN too, but the guard names the term that made it so
    expect(e.term).toBe('g_bad');
    expect(Number.isNaN(e.terms.g_bad)).toBe(true);
    expect(e.step).toBe(1);
    expect(e.lastCheckpoint).toBe('runs/x/ckpt-000000');
    expect(snap(g.wg)).toEqual(gBefore); // the non-finite G update was not applied
    g.dispose();
  });

  it('rejects overlapping variable lists, a shared optimizer and bad options', () => {
    const g = tinyGan(17);
    const base = {
      generatorOptimizer: tf.train.sgd(0.1),
      discriminatorOptimizer: tf.train.sgd(0.1),
      discriminatorLoss: g.dLoss,
      generatorLoss: g.gLoss,
    };
    expect(() => createGanStep({ ...base, generatorVariables: [g.wg, g.wd], discriminatorVariables: [g.wd] })).toThrow(/disjoint/);
    expect(() => createGanStep({ ...base, generatorVariables: [g.wg], discriminatorVariables: [g.wd], discriminatorOptimizer: base.generatorOptimizer })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createGanStep({ ...base, generatorVariables: [], discriminatorVariables: [g.wd] })).toThrow(/generatorVariables/);
    expect(() => createGanStep({ ...base, generatorVariables: [g.wg], discriminatorVariables: [g.wd], discriminatorSteps: 0 })).toThrow(/discriminatorSteps/);
    const frozen = tf.variable(tf.zeros([1]), false);
    expect(() => createGanStep({ ...base, generatorVariables: [frozen], discriminatorVariables: [g.wd] })).toThrow(/trainable/);
    tf.dispose(frozen);
    g.dispose();
  });
});

describe('optimizerStep', () => {
  it('applies one SGD update on the listed variables only and returns the terms', async () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]), true, 'w_sgd');
    const other = tf.variable(tf.tensor1d([5]), true, 'other_sgd');
    const t = await optimizerStep(tf.train.sgd(0.1), [w], () => {
      const sq = tf.sum(tf.square(w)) as tf.Scalar;
      const o = tf.sum(tf.square(other)) as tf.Scalar;
      return { total: tf.add(sq, o) as tf.Scalar, terms: { sq, o } };
    }, { prefix: 'seg_' });
    expectClose(w.dataSync(), [0.8, -1.6, 2.4], 1e-6, 'w − 0.1·2w');
    expect(Array.from(other.dataSync())).toEqual([5]);
    expect(t).toEqual({ seg_total: 39, seg_sq: 14, seg_o: 25 });
    const sgd = tf.train.sgd(0.01); // one optimizer: SGD caches its −lr as a tensor
    await expectNoLeaks(() => optimizerStep(sgd, [w], () => tf.sum(tf.square(w)) as tf.Scalar));
    const before = tf.memory().numTensors;
    await expect(optimizerStep(sgd, [w], () => tf.square(w) as never)).rejects.toThrow(/scalar/);
    expect(tf.memory().numTensors).toBe(before); // a throwing closure leaks nothing either
    tf.dispose([w, other]);
    sgd.dispose();
  });
});

describe('optimizerStep ownership', () => {
  it('never disposes a term tensor the caller owns', async () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'w_own');
    const constant = tf.scalar(3);
    const sgd = tf.train.sgd(0.1);
    const t = await optimizerStep(sgd, [w], () => ({ total: tf.sum(w) as tf.Scalar, terms: { weight: constant } }));
    expect(t).toEqual({ total: 3, weight: 3 });
    const unrelated = tf.variable(tf.scalar(1), true, 'unrelated');
    await expect(optimizerStep(sgd, [unrelated], () => tf.sum(w) as tf.Scalar)).rejects.toThrow(/none of them influences the loss/);
    unrelated.dispose();
    expect(constant.isDisposed).toBe(false);
    tf.dispose([w, constant]);
    sgd.dispose();
  });
});
