/**
 * End-to-end test of the web page (examples/web) in headless Chromium: the page is built with
 * Vite, served from a temporary folder with a models folder next to it, and opened on a fixed
 * synthetic foggy scene with fixed models. The PSNR / SSIM / mIoU / PA it shows (and publishes
 * on `window.__segaware_result`) must equal what Node computes with segaware on the same scene
 * and the same models, restated here independently of the page's pipeline.ts.
 *
 * Models: a tiny dehazer + segmenter pair trained in Node with fixed seeds (the page's own
 * `trainTinyPair` recipe, 64×128) — or the folder in `SEGAWARE_WEB_MODELS` (e.g. the demo's
 * `runs/demo/web-models`). `SEGAWARE_UPDATE_SCREENSHOT=1` rewrites docs/images/web_page.png
 * from the webgl run.
 *
 * Tolerances (page vs Node on cpu, Node's reference using segaware's cpu kernels with the
 * training kernels registered, as `initBackend` leaves them):
 * - page on `cpu`: the same JS kernels and the same XNNPACK wasm convolutions as Node →
 *   PSNR 1e-4 dB, SSIM 1e-5, identical segmentations (mIoU and PA equal to 1e-12);
 * - page on `webgl` (SwiftShader, float32 render targets): convolutions as packed-texture
 *   matmuls summed in another order, so activations differ by ~1e-6 relative and grow through
 *   the ~12 conv layers → PSNR 1e-3 dB, SSIM 1e-4; an argmax may flip where the top two
 *   logits are within that error, so up to 0.2 % of the pixels may differ and mIoU / PA by
 *   0.01. (float16 GPUs would need far more; SwiftShader is float32, the test forces it.)
 *   Measured here (fixture pair and the demo's models): PSNR and segmentations identical,
 *   SSIM within 6e-8 — the margins are for other SwiftShader / Chromium versions.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import {
  ConfusionMatrix,
  addFog,
  encodeRaster,
  fileSystemIO,
  initBackend,
  psnr,
  renderSyntheticScene,
  ssim,
  tf,
  tfl,
  type ImageRaster,
  type Tensor,
  type Tensor4D,
} from '../../src/index.js';
import { exportWebModels } from '../../examples/web/node/export_models.js';
import { MANIFEST_FILE, parseManifest, type WebModelsManifest } from '../../examples/web/src/manifest.js';
import type { PageResult } from '../../examples/web/src/main.js';
import { trainTinyPair } from '../../examples/web/src/train_tiny.js';
import { launchChromium, type LaunchedChromium } from './launch.js';
import { serveDirectory, type StaticServer } from './static_server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SEED = 1_000_003; // scene 0 of the demo's held-out stream
const ROWS = ['hazy', 'dehazed', 'clear'] as const;
type Row = (typeof ROWS)[number];

interface Tolerance {
  psnr: number;
  ssim: number;
  /** mIoU and pixel accuracy */
  seg: number;
  /** fraction of pixels whose predicted class may differ */
  pixels: number;
}
const TOLERANCE: Record<'cpu' | 'webgl', Tolerance> = {
  cpu: { psnr: 1e-4, ssim: 1e-5, seg: 1e-12, pixels: 0 },
  webgl: { psnr: 1e-3, ssim: 1e-4, seg: 0.01, pixels: 0.002 },
};

interface Reference {
  metrics: Record<Row, { psnr: number; ssim: number; meanIoU: number; pixelAccuracy: number }>;
  segmentations: Record<Row, Int32Array>;
}

/** Node's numbers for scene `seed` and the models in `dir`: the page's computation, restated. */
async function nodeReference(dir: string, m: WebModelsManifest, seed: number): Promise<Reference> {
  const dehazer = await tfl.loadLayersModel(fileSystemIO(join(dir, m.dehazer.replace(/\/model\.json$/, ''))));
  const segmenter = await tfl.loadLayersModel(fileSystemIO(join(dir, m.segmenter.replace(/\/model\.json$/, ''))));
  const { height: H, width: W } = m;
  const scene = renderSyntheticScene(seed, 0, H, W);
  const hazy = addFog(scene.image, scene.depth, m.fog);
  const scaled = (r: ImageRaster): Tensor4D => tf.tidy(() => tf.sub(tf.mul(tf.tensor4d(r.data, [1, H, W, 3]), 2), 1));
  const images: Record<Row, Tensor4D> = { hazy: scaled(hazy), dehazed: tf.zeros([1, H, W, 3]), clear: scaled(scene.image) };
  images.dehazed.dispose();
  images.dehazed = tf.tidy(() => tf.clipByValue(dehazer.predict(images.hazy) as Tensor, -1, 1) as Tensor4D);
  const out = { metrics: {}, segmentations: {} } as Reference;
  for (const row of ROWS) {
    const seg = tf.tidy(() => tf.argMax(segmenter.predict(images[row]) as Tensor, -1));
    const labels = (await seg.data()) as Int32Array;
    const cm = new ConfusionMatrix(m.numClasses);
    cm.update({ data: labels, shape: [1, H, W] }, { data: scene.labels.data, shape: [1, H, W] });
    const { meanIoU, pixelAccuracy } = cm.compute();
    const [p, s] = [psnr(images[row], images.clear, { dataRange: 2 }), ssim(images[row], images.clear, { dataRange: 2 })];
    out.metrics[row] = { psnr: (await p.data())[0]!, ssim: (await s.data())[0]!, meanIoU, pixelAccuracy };
    out.segmentations[row] = labels;
    tf.dispose([seg, p, s]);
  }
  tf.dispose(Object.values(images));
  dehazer.dispose();
  segmenter.dispose();
  return out;
}

