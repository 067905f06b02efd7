// The five segmentation losses — values and gradients — on webgpu equal the cpu backend to
// 1e-5 relative (issue 14's acceptance). Before issue 14 each of them threw
// "OffscreenCanvas is not defined" on webgpu in Node: the label check read the labels with
// `dataSync`, and Lovász-Softmax sorted on the host. Now the label check runs on the device
// (reported at the next flushFiniteChecks) and Lovász sorts with tf.topk.
import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../../src/tf.js';
import { combinedCeFocalLoss, crossEntropyLoss, diceLoss, focalLoss, lovaszSoftmaxLoss } from '../../src/losses/index.js';
import { flushFiniteChecks, pendingFiniteChecks } from '../../src/finite_check.js';
import { optimizerStep } from '../../src/train/index.js';
import { expectSameOnCpu, rand } from './compare.js';

const TIGHT = { rtol: 1e-5, atol: 1e-7 };
const K = 4;
const SHAPE = [2, 6, 5];

/** Labels in [0, K) with every seventh pixel ignored (255); image 1 lacks class 3. */
const labelValues = Array.from({ length: 60 }, (_, i) => (i % 7 === 6 ? 255 : i < 30 ? (i * 5) % K : (i * 3) % 3));
const labels = () => tf.tensor(labelValues, SHAPE, 'int32');
const logits = () => rand([...SHAPE, K], 91, -3, 3);

function withGrad(f: (x: Tensor) => Tensor): () => Tensor[] {
  return () => {
    const { value, grad } = tf.valueAndGrad(f)(logits());
    return [value, grad];
  };
}

const LOSSES: [string, (z: Tensor) => Tensor][] = [
  ['crossEntropyLoss', (z) => crossEntropyLoss(z, labels())],
  ['crossEntropyLoss (class weights, label smoothing)', (z) => crossEntropyLoss(z, labels(), { classWeights: [1, 2, 0.5, 1], labelSmoothing: 0.1 })],
  ['focalLoss', (z) => focalLoss(z, labels(), { gamma: 2, alpha: 0.25 })],
  ['combinedCeFocalLoss', (z) => combinedCeFocalLoss(z, labels())],
  ['diceLoss', (z) => diceLoss(z, labels())],
  ['lovaszSoftmaxLoss', (z) => lovaszSoftmaxLoss(z, labels())],
  ['lovaszSoftmaxLoss (all classes)', (z) => lovaszSoftmaxLoss(z, labels(), { classes: 'all' })],
  ['lovaszSoftmaxLoss (per image)', (z) => lovaszSoftmaxLoss(z, labels(), { perImage: true })],
  ['lovaszSoftmaxLoss (per image, none)', (z) => tf.sum(tf.mul(lovaszSoftmaxLoss(z, labels(), { perImage: true, reduction: 'none' }), tf.tensor1d([1, 2])))],
];

describe('segmentation losses on webgpu = cpu (values and gradients, 1e-5 relative)', () => {
  for (const [name, loss] of LOSSES) {
    it(name, async () => {
      await expectSameOnCpu(name, withGrad(loss), TIGHT);
      expect(pendingFiniteChecks()).toBeGreaterThan(0); // the webgpu run queued its label check…
      await flushFiniteChecks(); // …which passes
      expect(pendingFiniteChecks()).toBe(0);
    });
  }
});

describe('a bad label on webgpu', () => {
  it('gives the named error at the next optimizerStep, nothing applied', async () => {
    const z = tf.variable(rand([1, 2, 3, K], 92));
    const bad = tf.tensor([0, 1, 2, 255, 0, 9], [1, 2, 3], 'int32');
    const before = Array.from(await z.data());
    const opt = tf.train.sgd(1);
    await expect(optimizerStep(opt, [z], () => crossEntropyLoss(z, bad), { step: 12 })).rejects.toThrow(
      /invalid crossEntropyLoss: target: expected class indices in \[0, 4\) or ignoreIndex 255.*label 9 at flat index 5.*reported at step 12/,
    );
    await expect(optimizerStep(opt, [z], () => lovaszSoftmaxLoss(z, bad), { step: 13 })).rejects.toThrow(/lovaszSoftmaxLoss: target.*label 9 at flat index 5.*step 13/);
    expect(Array.from(await z.data())).toEqual(before);
    tf.dispose([z, bad]);
    opt.dispose();
  });
});
