/**
 * Which files of a folder are label maps, and under which name they pair up. A tree
 * written by `segaware data synth` (the Cityscapes layout) holds, next to each
 * `X_gtFine_labelIds.png`, an RGB `X_gtFine_color.png` and a 16-bit
 * `X_gtFine_instanceIds.png`; `eval seg` once read all three as label maps.
 */
import { basename, extname } from 'node:path';

/** Companions that are never label maps: colour renderings, instance ids, depth, light maps, polygons, foggy images. */
const NOT_LABELS = /_(color|instanceIds|polygons|depth|lights|disparity|leftImg8bit_foggy_beta_[\d.]+)$/;
/** Cityscapes labelIds maps (`*_gtFine_labelIds.png`, `*_labelIds.png`). */
const LABEL_IDS = /_labelIds$/;
/** trainId maps (`*_gtFine_labelTrainIds.png` from cityscapesScripts, `*_trainIds.png`). */
const TRAIN_IDS = /_(labelTrainIds|trainIds)$/;
/** Suffixes dropped to get the shared name of a prediction and its ground truth. */
const PAIR_SUFFIXES = /(_gt(Fine|Coarse)_(labelIds|labelTrainIds|trainIds|instanceIds)|_labelIds|_labelTrainIds|_trainIds|_leftImg8bit|_prediction|_pred)$/;

const stemOf = (f: string): string => basename(f, extname(f));

/** What the names of a set of label files say about their ids. */
export type LabelNaming = 'labelIds' | 'trainIds' | 'unnamed';

/**
 * The label maps among `files` (image paths, sorted), and what their names say they hold.
 *
 * 1. colour renderings, instance maps, depth / light maps and foggy images are dropped;
 * 2. if any remaining file is named as a label map (`*_labelIds`, `*_labelTrainIds`,
 *    `*_trainIds`), only those are kept: in a Cityscapes-like root that leaves out the
 *    `leftImg8bit` photos; with both kinds present, trainIds win (no conversion needed),
 *    unless `prefer: 'labelIds'` (the Cityscapes benchmark reads labelIds).
 *
 * @param files   candidate image paths
 * @param prefer  which named kind wins when both are present (default `'trainIds'`)
 * @returns the kept files and their naming (`'unnamed'`: a plain folder, ids unknown)
 * @example selectLabelFiles(['a_gtFine_color.png', 'a_gtFine_labelIds.png']) // { files: ['a_gtFine_labelIds.png'], naming: 'labelIds' }
 */
export function selectLabelFiles(files: string[], prefer: 'trainIds' | 'labelIds' = 'trainIds'): { files: string[]; naming: LabelNaming } {
  const maps = files.filter((f) => !NOT_LABELS.test(stemOf(f)));
  const train = maps.filter((f) => TRAIN_IDS.test(stemOf(f)));
  const label = maps.filter((f) => LABEL_IDS.test(stemOf(f)));
  const order: [LabelNaming, string[]][] = prefer === 'trainIds' ? [['trainIds', train], ['labelIds', label]] : [['labelIds', label], ['trainIds', train]];
  for (const [naming, kept] of order) if (kept.length) return { files: kept, naming };
  return { files: maps, naming: 'unnamed' };
}

/**
 * The name a prediction and its ground truth share: the file stem without the Cityscapes
 * and prediction suffixes (`X_gtFine_labelIds.png`, `X_leftImg8bit.png`, `X_pred.png` → `X`).
 *
 * @param file  an image path
 * @returns the pairing key
 * @example pairKey('frankfurt_000000_000294_gtFine_labelIds.png') // 'frankfurt_000000_000294'
 */
export function pairKey(file: string): string {
  return stemOf(file).replace(PAIR_SUFFIXES, '');
}
