// Issue 15, losses: option keys are checked (misspellings rejected with the nearest key), error labels
// read `fn: options.key` / `fn: argument`, composites take `lambdaX` weights, CE+focal supports label
// smoothing through the shared CE terms, and the one masked reduction helper reduces as documented.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import type { Tensor, Tensor4D } from '../src/tf.js';
import { InvalidArgumentError } from '../src/errors.js';
import { loadVgg19Weights, vgg19Features, type Vgg19Extractor } from '../src/models/index.js';
import * as losses from '../src/losses/index.js';
import {
  combinedCeFocalLoss,
  cooperativeRefinementLoss,
  cooperativeRestorationLoss,
  crossEntropyLoss,
  dfsGeneratorLoss,
  focalLoss,
  unitDiscriminatorLoss,
  unitGeneratorLoss,
  type CompositeLoss,
} from '../src/losses/index.js';
import { reduceLoss } from '../src/losses/reduction.js';
import { expectNoLeaks, fixturePath } from './helpers/index.js';

const K = 4;
const logits = () => tf.tensor4d(Array.from({ length: 2 * 3 * 3 * K }, (_, i) => Math.sin(i * 1.7) * 2), [2, 3, 3, K]);
const labels = () => tf.tensor3d([0, 1, 2, 3, 255, 1, 2, 0, 3, 1, 1, 255, 0, 2, 3, 3, 0, 2], [2, 3, 3], 'int32');
const img = (seed = 0) => tf.tensor4d(Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => Math.cos(i * 0.37 + seed) * 0.8), [2, 8, 8, 3]);
const conv = (out: number) => (x: Tensor) => tf.conv2d(x as Tensor4D, tf.fill([3, 3, x.shape[3]!, out], 0.05) as tf.Tensor4D, 1, 'same');

/** The error a call throws (fails the test if it returns); the call's tensors are disposed. */
function thrown(f: () => unknown): InvalidArgumentError {
  let caught: unknown;
  try {
    tf.tidy(() => {
      f();
    });
  } catch (e) {
    caught = e;
  }
  expect(caught, 'an InvalidArgumentError').toBeInstanceOf(InvalidArgumentError);
  return caught as InvalidArgumentError;
}

// the images are 8×8: an extractor's deepest tap must keep ≥ 1 pixel (relu4_4: 8 / 2³ = 1)
let vgg: Vgg19Extractor;
beforeAll(async () => {
  vgg = vgg19Features({ weights: await loadVgg19Weights(fixturePath('vgg19_tiny.safetensors')), layers: ['conv1_2', 'relu2_2', 'relu3_4', 'relu4_4'] });
});
afterAll(() => vgg.dispose());

/**
 * One row per public loss that takes options: a call with a misspelled key, the key, and the
 * nearest valid key the message must suggest. The test below also checks that every exported
 * function appears here (or in NO_OPTIONS), so a new loss cannot skip the check.
 */