/** Opens the page at `query`, waits for its result (or its error) and returns it with the segmentations as plain arrays. */
async function openPage(chrome: LaunchedChromium, url: string, query: string): Promise<PageResult & { labels: Record<string, number[]> }> {
  await chrome.page.goto(`${url}/index.html?${query}`);
  return readResult(chrome, () => true);
}

async function readResult(chrome: LaunchedChromium, accept: (r: PageResult) => boolean): Promise<PageResult & { labels: Record<string, number[]> }> {
  try {
    await chrome.page.waitForFunction(() => window.__segaware_result !== undefined, undefined, { timeout: 240_000, polling: 200 });
  } catch (err) {
    throw new Error(`the page published no result: ${(err as Error).message}\n${chrome.log.join('\n')}`);
  }
  const r = await chrome.page.evaluate(() => {
    const { segmentations, ...rest } = window.__segaware_result!;
    return { ...rest, labels: Object.fromEntries(Object.entries(segmentations ?? {}).map(([k, v]) => [k, Array.from(v)])) };
  });
  if (!r.ok) throw new Error(`the page failed: ${r.error}\n${chrome.log.join('\n')}`);
  expect(accept(r as PageResult), JSON.stringify(r).slice(0, 300)).toBe(true);
  return r as PageResult & { labels: Record<string, number[]> };
}

function compare(page: PageResult & { labels: Record<string, number[]> }, ref: Reference, tol: Tolerance): { maxPsnr: number; maxSsim: number; maxSeg: number; pixelsDiffering: number } {
  let [maxPsnr, maxSsim, maxSeg, pixelsDiffering] = [0, 0, 0, 0];
  for (const row of ROWS) {
    const got = page.metrics![row]!;
    const want = ref.metrics[row];
    if (row === 'clear') {
      expect(got.psnr).toBe(Infinity); // MSE 0: both sides report +∞
    } else {
      maxPsnr = Math.max(maxPsnr, Math.abs(got.psnr! - want.psnr));
      expect(Math.abs(got.psnr! - want.psnr), `${row} PSNR`).toBeLessThanOrEqual(tol.psnr);
    }
    maxSsim = Math.max(maxSsim, Math.abs(got.ssim! - want.ssim));
    maxSeg = Math.max(maxSeg, Math.abs(got.meanIoU! - want.meanIoU), Math.abs(got.pixelAccuracy! - want.pixelAccuracy));
    expect(Math.abs(got.ssim! - want.ssim), `${row} SSIM`).toBeLessThanOrEqual(tol.ssim);
    expect(Math.abs(got.meanIoU! - want.meanIoU), `${row} mIoU`).toBeLessThanOrEqual(tol.seg);
    expect(Math.abs(got.pixelAccuracy! - want.pixelAccuracy), `${row} PA`).toBeLessThanOrEqual(tol.seg);
    const labels = page.labels[row]!;
    expect(labels).toHaveLength(ref.segmentations[row].length);
    const differing = labels.reduce((n, v, i) => n + (v === ref.segmentations[row][i] ? 0 : 1), 0);
    pixelsDiffering = Math.max(pixelsDiffering, differing);
    expect(differing / labels.length, `${row}: pixels whose class differs`).toBeLessThanOrEqual(tol.pixels);
  }
  return { maxPsnr, maxSsim, maxSeg, pixelsDiffering };
}

