/**
 * Issue 18 tooling: `npm run reproduce -- dfs|cooperative|day2night` at tiny size (2 seeds, 2 steps). Checks the
 * report's structure, that every claim's paired difference is computed from the same seeds,
 * that a seed reproduces its numbers, and the statistics against hand-computed values.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dfsClaims, dfsStudy } from '../examples/reproduce/dfs_study.js';
import { cooperativeClaims, cooperativeStudy } from '../examples/reproduce/cooperative_study.js';
import { day2nightClaims, day2nightStudy } from '../examples/reproduce/day2night_study.js';
import { studyMarkdown, writeStudy, type StudyResult } from '../examples/reproduce/report.js';
import { cachedSeed, collectValues } from '../examples/reproduce/seed_cache.js';
import { meanStd, pairedDifference, tQuantile975 } from '../examples/reproduce/stats.js';

const dir = mkdtempSync(join(tmpdir(), 'segaware-reproduce-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('paired statistics', () => {
  it('mean, sample std, t interval and verdicts', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3), n: 4 });
    expect(tQuantile975(4)).toBe(2.776);
    const d = pairedDifference([3, 4, 5, 6, 7], [1, 1, 1, 1, 1]);
    expect(d.diffs).toEqual([2, 3, 4, 5, 6]);
    const half = (2.776 * Math.sqrt(2.5)) / Math.sqrt(5);
    expect(d.ci95[0]).toBeCloseTo(4 - half, 12);
    expect(d.ci95[1]).toBeCloseTo(4 + half, 12);
    expect([d.holdsIn, d.verdict]).toEqual([5, 'holds']);
    expect(pairedDifference([0, 0, 0], [1, 1.1, 0.9]).verdict).toBe('fails');
    expect(pairedDifference([1, -1], [0, 0]).verdict).toBe('inconclusive');
    expect(() => pairedDifference([1, 2], [1])).toThrow(/paired/);
  });
});

// the tiny DFS study (built by its first test; the cache test reads it back)
let study: StudyResult;

describe('npm run reproduce -- dfs (tiny)', () => {

  it('runs 2 seeds and writes the report', async () => {
    study = await dfsStudy({ seeds: [0, 1], scale: 'tiny', out: join(dir, 'runs') });
    const paths = await writeStudy(join(dir, 'report'), study);
    const md = readFileSync(paths.markdown, 'utf8');
    for (const part of ['# Reproduction study: dfs', '## Mean ± std over seeds', '## Claims (paired by seed', '| DFS − Dehaze | meanIoU |', '| DFS-Lovász − DFS (L2) | meanIoU |', 'Verdicts:', '## Learning curves: the dehazers’ training terms', '| DFS-Dice |']) expect(md).toContain(part);
    const json = JSON.parse(readFileSync(paths.json, 'utf8')) as StudyResult;
    expect(json.seeds).toEqual([0, 1]);
    expect(Object.keys(json.values)).toEqual(['Hazy', 'Dehaze', 'DFS', 'DFS-Lovász', 'DFS-Dice']);
    expect(json.claims.length).toBe(dfsClaims().length);
  }, 300_000);

  it('every paired difference is a − b of the same seed', () => {
    for (const c of study.claims) {
      const a = study.values[c.a]![c.metric]!;
      const b = study.values[c.b]![c.metric]!;
      expect(a.length).toBe(2);
      expect(c.diffs).toEqual(a.map((x, i) => x - b[i]!));
    }
  });

  it('a seed gives the same numbers when run again (deterministic per seed)', async () => {
    const again = await dfsStudy({ seeds: [1], scale: 'tiny', out: join(dir, 'runs-again') });
    for (const row of Object.keys(again.values)) {
      for (const m of Object.keys(again.values[row]!)) expect(again.values[row]![m]![0]).toBe(study.values[row]![m]![1]);
    }
  }, 300_000);
});

describe('per-seed cache', () => {
  it('a finished seed is read back, not re-run, and seeds assemble in order', async () => {
    const out = join(dir, 'cache');
    let runs = 0;
    const run = (v: number) => async () => {
      runs++;
      return { rows: { A: { m: v }, B: { m: 0 } }, extra: { v } };
    };
    const s0 = await cachedSeed(out, 0, run(1));
    const again = await cachedSeed(out, 0, run(99));
    expect(runs).toBe(1);
    expect(again).toEqual(s0);
    expect(again.rows.A!.m).toBe(1);
    const s1 = await cachedSeed(out, 1, run(3));
    expect(collectValues([s0, s1])).toEqual({ A: { m: [1, 3] }, B: { m: [0, 0] } });
    expect(() => collectValues([s0, { ...s1, rows: { A: { m: 2 } } }])).toThrow(/row "B" metric m has 1 of 2 seeds/);
  });

  it('a seed another live process is running is refused, a stale lock is taken over', async () => {
    const out = join(dir, 'locked');
    mkdirSync(join(out, 'seed-0'), { recursive: true });
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(join(out, 'seed-0', 'study-seed.lock'), String(live.pid));
      await expect(cachedSeed(out, 0, async () => ({ rows: {} }))).rejects.toThrow(new RegExp(`seed 0 is being run by process ${live.pid}`));
    } finally {
      live.kill();
    }
    writeFileSync(join(out, 'seed-0', 'study-seed.lock'), '999999999');
    const s = await cachedSeed(out, 0, async () => ({ rows: { A: { m: 1 } } }));
    expect(s.rows.A!.m).toBe(1);
    expect(existsSync(join(out, 'seed-0', 'study-seed.lock'))).toBe(false);
  });

  it('the DFS study run again on the same folder reads every seed back', async () => {
    const cached = await dfsStudy({ seeds: [0, 1], scale: 'tiny', out: join(dir, 'runs') });
    expect(cached.values).toEqual(study.values);
    // a re-run would have measured its own run times: equal times mean the seeds were read back
    expect(cached.seedSeconds).toEqual(study.seedSeconds);
  });
});

/** Every claim's differences are a − b of the same seed, from the study's own rows. */
function expectPaired(r: StudyResult, n: number): void {
  for (const c of r.claims) {
    const a = r.values[c.a]![c.metric]!;
    const b = r.values[c.b]![c.metric]!;
    expect(a.length).toBe(n);
    expect(c.diffs).toEqual(a.map((x, i) => x - b[i]!));
  }
}

