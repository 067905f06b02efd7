// Each builder at tiny size, a pix2pix GAN step and the tensor metrics on
// webgpu equal the cpu backend. The model is built on cpu, its weights copied
// (as host arrays) into the same model built on webgpu. Tolerances: 1e-3
// relative to the largest cpu value for whole networks (float32 convolutions
// accumulate in another order, through up to ~20 layers); 1e-4 for metrics.
import { describe, expect, it } from 'vitest';
import { tf, tfl, type Tensor } from '../../src/tf.js';
import {
  fpnSegmenter,
  multiScaleDiscriminator,
  patchGanDiscriminator,
  resnetBackbone,
  resnetGenerator,
  snPatchGanDiscriminator,
  unet,
  unetGenerator,
  unitTranslator,
  type UnitTranslator,
} from '../../src/models/index.js';
import { msSsim, psnr, ssim } from '../../src/metrics/index.js';
import { createGanStep } from '../../src/train/index.js';
import { expectClose, expectSameOnCpu, rand, seeded, valuesOn } from './compare.js';

const NET = { rtol: 1e-3, atol: 1e-5 };
const METRIC = { rtol: 1e-4, atol: 1e-6 };

type HostWeights = { shape: number[]; data: Float32Array }[];

/** Builds `build()` on cpu, reads its weights, builds it again on webgpu with those weights. */
async function twin<M extends { getWeights(): Tensor[]; setWeights(w: Tensor[]): void }>(build: () => M): Promise<{ cpu: M; gpu: M; weights: HostWeights }> {
  await tf.setBackend('cpu');
  const cpu = build();
  const weights = cpu.getWeights().map((w) => ({ shape: w.shape, data: w.dataSync() as Float32Array }));
  await tf.setBackend('webgpu');
  const gpu = build();
  gpu.setWeights(weights.map((w) => tf.tensor(w.data, w.shape)));
  return { cpu, gpu, weights };
}

/** Runs `fn(model)` on each backend's copy and compares. */
async function compareModel<M extends { getWeights(): Tensor[]; setWeights(w: Tensor[]): void; dispose(): unknown }>(
  what: string,
  build: () => M,
  fn: (m: M) => Tensor | Tensor[],
  tol = NET,
): Promise<Float32Array[]> {
  const { cpu, gpu } = await twin(build);
  try {
    const g = await valuesOn('webgpu', () => fn(gpu));
    const c = await valuesOn('cpu', () => fn(cpu));
    expectClose(what, g, c, tol);
    return g;
  } finally {
    gpu.dispose();
    await tf.setBackend('cpu');
    cpu.dispose();
    await tf.setBackend('webgpu');
  }
}

const image = (shape: number[], seed: number) => rand(shape, seed);

describe('builders at tiny size: forward on webgpu = cpu', () => {
  const cases: [string, () => tfl.LayersModel, number[]][] = [
    ['unetGenerator numDowns 5, ngf 4', () => unetGenerator({ numDowns: 5, ngf: 4 }), [1, 32, 32, 3]],
    ['patchGanDiscriminator ndf 4 (6 ch)', () => patchGanDiscriminator({ ndf: 4, inChannels: 6 }), [1, 32, 32, 6]],
    ['patchGanDiscriminator spectral norm', () => patchGanDiscriminator({ ndf: 4, spectralNorm: true }), [1, 32, 32, 6]],
    ['snPatchGanDiscriminator', () => snPatchGanDiscriminator({ channels: [4, 8, 8, 8, 8, 8] }), [1, 64, 64, 3]],
    ['multiScaleDiscriminator', () => multiScaleDiscriminator({ dim: 4, nLayers: 2, numScales: 2 }), [1, 32, 32, 3]],
    ['resnetGenerator ngf 4, 2 blocks', () => resnetGenerator({ ngf: 4, nBlocks: 2 }), [1, 16, 16, 3]],
    ['resnetGenerator batch norm, zero padding', () => resnetGenerator({ ngf: 4, nBlocks: 1, norm: 'batch', padding: 'zero', outChannels: 2 }), [1, 16, 16, 3]],
    ['unet depth 2', () => unet({ depth: 2, baseFilters: 4 }), [1, 16, 16, 3]],
    ['resnetBackbone depth 18 width 4', () => resnetBackbone({ depth: 18, width: 4 }), [1, 32, 32, 3]],
    ['fpnSegmenter depth 18', () => fpnSegmenter({ depth: 18, backboneWidth: 4, fpnChannels: 8, headChannels: 8, groups: 2, numClasses: 3 }), [1, 32, 32, 3]],
  ];
  for (const [name, build, shape] of cases) {
    it(name, async () => {
      const out = await compareModel(name, build, (m) => m.predict(image(shape, 31)) as Tensor | Tensor[]);
      expect(out.every((o) => o.length > 0)).toBe(true);
    });
  }

  it('unitTranslator dim 2: encode, decode and translate', async () => {
    // four sub-models: copy each one's weights
    const build = () => {
      const u = unitTranslator({ dim: 2, nRes: 1 });
      const parts = [u.encoderA, u.encoderB, u.decoderA, u.decoderB];
      return {
        u,
        getWeights: () => parts.flatMap((p) => p.getWeights()),
        setWeights: (w: Tensor[]) => {
          let k = 0;
          for (const p of parts) {
            const n = p.getWeights().length;
            p.setWeights(w.slice(k, k + n));
            k += n;
          }
        },
        dispose: () => u.dispose(),
      };
    };
    await compareModel('unitTranslator', build, ({ u }: { u: UnitTranslator }) => {
      const x = image([1, 16, 16, 3], 32);
      return [u.encode(x, 'a'), u.translate(x, 'a'), u.translate(x, 'b'), u.decode(u.encode(x, 'b'), 'a')];
    });
  });
});

