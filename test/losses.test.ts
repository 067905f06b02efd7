import { describe, expect, it } from 'vitest';
import { tf, tfl } from '../src/tf.js';
import type { Tensor } from '../src/tf.js';
import {
  charbonnierLoss,
  combinedCeFocalLoss,
  crossEntropyLoss,
  diceLoss,
  focalLoss,
  ganDiscriminatorLoss,
  ganGeneratorLoss,
  gaussianKl,
  gradientPenalty,
  klLoss,
  l1Loss,
  l2Loss,
  lovaszSoftmaxLoss,
  totalVariationLoss,
  type GanMode,
} from '../src/losses/index.js';
import { checkGradient, expectClose, expectNoLeaks, loadFixture } from './helpers/index.js';

const fx = loadFixture('losses.json');
const T = (data: number[], shape: number[]) => tf.tensor(data, shape, 'float32');

/** Value and PyTorch gradient of a scalar loss of x. */
function expectValueAndGrad(f: (x: Tensor) => Tensor, x: Tensor, value: number, grad: number[] | null, label: string, rtol = 1e-5) {
  const v = tf.tidy(() => f(x).dataSync()[0]!);
  expectClose(v, value, rtol, `${label} value`);
  if (grad) {
    const g = tf.tidy(() => tf.grad(f)(x).dataSync());
    expectClose(g, grad, 1e-4, `${label} grad`);
  }
}

describe('pixel losses', () => {
  const p = fx.pixel;
  const pred = T(p.prediction, p.shape);
  const targ = T(p.target, p.shape);
  it('L1, L2, Charbonnier match torch (value and gradient)', () => {
    expectValueAndGrad((x) => l1Loss(x, targ), pred, p.l1.value, p.l1.grad, 'l1');
    expectValueAndGrad((x) => l2Loss(x, targ), pred, p.l2.value, p.l2.grad, 'l2');
    expectValueAndGrad((x) => charbonnierLoss(x, targ), pred, p.charbonnier.value, p.charbonnier.grad, 'charbonnier');
    expectValueAndGrad((x) => l1Loss(x, targ, { reduction: 'sum' }), pred, p.l1_sum.value, p.l1_sum.grad, 'l1 sum');
    expectValueAndGrad((x) => l2Loss(x, targ, { reduction: 'sum' }), pred, p.l2_sum.value, p.l2_sum.grad, 'l2 sum');
    const none = l1Loss(pred, targ, { reduction: 'none' });
    expect(none.shape).toEqual(p.shape);
    none.dispose();
  });
  it('finite-difference gradient of Charbonnier', () => {
    checkGradient((x) => charbonnierLoss(x, targ, { reduction: 'sum' }), pred, { eps: 1e-2 });
  });
  it('rejects shape mismatch and bad epsilon', () => {
    const other = tf.zeros([2, 4, 5, 1]);
    expect(() => l1Loss(pred, other)).toThrow(/same shape/);
    expect(() => charbonnierLoss(pred, targ, { epsilon: 0 })).toThrow(/epsilon/);
    expect(() => l2Loss(pred, targ, { reduction: 'avg' as never })).toThrow(/reduction/);
    other.dispose();
  });
  it('does not leak', async () => {
    await expectNoLeaks(() => charbonnierLoss(pred, targ));
    await expectNoLeaks(() => tf.grad((x: Tensor) => l1Loss(x, targ))(pred));
  });
});