const MISSPELLED: [name: string, call: (bad: Record<string, unknown>) => unknown, bad: string, near: string][] = [
  ['l1Loss', (o) => losses.l1Loss(img(), img(1), o), 'reductoin', 'reduction'],
  ['l2Loss', (o) => losses.l2Loss(img(), img(1), o), 'reductin', 'reduction'],
  ['charbonnierLoss', (o) => losses.charbonnierLoss(img(), img(1), o), 'epsilom', 'epsilon'],
  ['ganGeneratorLoss', (o) => losses.ganGeneratorLoss(img(), o), 'mod', 'mode'],
  ['ganDiscriminatorLoss', (o) => losses.ganDiscriminatorLoss(img(), img(1), o), 'scal', 'scale'],
  ['gradientPenalty', (o) => losses.gradientPenalty(conv(1), img(), img(1), o), 'lamda', 'lambda'],
  ['totalVariationLoss', (o) => losses.totalVariationLoss(img(), o), 'mdoe', 'mode'],
  ['crossEntropyLoss', (o) => losses.crossEntropyLoss(logits(), labels(), o), 'ignore_index', 'ignoreIndex'],
  ['focalLoss', (o) => losses.focalLoss(logits(), labels(), o), 'gama', 'gamma'],
  ['combinedCeFocalLoss', (o) => losses.combinedCeFocalLoss(logits(), labels(), o), 'labelSmothing', 'labelSmoothing'],
  ['diceLoss', (o) => losses.diceLoss(logits(), labels(), o), 'smoth', 'smooth'],
  ['lovaszSoftmaxLoss', (o) => losses.lovaszSoftmaxLoss(logits(), labels(), o), 'perimage', 'perImage'],
  ['klLoss', (o) => losses.klLoss(img(), o), 'reductio', 'reduction'],
  ['gaussianKl', (o) => losses.gaussianKl(img(), img(1), o), 'Reduction', 'reduction'],
  ['segmentationConsistencyLoss', (o) => losses.segmentationConsistencyLoss(conv(K), img(), tf.zeros([2, 8, 8], 'int32'), o), 'modes', 'mode'],
  ['perceptualLoss', (o) => losses.perceptualLoss(img(), img(1), { extractor: vgg, layers: ['conv1_2'], ...o }), 'criterium', 'criterion'],
  ['styleLoss', (o) => losses.styleLoss(img(), img(1), { extractor: vgg, layers: ['relu2_2'], ...o }), 'layer', 'layers'],
  ['dfsGeneratorLoss', (o) => dfsGeneratorLoss({ hazy: img(), dehazed: img(1), clear: img(2), discriminator: conv(1) }, { lambdaPerceptual: 0, lambdaSeg: 0, ...o }), 'lambdaPixle', 'lambdaPixel'],
  ['cooperativeRefinementLoss', (o) => cooperativeRefinementLoss({ degraded: img(), refined: img(1), labels: tf.zeros([2, 8, 8], 'int32'), discriminator: conv(1) }, o), 'lambdaCE', 'lambdaCe'],
  ['cooperativeRestorationLoss', (o) => cooperativeRestorationLoss({ restored: img(), target: img(1), discriminator: conv(1) }, { lambdaPerceptual: 0, lambdaStyle: 0, ...o }), 'lambdaTV', 'lambdaTv'],
  ['unitGeneratorLoss', (o) => unitGeneratorLoss({ xA: img(), xB: img(1), xARecon: img(2), xBRecon: img(3), xAB: img(4), xBA: img(5) }, { lambdaGan: 0, lambdaKl: 0, lambdaCycle: 0, lambdaKlCycle: 0, lambdaVgg: 0, ...o }), 'lambdaRecons', 'lambdaRecon'],
  ['unitDiscriminatorLoss', (o) => unitDiscriminatorLoss({ xA: img(), xB: img(1), xAB: img(2), xBA: img(3), discriminatorA: conv(1), discriminatorB: conv(1) }, o), 'ganmode', 'ganMode'],
];
/** Exported functions without an options argument. */
const NO_OPTIONS = ['gramMatrix', 'stopGradient'];

