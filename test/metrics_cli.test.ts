import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { evalImg, evalSeg, matchPairs } from '../src/cli/eval.js';
import { CityscapesEvaluator } from '../src/metrics/index.js';
import type { ConfusionMetrics, CityscapesResult } from '../src/metrics/index.js';
import { NotFoundError } from '../src/errors.js';
import { expectClose, fixturePath, loadFixture } from './helpers/index.js';

const dir = (p: string) => fixturePath(`metrics_cli/${p}`);
const expected = loadFixture('metrics_cli/expected.json');
const tmp = mkdtempSync(join(tmpdir(), 'segaware-eval-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
vi.spyOn(console, 'log').mockImplementation(() => undefined);

describe('segaware eval', () => {
  it('eval seg: confusion-matrix metrics over a folder (names matched, *_pred suffix dropped)', async () => {
    const out = join(tmp, 'seg.json');
    const { metrics, count } = await evalSeg({ pred: dir('seg/pred'), gt: dir('seg/gt'), classes: 4, ignoreIndex: 255, out, progress: false, workers: 1 });
    expect(count).toBe(3);
    const m = metrics as ConfusionMetrics;
    expect(m.matrix).toEqual(expected.seg.matrix);
    expectClose(m.pixelAccuracy, expected.seg.pixelAccuracy, 1e-12);
    expectClose(m.meanIoU, expected.seg.meanIoU, 1e-12);
    expect(JSON.parse(readFileSync(out, 'utf8')).meanIoU).toBeCloseTo(expected.seg.meanIoU, 12);
  });

  it('eval img: PSNR / SSIM equal scikit-image on the decoded PNGs', async () => {
    const r = await evalImg({ pred: dir('img/pred'), gt: dir('img/gt'), out: join(tmp, 'img.json'), progress: false, workers: 1 });
    expect(r.count).toBe(3);
    expectClose(r.psnr, expected.img.psnr, 1e-9);
    expectClose(r.ssim, expected.img.ssim, 1e-9);
  });

  it('eval seg --cityscapes: labelIds + 16-bit instanceIds', async () => {
    const { metrics } = await evalSeg({ pred: dir('cs/pred'), gt: dir('cs/gt'), cityscapes: true, ignoreIndex: 255, out: join(tmp, 'cs.json'), progress: false, workers: 1 });
    const ev = new CityscapesEvaluator();
    const c = expected.cityscapes;
    ev.update(Uint8Array.from(c.pred), Uint8Array.from(c.gt), Int32Array.from(c.instances));
    const want = ev.compute();
    const got = metrics as CityscapesResult;
    expect(got.iouClass).toBeCloseTo(2.5 / 6, 12);
    for (const k of ['iouClass', 'iiouClass', 'iouCategory', 'iiouCategory'] as const) expect(got[k]).toBeCloseTo(want[k], 12);
  });

  it('spreads work over worker threads (the CLI through tsx, --workers 2)', () => {
    const out = join(tmp, 'img-workers.json');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'eval', 'img', '--pred', dir('img/pred'), '--gt', dir('img/gt'), '--workers', '2', '--no-progress', '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.images).toBe(3);
    expectClose(j.psnr, expected.img.psnr, 1e-9);
    expectClose(j.ssim, expected.img.ssim, 1e-9);
    expect(r.stdout).toMatch(/SSIM \(mean\)/);
  }, 60_000);

  it('reports unmatched ground truth and missing options clearly', async () => {
    expect(() => matchPairs(dir('img/pred'), dir('seg/gt'), 'labels')).toThrow(NotFoundError);
    expect(() => matchPairs(dir('img/pred'), dir('seg/gt'), 'labels')).toThrow(/no prediction .* for 3 ground-truth/);
    await expect(evalSeg({ pred: dir('seg/pred'), gt: dir('seg/gt'), ignoreIndex: 255, progress: false })).rejects.toThrow(/--classes/);
    expect(() => matchPairs(join(tmp, 'nope'), dir('seg/gt'), 'labels')).toThrow(/directory not found/);
  });
});
