// Every custom layer of src/models/layers on webgpu equals the cpu backend:
// output and gradient with respect to the input (weights set from the same
// host values on both backends). Tolerance 1e-4 relative to the largest cpu
// value (normalisation statistics and convolutions accumulate in a different order).
import { describe, expect, it } from 'vitest';
import { tf, tfl, type Tensor } from '../../src/tf.js';
import {
  BilinearUpsample2D,
  ExclusiveAvgPool2D,
  GroupNormalization,
  InputCheck,
  InstanceNormalization,
  NanMaxPooling2D,
  NanReLU,
  ReflectionPadding2D,
  SpectralNormalization,
} from '../../src/models/layers/index.js';
import { expectSameOnCpu, rand } from './compare.js';

const TOL = { rtol: 1e-4, atol: 1e-6 };

type Layer = { apply(x: Tensor, kwargs?: Record<string, unknown>): unknown; getWeights(): Tensor[]; setWeights(w: Tensor[]): void; dispose(): unknown };

/**
 * Builds the layer on the current backend, sets every weight from seeded
 * values, and returns its output and d(Σ output·r)/d(input).
 */
function layerCase(make: () => Layer, shape: number[], kwargs: Record<string, unknown> = {}, lo = -1, hi = 1): () => Tensor[] {
  return () => {
    const layer = make();
    const x = rand(shape, 21, lo, hi);
    const y0 = layer.apply(x, kwargs) as Tensor; // builds the weights
    // positive values: a normalisation's gamma, a spectral norm's u vector
    layer.setWeights(layer.getWeights().map((w, i) => rand(w.shape, 100 + i, 0.5, 1.5)));
    const r = rand(y0.shape, 22);
    const { value, grad } = tf.valueAndGrad((xx: Tensor) => tf.sum(tf.mul(layer.apply(xx, kwargs) as Tensor, r)))(x);
    const y = layer.apply(x, kwargs) as Tensor;
    layer.dispose();
    return [y, value, grad];
  };
}

describe('custom layers on webgpu = cpu (output and input gradient)', () => {
  const cases: [string, () => Layer, number[], Record<string, unknown>?][] = [
    ['InstanceNormalization affine', () => new InstanceNormalization({ affine: true }), [2, 5, 6, 4]],
    ['InstanceNormalization plain', () => new InstanceNormalization({ affine: false }), [2, 5, 6, 4]],
    ['GroupNormalization groups=2', () => new GroupNormalization({ groups: 2 }), [2, 5, 6, 4]],
    ['ReflectionPadding2D 2', () => new ReflectionPadding2D({ padding: 2 }), [1, 5, 6, 3]],
    ['ReflectionPadding2D asymmetric', () => new ReflectionPadding2D({ padding: [[1, 2], [2, 0]] }), [1, 5, 6, 3]],
    ['BilinearUpsample2D ×2', () => new BilinearUpsample2D({ scale: 2 }), [1, 4, 5, 3]],
    ['BilinearUpsample2D ×4', () => new BilinearUpsample2D({ scale: 4 }), [1, 3, 3, 2]],
    ['ExclusiveAvgPool2D 3/2/1', () => new ExclusiveAvgPool2D({ poolSize: 3, strides: 2, padding: 1 }), [1, 7, 6, 3]],
    ['InputCheck', () => new InputCheck({ channels: 3, multiple: 2 }), [1, 4, 6, 3]],
    ['NanReLU', () => new NanReLU(), [1, 4, 5, 3]],
    ['NanMaxPooling2D valid', () => new NanMaxPooling2D({ poolSize: 2, strides: 2 }), [1, 6, 6, 3]],
    ['NanMaxPooling2D same 3/2', () => new NanMaxPooling2D({ poolSize: 3, strides: 2, padding: 'same' }), [1, 7, 7, 2]],
    [
      'SpectralNormalization conv2d (inference)',
      () => new SpectralNormalization({ layer: tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }) }),
      [1, 6, 6, 3],
    ],
    [
      'SpectralNormalization conv2d stride 2 (training: power iteration)',
      () => new SpectralNormalization({ layer: tfl.layers.conv2d({ filters: 4, kernelSize: 4, strides: 2, padding: 'same' }) }),
      [1, 8, 8, 3],
      { training: true },
    ],
    [
      'SpectralNormalization conv2dTranspose',
      () => new SpectralNormalization({ layer: tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 4, strides: 2, padding: 'same' }) }),
      [1, 4, 4, 3],
    ],
  ];
  for (const [name, make, shape, kwargs] of cases) {
    it(name, async () => {
      await expectSameOnCpu(name, layerCase(make as () => Layer, shape, kwargs), TOL);
    });
  }

  it('NanReLU and NanMaxPooling2D keep NaN on webgpu as on cpu', async () => {
    const x = () => tf.tensor4d([NaN, -1, 2, -NaN, 3, NaN, -4, 0.5], [1, 2, 2, 2]);
    const out = await expectSameOnCpu('NaN-preserving', () => [new NanReLU().apply(x()) as Tensor, new NanMaxPooling2D({ poolSize: 2, strides: 2 }).apply(x()) as Tensor], TOL);
    expect(Array.from(out[0]!).map(Number.isNaN)).toEqual([true, false, false, true, false, true, false, false]);
  });
});