describe('losses: unknown option keys', () => {
  it('every exported function is covered by the misspelled-key table', () => {
    const functions = Object.entries(losses)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k)
      .sort();
    expect(functions).toEqual([...MISSPELLED.map(([n]) => n), ...NO_OPTIONS].sort());
  });

  for (const [name, call, bad, near] of MISSPELLED) {
    it(`${name}({ ${bad} }) throws "${name}: options.${bad}" suggesting "${near}"`, () => {
      const e = thrown(() => call({ [bad]: 1 }));
      expect(e.argument).toBe(`${name}: options.${bad}`);
      expect(e.message).toMatch(new RegExp(`^segaware: invalid ${name}: options\\.${bad}: expected one of the option keys .*\\b${near}\\b.*, received "${bad}" \\(did you mean "${near}"\\?\\)$`));
    });
  }

  it('focalLoss(l, y, { gama: 2 }) lists every valid key (the issue`s example)', () => {
    const e = thrown(() => focalLoss(logits(), labels(), { gama: 2 } as never));
    expect(e.message).toBe('segaware: invalid focalLoss: options.gama: expected one of the option keys gamma, alpha, ignoreIndex, reduction, validateLabels, received "gama" (did you mean "gamma"?)');
  });

  it('composites reject a misspelled input key as `fn: inputs.key` with the nearest match', () => {
    const e = thrown(() => cooperativeRestorationLoss({ restored: img(), target: img(1), condtion: img(2) } as never, { lambdaGan: 0, lambdaPerceptual: 0, lambdaStyle: 0 }));
    expect(e.argument).toBe('cooperativeRestorationLoss: inputs.condtion');
    expect(e.message).toMatch(/\(did you mean "condition"\?\)$/);
    const d = thrown(() => dfsGeneratorLoss({ hazy: img(), dehazed: img(1), clear: img(2), discriminatr: conv(1) } as never));
    expect(d.argument).toBe('dfsGeneratorLoss: inputs.discriminatr');
    expect(d.message).toMatch(/\(did you mean "discriminator"\?\)$/);
  });

  it('the old composite weight names are rejected (renamed to lambdaX, no aliases)', () => {
    const cases: [() => unknown, string][] = [
      [() => dfsGeneratorLoss({ hazy: img(), dehazed: img(1), clear: img(2) }, { ganWeight: 0 } as never), 'dfsGeneratorLoss: options.ganWeight'],
      [() => cooperativeRefinementLoss({ degraded: img(), refined: img(1) }, { lambda: 0 } as never), 'cooperativeRefinementLoss: options.lambda'],
      [() => cooperativeRestorationLoss({ restored: img(), target: img(1) }, { lambdaL1: 0 } as never), 'cooperativeRestorationLoss: options.lambdaL1'],
      [() => unitGeneratorLoss({} as never, { vggWeight: 0 } as never), 'unitGeneratorLoss: options.vggWeight'],
      [() => unitDiscriminatorLoss({} as never, { ganWeight: 0 } as never), 'unitDiscriminatorLoss: options.ganWeight'],
    ];
    for (const [f, label] of cases) expect(thrown(f).argument).toBe(label);
  });

  it('an options argument that is not an object is rejected, labelled `fn: options`', () => {
    expect(thrown(() => crossEntropyLoss(logits(), labels(), 255 as never)).argument).toBe('crossEntropyLoss: options');
    expect(thrown(() => losses.lovaszSoftmaxLoss(logits(), labels(), [] as never)).argument).toBe('lovaszSoftmaxLoss: options');
  });
});