describe('GAN losses', () => {
  const g = fx.gan;
  const real = T(g.real, g.shape);
  const fake = T(g.fake, g.shape);
  const real2 = T(g.real2, g.shape2);
  const fake2 = T(g.fake2, g.shape2);
  for (const mode of ['vanilla', 'lsgan', 'hinge', 'wgan'] as GanMode[]) {
    it(`${mode}: D and G values and gradients match torch, multi-scale sums`, () => {
      const r = g[mode];
      expectValueAndGrad((x) => ganDiscriminatorLoss(x, fake, { mode }), real, r.d, r.dGradReal, `${mode} D real`);
      expectValueAndGrad((x) => ganDiscriminatorLoss(real, x, { mode }), fake, r.d, r.dGradFake, `${mode} D fake`);
      expectValueAndGrad((x) => ganGeneratorLoss(x, { mode }), fake, r.g, r.gGradFake, `${mode} G`);
      const dm = ganDiscriminatorLoss([real, real2], [fake, fake2], { mode });
      const gm = ganGeneratorLoss([fake, fake2], { mode });
      expectClose(dm, r.dMulti, 1e-5, 'multi D');
      expectClose(gm, r.gMulti, 1e-5, 'multi G');
      tf.dispose([dm, gm]);
    });
  }
  it('vanilla is stable for logits of ±80', () => {
    const x = tf.tensor([80, -80, 0.5]);
    const [v, gr] = tf.tidy(() => [ganGeneratorLoss(x, { mode: 'vanilla' }).dataSync()[0]!, tf.grad((t: Tensor) => ganDiscriminatorLoss(t, t, { mode: 'vanilla' }))(x).dataSync()]);
    expect(Number.isFinite(v)).toBe(true);
    expectClose(v, (80 + Math.log1p(Math.exp(-80)) + Math.log1p(Math.exp(-0.5))) / 3, 1e-5);
    expect(Array.from(gr as Float32Array).every(Number.isFinite)).toBe(true);
    x.dispose();
  });
  it('rejects bad modes and scale counts', () => {
    expect(() => ganGeneratorLoss(fake, { mode: 'bce' as never })).toThrow(/mode/);
    expect(() => ganDiscriminatorLoss([real, real2], [fake])).toThrow(/scales/);
    expect(() => ganGeneratorLoss([])).toThrow(/non-empty/);
  });
  it('WGAN-GP penalty and its gradient w.r.t. the critic weights (double backprop) match torch', async () => {
    const gp = fx.gradientPenalty;
    const w = tf.variable(tf.tensor(gp.w, [3, 3, 2]));
    const critic = (x: Tensor) => {
      const wx = tf.mul(w, x);
      return tf.sum(tf.add(tf.leakyRelu(wx, 0.2), tf.mul(tf.square(wx), 0.1)), [1, 2, 3]);
    };
    const real = T(gp.real, gp.shape);
    const fake = T(gp.fake, gp.shape);
    const pen = gradientPenalty(critic, real, fake, { alpha: gp.alpha });
    expectClose(pen, gp.value, 1e-5, 'penalty');
    const { value, grads } = tf.variableGrads(() => gradientPenalty(critic, real, fake, { alpha: gp.alpha }), [w]);
    expectClose(grads[w.name]!, gp.gradW, 1e-4, 'd penalty / d w');
    await expectNoLeaks(() => gradientPenalty(critic, real, fake, { seed: 3 }));
    tf.dispose([w, real, fake, pen, value, grads[w.name]!]);
  });
});

describe('gradientPenalty with a LayersModel critic', () => {
  it('conv + LeakyReLU critic: gradient w.r.t. its kernel matches finite differences', () => {
    const critic = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }), biasInitializer: 'ones' }),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }) }),
      ],
    });
    const real = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 3);
    const fake = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 4);
    const f = () => gradientPenalty(critic, real, fake, { alpha: [0.3, 0.6] });
    const kernel = (critic.layers[0]!.trainableWeights[0] as unknown as { val: tf.Variable }).val;
    const { value, grads } = tf.variableGrads(f, [kernel]);
    const g = grads[kernel.name]!.dataSync();
    const base = kernel.dataSync().slice();
    for (const i of [0, 5, 17, 40]) {
      const at = (d: number) => {
        const p = base.slice();
        p[i] = p[i]! + d;
        tf.tidy(() => kernel.assign(tf.tensor(p, kernel.shape)));
        return tf.tidy(() => f().dataSync()[0]!);
      };
      const numeric = (at(1e-2) - at(-1e-2)) / 2e-2;
      expect(Math.abs(numeric - g[i]!)).toBeLessThan(1e-3 + 1e-3 * Math.abs(numeric));
    }
    tf.tidy(() => kernel.assign(tf.tensor(base, kernel.shape)));
    tf.dispose([real, fake, value, grads[kernel.name]!]);
    critic.dispose();
  });
});

