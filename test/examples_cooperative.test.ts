import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cooperativeCommand } from '../examples/cooperative/main.js';
import { runCooperative, type CooperativeOptions, type CooperativeResult } from '../examples/cooperative/run_cooperative.js';
import { writeSyntheticSample } from '../src/cli/data.js';
import { RunLog, renderSyntheticScene } from '../src/index.js';
import { flatWeights } from './helpers/tiny_net.js';
import { maxAbsDiff, tinyRunOptions } from './helpers/tiny_run.js';

const tiny = (out: string): CooperativeOptions => ({
  ...tinyRunOptions(out, 7),
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

const disposeAll = (r: CooperativeResult): void => {
  r.models.segmenter.dispose();
  for (const m of [...Object.values(r.models.g1), ...Object.values(r.models.g2)]) m!.dispose();
};
const usage = () => cooperativeCommand().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });

describe('examples/cooperative', () => {
  it('runs segmenter, G1, G2 and joint stages and writes Table 1 and the report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'coop-'));
    const r = await runCooperative({ ...tiny(out), degradations: ['blur', 'fog'] });
    expect(r.phases.map((p) => p.name)).toEqual(['segmenter', 'g1_blur', 'g2_blur', 'joint_blur', 'g1_fog', 'g2_fog', 'joint_fog']);
    const s = r.scores.blur!;
    // segmentation: degraded (base segmenter on I_d) and refined (G1's S_r); restoration: degraded and restored
    for (const [row, v] of Object.entries({ degraded: s.degraded, refined: s.refined, restored: s.restored, clean: s.clean })) {
      for (const x of [v.pixelAccuracy, v.meanAccuracy, v.meanIoU, v.fwIoU]) expect(Number.isFinite(x), row).toBe(true);
    }
    for (const x of [s.degraded.psnr, s.degraded.ssim, s.restored.psnr, s.restored.ssim]) expect(Number.isFinite(x)).toBe(true);
    expect(s.refined.psnr).toBeNaN(); // a segmentation row: no image to compare
    expect(s.clean.psnr).toBe(Infinity);
    // every degradation is evaluated on the same clean test scenes: one "Original" row
    expect(r.scores.fog!.clean).toEqual(s.clean);
    expect(r.scores.fog!.degraded.psnr).not.toBe(s.degraded.psnr);

    // Table 1, one row per degradation: X (degraded) and X_Re (refined / restored) for each metric
    const [table1, paper] = r.tables;
    expect(table1!.columns).toEqual(['Degradation', 'PA', 'PA_Re', 'mPA', 'mPA_Re', 'mIoU', 'mIoU_Re', 'FWIoU', 'FWIoU_Re', 'PSNR', 'PSNR_Re', 'SSIM', 'SSIM_Re']);
    expect(table1!.rows.map((row) => row[0])).toEqual(['Original', 'GB', 'Fog']);
    for (const v of table1!.rows.slice(1).flatMap((row) => row.slice(1))) expect(Number.isFinite(v as number), String(v)).toBe(true);
    expect(table1!.rows[1]!.slice(1)).toEqual([
      s.degraded.pixelAccuracy, s.refined.pixelAccuracy, s.degraded.meanAccuracy, s.refined.meanAccuracy,
      s.degraded.meanIoU, s.refined.meanIoU, s.degraded.fwIoU, s.refined.fwIoU,
      s.degraded.psnr, s.restored.psnr, s.degraded.ssim, s.restored.ssim,
    ]);
    // the paper's own layout: Original, GB, GB_Re × PA mPA mIoU FWIoU PSNR SSIM
    expect(paper!.columns).toEqual(['Degradation', 'PA', 'mPA', 'mIoU', 'FWIoU', 'PSNR', 'SSIM']);
    expect(paper!.rows.map((row) => row[0])).toEqual(['Original', 'GB', 'GB_Re', 'Fog', 'Fog_Re']);
    for (const row of paper!.rows.slice(1)) for (const v of row.slice(1)) expect(Number.isFinite(v as number)).toBe(true);
    expect(r.table).toMatch(/\| GB \|/);

    for (const f of ['report.html', 'summary.json', 'report.md', 'samples_blur.png', 'models/segmenter/model.json', 'models/blur/G1/model.json', 'models/blur/G2/model.json', 'samples_fog.png', 'models/fog/G1/model.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<svg');
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).summary.scores.blur.degraded.meanIoU).toBeCloseTo(s.degraded.meanIoU, 12);
    // the RunLog records tf.memory(): no growth after the first step of each GAN phase
    for (const phase of ['g1_blur', 'g2_blur', 'joint_blur', 'g1_fog', 'g2_fog', 'joint_fog']) {
      const counts = RunLog.read(join(out, 'logs', `${phase}.jsonl`)).map((e) => e.numTensors as number);
      expect(counts, phase).toHaveLength(3);
      expect(new Set(counts.slice(1)).size, phase).toBe(1);
    }
    // stage 3 trains G1 and G2 further (same weight layout, different values)
    const ckptWeights = (phase: string, model: string) => readFileSync(join(out, 'ckpt', phase, 'step-00000003', 'models', model, 'weights.bin'));
    for (const [before, model] of [['g1_blur', 'G1'], ['g2_blur', 'G2']] as const) {
      const x = ckptWeights(before, model);
      const y = ckptWeights('joint_blur', model);
      expect(y.length, model).toBe(x.length);
      expect(x.equals(y), model).toBe(false);
    }
    disposeAll(r);
  });

  it.each([
    ['g2_blur', 2, [['segmenter', true, 3], ['g1_blur', true, 3], ['g2_blur', false, 2], ['joint_blur', false, 0]]],
    ['joint_blur', 2, [['segmenter', true, 3], ['g1_blur', true, 3], ['g2_blur', true, 3], ['joint_blur', false, 2]]],
  ] as const)('resumes a run stopped inside %s to the uninterrupted weights', async (phase, step, expected) => {
    const a = mkdtempSync(join(tmpdir(), 'coop-a-'));
    const b = mkdtempSync(join(tmpdir(), 'coop-b-'));
    const straight = await runCooperative(tiny(a));
    await expect(runCooperative({ ...tiny(b), stopAfter: { phase, step } })).rejects.toThrow(new RegExp(`phase ${phase} stopped after step ${step}`));
    const resumed = await runCooperative({ ...tiny(b), resume: true });
    expect(resumed.phases.map((p) => [p.name, p.skipped, p.startStep])).toEqual(expected);
    expect(maxAbsDiff(flatWeights(straight.models.g1.blur!), flatWeights(resumed.models.g1.blur!))).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(flatWeights(straight.models.g2.blur!), flatWeights(resumed.models.g2.blur!))).toBeLessThanOrEqual(1e-6);
    expect(resumed.scores.blur!.refined.meanIoU).toBeCloseTo(straight.scores.blur!.refined.meanIoU, 6);
    expect(resumed.scores.blur!.restored.psnr).toBeCloseTo(straight.scores.blur!.restored.psnr, 4);
    [straight, resumed].forEach(disposeAll);
  });

  it('reads a Cityscapes tree: degradations applied at the training size, fog from leftImg8bit_foggy', async () => {
    const root = mkdtempSync(join(tmpdir(), 'coop-cs-'));
    for (let i = 0; i < 4; i++) await writeSyntheticSample(root, 'train', renderSyntheticScene(3, i, 64, 128), true);
    for (let i = 0; i < 2; i++) await writeSyntheticSample(root, 'val', renderSyntheticScene(4, i, 64, 128), true);
    const out = mkdtempSync(join(tmpdir(), 'coop-cs-out-'));
    const r = await runCooperative({ ...tiny(out), data: root, steps: 1, segSteps: 1, g1Steps: 1, g2Steps: 1, jointSteps: 1, degradations: ['noise', 'fog'] });
    for (const d of ['noise', 'fog'] as const) {
      const s = r.scores[d]!;
      for (const x of [s.degraded.psnr, s.restored.psnr, s.degraded.meanIoU, s.refined.meanIoU]) expect(Number.isFinite(x), d).toBe(true);
    }
    // noise variance 0.09 on [0, 1] at 32×64 (not averaged away by a 2× downsampling): PSNR ≈ 10·log10(1 / 0.09) ≈ 10.5 dB before clipping
    expect(r.scores.noise!.degraded.psnr).toBeLessThan(14);
    expect(r.scores.fog!.degraded.psnr).toBeGreaterThan(r.scores.noise!.degraded.psnr);
    disposeAll(r);
  });

  it('rejects bad CLI values with the flag, the expectation and the value', async () => {
    await expect(usage().parseAsync(['node', 'cooperative', '--size', '64by128'])).rejects.toThrow(/--size must be HxW.*64by128/);
    await expect(usage().parseAsync(['node', 'cooperative', '--size', '48x64'])).rejects.toThrow(/--size 48x64: .*multiples of 32/);
    await expect(usage().parseAsync(['node', 'cooperative', '--steps', '0'])).rejects.toThrow(/--steps must be a positive integer, got "0"/);
    await expect(usage().parseAsync(['node', 'cooperative', '--degradations', 'blur,rain'])).rejects.toThrow(/--degradations must be .*blur, noise, jpeg, ca, fog, got "blur,rain"/);
    await expect(usage().parseAsync(['node', 'cooperative', '--lr', '0'])).rejects.toThrow(/--lr must be a number > 0, got "0"/);
    await expect(usage().parseAsync(['node', 'cooperative', '--level', '5'])).rejects.toThrow(/Allowed choices are 1, 2, 3, 4/);
    await expect(usage().parseAsync(['node', 'cooperative', '--data', tmpdir()])).rejects.toThrow(/Cityscapes root.*missing leftImg8bit/);
    await expect(runCooperative({ ...tiny(mkdtempSync(join(tmpdir(), 'coop-c-'))), level: 0 })).rejects.toThrow(/level must be an integer in \[1, 4\], got 0/);
  });
});