describe('losses: error labels are `fn: options.key` or `fn: argument`', () => {
  const rows: [string, () => unknown][] = [
    ['focalLoss: options.gamma', () => focalLoss(logits(), labels(), { gamma: -1 })],
    ['focalLoss: options.alpha', () => focalLoss(logits(), labels(), { alpha: [1, 2] })],
    ['focalLoss: options.reduction', () => focalLoss(logits(), labels(), { reduction: 'avg' as never })],
    ['crossEntropyLoss: options.ignoreIndex', () => crossEntropyLoss(logits(), labels(), { ignoreIndex: 1.5 })],
    ['crossEntropyLoss: prediction', () => crossEntropyLoss(tf.zeros([2, 3, 3, K], 'int32'), labels())],
    ['crossEntropyLoss: target', () => crossEntropyLoss(logits(), tf.zeros([2, 3, 3]))],
    ['combinedCeFocalLoss: target', () => combinedCeFocalLoss(logits(), tf.fill([2, 3, 3], 9, 'int32'))],
    ['combinedCeFocalLoss: options.focalAlpha', () => combinedCeFocalLoss(logits(), labels(), { focalAlpha: -1 })],
    ['combinedCeFocalLoss: options.labelSmoothing', () => combinedCeFocalLoss(logits(), labels(), { labelSmoothing: 2 })],
    ['diceLoss: options.classes', () => losses.diceLoss(logits(), labels(), { classes: [7] })],
    ['lovaszSoftmaxLoss: options.classes', () => losses.lovaszSoftmaxLoss(logits(), labels(), { classes: 'some' as never })],
    ['l1Loss: options.reduction', () => losses.l1Loss(img(), img(1), { reduction: 'avg' as never })],
    ['charbonnierLoss: options.epsilon', () => losses.charbonnierLoss(img(), img(1), { epsilon: 0 })],
    ['ganGeneratorLoss: options.mode', () => losses.ganGeneratorLoss(img(), { mode: 'bce' as never })],
    ['ganDiscriminatorLoss: options.mode', () => losses.ganDiscriminatorLoss(img(), img(1), { mode: 'bce' as never })],
    ['totalVariationLoss: options.mode', () => losses.totalVariationLoss(img(), { mode: 'l3' as never })],
    ['totalVariationLoss: options.reduction', () => losses.totalVariationLoss(img(), { reduction: 'avg' as never })],
    ['klLoss: options.reduction', () => losses.klLoss(img(), { reduction: 'avg' as never })],
    ['gradientPenalty: options.lambda', () => losses.gradientPenalty(conv(1), img(), img(1), { lambda: -1 })],
    ['gradientPenalty: options.alpha', () => losses.gradientPenalty(conv(1), img(), img(1), { alpha: [0.5] })],
    ['segmentationConsistencyLoss: options.mode', () => losses.segmentationConsistencyLoss(conv(K), img(), tf.zeros([2, 8, 8], 'int32'), { mode: 'bce' as never })],
    ['segmentationConsistencyLoss: prediction', () => losses.segmentationConsistencyLoss(conv(K), tf.zeros([8, 8, 3]), tf.zeros([2, 8, 8], 'int32'))],
    ['segmentationConsistencyLoss: target', () => losses.segmentationConsistencyLoss(conv(K), img(), tf.fill([2, 8, 8], 7, 'int32'))],
    ['perceptualLoss: options.criterion', () => losses.perceptualLoss(img(), img(1), { extractor: vgg, layers: ['conv1_2'], criterion: 'huber' as never })],
    ['perceptualLoss: options.layers', () => losses.perceptualLoss(img(), img(1), { extractor: vgg, layers: ['conv5_4'] })],
    ['styleLoss: options.extractor', () => losses.styleLoss(img(), img(1), { extractor: undefined as never })],
    ['dfsGeneratorLoss: options.lambdaPixel', () => dfsGeneratorLoss({ hazy: img(), dehazed: img(1), clear: img(2) }, { lambdaPixel: -1 })],
    ['dfsGeneratorLoss: inputs.discriminator', () => dfsGeneratorLoss({ hazy: img(), dehazed: img(1), clear: img(2) }, { lambdaPerceptual: 0, lambdaSeg: 0 })],
    ['dfsGeneratorLoss: options.perceptualLayers', () => dfsGeneratorLoss({ hazy: img(), dehazed: img(1), clear: img(2), extractor: vgg }, { lambdaGan: 0, lambdaSeg: 0, perceptualLayers: ['conv5_4'] })],
    ['cooperativeRefinementLoss: inputs.labels', () => cooperativeRefinementLoss({ degraded: img(), refined: img(1) }, { lambdaGan: 0 })],
    ['cooperativeRestorationLoss: options.lambdaStyle', () => cooperativeRestorationLoss({ restored: img(), target: img(1) }, { lambdaStyle: Number.NaN })],
    ['unitGeneratorLoss: inputs.xABA', () => unitGeneratorLoss({ xA: img(), xB: img(1), xARecon: img(2), xBRecon: img(3), xAB: img(4), xBA: img(5) }, { lambdaGan: 0, lambdaKl: 0, lambdaKlCycle: 0, lambdaVgg: 0 })],
    ['unitDiscriminatorLoss: inputs.xA', () => unitDiscriminatorLoss({ xA: tf.zeros([2, 2]), xB: img(1), xAB: img(2), xBA: img(3), discriminatorA: conv(1), discriminatorB: conv(1) } as never)],
  ];
  for (const [label, f] of rows) {
    it(label, () => {
      expect(thrown(f).argument).toBe(label);
    });
  }
});

