/**
 * Report pieces the examples share: score tables in the papers' layouts,
 * loss curves from the phases' run logs, and prediction grids.
 */
import { join } from 'node:path';
import { RunLog, imageGrid, runLogCurves, tf, type GridCell, type ReportCurve, type ReportTable } from '../../src/index.js';
import type { Tensor, Tensor4D } from '../../src/tf.js';
import type { RowScores } from './evaluate.js';
import { hostGridRows } from './host.js';

/** Columns of a score table: header → how to read it from a row (NaN/∞ show as "—"). */
export type ScoreColumns = Record<string, (s: RowScores) => number>;

export const RESTORATION_COLUMNS: ScoreColumns = { 'PSNR (dB)': (s) => s.psnr, SSIM: (s) => s.ssim };
export const SEGMENTATION_COLUMNS: ScoreColumns = {
  PA: (s) => s.pixelAccuracy,
  mPA: (s) => s.meanAccuracy,
  mIoU: (s) => s.meanIoU,
  FWIoU: (s) => s.fwIoU,
};
export const CITYSCAPES_COLUMNS: ScoreColumns = {
  'IoU cla.': (s) => s.iouClass,
  'iIoU cla.': (s) => s.iiouClass,
  'IoU cat.': (s) => s.iouCategory,
  'iIoU cat.': (s) => s.iiouCategory,
};

/** A table with one row per evaluated image source. */
export function scoreTable(title: string, scores: Record<string, RowScores>, columns: ScoreColumns, o: { caption?: string; reference?: string[]; digits?: number } = {}): ReportTable {
  const headers = Object.keys(columns);
  return {
    title,
    columns: ['', ...headers],
    rows: Object.entries(scores).map(([name, s]) => [name, ...headers.map((h) => finiteOrNull(columns[h]!(s)))]),
    caption: o.caption,
    digits: o.digits ?? 4,
    best: Object.fromEntries(headers.map((h) => [h, 'max' as const])),
    bestExclude: o.reference,
  };
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Loss curves of a phase's log: one plot per group of keys. */
export function phaseCurves(logPath: string, title: string, groups: Record<string, RegExp | string[]>): ReportCurve[] {
  const named = Object.fromEntries(Object.entries(groups).map(([name, keys]) => [`${title}: ${name}`, keys]));
  return runLogCurves(RunLog.read(logPath), named);
}

/** `n` images of a batch as separate `[1,H,W,C]` cells (kept: caller disposes). */
export function splitImages(t: Tensor4D, n: number): Tensor4D[] {
  return tf.tidy(() => tf.split(tf.slice(t, 0, Math.min(n, t.shape[0])), Math.min(n, t.shape[0]), 0) as Tensor4D[]).map((x) => tf.squeeze(x, [0]) as unknown as Tensor4D);
}

/** Predicted trainIds of a segmenter for each image, `[H,W]` int32 tensors. */
export function argmaxLabels(logits: Tensor): Tensor {
  return tf.tidy(() => tf.argMax(logits, -1));
}

/**
 * Writes a grid PNG of rows of cells (images in [-1,1], label maps colourised); returns its path.
 * Tensor cells are read asynchronously first (GPU backends have no synchronous read in Node); the
 * caller still owns and disposes them.
 */
export async function writeGrid(out: string, file: string, rows: GridCell[][]): Promise<string> {
  const path = join(out, file);
  await imageGrid(path, await hostGridRows(rows), { range: [-1, 1] });
  return path;
}
