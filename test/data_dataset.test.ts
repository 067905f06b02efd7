import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import {
  ArrayDataset,
  MismatchError,
  NotFoundError,
  cityscapesDataset,
  colorize,
  dfsFolderDataset,
  disposeBatch,
  pairedFolderDataset,
  renderSyntheticScene,
  syntheticStreetScenes,
  writeImage,
  writeLabelMap,
} from '../src/index.js';
import type { Raster, Sample } from '../src/index.js';
import { buildProgram } from '../src/cli/index.js';
import { writeSyntheticSample } from '../src/cli/data.js';

/** A sample whose label at each pixel is a function of the image colour there. */
function codedSample(name: string, H: number, W: number): Sample {
  const image = new Float32Array(H * W * 3);
  const labels = new Int32Array(H * W);
  const depth = new Float32Array(H * W);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x;
    image[i * 3] = x / (W - 1);
    image[i * 3 + 1] = y / (H - 1);
    labels[i] = (x * 7 + y * 3) % 19;
    depth[i] = x + 100 * y;
  }
  return { name, image: { data: image, height: H, width: W, channels: 3 }, labels: { data: labels, height: H, width: W, channels: 1 }, depth: { data: depth, height: H, width: W, channels: 1 } };
}

describe('batches and augmentation', () => {
  it('crop and flip apply identically to every field', async () => {
    const H = 12, W = 16;
    const ds = new ArrayDataset([0, 1, 2, 3, 4, 5].map((k) => codedSample(`s${k}`, H, W)));
    let flipped = 0;
    for (const seed of [1, 2, 3, 4])
    for await (const b of ds.batches({ batchSize: 3, shuffle: true, seed, crop: [8, 10], flip: true, range: [0, 1] })) {
      const img = b.image as tf.Tensor;
      const lab = b.labels as tf.Tensor;
      const dep = b.depth as tf.Tensor;
      expect(img.shape).toEqual([3, 8, 10, 3]);
      expect(lab.shape).toEqual([3, 8, 10]);
      expect(lab.dtype).toBe('int32');
      expect(dep.shape).toEqual([3, 8, 10, 1]);
      const iv = img.dataSync(), lv = lab.dataSync(), dv = dep.dataSync();
      for (let p = 0; p < 3 * 80; p++) {
        const x = Math.round(iv[p * 3]! * (W - 1));
        const y = Math.round(iv[p * 3 + 1]! * (H - 1));
        expect(lv[p]).toBe((x * 7 + y * 3) % 19);
        expect(dv[p]).toBe(x + 100 * y);
      }
      for (let n = 0; n < 3; n++) if (iv[n * 240]! > iv[n * 240 + 3]!) flipped++;
      disposeBatch(b);
    }
    expect(flipped).toBeGreaterThan(3);
    expect(flipped).toBeLessThan(21);
  });

  it('resize uses bilinear for images and nearest for labels, keeping them aligned', async () => {
    const H = 10, W = 10;
    const image = new Float32Array(H * W * 3);
    const labels = new Int32Array(H * W);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const right = x >= 5;
      image[i * 3] = right ? 0 : 1;
      image[i * 3 + 2] = right ? 1 : 0;
      labels[i] = right ? 13 : 0;
    }
    const ds = new ArrayDataset([{ name: 'a', image: { data: image, height: H, width: W, channels: 3 }, labels: { data: labels, height: H, width: W, channels: 1 } }]);
    for await (const b of ds.batches({ resize: [7, 13], range: [0, 1] })) {
      const iv = (b.image as tf.Tensor).dataSync();
      const lv = (b.labels as tf.Tensor).dataSync();
      let mixed = 0;
      for (let p = 0; p < 7 * 13; p++) {
        expect([0, 13]).toContain(lv[p]);
        if (iv[p * 3]! > 0.999) expect(lv[p]).toBe(0);
        else if (iv[p * 3 + 2]! > 0.999) expect(lv[p]).toBe(13);
        else mixed++;
      }
      expect(mixed).toBeGreaterThan(0); // bilinear blends the edge column of the image
      disposeBatch(b);
    }
  });

  it('shuffles deterministically per seed, prefetches, maps [0,1] to [-1,1] and leaks nothing', async () => {
    const ds = syntheticStreetScenes({ count: 5, height: 32, width: 64, seed: 2 });
    const order = async (seed: number, prefetch: number) => {
      const names: string[] = [];
      for await (const b of ds.batches({ batchSize: 2, shuffle: true, seed, prefetch })) {
        names.push(...b.names);
        const img = b.image as tf.Tensor;
        const mn = tf.tidy(() => tf.min(img).dataSync()[0]!);
        expect(mn).toBeGreaterThanOrEqual(-1);
        expect(mn).toBeLessThan(0);
        disposeBatch(b);
      }
      return names;
    };
    const before = tf.memory().numTensors;
    const a = await order(1, 0);
    expect(a).toHaveLength(5);
    expect(await order(1, 3)).toEqual(a);
    expect(await order(2, 2)).not.toEqual(a);
    expect(new Set(a).size).toBe(5);
    // breaking out early leaves nothing behind
    for await (const b of ds.batches({ batchSize: 1, prefetch: 3 })) {
      disposeBatch(b);
      break;
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects fields of different sizes and bad options', async () => {
    const s = codedSample('bad', 8, 8);
    s.labels = { data: new Int32Array(6 * 8), height: 6, width: 8, channels: 1 } as Raster;
    const ds = new ArrayDataset([s]);
    await expect(ds.batches().next()).rejects.toThrow(/image 8×8 but labels 6×8/);
    await expect(new ArrayDataset([codedSample('x', 8, 8)]).batches({ crop: [9, 9] }).next()).rejects.toThrow(/crop/);
    await expect(new ArrayDataset([codedSample('x', 8, 8)]).batches({ batchSize: 0 }).next()).rejects.toThrow(/batchSize/);
  });
});

