/**
 * The cooperative study (Xia et al., Table 1): per seed one run of every degradation. Per
 * degradation d the rows `d: Degraded` (base segmenter on I_d, PSNR/SSIM of I_d), `d: Refined`
 * (argmax of G1's S_r) and `d: Restored` (PSNR/SSIM of G2's I_r) come from the same data, the
 * same segmenter and the same batches, so restored − degraded and refined − degraded are paired.
 * G2's L1 curve (the `g_l1` term of stage 2, then of the joint stage) is kept per seed as the
 * learning-curve evidence of the report.
 */
import { join } from 'node:path';
import { RunLog, tf } from '../../src/index.js';
import { degradedSplits } from '../cooperative/data.js';
import { COOP_DEGRADATIONS, runCooperative, type CoopDegradation } from '../cooperative/run_cooperative.js';
import type { RowScores } from '../common/evaluate.js';
import { evaluateClaims, type Claim, type StudyResult } from './report.js';
import { cachedSeed, collectValues, type SeedValues } from './seed_cache.js';
import { meanStd, windowMean } from './stats.js';

/** A study scale: the cooperative options that vary between `tiny` (CI) and `study`. */
export interface CooperativeScale {
  size: [number, number];
  segSteps: number;
  g1Steps: number;
  g2Steps: number;
  jointSteps: number;
  batch: number;
  lr: number;
  trainCount: number;
  testCount: number;
  checkpointEvery: number;
}

export const COOPERATIVE_SCALES: Record<'tiny' | 'study', CooperativeScale> = {
  tiny: { size: [32, 64], segSteps: 2, g1Steps: 2, g2Steps: 2, jointSteps: 1, batch: 2, lr: 1e-3, trainCount: 6, testCount: 4, checkpointEvery: 2 },
  // the documented run (docs/pipelines_cooperative.md: 400 / 80 / 80 / 20 steps, batch 2, lr 1e-3)
  // with twice the restoration steps of G2 — G2 is what lowered PSNR for blur and JPEG there,
  // after 80 steps — and 300 segmenter steps: ≈ 13 min per seed on one core of this machine
  study: { size: [64, 128], segSteps: 300, g1Steps: 80, g2Steps: 160, jointSteps: 20, batch: 2, lr: 1e-3, trainCount: 200, testCount: 40, checkpointEvery: 40 },
};

const SEG = ['pixelAccuracy', 'meanAccuracy', 'meanIoU', 'fwIoU'] as const;
const RES = ['psnr', 'ssim'] as const;

/** Table 1's claims: per degradation, restoration raises PSNR/SSIM and refinement raises PA/mPA/mIoU/FWIoU. */
export function cooperativeClaims(degradations: readonly CoopDegradation[] = COOP_DEGRADATIONS): Claim[] {
  const claims: Claim[] = [];
  for (const d of degradations) {
    for (const m of RES) claims.push({ name: `${d}: Restored − Degraded`, a: `${d}: Restored`, b: `${d}: Degraded`, metric: m });
    for (const m of SEG) claims.push({ name: `${d}: Refined − Degraded`, a: `${d}: Refined`, b: `${d}: Degraded`, metric: m });
  }
  return claims;
}

/**
 * Mean |I_d − I_gt| over the training pairs of degradation `d` (images in [−1, 1]): the L1 of the
 * identity, i.e. of a G2 that returns its input. G2's training L1 above it means G2 is still worse
 * than doing nothing — under-trained, not mis-specified.
 */
export async function identityL1(d: CoopDegradation, seed: number, sc: CooperativeScale): Promise<number> {
  await tf.ready(); // every seed may come from the cache, with no run to have started the backend
  const splits = await degradedSplits(d, 2, { size: sc.size, trainCount: sc.trainCount, testCount: sc.testCount, seed });
  let sum = 0;
  let count = 0;
  const n = splits.train.length;
  const batchSize = Math.min(20, n);
  for (let i = 0; i * batchSize < n; i++) {
    const b = await splits.train.batchAt(i, { batchSize, shuffle: false, fields: ['image', 'clear'], resize: splits.resize, dropLast: false });
    const l1 = tf.tidy(() => tf.sum(tf.abs(tf.sub(b.image, b.clear))));
    sum += (await l1.data())[0]!;
    count += b.image.size;
    tf.dispose([l1, b.image, b.clear]);
  }
  return sum / count;
}

