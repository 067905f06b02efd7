/**
 * Metrics speed against Python on the same machine, in one run:
 * SSIM on a 1024×2048×3 pair (segaware `ssim` on wasm, separable depthwise filtering) vs
 * scikit-image and PyTorch (2 threads, full 2-D Gaussian conv); confusion matrix on
 * 16.8 M uint8 pixels vs `numpy.bincount` (FCN `fast_hist`). `npm run bench -- metrics`
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tf } from '../src/tf.js';
import { initBackend } from '../src/backend/index.js';
import { closeMetricWorkers, ConfusionMatrix, defaultMetricWorkers, ssim, ssimHost, ssimHostParallel } from '../src/metrics/index.js';
import { BENCH_THREADS, bestMs, printTable, runPython } from './_util.js';

const H = 1024;
const W = 2048;
const C = 3;
const NPIX = 1 << 24; // 16.8 M
const K = 19;
const THREADS = 2;
const DIR = '.bench-tmp/metrics';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

async function main(): Promise<void> {
  const backend = (await initBackend({ prefer: 'wasm', threads: BENCH_THREADS, quiet: true })).name;
  mkdirSync(DIR, { recursive: true });
  // a smooth-ish image and a noisy, slightly shifted copy
  const rnd = lcg(1);
  const a = new Float32Array(H * W * C);
  const b = new Float32Array(H * W * C);
  for (let y = 0, i = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < C; c++, i++) {
        const v = 0.5 + 0.25 * Math.sin(x / 37 + c) * Math.cos(y / 23) + 0.1 * rnd();
        a[i] = v;
        b[i] = Math.min(1, Math.max(0, v + 0.08 * (rnd() - 0.5)));
      }
  const t = new Uint8Array(NPIX);
  const p = new Uint8Array(NPIX);
  for (let i = 0; i < NPIX; i++) {
    const r = rnd();
    t[i] = r < 0.05 ? 255 : Math.floor(r * 1000) % K;
    p[i] = rnd() < 0.8 ? (t[i] === 255 ? 0 : t[i]!) : Math.floor(rnd() * K);
  }
  writeFileSync(`${DIR}/ssim_a.f32`, Buffer.from(a.buffer));
  writeFileSync(`${DIR}/ssim_b.f32`, Buffer.from(b.buffer));
  writeFileSync(`${DIR}/cm_t.u8`, t);
  writeFileSync(`${DIR}/cm_p.u8`, p);

  const ta = tf.tensor4d(a, [1, H, W, C]);
  const tb = tf.tensor4d(b, [1, H, W, C]);
  let ours = 0;
  const ssimMs = await bestMs(() => {
    const v = ssim(ta, tb, { dataRange: 1 });
    ours = v.dataSync()[0]!;
    v.dispose();
  }, 3);
  tf.dispose([ta, tb]);
  let host = 0;
  const hostMs = await bestMs(() => {
    host = ssimHost({ data: a, shape: [H, W, C] }, { data: b, shape: [H, W, C] }, { dataRange: 1 })[0]!;
  }, 3);

  let par = 0;
  const parMs = await bestMs(async () => {
    par = (await ssimHostParallel({ data: a, shape: [H, W, C] }, { data: b, shape: [H, W, C] }, { dataRange: 1 }))[0]!;
  }, 3);
  let cmResult = { diag: 0, total: 0 };
  const cmParMs = await bestMs(async () => {
    const cm = new ConfusionMatrix(K);
    await cm.updateParallel(p, t);
  }, 5);
  await closeMetricWorkers();
  const cmMs = await bestMs(() => {
    const cm = new ConfusionMatrix(K);
    cm.updateArrays(p, t);
    const r = cm.compute();
    cmResult = { diag: r.matrix.reduce((s, row, i) => s + row[i]!, 0), total: r.total };
  }, 5);

  const ref = runPython<{ skimage_ssim: number; skimage_ms: number; torch_ssim: number; torch_ms: number; numpy_cm_ms: number; numpy_cm_diag: number; numpy_cm_total: number }>(
    'bench/metrics_ref.py',
    [DIR, String(H), String(W), String(C), String(NPIX), String(K), String(THREADS)],
  );
  rmSync(DIR, { recursive: true, force: true });
  console.log(`backend ${backend}; SSIM ${H}×${W}×${C}; confusion matrix ${NPIX} uint8 pixels, K = ${K}\n`);
  const rows: (string | number)[][] = [
    [`SSIM ssim() tensor path (${backend}, float32, differentiable)`, ssimMs, ours.toFixed(6), ''],
    ['SSIM ssimHost() / SsimMetric (float64 loops)', hostMs, host.toFixed(6), ''],
    [`SSIM ssimHostParallel() (${defaultMetricWorkers()} worker threads)`, parMs, par.toFixed(6), ''],
  ];
  if (ref) {
    const fastest = Math.min(ref.skimage_ms, ref.torch_ms);
    rows.push(['SSIM scikit-image 0.19 (float32)', ref.skimage_ms, ref.skimage_ssim.toFixed(6), ''], [`SSIM PyTorch (${THREADS} threads, 2-D conv)`, ref.torch_ms, ref.torch_ssim.toFixed(6), '']);
    rows.push(['ratio segaware / fastest reference', '', '', `tensor ${(ssimMs / fastest).toFixed(2)}, host ${(hostMs / fastest).toFixed(2)}, parallel ${(parMs / fastest).toFixed(2)} (target ≤ 0.5)`]);
  }
  rows.push(['confusion matrix ConfusionMatrix.updateArrays (1 thread)', cmMs, `${(NPIX / cmMs / 1e3).toFixed(0)} Mpx/s`, '']);
  rows.push([`confusion matrix updateParallel (${defaultMetricWorkers()} worker threads)`, cmParMs, `${(NPIX / cmParMs / 1e3).toFixed(0)} Mpx/s`, '']);
  if (ref) {
    rows.push(['confusion matrix numpy.bincount', ref.numpy_cm_ms, `${(NPIX / ref.numpy_cm_ms / 1e3).toFixed(0)} Mpx/s`, ''], ['ratio segaware / numpy', '', '', `1 thread ${(cmMs / ref.numpy_cm_ms).toFixed(2)}, parallel ${(cmParMs / ref.numpy_cm_ms).toFixed(2)} (target ≤ 0.5)`]);
    if (ref.numpy_cm_diag !== cmResult.diag || ref.numpy_cm_total !== cmResult.total) console.log(`!! confusion counts differ: ${JSON.stringify(cmResult)} vs numpy ${ref.numpy_cm_diag}/${ref.numpy_cm_total}`);
  }
  printTable(['task', 'ms (best)', 'value', 'note'], rows);
}

await main();
