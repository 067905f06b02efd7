/**
 * What the page computes for one input, all with segaware on the active backend: the dehazer's
 * output, the frozen segmenter's labels for hazy / dehazed / clear, and PSNR / SSIM against
 * the clear image (`psnr`, `ssim`, data range 2 on the models' [-1,1] scale) and mIoU / PA
 * against the scene's labels (`ConfusionMatrix`, exact host counts). These are the numbers
 * the end-to-end test (test/browser/web_page.browser.test.ts) checks against Node's.
 *
 * @example
 * const result = await runPipeline(models, sceneInput({ seed: 1000003, height: 64, width: 128, beta: 0.02, airlight: 0.9 }));
 * result.rows.dehazed.psnr; // dB
 */
import { ConfusionMatrix, psnr, ssim, tf, type ImageRaster, type Tensor, type Tensor4D } from '../../../src/core.js';
import type { PageInput } from './inputs.js';
import type { WebModels } from './models.js';

/** The three images the page compares. */
export const ROWS = ['hazy', 'dehazed', 'clear'] as const;
export type RowName = (typeof ROWS)[number];

/** One image and what the page measured on it; null where the input has no clear image / labels. */
export interface RowResult {
  /** RGB in [0,1] for display */
  image: ImageRaster;
  /** the segmenter's argmax, trainIds `[H·W]` */
  segmentation: Int32Array;
  psnr: number | null;
  ssim: number | null;
  meanIoU: number | null;
  pixelAccuracy: number | null;
}

export interface PipelineResult {
  name: string;
  height: number;
  width: number;
  rows: Partial<Record<RowName, RowResult>>;
  labels?: Uint8Array;
  /** milliseconds: dehazer + segmenter forward passes, and the metrics */
  ms: { inference: number; metrics: number };
}

/** `[0,1]` raster → `[1,H,W,3]` in [-1,1], the scale the demo's networks train on. */
function toModelScale(r: ImageRaster): Tensor4D {
  return tf.tidy(() => tf.sub(tf.mul(tf.tensor4d(r.data, [1, r.height, r.width, r.channels]), 2), 1));
}

/** `[1,H,W,3]` in [-1,1] → a `[0,1]` raster (read asynchronously: webgl/webgpu have no cheap sync read). */
async function toRaster(t: Tensor4D): Promise<ImageRaster> {
  const unit = tf.tidy(() => tf.div(tf.add(t, 1), 2));
  const data = (await unit.data()) as Float32Array;
  unit.dispose();
  const [, height, width, channels] = t.shape;
  return { data, height, width, channels };
}

/** Runs the dehazer and the segmenter on `input` and measures every row that can be measured. */
export async function runPipeline(models: WebModels, input: PageInput): Promise<PipelineResult> {
  const { height, width } = input.hazy;
  const t0 = performance.now();
  const images: Partial<Record<RowName, Tensor4D>> = { hazy: toModelScale(input.hazy) };
  // clip: the generator's tanh output must not be rewarded for leaving the image range (as the demo's evaluation)
  images.dehazed = tf.tidy(() => tf.clipByValue(models.dehazer.predict(images.hazy!) as Tensor, -1, 1) as Tensor4D);
  if (input.clear) images.clear = toModelScale(input.clear);
  const segs: Partial<Record<RowName, Tensor>> = {};
  for (const row of ROWS) {
    const x = images[row];
    if (x) segs[row] = tf.tidy(() => tf.argMax(models.segmenter.predict(x) as Tensor, -1));
  }
  const segmentations = Object.fromEntries(await Promise.all(Object.entries(segs).map(async ([k, t]) => [k, (await t.data()) as Int32Array]))) as Partial<Record<RowName, Int32Array>>;
  const t1 = performance.now();

  const rows: PipelineResult['rows'] = {};
  for (const row of ROWS) {
    const x = images[row];
    if (!x) continue;
    let p: number | null = null;
    let s: number | null = null;
    if (images.clear) {
      const [pt, st] = [psnr(x, images.clear, { dataRange: 2 }), ssim(x, images.clear, { dataRange: 2 })];
      [p, s] = [(await pt.data())[0]!, (await st.data())[0]!];
      tf.dispose([pt, st]);
    }
    let miou: number | null = null;
    let pa: number | null = null;
    if (input.labels) {
      const cm = new ConfusionMatrix(models.numClasses);
      cm.update({ data: segmentations[row]!, shape: [1, height, width] }, { data: input.labels.data, shape: [1, height, width] });
      ({ meanIoU: miou, pixelAccuracy: pa } = cm.compute());
    }
    rows[row] = { image: await toRaster(x), segmentation: segmentations[row]!, psnr: p, ssim: s, meanIoU: miou, pixelAccuracy: pa };
  }
  tf.dispose([...Object.values(images), ...Object.values(segs)]);
  return { name: input.name, height, width, rows, labels: input.labels?.data, ms: { inference: t1 - t0, metrics: performance.now() - t1 } };
}
