import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { tf } from '../src/tf.js';
import {
  applyLrSchedule,
  constantLr,
  cosineLr,
  createLrSchedule,
  getLearningRate,
  linearDecayLr,
  polyLr,
  setLearningRate,
  stepLr,
  withWarmup,
  type LrSchedule,
} from '../src/train/index.js';
import { expectClose, loadFixture } from './helpers/index.js';

interface Case {
  name: 'linear' | 'step' | 'cosine' | 'poly';
  baseLr: number;
  options: any;
  lrs: number[];
}

describe('learning-rate schedules', () => {
  const fixture = loadFixture<{ cases: Case[] }>('lr_schedules.json');
  const build: Record<Case['name'], (lr: number, o: any) => LrSchedule> = {
    linear: linearDecayLr,
    step: stepLr,
    cosine: cosineLr,
    poly: polyLr,
  };

  for (const c of fixture.cases) {
    it(`${c.name} ${JSON.stringify(c.options)} matches PyTorch / pix2pix`, () => {
      const s = build[c.name](c.baseLr, c.options);
      expectClose(c.lrs.map((_, t) => s(t)), c.lrs, 1e-9, c.name);
      const viaSpec = createLrSchedule({ type: c.name, lr: c.baseLr, ...c.options });
      expect(c.lrs.map((_, t) => viaSpec(t))).toEqual(c.lrs.map((_, t) => s(t)));
    });
  }

  it('closed forms at hand-picked points', () => {
    expect(constantLr(3e-4)(12345)).toBe(3e-4);
    const lin = linearDecayLr(2e-4, { nConstant: 100, nDecay: 100 });
    expect(lin(98)).toBe(2e-4);
    expect(lin(150)).toBeCloseTo(2e-4 * (1 - 51 / 101), 15);
    expect(lin(500)).toBe(0); // clamped past the end of the decay
    expect(stepLr(0.01, { stepSize: 30 })(60)).toBeCloseTo(1e-4, 15);
    expect(cosineLr(1e-3, { tMax: 100 })(50)).toBeCloseTo(5e-4, 15);
    expect(cosineLr(1e-3, { tMax: 100, etaMin: 1e-5 })(250)).toBe(1e-5); // held after tMax
    expect(polyLr(0.01, { totalSteps: 1000 })(500)).toBeCloseTo(0.01 * 0.5 ** 0.9, 15);
    expect(polyLr(0.01, { totalSteps: 10, power: 1, minLr: 0.001 })(5)).toBeCloseTo(0.0055, 15);
    const warm = withWarmup(constantLr(1e-3), 10);
    expect([0, 5, 10, 20].map(warm)).toEqual([0, 5e-4, 1e-3, 1e-3]);
  });

  it('rejects bad arguments with the argument named', () => {
    expect(() => stepLr(0.1, { stepSize: 0 })).toThrow(/stepSize/);
    expect(() => cosineLr(-1, { tMax: 3 })).toThrow(/baseLr/);
    expect(() => polyLr(0.1, { totalSteps: 0 })).toThrow(/totalSteps/);
    expect(() => constantLr(0.1)(-1)).toThrow(/step/);
    expect(() => createLrSchedule({ type: 'exp' } as never)).toThrow(InvalidArgumentError);
  });
});

describe('setLearningRate / applyLrSchedule', () => {
  it('changes the step size of Adam and SGD in place', () => {
    const w = tf.variable(tf.tensor1d([1, -1]), true, 'w_lr');
    const grads = () => [{ name: 'w_lr', tensor: tf.tensor1d([0.5, -2]) }];
    // Adam's first update is −lr·sign(g) (ε aside): a new lr must show in it
    const adam = tf.train.adam(0.1);
    setLearningRate(adam, 0.01);
    expect(getLearningRate(adam)).toBe(0.01);
    let g = grads();
    adam.applyGradients(g);
    tf.dispose(g.map((x) => x.tensor));
    expectClose(w.dataSync(), [0.99, -0.99], 1e-5, 'adam with lr 0.01');
    // SGD caches −lr in a tensor: setLearningRate must refresh it
    const sgd = tf.train.sgd(1);
    const lr = applyLrSchedule(stepLr(1, { stepSize: 1, gamma: 0.1 }), 2, sgd); // 1·0.1² = 0.01
    expect(lr).toBeCloseTo(0.01, 15);
    g = grads();
    sgd.applyGradients(g);
    tf.dispose(g.map((x) => x.tensor));
    expectClose(w.dataSync(), [0.99 - 0.005, -0.99 + 0.02], 1e-5, 'sgd with lr 0.01');
    expect(() => setLearningRate(adam, Number.NaN)).toThrow(/lr/);
    expect(() => setLearningRate({} as never, 0.1)).toThrow(/optimizer/);
    adam.dispose();
    sgd.dispose();
    w.dispose();
  });
});
