/**
 * Issue 14, item 1: no synchronous read-back on a tensor path. On a GPU a `dataSync` stalls the
 * device every step, and in Node's WebGPU it does not exist at all (it needs OffscreenCanvas):
 * every loss (forward + backward), the tensor metrics, the model calls, `optimizerStep`,
 * `createGanStep` and the NaN guard must get by with `await data()`.
 *
 * A GPU is simulated by a backend named `fakegpu` that runs the cpu kernels (segaware only
 * knows it is not a host backend, which is what selects the device paths). The synchronous
 * read entry points — `tf.engine().readSync` and `Tensor.prototype.dataSync / arraySync /
 * bufferSync` — are wrapped and counted for the duration of each case. cpu kernels read their
 * inputs from the backend's own data map (or `backend.readSync`), not through these, so kernel
 * execution does not count; the first case checks that a user-level read does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_GPU, useFakeGpuBackend } from './helpers/fake_gpu_backend.js';
import { tf, tfl } from '../src/tf.js';
import type { Scalar, Tensor, Tensor4D } from '../src/tf.js';
import { flushFiniteChecks, isHostBackend, pendingFiniteChecks } from '../src/finite_check.js';
import {
  charbonnierLoss,
  combinedCeFocalLoss,
  cooperativeRefinementLoss,
  cooperativeRestorationLoss,
  crossEntropyLoss,
  dfsGeneratorLoss,
  diceLoss,
  focalLoss,
  ganDiscriminatorLoss,
  ganGeneratorLoss,
  gaussianKl,
  gradientPenalty,
  gramMatrix,
  klLoss,
  l1Loss,
  l2Loss,
  lovaszSoftmaxLoss,
  perceptualLoss,
  segmentationConsistencyLoss,
  styleLoss,
  totalVariationLoss,
  unitDiscriminatorLoss,
  unitGeneratorLoss,
} from '../src/losses/index.js';
import { msSsim, psnr, ssim } from '../src/metrics/index.js';
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
} from '../src/models/index.js';
import { vgg19Features } from '../src/models/index.js';
import type { Vgg19Extractor } from '../src/models/index.js';
import { NanGuard, createGanStep, optimizerStep } from '../src/train/index.js';
import type { VariableSource } from '../src/train/index.js';

// ---- the simulated GPU and the read counter --------------------------------------------------

let previous = '';
const reads: string[] = [];
const restore: (() => void)[] = [];

function countCalls<T extends object>(owner: T, name: keyof T & string, label: string): void {
  const original = owner[name] as unknown as (...args: unknown[]) => unknown;
  (owner as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
    // where the read came from: the first frames outside tfjs
    const at = (new Error().stack ?? '').split('\n').filter((l) => /\/(src|examples)\//.test(l)).slice(0, 2).map((l) => l.trim());
    reads.push(`${label} ${at.join(' ← ')}`);
    return original.apply(this, args);
  };
  restore.push(() => ((owner as Record<string, unknown>)[name] = original));
}

beforeAll(async () => {
  previous = await useFakeGpuBackend();
  const engine = tf.engine();
  countCalls(engine, 'readSync', 'engine.readSync');
  countCalls(tf.Tensor.prototype, 'dataSync', 'Tensor.dataSync');
  countCalls(tf.Tensor.prototype, 'arraySync', 'Tensor.arraySync');
  countCalls(tf.Tensor.prototype, 'bufferSync', 'Tensor.bufferSync');
});
afterAll(async () => {
  for (const r of restore.reverse()) r();
  await tf.setBackend(previous);
});

/** Runs `step` and returns the synchronous reads it made (empty when read-back free). */
async function readsDuring(step: () => Promise<unknown>): Promise<string[]> {
  reads.length = 0;
  await step();
  await flushFiniteChecks();
  return reads.splice(0, reads.length);
}

