/**
 * Drawing: images and label maps onto canvases (labels in the Cityscapes palette via
 * segaware's `colorize`) and the metrics table. DOM only; no tensors here.
 *
 * @example
 * showResult(document.getElementById('grid')!, document.querySelector('#metrics tbody')!, result);
 */
import { CITYSCAPES_TRAIN_CLASSES, colorize, type ImageRaster } from '../../../src/core.js';
import { ROWS, type PipelineResult } from './pipeline.js';

/** A captioned canvas holding `rgb` (interleaved RGB bytes, `height`×`width`). */
function figure(caption: string, rgb: Uint8Array | null, height: number, width: number, labels = false): HTMLElement {
  const fig = document.createElement('figure');
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [width, height];
  if (labels) canvas.className = 'labels';
  if (rgb) {
    const img = new ImageData(width, height);
    for (let i = 0; i < height * width; i++) {
      img.data.set(rgb.subarray(i * 3, i * 3 + 3), i * 4);
      img.data[i * 4 + 3] = 255;
    }
    canvas.getContext('2d')!.putImageData(img, 0, 0);
  }
  const cap = document.createElement('figcaption');
  cap.textContent = caption;
  fig.append(canvas, cap);
  return fig;
}

/** `[0,1]` float RGB → bytes (clamped, rounded). */
function toBytes(r: ImageRaster): Uint8Array {
  const out = new Uint8Array(r.height * r.width * 3);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, r.data[i]!)) * 255);
  return out;
}

/** The palette entries of the classes in `labels` (the ground truth, else the first segmentation). */
function legend(labels: ArrayLike<number> | undefined): HTMLElement {
  const ul = document.createElement('ul');
  ul.className = 'legend';
  const present = new Set(Array.from(labels ?? []));
  for (const c of CITYSCAPES_TRAIN_CLASSES.filter((k) => present.has(k.trainId))) {
    const li = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.style.background = `rgb(${c.color.join(',')})`;
    li.append(swatch, c.name);
    ul.append(li);
  }
  return ul;
}

const fmt = (v: number | null, digits: number): string => (v === null ? '—' : Number.isFinite(v) ? v.toFixed(digits) : v > 0 ? '∞' : String(v));

/**
 * Fills the grid (row 1: hazy / dehazed / clear / ground-truth labels; row 2: the
 * segmenter's labels on each, and the colours of the scene's classes) and the metrics table.
 */
export function showResult(grid: HTMLElement, tbody: HTMLElement, r: PipelineResult): void {
  const { height: h, width: w } = r;
  const top = ROWS.map((row) => figure(row, r.rows[row] ? toBytes(r.rows[row]!.image) : null, h, w));
  const bottom = ROWS.map((row) => figure(`segmentation of ${row}`, r.rows[row] ? colorize(r.rows[row]!.segmentation) : null, h, w, true));
  grid.replaceChildren(...top, figure('labels (ground truth)', r.labels ? colorize(r.labels) : null, h, w, true), ...bottom, legend(r.labels ?? r.rows.hazy?.segmentation));
  tbody.replaceChildren(
    ...ROWS.filter((row) => r.rows[row]).map((row) => {
      const m = r.rows[row]!;
      const tr = document.createElement('tr');
      for (const text of [row, fmt(m.psnr, 2), fmt(m.ssim, 4), fmt(m.meanIoU, 4), fmt(m.pixelAccuracy, 4)]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }),
  );
}
