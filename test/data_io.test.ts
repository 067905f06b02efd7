import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import {
  ImageDecodeError,
  NotFoundError,
  InvalidArgumentError,
  readImage,
  readImageRaster,
  readLabelMap,
  readLabelRaster,
  readRaster,
  writeImage,
  writeLabelMap,
  colorize,
  imageGrid,
  tensorToRaster,
  tensorToRasterAsync,
} from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'segaware-io-'));

describe('image I/O', () => {
  it('8-bit RGB PNG round trip is exact', async () => {
    const h = 5, w = 7;
    const bytes = new Uint8Array(h * w * 3).map((_, i) => (i * 37) % 256);
    const p = join(dir, 'rgb8.png');
    await writeImage(p, { data: bytes, height: h, width: w, channels: 3 });
    const r = await readRaster(p);
    expect(r.channels).toBe(3);
    expect(r.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(r.data)).toEqual(Array.from(bytes));
    const t = await readImage(p);
    expect(t.shape).toEqual([h, w, 3]);
    const v = t.dataSync();
    expect(v[3]).toBeCloseTo(bytes[3]! / 255, 6);
    t.dispose();
  });

  it('float tensors in [-1,1] survive write/read within one quantisation step', async () => {
    const x = tf.randomUniform([4, 6, 3], -1, 1, 'float32', 3);
    const p = join(dir, 'f.png');
    await writeImage(p, x, { range: [-1, 1] });
    const y = await readImage(p, { range: [-1, 1] });
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]!);
    expect(d).toBeLessThanOrEqual(1 / 255 + 1e-6);
    expect(d).toBeGreaterThan(0);
    x.dispose();
    y.dispose();
  });

  it('16-bit RGB PNG round trip is exact', async () => {
    const data = new Uint16Array(2 * 3 * 3).map((_, i) => (i * 4099) % 65536);
    const p = join(dir, 'rgb16.png');
    await writeImage(p, { data, height: 2, width: 3, channels: 3 });
    const r = await readRaster(p);
    expect(r.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(r.data)).toEqual(Array.from(data));
    const f = await readImageRaster(p);
    expect(f.data[5]).toBeCloseTo(data[5]! / 65535, 6);
  });

  it('JPEG writes and reads back close to the input', async () => {
    const data = new Float32Array(16 * 16 * 3).fill(0.5);
    const p = join(dir, 'x.jpg');
    await writeImage(p, { data, height: 16, width: 16, channels: 3 }, { quality: 90 });
    const r = await readImageRaster(p);
    expect(Math.abs(r.data[100]! - 0.5)).toBeLessThan(0.02);
  });

  it('rejects missing, truncated and non-image files', async () => {
    await expect(readImage(join(dir, 'nope.png'))).rejects.toThrow(NotFoundError);
    const good = join(dir, 'big.png');
    const noise = new Uint8Array(64 * 64 * 3).map((_, i) => (i * 7919) % 251);
    await writeImage(good, { data: noise, height: 64, width: 64, channels: 3 });
    const buf = readFileSync(good);
    const cut = join(dir, 'cut.png');
    writeFileSync(cut, buf.subarray(0, Math.floor(buf.length / 2)));
    await expect(readImage(cut)).rejects.toThrow(ImageDecodeError);
    const txt = join(dir, 'text.png');
    writeFileSync(txt, 'not an image');
    await expect(readImage(txt)).rejects.toThrow(/cannot decode image/);
    await expect(writeImage(join(dir, 'x.bmp'), tf.zeros([2, 2, 3]))).rejects.toThrow(InvalidArgumentError);
  });
});