/** One optimizer step on `vars` (the loss's forward and backward), read with `await data()` only. */
const stepOn = (vars: VariableSource[], loss: () => Scalar | Tensor | { total: Tensor; terms?: Record<string, Tensor> }) => () =>
  optimizerStep(tf.train.sgd(1e-3), vars, loss as never);

const rand = (shape: number[], seed: number, lo = -1, hi = 1) => tf.randomUniform(shape, lo, hi, 'float32', seed);
/** int32 labels in [0, K) with every fifth pixel ignored (255) */
const labelsOf = (shape: number[], K: number, values?: number[]) =>
  tf.tensor(values ?? Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i % 5 === 4 ? 255 : (i * 7) % K)), shape, 'int32');

// ---- fixtures -------------------------------------------------------------------------------

let vgg: Vgg19Extractor;
beforeAll(() => {
  vgg = vgg19Features({ weights: 'random', seed: 3, layers: ['conv1_2', 'relu2_2'] });
});

describe('the read counter (simulated GPU backend)', () => {
  it('is a GPU backend for segaware, and a user-level dataSync counts while kernels do not', async () => {
    expect(isHostBackend()).toBe(false);
    const x = rand([1, 8, 8, 3], 1);
    const w = rand([3, 3, 3, 4], 2);
    expect(await readsDuring(async () => tf.dispose(tf.conv2d(x as Tensor4D, w as tf.Tensor4D, 1, 'same')))).toEqual([]);
    const counted = await readsDuring(async () => x.dataSync());
    expect(counted.length).toBeGreaterThanOrEqual(1);
    expect(counted[0]).toMatch(/Tensor\.dataSync/);
    tf.dispose([x, w]);
  });
});

