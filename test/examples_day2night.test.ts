import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAY2NIGHT_PHASES, SEGMENTER_ROWS, maxWeightDifference, runDay2night, type Day2NightOptions, type Day2NightResult } from '../examples/day2night/run_day2night.js';
import { day2nightCommand } from '../examples/day2night/main.js';
import { RunLog, syntheticStreetScenes, trainIdToLabelId, writeImage, writeLabelMap, type Raster } from '../src/index.js';
import { tinyRunOptions } from './helpers/tiny_run.js';

const tiny = (out: string): Day2NightOptions => ({
  ...tinyRunOptions(out, 3),
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

/** Max weight difference over every model two runs saved. */
function maxDiff(a: Day2NightResult, b: Day2NightResult): number {
  expect(Object.keys(b.models)).toEqual(Object.keys(a.models));
  return Math.max(...Object.keys(a.models).map((k) => maxWeightDifference(a.models[k]!, b.models[k]!)));
}

const rows = Object.values(SEGMENTER_ROWS);
const columns = ['Accuracy (%)', 'Class acc. (%)', 'mIoU (%)', 'FWIoU (%)'];

// the uninterrupted run the resume tests compare with (built by the first test)
let straight: Day2NightResult | undefined;
let straightOut = '';

describe('examples/day2night', () => {
  it('runs the eight phases and writes the thesis table and the report', async () => {
    straightOut = tmp('d2n-');
    const r = await runDay2night(tiny(straightOut));
    straight = r;
    expect(r.phases.map((p) => [p.name, p.skipped, p.startStep])).toEqual(DAY2NIGHT_PHASES.map((p) => [p, false, 0]));
    expect(Object.keys(r.scores)).toEqual(rows);
    for (const row of rows) {
      const s = r.scores[row]!;
      for (const v of [s.pixelAccuracy, s.meanAccuracy, s.meanIoU, s.fwIoU]) {
        expect(Number.isFinite(v), row).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    // Markdown table: header with the thesis's four columns, one line per row, every cell a number
    const lines = r.table.split('\n').filter((l) => l.startsWith('|'));
    expect(lines[0]).toBe(`|  | ${columns.join(' | ')} |`);
    expect(lines).toHaveLength(2 + rows.length);
    for (const [i, row] of rows.entries()) {
      const cells = lines[2 + i]!.split('|').slice(1, -1).map((c) => c.trim());
      expect(cells[0]).toBe(row);
      for (const c of cells.slice(1)) expect(Number.isFinite(Number(c.replace(/\*/g, ''))), `${row}: ${c}`).toBe(true);
    }
    for (const v of Object.values(r.translatorFid)) for (const x of [v.fidNight, v.fidDay]) expect(Number.isFinite(x) && x >= 0).toBe(true);
    expect(Object.keys(r.translatorFid)).toEqual(['No translation', 'UNIT (no VGG)', 'UNIT + VGG']);
    // both selections keep the same number of pool images, at least one
    expect(r.selection.histogram.length).toBeGreaterThan(0);
    expect(r.selection.fid).toHaveLength(r.selection.histogram.length);
    expect(['seg_ce', 'seg_focal']).toContain(r.selection.teacher);
    for (const f of ['report.html', 'summary.json', 'report.md', 'test_samples.png', 'models/self_fid/model.json', 'models/unit_vgg_dec_b/model.json', 'translated/unit_vgg/image', 'night_pool']) {
      expect(existsSync(join(straightOut, f)), f).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(straightOut, 'summary.json'), 'utf8')).summary;
    expect(summary.loss.vggWeights).toBe('random');
    expect(readFileSync(join(straightOut, 'report.md'), 'utf8')).toContain("weights: 'random'");
    expect(readFileSync(join(straightOut, 'report.html'), 'utf8')).toContain('<svg');
    // the UNIT (no VGG) and UNIT + VGG translators started from the same weights and differ only through the VGG term
    expect(maxWeightDifference(r.models.unit_dec_b!, r.models.unit_vgg_dec_b!)).toBeGreaterThan(0);
    // the RunLog records tf.memory(): no growth after the first step of each phase
    for (const phase of DAY2NIGHT_PHASES) {
      const counts = RunLog.read(join(straightOut, 'logs', `${phase}.jsonl`)).map((e) => e.numTensors as number);
      expect(counts, phase).toHaveLength(3);
      expect(new Set(counts.slice(1)).size, phase).toBe(1);
    }
  });

  it('resumes a run stopped inside self-training to the uninterrupted weights', async () => {
    expect(straight).toBeDefined();
    const out = tmp('d2n-b-');
    await expect(runDay2night({ ...tiny(out), stopAfter: { phase: 'self_hist', step: 2 } })).rejects.toThrow(/phase self_hist stopped after step 2/);
    const resumed = await runDay2night({ ...tiny(out), resume: true });
    expect(resumed.phases.map((p) => [p.name, p.skipped, p.startStep])).toEqual([
      ...DAY2NIGHT_PHASES.slice(0, 6).map((p) => [p, true, 3]),
      ['self_hist', false, 2],
      ['self_fid', false, 0],
    ]);
    expect(resumed.selection).toEqual(straight!.selection);
    expect(maxDiff(straight!, resumed)).toBeLessThanOrEqual(1e-6);
    expect(resumed.scores).toEqual(straight!.scores);
    resumed.dispose();
  });

  it('resumes a run stopped inside the UNIT + VGG phase to the uninterrupted weights', async () => {
    const out = tmp('d2n-c-');
    await expect(runDay2night({ ...tiny(out), stopAfter: { phase: 'unit_vgg', step: 2 } })).rejects.toThrow(/phase unit_vgg stopped after step 2/);
    const resumed = await runDay2night({ ...tiny(out), resume: true });
    expect(resumed.phases.slice(0, 3).map((p) => [p.name, p.skipped, p.startStep])).toEqual([
      ['unit', true, 3],
      ['unit_vgg', false, 2],
      ['seg_day', false, 0],
    ]);
    expect(maxDiff(straight!, resumed)).toBeLessThanOrEqual(1e-6);
    resumed.dispose();
    straight!.dispose();
  });

  it('reads a Cityscapes root with night folders (--data) at another size', async () => {
    const root = tmp('d2n-data-');
    const day = (split: string, seed: number, n: number) => syntheticStreetScenes({ count: n, height: 48, width: 80, seed });
    for (const [split, seed, n] of [['train', 1, 4], ['val', 2, 2]] as const) {
      const ds = day(split, seed, n);
      for (let i = 0; i < n; i++) {
        const s = await ds.get(i);
        const stem = `city_${seed}_${i}`;
        await writeImage(join(root, 'leftImg8bit', split, 'city', `${stem}_leftImg8bit.png`), s.image as Raster);
        const labels = s.labels as Raster;
        await writeLabelMap(join(root, 'gtFine', split, 'city', `${stem}_gtFine_labelIds.png`), { ...labels, data: trainIdToLabelId(labels.data as Int32Array) });
      }
    }
    const night = syntheticStreetScenes({ count: 6, height: 48, width: 80, seed: 4, night: { exposure: 0.03 } });
    for (let i = 0; i < 6; i++) {
      const s = await night.get(i);
      if (i < 4) await writeImage(join(root, 'night', `seq${i % 2}`, `${s.name}.jpg`), s.image as Raster);
      else {
        await writeImage(join(root, 'night_test', 'image', `${s.name}.png`), s.image as Raster);
        await writeLabelMap(join(root, 'night_test', 'labels', `${s.name}.png`), s.labels as Raster);
      }
    }
    const out = tmp('d2n-d-');
    const r = await runDay2night({ ...tiny(out), data: root, steps: 1, selfSteps: 1, trainCount: Infinity, testCount: Infinity, poolCount: Infinity });
    expect(r.phases).toHaveLength(DAY2NIGHT_PHASES.length);
    for (const row of rows) expect(Number.isFinite(r.scores[row]!.meanIoU), row).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).summary.data).toMatch(/4 train \/ 2 val.*4 night images.*2 labelled night test/);
    r.dispose();
    await expect(runDay2night({ ...tiny(tmp('d2n-e-')), data: join(root, 'night') })).rejects.toThrow(/expected a Cityscapes root/);
  });

  it('rejects bad CLI values with the flag, the expectation and the value', async () => {
    const parse = (args: string[]) => day2nightCommand().exitOverride().configureOutput({ writeErr: () => undefined }).parseAsync(['node', 'day2night', ...args]);
    await expect(parse(['--size', '64by128'])).rejects.toThrow(/--size must be HxW.*64by128/);
    await expect(parse(['--steps', '0'])).rejects.toThrow(/--steps must be a positive integer, got "0"/);
    await expect(parse(['--alpha', '1.5'])).rejects.toThrow(/--alpha must be a number in \[0, 1\], got "1.5"/);
    await expect(parse(['--vgg-layer', 'relu9_9'])).rejects.toThrow(/relu9_9.*Allowed choices/);
    await expect(parse(['--histogram-band', '20,15'])).rejects.toThrow(/--histogram-band must be low,high.*"20,15"/);
    await expect(parse(['--seg-lr', '-1'])).rejects.toThrow(/--seg-lr must be a number > 0, got "-1"/);
    await expect(runDay2night({ ...tiny(tmp('d2n-f-')), size: [48, 64] })).rejects.toThrow(/--size 48x64: height and width must be multiples of 32/);
    await expect(runDay2night({ ...tiny(tmp('d2n-g-')), fpnChannels: 12 })).rejects.toThrow(/--fpn-channels must be a multiple of 8/);
  });
});
