import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import type { Tensor, Tensor4D } from '../src/tf.js';
import { loadVgg19Weights, vgg19Features, type Vgg19Extractor } from '../src/models/index.js';
import {
  COOPERATIVE_VGG_LAYERS,
  cooperativeRefinementLoss,
  cooperativeRestorationLoss,
  crossEntropyLoss,
  dfsGeneratorLoss,
  ganDiscriminatorLoss,
  ganGeneratorLoss,
  klLoss,
  l1Loss,
  perceptualLoss,
  segmentationConsistencyLoss,
  styleLoss,
  totalVariationLoss,
  unitDiscriminatorLoss,
  unitGeneratorLoss,
  type CompositeLoss,
} from '../src/losses/index.js';
import * as segaware from '../src/index.js';
import { expectClose, expectNoLeaks, fixturePath, loadFixture } from './helpers/index.js';

const fx = loadFixture('losses_vgg.json');
const num = (t: Tensor) => t.dataSync()[0]!;
const disposeLoss = (l: CompositeLoss) => tf.dispose([l.total, ...Object.values(l.terms)]);

/** A tiny conv discriminator (1×1 conv + leaky ReLU), recording how often it runs. */
function makeDiscriminator(cin: number, seed: number) {
  const w = tf.variable(tf.randomNormal([1, 1, cin, 1], 0, 0.5, 'float32', seed));
  const d = Object.assign((x: Tensor) => tf.leakyRelu(tf.conv2d(x as Tensor4D, w as unknown as Tensor4D, 1, 'same'), 0.2), { calls: 0, w });
  return new Proxy(d, { apply: (target, _this, args: [Tensor]) => ((d.calls += 1), target(args[0])) });
}

