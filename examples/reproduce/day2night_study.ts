/**
 * The day→night study (the thesis's Tables 4.2, 4.5, 4.8, 4.9): per seed one run of the example
 * with the focal-alone segmenter added. Every segmenter of a seed starts from the same weights and
 * sees the same batches, both translators start from the same weights and see the same images, so
 * the differences between rows are paired. "Teacher" is the segmenter self-training started from
 * (per seed, the better of CE and CE+focal on translated-night validation images).
 */
import { join } from 'node:path';
import { RunLog } from '../../src/index.js';
import { FOCAL_ONLY_ROW, SEGMENTER_ROWS, runDay2night } from '../day2night/run_day2night.js';
import type { RowScores } from '../common/evaluate.js';
import { evaluateClaims, type Claim, type StudyResult } from './report.js';
import { cachedSeed, collectValues, type SeedValues } from './seed_cache.js';
import { windowMean } from './stats.js';

/** A study scale: the day→night options that vary between `tiny` (CI) and `study`. */
export interface Day2NightScale {
  size: [number, number];
  unitSteps: number;
  segSteps: number;
  selfSteps: number;
  batch: number;
  trainCount: number;
  testCount: number;
  poolCount: number;
  checkpointEvery: number;
  unitDim?: number;
  segWidth?: number;
  fpnChannels?: number;
}

export const DAY2NIGHT_SCALES: Record<'tiny' | 'study', Day2NightScale> = {
  tiny: { size: [32, 64], unitSteps: 2, segSteps: 2, selfSteps: 2, batch: 2, trainCount: 4, testCount: 4, poolCount: 8, checkpointEvery: 2, unitDim: 4, segWidth: 4, fpnChannels: 8 },
  // the documented run (docs/pipelines_day2night.md: 60 labelled day scenes, 120 pool images, UNIT
  // 250, segmenters 300, self-training 150 steps, batch 2) with the night test set doubled and the
  // focal-alone segmenter added: ≈ 15 min per seed on one core of this machine (UNIT is ~75 %)
  study: { size: [64, 128], unitSteps: 250, segSteps: 300, selfSteps: 150, batch: 2, trainCount: 60, testCount: 60, poolCount: 120, checkpointEvery: 50 },
};

const SEG = ['pixelAccuracy', 'meanAccuracy', 'meanIoU', 'fwIoU'] as const;
const R = SEGMENTER_ROWS;

/** The thesis's claims as paired differences expected > 0 (lower-is-better FID and "focal alone below CE" are oriented so). */
export function day2nightClaims(): Claim[] {
  const claims: Claim[] = [];
  const seg = (name: string, a: string, b: string) => {
    for (const m of SEG) claims.push({ name, a, b, metric: m });
  };
  seg('UNIT+VGG − UNIT (translator of the training night)', R.seg_ce, R.seg_unit);
  seg('CE+focal − CE', R.seg_focal, R.seg_ce);
  seg('CE − focal alone', R.seg_ce, FOCAL_ONLY_ROW);
  seg('Self-training: FID − histogram selection', R.self_fid, R.self_hist);
  seg('Self-training (FID) − its checkpoint', R.self_fid, 'Teacher');
  seg('Self-training (histogram) − its checkpoint', R.self_hist, 'Teacher');
  for (const t of ['UNIT (no VGG)', 'UNIT + VGG']) for (const m of ['fidNight', 'fidDay']) claims.push({ name: `FID: no translation − ${t}`, a: 'FID: No translation', b: `FID: ${t}`, metric: m });
  return claims;
}

/**
 * The translators' training terms (UNIT's cycle L1, the adversarial terms of G and D, the VGG term
 * of UNIT+VGG) in the first and last 10 % of their steps, mean over seeds, from the run logs.
 */