describe('folder datasets', () => {
  const root = mkdtempSync(join(tmpdir(), 'segaware-ds-'));

  it('reads a Cityscapes-layout tree (with Foggy Cityscapes, instances and depth) written by the CLI helpers', async () => {
    const cs = join(root, 'cs');
    const scenes = [0, 1, 2].map((i) => renderSyntheticScene(8, i, 32, 64));
    for (const s of scenes) await writeSyntheticSample(cs, 'val', s, true);
    const ds = cityscapesDataset(cs, { split: 'val', foggy: 0.01, instances: true, depth: true });
    expect(ds.length).toBe(3);
    const s = await ds.get(1);
    expect(s.name).toBe(scenes[1]!.name);
    expect(Array.from((s.labels as Raster).data)).toEqual(Array.from(scenes[1]!.labels.data));
    expect(Array.from((s.instances as Raster).data)).toEqual(Array.from(scenes[1]!.instances.data));
    const dep = (s.depth as Raster).data;
    for (let i = 0; i < dep.length; i++) expect(Math.abs(dep[i]! - scenes[1]!.depth.data[i]!)).toBeLessThanOrEqual(0.0051);
    const clear = (s.clear as Raster).data;
    for (let i = 0; i < clear.length; i++) expect(Math.abs(clear[i]! - scenes[1]!.image.data[i]!)).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    expect((s.image as Raster).data[0]).not.toBe(clear[0]); // foggy differs
    for await (const b of ds.batches({ batchSize: 3, crop: [16, 16], flip: true })) {
      expect((b.image as tf.Tensor).shape).toEqual([3, 16, 16, 3]);
      expect((b.instances as tf.Tensor).shape).toEqual([3, 16, 16]);
      disposeBatch(b);
    }
    // missing companions are listed up front
    rmSync(join(cs, 'gtFine', 'val', 'synth', `${scenes[2]!.name}_gtFine_labelIds.png`));
    expect(() => cityscapesDataset(cs, { split: 'val' })).toThrow(new RegExp(`missing.*${scenes[2]!.name}_gtFine_labelIds`));
    expect(() => cityscapesDataset(cs, { split: 'test' })).toThrow(NotFoundError);
  });

  it('pairs DFS a/b/c folders by name and lists the first unmatched names', async () => {
    const dfs = join(root, 'dfs');
    const img = { data: new Float32Array(4 * 6 * 3).fill(0.5), height: 4, width: 6, channels: 3 };
    const lab = { data: new Int32Array(24).fill(13), height: 4, width: 6 };
    for (const n of ['x1', 'x2']) {
      await writeImage(join(dfs, 'a', `${n}.png`), img);
      await writeImage(join(dfs, 'b', `${n}.jpg`), img);
      await writeLabelMap(join(dfs, 'c', `${n}.png`), lab);
    }
    const ds = dfsFolderDataset(dfs);
    expect(ds.length).toBe(2);
    const s = await ds.get(0);
    expect(Object.keys(s).sort()).toEqual(['clear', 'image', 'labels', 'name']);
    expect((s.labels as Raster).data[0]).toBe(13);
    await writeImage(join(dfs, 'a', 'only_in_a.png'), img);
    expect(() => dfsFolderDataset(dfs)).toThrow(MismatchError);
    expect(() => dfsFolderDataset(dfs)).toThrow(/b\) lacks 1: only_in_a/);
    expect(dfsFolderDataset(dfs, { pairing: 'intersection' }).length).toBe(2);
    expect(() => dfsFolderDataset(join(root, 'nope'))).toThrow(NotFoundError);
    expect(() => pairedFolderDataset({ image: join(dfs, 'a'), clear: join(root, 'missing') })).toThrow(/clear folder not found/);
  });

  it('rejects label maps with values outside the trainIds or colours outside the palette', async () => {
    const p = join(root, 'pal');
    const img = { data: new Float32Array(2 * 2 * 3).fill(0.5), height: 2, width: 2, channels: 3 };
    await writeImage(join(p, 'img', 'a.png'), img);
    await writeLabelMap(join(p, 'lab', 'a.png'), { data: new Int32Array([0, 1, 2, 40]), height: 2, width: 2 });
    await expect(pairedFolderDataset({ image: join(p, 'img'), labels: join(p, 'lab') }).get(0)).rejects.toThrow(/trainIds 0\.\.18.*received 40/);
    await writeImage(join(p, 'col', 'a.png'), { data: Uint8Array.from([...colorize(new Uint8Array([0, 13, 10])), 1, 2, 3]), height: 2, width: 2, channels: 3 });
    await expect(pairedFolderDataset({ image: join(p, 'img'), labels: join(p, 'col') }).get(0)).rejects.toThrow(/palette/);
  });

  it('`segaware data synth` and `data degrade` write and read back a tree', async () => {
    const out = join(root, 'cli');
    await buildProgram().parseAsync(['node', 'segaware', 'data', 'synth', '--out', out, '--count', '2', '--height', '32', '--width', '64', '--split', 'val']);
    expect(cityscapesDataset(out, { split: 'val', depth: true }).length).toBe(2);
    const fog = join(root, 'fog');
    await buildProgram().parseAsync(['node', 'segaware', 'data', 'degrade', '--in', out, '--out', fog, '--kind', 'fog', '--level', '3']);
    const night = join(root, 'night');
    await buildProgram().parseAsync(['node', 'segaware', 'data', 'degrade', '--in', out, '--out', night, '--kind', 'night', '--level', '2']);
    const foggy = pairedFolderDataset({ image: join(fog, 'leftImg8bit', 'val', 'synth'), clear: join(out, 'leftImg8bit', 'val', 'synth') }, { pairing: 'strict' });
    expect(foggy.length).toBe(2);
    const s = await foggy.get(0);
    expect((s.image as Raster).data[0]).not.toBeCloseTo((s.clear as Raster).data[0]!, 3);
    // fog on a plain folder without depth maps names the file and the fix
    process.env.SEGAWARE_CLI_THROW = '1';
    try {
      await expect(
        buildProgram().parseAsync(['node', 'segaware', 'data', 'degrade', '--in', join(out, 'leftImg8bit'), '--out', join(root, 'x'), '--kind', 'fog']),
      ).rejects.toThrow(/no depth map for .*--depth DIR/);
      await expect(buildProgram().parseAsync(['node', 'segaware', 'data', 'degrade', '--in', out, '--out', fog, '--kind', 'rain'])).rejects.toThrow(/--kind must be one of/);
    } finally {
      delete process.env.SEGAWARE_CLI_THROW;
    }
  });
});
