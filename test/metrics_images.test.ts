import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import type { Tensor4D } from '../src/tf.js';
import { msSsim, psnr, ssim, ssimHost, ssimHostParallel, PsnrMetric, SsimMetric } from '../src/metrics/index.js';
import { InvalidArgumentError } from '../src/errors.js';
import { checkGradient, expectClose, expectNoLeaks, loadFixture } from './helpers/index.js';
import { makePair } from './helpers/metrics_pairs.js';

interface ImageCase { name: 'psnr' | 'ssim' | 'msSsim'; shape: number[]; seed: number; scale: number; dataRange: number; options: Record<string, unknown>; expected: number[] }
const fixture = loadFixture<{ cases: ImageCase[] }>('metrics_images.json');
const fns = { psnr, ssim, msSsim } as const;

describe('image metrics vs scikit-image / torch / tf.image definitions', () => {
  for (const c of fixture.cases) {
    it(`${c.name} ${JSON.stringify(c.options)} [${c.shape.join(',')}] R=${c.dataRange}`, () => {
      const [a, b] = makePair(c.shape, c.seed, c.scale);
      const big = c.shape[1]! * c.shape[2]! > 100_000;
      const values = tf.tidy(() => {
        const ta = tf.tensor4d(a, c.shape as [number, number, number, number]);
        const tb = tf.tensor4d(b, c.shape as [number, number, number, number]);
        return Array.from(fns[c.name](ta, tb, { dataRange: c.dataRange, ...c.options }).dataSync());
      });
      expectClose(values, c.expected, big ? 1e-4 : 1e-5, c.name);
    });
  }

  it('ssimHost (float64 loops) matches every non-downsampling SSIM fixture to 1e-9', () => {
    for (const c of fixture.cases.filter((x) => x.name === 'ssim' && !x.options.downsample)) {
      const [a, b] = makePair(c.shape, c.seed, c.scale);
      const v = ssimHost({ data: a, shape: c.shape }, { data: b, shape: c.shape }, { dataRange: c.dataRange, ...c.options });
      expectClose(v, c.expected, 1e-9, JSON.stringify(c.options));
    }
  });

  it('ssimHostParallel (worker threads, row bands) equals ssimHost', async () => {
    const c = fixture.cases.find((x) => x.name === 'ssim' && x.shape[0] === 2 && Object.keys(x.options).length === 0)!;
    const [a, b] = makePair(c.shape, c.seed, c.scale);
    for (const padding of ['valid', 'reflect'] as const) {
      const one = ssimHost({ data: a, shape: c.shape }, { data: b, shape: c.shape }, { dataRange: 1, padding });
      const par = await ssimHostParallel({ data: a, shape: c.shape }, { data: b, shape: c.shape }, { dataRange: 1, padding }, { workers: 3 });
      expectClose(par, one, 1e-12, padding);
    }
  }, 60_000);

  it('psnr is +Infinity for identical images and accepts host data', () => {
    const [a] = makePair([1, 5, 6, 2], 3);
    const v = psnr({ data: a, shape: [1, 5, 6, 2] }, { data: a, shape: [5, 6, 2] }, { dataRange: 1 });
    expect(v.dataSync()[0]).toBe(Infinity);
    v.dispose();
  });

  it('ssim of an image with itself is 1 in every padding mode', () => {
    const [a] = makePair([1, 12, 13, 3], 9);
    const t = tf.tensor4d(a, [1, 12, 13, 3]);
    for (const padding of ['valid', 'reflect', 'zero'] as const) {
      const v = ssim(t, t, { dataRange: 1, padding });
      expectClose(v, [1], 1e-6, padding);
      v.dispose();
    }
    t.dispose();
  });

  it('1 − ssim is differentiable (finite differences)', () => {
    const [a, b] = makePair([1, 13, 12, 1], 4);
    const tb = tf.tensor4d(b, [1, 13, 12, 1]);
    const ta = tf.tensor4d(a, [1, 13, 12, 1]);
    checkGradient((x) => tf.sub(1, tf.sum(ssim(x as Tensor4D, tb, { dataRange: 1 }))), ta, { eps: 1e-2, samples: 8 });
    checkGradient((x) => tf.sub(1, tf.sum(ssim(x as Tensor4D, tb, { dataRange: 1, padding: 'reflect' }))), ta, { eps: 1e-2, samples: 6 });
    checkGradient((x) => tf.sum(psnr(x as Tensor4D, tb, { dataRange: 1 })), ta, { eps: 1e-3, samples: 6, rtol: 5e-2 });
    checkGradient((x) => tf.sub(1, tf.sum(ssim(x as Tensor4D, tb, { dataRange: 1, padding: 'zero', gaussian: false, windowSize: 5 }))), ta, { eps: 1e-2, samples: 6 });
    ta.dispose();
    tb.dispose();
  });

  it('downsample (2009 ssim.m) is differentiable through the symmetric padding and box filter', () => {
    // min(H, W) = 384 → f = round(1.5) = 2
    const [c, d] = makePair([1, 384, 390, 1], 13);
    const tc = tf.tensor4d(c, [1, 384, 390, 1]);
    const td = tf.tensor4d(d, [1, 384, 390, 1]);
    checkGradient((x) => tf.sub(1, tf.sum(ssim(x as Tensor4D, td, { dataRange: 1, downsample: true }))), tc, { eps: 1e-2, samples: 6, atol: 1e-4 });
    tf.dispose([tc, td]);
  }, 60_000);

  it('does not leak tensors', async () => {
    const [a, b] = makePair([1, 12, 12, 3], 1);
    const ta = tf.tensor4d(a, [1, 12, 12, 3]);
    const tb = tf.tensor4d(b, [1, 12, 12, 3]);
    await expectNoLeaks(() => ssim(ta, tb, { dataRange: 1, padding: 'zero' }));
    await expectNoLeaks(() => ssim({ data: a, shape: [1, 12, 12, 3] }, tb, { dataRange: 1, downsample: true }));
    await expectNoLeaks(() => psnr(ta, tb, { dataRange: 1 }));
    await expectNoLeaks(() => msSsim(ta, tb, { dataRange: 1, weights: [0.5, 0.5], windowSize: 5 }));
    await expectNoLeaks(() => new SsimMetric({ dataRange: 1 }).update(ta, tb));
    ta.dispose();
    tb.dispose();
  });

  it('rejects bad input with clear errors', () => {
    const a = tf.zeros([1, 12, 12, 3]) as Tensor4D;
    const b = tf.zeros([1, 12, 11, 3]) as Tensor4D;
    const small = tf.zeros([1, 8, 12, 1]) as Tensor4D;
    expect(() => ssim(a, b, { dataRange: 1 })).toThrow(/same shape/);
    expect(() => ssim(a, a, {} as never)).toThrow(/dataRange/);
    expect(() => psnr(a, a, { dataRange: -1 })).toThrow(InvalidArgumentError);
    expect(() => ssim(small, small, { dataRange: 1 })).toThrow(/window size 11/);
    expect(() => ssim(a, a, { dataRange: 1, windowSize: 4 })).toThrow(/odd/);
    expect(() => ssim(a, a, { dataRange: 1, padding: 'same' as never })).toThrow(/padding/);
    expect(() => msSsim(a, a, { dataRange: 1 })).toThrow(/MS-SSIM scales/);
    expect(() => ssim(tf.zeros([12, 12]) as never, a, { dataRange: 1 })).toThrow(/rank-3 or 4/);
    tf.dispose([a, b, small]);
  });
});