describe('every loss, forward + backward, without a synchronous read (simulated GPU)', () => {
  const K = 3;
  // created once the simulated GPU is active (a tensor made on wasm would be moved, with a read)
  let labels: Tensor;
  let target: Tensor;
  beforeAll(() => {
    labels = labelsOf([2, 4, 4], K);
    target = rand([2, 4, 4, 3], 11);
  });
  const segmentationLosses: [string, (z: Tensor) => Tensor][] = [
    ['crossEntropyLoss', (z) => crossEntropyLoss(z, labels)],
    ['crossEntropyLoss (class weights, smoothing)', (z) => crossEntropyLoss(z, labels, { classWeights: [1, 2, 0.5], labelSmoothing: 0.1 })],
    ['focalLoss', (z) => focalLoss(z, labels, { gamma: 2, alpha: [0.25, 0.5, 0.25] })],
    ['combinedCeFocalLoss', (z) => combinedCeFocalLoss(z, labels)],
    ['diceLoss', (z) => diceLoss(z, labels)],
    ['lovaszSoftmaxLoss', (z) => lovaszSoftmaxLoss(z, labels)],
    ['lovaszSoftmaxLoss (per image, all classes)', (z) => lovaszSoftmaxLoss(z, labels, { perImage: true, classes: 'all' })],
  ];
  for (const [name, loss] of segmentationLosses) {
    it(name, async () => {
      const z = tf.variable(rand([2, 4, 4, K], 5, -2, 2));
      expect(await readsDuring(stepOn([z], () => loss(z)))).toEqual([]);
      z.dispose();
    });
  }

  const imageLosses: [string, (p: Tensor) => Tensor][] = [
    ['l1Loss', (p) => l1Loss(p, target)],
    ['l2Loss', (p) => l2Loss(p, target)],
    ['charbonnierLoss', (p) => charbonnierLoss(p, target)],
    ['totalVariationLoss', (p) => totalVariationLoss(p)],
    ['klLoss', (p) => klLoss(p)],
    ['gaussianKl', (p) => gaussianKl(p, tf.mul(p, 0.5))],
    ['gramMatrix', (p) => tf.sum(gramMatrix(p))],
    ['ganGeneratorLoss (vanilla, multi-scale)', (p) => ganGeneratorLoss([p, tf.mul(p, 2)], { mode: 'vanilla' })],
    ['ganDiscriminatorLoss (hinge)', (p) => ganDiscriminatorLoss(p, tf.neg(p), { mode: 'hinge' })],
    ['ganDiscriminatorLoss (lsgan)', (p) => ganDiscriminatorLoss(target, p, { mode: 'lsgan' })],
    ['perceptualLoss', (p) => perceptualLoss(p as Tensor4D, target as Tensor4D, { extractor: vgg, layers: { conv1_2: 1 } })],
    ['styleLoss', (p) => styleLoss(p as Tensor4D, target as Tensor4D, { extractor: vgg, layers: { relu2_2: 1 } })],
    ['segmentationConsistencyLoss (ce)', (p) => segmentationConsistencyLoss((x) => tf.conv2d(x as Tensor4D, tf.ones([1, 1, 3, K]) as tf.Tensor4D, 1, 'same'), p, labels)],
    ['segmentationConsistencyLoss (kl)', (p) => segmentationConsistencyLoss((x) => tf.conv2d(x as Tensor4D, tf.ones([1, 1, 3, K]) as tf.Tensor4D, 1, 'same'), p, target, { mode: 'kl' })],
  ];
  for (const [name, loss] of imageLosses) {
    it(name, async () => {
      const p = tf.variable(rand([2, 4, 4, 3], 6));
      expect(await readsDuring(stepOn([p], () => loss(p)))).toEqual([]);
      p.dispose();
    });
  }

  it('gradientPenalty (a tensor alpha, a conv critic)', async () => {
    const w = tf.variable(rand([3, 3, 3, 1], 7));
    const critic = (x: Tensor) => tf.conv2d(x as Tensor4D, w as unknown as tf.Tensor4D, 1, 'same');
    const alpha = tf.tensor1d([0.25, 0.75]);
    const fake = rand([2, 4, 4, 3], 8);
    expect(await readsDuring(stepOn([w], () => gradientPenalty(critic, target, fake, { alpha })))).toEqual([]);
    expect(await readsDuring(stepOn([w], () => gradientPenalty(critic, target, fake, { seed: 3 })))).toEqual([]);
    tf.dispose([w, alpha, fake]);
  });

  it('the composites: cooperativeRefinementLoss (SN-PatchGAN D1) and cooperativeRestorationLoss', async () => {
    const d1 = snPatchGanDiscriminator({ inChannels: K + 3, channels: [4, 4] });
    const refined = tf.variable(rand([2, 4, 4, K], 9));
    const degraded = rand([2, 4, 4, 3], 10);
    expect(await readsDuring(stepOn([refined], () => cooperativeRefinementLoss({ degraded: degraded as Tensor4D, refined: refined as unknown as Tensor4D, labels, discriminator: (x) => d1.apply(x, { training: true }) as Tensor })))).toEqual([]);
    const restored = tf.variable(rand([2, 16, 16, 3], 12));
    const clean = rand([2, 16, 16, 3], 13);
    const d = patchGanDiscriminator({ ndf: 4, nLayers: 1, inChannels: 6 });
    const restoration = () =>
      cooperativeRestorationLoss(
        { restored: restored as unknown as Tensor4D, target: clean as Tensor4D, discriminator: d, condition: clean as Tensor4D, extractor: vgg },
        { perceptualLayers: { conv1_2: 1 }, styleLayers: { relu2_2: 1 } },
      );
    expect(await readsDuring(stepOn([restored], restoration))).toEqual([]);
    d1.dispose();
    d.dispose();
    tf.dispose([refined, degraded, restored, clean]);
  });

  afterAll(() => tf.dispose([labels, target]));
});