describe('examples/web in headless Chromium', () => {
  let site = '';
  let server: StaticServer;
  let chrome: LaunchedChromium;
  let manifest: WebModelsManifest;
  let modelsDir = '';

  beforeAll(async () => {
    // wasm trains the fixture pair (tfjs's pure-JS cpu takes ~10 s a step at 64×128); the
    // reference then runs on cpu, the backend whose kernels the page's cpu run shares
    await initBackend({ prefer: 'wasm', quiet: true });
    site = await mkdtemp(join(tmpdir(), 'segaware-web-'));
    const t0 = performance.now();
    await build({ configFile: join(ROOT, 'examples/web/vite.config.ts'), logLevel: 'warn', build: { outDir: site, emptyOutDir: true } });
    const buildMs = performance.now() - t0;
    modelsDir = join(site, 'models');
    if (process.env.SEGAWARE_WEB_MODELS) {
      // given models (e.g. the demo's): copied next to the page, as a deployment would
      const from = resolve(process.env.SEGAWARE_WEB_MODELS);
      const m = parseManifest(JSON.parse(await readFile(join(from, MANIFEST_FILE), 'utf8')), from);
      for (const rel of [MANIFEST_FILE, m.dehazer, m.segmenter, m.dehazer.replace('model.json', 'weights.bin'), m.segmenter.replace('model.json', 'weights.bin')]) {
        await mkdir(join(modelsDir, rel, '..'), { recursive: true });
        await copyFile(join(from, rel), join(modelsDir, rel));
      }
    } else {
      const t1 = performance.now();
      const pair = await trainTinyPair({ steps: 20, height: 64, width: 128 });
      await exportWebModels(modelsDir, { ...pair, source: 'test fixture: trainTinyPair, 20 + 20 steps at 64×128, fixed seeds' });
      pair.dehazer.dispose();
      pair.segmenter.dispose();
      console.log(`web page test: fixture models trained in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    }
    manifest = parseManifest(JSON.parse(await readFile(join(modelsDir, MANIFEST_FILE), 'utf8')), modelsDir);
    console.log(`web page test: vite build ${(buildMs / 1000).toFixed(1)} s`);
    await tf.setBackend('cpu');
    server = await serveDirectory(site);
    chrome = await launchChromium({ viewport: { width: 1100, height: 760 } });
  });

  afterAll(async () => {
    await chrome?.close();
    await server?.close();
    if (site) await rm(site, { recursive: true, force: true });
  });

  for (const backend of ['cpu', 'webgl'] as const) {
    it(`shows Node's PSNR / SSIM / mIoU on ${backend}`, async () => {
      const ref = await nodeReference(modelsDir, manifest, SEED);
      const t0 = performance.now();
      const page = await openPage(chrome, server.url, `models=./models/&backend=${backend}&seed=${SEED}`);
      const seconds = (performance.now() - t0) / 1000;
      expect(page.backend).toBe(backend);
      expect(page.models).toBe(manifest.source);
      expect([page.height, page.width]).toEqual([manifest.height, manifest.width]);
      const d = compare(page, ref, TOLERANCE[backend]);
      console.log(
        `web page on ${backend}: ${seconds.toFixed(1)} s to the result (backend ${page.ms!.backend.toFixed(0)} ms, models ${page.ms!.models.toFixed(0)} ms, inference ${page.ms!.inference.toFixed(0)} ms, metrics ${page.ms!.metrics.toFixed(0)} ms); ` +
          `|Δ| PSNR ${d.maxPsnr.toExponential(2)} dB, SSIM ${d.maxSsim.toExponential(2)}, mIoU/PA ${d.maxSeg.toExponential(2)}, ${d.pixelsDiffering} pixels of ${manifest.height * manifest.width} differ; ` +
          `dehazed: PSNR ${page.metrics!.dehazed!.psnr!.toFixed(2)} dB, SSIM ${page.metrics!.dehazed!.ssim!.toFixed(3)}, mIoU ${page.metrics!.dehazed!.meanIoU!.toFixed(3)}`,
      );
      if (backend === 'webgl' && process.env.SEGAWARE_UPDATE_SCREENSHOT === '1') {
        const path = join(ROOT, 'docs/images/web_page.png');
        await chrome.page.screenshot({ path, fullPage: true });
        console.log(`web page test: screenshot written to ${path}`);
      }
    });
  }

  it('dehazes a picked photo (decoded by the browser) and shows no metrics for it', async () => {
    const { height: H, width: W } = manifest;
    const scene = renderSyntheticScene(SEED + 1, 0, H * 2, W * 2);
    const png = await encodeRaster(addFog(scene.image, scene.depth, manifest.fog), 'png');
    const file = join(site, 'foggy.png');
    await writeFile(file, png);
    await chrome.page.evaluate(() => void (window.__segaware_result = undefined));
    await chrome.page.setInputFiles('#image', file);
    const r = await readResult(chrome, (x) => x.input?.startsWith('foggy.png') ?? false);
    expect(r.input).toContain(`${W * 2}×${H * 2} → ${W}×${H}`);
    expect(Object.keys(r.metrics!)).toEqual(['hazy', 'dehazed']);
    expect(r.metrics!.dehazed).toEqual({ psnr: null, ssim: null, meanIoU: null, pixelAccuracy: null });
    expect(r.labels.dehazed).toHaveLength(H * W);
  });

  it('trains a tiny pair in the page when no models are given', async () => {
    const r = await openPage(chrome, server.url, 'backend=cpu&train=2');
    expect(r.models).toMatch(/trained in this page \(2 \+ 2 steps, 32×64\)/);
    for (const row of ROWS) for (const v of Object.values(r.metrics![row]!)) expect(typeof v === 'number' && !Number.isNaN(v), `${row} ${v}`).toBe(true);
  });
});