function unitCurves(out: string, seeds: number[], steps: number): { markdown: string; perSeed: Record<string, number[][]> } {
  const w = Math.max(1, Math.round(steps / 10));
  const keys: [string, string][] = [['cycle L1 (A+B)/2', 'cyc'], ['G adversarial (A+B)/2', 'gan'], ['D total', 'd_total'], ['VGG (A+B)/2', 'vgg']];
  const value = (log: { step: number; [k: string]: unknown }[], key: string, a: number, b: number) =>
    key === 'd_total' ? windowMean(log, 'd_total', a, b) : (windowMean(log, `g_${key}A`, a, b) + windowMean(log, `g_${key}B`, a, b)) / 2;
  const perSeed: Record<string, number[][]> = {};
  for (const phase of ['unit', 'unit_vgg']) {
    perSeed[phase] = seeds.map((seed) => {
      const log = RunLog.read(join(out, `seed-${seed}`, 'logs', `${phase}.jsonl`)) as { step: number }[];
      return keys.flatMap(([, k]) => [value(log, k, 1, w), value(log, k, steps - w + 1, steps)]);
    });
  }
  const cell = (xs: number[]) => (xs.every(Number.isFinite) ? (xs.reduce((s, x) => s + x, 0) / xs.length).toFixed(4) : '—');
  const lines = [
    `| translator | ${keys.map(([k]) => `${k}, steps 1–${w} | ${k}, steps ${steps - w + 1}–${steps}`).join(' | ')} |`,
    `|---|${keys.map(() => '---:|---:').join('|')}|`,
    ...['unit', 'unit_vgg'].map((p) => `| ${p === 'unit' ? 'UNIT' : 'UNIT + VGG'} | ${keys.flatMap((_, i) => [2 * i, 2 * i + 1]).map((i) => cell(perSeed[p]!.map((v) => v[i]!))).join(' | ')} |`),
  ];
  return { markdown: lines.join('\n'), perSeed };
}

export async function day2nightStudy(o: { seeds: number[]; scale: 'tiny' | 'study'; out: string; quiet?: boolean; onSeed?: (seed: number) => void }): Promise<StudyResult> {
  const sc = DAY2NIGHT_SCALES[o.scale];
  const segOf = (s: RowScores) => Object.fromEntries(SEG.map((m) => [m, s[m] as number]));
  const perSeed: SeedValues<{ teacher: string }>[] = [];
  for (const seed of o.seeds) {
    o.onSeed?.(seed);
    perSeed.push(
      await cachedSeed(o.out, seed, async () => {
        const result = await runDay2night({ ...sc, steps: sc.segSteps, seed, focalOnly: true, out: join(o.out, `seed-${seed}`), resume: true, sampleEvery: 0, quiet: o.quiet ?? true });
        const rows: SeedValues['rows'] = {};
        for (const row of [...Object.values(R), FOCAL_ONLY_ROW]) rows[row] = segOf(result.scores[row]!);
        const teacher = R[result.selection.teacher as 'seg_ce' | 'seg_focal'];
        rows.Teacher = segOf(result.scores[teacher]!);
        for (const [t, f] of Object.entries(result.translatorFid)) rows[`FID: ${t}`] = { fidNight: f.fidNight, fidDay: f.fidDay };
        result.dispose();
        return { rows, extra: { teacher } };
      }),
    );
  }
  const values = collectValues(perSeed);
  const teachers = perSeed.map((s) => s.extra!.teacher);
  const curves = unitCurves(o.out, o.seeds, sc.unitSteps);
  return {
    pipeline: 'day2night',
    command: `npm run reproduce -- day2night --seeds ${o.seeds.length} --scale ${o.scale}`,
    scale: { ...sc },
    seeds: o.seeds,
    values,
    claims: evaluateClaims(values, day2nightClaims()),
    seconds: perSeed.reduce((t, s) => t + s.seconds, 0),
    seedSeconds: perSeed.map((s) => s.seconds),
    sections: [{ title: 'Learning curves: the translators’ training terms (mean over seeds)', markdown: curves.markdown }],
    extra: { teachers, unitCurves: curves.perSeed },
    notes: [
      `Teacher of self-training, per seed: ${teachers.map((t, i) => `seed ${o.seeds[i]}: ${t}`).join('; ')}.`,
      "The UNIT perceptual term uses a randomly initialised VGG-19 (weights: 'random', tap relu2_2): no ImageNet weights are available here and nothing is downloaded. \"UNIT+VGG − UNIT\" therefore measures the random-feature perceptual term off (UNIT) and on (UNIT+VGG) — the honest ablation. A user with torchvision weights runs `npx tsx examples/day2night/main.ts --vgg-weights vgg19.safetensors --focal-only` (see docs/weights.md).",
      'FID rows: Fréchet distance of the day-only segmenter’s FPN P3 features (no InceptionV3 weights here); FID_Night compares day images translated to night with the real night test images, FID_Day real night translated to day with the day images. Lower is better, so a claim "no translation − translator > 0" says the translator helps.',
      'Accuracy columns are fractions (the thesis prints percent).',
    ],
  };
}
