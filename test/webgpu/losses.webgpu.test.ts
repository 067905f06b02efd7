// Every non-segmentation loss and its gradient on webgpu equals the cpu backend.
// Tolerances: 1e-5 relative to the largest cpu value for pixel/GAN/TV/KL losses
// (elementwise float32 math, only the reduction order differs); 1e-4 where
// convolutions feed the loss (VGG, critics: longer accumulations).
import { afterAll, beforeAll, describe, it } from 'vitest';
import { tf, type Tensor, type Tensor4D } from '../../src/tf.js';
import {
  charbonnierLoss,
  dfsGeneratorLoss,
  ganDiscriminatorLoss,
  ganGeneratorLoss,
  gaussianKl,
  gradientPenalty,
  gramMatrix,
  klLoss,
  l1Loss,
  l2Loss,
  perceptualLoss,
  segmentationConsistencyLoss,
  styleLoss,
  totalVariationLoss,
  GAN_MODES,
} from '../../src/losses/index.js';
import { loadVgg19Weights, vgg19Features, type Vgg19Extractor } from '../../src/models/index.js';
import { fixturePath } from '../helpers/index.js';
import { expectSameOnCpu, rand } from './compare.js';

const TIGHT = { rtol: 1e-5, atol: 1e-7 };
const CONV = { rtol: 1e-4, atol: 1e-6 };

/** value and gradient with respect to the first input */
function withGrad(f: (x: Tensor) => Tensor, x: () => Tensor): () => Tensor[] {
  return () => {
    const { value, grad } = tf.valueAndGrad(f)(x());
    return [value, grad];
  };
}

/** a fixed 3×3 conv "network": same weights on every backend */
function tinyCritic(outChannels = 1): (x: Tensor) => Tensor {
  return (x: Tensor) => {
    const c = x.shape[3]!;
    const w = rand([3, 3, c, outChannels], 77, -0.3, 0.3) as tf.Tensor4D;
    return tf.conv2d(x as Tensor4D, w, 1, 'same');
  };
}

describe('pixel losses on webgpu = cpu', () => {
  const x = () => rand([2, 5, 6, 3], 1);
  const y = () => rand([2, 5, 6, 3], 2);
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    it(`l1 / l2 / charbonnier (${reduction}) and gradients`, async () => {
      const sum = (t: Tensor) => tf.sum(t);
      await expectSameOnCpu(`l1 ${reduction}`, withGrad((p) => sum(l1Loss(p, y(), { reduction })), x), TIGHT);
      await expectSameOnCpu(`l2 ${reduction}`, withGrad((p) => sum(l2Loss(p, y(), { reduction })), x), TIGHT);
      await expectSameOnCpu(`charbonnier ${reduction}`, withGrad((p) => sum(charbonnierLoss(p, y(), { reduction })), x), TIGHT);
    });
  }
});

describe('GAN losses on webgpu = cpu', () => {
  for (const mode of GAN_MODES) {
    it(`${mode}: generator and discriminator losses and gradients (single and multiscale logits)`, async () => {
      const real = () => rand([2, 4, 4, 1], 3, -3, 3);
      const fake = () => rand([2, 4, 4, 1], 4, -3, 3);
      const fake2 = () => rand([2, 2, 2, 1], 5, -3, 3);
      await expectSameOnCpu(`G ${mode}`, withGrad((f) => ganGeneratorLoss(f, { mode }), fake), TIGHT);
      await expectSameOnCpu(`G ${mode} multiscale`, withGrad((f) => ganGeneratorLoss([f, tf.mul(f, 0.5)], { mode }), fake), TIGHT);
      await expectSameOnCpu(`D ${mode} wrt real`, withGrad((r) => ganDiscriminatorLoss(r, fake(), { mode }), real), TIGHT);
      await expectSameOnCpu(`D ${mode} wrt fake`, withGrad((f) => ganDiscriminatorLoss(real(), f, { mode }), fake), TIGHT);
      await expectSameOnCpu(`D ${mode} multiscale`, withGrad((f) => ganDiscriminatorLoss([real(), fake2()], [f, fake2()], { mode }), fake), TIGHT);
    });
  }

  it('gradient penalty (fixed alpha) and its gradient with respect to the critic weights', async () => {
    const real = () => rand([2, 6, 6, 3], 6);
    const fake = () => rand([2, 6, 6, 3], 7);
    const w = () => rand([3, 3, 3, 1], 77, -0.3, 0.3);
    // a non-linear critic, so the penalty depends on the point between real and fake
    const critic = (k: Tensor) => (x: Tensor) => tf.conv2d(tf.tanh(x) as Tensor4D, k as tf.Tensor4D, 1, 'same');
    await expectSameOnCpu('gradientPenalty', () => [gradientPenalty(critic(w()), real(), fake(), { alpha: [0.25, 0.7], lambda: 10 })], CONV);
    await expectSameOnCpu('gradientPenalty wrt weights', withGrad((k) => gradientPenalty(critic(k), real(), fake(), { alpha: [0.25, 0.7], lambda: 10 }), w), CONV);
  });
});

