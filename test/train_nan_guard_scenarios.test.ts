// NaN-guard scenarios of a training step: the culprit term is named (not the
// total), a finite loss with a NaN gradient is refused before the update, and a
// refused step leaves no trace in batch-norm moving statistics — through
// optimizerStep and createGanStep, without tensor leaks.
import { describe, expect, it } from 'vitest';
import { tf, tfl } from '../src/tf.js';
import {
  NanGuard,
  NonFiniteGradientError,
  NonFiniteLossError,
  assertFiniteTerms,
  createGanStep,
  optimizerStep,
} from '../src/train/index.js';
import { collectNonTrainable } from '../src/train/variables.js';
import { expectNoLeaks } from './helpers/index.js';

/** A conv → batch norm → conv net on 4×4×2 inputs (its BN has moving mean/variance). */
function bnNet(seed: number, name: string): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: seed * 10 + s });
  const input = tfl.input({ shape: [4, 4, 2] });
  let x = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: init(1), name: `${name}_c1` }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ momentum: 0.5, name: `${name}_bn` }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 2, kernelSize: 1, kernelInitializer: init(2), name: `${name}_c2` }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x, name });
}

/** A two-level U-Net with batch norm, built from stock tfjs layers with seeded initialisers. */
function tinyUnet(seed: number, size = 16, f = 4): tfl.LayersModel {
  let s = seed * 100;
  const init = () => tfl.initializers.heNormal({ seed: ++s });
  const block = (x: tfl.SymbolicTensor, filters: number) => {
    for (let i = 0; i < 2; i++) {
      x = tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init() }).apply(x) as tfl.SymbolicTensor;
      x = tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }).apply(x) as tfl.SymbolicTensor;
      x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
    }
    return x;
  };
  const input = tfl.input({ shape: [size, size, 3] });
  const skip = block(input, f);
  let x = tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(skip) as tfl.SymbolicTensor;
  x = block(x, 2 * f);
  x = tfl.layers.conv2dTranspose({ filters: f, kernelSize: 2, strides: 2, kernelInitializer: init() }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.concatenate().apply([skip, x]) as tfl.SymbolicTensor;
  x = block(x, f);
  x = tfl.layers.conv2d({ filters: 2, kernelSize: 1, kernelInitializer: init() }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x });
}

/** Every weight (trainable and not) of the models, as plain arrays: compared bit for bit. */
const snap = (...models: tfl.LayersModel[]): number[][] => models.flatMap((m) => m.weights.map((w) => Array.from(w.read().dataSync())));
const nonTrainable = (m: tfl.LayersModel): number[][] => m.nonTrainableWeights.map((w) => Array.from(w.read().dataSync()));
const optState = async (opt: tf.Optimizer): Promise<number[][]> => (await opt.getWeights()).map((w) => Array.from(w.tensor.dataSync()));

const input = (seed: number, nan = false): tf.Tensor4D =>
  tf.tidy(() => {
    const x = tf.randomUniform([2, 4, 4, 2], -1, 1, 'float32', seed) as tf.Tensor4D;
    return nan ? (tf.where(tf.equal(tf.reshape(tf.range(0, 64), [2, 4, 4, 2]), 5), tf.fill(x.shape, Number.NaN), x) as tf.Tensor4D) : x; // one NaN pixel
  });

async function rejection(p: Promise<unknown>): Promise<NonFiniteLossError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(NonFiniteLossError);
  return e as NonFiniteLossError;
}