describe('label map I/O', () => {
  it('8-bit label maps round trip exactly (tensor in, tensor out)', async () => {
    const vals = new Int32Array([0, 1, 2, 18, 255, 7, 13, 11, 5, 6, 9, 10]);
    const t = tf.tensor2d(vals, [3, 4], 'int32');
    const p = join(dir, 'lab8.png');
    await writeLabelMap(p, t);
    const back = await readLabelMap(p);
    expect(back.dtype).toBe('int32');
    expect(Array.from(back.dataSync())).toEqual(Array.from(vals));
    expect((await readRaster(p)).channels).toBe(1);
    t.dispose();
    back.dispose();
  });

  it('16-bit instance ids round trip exactly', async () => {
    const vals = new Int32Array([7, 26000, 26001, 24005, 33999, 65535]);
    const p = join(dir, 'inst.png');
    await writeLabelMap(p, { data: vals, height: 2, width: 3 });
    const r = await readLabelRaster(p);
    expect(Array.from(r.data)).toEqual(Array.from(vals));
  });

  it('converts labelIds to trainIds and decodes the colour palette', async () => {
    const p = join(dir, 'labelids.png');
    await writeLabelMap(p, { data: new Int32Array([7, 8, 26, 0, 33, 3]), height: 1, width: 6 });
    const r = await readLabelRaster(p, { convert: 'labelIdToTrainId' });
    expect(Array.from(r.data)).toEqual([0, 1, 13, 255, 18, 255]);
    const ids = new Uint8Array([0, 1, 13, 255, 18, 10]);
    const c = join(dir, 'color.png');
    await writeImage(c, { data: colorize(ids), height: 1, width: 6, channels: 3 });
    const d = await readLabelRaster(c);
    expect(Array.from(d.data)).toEqual(Array.from(ids));
  });

  it('rejects colours outside the palette, values out of range and lossy formats', async () => {
    const c = join(dir, 'badcolor.png');
    await writeImage(c, { data: new Uint8Array([128, 64, 128, 1, 2, 3]), height: 1, width: 2, channels: 3 });
    await expect(readLabelRaster(c)).rejects.toThrow(/rgb\(1, 2, 3\).*x 1, y 0/);
    await expect(writeLabelMap(join(dir, 'neg.png'), { data: new Int32Array([1, -1]), height: 1, width: 2 })).rejects.toThrow(/\[0, 65535\]/);
    await expect(writeLabelMap(join(dir, 'big8.png'), { data: new Int32Array([300]), height: 1, width: 1 }, { bitDepth: 8 })).rejects.toThrow(/bitDepth: 16/);
    await expect(writeLabelMap(join(dir, 'x.jpg'), { data: new Int32Array([1]), height: 1, width: 1 })).rejects.toThrow(/\.png/);
    const p = join(dir, 'oob.png');
    await writeLabelMap(p, { data: new Int32Array([0, 19]), height: 1, width: 2 });
    await expect(readLabelRaster(p, { validateTrainIds: true })).rejects.toThrow(/trainIds 0\.\.18/);
  });
});

describe('imageGrid', () => {
  it('lays out image and label cells with gaps and captions, labels in the Cityscapes palette', async () => {
    const img = { data: new Float32Array(4 * 6 * 3).fill(1), height: 4, width: 6, channels: 3 };
    const lab = { data: new Uint8Array(4 * 6).fill(13), height: 4, width: 6, channels: 1 };
    const p = join(dir, 'grid.png');
    await imageGrid(p, [[img, { image: lab, caption: 'car' }]], { gap: 2, captionHeight: 10 });
    const r = await readRaster(p);
    expect(r.width).toBe(2 * 6 + 3 * 2);
    expect(r.height).toBe(4 + 10 + 2 * 2);
    const at = (x: number, y: number) => Array.from(r.data.subarray((y * r.width + x) * r.channels, (y * r.width + x) * r.channels + 3));
    expect(at(2 + 6 + 2 + 1, 2 + 10 + 1)).toEqual([0, 0, 142]); // car colour
    expect(at(3, 2 + 10 + 1)).toEqual([255, 255, 255]);
    await expect(imageGrid(p, [])).rejects.toThrow(/rows/);
  });

  it('reads RGBA and grey files as RGB images', async () => {
    const rgba = join(dir, 'rgba.png');
    await writeImage(rgba, { data: new Uint8Array([255, 0, 0, 128, 0, 255, 0, 255]), height: 1, width: 2, channels: 4 });
    const r = await readImageRaster(rgba);
    expect(r.channels).toBe(3);
    expect(Array.from(r.data)).toEqual([1, 0, 0, 0, 1, 0]);
    const grey = join(dir, 'grey.png');
    await writeImage(grey, { data: new Uint8Array([0, 51]), height: 1, width: 2, channels: 1 });
    expect(Array.from((await readImageRaster(grey)).data).map((v) => Math.round(v * 255))).toEqual([0, 0, 0, 51, 51, 51]);
  });
});

describe('tensorToRaster / tensorToRasterAsync', () => {
  it('read the same raster (float and int), the async one without a synchronous read', async () => {
    const f = tf.tensor4d([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 0, 0.5], [1, 2, 2, 3]);
    const l = tf.tensor2d([1, 2, 3, 255], [2, 2], 'int32');
    for (const t of [f, l]) {
      const sync = tensorToRaster(t);
      const asyncRaster = await tensorToRasterAsync(t);
      expect(asyncRaster).toEqual(sync);
      expect(asyncRaster.data.constructor).toBe(sync.data.constructor);
    }
    expect(tensorToRaster(l)).toMatchObject({ height: 2, width: 2, channels: 1 });
    const batch = tf.zeros([2, 2, 2, 3]);
    await expect(tensorToRasterAsync(batch)).rejects.toThrow(/invalid tensorToRasterAsync: image: expected a single image/);
    tf.dispose([f, l, batch]);
  });
});