describe('TV, KL and Gram on webgpu = cpu', () => {
  for (const mode of ['l1', 'l2', 'isotropic'] as const) {
    it(`totalVariationLoss ${mode} and gradient`, async () => {
      await expectSameOnCpu(`tv ${mode}`, withGrad((x) => tf.sum(totalVariationLoss(x, { mode })), () => rand([2, 7, 5, 3], 8)), TIGHT);
    });
  }
  it('klLoss, gaussianKl and gramMatrix with gradients', async () => {
    const mu = () => rand([2, 4, 4, 8], 9);
    const logVar = () => rand([2, 4, 4, 8], 10, -2, 1);
    await expectSameOnCpu('klLoss', withGrad((m) => tf.sum(klLoss(m)), mu), TIGHT);
    await expectSameOnCpu('gaussianKl mu', withGrad((m) => tf.sum(gaussianKl(m, logVar())), mu), TIGHT);
    await expectSameOnCpu('gaussianKl logVar', withGrad((v) => tf.sum(gaussianKl(mu(), v)), logVar), TIGHT);
    await expectSameOnCpu('gramMatrix', withGrad((f) => tf.sum(tf.square(gramMatrix(f))), () => rand([2, 5, 4, 6], 11)), CONV);
  });
});

describe('VGG losses and composites on webgpu = cpu (tiny VGG-19 fixture)', () => {
  // one extractor per backend, built from the same host weights (variables stay on the backend that made them)
  const byBackend = new Map<string, Vgg19Extractor>();
  beforeAll(async () => {
    const weights = await loadVgg19Weights(fixturePath('vgg19_tiny.safetensors'));
    for (const b of ['cpu', 'webgpu']) {
      await tf.setBackend(b);
      byBackend.set(b, vgg19Features({ weights, layers: ['conv1_2', 'conv3_4', 'conv5_4', 'relu2_2', 'relu3_4', 'relu4_4', 'relu5_2'] }));
    }
  });
  afterAll(() => byBackend.forEach((e) => e.dispose()));
  const vgg = (): Vgg19Extractor => byBackend.get(tf.getBackend())!;
  const x = () => rand([1, 16, 16, 3], 12) as Tensor4D;
  const t = () => rand([1, 16, 16, 3], 13) as Tensor4D;

  it('perceptualLoss (l1 conv5_4, l2 multi-layer) and styleLoss with gradients', async () => {
    await expectSameOnCpu('perceptual l1', withGrad((p) => perceptualLoss(p as Tensor4D, t(), { extractor: vgg() }), x), CONV);
    await expectSameOnCpu(
      'perceptual l2 multi',
      withGrad((p) => perceptualLoss(p as Tensor4D, t(), { extractor: vgg(), layers: { conv1_2: 0.5, conv3_4: 1, relu2_2: 2 }, criterion: 'l2' }), x),
      CONV,
    );
    await expectSameOnCpu('style', withGrad((p) => styleLoss(p as Tensor4D, t(), { extractor: vgg() }), x), CONV);
  });

  it('dfsGeneratorLoss (GAN + L1 + perceptual) total, terms and gradient', async () => {
    const hazy = () => rand([1, 16, 16, 3], 14) as Tensor4D;
    const disc = tinyCritic();
    await expectSameOnCpu(
      'dfs composite',
      () => {
        const { value, grad } = tf.valueAndGrad((d: Tensor) => dfsGeneratorLoss({ hazy: hazy(), dehazed: d as Tensor4D, clear: t(), discriminator: disc, extractor: vgg() }, { lambdaSeg: 0 }).total)(x());
        const terms = dfsGeneratorLoss({ hazy: hazy(), dehazed: x(), clear: t(), discriminator: disc, extractor: vgg() }, { lambdaSeg: 0 }).terms;
        return [value, grad, ...Object.keys(terms).sort().map((k) => terms[k]!)];
      },
      CONV,
    );
  });

  it('segmentationConsistencyLoss (kl) with a conv segmenter and its gradient', async () => {
    const seg = tinyCritic(4);
    await expectSameOnCpu('segmentationConsistency kl', withGrad((r) => segmentationConsistencyLoss(seg, r, t(), { mode: 'kl' }), x), CONV);
  });
});