describe('the tensor metrics without a synchronous read (simulated GPU)', () => {
  it('psnr, ssim and msSsim (values read with await data())', async () => {
    const a = rand([2, 48, 48, 3], 20, 0, 1);
    const b = rand([2, 48, 48, 3], 21, 0, 1);
    let values: number[] = [];
    expect(
      await readsDuring(async () => {
        const out = [psnr(a, b, { dataRange: 1 }), ssim(a, b, { dataRange: 1 }), msSsim(a, b, { dataRange: 1, weights: [0.5, 0.5] })];
        values = (await Promise.all(out.map((t) => t.data()))).flatMap((d) => Array.from(d));
        tf.dispose(out);
      }),
    ).toEqual([]);
    expect(values).toHaveLength(6);
    for (const v of values) expect(Number.isFinite(v)).toBe(true);
    tf.dispose([a, b]);
  });
});

describe('training steps of the builders without a synchronous read (simulated GPU)', () => {
  it('a pix2pix GAN step: createGanStep + NanGuard, unetGenerator + patchGanDiscriminator', async () => {
    const G = unetGenerator({ numDowns: 5, ngf: 4 });
    const D = patchGanDiscriminator({ ndf: 4, nLayers: 2 });
    const batch = { a: rand([1, 32, 32, 3], 30), b: rand([1, 32, 32, 3], 31) };
    const DC = (x: Tensor, y: Tensor) => D.apply(tf.concat([x, y], -1), { training: true }) as Tensor;
    const step = createGanStep<typeof batch>({
      generatorVariables: [G],
      discriminatorVariables: [D],
      generatorOptimizer: tf.train.adam(2e-4, 0.5),
      discriminatorOptimizer: tf.train.adam(2e-4, 0.5),
      guard: new NanGuard(),
      discriminatorLoss: ({ a, b }) => ganDiscriminatorLoss(DC(a, b), DC(a, G.apply(a, { training: true }) as Tensor), { mode: 'lsgan' }),
      generatorLoss: ({ a, b }) => {
        const fake = G.apply(a, { training: true }) as Tensor;
        const gan = ganGeneratorLoss(DC(a, fake), { mode: 'lsgan' });
        const l1 = l1Loss(fake, b);
        return { total: tf.add(gan, tf.mul(100, l1)) as Scalar, terms: { gan, l1 } };
      },
    });
    let terms: Record<string, number> = {};
    expect(await readsDuring(async () => (terms = await step(batch)))).toEqual([]);
    expect(Number.isFinite(terms.g_total)).toBe(true);
    expect(Number.isFinite(terms.d_total)).toBe(true);
    G.dispose();
    D.dispose();
    tf.dispose([batch.a, batch.b]);
  });

  // every builder (and with them every custom layer: instance / group norm, reflection padding,
  // bilinear upsampling, exclusive average pooling, NaN-preserving ReLU and max pooling, spectral
  // normalisation, the input check), one training step each at a tiny size
  const builders: [string, () => tfl.LayersModel, number[]][] = [
    ['unet (NanReLU, NanMaxPooling2D)', () => unet({ baseFilters: 4, depth: 2, numClasses: 3 }), [1, 16, 16, 3]],
    ['resnetGenerator (reflection padding, instance norm)', () => resnetGenerator({ ngf: 4, nBlocks: 1 }), [1, 16, 16, 3]],
    ['resnetBackbone (batch norm)', () => resnetBackbone({ depth: 18, width: 4 }), [1, 32, 32, 3]],
    ['snPatchGanDiscriminator (spectral normalisation)', () => snPatchGanDiscriminator({ inChannels: 3, channels: [4, 4] }), [1, 16, 16, 3]],
    ['multiScaleDiscriminator (exclusive average pooling)', () => multiScaleDiscriminator({ dim: 4, nLayers: 1, numScales: 2 }), [1, 16, 16, 3]],
    ['patchGanDiscriminator (pixel)', () => patchGanDiscriminator({ ndf: 4, variant: 'pixel', inChannels: 3 }), [1, 16, 16, 3]],
  ];
  for (const [name, build, shape] of builders) {
    it(name, async () => {
      const m = build();
      const x = rand(shape, 90);
      const loss = () => {
        const out = m.apply(x, { training: true }) as Tensor | Tensor[];
        return tf.addN((Array.isArray(out) ? out : [out]).map((o) => tf.mean(tf.square(o)))) as Scalar;
      };
      expect(await readsDuring(stepOn([m], loss))).toEqual([]);
      m.dispose();
      x.dispose();
    });
  }

  it('a DFS step: dfsGeneratorLoss with discriminator, VGG and a frozen FPN segmenter', async () => {
    const G = unetGenerator({ numDowns: 5, ngf: 4 });
    const D = patchGanDiscriminator({ ndf: 4, nLayers: 2 });
    const S = fpnSegmenter({ depth: 18, backboneWidth: 4, fpnChannels: 8, headChannels: 8, groups: 2, numClasses: 3 });
    const hazy = rand([1, 32, 32, 3], 40) as Tensor4D;
    const clear = rand([1, 32, 32, 3], 41) as Tensor4D;
    const labels = labelsOf([1, 32, 32], 3);
    const loss = () =>
      dfsGeneratorLoss(
        { hazy, dehazed: G.apply(hazy, { training: true }) as Tensor4D, clear, labels, discriminator: D, extractor: vgg, segmenter: S },
        { perceptualLayers: { conv1_2: 1 } },
      );
    expect(await readsDuring(stepOn([G], loss))).toEqual([]);
    G.dispose();
    D.dispose();
    S.dispose();
    tf.dispose([hazy, clear, labels]);
  });

  it('an FPN segmenter step (cross-entropy + Lovász)', async () => {
    const S = fpnSegmenter({ depth: 18, backboneWidth: 4, fpnChannels: 8, headChannels: 8, groups: 2, numClasses: 3 });
    const x = rand([1, 32, 32, 3], 50);
    const labels = labelsOf([1, 32, 32], 3);
    const loss = () => {
      const logits = S.apply(x, { training: true }) as Tensor;
      return tf.add(crossEntropyLoss(logits, labels), lovaszSoftmaxLoss(logits, labels)) as Scalar;
    };
    expect(await readsDuring(stepOn([S], loss))).toEqual([]);
    S.dispose();
    tf.dispose([x, labels]);
  });

  it('a UNIT step: unitTranslator, unitGeneratorLoss and unitDiscriminatorLoss', async () => {
    const unit = unitTranslator({ dim: 2, nRes: 1 });
    const disA = multiScaleDiscriminator({ dim: 4, nLayers: 1, numScales: 2 });
    const disB = multiScaleDiscriminator({ dim: 4, nLayers: 1, numScales: 2 });
    const xA = rand([1, 16, 16, 3], 60) as Tensor4D;
    const xB = rand([1, 16, 16, 3], 61) as Tensor4D;
    const forward = () => {
      const hA = unit.encode(xA, 'a', true);
      const hB = unit.encode(xB, 'b', true);
      const xAB = unit.decode(hA, 'b', true) as Tensor4D;
      const xBA = unit.decode(hB, 'a', true) as Tensor4D;
      return { hA, hB, xAB, xBA, xARecon: unit.decode(hA, 'a', true) as Tensor4D, xBRecon: unit.decode(hB, 'b', true) as Tensor4D };
    };
    const gLoss = () => {
      const f = forward();
      const hARecon = unit.encode(f.xAB, 'b', true);
      const hBRecon = unit.encode(f.xBA, 'a', true);
      return unitGeneratorLoss(
        {
          xA, xB, ...f, hARecon, hBRecon,
          xABA: unit.decode(hARecon, 'a', true) as Tensor4D,
          xBAB: unit.decode(hBRecon, 'b', true) as Tensor4D,
          discriminatorA: disA, discriminatorB: disB, extractor: vgg,
        },
        { vggLayer: 'relu2_2' },
      );
    };
    const dLoss = () => {
      const { xAB, xBA } = forward();
      return unitDiscriminatorLoss({ xA, xB, xAB, xBA, discriminatorA: disA, discriminatorB: disB });
    };
    expect(await readsDuring(stepOn(unit.trainableWeights, gLoss))).toEqual([]);
    expect(await readsDuring(stepOn([disA, disB], dLoss))).toEqual([]);
    unit.dispose();
    disA.dispose();
    disB.dispose();
    tf.dispose([xA, xB]);
  });
});