describe('composite losses', () => {
  let vgg: Vgg19Extractor;
  let a: Tensor4D;
  let b: Tensor4D;
  let c: Tensor4D;
  let labels: Tensor;
  let segW: Tensor;
  let segmenter: (x: Tensor) => Tensor;
  beforeAll(async () => {
    const weights = await loadVgg19Weights(fixturePath('vgg19_tiny.safetensors'));
    vgg = vgg19Features({ weights, layers: [...COOPERATIVE_VGG_LAYERS, 'relu4_4'] });
    a = tf.tensor4d(fx.images, fx.shape);
    b = tf.tensor4d(fx.target, fx.shape);
    c = tf.tidy(() => tf.mul(tf.add(a, b), 0.5));
    labels = tf.tidy(() => tf.reshape(tf.cast(tf.floor(tf.mul(tf.add(tf.slice(b, [0, 0, 0, 0], [2, 32, 32, 1]), 1), 2)), 'int32'), [2, 32, 32]));
    segW = tf.randomNormal([1, 1, 3, 4], 0, 1, 'float32', 5);
    segmenter = (x: Tensor) => tf.conv2d(x as Tensor4D, segW as Tensor4D, 1, 'same');
  });
  afterAll(() => {
    vgg.dispose();
    tf.dispose([a, b, c, labels, segW]);
  });

  it('is importable from the package root', () => {
    expect(segaware.dfsGeneratorLoss).toBe(dfsGeneratorLoss);
    expect(segaware.vgg19Features).toBe(vgg19Features);
  });

  it('dfsGeneratorLoss = GAN + 10·L1 + 10·perceptual(MSE) + 10·L_seg(CE) with the terms logged', () => {
    const D = makeDiscriminator(6, 1);
    const loss = dfsGeneratorLoss({ hazy: c, dehazed: a, clear: b, labels, discriminator: D, extractor: vgg, segmenter });
    const [gan, pix, per, seg] = tf.tidy(() => [
      num(ganGeneratorLoss(D(tf.concat([c, a], -1)), { mode: 'lsgan' })),
      num(l1Loss(a, b)),
      num(perceptualLoss(a, b, { extractor: vgg, criterion: 'l2' })),
      num(segmentationConsistencyLoss(segmenter, a, labels, { mode: 'ce' })),
    ]);
    expect(Object.keys(loss.terms).sort()).toEqual(['gan', 'perceptual', 'pixel', 'seg']);
    expectClose(loss.terms.gan!, gan, 1e-6, 'gan');
    expectClose(loss.terms.pixel!, pix, 1e-6, 'pixel');
    expectClose(loss.terms.perceptual!, per, 1e-6, 'perceptual');
    expectClose(loss.terms.seg!, seg, 1e-6, 'seg');
    expectClose(loss.total, gan + 10 * pix + 10 * per + 10 * seg, 1e-6, 'total');
    disposeLoss(loss);
    tf.dispose(D.w);
  });

  it('a weight of 0 skips the term and its network', () => {
    const D = makeDiscriminator(6, 1);
    const loss = dfsGeneratorLoss({ hazy: c, dehazed: a, clear: b, discriminator: D }, { lambdaGan: 0, lambdaPerceptual: 0, lambdaSeg: 0 });
    expect(D.calls).toBe(0);
    expect(Object.keys(loss.terms)).toEqual(['pixel']);
    expectClose(loss.total, tf.tidy(() => num(l1Loss(a, b))) * 10, 1e-6);
    disposeLoss(loss);
    expect(() => dfsGeneratorLoss({ hazy: c, dehazed: a, clear: b }, { lambdaPerceptual: 0, lambdaSeg: 0 })).toThrow(/dfsGeneratorLoss: inputs\.discriminator: .*options\.lambdaGan > 0/);
    expect(() => dfsGeneratorLoss({ hazy: c, dehazed: a, clear: b, discriminator: D }, { lambdaSeg: 0 })).toThrow(/extractor/);
    expect(() => dfsGeneratorLoss({ hazy: c, dehazed: a, clear: b, discriminator: D, extractor: vgg, segmenter })).toThrow(/labels/);
    expect(() => dfsGeneratorLoss({ hazy: c, dehazed: a, clear: b }, { lambdaPixel: -1 })).toThrow(/lambdaPixel/);
    const kl = dfsGeneratorLoss({ hazy: c, dehazed: a, clear: b, segmenter }, { lambdaGan: 0, lambdaPixel: 0, lambdaPerceptual: 0, segMode: 'kl' });
    expect(num(kl.terms.seg!)).toBeGreaterThan(0);
    disposeLoss(kl);
    tf.dispose(D.w);
  });

  it('cooperativeRefinementLoss = LSGAN(D1(softmax(S_r), I_d)) + 10·CE', () => {
    const D1 = makeDiscriminator(7, 2);
    const refined = tf.randomNormal([2, 32, 32, 4], 0, 1, 'float32', 9) as Tensor4D;
    const loss = cooperativeRefinementLoss({ degraded: a, refined, labels, discriminator: D1 });
    const [gan, ce] = tf.tidy(() => [num(ganGeneratorLoss(D1(tf.concat([tf.softmax(refined), a], -1)))), num(crossEntropyLoss(refined, labels))]);
    expectClose(loss.terms.gan!, gan, 1e-6, 'gan');
    expectClose(loss.terms.ce!, ce, 1e-6, 'ce');
    expectClose(loss.total, gan + 10 * ce, 1e-6, 'total');
    disposeLoss(loss);
    tf.dispose([refined, D1.w]);
  });

  it('cooperativeRestorationLoss = L1 + 0.1·LSGAN + 0.1·perceptual + 250·style + TV, one VGG pass shared', () => {
    const D2 = makeDiscriminator(3, 3);
    const loss = cooperativeRestorationLoss({ restored: a, target: b, discriminator: D2, extractor: vgg });
    const [l1, gan, per, sty, tv] = tf.tidy(() => [
      num(l1Loss(a, b)),
      num(ganGeneratorLoss(D2(a))),
      num(perceptualLoss(a, b, { extractor: vgg })),
      num(styleLoss(a, b, { extractor: vgg })),
      num(totalVariationLoss(a)),
    ]);
    expectClose(loss.terms.perceptual!, per, 1e-5, 'perceptual');
    expectClose(loss.terms.style!, sty, 1e-5, 'style');
    expectClose(loss.total, l1 + 0.1 * gan + 0.1 * per + 250 * sty + tv, 1e-5, 'total');
    const g = tf.tidy(() => tf.grad((x: Tensor) => cooperativeRestorationLoss({ restored: x as Tensor4D, target: b, discriminator: D2, extractor: vgg }).total)(a).dataSync());
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
    expect(Array.from(g).some((v) => v !== 0)).toBe(true);
    disposeLoss(loss);
    const only = cooperativeRestorationLoss({ restored: a, target: b }, { lambdaGan: 0, lambdaPerceptual: 0, lambdaStyle: 0 });
    expect(Object.keys(only.terms)).toEqual(['l1', 'tv']);
    disposeLoss(only);
    tf.dispose(D2.w);
  });

  it('unitGeneratorLoss matches its definition; the VGG term matches PyTorch (instance-normalised relu4_4)', () => {
    const disA = makeDiscriminator(3, 4);
    const disB = makeDiscriminator(3, 5);
    const h = (s: number) => tf.randomNormal([2, 8, 8, 4], 0, 1, 'float32', s);
    const [hA, hB, hAr, hBr] = [h(1), h(2), h(3), h(4)];
    const inputs = { xA: c, xB: b, xARecon: a, xBRecon: a, xAB: c, xBA: a, xABA: b, xBAB: c, hA, hB, hARecon: hAr, hBRecon: hBr, discriminatorA: disA, discriminatorB: disB, extractor: vgg };
    const loss = unitGeneratorLoss(inputs);
    expectClose(loss.terms.vggA!, fx.unit_vgg_relu4_4, 1e-4, 'vgg term vs torch (x_ba = images, x_b = target)');
    const manual = tf.tidy(() =>
      num(ganGeneratorLoss(disA(a))) + num(ganGeneratorLoss(disB(c))) +
      10 * (num(l1Loss(a, c)) + num(l1Loss(a, b))) + 0.01 * (num(klLoss(hA)) + num(klLoss(hB))) +
      10 * (num(l1Loss(b, c)) + num(l1Loss(c, b))) + 0.01 * (num(klLoss(hAr)) + num(klLoss(hBr))),
    );
    expectClose(loss.total, manual + num(loss.terms.vggA!) + num(loss.terms.vggB!), 1e-5, 'total');
    expect(Object.keys(loss.terms).length).toBe(12);
    disposeLoss(loss);
    const noCyc = unitGeneratorLoss({ ...inputs, xABA: undefined, xBAB: undefined, extractor: undefined }, { lambdaCycle: 0, lambdaVgg: 0 });
    expect(noCyc.terms.cycA).toBeUndefined();
    expect(noCyc.terms.vggA).toBeUndefined();
    disposeLoss(noCyc);
    expect(() => unitGeneratorLoss({ ...inputs, hA: undefined })).toThrow(/unitGeneratorLoss: inputs\.hA: .*options\.lambdaKl > 0/);
    tf.dispose([hA, hB, hAr, hBr, disA.w, disB.w]);
  });

  it('unitDiscriminatorLoss: un-halved LSGAN per domain, no gradient into the translations', () => {
    const disA = makeDiscriminator(3, 4);
    const disB = makeDiscriminator(3, 5);
    const loss = unitDiscriminatorLoss({ xA: a, xB: b, xAB: c, xBA: b, discriminatorA: disA, discriminatorB: disB });
    const manual = tf.tidy(() => num(ganDiscriminatorLoss(disA(a), disA(b), { scale: 1 })) + num(ganDiscriminatorLoss(disB(b), disB(c), { scale: 1 })));
    expectClose(loss.total, manual, 1e-6);
    disposeLoss(loss);
    const g = tf.tidy(() => tf.grad((x: Tensor) => unitDiscriminatorLoss({ xA: a, xB: b, xAB: x as Tensor4D, xBA: b, discriminatorA: disA, discriminatorB: disB }).total)(c).dataSync());
    expect(Array.from(g).every((v) => v === 0)).toBe(true);
    const { grads } = tf.variableGrads(() => unitDiscriminatorLoss({ xA: a, xB: b, xAB: c, xBA: b, discriminatorA: disA, discriminatorB: disB }).total, [disA.w]);
    expect(Math.abs(num(tf.sum(tf.abs(grads[disA.w.name]!))))).toBeGreaterThan(0);
    tf.dispose([disA.w, disB.w, ...Object.values(grads)]);
  });

  it('does not leak', async () => {
    const D = makeDiscriminator(6, 1);
    await expectNoLeaks(() => dfsGeneratorLoss({ hazy: c, dehazed: a, clear: b, labels, discriminator: D, extractor: vgg, segmenter }), 2);
    await expectNoLeaks(() => tf.grad((x: Tensor) => cooperativeRestorationLoss({ restored: x as Tensor4D, target: b, extractor: vgg }, { lambdaGan: 0 }).total)(a), 2);
    tf.dispose(D.w);
  });
});

