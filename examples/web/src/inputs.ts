/**
 * What the page dehazes: a built-in synthetic street scene (segaware's renderer + Koschmieder
 * fog, so the clear image and the labels are known and every metric can be computed), or a
 * user's foggy photo (decoded by the browser; only the images and segmentations are shown).
 *
 * @example
 * const input = sceneInput({ seed: 1000003, height: 64, width: 128, beta: 0.02, airlight: 0.9 });
 * input.clear; input.labels; // known for a synthetic scene
 */
import { addFog, renderSyntheticScene, type ImageRaster, type Raster } from '../../../src/core.js';

/** One input image at the models' size, in [0,1]; `clear` and `labels` only when known. */
export interface PageInput {
  name: string;
  hazy: ImageRaster;
  clear?: ImageRaster;
  /** Cityscapes trainIds `[H,W]` (255 = ignore) */
  labels?: Raster<Uint8Array>;
}

/** Options of {@link sceneInput}. */
export interface SceneInputOptions {
  seed: number;
  height: number;
  width: number;
  /** fog attenuation β (1/m) and atmospheric light A */
  beta: number;
  airlight: number;
}

/**
 * Scene 0 of the synthetic stream `seed` (the demo's held-out test scenes use seeds from
 * 1,000,003 on), fogged with `addFog(image, depth, { beta, airlight })`.
 */
export function sceneInput(o: SceneInputOptions): PageInput {
  const s = renderSyntheticScene(o.seed, 0, o.height, o.width);
  return {
    name: `${s.name}, β ${o.beta}, A ${o.airlight}`,
    hazy: addFog(s.image, s.depth, { beta: o.beta, airlight: o.airlight }),
    clear: s.image,
    labels: s.labels,
  };
}

/**
 * Decodes an image file with `createImageBitmap`, crops it to the models' aspect ratio
 * (centre) and scales it to `height`×`width` on a canvas.
 */
export async function imageFileInput(file: Blob & { name?: string }, height: number, width: number): Promise<PageInput> {
  const bitmap = await createImageBitmap(file);
  try {
    const scale = Math.min(bitmap.width / width, bitmap.height / height);
    const [sw, sh] = [width * scale, height * scale];
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, (bitmap.width - sw) / 2, (bitmap.height - sh) / 2, sw, sh, 0, 0, width, height);
    const rgba = ctx.getImageData(0, 0, width, height).data;
    const data = new Float32Array(height * width * 3);
    for (let i = 0; i < height * width; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = rgba[i * 4 + c]! / 255;
    return { name: `${file.name ?? 'image'} (${bitmap.width}×${bitmap.height} → ${width}×${height})`, hazy: { data, height, width, channels: 3 } };
  } finally {
    bitmap.close();
  }
}
