/**
 * Label-map file I/O: 8-bit id maps (Cityscapes `*_labelIds.png`, trainId
 * maps), 16-bit instance maps (`*_instanceIds.png`, `labelId·1000 + k`) and
 * colour-coded maps (Cityscapes palette). Never interpolated, never
 * colour-managed: what is written is what is read.
 */
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import type { Tensor, Tensor2D } from '../tf.js';
import { LABEL_ID_TO_TRAIN_ID, labelIdHint } from './cityscapes_labels.js';
import { assertTrainIds, decodeColorLabels } from './color_labels.js';
import { checkOptions } from '../validate.js';
import { READ_RASTER_KEYS, encodeRasterAs, readRasterWithFormat } from './image_io.js';
import type { ReadRasterOptions } from './image_io.js';
import { isRaster } from './raster.js';
import type { Raster } from './raster.js';

/** A single-channel integer label raster. */
export type LabelRaster = Raster<Int32Array>;

/** Options of {@link readLabelMap} / {@link readLabelRaster}. */
export interface ReadLabelOptions extends ReadRasterOptions {
  /**
   * How stored values become labels: `'raw'` (default: as stored),
   * `'labelIdToTrainId'` (Cityscapes labelIds → trainIds, unknown → 255).
   */
  convert?: 'raw' | 'labelIdToTrainId';
  /**
   * Palette used to decode a colour-coded (RGB) map: `'trainId'` (default) or
   * `'labelId'`. A colour not in the palette throws, naming the colour and pixel.
   */
  palette?: 'trainId' | 'labelId';
  /** Throws if a value is not a trainId (0..18 or 255) after conversion. Default false. */
  validateTrainIds?: boolean;
}

/** The keys of {@link ReadLabelOptions}. @internal */
export const READ_LABEL_KEYS = [...READ_RASTER_KEYS, 'convert', 'palette', 'validateTrainIds'] as const;

/**
 * Reads a label map file as a single-channel `Int32Array` raster. Grey (8- or
 * 16-bit) files are read as stored; RGB files whose channels are equal are
 * read from the first channel; other RGB files are decoded with the
 * Cityscapes palette. See {@link ReadLabelOptions}.
 *
 * @throws InvalidArgumentError for a JPEG file (lossy ids; checked on the decoded format, not
 *   the extension), or, with `convert: 'labelIdToTrainId'`, a value above 255 (e.g. an
 *   instance map `labelId·1000 + k` passed as labels; the message says so).
 * @throws ImageTooLargeError above `options.maxPixels` (default 8192²).
 *
 * @example const inst = await readLabelRaster('x_gtFine_instanceIds.png'); // 26001, 26002, 7, …
 */
export async function readLabelRaster(path: string, options: ReadLabelOptions = {}): Promise<LabelRaster> {
  return decodeLabelRaster('readLabelRaster', path, checkOptions('readLabelRaster', options, READ_LABEL_KEYS));
}

/** {@link readLabelRaster} after the key check, its errors labelled `<fn>: …`. */
async function decodeLabelRaster(fn: string, path: string, options: ReadLabelOptions): Promise<LabelRaster> {
  const convert = options.convert ?? 'raw';
  if (convert !== 'raw' && convert !== 'labelIdToTrainId') throw new InvalidArgumentError(`${fn}: options.convert`, "'raw' or 'labelIdToTrainId'", convert);
  const palette = options.palette ?? 'trainId';
  if (palette !== 'trainId' && palette !== 'labelId') throw new InvalidArgumentError(`${fn}: options.palette`, "'trainId' or 'labelId'", palette);
  const { raster: r, format } = await readRasterWithFormat(path, options, fn);
  // JPEG is lossy: ids come back as neighbouring values (7 → 6 or 8) at every edge
  if (format === 'jpeg') {
    throw new InvalidArgumentError(`${fn}: path`, 'a lossless label map (PNG); JPEG changes ids at every edge', `a JPEG file ${JSON.stringify(path)}`, 're-export the labels as PNG');
  }
  const n = r.height * r.width;
  const c = r.channels;
  let ids: Int32Array;
  if (c <= 2) {
    ids = new Int32Array(n);
    for (let i = 0; i < n; i++) ids[i] = r.data[i * c]!;
  } else {
    let grey = true;
    for (let i = 0; i < n && grey; i++) grey = r.data[i * c] === r.data[i * c + 1] && r.data[i * c] === r.data[i * c + 2];
    if (grey) {
      ids = new Int32Array(n);
      for (let i = 0; i < n; i++) ids[i] = r.data[i * c]!;
    } else {
      if (r.data instanceof Uint16Array) throw new InvalidArgumentError(`${fn}: path`, 'an 8-bit colour-coded label map', '16-bit RGB', path);
      ids = decodeColorLabels(r.data, r.height, r.width, c, palette, `${fn}: label map ${path}`);
    }
  }
  if (convert === 'labelIdToTrainId') {
    for (let i = 0; i < n; i++) {
      const v = ids[i]!;
      // a value above 255 is no labelId: mapping it to 255 silently discarded whole objects
      if (v > 255) throw new InvalidArgumentError(`${fn}: label map ${path}`, 'Cityscapes labelIds 0..255 for convert: labelIdToTrainId', v, labelIdHint(v, r.width > 0 ? `at pixel (x ${i % r.width}, y ${Math.floor(i / r.width)})` : ''));
      ids[i] = LABEL_ID_TO_TRAIN_ID[v]!;
    }
  }
  if (options.validateTrainIds) assertTrainIds(`${fn}: label map ${path}`, ids, r.width);
  return { data: ids, height: r.height, width: r.width, channels: 1 };
}

