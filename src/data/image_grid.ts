/**
 * `imageGrid`: rows of images and colourised label maps with captions,
 * composed into one PNG — the quick way to look at a batch, a prediction or
 * a degradation sweep.
 */
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { InvalidArgumentError } from '../errors.js';
import { tf } from '../tf.js';
import type { Tensor } from '../tf.js';
import { assertNumber, checkOptions } from '../validate.js';
import { resizeRaster } from './augment.js';
import { colorize } from './cityscapes_labels.js';
import { assertRange, isRaster, tensorToRaster } from './raster.js';
import type { Raster } from './raster.js';

/** One cell: an image (float, in `range`), a label map (integer → Cityscapes palette) or either with a caption. */
export type GridCell = Tensor | Raster | { image: Tensor | Raster; caption?: string; kind?: 'image' | 'labels' };

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** cell size `[height, width]` (default: the first cell's size) */
  cellSize?: [number, number];
  /** value range of float images (default `[0,1]`) */
  range?: [number, number];
  /** gap between cells in pixels (default 4) */
  gap?: number;
  /** caption strip height in pixels (default 16 when any caption is given) */
  captionHeight?: number;
  /** write a palette (256-colour, quantised) PNG: much smaller, slightly lossy (default false) */
  palette?: boolean;
}

/** The keys of {@link ImageGridOptions}. @internal */
export const IMAGE_GRID_KEYS = ['cellSize', 'range', 'gap', 'captionHeight', 'palette'] as const;

function cellToRgb(cell: GridCell, range: [number, number], where: string): { rgb: Raster<Uint8Array>; caption?: string; labels: boolean } {
  let img: Tensor | Raster;
  let caption: string | undefined;
  let kind: 'image' | 'labels' | undefined;
  if (cell instanceof tf.Tensor || isRaster(cell)) img = cell;
  else if (cell && typeof cell === 'object' && 'image' in cell) {
    img = cell.image;
    caption = cell.caption;
    kind = cell.kind;
  } else throw new InvalidArgumentError(where, 'a tensor, a raster or { image, caption }', cell);
  const r = img instanceof tf.Tensor ? tensorToRaster(img, where) : img;
  if (!isRaster(r)) throw new InvalidArgumentError(where, 'a tensor or raster', img);
  const n = r.height * r.width;
  const labels = kind === 'labels' || (kind !== 'image' && !(r.data instanceof Float32Array));
  const out = new Uint8Array(n * 3);
  if (labels) {
    if (r.channels !== 1) throw new InvalidArgumentError(`${where}.channels`, '1 for a label map', r.channels);
    out.set(colorize(r.data as Uint8Array));
  } else {
    const [lo, hi] = range;
    const s = 255 / (hi - lo);
    const c = r.channels;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 3; k++) {
        const v = (r.data[i * c + (c >= 3 ? k : 0)]! - lo) * s;
        out[i * 3 + k] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
      }
    }
  }
  return { rgb: { data: out, height: r.height, width: r.width, channels: 3 }, caption, labels };
}

const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!);

/**
 * Composes rows of cells into one PNG at `path` (or returns the PNG bytes when
 * `path` is null). Float cells are images in `range`; integer cells (or
 * `kind: 'labels'`) are trainId maps coloured with the Cityscapes palette.
 * Cells are resized (bilinear for images, nearest for labels) to `cellSize`.
 *
 * @example await imageGrid('grid.png', [[{ image: s.image, caption: 'input' }, { image: s.labels, caption: 'labels' }]]);
 */
export async function imageGrid(path: string | null, rows: GridCell[][], options: ImageGridOptions = {}): Promise<Buffer> {
  checkOptions('imageGrid', options, IMAGE_GRID_KEYS);
  if (path !== null && typeof path !== 'string') throw new InvalidArgumentError('imageGrid: path', 'a file path string, or null for the bytes only', path);
  if (!Array.isArray(rows) || rows.length === 0 || rows.some((r) => !Array.isArray(r) || r.length === 0)) {
    throw new InvalidArgumentError('imageGrid: rows', 'a non-empty array of non-empty rows of cells', rows);
  }
  const range = options.range ?? [0, 1];
  assertRange('imageGrid: options.range', range);
  const gap = options.gap ?? 4;
  assertNumber('imageGrid: options.gap', gap, { integer: true, min: 0 });
  if (options.captionHeight !== undefined) assertNumber('imageGrid: options.captionHeight', options.captionHeight, { integer: true, min: 1 });
  const size = options.cellSize;
  if (size !== undefined && !(Array.isArray(size) && size.length === 2 && size.every((v) => Number.isInteger(v) && v > 0))) {
    throw new InvalidArgumentError('imageGrid: options.cellSize', '[height, width] with positive integers', size);
  }
  const cells = rows.map((row, i) => row.map((c, j) => cellToRgb(c, range, `imageGrid: rows[${i}][${j}]`)));
  const [ch, cw] = size ?? [cells[0]![0]!.rgb.height, cells[0]![0]!.rgb.width];
  const anyCaption = cells.some((r) => r.some((c) => c.caption));
  const capH = anyCaption ? (options.captionHeight ?? 16) : 0;
  const cols = Math.max(...cells.map((r) => r.length));
  const W = cols * cw + (cols + 1) * gap;
  const H = rows.length * (ch + capH) + (rows.length + 1) * gap;
  const canvas = new Uint8Array(W * H * 3).fill(255);
  const texts: string[] = [];
  cells.forEach((row, i) =>
    row.forEach((c, j) => {
      const x0 = gap + j * (cw + gap);
      const y0 = gap + i * (ch + capH + gap);
      const resized = resizeRaster(c.rgb, ch, cw, c.labels ? 'nearest' : 'bilinear');
      for (let y = 0; y < ch; y++) canvas.set(resized.data.subarray(y * cw * 3, (y + 1) * cw * 3), ((y0 + capH + y) * W + x0) * 3);
      if (c.caption) texts.push(`<text x="${x0 + 2}" y="${y0 + capH - 4}" font-family="sans-serif" font-size="${Math.round(capH * 0.75)}" fill="#000">${escapeXml(c.caption)}</text>`);
    }),
  );
  let img = sharp(canvas, { raw: { width: W, height: H, channels: 3 } });
  if (texts.length) {
    const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${texts.join('')}</svg>`);
    img = sharp(await img.png().toBuffer()).composite([{ input: svg, top: 0, left: 0 }]);
  }
  const buf = await img.png({ compressionLevel: 9, palette: options.palette ?? false }).toBuffer();
  if (path) {
    mkdirSync(dirname(path), { recursive: true });
    await writeFile(path, buf);
  }
  return buf;
}