describe('a bad value still gets its named error, at the next flush (simulated GPU)', () => {
  it('a label out of range: no throw at the call, the named error at the next optimizerStep, nothing applied', async () => {
    const z = tf.variable(rand([1, 2, 3, 3], 70));
    const bad = labelsOf([1, 2, 3], 3, [0, 1, 2, 255, 0, 70000]);
    const before = Array.from(await z.data());
    tf.dispose(crossEntropyLoss(z, bad)); // no read, no throw here
    expect(pendingFiniteChecks()).toBe(1);
    await expect(flushFiniteChecks('step 4')).rejects.toThrow(/invalid crossEntropyLoss: target: expected class indices in \[0, 3\) or ignoreIndex 255.*label 70000 at flat index 5.*reported at step 4/);
    for (const [name, loss] of [
      ['focalLoss', () => focalLoss(z, bad)],
      ['diceLoss', () => diceLoss(z, bad)],
      ['lovaszSoftmaxLoss', () => lovaszSoftmaxLoss(z, bad)],
      ['combinedCeFocalLoss', () => combinedCeFocalLoss(z, bad)],
    ] as const) {
      await expect(optimizerStep(tf.train.sgd(1), [z], loss, { step: 12 })).rejects.toThrow(new RegExp(`${name}: target.*label 70000 at flat index 5.*reported at step 12`));
    }
    expect(Array.from(await z.data())).toEqual(before);
    const negative = labelsOf([1, 2, 3], 3, [0, 1, -3, 255, 0, 1]);
    await expect(optimizerStep(tf.train.sgd(1), [z], () => crossEntropyLoss(z, negative), { step: 2 })).rejects.toThrow(/label -3 at flat index 2.*step 2/);
    expect(pendingFiniteChecks()).toBe(0);
    tf.dispose([z, bad, negative]);
  });

  it('createGanStep names the step of a bad label (the deferred check is read before the G update)', async () => {
    const g = tf.variable(rand([1, 1, 3, 3], 75));
    const d = tf.variable(rand([1, 1, 3, 1], 76));
    const x = rand([1, 2, 3, 3], 77);
    const bad = labelsOf([1, 2, 3], 3, [0, 1, 2, 255, 0, 7]);
    const G = (t: Tensor) => tf.conv2d(t as Tensor4D, g as unknown as tf.Tensor4D, 1, 'same');
    const D = (t: Tensor) => tf.conv2d(t as Tensor4D, d as unknown as tf.Tensor4D, 1, 'same');
    const step = createGanStep<Tensor>({
      generatorVariables: [g],
      discriminatorVariables: [d],
      generatorOptimizer: tf.train.sgd(0.1),
      discriminatorOptimizer: tf.train.sgd(0.1),
      guard: new NanGuard(),
      startStep: 41,
      discriminatorLoss: (b) => ganDiscriminatorLoss(D(b), D(G(b)), { mode: 'lsgan' }),
      generatorLoss: (b) => tf.add(ganGeneratorLoss(D(G(b)), { mode: 'lsgan' }), crossEntropyLoss(G(b), bad)) as Scalar,
    });
    const before = Array.from(await g.data());
    await expect(step(x)).rejects.toThrow(/crossEntropyLoss: target.*label 7 at flat index 5.*reported at step 42/);
    expect(Array.from(await g.data())).toEqual(before);
    tf.dispose([g, d, x, bad]);
  });

  it('good labels pass the device check, and the flags are freed', async () => {
    const z = tf.variable(rand([1, 2, 3, 3], 71));
    const good = labelsOf([1, 2, 3], 3, [0, 1, 2, 255, 0, 1]);
    const opt = tf.train.sgd(1);
    await optimizerStep(opt, [z], () => crossEntropyLoss(z, good)); // warm-up
    const n = tf.memory().numTensors;
    await optimizerStep(opt, [z], () => crossEntropyLoss(z, good));
    expect(pendingFiniteChecks()).toBe(0);
    expect(tf.memory().numTensors).toBe(n);
    tf.dispose([z, good]);
    opt.dispose();
  });

  it('gradientPenalty: a tensor alpha outside [0, 1] or NaN is reported, naming the value and index', async () => {
    const w = tf.variable(rand([1, 1, 3, 1], 72));
    const critic = (x: Tensor) => tf.conv2d(x as Tensor4D, w as unknown as tf.Tensor4D, 1, 'same');
    const real = rand([2, 2, 2, 3], 73);
    const fake = rand([2, 2, 2, 3], 74);
    const out = tf.tensor1d([0.5, 1.5]);
    const nan = tf.tensor1d([NaN, 0.5]);
    await expect(optimizerStep(tf.train.sgd(1), [w], () => gradientPenalty(critic, real, fake, { alpha: out }), { step: 5 })).rejects.toThrow(/gradientPenalty: options\.alpha: expected interpolation weights in \[0, 1\].*1\.5 at index 1.*step 5/);
    await expect(optimizerStep(tf.train.sgd(1), [w], () => gradientPenalty(critic, real, fake, { alpha: nan }))).rejects.toThrow(/gradientPenalty: options\.alpha: expected finite.*NaN at index 0/);
    tf.dispose([w, real, fake, out, nan]);
  });
});