describe('losses: composite weights are lambdaX', () => {
  /** The keys of the terms a composite computed (a term with weight 0 is absent). */
  const termKeys = (f: () => CompositeLoss) =>
    tf.tidy(() => {
      const { terms } = f();
      return Object.keys(terms).sort();
    });

  it('dfsGeneratorLoss: lambdaGan 0 drops the GAN term', () => {
    expect(termKeys(() => dfsGeneratorLoss({ hazy: img(), dehazed: img(1), clear: img(2) }, { lambdaGan: 0, lambdaPerceptual: 0, lambdaSeg: 0 }))).toEqual(['pixel']);
  });

  it('cooperativeRefinementLoss: lambdaCe weights the CE term (total = λ_gan·gan + λ_ce·ce)', () => {
    const inputs = () => ({ degraded: img(), refined: logits() as unknown as Tensor4D, labels: labels(), discriminator: conv(1) });
    const [gan, ce, total] = tf.tidy(() => {
      const r = cooperativeRefinementLoss({ ...inputs(), degraded: tf.zeros([2, 3, 3, 3]) as Tensor4D }, { lambdaGan: 2, lambdaCe: 3 });
      return [r.terms.gan!.dataSync()[0]!, r.terms.ce!.dataSync()[0]!, r.total.dataSync()[0]!];
    });
    expect(total).toBeCloseTo(2 * gan + 3 * ce, 5);
    expect(termKeys(() => cooperativeRefinementLoss({ ...inputs(), degraded: tf.zeros([2, 3, 3, 3]) as Tensor4D }, { lambdaCe: 0 }))).toEqual(['gan']);
  });

  it('cooperativeRestorationLoss: lambdaPixel weights the L1 term', () => {
    const r = () => cooperativeRestorationLoss({ restored: img(), target: img(1) }, { lambdaPixel: 4, lambdaGan: 0, lambdaPerceptual: 0, lambdaStyle: 0, lambdaTv: 0 });
    const [l1, total] = tf.tidy(() => {
      const out = r();
      return [out.terms.l1!.dataSync()[0]!, out.total.dataSync()[0]!];
    });
    expect(total).toBeCloseTo(4 * l1, 6);
    expect(termKeys(() => cooperativeRestorationLoss({ restored: img(), target: img(1) }, { lambdaPixel: 0, lambdaGan: 0, lambdaPerceptual: 0, lambdaStyle: 0 }))).toEqual(['tv']);
  });

  it('unitGeneratorLoss: lambdaRecon, lambdaKl, lambdaCycle, lambdaKlCycle, lambdaVgg, lambdaGan each switch their terms', () => {
    const h = () => tf.zeros([2, 2, 2, 4]);
    const inputs = () => ({
      xA: img(), xB: img(1), xARecon: img(2), xBRecon: img(3), xAB: img(4), xBA: img(5), xABA: img(6), xBAB: img(7),
      hA: h(), hB: h(), hARecon: h(), hBRecon: h(), discriminatorA: conv(1), discriminatorB: conv(1), extractor: vgg,
    });
    const all = { lambdaGan: 0, lambdaRecon: 0, lambdaKl: 0, lambdaCycle: 0, lambdaKlCycle: 0, lambdaVgg: 0 };
    const only: [keyof typeof all, string[]][] = [
      ['lambdaGan', ['ganA', 'ganB']],
      ['lambdaRecon', ['reconA', 'reconB']],
      ['lambdaKl', ['klA', 'klB']],
      ['lambdaCycle', ['cycA', 'cycB']],
      ['lambdaKlCycle', ['klCycA', 'klCycB']],
      ['lambdaVgg', ['vggA', 'vggB']],
    ];
    for (const [key, terms] of only) expect(termKeys(() => unitGeneratorLoss(inputs(), { ...all, [key]: 1 }))).toEqual(terms);
    expect(termKeys(() => unitDiscriminatorLoss({ xA: img(), xB: img(1), xAB: img(2), xBA: img(3), discriminatorA: conv(1), discriminatorB: conv(1) }, { lambdaGan: 0 }))).toEqual([]);
  });
});