describe('a pix2pix GAN step (createGanStep) on webgpu = cpu', () => {
  it('terms and updated weights after one Adam step (unet 32², PatchGAN)', async () => {
    const G = await twin(() => unetGenerator({ numDowns: 5, ngf: 2 }));
    const D = await twin(() => patchGanDiscriminator({ ndf: 2, inChannels: 6 }));
    const run = async (backend: 'cpu' | 'webgpu') => {
      await tf.setBackend(backend);
      const g = backend === 'cpu' ? G.cpu : G.gpu;
      const d = backend === 'cpu' ? D.cpu : D.gpu;
      const batch = { a: image([1, 32, 32, 3], 33), b: image([1, 32, 32, 3], 34) };
      const step = createGanStep<typeof batch>({
        generatorVariables: g,
        discriminatorVariables: d,
        generatorOptimizer: tf.train.adam(2e-4, 0.5),
        discriminatorOptimizer: tf.train.adam(2e-4, 0.5),
        discriminatorLoss: ({ a, b }) => {
          const fake = g.apply(a, { training: true }) as Tensor;
          const real = tf.mean(tf.square(tf.sub(d.apply(tf.concat([a, b], -1), { training: true }) as Tensor, 1))) as tf.Scalar;
          const fk = tf.mean(tf.square(d.apply(tf.concat([a, fake], -1), { training: true }) as Tensor)) as tf.Scalar;
          return { total: tf.mul(0.5, tf.add(real, fk)) as tf.Scalar, terms: { real, fake: fk } };
        },
        generatorLoss: ({ a, b }) => {
          const fake = g.apply(a, { training: true }) as Tensor;
          const gan = tf.mean(tf.square(tf.sub(d.apply(tf.concat([a, fake], -1), { training: true }) as Tensor, 1))) as tf.Scalar;
          const l1 = tf.mean(tf.abs(tf.sub(fake, b))) as tf.Scalar;
          return { total: tf.add(gan, tf.mul(100, l1)) as tf.Scalar, terms: { gan, l1 } };
        },
      });
      const terms = await step(batch);
      const weights = await Promise.all([...g.getWeights(), ...d.getWeights()].map(async (w) => Float32Array.from(await w.data())));
      tf.dispose([batch.a, batch.b]);
      return { terms, weights };
    };
    const gpu = await run('webgpu');
    const cpu = await run('cpu');
    await tf.setBackend('webgpu');
    expect(Object.keys(gpu.terms).sort()).toEqual(Object.keys(cpu.terms).sort());
    for (const k of Object.keys(cpu.terms)) expect(gpu.terms[k]!, k).toBeCloseTo(cpu.terms[k]!, 3);
    // Adam's first step moves each weight by ≈ lr·sign(grad): compare the moved weights
    expectClose('weights after the step', gpu.weights, cpu.weights, { rtol: 1e-4, atol: 1e-5 });
    const moved = gpu.weights.some((w, i) => w.some((v, j) => v !== G.weights.concat(D.weights)[i]!.data[j]));
    expect(moved).toBe(true);
    G.gpu.dispose();
    D.gpu.dispose();
    await tf.setBackend('cpu');
    G.cpu.dispose();
    D.cpu.dispose();
    await tf.setBackend('webgpu');
  });
});

describe('tensor metrics on webgpu = cpu (values and gradients)', () => {
  const pair = (shape: number[], s: number) => [tf.tensor(seeded(shape.reduce((p, q) => p * q, 1), s, 0, 1), shape), tf.tensor(seeded(shape.reduce((p, q) => p * q, 1), s + 1, 0, 1), shape)] as const;

  it('psnr per image and its gradient', async () => {
    await expectSameOnCpu('psnr', () => {
      const [a, b] = pair([2, 9, 7, 3], 40);
      const { value, grad } = tf.valueAndGrad((x: Tensor) => tf.sum(psnr(x, b, { dataRange: 1 })))(a);
      return [psnr(a, b, { dataRange: 1 }), value, grad];
    }, METRIC);
  });

  for (const opts of [{}, { padding: 'reflect' as const }, { padding: 'zero' as const }, { gaussian: false }]) {
    it(`ssim ${JSON.stringify(opts)} and its gradient`, async () => {
      await expectSameOnCpu(`ssim ${JSON.stringify(opts)}`, () => {
        const [a, b] = pair([2, 20, 18, 3], 41);
        const { value, grad } = tf.valueAndGrad((x: Tensor) => tf.sum(ssim(x, b, { dataRange: 1, ...opts })))(a);
        return [ssim(a, b, { dataRange: 1, ...opts }), value, grad];
      }, METRIC);
    });
  }

  it('msSsim (5 scales, 176²) and its gradient', async () => {
    await expectSameOnCpu('msSsim', () => {
      const [a, b] = pair([1, 176, 176, 1], 42);
      const { value, grad } = tf.valueAndGrad((x: Tensor) => tf.sum(msSsim(x, b, { dataRange: 1 })))(a);
      return [value, grad];
    }, METRIC);
  });
});
