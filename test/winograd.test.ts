import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import type { TensorInfo } from '../src/tf.js';
import { getStockKernel } from '../src/backend/kernels/register.js';
import { winogradStats } from '../src/backend/kernels/conv_winograd.js';
import { maxRelativeError } from './helpers/index.js';

type Pad = 'same' | 'valid' | number[][];
const CASES: { n: number; h: number; w: number; c: number; k: number; pad: Pad; activation: 'linear' | 'relu' }[] = [
  { n: 1, h: 32, w: 32, c: 128, k: 128, pad: 'same', activation: 'relu' },
  { n: 2, h: 33, w: 31, c: 128, k: 160, pad: 'valid', activation: 'linear' },
  { n: 1, h: 35, w: 34, c: 130, k: 128, pad: [[0, 0], [2, 0], [1, 2], [0, 0]], activation: 'linear' },
];

/** The stock tfjs-backend-wasm FusedConv2D (XNNPACK's direct convolution). */
function stockWasm(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, pad: Pad, activation: string): Float32Array {
  const backend = tf.engine().findBackend('wasm');
  const out = getStockKernel('FusedConv2D', 'wasm')!.kernelFunc({
    inputs: { x, filter, bias } as unknown as tf.NamedTensorInfoMap,
    backend,
    attrs: { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1], activation } as unknown as tf.NamedAttrMap,
  }) as TensorInfo;
  const values = backend.readSync(out.dataId) as Float32Array;
  backend.disposeData(out.dataId);
  return values;
}

describe('Winograd F(2×2, 3×3) convolutions on wasm', () => {
  it.each(CASES)('equal XNNPACK direct convolution from the second call on: %o', async (c) => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([c.n, c.h, c.w, c.c], 0, 1, 'float32', 1) as tf.Tensor4D;
    const filter = tf.randomNormal([3, 3, c.c, c.k], 0, 0.05, 'float32', 2) as tf.Tensor4D;
    const bias = tf.randomNormal([c.k], 0, 1, 'float32', 3) as tf.Tensor1D;
    const conv = () => tf.fused.conv2d({ x, filter, strides: 1, pad: c.pad as never, bias, activation: c.activation });
    const before = winogradStats().calls;
    const first = conv(); // first sight of this filter: the direct path
    expect(winogradStats().calls).toBe(before);
    const second = conv(); // second sight: transformed and cached
    expect(winogradStats().calls).toBe(before + 1);
    const expected = stockWasm(x, filter, bias, c.pad, c.activation);
    expect(second.shape).toEqual(first.shape);
    expect(maxRelativeError(second.dataSync(), expected)).toBeLessThan(1e-5);
    expect(maxRelativeError(first.dataSync(), expected)).toBeLessThan(1e-5);
    // repeated calls allocate nothing that outlives them
    const third = conv();
    third.dispose();
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    for (let i = 0; i < 3; i++) conv().dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.memory().numBytes).toBe(bytes);
    // the transformed filter is freed with the filter
    const kept = winogradStats().cachedFilters;
    tf.dispose([x, filter, bias, first, second]);
    expect(winogradStats().cachedFilters).toBe(kept - 1);
  });

  it('is used for the input gradient of a frozen 3×3 layer (a constant flipped filter)', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([1, 32, 32, 128], 0, 1, 'float32', 4) as tf.Tensor4D;
    const filter = tf.randomNormal([3, 3, 128, 128], 0, 0.05, 'float32', 5) as tf.Tensor4D;
    const grad = () => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.conv2d(t as tf.Tensor4D, filter, 1, 'same'))))(x);
    const reference = grad(); // forward: first sight
    const before = winogradStats().calls;
    const again = grad(); // forward on the second sight runs Winograd
    expect(winogradStats().calls).toBeGreaterThan(before);
    expect(maxRelativeError(again.dataSync(), reference.dataSync())).toBeLessThan(1e-5);
    tf.dispose([x, filter, reference, again]);
  });
});
