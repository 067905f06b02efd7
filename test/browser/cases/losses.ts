/**
 * Loss cases: every value and gradient reference of `test/losses.test.ts` (pixel, GAN incl.
 * the WGAN-GP penalty, total variation, CE / focal / combined / Dice / Lovász, KL) plus the
 * Gram matrix of `test/losses_vgg.test.ts`, with the Node test's tolerances: 1e-5 on values,
 * 1e-4 on gradients. Perceptual and style losses are left out: they need VGG-19 weights.
 */
import type { Scalar, Tensor } from '../../../src/tf.js';
import type { FixtureCase, Fixtures, Lib } from './types.js';

type Build = (lib: Lib, fx: Fixtures) => { f: (x: Tensor) => Tensor; x: Tensor };

const VALUE_RTOL = 1e-5;
const GRAD_RTOL = 1e-4;

const T = (lib: Lib, data: number[], shape: number[]): Tensor => lib.tf.tensor(data, shape, 'float32');
const read = (t: Tensor): number[] => Array.from(t.dataSync());

/** The value case of `f(x)`. */
function value(name: string, expected: (fx: Fixtures) => number | number[], build: Build): FixtureCase {
  return {
    name: `${name} value`,
    rtol: VALUE_RTOL,
    expected: (fx) => [expected(fx)].flat(),
    compute: (lib, fx) => lib.tf.tidy(() => {
      const { f, x } = build(lib, fx);
      return read(f(x));
    }),
  };
}

/** The gradient case of `f` at `x`. */
function grad(name: string, expected: (fx: Fixtures) => number[], build: Build): FixtureCase {
  return {
    name: `${name} gradient`,
    rtol: GRAD_RTOL,
    expected,
    compute: (lib, fx) => lib.tf.tidy(() => {
      const { f, x } = build(lib, fx);
      return read(lib.tf.grad(f)(x));
    }),
  };
}

/** Value and gradient of a fixture entry `{ value, grad }`. */
function valueAndGrad(name: string, entry: (fx: Fixtures) => { value: number | number[]; grad: number[] }, build: Build): FixtureCase[] {
  return [value(name, (fx) => entry(fx).value, build), grad(name, (fx) => entry(fx).grad, build)];
}

function pixelCases(): FixtureCase[] {
  const inputs = (lib: Lib, fx: Fixtures) => {
    const p = fx.losses.pixel;
    return { pred: T(lib, p.prediction, p.shape), targ: T(lib, p.target, p.shape) };
  };
  const specs = [
    ['l1', (lib: Lib, x: Tensor, t: Tensor) => lib.l1Loss(x, t)],
    ['l2', (lib: Lib, x: Tensor, t: Tensor) => lib.l2Loss(x, t)],
    ['charbonnier', (lib: Lib, x: Tensor, t: Tensor) => lib.charbonnierLoss(x, t)],
    ['l1_sum', (lib: Lib, x: Tensor, t: Tensor) => lib.l1Loss(x, t, { reduction: 'sum' })],
    ['l2_sum', (lib: Lib, x: Tensor, t: Tensor) => lib.l2Loss(x, t, { reduction: 'sum' })],
  ] as const;
  return specs.flatMap(([key, loss]) =>
    valueAndGrad(`pixel ${key}`, (fx) => fx.losses.pixel[key], (lib, fx) => {
      const { pred, targ } = inputs(lib, fx);
      return { f: (x) => loss(lib, x, targ), x: pred };
    }),
  );
}

function ganCases(): FixtureCase[] {
  const inputs = (lib: Lib, fx: Fixtures) => {
    const g = fx.losses.gan;
    return { real: T(lib, g.real, g.shape), fake: T(lib, g.fake, g.shape), real2: T(lib, g.real2, g.shape2), fake2: T(lib, g.fake2, g.shape2) };
  };
  return (['vanilla', 'lsgan', 'hinge', 'wgan'] as const).flatMap((mode) => {
    const r = (fx: Fixtures) => fx.losses.gan[mode];
    const multi = (name: string, key: 'dMulti' | 'gMulti', f: (lib: Lib, i: ReturnType<typeof inputs>) => Tensor): FixtureCase => ({
      name: `gan ${mode} ${name} value`,
      rtol: VALUE_RTOL,
      expected: (fx) => [r(fx)[key]],
      compute: (lib, fx) => lib.tf.tidy(() => read(f(lib, inputs(lib, fx)))),
    });
    return [
      ...valueAndGrad(`gan ${mode} D (w.r.t. real)`, (fx) => ({ value: r(fx).d, grad: r(fx).dGradReal }), (lib, fx) => {
        const { real, fake } = inputs(lib, fx);
        return { f: (x) => lib.ganDiscriminatorLoss(x, fake, { mode }), x: real };
      }),
      grad(`gan ${mode} D (w.r.t. fake)`, (fx) => r(fx).dGradFake, (lib, fx) => {
        const { real, fake } = inputs(lib, fx);
        return { f: (x) => lib.ganDiscriminatorLoss(real, x, { mode }), x: fake };
      }),
      ...valueAndGrad(`gan ${mode} G`, (fx) => ({ value: r(fx).g, grad: r(fx).gGradFake }), (lib, fx) => {
        const { fake } = inputs(lib, fx);
        return { f: (x) => lib.ganGeneratorLoss(x, { mode }), x: fake };
      }),
      multi('D multi-scale', 'dMulti', (lib, i) => lib.ganDiscriminatorLoss([i.real, i.real2], [i.fake, i.fake2], { mode })),
      multi('G multi-scale', 'gMulti', (lib, i) => lib.ganGeneratorLoss([i.fake, i.fake2], { mode })),
    ];
  });
}