describe('segmentationConsistencyLoss', () => {
  it("'ce', 'l2', 'kl' modes, LayersModel segmenters and validation", () => {
    const x = tf.randomUniform([1, 6, 7, 3], -1, 1, 'float32', 1) as Tensor4D;
    const clear = tf.randomUniform([1, 6, 7, 3], -1, 1, 'float32', 2) as Tensor4D;
    const labels = tf.tensor3d(Array.from({ length: 42 }, (_, i) => (i % 7 === 0 ? 255 : i % 4)), [1, 6, 7], 'int32');
    const model = segaware.tfl.sequential({ layers: [segaware.tfl.layers.conv2d({ inputShape: [null, null, 3], filters: 4, kernelSize: 1, kernelInitializer: segaware.tfl.initializers.glorotUniform({ seed: 3 }) })] });
    const logits = model.apply(x) as Tensor;
    const ce = segmentationConsistencyLoss(model, x, labels, { mode: 'ce' });
    expectClose(ce, tf.tidy(() => num(crossEntropyLoss(logits, labels))), 1e-6, 'ce');
    const l2 = segmentationConsistencyLoss(model, x, labels, { mode: 'l2' });
    const manual = tf.tidy(() => {
      const mask = tf.cast(tf.notEqual(labels, 255), 'float32');
      const oh = tf.mul(tf.oneHot(tf.where(tf.notEqual(labels, 255), labels, tf.zerosLike(labels)), 4), tf.expandDims(mask, -1));
      return num(tf.div(tf.sum(tf.mul(tf.square(tf.sub(tf.softmax(logits), oh)), tf.expandDims(mask, -1))), tf.mul(tf.sum(mask), 4)));
    });
    expectClose(l2, manual, 1e-6, 'l2');
    const self = segmentationConsistencyLoss(model, x, x, { mode: 'kl' });
    expect(Math.abs(num(self))).toBeLessThan(1e-6);
    const kl = segmentationConsistencyLoss(model, x, clear, { mode: 'kl' });
    expect(num(kl)).toBeGreaterThan(0);
    expect(() => segmentationConsistencyLoss(model, x, clear, { mode: 'ce' })).toThrow(/int32/);
    expect(() => segmentationConsistencyLoss(model, x, labels, { mode: 'kl' })).toThrow(/segmentationConsistencyLoss: target/);
    tf.dispose([x, clear, labels, logits, ce, l2, self, kl]);
    model.dispose();
  });
});