describe('combinedCeFocalLoss on the cross-entropy terms', () => {
  const value = (f: () => Tensor) => tf.tidy(() => Array.from(f().dataSync()));

  for (const alpha of [0.5, 0.3]) {
    it(`labelSmoothing 0.1, α = ${alpha}: equals α·crossEntropyLoss(…, { labelSmoothing: 0.1 }) + (1−α)·focalLoss(…) to 1e-6`, () => {
      const combined = value(() => combinedCeFocalLoss(logits(), labels(), { alpha, labelSmoothing: 0.1 }))[0]!;
      const ce = value(() => crossEntropyLoss(logits(), labels(), { labelSmoothing: 0.1 }))[0]!;
      const fl = value(() => focalLoss(logits(), labels()))[0]!;
      const plain = value(() => combinedCeFocalLoss(logits(), labels(), { alpha }))[0]!;
      expect(Math.abs(combined - (alpha * ce + (1 - alpha) * fl))).toBeLessThan(1e-6);
      // smoothing changes the value: the option is not ignored
      expect(Math.abs(combined - plain)).toBeGreaterThan(1e-3);
    });
  }

  it('with classWeights, focalAlpha, gamma and every reduction it equals the parts', () => {
    const classWeights = [0.5, 2, 1, 1.5];
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const combined = value(() => combinedCeFocalLoss(logits(), labels(), { alpha: 0.4, gamma: 1.5, focalAlpha: 0.25, classWeights, labelSmoothing: 0.2, reduction }));
      const ce = value(() => crossEntropyLoss(logits(), labels(), { classWeights, labelSmoothing: 0.2, reduction }));
      const fl = value(() => focalLoss(logits(), labels(), { gamma: 1.5, alpha: 0.25, reduction }));
      expect(combined.length).toBe(ce.length);
      combined.forEach((v, i) => expect(Math.abs(v - (0.4 * ce[i]! + 0.6 * fl[i]!))).toBeLessThan(1e-5));
    }
  });

  it('α = 1 is crossEntropyLoss (smoothing included) and α = 0 focalLoss, exactly', () => {
    expect(value(() => combinedCeFocalLoss(logits(), labels(), { alpha: 1, labelSmoothing: 0.1 }))).toEqual(value(() => crossEntropyLoss(logits(), labels(), { labelSmoothing: 0.1 })));
    expect(value(() => combinedCeFocalLoss(logits(), labels(), { alpha: 0, labelSmoothing: 0.1 }))).toEqual(value(() => focalLoss(logits(), labels())));
  });

  it('its gradient with smoothing equals the gradient of the parts, and it does not leak', async () => {
    const x = logits();
    const y = labels();
    const g = tf.grad((z: Tensor) => combinedCeFocalLoss(z, y, { labelSmoothing: 0.1 }))(x);
    const gParts = tf.grad((z: Tensor) => tf.add(tf.mul(crossEntropyLoss(z, y, { labelSmoothing: 0.1 }), 0.5), tf.mul(focalLoss(z, y), 0.5)))(x);
    const a = g.dataSync();
    const b = gParts.dataSync();
    a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-6));
    await expectNoLeaks(() => combinedCeFocalLoss(x, y, { labelSmoothing: 0.1 }));
    tf.dispose([x, y, g, gParts]);
  });
});

