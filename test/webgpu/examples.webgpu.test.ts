// The four examples with `--backend webgpu` (forced, so a software adapter is
// used too), at the tiny sizes of the main suite's example tests: each run
// completes with no synchronous read-back on the webgpu backend, writes its
// table and report, and — for dfs, road-unet and cooperative — scores what the
// wasm run of the same options scores, within the tolerances below.
//
// Why not bit-equal: the examples train for a few steps before they are scored,
// and webgpu's convolutions, matmuls and reductions add in a different order
// than XNNPACK's, so the trained weights differ in the last float32 bits.
// PSNR / SSIM are continuous in the weights (and are computed on the host from
// the same `await data()` values on both backends), so they agree tightly; the
// segmentation scores count arg-max labels, and an untrained tiny segmenter has
// near-ties that such differences flip for a few of the 6144 test pixels.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCooperative, type CooperativeOptions, type CooperativeResult } from '../../examples/cooperative/run_cooperative.js';
import { runDay2night, SEGMENTER_ROWS, type Day2NightOptions } from '../../examples/day2night/run_day2night.js';
import { runDfs, type DfsOptions, type DfsResult } from '../../examples/dfs/run_dfs.js';
import type { RowScores } from '../../examples/common/evaluate.js';
import { runRoadUnet, type RoadUnetOptions, type RoadUnetResult } from '../../examples/road-unet/run_road_unet.js';
import { tf } from '../../src/tf.js';
import { tinyRunOptions } from '../helpers/tiny_run.js';

/** PSNR (dB) and SSIM: continuous in the weights. */
const PSNR_TOL_DB = 1e-3;
const SSIM_TOL = 1e-4;
/** PA, mPA, mIoU, FWIoU and the Cityscapes four: fractions of arg-max pixel counts (0.01 ≈ 60 of 6144 pixels). */
const SEG_TOL = 0.01;

// the main suite's tiny options (test/examples_*.test.ts), on the backend given
const dfsTiny = (out: string, backend: string): DfsOptions => ({ ...tinyRunOptions(out, 5), backend, steps: 4, segSteps: 3, testCount: 3, ngf: 4, segFilters: 4 });
const roadTiny = (out: string, backend: string): RoadUnetOptions => ({ ...tinyRunOptions(out, 3), backend, steps: 6, testCount: 3, baseFilters: 4, depth: 2 });
const coopTiny = (out: string, backend: string): CooperativeOptions => ({
  ...tinyRunOptions(out, 7),
  backend,
  steps: 3,
  segSteps: 3,
  g1Steps: 3,
  g2Steps: 3,
  jointSteps: 3,
  degradations: ['blur'],
  testCount: 3,
  ngf: 4,
  segFilters: 4,
  threads: 1,
});
const d2nTiny = (out: string, backend: string): Day2NightOptions => ({
  ...tinyRunOptions(out, 3),
  backend,
  steps: 3,
  selfSteps: 3,
  testCount: 4,
  poolCount: 8,
  unitDim: 4,
  segWidth: 4,
  fpnChannels: 8,
  threads: 1,
});

const tmp = (p: string): string => mkdtempSync(join(tmpdir(), p));
const disposeCoop = (r: CooperativeResult): void => {
  r.models.segmenter.dispose();
  for (const m of [...Object.values(r.models.g1), ...Object.values(r.models.g2)]) m!.dispose();
};

/** Seconds of each tiny run, printed at the end (webgpu vs wasm). */
const wall: Record<string, { wasm?: number; webgpu?: number }> = {};
async function timed<T>(name: string, backend: 'wasm' | 'webgpu', run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await run();
  (wall[name] ??= {})[backend] = Math.round((performance.now() - t0) / 100) / 10;
  return r;
}

/**
 * Runs `fn` on webgpu counting the webgpu backend's `readSync` calls (what
 * `dataSync`/`arraySync` go through; Node's webgpu cannot serve them for data on the
 * device, and where it can they stall the device) and catching WebGPU validation
 * errors (an invalid pipeline makes Dawn drop a whole command buffer: wrong numbers
 * and only a message on stderr).
 */