describe('PsnrMetric / SsimMetric accumulators', () => {
  it('report per-image values, their mean and the pooled PSNR; merge equals one stream', () => {
    const c = fixture.cases.find((x) => x.name === 'psnr' && x.shape[0] === 2)!;
    const [a, b] = makePair(c.shape, c.seed, c.scale);
    const half = a.length / 2;
    const shape1 = [1, ...c.shape.slice(1)];
    const m1 = new PsnrMetric({ dataRange: 1 });
    const m2 = new PsnrMetric({ dataRange: 1 });
    m1.update({ data: a.subarray(0, half), shape: shape1 }, { data: b.subarray(0, half), shape: shape1 });
    const tb = tf.tensor4d(b.subarray(half), shape1 as [number, number, number, number]);
    m2.update({ data: a.subarray(half), shape: shape1 }, tb);
    tb.dispose();
    m1.merge(m2);
    const r = m1.compute();
    expect(r.count).toBe(2);
    expectClose(r.perImage, c.expected, 1e-6);
    expectClose(r.mean, (c.expected[0]! + c.expected[1]!) / 2, 1e-6);
    const mses = c.expected.map((p) => 10 ** (-p / 10));
    expectClose(r.pooled, 10 * Math.log10(1 / ((mses[0]! + mses[1]!) / 2)), 1e-6);
    m1.reset();
    expect(m1.compute().count).toBe(0);
    expect(Number.isNaN(m1.compute().mean)).toBe(true);
  });

  it('SsimMetric accumulates ssim() values', () => {
    const c = fixture.cases.find((x) => x.name === 'ssim' && x.shape[0] === 2 && Object.keys(x.options).length === 0)!;
    const [a, b] = makePair(c.shape, c.seed, c.scale);
    const m = new SsimMetric({ dataRange: 1 });
    m.update({ data: a, shape: c.shape }, { data: b, shape: c.shape });
    const r = m.compute();
    expectClose(r.perImage, c.expected, 1e-5);
    expectClose(r.mean, (c.expected[0]! + c.expected[1]!) / 2, 1e-5);
    expect(() => m.merge(new SsimMetric({ dataRange: 255 }))).toThrow(/dataRange/);
    const ta = tf.tensor4d(a, c.shape as [number, number, number, number]);
    const tb = tf.tensor4d(b, c.shape as [number, number, number, number]);
    const mt = new SsimMetric({ dataRange: 1 });
    mt.update(ta, tb); // wasm backend: host float64 loop
    tf.dispose([ta, tb]);
    expectClose(mt.compute().perImage, c.expected, 1e-9);
    // tensors go through ssim(); multiScale accumulates msSsim()
    const ms = fixture.cases.find((x) => x.name === 'msSsim' && x.shape[0] === 1)!;
    const [c1, c2] = makePair(ms.shape, ms.seed, ms.scale);
    const t1 = tf.tensor4d(c1, ms.shape as [number, number, number, number]);
    const t2 = tf.tensor4d(c2, ms.shape as [number, number, number, number]);
    const mm = new SsimMetric({ dataRange: ms.dataRange, multiScale: true });
    mm.update(t1, t2);
    tf.dispose([t1, t2]);
    expectClose(mm.compute().perImage, ms.expected, 1e-4);
  });
});
