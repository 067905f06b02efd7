import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSystemIO } from '../src/train/index.js';
import { describe, expect, it } from 'vitest';
import { tf, tfl } from '../src/tf.js';
import type { Tensor } from '../src/tf.js';
import {
  BilinearUpsample2D,
  GroupNormalization,
  InstanceNormalization,
  ReflectionPadding2D,
  SpectralNormalization,
} from '../src/models/layers/index.js';
import { loadTorchWeights } from '../src/models/torch_weights.js';
import { checkGradient, expectClose, expectNoLeaks, fixturePath, loadFixture } from './helpers/index.js';

interface Fx {
  input: { shape: number[]; data: number[] };
  outputs: { shape: number[]; data: number[] }[];
  u_after?: number[];
  v_after?: number[];
}
const fx = (name: string) => loadFixture<Fx>(`models/${name}.json`);
const weights = (name: string) => new Uint8Array(readFileSync(fixturePath(`models/${name}.safetensors`)));
const inputOf = (f: Fx) => tf.tensor(f.input.data, f.input.shape, 'float32');

function single(layer: tfl.layers.Layer, channels: number): tfl.LayersModel {
  const input = tfl.input({ shape: [null, null, channels] as unknown as number[] });
  return tfl.model({ inputs: input, outputs: layer.apply(input) as tfl.SymbolicTensor });
}

async function roundTrip(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  return tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
}

describe('InstanceNormalization', () => {
  it('equals torch InstanceNorm2d(affine=True)', async () => {
    const f = fx('instance_norm');
    const m = single(new InstanceNormalization({ affine: true, name: 'norm' }), 6);
    await loadTorchWeights(m, weights('instance_norm'));
    const x = inputOf(f);
    const y = m.predict(x) as Tensor;
    expect(y.shape).toEqual(f.outputs[0]!.shape);
    expectClose(y, f.outputs[0]!.data, 1e-4);
    tf.dispose([x, y]);
  });
  it('has correct gradients and no leaks', async () => {
    const layer = new InstanceNormalization({ affine: false });
    const x = tf.randomNormal([1, 3, 4, 2], 0, 1, 'float32', 3);
    const w = tf.randomNormal([1, 3, 4, 2], 0, 1, 'float32', 4);
    checkGradient((t) => tf.sum(tf.mul(layer.apply(t) as Tensor, w)), x, { eps: 1e-2, rtol: 5e-2, atol: 5e-3 });
    await expectNoLeaks(() => layer.apply(x));
    tf.dispose([x, w]);
  });
  it('rejects bad options', () => {
    expect(() => new InstanceNormalization({ epsilon: -1 })).toThrow(/epsilon/);
  });
});

describe('GroupNormalization', () => {
  it('equals torch GroupNorm(4, 8)', async () => {
    const f = fx('group_norm');
    const m = single(new GroupNormalization({ groups: 4, name: 'norm' }), 8);
    await loadTorchWeights(m, weights('group_norm'));
    const x = inputOf(f);
    const y = m.predict(x) as Tensor;
    expectClose(y, f.outputs[0]!.data, 1e-4);
    tf.dispose([x, y]);
  });
  it('has correct gradients; rejects channels not divisible by groups', () => {
    const layer = new GroupNormalization({ groups: 2 });
    const x = tf.randomNormal([1, 3, 3, 4], 0, 1, 'float32', 5);
    const w = tf.randomNormal([1, 3, 3, 4], 0, 1, 'float32', 6);
    checkGradient((t) => tf.sum(tf.mul(layer.apply(t) as Tensor, w)), x, { eps: 1e-2, rtol: 5e-2, atol: 5e-3 });
    expect(() => new GroupNormalization({ groups: 3 }).apply(tf.zeros([1, 2, 2, 4]))).toThrow(/multiple of groups = 3/);
    tf.dispose([x, w]);
  });
});

describe('ReflectionPadding2D', () => {
  it('equals torch ReflectionPad2d', () => {
    const f = fx('reflection_pad');
    const x = inputOf(f);
    const y = new ReflectionPadding2D({ padding: [[3, 1], [2, 1]] }).apply(x) as Tensor;
    expect(y.shape).toEqual([1, 9, 9, 3]);
    expectClose(y, f.outputs[0]!.data, 1e-6);
    tf.dispose([x, y]);
  });
  it('gradient includes the reflected contributions (tf.mirrorPad grad does not)', () => {
    const layer = new ReflectionPadding2D({ padding: 2 });
    const x = tf.randomNormal([1, 4, 5, 2], 0, 1, 'float32', 7);
    const w = tf.randomNormal([1, 8, 9, 2], 0, 1, 'float32', 8);
    checkGradient((t) => tf.sum(tf.mul(layer.apply(t) as Tensor, w)), x, { samples: 20 });
    tf.dispose([x, w]);
  });
  it('rejects padding ≥ the dimension and bad options', () => {
    expect(() => new ReflectionPadding2D({ padding: 3 }).apply(tf.zeros([1, 3, 8, 1]))).toThrow(/height > 3/);
    expect(() => new ReflectionPadding2D({ padding: -1 })).toThrow(/padding/);
  });
});