/** WGAN-GP with the fixture's elementwise critic: the penalty and its gradient w.r.t. the critic weights (double backprop). */
function gradientPenaltyCases(): FixtureCase[] {
  const run = (lib: Lib, fx: Fixtures, out: 'value' | 'gradW'): number[] => {
    const { tf } = lib;
    const gp = fx.losses.gradientPenalty;
    const init = tf.tensor(gp.w, [3, 3, 2]);
    const w = tf.variable(init); // shares init's data, which outlives init.dispose()
    init.dispose();
    try {
      return tf.tidy(() => {
        const critic = (x: Tensor) => {
          const wx = tf.mul(w, x);
          return tf.sum(tf.add(tf.leakyRelu(wx, 0.2), tf.mul(tf.square(wx), 0.1)), [1, 2, 3]);
        };
        const real = T(lib, gp.real, gp.shape);
        const fake = T(lib, gp.fake, gp.shape);
        const f = () => lib.gradientPenalty(critic, real, fake, { alpha: gp.alpha }) as Scalar;
        if (out === 'value') return read(f());
        const { grads } = tf.variableGrads(f, [w]);
        return read(grads[w.name]!);
      });
    } finally {
      w.dispose();
    }
  };
  return [
    { name: 'gradientPenalty value', rtol: VALUE_RTOL, expected: (fx) => [fx.losses.gradientPenalty.value], compute: (lib, fx) => run(lib, fx, 'value') },
    { name: 'gradientPenalty d/d critic weights', rtol: GRAD_RTOL, expected: (fx) => fx.losses.gradientPenalty.gradW, compute: (lib, fx) => run(lib, fx, 'gradW') },
  ];
}

function tvCases(): FixtureCase[] {
  const img = (lib: Lib, fx: Fixtures) => T(lib, fx.losses.tv.images, fx.losses.tv.shape);
  return (['l1', 'l2', 'isotropic'] as const).flatMap((mode) => [
    ...valueAndGrad(`tv ${mode} mean`, (fx) => fx.losses.tv[`${mode}_mean`], (lib, fx) => ({ f: (x) => lib.totalVariationLoss(x as never, { mode }), x: img(lib, fx) })),
    ...valueAndGrad(`tv ${mode} sum`, (fx) => fx.losses.tv[`${mode}_sum`], (lib, fx) => ({ f: (x) => lib.totalVariationLoss(x as never, { mode, reduction: 'sum' }), x: img(lib, fx) })),
    value(`tv ${mode} none`, (fx) => fx.losses.tv[`${mode}_none`].value, (lib, fx) => ({ f: (x) => lib.totalVariationLoss(x as never, { mode, reduction: 'none' }), x: img(lib, fx) })),
  ]);
}