async function onWebgpu<T>(fn: () => Promise<T>): Promise<{ result: T; readSyncCalls: number; gpuError: string | null }> {
  const backend = tf.findBackend('webgpu') as unknown as { readSync(id: object): unknown; device: GPUDevice };
  const original = backend.readSync;
  let calls = 0;
  backend.readSync = function (this: unknown, id: object) {
    calls++;
    return original.call(this, id);
  };
  backend.device.pushErrorScope('validation');
  try {
    const result = await fn();
    const err = await backend.device.popErrorScope();
    return { result, readSyncCalls: calls, gpuError: err ? err.message : null };
  } finally {
    backend.readSync = original;
  }
}

function expectScoresClose(gpu: RowScores, ref: RowScores, row: string): void {
  for (const [key, tol] of [['psnr', PSNR_TOL_DB], ['ssim', SSIM_TOL]] as const) {
    if (Number.isFinite(ref[key])) expect(Math.abs(gpu[key] - ref[key]), `${row} ${key}: ${gpu[key]} vs ${ref[key]}`).toBeLessThanOrEqual(tol);
    else expect(gpu[key], `${row} ${key}`).toBe(ref[key]); // NaN (not compared) or ∞ (the clear image)
  }
  for (const key of ['pixelAccuracy', 'meanAccuracy', 'meanIoU', 'fwIoU', 'iouClass', 'iiouClass', 'iouCategory', 'iiouCategory'] as const) {
    if (Number.isNaN(ref[key])) expect(gpu[key], `${row} ${key}`).toBeNaN();
    else expect(Math.abs(gpu[key] - ref[key]), `${row} ${key}: ${gpu[key]} vs ${ref[key]}`).toBeLessThanOrEqual(SEG_TOL);
  }
}

// the wasm references, all run before anything trains on webgpu: a tensor must not
// move from webgpu to another backend (that move is a synchronous read-back)
let dfsRef: DfsResult['scores'];
let roadRef: Pick<RoadUnetResult, 'dice' | 'iou' | 'pixelAccuracy'>;
let coopRef: CooperativeResult['scores'];