describe('reduceLoss: the one masked reduction of the losses', () => {
  const v = (t: Tensor) => Array.from(t.dataSync());
  const x = () => tf.tensor1d([1, 2, 3, 4]);
  const mask = () => tf.tensor1d([1, 0, 1, 1]);
  const w = () => tf.tensor1d([2, 5, 0.5, 1]);

  it("'none', 'sum', 'mean' without a mask", () => {
    tf.tidy(() => {
      expect(v(reduceLoss(x(), 'none'))).toEqual([1, 2, 3, 4]);
      expect(v(reduceLoss(x(), 'sum'))).toEqual([10]);
      expect(v(reduceLoss(x(), 'mean'))).toEqual([2.5]);
    });
  });

  it('masked: none = mask·x, sum = Σ mask·x, mean = Σ mask·x / Σ mask', () => {
    tf.tidy(() => {
      expect(v(reduceLoss(x(), 'none', { mask: mask() }))).toEqual([1, 0, 3, 4]);
      expect(v(reduceLoss(x(), 'sum', { mask: mask() }))).toEqual([8]);
      expect(v(reduceLoss(x(), 'mean', { mask: mask() }))[0]).toBeCloseTo(8 / 3, 6);
    });
  });

  it('weighted: the mean divides by Σ mask·weights (the weights x already carries)', () => {
    tf.tidy(() => {
      // x already weighted: ℓ·w = [2, 10, 1.5, 4]
      const xw = tf.mul(x(), w());
      expect(v(reduceLoss(xw, 'mean', { weights: w() }))[0]).toBeCloseTo(17.5 / 8.5, 6);
      expect(v(reduceLoss(xw, 'mean', { mask: mask(), weights: w() }))[0]).toBeCloseTo(7.5 / 3.5, 6);
      expect(v(reduceLoss(xw, 'sum', { mask: mask(), weights: w() }))).toEqual([7.5]);
    });
  });

  it('empty-safe: an empty tensor, or a mean with nothing kept, is exactly 0 with a zero gradient; NaN stays NaN', () => {
    tf.tidy(() => {
      for (const r of ['sum', 'mean'] as const) {
        expect(v(reduceLoss(tf.zeros([0]), r))).toEqual([0]);
        expect(v(reduceLoss(tf.zeros([0]), r, { mask: tf.zeros([0]) }))).toEqual([0]);
      }
      expect(v(reduceLoss(x(), 'mean', { mask: tf.zeros([4]) }))).toEqual([0]);
      const g = tf.grad((t: Tensor) => reduceLoss(t, 'mean', { mask: tf.zeros([4]) }))(x());
      expect(v(g)).toEqual([0, 0, 0, 0]);
      expect(v(reduceLoss(tf.tensor1d([1, Number.NaN]), 'mean', { mask: tf.tensor1d([1, 0]) }))[0]).toBeNaN();
      expect(v(reduceLoss(tf.tensor1d([Number.NaN]), 'mean', { mask: tf.tensor1d([0]) }))[0]).toBeNaN();
    });
  });
});

describe('losses folder layout', () => {
  it('no file of src/losses starts with "_" (such files must not carry public API)', () => {
    expect(readdirSync(new URL('../src/losses/', import.meta.url)).filter((f) => f.startsWith('_'))).toEqual([]);
  });

  it('the face exports the losses and their public helpers only (no reductions, label checks or key lists)', () => {
    const values = Object.keys(losses).sort();
    expect(values).toEqual(
      [
        'COOPERATIVE_VGG_LAYERS',
        'DEFAULT_STYLE_LAYERS',
        'GAN_MODES',
        'charbonnierLoss',
        'combinedCeFocalLoss',
        'cooperativeRefinementLoss',
        'cooperativeRestorationLoss',
        'crossEntropyLoss',
        'dfsGeneratorLoss',
        'diceLoss',
        'focalLoss',
        'ganDiscriminatorLoss',
        'ganGeneratorLoss',
        'gaussianKl',
        'gradientPenalty',
        'gramMatrix',
        'klLoss',
        'l1Loss',
        'l2Loss',
        'lovaszSoftmaxLoss',
        'perceptualLoss',
        'segmentationConsistencyLoss',
        'stopGradient',
        'styleLoss',
        'totalVariationLoss',
        'unitDiscriminatorLoss',
        'unitGeneratorLoss',
      ].sort(),
    );
  });
});
