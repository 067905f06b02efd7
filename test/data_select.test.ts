import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import { nightnessHistogram, nightnessScore, renderSyntheticScene, selectByFid, selectByHistogram, toNight, writeImage } from '../src/index.js';
import { loadFixture } from './helpers/index.js';

const constant = (r: number, g: number, b: number) => {
  const data = new Float32Array(4 * 4 * 3);
  for (let i = 0; i < 16; i++) data.set([r / 255, g / 255, b / 255], i * 3);
  return { data, height: 4, width: 4, channels: 3 };
};

describe('nightness (thesis eq. 4.1)', () => {
  it('scores S = 0.5·R + G + B (normalised by 2.5 unless asked not to)', () => {
    expect(nightnessScore(constant(40, 20, 10))).toBeCloseTo((0.5 * 40 + 20 + 10) / 2.5, 4);
    expect(nightnessScore(constant(40, 20, 10), { normalize: false })).toBeCloseTo(50, 4);
    expect(nightnessScore(constant(40, 20, 10), { alpha: 1, normalize: false })).toBeCloseTo(70, 4);
    const t = tf.fill([4, 4, 3], 0); // 0 in [-1,1] = 127.5
    expect(nightnessScore(t, { range: [-1, 1] })).toBeCloseTo(127.5, 3);
    t.dispose();
    const h = nightnessHistogram(constant(40, 20, 10), { bins: 10 });
    expect(h[0]).toBeCloseTo(1, 10);
  });

  it('selectByHistogram keeps images with low < S < high', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segaware-night-'));
    const paths: string[] = [];
    for (const v of [5, 17, 19, 30, 120]) {
      const p = join(dir, `v${v}.png`);
      await writeImage(p, constant(v, v, v));
      paths.push(p);
    }
    const { selected, scores } = await selectByHistogram(paths, { low: 15, high: 20 });
    expect(selected.map((p) => p.split('/').pop())).toEqual(['v17.png', 'v19.png']);
    expect(scores[4]).toBeCloseTo(120, 4);
    await expect(selectByHistogram(paths, { low: 20, high: 15 })).rejects.toThrow(/low < high/);
  });

  it('synthetic night images score in the night band, day images far above it', () => {
    const s = renderSyntheticScene(3, 1, 64, 128);
    const day = nightnessScore(s.image);
    const night = nightnessScore(toNight(s.image, { emission: s.emission, labels: s.labels, seed: 1 }));
    expect(day).toBeGreaterThan(80);
    expect(night).toBeLessThan(45);
  });
});

describe('FID selection', () => {
  it('selectByFid keeps candidates under a threshold or the count closest, by increasing FID', () => {
    const fx = loadFixture<{ fid: { mean: number[]; cov: number[]; candidates: { data: number[]; shape: [number, number]; fid: number }[] } }>('data_reference.json').fid;
    const feats = fx.candidates.map((c) => ({ data: c.data, shape: c.shape }));
    const ref = { mean: fx.mean, cov: fx.cov };
    const fids = fx.candidates.map((c) => c.fid);
    const sorted = fids.map((_, i) => i).sort((a, b) => fids[a]! - fids[b]!);
    const byCount = selectByFid(feats, ref, { count: 2 });
    expect(byCount.indices).toEqual(sorted.slice(0, 2));
    byCount.scores.forEach((s, i) => expect(s).toBeCloseTo(fids[i]!, 6));
    const thr = (fids[sorted[1]!]! + fids[sorted[2]!]!) / 2;
    expect(selectByFid(feats, ref, { threshold: thr }).indices).toEqual(sorted.slice(0, 2));
    const t = tf.tensor2d(fx.candidates[0]!.data, fx.candidates[0]!.shape);
    expect(selectByFid([t], ref, { count: 1 }).scores[0]).toBeCloseTo(fids[0]!, 6);
    t.dispose();
    expect(() => selectByFid(feats, ref, {})).toThrow(/invalid selectByFid: options: expected exactly one of threshold or count/);
    expect(() => selectByFid([{ data: [1, 2, 3], shape: [1, 3] }], ref, { count: 1 })).toThrow(/invalid selectByFid: features\[0\]: expected feature vectors of length 5/);
    // issue 15: misspelled keys are rejected, and the reference covariance is checked once, by the shared code
    expect(() => selectByFid(feats, ref, { cout: 2 } as never)).toThrow(/invalid selectByFid: options\.cout: expected one of the option keys threshold, count.*did you mean "count"/);
    expect(() => selectByFid(feats, { mean: fx.mean, cov: fx.cov.map((v, i) => (i === 1 ? v + 1 : v)) }, { count: 1 })).toThrow(/invalid selectByFid: referenceStats\.cov: expected a symmetric matrix/);
  });
});
