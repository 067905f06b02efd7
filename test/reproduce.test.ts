/**
 * Issue 18 tooling: `npm run reproduce -- dfs` at tiny size (2 seeds, 2 steps). Checks the
 * report's structure, that every claim's paired difference is computed from the same seeds,
 * that a seed reproduces its numbers, and the statistics against hand-computed values.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dfsClaims, dfsStudy } from '../examples/reproduce/dfs_study.js';
import { writeStudy, type StudyResult } from '../examples/reproduce/report.js';
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

describe('npm run reproduce -- dfs (tiny)', () => {
  let study: StudyResult;

  it('runs 2 seeds and writes the report', async () => {
    study = await dfsStudy({ seeds: [0, 1], scale: 'tiny', out: join(dir, 'runs') });
    const paths = await writeStudy(join(dir, 'report'), study);
    const md = readFileSync(paths.markdown, 'utf8');
    for (const part of ['# Reproduction study: dfs', '## Mean ± std over seeds', '## Claims (paired by seed', '| DFS − Dehaze | meanIoU |', '| DFS-Lovász − DFS (L2) | meanIoU |', 'Verdicts:']) expect(md).toContain(part);
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
