/**
 * The Cityscapes label table (the official `cityscapesScripts/helpers/labels.py`):
 * 34 label ids, the 19 train ids used for training and evaluation, the 7
 * categories, instance classes and the colour palette. Defined once here and
 * used by the metrics, datasets, synthetic scenes and visualisation.
 */
import { InvalidArgumentError } from '../errors.js';
import { checkOptions } from '../validate.js';

/** One row of the Cityscapes label table. */
export interface CityscapesClass {
  /** label name */
  name: string;
  /** labelId stored in `*_labelIds.png` (license plate: -1) */
  id: number;
  /** train id 0..18, or 255 for labels ignored in training/evaluation */
  trainId: number;
  /** category name (void, flat, construction, object, nature, sky, human, vehicle) */
  category: string;
  /** category id 0..7 (0 = void) */
  categoryId: number;
  /** whether the label has instance annotations (`*_instanceIds.png`: id·1000 + k) */
  hasInstances: boolean;
  /** whether the official evaluation ignores it */
  ignoreInEval: boolean;
  /** RGB palette colour */
  color: [number, number, number];
}

const row = (
  name: string,
  id: number,
  trainId: number,
  category: string,
  categoryId: number,
  hasInstances: boolean,
  ignoreInEval: boolean,
  color: [number, number, number],
): CityscapesClass => ({ name, id, trainId, category, categoryId, hasInstances, ignoreInEval, color });

/** All Cityscapes labels in labelId order (as in cityscapesScripts). */
export const CITYSCAPES_CLASSES: readonly CityscapesClass[] = Object.freeze([
  row('unlabeled', 0, 255, 'void', 0, false, true, [0, 0, 0]),
  row('ego vehicle', 1, 255, 'void', 0, false, true, [0, 0, 0]),
  row('rectification border', 2, 255, 'void', 0, false, true, [0, 0, 0]),
  row('out of roi', 3, 255, 'void', 0, false, true, [0, 0, 0]),
  row('static', 4, 255, 'void', 0, false, true, [0, 0, 0]),
  row('dynamic', 5, 255, 'void', 0, false, true, [111, 74, 0]),
  row('ground', 6, 255, 'void', 0, false, true, [81, 0, 81]),
  row('road', 7, 0, 'flat', 1, false, false, [128, 64, 128]),
  row('sidewalk', 8, 1, 'flat', 1, false, false, [244, 35, 232]),
  row('parking', 9, 255, 'flat', 1, false, true, [250, 170, 160]),
  row('rail track', 10, 255, 'flat', 1, false, true, [230, 150, 140]),
  row('building', 11, 2, 'construction', 2, false, false, [70, 70, 70]),
  row('wall', 12, 3, 'construction', 2, false, false, [102, 102, 156]),
  row('fence', 13, 4, 'construction', 2, false, false, [190, 153, 153]),
  row('guard rail', 14, 255, 'construction', 2, false, true, [180, 165, 180]),
  row('bridge', 15, 255, 'construction', 2, false, true, [150, 100, 100]),
  row('tunnel', 16, 255, 'construction', 2, false, true, [150, 120, 90]),
  row('pole', 17, 5, 'object', 3, false, false, [153, 153, 153]),
  row('polegroup', 18, 255, 'object', 3, false, true, [153, 153, 153]),
  row('traffic light', 19, 6, 'object', 3, false, false, [250, 170, 30]),
  row('traffic sign', 20, 7, 'object', 3, false, false, [220, 220, 0]),
  row('vegetation', 21, 8, 'nature', 4, false, false, [107, 142, 35]),
  row('terrain', 22, 9, 'nature', 4, false, false, [152, 251, 152]),
  row('sky', 23, 10, 'sky', 5, false, false, [70, 130, 180]),
  row('person', 24, 11, 'human', 6, true, false, [220, 20, 60]),
  row('rider', 25, 12, 'human', 6, true, false, [255, 0, 0]),
  row('car', 26, 13, 'vehicle', 7, true, false, [0, 0, 142]),
  row('truck', 27, 14, 'vehicle', 7, true, false, [0, 0, 70]),
  row('bus', 28, 15, 'vehicle', 7, true, false, [0, 60, 100]),
  row('caravan', 29, 255, 'vehicle', 7, true, true, [0, 0, 90]),
  row('trailer', 30, 255, 'vehicle', 7, true, true, [0, 0, 110]),
  row('train', 31, 16, 'vehicle', 7, true, false, [0, 80, 100]),
  row('motorcycle', 32, 17, 'vehicle', 7, true, false, [0, 0, 230]),
  row('bicycle', 33, 18, 'vehicle', 7, true, false, [119, 11, 32]),
  row('license plate', -1, 255, 'vehicle', 7, false, true, [0, 0, 142]),
]);

/** Number of Cityscapes train classes. */
export const CITYSCAPES_NUM_CLASSES = 19;

/** The 19 train classes in trainId order. */
export const CITYSCAPES_TRAIN_CLASSES: readonly CityscapesClass[] = Object.freeze(
  CITYSCAPES_CLASSES.filter((c) => c.trainId !== 255).sort((a, b) => a.trainId - b.trainId),
);