describe('total variation', () => {
  const t = fx.tv;
  const img = T(t.images, t.shape);
  for (const mode of ['l1', 'l2', 'isotropic'] as const) {
    it(`${mode}: mean, sum and none match the reference`, () => {
      expectValueAndGrad((x) => totalVariationLoss(x, { mode }), img, t[`${mode}_mean`].value[0], t[`${mode}_mean`].grad, `${mode} mean`);
      expectValueAndGrad((x) => totalVariationLoss(x, { mode, reduction: 'sum' }), img, t[`${mode}_sum`].value[0], t[`${mode}_sum`].grad, `${mode} sum`);
      const none = totalVariationLoss(img, { mode, reduction: 'none' });
      expect(none.shape).toEqual([2]);
      expectClose(none, t[`${mode}_none`].value, 1e-5, `${mode} none`);
      none.dispose();
    });
  }
  it('finite differences (isotropic) and validation', () => {
    checkGradient((x) => totalVariationLoss(x, { mode: 'isotropic' }), img);
    const tiny = tf.zeros([1, 1, 4, 3]);
    expect(() => totalVariationLoss(tiny)).toThrow(/height and width/);
    expect(() => totalVariationLoss(img, { mode: 'l3' as never })).toThrow(/mode/);
    tiny.dispose();
  });
});

