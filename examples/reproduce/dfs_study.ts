/**
 * The DFS study: per seed, one `--out` holding the segmenter, the Dehaze dehazer and one DFS
 * dehazer per L_seg (the poster's L2, and the IoU surrogates Lovász-Softmax and Dice of its future
 * work). Every DFS variant resumes the same segmenter and Dehaze checkpoints, so all rows of a seed
 * share data, initial weights and batches: the differences are paired.
 */
import { join } from 'node:path';
import { RunLog } from '../../src/index.js';
import { runDfs } from '../dfs/run_dfs.js';
import type { RowScores } from '../common/evaluate.js';
import { evaluateClaims, type Claim, type StudyResult } from './report.js';
import { cachedSeed, collectValues, type SeedValues } from './seed_cache.js';
import { windowMean } from './stats.js';

/** A study scale: the DFS options that vary between `tiny` (CI) and `study`. */
export interface DfsScale {
  size: [number, number];
  segSteps: number;
  steps: number;
  batch: number;
  trainCount: number;
  testCount: number;
  checkpointEvery: number;
}

export const DFS_SCALES: Record<'tiny' | 'study', DfsScale> = {
  tiny: { size: [32, 64], segSteps: 2, steps: 2, batch: 2, trainCount: 6, testCount: 4, checkpointEvery: 2 },
  // the demo's configuration (`npm run demo`: 150 segmenter, 200 Dehaze and 200 DFS steps, batch 4)
  // with 1.5× its test set. Per seed it trains a segmenter, Dehaze and three DFS dehazers (L2,
  // Lovász, Dice): ≈ 16 min on one core of this machine (the DFS step is ≈ 1.1 s: the gradient
  // goes back through the frozen segmenter), so 5 seeds take ≈ 80 min of one core, ≈ 40 min on 2
  // cores with two processes (`--only`)
  study: { size: [64, 128], segSteps: 150, steps: 200, batch: 4, trainCount: 200, testCount: 60, checkpointEvery: 50 },
};

const METRICS: (keyof RowScores)[] = ['psnr', 'ssim', 'pixelAccuracy', 'meanIoU', 'fwIoU', 'iouClass', 'iiouClass', 'iouCategory', 'iiouCategory'];
const VARIANTS = [
  ['DFS', 'l2'],
  ['DFS-Lovász', 'lovasz'],
  ['DFS-Dice', 'dice'],
] as const;

/** The poster's claims, and the future-work rows, as paired differences expected > 0. */
export function dfsClaims(): Claim[] {
  const claims: Claim[] = [];
  for (const m of METRICS) claims.push({ name: 'DFS − Dehaze', a: 'DFS', b: 'Dehaze', metric: m });
  for (const m of METRICS) claims.push({ name: 'DFS − Hazy', a: 'DFS', b: 'Hazy', metric: m });
  for (const [row] of VARIANTS.slice(1)) for (const m of ['meanIoU', 'iouClass', 'iiouClass'] as const) claims.push({ name: `${row} − DFS (L2)`, a: row, b: 'DFS', metric: m });
  // the poster's "DFS ≥ Hazy on every segmentation row", asked of the IoU surrogates too
  for (const [row] of VARIANTS.slice(1)) for (const m of ['meanIoU', 'iouClass', 'iiouClass'] as const) claims.push({ name: `${row} − Hazy`, a: row, b: 'Hazy', metric: m });
  return claims;
}

/**
 * The pixel term (`g_pixel`, L1 to the clear image) of Dehaze and of each DFS dehazer, and L_seg
 * (`g_seg`) of each DFS dehazer, over the first and the last 10 % of their steps, read from the
 * run logs of every seed: where the DFS rows trade pixel fidelity for the segmentation term.
 */
function dfsCurves(out: string, seeds: number[], steps: number): { markdown: string; perSeed: Record<string, number[][]> } {
  const w = Math.max(1, Math.round(steps / 10));
  const phases: [string, string][] = [['Dehaze', 'dehaze'], ['DFS', 'dfs'], ['DFS-Lovász', 'dfs-lovasz'], ['DFS-Dice', 'dfs-dice']];
  const perSeed: Record<string, number[][]> = {};
  for (const [row, phase] of phases) {
    perSeed[row] = seeds.map((seed) => {
      const log = RunLog.read(join(out, `seed-${seed}`, 'logs', `${phase}.jsonl`)) as { step: number }[];
      return [windowMean(log, 'g_pixel', 1, w), windowMean(log, 'g_pixel', steps - w + 1, steps), windowMean(log, 'g_seg', 1, w), windowMean(log, 'g_seg', steps - w + 1, steps)];
    });
  }
  const cell = (xs: number[]) => (xs.every(Number.isFinite) ? (xs.reduce((s, x) => s + x, 0) / xs.length).toFixed(4) : '—');
  const lines = [
    `| dehazer | pixel, steps 1–${w} | pixel, steps ${steps - w + 1}–${steps} | L_seg, steps 1–${w} | L_seg, steps ${steps - w + 1}–${steps} |`,
    '|---|---:|---:|---:|---:|',
    ...phases.map(([row]) => `| ${row} | ${[0, 1, 2, 3].map((i) => cell(perSeed[row]!.map((v) => v[i]!))).join(' | ')} |`),
  ];
  return { markdown: lines.join('\n'), perSeed };
}

export async function dfsStudy(o: { seeds: number[]; scale: 'tiny' | 'study'; out: string; quiet?: boolean; onSeed?: (seed: number) => void }): Promise<StudyResult> {
  const sc = DFS_SCALES[o.scale];
  const perSeed: SeedValues[] = [];
  for (const seed of o.seeds) {
    o.onSeed?.(seed);
    perSeed.push(
      await cachedSeed(o.out, seed, async () => {
        const rows: SeedValues['rows'] = {};
        const put = (row: string, s: RowScores) => (rows[row] = Object.fromEntries(METRICS.map((m) => [m, s[m] as number])));
        for (const [row, segMode] of VARIANTS) {
          const result = await runDfs({
            ...sc,
            seed,
            segMode,
            out: join(o.out, `seed-${seed}`),
            resume: true, // later variants load the segmenter and Dehaze of the first
            sampleEvery: 0,
            quiet: o.quiet ?? true,
          });
          if (row === 'DFS') {
            put('Hazy', result.scores.Hazy!);
            put('Dehaze', result.scores.Dehaze!);
          }
          put(row, result.scores.DFS!);
          for (const m of Object.values(result.models)) m.dispose();
        }
        return { rows };
      }),
    );
  }
  const values = collectValues(perSeed);
  const curves = dfsCurves(o.out, o.seeds, sc.steps);
  return {
    pipeline: 'dfs',
    command: `npm run reproduce -- dfs --seeds ${o.seeds.length} --scale ${o.scale}`,
    scale: { ...sc },
    seeds: o.seeds,
    values,
    claims: evaluateClaims(values, dfsClaims()),
    seconds: perSeed.reduce((t, s) => t + s.seconds, 0),
    seedSeconds: perSeed.map((s) => s.seconds),
    sections: [{ title: 'Learning curves: the dehazers’ training terms (mean over seeds)', markdown: curves.markdown }],
    extra: { curves: curves.perSeed },
    notes: [
      'The perceptual term is off (λ2 = 0): no ImageNet VGG-19 weights are available here and nothing is downloaded. A user with torchvision weights runs `npx tsx examples/dfs/main.ts --vgg-weights vgg19.safetensors --lambda-perceptual 10` (see docs/weights.md).',
      'Rows of one seed share the data, the initial weights and the batches; only L_seg differs between Dehaze and the DFS variants.',
    ],
  };
}
