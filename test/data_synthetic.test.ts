import { describe, expect, it } from 'vitest';
import { CITYSCAPES_TRAIN_CLASSES, addFog, gaussianBlur, renderSyntheticScene, syntheticStreetScenes } from '../src/index.js';
import type { Raster } from '../src/index.js';
import { TRAIN_ID_TO_LABEL_ID } from '../src/data/cityscapes_labels.js';

describe('syntheticStreetScenes', () => {
  it('is deterministic per (seed, index) and differs across seeds and indices', async () => {
    const a = renderSyntheticScene(4, 2, 64, 128);
    const b = renderSyntheticScene(4, 2, 64, 128);
    expect(Buffer.from(a.image.data.buffer).equals(Buffer.from(b.image.data.buffer))).toBe(true);
    expect(Buffer.from(a.labels.data.buffer).equals(Buffer.from(b.labels.data.buffer))).toBe(true);
    expect(Buffer.from(a.depth.data.buffer).equals(Buffer.from(b.depth.data.buffer))).toBe(true);
    const c = renderSyntheticScene(5, 2, 64, 128);
    const d = renderSyntheticScene(4, 3, 64, 128);
    expect(Buffer.from(a.labels.data.buffer).equals(Buffer.from(c.labels.data.buffer))).toBe(false);
    expect(Buffer.from(a.labels.data.buffer).equals(Buffer.from(d.labels.data.buffer))).toBe(false);
    const ds = syntheticStreetScenes({ count: 3, height: 64, width: 128, seed: 4 });
    const s2 = await ds.get(2);
    expect(Array.from(s2.labels.data)).toEqual(Array.from(a.labels.data));
    expect(s2.name).toBe('synth_000004_000002');
    expect(ds.length).toBe(3);
    await expect(ds.get(3)).rejects.toThrow(/index/);
  });

  it('covers every listed class in 100 scenes with plausible pixel frequencies, consistent instance ids and depth', () => {
    const H = 96, W = 192;
    const counts = new Float64Array(256);
    let total = 0;
    const perScene = new Map<number, number>();
    let badInst = 0;
    let badDepth = 0;
    for (let i = 0; i < 100; i++) {
      const s = renderSyntheticScene(0, i, H, W);
      const seen = new Set<number>();
      for (let p = 0; p < H * W; p++) {
        const t = s.labels.data[p]!;
        counts[t]!++;
        seen.add(t);
        const inst = s.instances.data[p]!;
        const labelId = TRAIN_ID_TO_LABEL_ID[t]!;
        if ((inst >= 1000 ? Math.floor(inst / 1000) : inst) !== labelId) badInst++;
        const dep = s.depth.data[p]!;
        if (!(dep > 0 && dep <= 600.01) || (t === 10 && Math.abs(dep - 600) > 0.01)) badDepth++;
      }
      for (const t of seen) perScene.set(t, (perScene.get(t) ?? 0) + 1);
      total += H * W;
    }
    expect(badInst, 'pixels whose instance id disagrees with the label').toBe(0);
    expect(badDepth, 'pixels with implausible depth').toBe(0);
    const freq = (name: string) => counts[CITYSCAPES_TRAIN_CLASSES.find((c) => c.name === name)!.trainId]! / total;
    const listed = ['road', 'sidewalk', 'building', 'vegetation', 'terrain', 'sky', 'pole', 'traffic light', 'traffic sign', 'car', 'person', 'rider', 'bicycle'];
    for (const c of listed) expect(freq(c), `${c} frequency`).toBeGreaterThan(0);
    // the other train classes appear too (all 19)
    for (const c of CITYSCAPES_TRAIN_CLASSES) expect(freq(c.name), `${c.name} frequency`).toBeGreaterThan(0);
    expect(counts[255]).toBe(0); // every pixel labelled
    expect(freq('road')).toBeGreaterThan(0.15);
    expect(freq('building')).toBeGreaterThan(0.1);
    expect(freq('sky')).toBeGreaterThan(0.03);
    for (const c of ['pole', 'traffic sign', 'traffic light', 'rider', 'bicycle']) expect(freq(c), `${c} small`).toBeLessThan(0.03);
    expect(freq('road')).toBeGreaterThan(10 * freq('pole'));
    // road, sky and cars in (nearly) every scene; rarer classes in some but not all scenes
    expect(perScene.get(0)).toBe(100);
    expect(perScene.get(13)!).toBeGreaterThan(80);
    expect(perScene.get(12)!).toBeLessThan(100);
  });

  it('varies the layout: horizon and road area spread across scenes', () => {
    const H = 64, W = 128;
    const roadFrac: number[] = [];
    const skyFrac: number[] = [];
    for (let i = 0; i < 30; i++) {
      const s = renderSyntheticScene(1, i, H, W);
      let r = 0, k = 0;
      for (const t of s.labels.data) { if (t === 0) r++; if (t === 10) k++; }
      roadFrac.push(r / (H * W));
      skyFrac.push(k / (H * W));
    }
    const spread = (a: number[]) => Math.max(...a) - Math.min(...a);
    expect(spread(roadFrac)).toBeGreaterThan(0.1);
    expect(spread(skyFrac)).toBeGreaterThan(0.1);
  });

  it('is not trivially solvable: a per-pixel colour lookup trained on 60 scenes scores mIoU < 0.5 on 40 others', () => {
    const H = 96, W = 192, Q = 16;
    const key = (d: Float32Array, p: number) =>
      (Math.min(Q - 1, Math.floor(d[p * 3]! * Q)) * Q + Math.min(Q - 1, Math.floor(d[p * 3 + 1]! * Q))) * Q + Math.min(Q - 1, Math.floor(d[p * 3 + 2]! * Q));
    const table = new Float64Array(Q * Q * Q * 19);
    for (let i = 0; i < 60; i++) {
      const s = renderSyntheticScene(0, i, H, W);
      for (let p = 0; p < H * W; p++) table[key(s.image.data, p) * 19 + s.labels.data[p]!]!++;
    }
    const conf = new Float64Array(19 * 19);
    for (let i = 0; i < 40; i++) {
      const s = renderSyntheticScene(1, i, H, W);
      for (let p = 0; p < H * W; p++) {
        const k = key(s.image.data, p);
        let best = 0;
        for (let c = 1; c < 19; c++) if (table[k * 19 + c]! > table[k * 19 + best]!) best = c;
        conf[s.labels.data[p]! * 19 + best]!++;
      }
    }
    let miou = 0, n = 0;
    for (let c = 0; c < 19; c++) {
      let row = 0, col = 0;
      for (let j = 0; j < 19; j++) { row += conf[c * 19 + j]!; col += conf[j * 19 + c]!; }
      if (row === 0) continue;
      miou += conf[c * 19 + c]! / (row + col - conf[c * 19 + c]!);
      n++;
    }
    miou /= n;
    expect(miou).toBeGreaterThan(0.1); // colours carry some signal (road, sky, vegetation)…
    expect(miou).toBeLessThan(0.5); // …but not the answer (measured 0.32)
  });

  it('fog, night and degradation options give degraded/clear pairs', async () => {
    const base = renderSyntheticScene(6, 1, 48, 96);
    const fog = await syntheticStreetScenes({ count: 2, height: 48, width: 96, seed: 6, fog: { beta: 0.02, airlight: 0.85 } }).get(1);
    expect(Array.from((fog.clear as Raster).data)).toEqual(Array.from(base.image.data));
    expect(Array.from(fog.image.data)).toEqual(Array.from(addFog(base.image, base.depth, { beta: 0.02, airlight: 0.85 }).data));
    const night = await syntheticStreetScenes({ count: 2, height: 48, width: 96, seed: 6, night: true }).get(1);
    const mean = (d: ArrayLike<number>) => Array.from(d).reduce((a, b) => a + b, 0) / d.length;
    expect(mean(night.image.data)).toBeLessThan(0.5 * mean(base.image.data));
    const again = await syntheticStreetScenes({ count: 2, height: 48, width: 96, seed: 6, night: true }).get(1);
    expect(Array.from(again.image.data)).toEqual(Array.from(night.image.data));
    const blur = await syntheticStreetScenes({ count: 2, height: 48, width: 96, seed: 6, degradation: { kind: 'blur', level: 2 } }).get(1);
    expect(Array.from(blur.image.data)).toEqual(Array.from(gaussianBlur(base.image, { sigma: 2.5 }).data));
    expect(() => syntheticStreetScenes({ fog: {}, night: true })).toThrow(/at most one/);
    expect(() => syntheticStreetScenes({ fog: { beta: [0.03, 0.01] } })).toThrow(/beta/);
    expect(() => syntheticStreetScenes({ degradation: { kind: 'blur', level: 5 } })).toThrow(/level/);
  });

  it('rejects bad options', () => {
    expect(() => syntheticStreetScenes({ count: -1 })).toThrow(/count/);
    expect(() => syntheticStreetScenes({ height: 8 })).toThrow(/height/);
  });
});