describe('segmentation losses', () => {
  const s = fx.seg;
  const logits = T(s.logits, s.shape);
  const labels = tf.tensor(s.labels, s.shape.slice(0, 3), 'int32');
  const cw: number[] = s.classWeights;
  const pa: number[] = s.perClassAlpha;

  it('cross-entropy with ignore, class weights, label smoothing, sum and none', () => {
    expectValueAndGrad((x) => crossEntropyLoss(x, labels), logits, s.ce.value, s.ce.grad, 'ce');
    expectValueAndGrad((x) => crossEntropyLoss(x, labels, { classWeights: cw }), logits, s.ce_weighted.value, s.ce_weighted.grad, 'ce weighted');
    expectValueAndGrad((x) => crossEntropyLoss(x, labels, { labelSmoothing: 0.1 }), logits, s.ce_smooth.value, s.ce_smooth.grad, 'ce smooth');
    expectValueAndGrad((x) => crossEntropyLoss(x, labels, { labelSmoothing: 0.1, classWeights: cw }), logits, s.ce_smooth_weighted.value, s.ce_smooth_weighted.grad, 'ce smooth weighted');
    expectValueAndGrad((x) => crossEntropyLoss(x, labels, { reduction: 'sum' }), logits, s.ce_sum.value, s.ce_sum.grad, 'ce sum');
    const none = crossEntropyLoss(logits, labels, { reduction: 'none' });
    expect(none.shape).toEqual(s.shape.slice(0, 3));
    expectClose(none, s.ce_none.value, 1e-5, 'ce none');
    none.dispose();
  });

  for (const gamma of [0, 0.5, 2]) {
    it(`focal γ=${gamma} with no, scalar and per-class α`, () => {
      for (const [name, alpha] of [['none', undefined], ['scalar', 0.25], ['perclass', pa]] as const) {
        const r = s[`focal_g${gamma}_${name}`];
        expectValueAndGrad((x) => focalLoss(x, labels, { gamma, alpha: alpha as number | number[] | undefined }), logits, r.value, r.grad, `focal γ${gamma} α ${name}`);
      }
    });
  }

  it('focal none reduction; γ = 0 equals CE exactly', () => {
    const none = focalLoss(logits, labels, { reduction: 'none' });
    expectClose(none, s.focal_none.value, 1e-5, 'focal none');
    const f0 = focalLoss(logits, labels, { gamma: 0 });
    const ce = crossEntropyLoss(logits, labels);
    expect(f0.dataSync()[0]).toBe(ce.dataSync()[0]);
    tf.dispose([none, f0, ce]);
  });

  it('combined CE+focal matches torch; α = 1 is CE and α = 0 is focal', () => {
    for (const al of [0.3, 0.5]) {
      const r = s[`combined_${al}`];
      expectValueAndGrad((x) => combinedCeFocalLoss(x, labels, { alpha: al }), logits, r.value, r.grad, `combined ${al}`);
    }
    expectValueAndGrad(
      (x) => combinedCeFocalLoss(x, labels, { alpha: 0.5, classWeights: cw, gamma: 0.5, focalAlpha: 0.25 }),
      logits, s.combined_weighted.value, s.combined_weighted.grad, 'combined weighted',
    );
    const [c1, ce, c0, fl] = tf.tidy(() => [
      combinedCeFocalLoss(logits, labels, { alpha: 1 }).dataSync()[0]!,
      crossEntropyLoss(logits, labels).dataSync()[0]!,
      combinedCeFocalLoss(logits, labels, { alpha: 0, gamma: 2 }).dataSync()[0]!,
      focalLoss(logits, labels, { gamma: 2 }).dataSync()[0]!,
    ]);
    expect(c1).toBe(ce);
    expect(c0).toBe(fl);
  });

  it('Dice (smp multiclass): plain, smooth, log loss, per class', () => {
    expectValueAndGrad((x) => diceLoss(x, labels), logits, s.dice.value, s.dice.grad, 'dice');
    expectValueAndGrad((x) => diceLoss(x, labels, { smooth: 1 }), logits, s.dice_smooth.value, s.dice_smooth.grad, 'dice smooth');
    expectValueAndGrad((x) => diceLoss(x, labels, { logLoss: true }), logits, s.dice_log.value, s.dice_log.grad, 'dice log');
    const none = diceLoss(logits, labels, { reduction: 'none' });
    expectClose(none, s.dice_none.value, 1e-5, 'dice none');
    expect(none.dataSync()[4]).toBe(0); // class 4 has no ground-truth pixel
    none.dispose();
  });

  it('Lovász-Softmax: present / all / list, per image or not, value and gradient', () => {
    for (const cl of ['present', 'all', 'list'] as const) {
      for (const pi of [false, true]) {
        const r = s[`lovasz_${cl}_${pi ? 'img' : 'batch'}`];
        const classes = cl === 'list' ? [0, 2, 4] : cl;
        expectValueAndGrad((x) => lovaszSoftmaxLoss(x, labels, { classes, perImage: pi }), logits, r.value, r.grad, `lovasz ${cl} ${pi}`);
      }
    }
    const per = lovaszSoftmaxLoss(logits, labels, { perImage: true, reduction: 'none' });
    expect(per.shape).toEqual([2]);
    expectClose(tf.tidy(() => tf.mean(per).dataSync()[0]!), s.lovasz_present_img.value, 1e-5);
    per.dispose();
  });

  it('finite-difference gradients of focal (γ = 0.5) and Dice', () => {
    const small = tf.slice(logits, [0, 0, 0, 0], [1, 2, 3, 6]);
    const lab = tf.slice(labels, [0, 0, 0], [1, 2, 3]);
    checkGradient((x) => focalLoss(x, lab, { gamma: 0.5, alpha: pa }), small, { eps: 1e-2 });
    checkGradient((x) => diceLoss(x, lab), small, { eps: 1e-2 });
    tf.dispose([small, lab]);
  });

  it('±80 logits give finite losses and gradients; all-ignored batches give 0', () => {
    const big = tf.tidy(() => tf.mul(tf.sign(logits), 80));
    const fns = [
      (x: Tensor) => crossEntropyLoss(x, labels),
      (x: Tensor) => focalLoss(x, labels, { gamma: 0.5 }),
      (x: Tensor) => focalLoss(x, labels, { gamma: 2, alpha: 0.25 }),
      (x: Tensor) => combinedCeFocalLoss(x, labels),
      (x: Tensor) => diceLoss(x, labels, { logLoss: true }),
      (x: Tensor) => lovaszSoftmaxLoss(x, labels),
    ];
    for (const f of fns) {
      const [v, g] = tf.tidy(() => [f(big).dataSync()[0]!, tf.grad(f)(big).dataSync()]);
      expect(Number.isFinite(v), `value ${v}`).toBe(true);
      expect(Array.from(g as Float32Array).every(Number.isFinite)).toBe(true);
    }
    const ignored = tf.fill(s.shape.slice(0, 3), 255, 'int32');
    const all = [
      (x: Tensor) => crossEntropyLoss(x, ignored),
      (x: Tensor) => crossEntropyLoss(x, ignored, { classWeights: cw }),
      (x: Tensor) => focalLoss(x, ignored),
      (x: Tensor) => combinedCeFocalLoss(x, ignored),
      (x: Tensor) => diceLoss(x, ignored),
      (x: Tensor) => lovaszSoftmaxLoss(x, ignored),
      (x: Tensor) => lovaszSoftmaxLoss(x, ignored, { perImage: true }),
    ];
    for (const f of all) {
      const [v, g] = tf.tidy(() => [f(logits).dataSync()[0]!, tf.grad(f)(logits).dataSync()]);
      expect(v).toBe(0);
      expect(Array.from(g as Float32Array).every((e) => e === 0)).toBe(true);
    }
    tf.dispose([big, ignored]);
  });

  it('rejects bad inputs with clear messages', () => {
    const floatLabels = tf.cast(labels, 'float32');
    expect(() => crossEntropyLoss(logits, floatLabels)).toThrow(/int32/);
    const wrongShape = tf.zeros([2, 4, 4], 'int32');
    expect(() => focalLoss(logits, wrongShape)).toThrow(/shape \[2,4,5\]/);
    const tooBig = tf.fill([2, 4, 5], 6, 'int32');
    expect(() => diceLoss(logits, tooBig)).toThrow(/label 6/);
    expect(() => focalLoss(logits, labels, { alpha: [0.5, 0.5] })).toThrow(/6 finite/);
    expect(() => crossEntropyLoss(logits, labels, { classWeights: [1, 2, 3] })).toThrow(/classWeights/);
    expect(() => combinedCeFocalLoss(logits, labels, { alpha: 1.5 })).toThrow(/alpha/);
    expect(() => lovaszSoftmaxLoss(logits, labels, { classes: [9] })).toThrow(/classes/);
    tf.dispose([floatLabels, wrongShape, tooBig]);
  });

  it('does not leak (values and gradients)', async () => {
    await expectNoLeaks(() => combinedCeFocalLoss(logits, labels, { classWeights: cw, focalAlpha: pa }));
    await expectNoLeaks(() => tf.grad((x: Tensor) => lovaszSoftmaxLoss(x, labels, { perImage: true }))(logits));
    await expectNoLeaks(() => tf.grad((x: Tensor) => diceLoss(x, labels))(logits));
    await expectNoLeaks(() => crossEntropyLoss(logits, labels, { labelSmoothing: 0.1 }));
  });
});

describe('KL', () => {
  const k = fx.kl;
  const mu = T(k.mu, k.shape);
  const lv = T(k.logVar, k.shape);
  it('klLoss = mean(μ²) and closed-form Gaussian KL match torch', () => {
    expectValueAndGrad((x) => klLoss(x), mu, k.kl, k.klGrad, 'kl');
    expectValueAndGrad((x) => gaussianKl(x, lv), mu, k.gaussian, k.gaussianGradMu, 'gaussian kl mu');
    expectValueAndGrad((x) => gaussianKl(mu, x), lv, k.gaussian, k.gaussianGradLogVar, 'gaussian kl logVar');
    expect(() => gaussianKl(mu, tf.zeros([1]))).toThrow(/same shape/);
  });
});
