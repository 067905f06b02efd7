// Issue 16 audit, data: one row per bad-input case with its expected outcome.
// Each row runs twice (warm-up, then a leak check).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { tf } from '../src/tf.js';
import { checkAuditRow, type AuditRow } from './helpers/audit_table.js';
import {
  DEFAULT_MAX_PIXELS,
  ImageTooLargeError,
  InvalidArgumentError,
  SeededRandom,
  addFog,
  chromaticAberration,
  gaussianBlur,
  gaussianNoise,
  labelIdToTrainId,
  readImageRaster,
  readLabelRaster,
  readRaster,
  resizeRaster,
  syntheticStreetScenes,
  writeImage,
  writeLabelMap,
} from '../src/index.js';
import type { ImageRaster } from '../src/index.js';

type Row = AuditRow;

const dir = mkdtempSync(join(tmpdir(), 'segaware-audit-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const img = (h = 4, w = 4, fill = 0.5): ImageRaster => ({ data: new Float32Array(h * w * 3).fill(fill), height: h, width: w, channels: 3 });
const withNaN = (v = NaN): ImageRaster => {
  const r = img();
  r.data[7] = v;
  return r;
};
const depth = { data: new Float32Array(16).fill(50), height: 4, width: 4, channels: 1 };
const maxOf = (r: ImageRaster) => r.data.reduce((m, v) => Math.max(m, v), -Infinity);
const p = (name: string) => join(dir, name);

beforeAll(async () => {
  // 16-bit instance map (car instance 1 = 26001, road = 7) and an 8-bit labelIds map
  await writeLabelMap(p('inst.png'), { data: Uint16Array.from([7, 7, 26001, 26002]), height: 2, width: 2 }, { bitDepth: 16 });
  await writeLabelMap(p('ids.png'), { data: Uint8Array.from([7, 26, 0, 255]), height: 2, width: 2 });
  // a JPEG label map, once with its own extension and once disguised as .png
  const grey = await sharp(Buffer.from(Uint8Array.from([7, 7, 26, 26, 7, 7, 26, 26, 7, 7, 26, 26, 7, 7, 26, 26])), { raw: { width: 4, height: 4, channels: 1 } }).jpeg({ quality: 90 }).toBuffer();
  writeFileSync(p('labels.jpg'), grey);
  writeFileSync(p('labels_really_jpeg.png'), grey);
  // large but compressible: 2000×2000 of one colour is a few KB on disk, 12 MB decoded
  await sharp({ create: { width: 2000, height: 2000, channels: 3, background: { r: 10, g: 20, b: 30 } } }).png({ compressionLevel: 9 }).toFile(p('big.png'));
}, 60_000);

const rows: Row[] = [
  // 5. degradations: NaN/±Inf images are data → named error (blur used to smear the NaN)
  { name: 'gaussianBlur(raster with NaN)', run: () => gaussianBlur(withNaN(), { sigma: 1 }), expect: { error: /invalid gaussianBlur: image: expected finite values .*NaN at index 7/, type: InvalidArgumentError } },
  { name: 'gaussianBlur(tensor with +Inf)', run: () => { const t = tf.tensor3d(withNaN(Infinity).data, [4, 4, 3]); try { return gaussianBlur(t, { sigma: 1 }); } finally { t.dispose(); } }, expect: { error: /invalid gaussianBlur: image: expected finite values .*Infinity at index 7/, type: InvalidArgumentError } },
  { name: 'gaussianNoise(raster with NaN) (clipping used to hide it)', run: () => gaussianNoise(withNaN(), { variance: 0.01 }), expect: { error: /invalid gaussianNoise: image: expected finite values/, type: InvalidArgumentError } },
  { name: 'gaussianBlur of a finite tensor is unchanged behaviour (constant stays constant)', run: () => { const t = tf.fill([1, 4, 4, 3], 0.25); try { const o = gaussianBlur(t, { sigma: 1 }); const v = Array.from(o.dataSync()); o.dispose(); return v.every((x) => Math.abs(x - 0.25) < 1e-6); } finally { t.dispose(); } }, expect: { value: true } },

  // 6. instance ids passed as labelIds
  { name: 'labelIdToTrainId(Uint16Array [7, 26001]) names the argument and the instance-id hint', run: () => labelIdToTrainId(Uint16Array.from([7, 26001])), expect: { error: /invalid labelIdToTrainId: labelIds: expected integer ids in \[0, 255\], received 26001 \(at index 1; this looks like a Cityscapes instance id .*floor\(v \/ 1000\) = 26/, type: InvalidArgumentError } },
  { name: 'readLabelRaster(16-bit instance map, convert labelIdToTrainId) (was 26001 → 255)', run: () => readLabelRaster(p('inst.png'), { convert: 'labelIdToTrainId' }), expect: { error: /invalid readLabelRaster: label map .*inst\.png: .*received 26001 \(at pixel \(x 0, y 1\); this looks like a Cityscapes instance id/, type: InvalidArgumentError } },
  { name: 'legit labelIds incl. 255 still map (7, 26, 0, 255 → 0, 13, 255, 255)', run: async () => Array.from((await readLabelRaster(p('ids.png'), { convert: 'labelIdToTrainId' })).data), expect: { value: [0, 13, 255, 255] } },
  { name: 'labelIdToTrainId([7, 26, 0, 255]) unchanged', run: () => Array.from(labelIdToTrainId(Uint8Array.from([7, 26, 0, 255]))), expect: { value: [0, 13, 255, 255] } },
  { name: 'readLabelRaster(16-bit instance map) raw still reads the ids', run: async () => Array.from((await readLabelRaster(p('inst.png'))).data), expect: { value: [7, 7, 26001, 26002] } },

  // 7. JPEG label maps (lossy ids), by decoded format
  { name: 'readLabelRaster(labels.jpg)', run: () => readLabelRaster(p('labels.jpg')), expect: { error: /invalid readLabelRaster: path: expected a lossless label map \(PNG\); JPEG changes ids at every edge, received "a JPEG file .*labels\.jpg/, type: InvalidArgumentError } },
  { name: 'readLabelRaster(JPEG bytes named .png)', run: () => readLabelRaster(p('labels_really_jpeg.png')), expect: { error: /JPEG changes ids .*labels_really_jpeg\.png/, type: InvalidArgumentError } },

  // 8. writeImage out of range
  { name: 'writeImage([-0.5, 1.5] with range [0,1]) names both ranges', run: () => writeImage(p('oor.png'), { ...img(2, 2), data: Float32Array.from([-0.5, 0, 0.2, 0.4, 0.6, 1.5, 0, 0, 0, 0, 0, 0]) }), expect: { error: /invalid writeImage: image: expected values in options\.range \[0, 1\], received "values in \[-0\.5, 1\.5\]"/, type: InvalidArgumentError } },
  { name: 'writeImage of a [-1,1] tanh image as [0,1] hints range: [-1, 1]', run: () => writeImage(p('tanh.png'), { ...img(2, 2), data: Float32Array.from([-1, 0, 1, -0.5, 0, 0, 0, 0, 0, 0, 0, 0]) }), expect: { error: /pass range: \[-1, 1\] for tanh outputs/, type: InvalidArgumentError } },
  { name: 'writeImage({ clip: true }) clamps (documented opt-in)', run: async () => { await writeImage(p('clip.png'), { ...img(1, 2), data: Float32Array.from([-0.5, 0.5, 1.5, 1, 0, 2]) }, { clip: true }); return Array.from((await readRaster(p('clip.png'))).data); }, expect: { value: [0, 128, 255, 255, 0, 255] } },
  { name: 'writeImage: values in range are written as before', run: async () => { await writeImage(p('ok.png'), { ...img(1, 1), data: Float32Array.from([0, 0.5, 1]) }); return Array.from((await readRaster(p('ok.png'))).data); }, expect: { value: [0, 128, 255] } },

  // 9. string seeds: rejected (they all used to mean seed 0)
  { name: "SeededRandom.hashed('abc')", run: () => SeededRandom.hashed('abc' as never), expect: { error: /invalid SeededRandom.hashed: seed: expected a finite number .*received "abc"/, type: InvalidArgumentError } },
  { name: "gaussianNoise({ seed: 'abc' })", run: () => gaussianNoise(img(), { variance: 0.01, seed: 'abc' as never }), expect: { error: /invalid gaussianNoise: options\.seed: expected a finite number .*received "abc"/, type: InvalidArgumentError } },
  { name: "dataset.batches({ seed: 'abc' })", run: async () => { const ds = syntheticStreetScenes({ count: 2, height: 16, width: 32 }); for await (const b of ds.batches({ seed: 'abc' as never })) return b; }, expect: { error: /invalid Dataset\.batches: options\.seed: expected a finite number/, type: InvalidArgumentError } },
  { name: 'numeric seeds still give different noise (1 ≠ 2)', run: () => gaussianNoise(img(), { variance: 0.01, seed: 1 }).data[0] !== gaussianNoise(img(), { variance: 0.01, seed: 2 }).data[0], expect: { value: true } },

  // 10. out-of-range degradation options
  { name: 'addFog({ airlight: 2 }) (gave pixels above 1)', run: () => addFog(img(), depth, { airlight: 2 }), expect: { error: /invalid addFog: options\.airlight: expected a number or \[r, g, b\] in \[0, 1\] .*received 2/, type: InvalidArgumentError } },
  { name: 'addFog({ airlight: [0.5, 0.5, 1.2] })', run: () => addFog(img(), depth, { airlight: [0.5, 0.5, 1.2] }), expect: { error: /invalid addFog: options\.airlight: .*in \[0, 1\]/, type: InvalidArgumentError } },
  { name: 'addFog({ airlight: -0.1 })', run: () => addFog(img(), depth, { airlight: -0.1 }), expect: { error: /invalid addFog: options\.airlight/, type: InvalidArgumentError } },
  { name: 'addFog({ beta: -1 }) (control: already clear)', run: () => addFog(img(), depth, { beta: -1 }), expect: { error: /invalid addFog: options\.beta: expected a finite number ≥ 0/, type: InvalidArgumentError } },
  { name: 'addFog({ airlight: 1 }) stays within [0,1]', run: () => maxOf(addFog(img(4, 4, 1), depth, { airlight: 1, beta: 0.02 })) <= 1, expect: { value: true } },
  { name: 'gaussianBlur({ sigma: -1 }) (control: already clear)', run: () => gaussianBlur(img(), { sigma: -1 }), expect: { error: /invalid gaussianBlur: options\.sigma: expected a finite number ≥ 0/, type: InvalidArgumentError } },
  { name: 'gaussianNoise({ variance: NaN }) (control: already clear)', run: () => gaussianNoise(img(), { variance: NaN }), expect: { error: /invalid gaussianNoise: options\.variance/, type: InvalidArgumentError } },
  { name: 'chromaticAberration({ red: 1.5 }) (control: already clear)', run: () => chromaticAberration(img(), { red: 1.5, blue: 1 }), expect: { error: /invalid chromaticAberration: options\.red: expected a non-negative integer/, type: InvalidArgumentError } },

  // 11-12. resizeRaster sizes and methods
  { name: 'resizeRaster(r, 0, 4) (returned an empty raster)', run: () => resizeRaster(img(), 0, 4, 'bilinear'), expect: { error: /invalid resizeRaster: height: expected a positive integer, received 0/, type: InvalidArgumentError } },
  { name: 'resizeRaster(r, 4, 2.5)', run: () => resizeRaster(img(), 4, 2.5, 'nearest'), expect: { error: /invalid resizeRaster: width: expected a positive integer, received 2\.5/, type: InvalidArgumentError } },
  { name: "resizeRaster(r, 8, 8, 'cubic') (ran bilinear)", run: () => resizeRaster(img(), 8, 8, 'cubic' as never), expect: { error: /invalid resizeRaster: method: expected 'bilinear' or 'nearest' .*received "cubic"/, type: InvalidArgumentError } },
  { name: "resizeRaster(r, 2, 2, 'bilinear') still works", run: () => { const r = resizeRaster(img(4, 4, 0.5), 2, 2, 'bilinear'); return [r.height, r.width, r.data[0]]; }, expect: { value: [2, 2, 0.5] } },

  // 13. decoded-pixel cap (header read first, nothing decoded)
  { name: 'readImageRaster(2000×2000 PNG, maxPixels 1e6)', run: () => readImageRaster(p('big.png'), { maxPixels: 1e6 }), expect: { error: /image ".*big\.png" is 2000×2000 = 4,000,000 pixels, above the limit of 1,000,000 \(raise it with options\.maxPixels, or --max-pixels/, type: ImageTooLargeError } },
  { name: 'readLabelRaster(2000×2000 PNG, maxPixels 1e6)', run: () => readLabelRaster(p('big.png'), { maxPixels: 1e6 }), expect: { error: /above the limit of 1,000,000/, type: ImageTooLargeError } },
  { name: 'readRaster(maxPixels: 0)', run: () => readRaster(p('big.png'), { maxPixels: 0 }), expect: { error: /invalid readRaster: options\.maxPixels: expected a positive integer/, type: InvalidArgumentError } },
  { name: 'readRaster under the default cap (2^26) decodes', run: async () => { const r = await readRaster(p('big.png')); return [r.height, r.width, r.data[2], DEFAULT_MAX_PIXELS]; }, expect: { value: [2000, 2000, 30, 67108864] } },
];

describe('issue 16 audit: data', () => {
  for (const row of rows) it(row.name, () => checkAuditRow(row), 30_000);
});