/** Lookup table labelId (0..255) → trainId (255 for ignored / unknown ids). */
export const LABEL_ID_TO_TRAIN_ID: Uint8Array = (() => {
  const lut = new Uint8Array(256).fill(255);
  for (const c of CITYSCAPES_CLASSES) if (c.id >= 0) lut[c.id] = c.trainId;
  return lut;
})();

/** Lookup table trainId (0..255) → labelId (0 = unlabeled for 255 / unknown). */
export const TRAIN_ID_TO_LABEL_ID: Uint8Array = (() => {
  const lut = new Uint8Array(256).fill(0);
  for (const c of CITYSCAPES_TRAIN_CLASSES) lut[c.trainId] = c.id;
  return lut;
})();

/** Integer label data accepted by the label-id conversions. */
export type IntArray = Uint8Array | Int32Array | Uint16Array | Int16Array | Uint32Array | number[];

/**
 * The hint for a value that is no labelId: Cityscapes `*_instanceIds.png` store
 * `labelId·1000 + k` for object instances, so 26001 is car (26) instance 1.
 * @internal
 */
export function labelIdHint(v: number, where: string): string {
  const at = where ? `${where}; ` : '';
  return v >= 1000 && Number.isInteger(v)
    ? `${at}this looks like a Cityscapes instance id (labelId·1000 + k): labelId = floor(v / 1000) = ${Math.floor(v / 1000)}; read the *_labelIds.png file, or map instance ids with Math.floor(v / 1000) first`
    : `${at}Cityscapes labelIds are 0..33`;
}

/** Throws unless `labels` is an array or typed array of ids. */
function assertIdArray(name: string, labels: unknown): void {
  if (!(Array.isArray(labels) || (ArrayBuffer.isView(labels) && !(labels instanceof DataView)))) {
    throw new InvalidArgumentError(name, 'an array or typed array of integer ids', labels);
  }
}

function mapLabels(name: string, labels: IntArray, lut: Uint8Array): Uint8Array {
  assertIdArray(name, labels);
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!(v >= 0 && v < 256) || !Number.isInteger(v)) {
      throw new InvalidArgumentError(name, 'integer ids in [0, 255]', v, name.endsWith('labelIds') ? labelIdHint(v, `at index ${i}`) : `at index ${i}`);
    }
    out[i] = lut[v]!;
  }
  return out;
}

/**
 * Maps Cityscapes labelIds to trainIds (0..18; 255 for every label the
 * benchmark ignores), as `cityscapesScripts` `labels.py` `id2label[id].trainId`.
 *
 * @throws InvalidArgumentError naming `labelIds` for a value outside 0..255; for values ≥ 1000
 *   the message says they look like Cityscapes instance ids (labelId = floor(v / 1000)).
 * @example labelIdToTrainId(new Uint8Array([7, 26, 0])) // → [0, 13, 255]
 */
export function labelIdToTrainId(labelIds: IntArray): Uint8Array {
  return mapLabels('labelIdToTrainId: labelIds', labelIds, LABEL_ID_TO_TRAIN_ID);
}

/**
 * Maps trainIds (0..18) back to labelIds; 255 and unknown ids map to 0
 * (unlabeled), so a prediction can be evaluated with the official labelId tools.
 *
 * @example trainIdToLabelId(new Uint8Array([0, 13, 255])) // → [7, 26, 0]
 */
export function trainIdToLabelId(trainIds: IntArray): Uint8Array {
  return mapLabels('trainIdToLabelId: trainIds', trainIds, TRAIN_ID_TO_LABEL_ID);
}

/**
 * Colours a label map with the Cityscapes palette: returns interleaved RGB
 * bytes (`H·W·3`). `ids: 'trainId'` (default) colours 0..18 and paints 255 /
 * unknown ids black; `ids: 'labelId'` colours the full table.
 *
 * @example const rgb = colorize(labels); // Uint8Array of length labels.length*3
 */
export function colorize(labels: IntArray, options: { ids?: 'trainId' | 'labelId' } = {}): Uint8Array {
  checkOptions('colorize', options, ['ids']);
  assertIdArray('colorize: labels', labels);
  const ids = options.ids ?? 'trainId';
  if (ids !== 'trainId' && ids !== 'labelId') throw new InvalidArgumentError('colorize: options.ids', "'trainId' or 'labelId'", ids);
  const palette = new Uint8Array(256 * 3);
  for (const c of ids === 'trainId' ? CITYSCAPES_TRAIN_CLASSES : CITYSCAPES_CLASSES) {
    const key = ids === 'trainId' ? c.trainId : c.id;
    if (key >= 0 && key < 256) palette.set(c.color, key * 3);
  }
  const out = new Uint8Array(labels.length * 3);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    const k = v >= 0 && v < 256 ? v | 0 : 255;
    out[i * 3] = palette[k * 3]!;
    out[i * 3 + 1] = palette[k * 3 + 1]!;
    out[i * 3 + 2] = palette[k * 3 + 2]!;
  }
  return out;
}