describe('NaN guard: the culprit term is named, not the total', () => {
  it('a composite { total, terms: { l1, gan } } with only gan NaN → term "gan", total listed after it', async () => {
    const w = tf.variable(tf.tensor1d([0.5, -0.25]), true, 'culprit_w');
    const opt = tf.train.sgd(0.1);
    const guard = new NanGuard();
    guard.recordCheckpoint('runs/a/step-000010');
    const loss = () => {
      const l1 = tf.mean(tf.abs(w)) as tf.Scalar;
      const gan = tf.log(tf.sub(tf.mean(w), 1e6)) as tf.Scalar; // log of a negative number: NaN
      return { total: tf.add(l1, gan) as tf.Scalar, terms: { l1, gan } };
    };
    const e = await rejection(optimizerStep(opt, [w], loss, { beforeApply: (t) => guard.check(7, t) }));
    expect(e.term).toBe('gan');
    expect(Number.isNaN(e.value)).toBe(true);
    expect(e.nonFinite).toEqual(['gan', 'total']);
    expect(e.step).toBe(7);
    expect(e.message).toMatch(/at step 7: term "gan" is NaN; total is NaN; last good checkpoint: runs\/a\/step-000010/);
    expect(e.terms.l1).toBeCloseTo(0.375, 6);
    expect(Array.from(w.dataSync())).toEqual([0.5, -0.25]);
    w.dispose();
  });

  it('assertFiniteTerms lists every bad term, culprits before gradient norms and totals', () => {
    const err = (() => {
      try {
        assertFiniteTerms(3, { g_total: Number.NaN, g_l1: Number.NaN, g_grad_norm: Number.NaN, g_gan: Infinity, g_tv: 0.1 });
      } catch (e) {
        return e as NonFiniteLossError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect(err!.term).toBe('g_l1');
    expect(err!.nonFinite).toEqual(['g_l1', 'g_gan', 'g_total', 'g_grad_norm']);
    expect(err!.message).toMatch(/term "g_l1" is NaN \(also: g_gan\); g_total is NaN; g_grad_norm is NaN; no checkpoint/);
    // the total is only blamed when every other term is finite
    expect(() => assertFiniteTerms(3, { total: Infinity, l1: 0.5 })).toThrow(/term "total" is Infinity; no checkpoint/);
  });
});

describe('NaN guard: a finite loss with a NaN gradient is refused before the update', () => {
  // sqrt(sum(w²)) at w = 0: the loss is 0, its gradient w/|w| is 0/0 = NaN
  const setup = async () => {
    const w = tf.variable(tf.tensor1d([3, 4]), true, `sqrtnorm_${Math.random()}`);
    const opt = tf.train.adam(0.1);
    const loss = () => tf.sqrt(tf.sum(tf.square(w))) as tf.Scalar;
    await optimizerStep(opt, [w], loss); // a good step first: Adam has its slots and one iteration
    w.assign(tf.zeros([2]));
    return { w, opt, loss };
  };

  it('without a guard: NonFiniteGradientError naming the variable; weights and Adam state unchanged', async () => {
    const { w, opt, loss } = await setup();
    const before = await optState(opt);
    const e = await rejection(optimizerStep(opt, [w], loss, { step: 12 }));
    expect(e).toBeInstanceOf(NonFiniteGradientError);
    const g = e as NonFiniteGradientError;
    expect(g.term).toBe('grad_norm');
    expect(g.loss).toBe('total');
    expect(g.variables).toEqual([w.name]);
    expect(g.terms.total).toBe(0);
    expect(g.step).toBe(12);
    expect(g.message).toMatch(/step 12: term "grad_norm" is NaN: the gradient of total is non-finite in sqrtnorm_.* although total is finite/);
    expect(Array.from(w.dataSync())).toEqual([0, 0]);
    expect(opt.iterations).toBe(1);
    expect(await optState(opt)).toEqual(before);
    w.dispose();
  });

  it('with a guard: the guard sees grad_norm, the error carries its last checkpoint', async () => {
    const { w, opt, loss } = await setup();
    const guard = new NanGuard('runs/b/step-000100');
    guard.check(1, { total: 5 });
    const seen: Array<Record<string, number>> = [];
    const e = await rejection(
      optimizerStep(opt, [w], loss, {
        beforeApply: (t) => {
          seen.push(t);
          guard.check(2, t);
        },
      }),
    );
    expect(e).toBeInstanceOf(NonFiniteGradientError);
    expect(Object.keys(seen[0]!)).toEqual(['total', 'grad_norm']);
    expect(Number.isNaN(seen[0]!.grad_norm)).toBe(true);
    expect(e.term).toBe('grad_norm');
    expect(e.lastCheckpoint).toBe('runs/b/step-000100');
    expect((e as NonFiniteGradientError).variables).toEqual([w.name]);
    expect(guard.lastGoodStep).toBe(1);
    expect(Array.from(w.dataSync())).toEqual([0, 0]);
    expect(opt.iterations).toBe(1);
    w.dispose();
  });

  it('a good step gives beforeApply the global gradient norm and returns only the terms', async () => {
    const w = tf.variable(tf.tensor1d([3, 4]), true, 'gradnorm_good');
    let seen: Record<string, number> = {};
    // d/dw sum(w²) = 2w = [6, 8]: norm 10
    const out = await optimizerStep(tf.train.sgd(0.01), [w], () => tf.sum(tf.square(w)) as tf.Scalar, { beforeApply: (t) => (seen = t) });
    expect(seen.grad_norm).toBeCloseTo(10, 5);
    expect(out).toEqual({ total: 25 });
    await expect(optimizerStep(tf.train.sgd(0.01), [w], () => ({ total: tf.sum(w) as tf.Scalar, terms: { grad_norm: tf.scalar(1) } }))).rejects.toThrow(
      /"grad_norm" \(it is reserved\)/,
    );
    w.dispose();
  });
});

describe('NaN guard: batch-norm moving statistics of a refused step are put back', () => {
  it('NaN input in training mode: throws, moving mean/variance and weights bit-equal to before', async () => {
    const net = bnNet(1, 'bn_nan');
    const opt = tf.train.adam(0.01);
    const good = input(2);
    const bad = input(3, true);
    const loss = (x: tf.Tensor4D) => () => tf.mean(tf.square(net.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar;
    await optimizerStep(opt, [net], loss(good));
    const before = snap(net);
    const statsBefore = nonTrainable(net);
    expect(collectNonTrainable([net]).length).toBe(2);
    // without a guard (NaN loss → NaN gradient) and with one
    const e1 = await rejection(optimizerStep(opt, [net], loss(bad)));
    expect(e1.term).toBe('total');
    expect(e1.nonFinite).toEqual(['total', 'grad_norm']);
    expect(snap(net)).toEqual(before);
    const guard = new NanGuard();
    await rejection(optimizerStep(opt, [net], loss(bad), { beforeApply: (t) => guard.check(2, t) }));
    expect(snap(net)).toEqual(before);
    // a throwing closure after the forward pass, and a throwing beforeApply on a finite step
    await expect(
      optimizerStep(opt, [net], () => {
        net.apply(good, { training: true });
        throw new Error('closure failed');
      }),
    ).rejects.toThrow('closure failed');
    expect(snap(net)).toEqual(before);
    await expect(optimizerStep(opt, [net], loss(good), { beforeApply: () => { throw new Error('veto'); } })).rejects.toThrow('veto');
    expect(snap(net)).toEqual(before);
    // a good step still moves the statistics
    await optimizerStep(opt, [net], loss(good));
    expect(nonTrainable(net)).not.toEqual(statsBefore);
    tf.dispose([good, bad]);
    net.dispose();
  });

  it('restoreOnFailure covers a second network run in training mode by the closure', async () => {
    const net = bnNet(4, 'bn_main');
    const other = bnNet(5, 'bn_other');
    const bad = input(6, true);
    const before = snap(other);
    const loss = () => tf.mean(tf.square(net.apply(other.apply(bad, { training: true }) as tf.Tensor, { training: true }) as tf.Tensor)) as tf.Scalar;
    await rejection(optimizerStep(tf.train.sgd(0.1), [net], loss, { restoreOnFailure: [other] }));
    expect(snap(other)).toEqual(before);
    await expect(optimizerStep(tf.train.sgd(0.1), [net], loss, { restoreOnFailure: [{}] as never })).rejects.toThrow(/options\.restoreOnFailure\[0\]/);
    bad.dispose();
    net.dispose();
    other.dispose();
  });
});

describe('NaN guard through createGanStep', () => {
  type Batch = { x: tf.Tensor4D; y: tf.Tensor4D };
  const gan = (seed: number) => {
    const G = bnNet(seed, `G${seed}`);
    const D = bnNet(seed + 1, `D${seed}`);
    const gz = tf.variable(tf.zeros([2]), true, `gz${seed}`);
    const dz = tf.variable(tf.zeros([2]), true, `dz${seed}`);
    const dOpt = tf.train.adam(0.01);
    const gOpt = tf.train.adam(0.01);
    return { G, D, gz, dz, dOpt, gOpt, dispose: () => { G.dispose(); D.dispose(); tf.dispose([gz, dz]); } };
  };
  const dLossOf = (g: ReturnType<typeof gan>, extra?: () => tf.Scalar, gTraining = true) => ({ x, y }: Batch) => {
    const fake = g.G.apply(x, { training: gTraining }) as tf.Tensor; // D's closure runs G in training mode too
    const real = tf.mean(tf.square(tf.sub(g.D.apply(y, { training: true }) as tf.Tensor, 1))) as tf.Scalar;
    const fk = tf.mean(tf.square(g.D.apply(fake, { training: true }) as tf.Tensor)) as tf.Scalar;
    const terms: Record<string, tf.Scalar> = { real, fake: fk };
    let total = tf.add(real, fk) as tf.Scalar;
    if (extra) total = tf.add(total, (terms.extra = extra())) as tf.Scalar;
    return { total, terms };
  };
  const gLossOf = (g: ReturnType<typeof gan>, extra?: () => tf.Scalar, calls?: { n: number }) => ({ x, y }: Batch) => {
    if (calls) calls.n++;
    const fake = g.G.apply(x, { training: true }) as tf.Tensor;
    const l1 = tf.mean(tf.abs(tf.sub(fake, y))) as tf.Scalar;
    const adv = tf.mean(tf.square(tf.sub(g.D.apply(fake) as tf.Tensor, 1))) as tf.Scalar;
    const terms: Record<string, tf.Scalar> = { l1, adv };
    let total = tf.add(l1, adv) as tf.Scalar;
    if (extra) total = tf.add(total, (terms.extra = extra())) as tf.Scalar;
    return { total, terms };
  };
  const build = (g: ReturnType<typeof gan>, o: { d?: () => tf.Scalar; g?: () => tf.Scalar; calls?: { n: number }; guard?: NanGuard; gTraining?: boolean }) =>
    createGanStep<Batch>({
      generatorVariables: [g.G, g.gz],
      discriminatorVariables: [g.D, g.dz],
      generatorOptimizer: g.gOpt,
      discriminatorOptimizer: g.dOpt,
      discriminatorLoss: dLossOf(g, o.d, o.gTraining),
      generatorLoss: gLossOf(g, o.g, o.calls),
      guard: o.guard,
    });

  it('a NaN D term is named; nothing of D or G changes and the G update does not run', async () => {
    const g = gan(10);
    const batch = { x: input(11), y: input(12) };
    const guard = new NanGuard('ckpt/7');
    const calls = { n: 0 };
    await build(g, {})(batch); // slots exist
    const before = snap(g.G, g.D);
    const dState = await optState(g.dOpt);
    const e = await rejection(build(g, { d: () => tf.log(tf.sub(tf.mean(g.dz), 1)) as tf.Scalar, calls, guard })(batch));
    expect(e.term).toBe('d_extra');
    expect(e.nonFinite).toEqual(['d_extra', 'd_total']);
    expect(e.lastCheckpoint).toBe('ckpt/7');
    expect(calls.n).toBe(0);
    expect(snap(g.G, g.D)).toEqual(before);
    expect(await optState(g.dOpt)).toEqual(dState);
    tf.dispose(Object.values(batch));
    g.dispose();
  });

  it('a finite D loss with a NaN gradient (sqrt(sum(dz²)) at 0) is refused, with and without a guard', async () => {
    const g = gan(20);
    const batch = { x: input(21), y: input(22) };
    await build(g, {})(batch);
    g.dz.assign(tf.zeros([2]));
    const before = snap(g.G, g.D);
    const dState = await optState(g.dOpt);
    const d = () => tf.sqrt(tf.sum(tf.square(g.dz))) as tf.Scalar;
    for (const guard of [undefined, new NanGuard()]) {
      const calls = { n: 0 };
      const e = await rejection(build(g, { d, calls, guard })(batch));
      expect(e).toBeInstanceOf(NonFiniteGradientError);
      expect(e.term).toBe('d_grad_norm');
      expect((e as NonFiniteGradientError).loss).toBe('d_total');
      expect((e as NonFiniteGradientError).variables).toEqual([g.dz.name]);
      expect(e.step).toBe(1);
      expect(calls.n).toBe(0);
      expect(snap(g.G, g.D)).toEqual(before);
      expect(Array.from(g.dz.dataSync())).toEqual([0, 0]);
      expect(await optState(g.dOpt)).toEqual(dState);
    }
    tf.dispose(Object.values(batch));
    g.dispose();
  });

  it('a NaN gradient in the G update: G (weights and BN stats) and its optimizer unchanged', async () => {
    const g = gan(30);
    const batch = { x: input(31), y: input(32) };
    await build(g, {})(batch);
    const gBefore = snap(g.G);
    const gState = await optState(g.gOpt);
    const dBefore = snap(g.D);
    // D's closure runs G in inference mode here, so only the refused G update could move G's statistics
    const e = await rejection(build(g, { g: () => tf.sqrt(tf.sum(tf.square(g.gz))) as tf.Scalar, gTraining: false })(batch));
    expect(e).toBeInstanceOf(NonFiniteGradientError);
    expect(e.term).toBe('g_grad_norm');
    expect((e as NonFiniteGradientError).variables).toEqual([g.gz.name]);
    expect(snap(g.G)).toEqual(gBefore);
    expect(snap(g.D)).not.toEqual(dBefore); // the D update before it was good and applied
    expect(await optState(g.gOpt)).toEqual(gState);
    tf.dispose(Object.values(batch));
    g.dispose();
  });

  it('NaN input: BN statistics of both G and D are bit-equal to before', async () => {
    const g = gan(40);
    const good = { x: input(41), y: input(42) };
    const bad = { x: input(43, true), y: input(44) };
    const guard = new NanGuard();
    await build(g, { guard })(good);
    const before = snap(g.G, g.D);
    const e = await rejection(build(g, { guard })(bad));
    expect(e.term).toBe('d_fake');
    expect(snap(g.G, g.D)).toEqual(before);
    tf.dispose([...Object.values(good), ...Object.values(bad)]);
    g.dispose();
  });
});

describe('NaN guard: no tensor leaks', () => {
  it('repeated good steps and repeated refused steps leave the tensor count unchanged', async () => {
    const net = bnNet(50, 'leak_net');
    const opt = tf.train.adam(0.01);
    const good = input(51);
    const bad = input(52, true);
    const w = tf.variable(tf.zeros([2]), true, 'leak_w');
    const guard = new NanGuard();
    const loss = (x: tf.Tensor4D) => () => ({
      total: tf.mean(tf.square(net.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
      terms: { one: tf.scalar(1) as tf.Scalar },
    });
    const refused = (p: Promise<unknown>) =>
      p.then(
        () => expect.unreachable('step should throw'),
        (e: unknown) => void expect(e).toBeInstanceOf(NonFiniteLossError),
      );
    await expectNoLeaks(() => optimizerStep(opt, [net], loss(good), { beforeApply: (t) => guard.check(1, t) }), 3);
    await expectNoLeaks(() => refused(optimizerStep(opt, [net], loss(bad), { beforeApply: (t) => guard.check(1, t) })), 3);
    await expectNoLeaks(() => refused(optimizerStep(opt, [net], loss(bad))), 3);
    const sgd = tf.train.sgd(0.1);
    await expectNoLeaks(() => refused(optimizerStep(sgd, [w], () => tf.sqrt(tf.sum(tf.square(w))) as tf.Scalar)), 3);
    const G = bnNet(53, 'leak_G');
    const D = bnNet(54, 'leak_D');
    const step = createGanStep<tf.Tensor4D>({
      generatorVariables: [G],
      discriminatorVariables: [D],
      generatorOptimizer: tf.train.adam(0.01),
      discriminatorOptimizer: tf.train.adam(0.01),
      discriminatorLoss: (x) => tf.mean(tf.square(D.apply(G.apply(x, { training: true }) as tf.Tensor, { training: true }) as tf.Tensor)) as tf.Scalar,
      generatorLoss: (x) => tf.mean(tf.square(tf.sub(D.apply(G.apply(x, { training: true }) as tf.Tensor) as tf.Tensor, 1))) as tf.Scalar,
      guard,
    });
    await expectNoLeaks(() => step(good), 3);
    await expectNoLeaks(() => refused(step(bad)), 3);
    tf.dispose([good, bad, w]);
    net.dispose();
    G.dispose();
    D.dispose();
  });
});

describe('NaN guard: a good step is unchanged', () => {
  it('a tiny batch-norm U-Net: the same values as before the guard, and as a bare variableGrads + applyGradients', async () => {
    // stock tfjs layers (not the library's builders) so that the numbers depend on the step alone
    const a = tinyUnet(3);
    const b = tinyUnet(3);
    const x = tf.randomUniform([1, 16, 16, 3], -1, 1, 'float32', 11);
    const y = tf.randomUniform([1, 16, 16, 2], -1, 1, 'float32', 12);
    const loss = (m: tfl.LayersModel) => () =>
      tf.tidy(() => {
        const d = tf.sub(m.apply(x, { training: true }) as tf.Tensor, y);
        const l1 = tf.mean(tf.abs(d)) as tf.Scalar;
        const l2 = tf.mean(tf.square(d)) as tf.Scalar;
        return { total: tf.add(l1, tf.mul(0.5, l2)) as tf.Scalar, terms: { l1, l2 } };
      });
    const optA = tf.train.adam(1e-2);
    const optB = tf.train.adam(1e-2);
    const bVars = b.trainableWeights.map((w) => w.read() as tf.Variable);
    const got: Array<Record<string, number>> = [];
    for (let i = 0; i < 3; i++) {
      got.push(await optimizerStep(optA, [a], loss(a), { beforeApply: () => undefined }));
      // the reference: what a step did before the guard (one variableGrads, one applyGradients)
      const { value, grads } = tf.variableGrads(() => loss(b)().total, bVars);
      expect(got[i]!.total).toBe(value.dataSync()[0]);
      optB.applyGradients(grads as Record<string, tf.Variable>);
      tf.dispose([value, grads]);
    }
    expect(snap(a)).toEqual(snap(b));
    // recorded with the code before this change (wasm backend)
    const recorded = [
      { total: 1.2275598049163818, l1: 0.7480567693710327, l2: 0.9590059518814087 },
      { total: 1.0240159034729004, l1: 0.6554497480392456, l2: 0.7371322512626648 },
      { total: 0.8773089051246643, l1: 0.5882892608642578, l2: 0.578039288520813 },
    ];
    got.forEach((row, i) => {
      expect(Object.keys(row)).toEqual(['total', 'l1', 'l2']);
      for (const k of ['total', 'l1', 'l2'] as const) expect(row[k]).toBeCloseTo(recorded[i]![k], 6);
    });
    tf.dispose([x, y]);
    a.dispose();
    b.dispose();
  });
});
