import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import { FeatureStatistics, frechetDistance } from '../src/metrics/index.js';
import { symmetricEigenvalues } from '../src/ops/linalg64.js';
import { expectClose, loadFixture } from './helpers/index.js';

interface Case { features1: number[][]; features2: number[][]; mu1: number[]; mu2: number[]; sigma1: number[][]; sigma2: number[][]; fid: number }
const fixture = loadFixture<{ cases: Case[] }>('metrics_fid.json');

describe('frechetDistance / FeatureStatistics vs SciPy (pytorch-fid formula)', () => {
  fixture.cases.forEach((c, k) => {
    it(`case ${k}: d = ${c.mu1.length}`, () => {
      expectClose(frechetDistance(c.mu1, c.sigma1, c.mu2, c.sigma2), c.fid, 1e-6, 'fid from the SciPy statistics');
      const a = new FeatureStatistics();
      const b = new FeatureStatistics();
      // streamed in uneven batches, through three input forms
      a.update(c.features1.slice(0, 7));
      const t = tf.tensor2d(c.features1.slice(7));
      a.update(t);
      t.dispose();
      const half = Math.floor(c.features2.length / 2);
      b.update({ data: Float64Array.from(c.features2.slice(0, half).flat()), shape: [half, c.mu2.length] });
      b.update(c.features2.slice(half));
      expectClose(a.mean, c.mu1, 1e-12, 'mean');
      expectClose(a.covariance, c.sigma1.flat(), 1e-12, 'covariance');
      expectClose(a.frechetDistance(b), c.fid, 1e-6, 'fid from streamed features');
    });
  });

  it('identical sets give 0; merge equals one stream; rank-deficient covariance works', () => {
    const c = fixture.cases[0]!;
    expect(Math.abs(frechetDistance(c.mu1, c.sigma1, c.mu1, c.sigma1))).toBeLessThan(1e-9);
    const whole = new FeatureStatistics();
    whole.update(c.features1);
    const p = new FeatureStatistics();
    const q = new FeatureStatistics();
    p.update(c.features1.slice(0, 13));
    q.update(c.features1.slice(13));
    const merged = FeatureStatistics.fromJSON(JSON.parse(JSON.stringify(p.toJSON()))).merge(q);
    expectClose(merged.covariance, whole.covariance, 1e-12);
    // 3 samples in 6-D: Σ has rank 2; Tr sqrt(Σ Σ) = Tr Σ → distance to itself is 0
    const few = new FeatureStatistics();
    few.update(c.features1.slice(0, 3));
    const d0 = few.frechetDistance(few);
    expect(Math.abs(d0)).toBeLessThan(1e-9);
  });

  it('symmetric eigenvalues match a known spectrum', () => {
    // Q diag(1..5) Qᵀ with a Householder Q
    const d = 5;
    const v = [1, -2, 0.5, 3, 1];
    const vv = v.reduce((s, x) => s + x * x, 0);
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) {
          const qik = (i === k ? 1 : 0) - (2 * v[i]! * v[k]!) / vv;
          const qjk = (j === k ? 1 : 0) - (2 * v[j]! * v[k]!) / vv;
          s += qik * (k + 1) * qjk;
        }
        a[i * d + j] = s;
      }
    for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) a[i * d + j] = 99; // only the lower triangle is read
    const e = Array.from(symmetricEigenvalues(a, d)).sort((x, y) => x - y);
    expectClose(e, [1, 2, 3, 4, 5], 1e-12);
  });

  it('rejects bad input', () => {
    expect(() => frechetDistance([0, 1], [1, 0, 0, 1], [0], [1])).toThrow(/mu2/);
    expect(() => frechetDistance([0, 1], [1, 0, 0], [0, 1], [1, 0, 0, 1])).toThrow(/sigma1/);
    expect(() => frechetDistance([0, NaN], [1, 0, 0, 1], [0, 1], [1, 0, 0, 1])).toThrow(/finite/);
    const s = new FeatureStatistics(3);
    expect(() => s.update([[1, 2]])).toThrow(/dimension 3/);
    expect(() => s.frechetDistance(s)).toThrow(/at least 2/);
  });
});