function segmentationCases(): FixtureCase[] {
  const logits = (lib: Lib, fx: Fixtures) => T(lib, fx.losses.seg.logits, fx.losses.seg.shape);
  const labels = (lib: Lib, fx: Fixtures) => lib.tf.tensor(fx.losses.seg.labels, fx.losses.seg.shape.slice(0, 3), 'int32');
  /** A loss of the logits, with the fixture's labels, class weights and per-class α at hand. */
  const seg = (name: string, key: string, loss: (lib: Lib, x: Tensor, y: Tensor, s: any) => Tensor, withGrad = true): FixtureCase[] => {
    const build: Build = (lib, fx) => {
      const y = labels(lib, fx);
      return { f: (x) => loss(lib, x, y, fx.losses.seg), x: logits(lib, fx) };
    };
    return withGrad ? valueAndGrad(name, (fx) => fx.losses.seg[key], build) : [value(name, (fx) => fx.losses.seg[key].value, build)];
  };
  const ce = [
    ...seg('ce', 'ce', (lib, x, y) => lib.crossEntropyLoss(x, y)),
    ...seg('ce class weights', 'ce_weighted', (lib, x, y, s) => lib.crossEntropyLoss(x, y, { classWeights: s.classWeights })),
    ...seg('ce label smoothing', 'ce_smooth', (lib, x, y) => lib.crossEntropyLoss(x, y, { labelSmoothing: 0.1 })),
    ...seg('ce smoothing + weights', 'ce_smooth_weighted', (lib, x, y, s) => lib.crossEntropyLoss(x, y, { labelSmoothing: 0.1, classWeights: s.classWeights })),
    ...seg('ce sum', 'ce_sum', (lib, x, y) => lib.crossEntropyLoss(x, y, { reduction: 'sum' })),
    ...seg('ce none', 'ce_none', (lib, x, y) => lib.crossEntropyLoss(x, y, { reduction: 'none' }), false),
  ];
  const focal = [0, 0.5, 2].flatMap((gamma) =>
    (['none', 'scalar', 'perclass'] as const).flatMap((a) =>
      seg(`focal γ=${gamma} α=${a}`, `focal_g${gamma}_${a}`, (lib, x, y, s) =>
        lib.focalLoss(x, y, { gamma, alpha: a === 'none' ? undefined : a === 'scalar' ? 0.25 : s.perClassAlpha })),
    ),
  );
  focal.push(...seg('focal none', 'focal_none', (lib, x, y) => lib.focalLoss(x, y, { reduction: 'none' }), false));
  const combined = [
    ...seg('combined α=0.3', 'combined_0.3', (lib, x, y) => lib.combinedCeFocalLoss(x, y, { alpha: 0.3 })),
    ...seg('combined α=0.5', 'combined_0.5', (lib, x, y) => lib.combinedCeFocalLoss(x, y, { alpha: 0.5 })),
    ...seg('combined weighted', 'combined_weighted', (lib, x, y, s) =>
      lib.combinedCeFocalLoss(x, y, { alpha: 0.5, classWeights: s.classWeights, gamma: 0.5, focalAlpha: 0.25 })),
  ];
  const dice = [
    ...seg('dice', 'dice', (lib, x, y) => lib.diceLoss(x, y)),
    ...seg('dice smooth=1', 'dice_smooth', (lib, x, y) => lib.diceLoss(x, y, { smooth: 1 })),
    ...seg('dice log', 'dice_log', (lib, x, y) => lib.diceLoss(x, y, { logLoss: true })),
    ...seg('dice none', 'dice_none', (lib, x, y) => lib.diceLoss(x, y, { reduction: 'none' }), false),
  ];
  const lovasz = (['present', 'all', 'list'] as const).flatMap((cl) =>
    [false, true].flatMap((perImage) =>
      seg(`lovász ${cl} ${perImage ? 'per image' : 'batch'}`, `lovasz_${cl}_${perImage ? 'img' : 'batch'}`, (lib, x, y) =>
        lib.lovaszSoftmaxLoss(x, y, { classes: cl === 'list' ? [0, 2, 4] : cl, perImage })),
    ),
  );
  return [...ce, ...focal, ...combined, ...dice, ...lovasz];
}

function klCases(): FixtureCase[] {
  const mu = (lib: Lib, fx: Fixtures) => T(lib, fx.losses.kl.mu, fx.losses.kl.shape);
  const lv = (lib: Lib, fx: Fixtures) => T(lib, fx.losses.kl.logVar, fx.losses.kl.shape);
  return [
    ...valueAndGrad('klLoss', (fx) => ({ value: fx.losses.kl.kl, grad: fx.losses.kl.klGrad }), (lib, fx) => ({ f: (x) => lib.klLoss(x), x: mu(lib, fx) })),
    ...valueAndGrad('gaussianKl (w.r.t. μ)', (fx) => ({ value: fx.losses.kl.gaussian, grad: fx.losses.kl.gaussianGradMu }), (lib, fx) => {
      const l = lv(lib, fx);
      return { f: (x) => lib.gaussianKl(x, l), x: mu(lib, fx) };
    }),
    grad('gaussianKl (w.r.t. log σ²)', (fx) => fx.losses.kl.gaussianGradLogVar, (lib, fx) => {
      const m = mu(lib, fx);
      return { f: (x) => lib.gaussianKl(m, x), x: lv(lib, fx) };
    }),
  ];
}

const gramCase: FixtureCase = value('gramMatrix', (fx) => fx.gram.value, (lib, fx) => ({ f: (x) => lib.gramMatrix(x as never), x: T(lib, fx.gram.features, fx.gram.shape) }));

/** Every loss case, in the order of `test/losses.test.ts`. */
export function lossCases(): FixtureCase[] {
  return [...pixelCases(), ...ganCases(), ...gradientPenaltyCases(), ...tvCases(), ...segmentationCases(), ...klCases(), gramCase];
}
