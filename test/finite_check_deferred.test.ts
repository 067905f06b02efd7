/**
 * Issue 16, input policy on GPU backends: a data-input check that would cost a read-back is
 * kept on the device and reported at the next await — here `optimizerStep`, before the update.
 * A GPU is simulated by a backend named `fakegpu` running the cpu kernels: segaware only knows
 * it is not a host backend, which is exactly what decides the deferral.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFakeGpuBackend } from './helpers/fake_gpu_backend.js';
import { tf } from '../src/tf.js';
import { flushFiniteChecks, isHostBackend, pendingFiniteChecks } from '../src/finite_check.js';
import { l1Loss } from '../src/losses/index.js';
import { optimizerStep } from '../src/train/index.js';

let previous = '';
beforeAll(async () => {
  previous = await useFakeGpuBackend();
});
afterAll(async () => {
  await tf.setBackend(previous);
});

describe('deferred finite checks (simulated GPU backend)', () => {
  const target = () => tf.tensor4d([0, NaN, 0.5, 1], [1, 2, 2, 1]);

  it('is not a host backend, so the check does not read back at the call', () => {
    expect(isHostBackend()).toBe(false);
    const t = target();
    const loss = tf.tidy(() => l1Loss(tf.zeros([1, 2, 2, 1]), t));
    expect(pendingFiniteChecks()).toBe(1);
    tf.dispose([t, loss]);
  });

  it('flushFiniteChecks names the argument and when it was reported, and frees the flags', async () => {
    await flushFiniteChecks().catch(() => undefined); // leftovers of the previous case
    const before = tf.memory().numTensors;
    const t = target();
    tf.dispose(tf.tidy(() => l1Loss(tf.zeros([1, 2, 2, 1]), t)));
    await expect(flushFiniteChecks('step 7')).rejects.toThrow(/invalid l1Loss: target: expected finite values.*reported at step 7/);
    t.dispose();
    expect(pendingFiniteChecks()).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('optimizerStep reports a NaN target before applying the update, and leaves the weights unchanged', async () => {
    const w = tf.variable(tf.fill([1, 2, 2, 1], 0.25));
    const opt = tf.train.sgd(0.1);
    const t = target();
    const good = tf.tensor4d([0, 0, 0.5, 1], [1, 2, 2, 1]);
    await optimizerStep(opt, [w], () => l1Loss(w, good)); // warm-up
    const weights = Array.from(await w.data());
    const before = tf.memory().numTensors;
    await expect(optimizerStep(opt, [w], () => l1Loss(w, t), { step: 3 })).rejects.toThrow(/l1Loss: target.*step 3/);
    expect(Array.from(await w.data())).toEqual(weights);
    expect(tf.memory().numTensors).toBe(before);
    // a good step still applies
    await optimizerStep(opt, [w], () => l1Loss(w, good));
    expect(Array.from(await w.data())).not.toEqual(weights);
    tf.dispose([w, t, good]);
  });
});
