import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDfs, type DfsOptions } from '../examples/dfs/run_dfs.js';
import { dfsCommand } from '../examples/dfs/main.js';
import { RunLog } from '../src/index.js';
import { flatWeights } from './helpers/tiny_net.js';
import { maxAbsDiff, tinyRunOptions } from './helpers/tiny_run.js';

const tiny = (out: string): DfsOptions => ({
  ...tinyRunOptions(out, 5),
  steps: 4,
  segSteps: 3,
  testCount: 3,
  ngf: 4,
  segFilters: 4,
});


describe('examples/dfs', () => {
  it('runs the three phases and writes the poster table and report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dfs-'));
    const r = await runDfs(tiny(out));
    expect(Object.keys(r.scores)).toEqual(['Hazy', 'Dehaze', 'DFS', 'GT (clear)']);
    for (const row of ['Hazy', 'Dehaze', 'DFS']) {
      const s = r.scores[row]!;
      for (const v of [s.psnr, s.ssim, s.pixelAccuracy, s.meanIoU, s.fwIoU]) expect(Number.isFinite(v), row).toBe(true);
    }
    expect(r.scores['GT (clear)']!.psnr).toBe(Infinity);
    expect(r.scores['GT (clear)']!.ssim).toBeCloseTo(1, 6);
    expect(r.table).toMatch(/\| Hazy \|/);
    for (const f of ['report.html', 'summary.json', 'report.md', 'test_samples.png', 'models/dfs/model.json', 'web-models/manifest.json', 'web-models/dehazer/model.json', 'web-models/segmenter/model.json']) expect(existsSync(join(out, f)), f).toBe(true);
    // Dehaze and DFS started from the same weights: they differ only through L_seg
    expect(maxAbsDiff(flatWeights(r.models.dehaze), flatWeights(r.models.dfs))).toBeGreaterThan(0);
    // the RunLog records tf.memory(): no growth after the first step of each GAN phase
    for (const phase of ['dehaze', 'dfs']) {
      const counts = RunLog.read(join(out, 'logs', `${phase}.jsonl`)).map((e) => e.numTensors as number);
      expect(counts).toHaveLength(4);
      expect(new Set(counts.slice(1)).size, phase).toBe(1);
    }
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<svg');
    Object.values(r.models).forEach((m) => m.dispose());
  });

  it('resumes a run stopped inside the DFS phase to the uninterrupted weights', async () => {
    const a = mkdtempSync(join(tmpdir(), 'dfs-a-'));
    const b = mkdtempSync(join(tmpdir(), 'dfs-b-'));
    const straight = await runDfs(tiny(a));
    await expect(runDfs({ ...tiny(b), stopAfter: { phase: 'dfs', step: 3 } })).rejects.toThrow(/stopped after step 3/);
    const resumed = await runDfs({ ...tiny(b), resume: true });
    expect(resumed.phases.map((p) => [p.name, p.skipped, p.startStep])).toEqual([
      ['segmenter', true, 3],
      ['dehaze', true, 4],
      ['dfs', false, 2],
    ]);
    expect(maxAbsDiff(flatWeights(straight.models.dfs), flatWeights(resumed.models.dfs))).toBeLessThanOrEqual(1e-6);
    [straight, resumed].forEach((r) => Object.values(r.models).forEach((m) => m.dispose()));
  });

  it('rejects bad CLI values with the flag, the expectation and the value', async () => {
    const cmd = dfsCommand().exitOverride().configureOutput({ writeErr: () => undefined });
    await expect(cmd.parseAsync(['node', 'dfs', '--size', '64by128'])).rejects.toThrow(/--size must be HxW.*64by128/);
    await expect(dfsCommand().exitOverride().configureOutput({ writeErr: () => undefined }).parseAsync(['node', 'dfs', '--steps', '0'])).rejects.toThrow(/--steps must be a positive integer, got "0"/);
    await expect(runDfs({ ...tiny(mkdtempSync(join(tmpdir(), 'dfs-c-'))), size: [48, 64] })).rejects.toThrow(/multiples of 32/);
  });
});