describe('Lovász-Softmax on the device (tf.topk) equals the host sort', () => {
  const cases: [string, object][] = [
    ['present classes', {}],
    ['per image, mean', { perImage: true }],
    ['per image, none', { perImage: true, reduction: 'none' }],
    ['all classes', { classes: 'all' }],
    ['a class list with a repeat', { classes: [1, 1, 3] }],
  ];
  // image 1 has only ignored pixels, class 3 is absent from image 0
  const labelValues = Array.from({ length: 2 * 5 * 7 }, (_, i) => (i >= 35 ? (i % 3 === 0 ? 255 : i % 4) : i % 6 === 5 ? 255 : i % 3));
  for (const [name, options] of cases) {
    it(`${name}: value and gradient to 1e-5 (cpu, forced device path; and the simulated GPU)`, async () => {
      const logits = tf.randomNormal([2, 5, 7, 4], 0, 2, 'float32', 80);
      const labels = tf.tensor3d(labelValues, [2, 5, 7], 'int32');
      const run = async (sortOn?: 'host' | 'device') => {
        const f = (x: Tensor) => lovaszSoftmaxLoss(x, labels, { ...options, ...(sortOn ? { sortOn } : {}) } as never);
        const { value, grad } = tf.valueAndGrad(f)(logits);
        const out = { value: Array.from(await value.data()), grad: Array.from(await grad.data()) };
        tf.dispose([value, grad]);
        return out;
      };
      const onGpu = await run(); // fakegpu: the device path by default
      await tf.setBackend('cpu');
      try {
        const host = await run('host');
        const device = await run('device');
        for (const other of [device, onGpu]) {
          expect(other.value.length).toBe(host.value.length);
          other.value.forEach((v, i) => expect(Math.abs(v - host.value[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(host.value[i]!))));
          const worst = Math.max(...other.grad.map((g, i) => Math.abs(g - host.grad[i]!)));
          expect(worst).toBeLessThanOrEqual(1e-5);
        }
        expect(host.grad.some((g) => g !== 0)).toBe(true);
      } finally {
        await tf.setBackend(FAKE_GPU);
      }
      tf.dispose([logits, labels]);
    });
  }
});
