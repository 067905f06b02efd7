/**
 * Issue 15: the shared low layer `src/ops/` holds each concept once — float64 linear algebra
 * and the Fréchet distance (metrics' `frechetDistance` and data's `selectByFid`), mirror
 * padding (SSIM and `ReflectionPadding2D`), image-input conversion, the `(prediction, target)`
 * pair check (losses and metrics) — with the results of the copies they replace.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import { InvalidArgumentError } from '../src/errors.js';
import { frechetDistance, FeatureStatistics } from '../src/metrics/index.js';
import { ReflectionPadding2D, selectByFid } from '../src/index.js';
import * as layersFace from '../src/models/layers/index.js';
import * as metricsFace from '../src/metrics/index.js';
import { meanCovariance, symmetricEigenvalues } from '../src/ops/linalg64.js';
import { frechetDistance64, toSquareMatrix } from '../src/ops/frechet.js';
import { mirrorPad, mirrorPad2d } from '../src/ops/mirror_pad.js';
import { isImageData, toHostImage, toImageTensor } from '../src/ops/image_input.js';
import { checkPair } from '../src/ops/check_pair.js';
import { checkPair as lossPairCheck } from '../src/losses/pixel_common.js';
import { expectClose, loadFixture } from './helpers/index.js';

interface FidCase { features1: number[][]; mu1: number[]; mu2: number[]; sigma1: number[][]; sigma2: number[][]; fid: number }
interface SelectFixture { fid: { mean: number[]; cov: number[]; candidates: { data: number[]; shape: [number, number]; fid: number }[] } }
const L = { sigma1: 's1', sigma2: 's2' };

describe('ops/linalg64 + ops/frechet: one float64 Fréchet distance', () => {
  it('agrees with the SciPy statistics of metrics_fid.json (pytorch-fid formula) to 1e-6', () => {
    for (const c of loadFixture<{ cases: FidCase[] }>('metrics_fid.json').cases) {
      const d = c.mu1.length;
      const f = frechetDistance64(c.mu1, toSquareMatrix('s1', c.sigma1, d), c.mu2, toSquareMatrix('s2', c.sigma2, d), d, L);
      expectClose(f, c.fid, 1e-6, `d = ${d}`);
      // meanCovariance is numpy.cov (N − 1)
      const s = meanCovariance(Float64Array.from(c.features1.flat()), c.features1.length, d);
      expectClose(Array.from(s.mean), c.mu1, 1e-12, 'mean');
      expectClose(Array.from(s.cov), c.sigma1.flat(), 1e-12, 'cov');
    }
  });

  it('agrees with scipy sqrtm on the selectByFid fixture (data_reference.json) to 1e-8 — the accuracy the Jacobi copy had', () => {
    const fx = loadFixture<SelectFixture>('data_reference.json').fid;
    const d = fx.mean.length;
    const cov = Float64Array.from(fx.cov);
    for (const c of fx.candidates) {
      const s = meanCovariance(c.data, c.shape[0], c.shape[1]);
      const f = frechetDistance64(s.mean, s.cov, fx.mean, cov, d, L);
      expect(Math.abs(f - c.fid) / Math.abs(c.fid)).toBeLessThan(1e-8);
    }
    // diagonal hand case: FID = |Δμ|² + Σ (σ1 − σ2)²
    expect(frechetDistance64([1, 0], Float64Array.of(4, 0, 0, 9), [0, 2], Float64Array.of(1, 0, 0, 1), 2, L)).toBeCloseTo(1 + 4 + 1 + 4, 10);
  });

  it('selectByFid and frechetDistance are the same computation (scores equal to 1e-12)', () => {
    const fx = loadFixture<SelectFixture>('data_reference.json').fid;
    const feats = fx.candidates.map((c) => ({ data: c.data, shape: c.shape }));
    const { scores } = selectByFid(feats, { mean: fx.mean, cov: fx.cov }, { count: 2 });
    fx.candidates.forEach((c, i) => {
      const st = new FeatureStatistics();
      st.update({ data: Float64Array.from(c.data), shape: c.shape });
      expectClose(scores[i]!, frechetDistance(st.mean, st.covariance, fx.mean, fx.cov), 1e-12, `candidate ${i}`);
      expectClose(scores[i]!, c.fid, 1e-8, `candidate ${i} vs scipy`);
    });
  });

  it('symmetricEigenvalues reads the lower triangle only; toSquareMatrix labels its errors', () => {
    const e = Array.from(symmetricEigenvalues(Float64Array.of(2, 99, 1, 2), 2)).sort();
    expectClose(e, [1, 3], 1e-14);
    expect(() => toSquareMatrix('f: sigma1', [1, 2, 3], 2)).toThrow(/invalid f: sigma1: expected a 2×2 matrix/);
    expect(() => toSquareMatrix('f: sigma1', [[1, 0.5], [0, 1]], 2)).toThrow(/invalid f: sigma1: expected a symmetric matrix/);
    expect(() => frechetDistance64([0, 0], Float64Array.of(1, 2, 2, 1), [0, 0], Float64Array.of(1, 0, 0, 1), 2, L)).toThrow(/invalid s1: expected a positive semi-definite/);
  });
});

describe('ops/mirror_pad: one differentiable mirror pad', () => {
  it('reflect and symmetric values along one axis (any rank)', () => {
    const x = tf.tensor1d([1, 2, 3]);
    expect(Array.from(mirrorPad(x, 0, 2, 1, 'reflect').dataSync())).toEqual([3, 2, 1, 2, 3, 2]);
    expect(Array.from(mirrorPad(x, 0, 2, 1, 'symmetric').dataSync())).toEqual([2, 1, 1, 2, 3, 3]);
    expect(mirrorPad(x, 0, 0, 0, 'reflect')).toBe(x);
    x.dispose();
  });

  it('mirrorPad2d equals tf.mirrorPad in both modes, and its gradient keeps the mirrored pixels (tf.mirrorPad 4.22 drops them)', () => {
    const x = tf.tensor4d(Array.from({ length: 2 * 4 * 5 * 2 }, (_, i) => Math.sin(i)), [2, 4, 5, 2]);
    for (const mode of ['reflect', 'symmetric'] as const) {
      const ours = mirrorPad2d(x, [2, 1], [3, 0], mode);
      const ref = tf.mirrorPad(x, [[0, 0], [2, 1], [3, 0], [0, 0]], mode);
      expect(ours.shape).toEqual([2, 7, 8, 2]);
      expectClose(Array.from(ours.dataSync()), Array.from(ref.dataSync()), 0, mode);
      tf.dispose([ours, ref]);
    }
    // d/dx Σ mirrorPad([x0, x1, x2], 2 before, 1 after, reflect) = how often each x_i appears: [1, 3, 2]
    const g = tf.grad((v: tf.Tensor) => tf.sum(mirrorPad(v, 0, 2, 1, 'reflect')))(tf.tensor1d([1, 2, 3]));
    expect(Array.from(g.dataSync())).toEqual([1, 3, 2]);
    g.dispose();
    x.dispose();
  });

  it('ReflectionPadding2D pads with the shared function; the old reflectPad helper and metrics mirrorPad2d are gone from the faces', () => {
    const x = tf.tensor4d(Array.from({ length: 1 * 4 * 4 * 1 }, (_, i) => i), [1, 4, 4, 1]);
    const layer = new ReflectionPadding2D({ padding: [[1, 2], [3, 1]] });
    const y = layer.apply(x) as tf.Tensor;
    const z = mirrorPad2d(x as tf.Tensor4D, [1, 2], [3, 1], 'reflect');
    expectClose(Array.from(y.dataSync()), Array.from(z.dataSync()), 0);
    tf.dispose([x, y, z]);
    expect('reflectPad' in layersFace).toBe(false);
    expect('mirrorPad2d' in metricsFace).toBe(false);
  });
});

describe('ops/image_input: one image-input conversion', () => {
  it('host data → float32 rank-4 tensor (owned); a float32 rank-4 tensor passes through; int32 rank 3 is cast and batched', () => {
    const host = { data: Uint8Array.of(0, 128, 255, 7, 8, 9), shape: [1, 2, 3] };
    expect(isImageData(host)).toBe(true);
    expect(isImageData(tf.scalar(1))).toBe(false);
    const a = toImageTensor('f: prediction', host);
    expect([a.owned, a.t.dtype, a.t.shape]).toEqual([true, 'float32', [1, 1, 2, 3]]);
    expect(Array.from(a.t.dataSync())).toEqual([0, 128, 255, 7, 8, 9]);
    a.t.dispose();
    const f = tf.zeros([1, 2, 2, 1]);
    const b = toImageTensor('f: prediction', f);
    expect(b.owned).toBe(false);
    expect(b.t).toBe(f);
    const i = tf.tensor3d([1, 2, 3, 4], [2, 2, 1], 'int32');
    const c = toImageTensor('f: target', i);
    expect([c.owned, c.t.dtype, c.t.shape]).toEqual([true, 'float32', [1, 2, 2, 1]]);
    tf.dispose([f, i, c.t]);
  });

  it('host view: host data is not copied, tensors are read; errors carry the caller label', () => {
    const data = Float32Array.of(1, 2, 3, 4);
    const h = toHostImage('g: target', { data, shape: [2, 2, 1] });
    expect(h.data).toBe(data);
    expect(h.shape).toEqual([1, 2, 2, 1]);
    const t = tf.tensor4d([5, 6], [2, 1, 1, 1]);
    expect(Array.from(toHostImage('g: target', t).data)).toEqual([5, 6]);
    t.dispose();
    expect(() => toHostImage('g: target', { data, shape: [3, 1, 1] })).toThrow(/invalid g: target\.data: expected 3 values for shape \[3,1,1\]/);
    expect(() => toImageTensor('g: target', { data, shape: [4] })).toThrow(/invalid g: target\.shape: expected \[N,H,W,C\] or \[H,W,C\]/);
    expect(() => toImageTensor('g: target', tf.tensor2d([1], [1, 1]) as never)).toThrow(/invalid g: target: expected a rank-3 or 4 tensor/);
  });
});

describe('ops/check_pair: one (prediction, target) check for losses and metrics', () => {
  it('the pixel losses use it', () => {
    expect(lossPairCheck).toBe(checkPair);
  });

  it('labels fn: prediction / fn: target / fn: prediction/target; checks per use', () => {
    const p = tf.zeros([1, 2, 2, 1]);
    const q = tf.zeros([1, 2, 3, 1]);
    const i = tf.zeros([1, 2, 2, 1], 'int32');
    const nan = tf.fill([1, 2, 2, 1], NaN);
    const e = tf.zeros([0, 2, 2, 1]);
    expect(() => checkPair('l1Loss', p, q)).toThrow(/invalid l1Loss: prediction\/target: expected prediction and target of the same shape, received "\[1,2,2,1\] and \[1,2,3,1\]"/);
    expect(() => checkPair('l1Loss', p, i)).toThrow(/invalid l1Loss: target: expected a float32 tensor/);
    expect(() => checkPair('l1Loss', p, nan)).toThrow(/invalid l1Loss: target: expected finite values/);
    expect(() => checkPair('l1Loss', 3, p)).toThrow(InvalidArgumentError);
    expect(() => checkPair('psnr', p, i, { float32: false, finiteTarget: false })).not.toThrow();
    expect(() => checkPair('psnr', e, e, { nonEmpty: true })).toThrow(/invalid psnr: prediction: expected non-empty images/);
    expect(() => checkPair('l1Loss', e, e)).not.toThrow();
    tf.dispose([p, q, i, nan, e]);
  });
});