describe('npm run reproduce -- cooperative (tiny)', () => {
  it('2 seeds: Table 1 claims per degradation, paired by seed, and G2’s learning curve', async () => {
    const r = await cooperativeStudy({ seeds: [0, 1], scale: 'tiny', out: join(dir, 'coop') });
    expect(r.claims.length).toBe(cooperativeClaims().length);
    expect(r.claims.length).toBe(5 * 6);
    expect(Object.keys(r.values)).toContain('jpeg: Restored');
    expect(Object.keys(r.values['blur: Refined']!)).toEqual(['pixelAccuracy', 'meanAccuracy', 'meanIoU', 'fwIoU']);
    expectPaired(r, 2);
    const md = studyMarkdown(r);
    for (const part of ['| blur: Restored − Degraded | psnr |', '| fog: Refined − Degraded | fwIoU |', '## Learning curve of G2', '| jpeg |']) expect(md).toContain(part);
    // the Refined rows have no PSNR/SSIM: they get their own table, not NaN cells
    expect(md).not.toContain('NaN');
  }, 300_000);
});

describe('npm run reproduce -- day2night (tiny)', () => {
  it('2 seeds: the thesis claims, the teacher row, the FID rows, paired by seed', async () => {
    const r = await day2nightStudy({ seeds: [0, 1], scale: 'tiny', out: join(dir, 'd2n') });
    expect(r.claims.length).toBe(day2nightClaims().length);
    expectPaired(r, 2);
    const teachers = (r.extra as { teachers: string[] }).teachers;
    teachers.forEach((t, i) => expect(r.values.Teacher!.meanIoU![i]).toBe(r.values[t]!.meanIoU![i]));
    expect(Object.keys(r.values)).toEqual(expect.arrayContaining(['Day + night (UNIT+VGG), focal', 'FID: No translation', 'FID: UNIT + VGG']));
    const md = studyMarkdown(r);
    for (const part of ['| | fidNight | fidDay |', '| CE − focal alone | meanIoU |', '| FID: no translation − UNIT + VGG | fidNight |', '| Self-training (FID) − its checkpoint | meanIoU |', '## Learning curves: the translators’ training terms', '| UNIT + VGG |']) expect(md).toContain(part);
  }, 300_000);
});
