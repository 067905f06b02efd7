/**
 * Colour-coded label maps (Cityscapes palette) decoded to ids, and the trainId check — plain
 * array work, apart from the file I/O in `./label_io.ts` so that it runs anywhere.
 */
import { InvalidArgumentError } from '../errors.js';
import { assertNumber, assertOneOf } from '../validate.js';
import { CITYSCAPES_CLASSES, CITYSCAPES_TRAIN_CLASSES } from './cityscapes_labels.js';

function paletteLookup(kind: 'trainId' | 'labelId'): Map<number, number> {
  const m = new Map<number, number>();
  const rows = kind === 'trainId' ? CITYSCAPES_TRAIN_CLASSES : CITYSCAPES_CLASSES.filter((c) => c.id >= 0);
  // first entry wins (labelId palette repeats black for the void ids: 0 = unlabeled)
  for (const c of rows) {
    const key = (c.color[0] << 16) | (c.color[1] << 8) | c.color[2];
    if (!m.has(key)) m.set(key, kind === 'trainId' ? c.trainId : c.id);
  }
  if (kind === 'trainId') m.set(0, 255); // black = ignore
  return m;
}

/**
 * Decodes an interleaved RGB colour-coded label map with the Cityscapes
 * palette (`trainId` default: black → 255). Unknown colours throw.
 *
 * @example const ids = decodeColorLabels(rgbBytes, 1024, 2048); // Int32Array of trainIds
 */
export function decodeColorLabels(
  rgb: ArrayLike<number>,
  height: number,
  width: number,
  channels = 3,
  palette: 'trainId' | 'labelId' = 'trainId',
  source = 'decodeColorLabels: rgb',
): Int32Array {
  for (const [k, v, min] of [['height', height, 0], ['width', width, 0], ['channels', channels, 3]] as const) {
    assertNumber(`decodeColorLabels: ${k}`, v, { integer: true, min });
  }
  assertOneOf('decodeColorLabels: palette', palette, ['trainId', 'labelId'] as const);
  if (rgb == null || typeof rgb.length !== 'number' || rgb.length < height * width * channels) {
    throw new InvalidArgumentError('decodeColorLabels: rgb', `at least height·width·channels = ${height * width * channels} samples`, rgb?.length ?? rgb);
  }
  const lut = paletteLookup(palette);
  const n = height * width;
  const out = new Int32Array(n);
  let lastKey = -1;
  let lastVal = 0;
  for (let i = 0; i < n; i++) {
    const key = (rgb[i * channels]! << 16) | (rgb[i * channels + 1]! << 8) | rgb[i * channels + 2]!;
    if (key !== lastKey) {
      const v = lut.get(key);
      if (v === undefined) {
        throw new InvalidArgumentError(
          source,
          `colours of the Cityscapes ${palette} palette`,
          `rgb(${rgb[i * channels]}, ${rgb[i * channels + 1]}, ${rgb[i * channels + 2]})`,
          `at pixel (x ${i % width}, y ${Math.floor(i / width)})`,
        );
      }
      lastKey = key;
      lastVal = v;
    }
    out[i] = lastVal;
  }
  return out;
}

/** Throws unless every value is a Cityscapes trainId (0..18) or 255.
 *
 * @example assertTrainIds('labels', new Uint8Array([0, 18, 255])); // ok
 */
export function assertTrainIds(name: string, data: ArrayLike<number>, width = 0): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!((v >= 0 && v <= 18) || v === 255)) {
      const where = width > 0 ? `at pixel (x ${i % width}, y ${Math.floor(i / width)})` : `at index ${i}`;
      throw new InvalidArgumentError(name, 'Cityscapes trainIds 0..18 or 255 (ignore)', v, where);
    }
  }
}