describe('SpectralNormalization', () => {
  for (const [name, make] of [
    ['spectral_conv', () => tfl.layers.conv2d({ filters: 5, kernelSize: 3, padding: 'valid' })],
    ['spectral_convt', () => tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same' })],
  ] as const) {
    it(`${name}: one power iteration in training, stored u/v at inference, equal to torch spectral_norm`, async () => {
      const f = fx(name);
      const sn = new SpectralNormalization({ layer: make(), name: 'conv' });
      const m = single(sn, 4);
      await loadTorchWeights(m, weights(name));
      const x = inputOf(f);
      const yTrain = m.apply(x, { training: true }) as Tensor;
      expectClose(yTrain, f.outputs[0]!.data, 1e-4, 'training output');
      const u = m.weights.find((w) => w.originalName.endsWith('/u'))!.read();
      const v = m.weights.find((w) => w.originalName.endsWith('/v'))!.read();
      expectClose(u, f.u_after!, 1e-4, 'u after one iteration');
      expectClose(v, f.v_after!, 1e-4, 'v after one iteration');
      const yEval = m.predict(x) as Tensor;
      expectClose(yEval, f.outputs[1]!.data, 1e-4, 'inference output');
      // the power iteration resumes after save → load
      const m2 = await roundTrip(m);
      const y2 = m2.predict(x) as Tensor;
      expectClose(y2, f.outputs[1]!.data, 1e-6, 'reloaded inference output');
      tf.dispose([x, yTrain, yEval, y2]);
    });
  }
  it('gradient flows through σ (finite differences on the kernel) and training does not leak', async () => {
    const sn = new SpectralNormalization({ layer: tfl.layers.conv2d({ filters: 2, kernelSize: 2, padding: 'valid', useBias: false }) });
    const x = tf.randomNormal([1, 3, 3, 2], 0, 1, 'float32', 9);
    // converge u, v first so σ is the top singular value (random u, v can make uᵀWv ≈ 0 and W/σ ill-conditioned)
    for (let i = 0; i < 30; i++) tf.dispose(sn.apply(x, { training: true }) as Tensor);
    const kernel = sn.weights[0]!;
    const k0 = kernel.read().clone();
    const f = (k: Tensor) => {
      kernel.write(k);
      return tf.tidy(() => tf.sum(tf.square(sn.apply(x) as Tensor)));
    };
    const g = tf.tidy(() => tf.variableGrads(() => tf.sum(tf.square(sn.apply(x) as Tensor)) as tf.Scalar, [kernel.read() as tf.Variable]).grads);
    const analytic = Object.values(g)[0]!.dataSync();
    const base = k0.dataSync();
    for (const i of [0, 3, 6]) {
      const plus = base.slice();
      plus[i]! += 1e-2;
      const minus = base.slice();
      minus[i]! -= 1e-2;
      const fp = f(tf.tensor(plus, k0.shape)).dataSync()[0]!;
      const fm = f(tf.tensor(minus, k0.shape)).dataSync()[0]!;
      expect(Math.abs((fp - fm) / 2e-2 - analytic[i]!)).toBeLessThan(2e-2 * Math.max(1, Math.abs(analytic[i]!)));
    }
    kernel.write(k0);
    tf.dispose([g, k0]);
    await expectNoLeaks(() => sn.apply(x, { training: true }));
    tf.dispose(x);
  });
  it('rejects a non-conv layer', () => {
    expect(() => new SpectralNormalization({ layer: tfl.layers.dense({ units: 2 }) })).toThrow(/Conv2D or Conv2DTranspose/);
  });
});

describe('serialisation', () => {
  it('every layer round-trips through save → load (memory and fileSystemIO) with identical outputs', async () => {
    const input = tfl.input({ shape: [8, 8, 4] });
    let y = new ReflectionPadding2D({ padding: 1 }).apply(input) as tfl.SymbolicTensor;
    y = new InstanceNormalization({ affine: true }).apply(y) as tfl.SymbolicTensor;
    y = new SpectralNormalization({ layer: tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'valid' }) }).apply(y) as tfl.SymbolicTensor;
    y = new GroupNormalization({ groups: 4 }).apply(y) as tfl.SymbolicTensor;
    y = new BilinearUpsample2D({ scale: 2 }).apply(y) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: input, outputs: y });
    const x = tf.randomNormal([2, 8, 8, 4], 0, 1, 'float32', 11);
    m.apply(x, { training: true }); // advance u once
    const a = m.predict(x) as Tensor;
    const m2 = await roundTrip(m);
    const b = m2.predict(x) as Tensor;
    expect(b.shape).toEqual([2, 16, 16, 8]);
    expectClose(b, Array.from(a.dataSync()), 1e-6);
    const dir = mkdtempSync(join(tmpdir(), 'segaware-layers-'));
    await m.save(fileSystemIO(dir));
    const m3 = await tfl.loadLayersModel(fileSystemIO(dir));
    rmSync(dir, { recursive: true, force: true });
    const c = m3.predict(x) as Tensor;
    expectClose(c, Array.from(a.dataSync()), 1e-6, 'fileSystemIO');
    tf.dispose([x, a, b, c]);
  });
  it('BilinearUpsample2D equals resizeBilinear with half-pixel centres and has exact gradients', () => {
    const x = tf.randomNormal([1, 3, 4, 2], 0, 1, 'float32', 12);
    const up = new BilinearUpsample2D({ scale: 2 });
    const ref = tf.image.resizeBilinear(x as tf.Tensor4D, [6, 8], false, true);
    expectClose(up.apply(x) as Tensor, Array.from(ref.dataSync()), 1e-5);
    const w = tf.randomNormal([1, 6, 8, 2], 0, 1, 'float32', 13);
    checkGradient((t) => tf.sum(tf.mul(up.apply(t) as Tensor, w)), x);
    tf.dispose([x, ref, w]);
  });
});