describe('the examples with --backend webgpu', () => {
  beforeAll(async () => {
    // (without an adapter test/webgpu/setup.ts skips every test: no reference is needed then)
    if (tf.getBackend() !== 'webgpu') return;
    const d = await timed('dfs', 'wasm', () => runDfs(dfsTiny(tmp('dfs-wasm-'), 'wasm')));
    dfsRef = d.scores;
    Object.values(d.models).forEach((m) => m.dispose());
    const r = await timed('road-unet', 'wasm', () => runRoadUnet(roadTiny(tmp('road-wasm-'), 'wasm')));
    roadRef = { dice: r.dice, iou: r.iou, pixelAccuracy: r.pixelAccuracy };
    r.model.dispose();
    const c = await timed('cooperative', 'wasm', () => runCooperative(coopTiny(tmp('coop-wasm-'), 'wasm')));
    coopRef = c.scores;
    disposeCoop(c);
  });

  afterAll(() => {
    const rows = Object.entries(wall).map(([k, v]) => `  ${k.padEnd(12)} webgpu ${String(v.webgpu ?? '—').padStart(6)} s   wasm ${String(v.wasm ?? '—').padStart(6)} s`);
    process.stderr.write(`tiny example runs (wall time):\n${rows.join('\n')}\n`);
  });

  it('dfs: the poster table and report, scores equal to the wasm run within the tolerances', async () => {
    const out = tmp('dfs-webgpu-');
    const { result: r, readSyncCalls, gpuError } = await onWebgpu(() => timed('dfs', 'webgpu', () => runDfs(dfsTiny(out, 'webgpu'))));
    expect(tf.getBackend()).toBe('webgpu');
    expect(readSyncCalls).toBe(0);
    expect(gpuError).toBeNull();
    expect(Object.keys(r.scores)).toEqual(['Hazy', 'Dehaze', 'DFS', 'GT (clear)']);
    for (const row of Object.keys(dfsRef)) expectScoresClose(r.scores[row]!, dfsRef[row]!, row);
    // the hazy input is the same on both backends and its PSNR/SSIM are computed on the host: exactly equal
    expect(r.scores.Hazy!.psnr).toBe(dfsRef.Hazy!.psnr);
    expect(r.scores.Hazy!.ssim).toBe(dfsRef.Hazy!.ssim);
    expect(r.table).toMatch(/\| Hazy \|/);
    for (const f of ['report.html', 'summary.json', 'report.md', 'test_samples.png', 'models/dfs/model.json']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).summary.backend).toBe('webgpu');
    Object.values(r.models).forEach((m) => m.dispose());
  });

  it('road-unet: the report, Dice and IoU equal to the wasm run within the tolerance', async () => {
    const out = tmp('road-webgpu-');
    const { result: r, readSyncCalls, gpuError } = await onWebgpu(() => timed('road-unet', 'webgpu', () => runRoadUnet(roadTiny(out, 'webgpu'))));
    expect(readSyncCalls).toBe(0);
    expect(gpuError).toBeNull();
    for (const k of ['dice', 'iou', 'pixelAccuracy'] as const) expect(Math.abs(r[k] - roadRef[k]), `${k}: ${r[k]} vs ${roadRef[k]}`).toBeLessThanOrEqual(SEG_TOL);
    expect(r.table).toMatch(/\| U-Net \+ Dice loss \|/);
    for (const f of ['report.html', 'summary.json', 'report.md', 'predictions.png', 'models/road_unet/model.json']) expect(existsSync(join(out, f)), f).toBe(true);
    r.model.dispose();
  });

  it('cooperative: Table 1 and the report, scores equal to the wasm run within the tolerances', async () => {
    const out = tmp('coop-webgpu-');
    const { result: r, readSyncCalls, gpuError } = await onWebgpu(() => timed('cooperative', 'webgpu', () => runCooperative(coopTiny(out, 'webgpu'))));
    expect(readSyncCalls).toBe(0);
    expect(gpuError).toBeNull();
    for (const row of ['degraded', 'refined', 'restored', 'clean'] as const) expectScoresClose(r.scores.blur![row], coopRef.blur![row], row);
    expect(r.table).toMatch(/\| GB \|/);
    for (const f of ['report.html', 'summary.json', 'report.md', 'samples_blur.png', 'models/blur/G2/model.json']) expect(existsSync(join(out, f)), f).toBe(true);
    disposeCoop(r);
  });

  it('day2night: the thesis table, the translator FIDs and the report', async () => {
    const out = tmp('d2n-webgpu-');
    const { result: r, readSyncCalls, gpuError } = await onWebgpu(() => timed('day2night', 'webgpu', () => runDay2night(d2nTiny(out, 'webgpu'))));
    expect(readSyncCalls).toBe(0);
    expect(gpuError).toBeNull();
    // (no wasm comparison: the teacher is picked by comparing two validation mIoUs, a near-tie at this size)
    expect(Object.keys(r.scores)).toEqual(Object.values(SEGMENTER_ROWS));
    for (const [row, s] of Object.entries(r.scores)) for (const v of [s.pixelAccuracy, s.meanAccuracy, s.meanIoU, s.fwIoU]) expect(v >= 0 && v <= 1, `${row}: ${v}`).toBe(true);
    for (const v of Object.values(r.translatorFid)) for (const x of [v.fidNight, v.fidDay]) expect(Number.isFinite(x) && x >= 0).toBe(true);
    expect(r.table.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(2 + Object.keys(SEGMENTER_ROWS).length);
    for (const f of ['report.html', 'summary.json', 'report.md', 'test_samples.png', 'models/self_fid/model.json', 'translated/unit_vgg/image']) expect(existsSync(join(out, f)), f).toBe(true);
    r.dispose();
  });
});
