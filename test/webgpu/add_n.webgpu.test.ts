// tfjs's webgpu AddN binds every input as a storage buffer; past WebGPU's default
// limit (8 per stage, one for the output) its pipeline is invalid and the sum reads
// as zeros. registerWebgpuAddN folds long input lists in chunks the device can bind.
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { registerWebgpuAddN } from '../../src/backend/kernels/webgpu_add_n.js';
import { rand, valuesOn } from './compare.js';

describe('registerWebgpuAddN', () => {
  it('sums 1 to 31 tensors exactly as cpu does (same left-to-right order), with no WebGPU error and no leak', async () => {
    expect(registerWebgpuAddN()).toBe(true);
    expect(registerWebgpuAddN()).toBe(true); // idempotent
    const device = (tf.findBackend('webgpu') as unknown as { device: GPUDevice }).device;
    for (const n of [1, 2, 7, 8, 13, 14, 20, 31]) {
      const sum = () => tf.addN(Array.from({ length: n }, (_, i) => rand([2, 5], 100 + i)));
      device.pushErrorScope('validation');
      const [gpu] = await valuesOn('webgpu', sum);
      expect(await device.popErrorScope(), `n = ${n}`).toBeNull();
      const [cpu] = await valuesOn('cpu', sum);
      expect(Array.from(gpu!), `n = ${n}`).toEqual(Array.from(cpu!));
    }
    await tf.setBackend('webgpu');
    const before = tf.memory().numTensors;
    const dataBefore = tf.engine().backend.numDataIds();
    const xs = Array.from({ length: 20 }, (_, i) => tf.fill([3], i));
    const s = tf.addN(xs);
    expect(Array.from(await s.data())).toEqual([190, 190, 190]);
    tf.dispose([...xs, s]);
    expect(tf.memory().numTensors).toBe(before);
    // the chunks' partial sums are freed on the device too
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore);
  });

  it('a ten-term sum keeps its gradient (dy to every term)', async () => {
    await tf.setBackend('webgpu');
    const g = tf.grad((x: tf.Tensor) => tf.addN(Array.from({ length: 10 }, (_, i) => tf.mul(x, i + 1))))(tf.ones([2]));
    expect(Array.from(await g.data())).toEqual([55, 55]);
    g.dispose();
  });
});
