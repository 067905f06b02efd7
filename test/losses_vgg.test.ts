import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import type { Tensor, Tensor4D } from '../src/tf.js';
import { loadVgg19Weights, vgg19Features, type Vgg19Extractor } from '../src/models/index.js';
import { gramMatrix, perceptualLoss, styleLoss } from '../src/losses/index.js';
import { checkGradient, expectClose, expectNoLeaks, fixturePath, loadFixture } from './helpers/index.js';

const fx = loadFixture('losses_vgg.json');

describe('VGG losses against PyTorch (reduced-width VGG-19 twin)', () => {
  let vgg: Vgg19Extractor;
  let images: Tensor4D;
  let target: Tensor4D;
  beforeAll(async () => {
    const weights = await loadVgg19Weights(fixturePath('vgg19_tiny.safetensors'));
    vgg = vgg19Features({ weights, layers: ['conv1_2', 'conv3_4', 'conv5_4', 'relu2_2', 'relu3_4', 'relu4_4', 'relu5_2'] });
    images = tf.tensor4d(fx.images, fx.shape);
    target = tf.tensor4d(fx.target, fx.shape);
  });
  afterAll(() => {
    vgg.dispose();
    tf.dispose([images, target]);
  });

  it('gramMatrix = FᵀF / (C·H·W)', () => {
    const f = tf.tensor4d(fx.gram.features, fx.gram.shape);
    const g = gramMatrix(f);
    expect(g.shape).toEqual([2, 5, 5]);
    expectClose(g, fx.gram.value, 1e-5, 'gram');
    checkGradient((x) => tf.sum(tf.square(gramMatrix(x))), f);
    expect(() => gramMatrix(tf.zeros([2, 3]))).toThrow(/rank-4/);
    tf.dispose([f, g]);
  });

  const cases: [string, (x: Tensor) => Tensor][] = [
    ['perceptual_conv5_4_l1', (x) => perceptualLoss(x as Tensor4D, target, { extractor: vgg })],
    ['perceptual_multi_l2', (x) => perceptualLoss(x as Tensor4D, target, { extractor: vgg, layers: { conv1_2: 0.5, conv3_4: 1, relu2_2: 2 }, criterion: 'l2' })],
    ['style_default', (x) => styleLoss(x as Tensor4D, target, { extractor: vgg })],
  ];
  for (const [name, f] of cases) {
    it(`${name}: value and input gradient match PyTorch`, () => {
      const v = tf.tidy(() => f(images).dataSync()[0]!);
      expectClose(v, fx[name].value, 1e-5, `${name} value`);
      const g = tf.tidy(() => tf.grad(f)(images).dataSync());
      expectClose(g, fx[name].grad, 1e-4, `${name} grad`);
    });
  }

  it('target features carry no gradient', () => {
    const g = tf.tidy(() => tf.grad((t: Tensor) => perceptualLoss(images, t as Tensor4D, { extractor: vgg }))(target).dataSync());
    expect(Array.from(g).every((e) => e === 0)).toBe(true);
  });

  it('rejects layers the extractor lacks, unknown names and bad criteria', () => {
    expect(() => perceptualLoss(images, target, { extractor: vgg, layers: ['conv4_1'] })).toThrow(/extractor was built with/);
    expect(() => perceptualLoss(images, target, { extractor: vgg, layers: ['fc7'] })).toThrow(/VGG-19 layer names/);
    expect(() => perceptualLoss(images, target, { extractor: vgg, criterion: 'huber' as never })).toThrow(/criterion/);
    expect(() => styleLoss(images, target, { extractor: undefined as never })).toThrow(/extractor/);
  });

  it('does not leak', async () => {
    await expectNoLeaks(() => tf.grad((x: Tensor) => styleLoss(x as Tensor4D, target, { extractor: vgg }))(images), 2);
  });
});
