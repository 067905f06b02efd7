/**
 * Where {@link jpegCompress} gets its JPEG encoder and decoder. The platform-neutral core has
 * no codec of its own: in Node, importing segaware's data face (`src/data/index.ts`, so any
 * of `segaware`, `segaware/node`) registers sharp's (`./jpeg_sharp.ts`); in a browser,
 * `OffscreenCanvas.convertToBlob({ type: 'image/jpeg' })` and `createImageBitmap` are used
 * (also libjpeg(-turbo) with IJG quality scaling, so the artefacts are of the same kind, not
 * bit-identical to sharp's).
 */
import { BackendError } from '../../errors.js';
import type { ImageRaster } from '../raster.js';

/** Encodes a `[0,1]` float raster as JPEG at `quality` (1–100) and decodes it back to `[0,1]`. @internal */
export type JpegRoundTrip = (image: ImageRaster, quality: number) => Promise<ImageRaster>;

let registered: JpegRoundTrip | null = null;

/** Makes `codec` the JPEG round trip of {@link jpegCompress} (Node registers sharp's). @internal */
export function setJpegCodec(codec: JpegRoundTrip | null): void {
  registered = codec;
}

interface CanvasLike {
  getContext(kind: '2d'): {
    putImageData(d: unknown, x: number, y: number): void;
    drawImage(b: unknown, x: number, y: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  } | null;
  convertToBlob(o: { type: string; quality: number }): Promise<Blob>;
}
interface CanvasGlobals {
  OffscreenCanvas?: new (w: number, h: number) => CanvasLike;
  ImageData?: new (data: Uint8ClampedArray, w: number, h: number) => unknown;
  createImageBitmap?: (b: Blob) => Promise<{ close?: () => void }>;
}

/** The browser's JPEG round trip through an `OffscreenCanvas` (null where there is none). */
function canvasCodec(): JpegRoundTrip | null {
  const g = globalThis as unknown as CanvasGlobals;
  const { OffscreenCanvas, ImageData, createImageBitmap } = g;
  if (!OffscreenCanvas || !ImageData || !createImageBitmap) return null;
  return async (r, quality) => {
    const { height: h, width: w, channels: c } = r;
    const rgba = new Uint8ClampedArray(h * w * 4);
    for (let i = 0; i < h * w; i++) {
      for (let k = 0; k < 3; k++) {
        // grey replicated to RGB; a fourth (alpha) channel is dropped, as a JPEG encoder does
        const v = r.data[i * c + Math.min(k, c - 1)]!;
        rgba[i * 4 + k] = Math.round(Math.min(1, Math.max(0, v)) * 255);
      }
      rgba[i * 4 + 3] = 255;
    }
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new BackendError('segaware: jpegCompress: this browser gives no 2d context for an OffscreenCanvas');
    ctx.putImageData(new ImageData(rgba, w, h), 0, 0);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: quality / 100 });
    const bitmap = await createImageBitmap(blob);
    const back = new OffscreenCanvas(w, h);
    const bctx = back.getContext('2d')!;
    bctx.drawImage(bitmap, 0, 0);
    bitmap.close?.();
    const px = bctx.getImageData(0, 0, w, h).data;
    const out = new Float32Array(r.data.length);
    for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) out[i * c + k] = px[i * 4 + Math.min(k, 2)]! / 255;
    return { ...r, data: out };
  };
}

/**
 * The JPEG round trip to use: the registered one, else the browser canvas.
 *
 * @throws BackendError where neither exists (Node without segaware's Node entry, a worker
 *   without OffscreenCanvas)
 * @internal
 */
export function jpegCodec(): JpegRoundTrip {
  const codec = registered ?? canvasCodec();
  if (!codec) {
    throw new BackendError(
      "segaware: jpegCompress needs a JPEG codec: in Node import from 'segaware' or 'segaware/node' (sharp); in a browser it uses OffscreenCanvas, which this environment lacks",
    );
  }
  return codec;
}