export async function cooperativeStudy(o: { seeds: number[]; scale: 'tiny' | 'study'; out: string; quiet?: boolean; onSeed?: (seed: number) => void }): Promise<StudyResult> {
  const sc = COOPERATIVE_SCALES[o.scale];
  // G2's L1 (unweighted |I_r − I_gt|, images in [−1, 1]) in five windows of stage 2 and over the last 10 joint steps
  const windows = [0, 1, 2, 3, 4].map((i) => {
    const a = Math.floor((i * sc.g2Steps) / 5) + 1;
    return [a, Math.max(a, Math.floor(((i + 1) * sc.g2Steps) / 5))] as const;
  });
  const perSeed: SeedValues<Record<string, number[]>>[] = [];
  for (const seed of o.seeds) {
    o.onSeed?.(seed);
    perSeed.push(
      await cachedSeed(o.out, seed, async () => {
        const out = join(o.out, `seed-${seed}`);
        const result = await runCooperative({ ...sc, steps: sc.g1Steps, seed, out, resume: true, sampleEvery: 0, quiet: o.quiet ?? true });
        const rows: SeedValues['rows'] = {};
        const put = (row: string, s: RowScores, metrics: readonly (keyof RowScores)[]) => (rows[row] = Object.fromEntries(metrics.map((m) => [m, s[m] as number])));
        const g2L1: Record<string, number[]> = {};
        for (const d of COOP_DEGRADATIONS) {
          const s = result.scores[d]!;
          put(`${d}: Degraded`, s.degraded, [...RES, ...SEG]);
          put(`${d}: Restored`, s.restored, [...RES, ...SEG]);
          put(`${d}: Refined`, s.refined, SEG);
          const g2 = RunLog.read(join(out, 'logs', `g2_${d}.jsonl`));
          const joint = RunLog.read(join(out, 'logs', `joint_${d}.jsonl`));
          g2L1[d] = [...windows.map(([a, b]) => windowMean(g2, 'g_l1', a, b)), windowMean(joint, 'g_g2_l1', Math.max(1, sc.jointSteps - 9), sc.jointSteps)];
        }
        result.models.segmenter.dispose();
        for (const m of [...Object.values(result.models.g1), ...Object.values(result.models.g2)]) m?.dispose();
        return { rows, extra: g2L1 };
      }),
    );
  }
  const values = collectValues(perSeed);
  const curves = Object.fromEntries(COOP_DEGRADATIONS.map((d) => [d, perSeed.map((s) => s.extra![d]!)]));
  // learning curve: mean over seeds of G2's L1 per window, beside the identity's L1 on the same pairs
  const identity: Record<string, number[]> = {};
  for (const d of COOP_DEGRADATIONS) identity[d] = await Promise.all(o.seeds.map((seed) => identityL1(d, seed, sc)));
  const head = windows.map(([a, b]) => `G2 steps ${a}–${b}`);
  const mean = (xs: number[]) => meanStd(xs).mean.toFixed(4);
  const curveRows = COOP_DEGRADATIONS.map((d) => `| ${d} | ${mean(identity[d]!)} | ${[...head.keys(), head.length].map((i) => mean(curves[d]!.map((c) => c[i]!))).join(' | ')} |`);
  const curveTable = [
    `| degradation | identity: mean abs(I_d − I_gt) | ${head.join(' | ')} | joint, last 10 steps |`,
    `|---|---:|${[...head, 'j'].map(() => '---:').join('|')}|`,
    ...curveRows,
  ].join('\n');
  return {
    pipeline: 'cooperative',
    command: `npm run reproduce -- cooperative --seeds ${o.seeds.length} --scale ${o.scale}`,
    scale: { ...sc, level: 2 },
    seeds: o.seeds,
    values,
    claims: evaluateClaims(values, cooperativeClaims()),
    seconds: perSeed.reduce((t, s) => t + s.seconds, 0),
    seedSeconds: perSeed.map((s) => s.seconds),
    sections: [{ title: "Learning curve of G2: training L1 |I_r − I_gt| (mean over seeds, images in [−1, 1])", markdown: curveTable }],
    extra: { g2L1: { windows, perSeed: curves }, identityL1: identity },
    notes: [
      'λ3 (perceptual) and λ4 (style) are 0: they need ImageNet VGG-19 weights, which are not available here and nothing is downloaded. A user with torchvision weights runs `npx tsx examples/cooperative/main.ts --vgg-weights vgg19.safetensors` (λ3 0.1, λ4 250 by default; see docs/weights.md).',
      'Rows of one seed share the data, the base segmenter and the batches; Degraded and Restored are scored by the same frozen base segmenter, Refined is G1’s argmax.',
    ],
  };
}
