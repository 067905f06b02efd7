/**
 * The DFS poster's future work — an IoU surrogate as L_seg: `segmentationConsistencyLoss`
 * modes 'lovasz' and 'dice' (and `dfsGeneratorLoss`'s `segMode`) equal the library's
 * Lovász-Softmax / Dice on the frozen segmenter's logits, with gradients into the image.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import type { Tensor } from '../src/tf.js';
import { diceLoss, dfsGeneratorLoss, lovaszSoftmaxLoss, segmentationConsistencyLoss } from '../src/index.js';

const K = 4;
const W = tf.randomNormal([3, K], 0, 1, 'float32', 11);
/** a 1×1-conv "segmenter": logits = image · W */
const segmenter = (x: Tensor) => tf.reshape(tf.matMul(tf.reshape(x, [-1, 3]), W), [...x.shape.slice(0, 3), K]);
const image = tf.randomUniform([2, 5, 6, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
const labels = tf.tensor3d(Array.from({ length: 60 }, (_, i) => (i % 7 === 0 ? 255 : (i * 5) % K)), [2, 5, 6], 'int32');

describe('segmentationConsistencyLoss: IoU surrogates', () => {
  it.each([
    ['lovasz', lovaszSoftmaxLoss],
    ['dice', diceLoss],
  ] as const)("mode '%s' equals the loss on the segmenter's logits, value and gradient", (mode, direct) => {
    const viaMode = (x: Tensor) => segmentationConsistencyLoss(segmenter, x, labels, { mode });
    const viaDirect = (x: Tensor) => direct(segmenter(x), labels);
    const a = tf.valueAndGrad(viaMode)(image);
    const b = tf.valueAndGrad(viaDirect)(image);
    expect(a.value.dataSync()[0]).toBeCloseTo(b.value.dataSync()[0]!, 6);
    expect(a.value.dataSync()[0]).toBeGreaterThan(0);
    const ga = Array.from(a.grad.dataSync());
    const gb = Array.from(b.grad.dataSync());
    ga.forEach((g, i) => expect(g).toBeCloseTo(gb[i]!, 6));
    expect(ga.some((g) => Math.abs(g) > 1e-6)).toBe(true);
    tf.dispose([a.value, a.grad, b.value, b.grad]);
  });

  it("dfsGeneratorLoss segMode 'lovasz' weights that term by lambdaSeg", () => {
    const discriminator = (x: Tensor) => tf.mean(x, [1, 2, 3], true);
    const { total, terms } = dfsGeneratorLoss(
      { hazy: image, dehazed: image, clear: image, discriminator, segmenter, labels },
      { segMode: 'lovasz', lambdaSeg: 3, lambdaPixel: 0, lambdaPerceptual: 0 },
    );
    const seg = lovaszSoftmaxLoss(segmenter(image), labels);
    expect(terms.seg!.dataSync()[0]).toBeCloseTo(seg.dataSync()[0]!, 6);
    expect(total.dataSync()[0]).toBeCloseTo(terms.gan!.dataSync()[0]! + 3 * seg.dataSync()[0]!, 5);
    tf.dispose([total, ...Object.values(terms), seg]);
  });

  it('rejects an unknown mode, naming the valid ones', () => {
    expect(() => segmentationConsistencyLoss(segmenter, image, labels, { mode: 'iou' as never })).toThrow(/segmentationConsistencyLoss: options.mode: expected one of "ce", "l2", "kl", "lovasz", "dice"/);
  });
});