/**
 * Reads a label map as an int32 tensor `[H,W]` (see {@link readLabelRaster}
 * for the conversions).
 *
 * @example const labels = await readLabelMap('gtFine/val/x_gtFine_labelIds.png', { convert: 'labelIdToTrainId' });
 */
export async function readLabelMap(path: string, options: ReadLabelOptions = {}): Promise<Tensor2D> {
  const r = await decodeLabelRaster('readLabelMap', path, checkOptions('readLabelMap', options, READ_LABEL_KEYS));
  return tf.tensor2d(r.data, [r.height, r.width], 'int32');
}

/** Options of {@link writeLabelMap}. */
export interface WriteLabelOptions {
  /** 8 or 16 bits per sample; default: 8 when every value ≤ 255, else 16 */
  bitDepth?: 8 | 16;
}

/** The keys of {@link WriteLabelOptions}. @internal */
export const WRITE_LABEL_KEYS = ['bitDepth'] as const;

/** Accepts an int tensor `[H,W]`, `[1,H,W]`, `[H,W,1]`, or `{ data, height, width }` (errors name `writeLabelMap: labels`). */
function labelsToArray(labels: unknown): { data: ArrayLike<number>; height: number; width: number } {
  const name = 'writeLabelMap: labels';
  if (labels instanceof tf.Tensor) {
    const t = labels as Tensor;
    let shape = t.shape;
    if (shape.length === 3 && shape[0] === 1) shape = shape.slice(1);
    else if (shape.length === 3 && shape[2] === 1) shape = shape.slice(0, 2);
    if (shape.length !== 2) throw new InvalidArgumentError(name, 'a label tensor [H,W], [1,H,W] or [H,W,1]', `shape [${t.shape.join(',')}]`);
    if (t.dtype === 'float32') {
      const v = t.dataSync();
      for (let i = 0; i < v.length; i++) if (!Number.isInteger(v[i])) throw new InvalidArgumentError(name, 'integer label values', v[i], `at index ${i}`);
    }
    return { data: t.dataSync() as ArrayLike<number>, height: shape[0]!, width: shape[1]! };
  }
  if (isRaster(labels)) {
    if (labels.channels !== 1) throw new InvalidArgumentError(`${name}.channels`, '1 (a single-channel label raster)', labels.channels);
    return labels;
  }
  const l = labels as { data?: unknown; height?: unknown; width?: unknown } | undefined;
  if (l && ArrayBuffer.isView(l.data) && Number.isInteger(l.height) && Number.isInteger(l.width)) {
    return l as { data: ArrayLike<number>; height: number; width: number };
  }
  throw new InvalidArgumentError(name, 'an int tensor [H,W] or { data, height, width }', labels);
}

/**
 * Writes a label map as a single-channel PNG without any interpolation: 8-bit
 * for ids ≤ 255, 16-bit for instance ids (`labelId·1000 + k`). Values must be
 * integers in `[0, 255]` (8-bit) or `[0, 65535]` (16-bit); others throw.
 *
 * @example await writeLabelMap('out/x_gtFine_instanceIds.png', instances, { bitDepth: 16 });
 */
export async function writeLabelMap(path: string, labels: Tensor | Raster | { data: ArrayLike<number>; height: number; width: number }, options: WriteLabelOptions = {}): Promise<void> {
  checkOptions('writeLabelMap', options, WRITE_LABEL_KEYS);
  if (typeof path !== 'string' || extname(path).toLowerCase() !== '.png') throw new InvalidArgumentError('writeLabelMap: path', 'a .png file path (label maps must be lossless)', path);
  const { data, height, width } = labelsToArray(labels);
  if (data.length !== height * width) throw new InvalidArgumentError('writeLabelMap: labels.data', `length height·width = ${height * width}`, data.length);
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isInteger(v) || v < 0 || v > 65535) throw new InvalidArgumentError('writeLabelMap: labels', 'integer values in [0, 65535]', v, `at pixel (x ${i % width}, y ${Math.floor(i / width)})`);
    if (v > max) max = v;
  }
  const bitDepth = options.bitDepth ?? (max > 255 ? 16 : 8);
  if (bitDepth !== 8 && bitDepth !== 16) throw new InvalidArgumentError('writeLabelMap: options.bitDepth', '8 or 16', bitDepth);
  if (bitDepth === 8 && max > 255) throw new InvalidArgumentError('writeLabelMap: labels', 'values ≤ 255 for an 8-bit label map (use bitDepth: 16 for instance ids)', max);
  const samples = bitDepth === 16 ? Uint16Array.from(data) : Uint8Array.from(data);
  const buf = await encodeRasterAs('writeLabelMap', { data: samples, height, width, channels: 1 }, 'png', { bitDepth });
  mkdirSync(dirname(path), { recursive: true });
  await writeFile(path, buf);
}
