import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import { checkGradient, expectClose, expectNoLeaks, loadFixture } from './helpers/index.js';
import { writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { fixturePath } from './helpers/index.js';

describe('test helpers can fail', () => {
  it('checkGradient accepts a correct gradient and rejects a wrong one', () => {
    const x = tf.tensor([0.3, -1.2, 2.0, 0.7]);
    checkGradient((v) => tf.sum(tf.mul(tf.sin(v), v)), x);
    const wrong = tf.customGrad(((v: tf.Tensor) => ({ value: tf.sum(tf.square(v)), gradFunc: (dy: tf.Tensor) => tf.mul(dy, v) })) as never); // true gradient is 2v
    expect(() => checkGradient((v) => wrong(v) as tf.Tensor, x)).toThrow(/numeric .* vs autodiff/);
    x.dispose();
  });

  it('expectNoLeaks catches a leaking function', async () => {
    await expectNoLeaks(() => tf.tidy(() => tf.add(tf.ones([2]), 1)));
    const kept: tf.Tensor[] = [];
    await expect(expectNoLeaks(() => void kept.push(tf.ones([2])))).rejects.toThrow(/tensor count/);
    tf.dispose(kept);
  });

  it('expectClose and loadFixture', () => {
    expectClose([1, 2, 3.000001], [1, 2, 3], 1e-5);
    expect(() => expectClose([1, 2, 3.1], [1, 2, 3], 1e-5)).toThrow(/max relative error/);
    mkdirSync(fixturePath(''), { recursive: true });
    writeFileSync(fixturePath('_helper_probe.json'), '{"a":[1,2]}');
    expect(loadFixture('_helper_probe.json')).toEqual({ a: [1, 2] });
    rmSync(fixturePath('_helper_probe.json'));
  });
});
