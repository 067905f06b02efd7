import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import type { TensorInfo } from '../src/tf.js';
import { trainingKernelsRegistered } from '../src/backend/index.js';
import { getStockKernel } from '../src/backend/kernels/register.js';
import { maxRelativeError } from './helpers/index.js';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
interface Case { n: number; h: number; w: number; ci: number; co: number; kh: number; kw: number; s: [number, number]; d: [number, number]; pad: Pad }

// stride 1/2, same/valid/explicit, dilation 1/2, kernel 1/3/4/7, odd sizes, batch > 1, channels 1..64
const CASES: Case[] = [
  { n: 2, h: 7, w: 9, ci: 3, co: 5, kh: 3, kw: 3, s: [1, 1], d: [1, 1], pad: 'same' },
  { n: 1, h: 8, w: 8, ci: 4, co: 6, kh: 4, kw: 4, s: [2, 2], d: [1, 1], pad: 1 },
  { n: 3, h: 9, w: 7, ci: 2, co: 3, kh: 4, kw: 4, s: [2, 2], d: [1, 1], pad: 'same' },
  { n: 1, h: 11, w: 10, ci: 3, co: 2, kh: 7, kw: 7, s: [2, 2], d: [1, 1], pad: 'valid' },
  { n: 2, h: 6, w: 5, ci: 1, co: 1, kh: 1, kw: 1, s: [1, 1], d: [1, 1], pad: 'valid' },
  { n: 2, h: 13, w: 12, ci: 16, co: 8, kh: 3, kw: 3, s: [2, 2], d: [1, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { n: 1, h: 16, w: 16, ci: 64, co: 64, kh: 3, kw: 3, s: [1, 1], d: [1, 1], pad: 'same' },
  { n: 1, h: 9, w: 9, ci: 5, co: 4, kh: 4, kw: 4, s: [3, 3], d: [1, 1], pad: 'same' },
  { n: 2, h: 10, w: 9, ci: 3, co: 7, kh: 3, kw: 4, s: [1, 2], d: [1, 1], pad: 'same' },
  { n: 1, h: 15, w: 13, ci: 8, co: 6, kh: 7, kw: 3, s: [2, 1], d: [1, 1], pad: 'valid' },
  { n: 2, h: 12, w: 11, ci: 6, co: 9, kh: 3, kw: 3, s: [1, 1], d: [2, 2], pad: 'same' },
  { n: 1, h: 14, w: 14, ci: 1, co: 32, kh: 4, kw: 4, s: [2, 2], d: [1, 1], pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  { n: 2, h: 5, w: 5, ci: 32, co: 1, kh: 3, kw: 3, s: [2, 2], d: [1, 1], pad: 'valid' },
  // few output channels (a PatchGAN head): the direct host filter gradient
  { n: 2, h: 9, w: 8, ci: 20, co: 1, kh: 4, kw: 4, s: [1, 1], d: [1, 1], pad: [[0, 0], [1, 2], [2, 1], [0, 0]] },
  { n: 1, h: 10, w: 11, ci: 12, co: 3, kh: 4, kw: 4, s: [2, 2], d: [1, 1], pad: 'same' },
  // few output pixels, large filters: the matrix-product paths
  { n: 1, h: 4, w: 4, ci: 16, co: 32, kh: 4, kw: 4, s: [2, 2], d: [1, 1], pad: 1 },
  { n: 2, h: 3, w: 5, ci: 24, co: 40, kh: 3, kw: 3, s: [1, 1], d: [1, 1], pad: 'same' },
  { n: 1, h: 2, w: 2, ci: 64, co: 64, kh: 4, kw: 4, s: [2, 2], d: [1, 1], pad: 'same' },
  { n: 1, h: 6, w: 6, ci: 16, co: 48, kh: 3, kw: 3, s: [1, 1], d: [2, 2], pad: 'same' },
  { n: 1, h: 1, w: 1, ci: 32, co: 16, kh: 4, kw: 4, s: [2, 2], d: [1, 1], pad: 'same' },
];

const name = (c: Case) => `${c.n}x${c.h}x${c.w}x${c.ci}->${c.co} k${c.kh}x${c.kw} s${c.s} d${c.d} ${JSON.stringify(c.pad)}`;

/** Runs the stock tfjs-backend-cpu kernel directly (bypassing any replacement). */
function stockCpu(kernelName: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): Float32Array {
  const kernel = getStockKernel(kernelName, 'cpu');
  if (!kernel) throw new Error(`no stock ${kernelName}`);
  const backend = tf.engine().findBackend('cpu');
  const infos: Record<string, TensorInfo> = {};
  for (const [k, v] of Object.entries(inputs)) infos[k] = { dataId: backend.write(v.dataSync(), v.shape, 'float32'), shape: v.shape, dtype: 'float32' };
  const out = kernel.kernelFunc({ inputs: infos as tf.NamedTensorInfoMap, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
  const values = backend.readSync(out.dataId) as Float32Array;
  backend.disposeData(out.dataId);
  for (const i of Object.values(infos)) backend.disposeData(i.dataId);
  return values;
}

describe.each(['wasm', 'cpu'])('training kernels on %s equal the stock cpu kernels', (backend) => {
  it('are registered', async () => {
    await tf.setBackend(backend);
    expect(trainingKernelsRegistered()).toBe(true);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it.each(CASES.map((c) => [name(c), c] as const))('%s', async (_label, c) => {
    await tf.setBackend(backend);
    const x = tf.randomNormal([c.n, c.h, c.w, c.ci], 0, 1, 'float32', 1);
    const f = tf.randomNormal([c.kh, c.kw, c.ci, c.co], 0, 1, 'float32', 2);
    const base = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
    const y = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.s, c.pad as never, 'NHWC', c.d);
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
    expect(maxRelativeError(y.dataSync(), stockCpu('Conv2D', { x, filter: f }, { ...base, dilations: c.d }))).toBeLessThanOrEqual(1e-4);
    if (c.d[0] === 1 && c.d[1] === 1) {
      // tfjs computes gradients only for dilation 1
      const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...base, inputShape: x.shape } as never) as tf.Tensor;
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...base, filterShape: f.shape } as never) as tf.Tensor;
      expect(maxRelativeError(dx.dataSync(), stockCpu('Conv2DBackpropInput', { dy, filter: f }, { ...base, inputShape: x.shape }))).toBeLessThanOrEqual(1e-4);
      expect(maxRelativeError(dw.dataSync(), stockCpu('Conv2DBackpropFilter', { x, dy }, { ...base, filterShape: f.shape }))).toBeLessThanOrEqual(1e-4);
      tf.dispose([dx, dw]);
    }
    tf.dispose([x, f, y, dy]);
  });

  it.each([
    [false, false, [1, 5, 7], [1, 7, 3]],
    [true, false, [1, 7, 5], [1, 7, 3]],
    [false, true, [1, 5, 7], [1, 3, 7]],
    [true, true, [4, 7, 5], [4, 3, 7]],
    [false, false, [6, 5, 7], [6, 7, 4]],
    [true, false, [3, 6, 4], [1, 6, 2]], // broadcast batch
  ] as const)('BatchMatMul transposeA=%s transposeB=%s %j·%j', async (ta, tb, sa, sb) => {
    await tf.setBackend(backend);
    const a = tf.randomNormal(sa as unknown as number[], 0, 1, 'float32', 7);
    const b = tf.randomNormal(sb as unknown as number[], 0, 1, 'float32', 8);
    const attrs = { transposeA: ta, transposeB: tb };
    const got = tf.engine().runKernel('BatchMatMul', { a, b }, attrs as never) as tf.Tensor;
    const ref = stockCpu('BatchMatMul', { a, b }, attrs);
    expect(maxRelativeError(got.dataSync(), ref)).toBeLessThanOrEqual(1e-5);
    tf.dispose([a, b, got]);
  });

  it('_FusedMatMul with bias and relu, transposed operand', async () => {
    await tf.setBackend(backend);
    // kernels receive rank-3 operands (the matMul op reshapes)
    const a = tf.randomNormal([1, 6, 4], 0, 1, 'float32', 9);
    const b = tf.randomNormal([1, 5, 6], 0, 1, 'float32', 10);
    const bias = tf.randomNormal([5], 0, 1, 'float32', 11);
    const attrs = { transposeA: true, transposeB: true, activation: 'relu', leakyreluAlpha: 0.2 };
    const got = tf.engine().runKernel('_FusedMatMul', { a, b, bias }, attrs as never) as tf.Tensor;
    const ref = stockCpu('_FusedMatMul', { a, b, bias }, attrs);
    expect(maxRelativeError(got.dataSync(), ref)).toBeLessThanOrEqual(1e-5);
    tf.dispose([a, b, bias, got]);
  });

  it.each(['linear', 'relu', 'leakyrelu', 'elu'])('FusedConv2D with bias and %s on a small map', async (activation) => {
    await tf.setBackend(backend);
    const x = tf.randomNormal([2, 4, 4, 16], 0, 1, 'float32', 12);
    const filter = tf.randomNormal([3, 3, 16, 24], 0, 1, 'float32', 13);
    const bias = tf.randomNormal([24], 0, 1, 'float32', 14);
    const attrs = { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined, activation, leakyreluAlpha: 0.2 };
    const got = tf.engine().runKernel('FusedConv2D', { x, filter, bias }, attrs as never) as tf.Tensor;
    const ref = stockCpu('FusedConv2D', { x, filter, bias }, attrs);
    expect(maxRelativeError(got.dataSync(), ref)).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, filter, bias, got]);
  });

  it('NCHW data format matches NHWC', async () => {
    await tf.setBackend(backend);
    const x = tf.randomNormal([2, 3, 9, 8], 0, 1, 'float32', 4); // NCHW
    const dy = tf.randomNormal([2, 5, 5, 4], 0, 1, 'float32', 5);
    const attrs = { strides: [2, 2], pad: 'same', dataFormat: 'NCHW', dimRoundingMode: undefined };
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [3, 3, 3, 5] } as never) as tf.Tensor;
    const xh = tf.transpose(x, [0, 2, 3, 1]);
    const dyh = tf.transpose(dy, [0, 2, 3, 1]);
    const ref = stockCpu('Conv2DBackpropFilter', { x: xh, dy: dyh }, { ...attrs, dataFormat: 'NHWC', filterShape: [3, 3, 3, 5] });
    expect(maxRelativeError(dw.dataSync(), ref)).toBeLessThanOrEqual(1e-4);
    tf.dispose([x, dy, dw, xh, dyh]);
  });

  it('do not leak backend memory', async () => {
    await tf.setBackend(backend);
    const x = tf.randomNormal([2, 8, 8, 3]);
    const w = tf.variable(tf.randomNormal([4, 4, 3, 5]));
    const step = () => tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x, w]).map((g) => g.dataSync()));
    step();
    const before = tf.memory();
    for (let i = 0; i < 3; i++) step();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    // the wasm heap must not grow either: the kernels free their intermediates
    const wasm = tf.engine().findBackend('wasm') as unknown as { dataIdMap: { numDataIds(): number } };
    const ids = wasm.dataIdMap.numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(wasm.dataIdMap.numDataIds()).toBe(ids);
    tf.dispose([x, w]);
  });
});
