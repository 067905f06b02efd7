/**
 * `npx tsx examples/reproduce/cooperative_ablation.ts [--seed 0] [--degradations blur,jpeg] [--study runs/reproduce/cooperative-study]`
 *
 * The diagnosis of "restoration lowers PSNR" (cooperative study): for one seed of the study, G2 is
 * retrained under one change at a time — no TV term, no adversarial term, pix2pix's learning rate
 * 2e-4, 4× the stage-2 steps — and restored − degraded PSNR/SSIM is measured on the same held-out
 * scenes. The base segmenter (and, where the change leaves stage 1 alone, G1) is resumed from the
 * study's own checkpoints of that seed, so each variant differs from the study in the named
 * change only. Writes `docs/reproduction/cooperative-ablation.md` (+ JSON).
 */
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { runCooperative, type CooperativeOptions, type CoopDegradation } from '../cooperative/run_cooperative.js';
import { COOPERATIVE_SCALES } from './cooperative_study.js';

const cmd = new Command('cooperative-ablation')
  .option('--seed <n>', 'the study seed whose checkpoints are resumed', (v) => Number(v), 0)
  .option('--degradations <list>', 'degradations to ablate', (v) => v.split(',') as CoopDegradation[], ['blur', 'jpeg'] as CoopDegradation[])
  .option('--study <dir>', 'the study run folder holding seed-<k>/', 'runs/reproduce/cooperative-study')
  .option('--out <dir>', 'run folder of the ablation', 'runs/reproduce/cooperative-ablation')
  .option('--report <dir>', 'where the report goes', 'docs/reproduction');
cmd.parse(process.argv);
const o = cmd.opts<{ seed: number; degradations: CoopDegradation[]; study: string; out: string; report: string }>();

const sc = COOPERATIVE_SCALES.study;
const base: CooperativeOptions = { ...sc, steps: sc.g1Steps, seed: o.seed, out: '', resume: true, sampleEvery: 0, quiet: true, degradations: o.degradations };
/**
 * name → option change, whether stage 1 (G1) is unchanged (its checkpoints can be reused), and
 * whether it runs on the first degradation only (the long run, to keep the ablation ≈ 30 min)
 */
const VARIANTS: [string, Partial<CooperativeOptions>, boolean, boolean][] = [
  ['no TV term (λ_tv 0)', { lambdaTv: 0 }, true, false],
  ['no adversarial term (λ_GAN 0)', { lambdaGan: 0 }, true, false],
  ['lr 2e-4 (pix2pix), every GAN phase', { lr: 2e-4 }, false, false],
  [`4× stage-2 steps (${4 * sc.g2Steps})`, { g2Steps: 4 * sc.g2Steps }, true, true],
  ['G2 predicts a residual: I_r = clip(I_d + G2(·))', { g2Residual: true }, true, false],
  ['residual G2, no TV term (λ_tv 0)', { g2Residual: true, lambdaTv: 0 }, true, false],
  ['residual G2, L1 only (λ_tv 0, λ_GAN 0)', { g2Residual: true, lambdaTv: 0, lambdaGan: 0 }, true, false],
];

const seedDir = join(o.study, `seed-${o.seed}`);
if (!existsSync(join(seedDir, 'ckpt', 'segmenter'))) throw new Error(`--study ${o.study}: no seed-${o.seed}/ckpt/segmenter (run \`npm run reproduce -- cooperative --only ${o.seed}\` first)`);
const rows: { variant: string; degradation: string; psnr: [number, number]; ssim: [number, number]; mIoU: number; seconds: number }[] = [];
// the study's own row of this seed, the baseline every variant changes one thing of
const studySeed = join(seedDir, 'study-seed.json');
if (existsSync(studySeed)) {
  const r = (JSON.parse(readFileSync(studySeed, 'utf8')) as { rows: Record<string, Record<string, number>> }).rows;
  for (const d of o.degradations) {
    const [deg, res] = [r[`${d}: Degraded`]!, r[`${d}: Restored`]!];
    rows.push({ variant: `the study (λ_tv 1, λ_GAN 0.1, lr 1e-3, ${sc.g2Steps} G2 steps)`, degradation: d, psnr: [deg.psnr!, res.psnr!], ssim: [deg.ssim!, res.ssim!], mIoU: res.meanIoU!, seconds: 0 });
  }
}
for (const [i, [variant, change, reuseG1, firstOnly]] of VARIANTS.entries()) {
  const degradations = firstOnly ? o.degradations.slice(0, 1) : o.degradations;
  const out = join(o.out, `seed-${o.seed}`, `v${i}`);
  // a finished variant is read back (the ablation can be extended without re-running it)
  const done = join(out, 'ablation-rows.json');
  if (existsSync(done)) {
    rows.push(...(JSON.parse(readFileSync(done, 'utf8')) as typeof rows));
    continue;
  }
  await mkdir(join(out, 'ckpt'), { recursive: true });
  await mkdir(join(out, 'logs'), { recursive: true });
  // resume what the change leaves untouched: the base segmenter always, G1 when stage 1 is the same
  const reuse = ['segmenter', ...(reuseG1 ? degradations.map((d) => `g1_${d}`) : [])];
  for (const phase of reuse) {
    if (existsSync(join(out, 'ckpt', phase))) continue;
    await cp(join(seedDir, 'ckpt', phase), join(out, 'ckpt', phase), { recursive: true });
    await cp(join(seedDir, 'logs', `${phase}.jsonl`), join(out, 'logs', `${phase}.jsonl`));
  }
  const t0 = performance.now();
  const r = await runCooperative({ ...base, ...change, degradations, out });
  for (const d of degradations) {
    const s = r.scores[d]!;
    rows.push({ variant, degradation: d, psnr: [s.degraded.psnr, s.restored.psnr], ssim: [s.degraded.ssim, s.restored.ssim], mIoU: s.restored.meanIoU, seconds: (performance.now() - t0) / 1000 });
    console.log(`${variant} ${d}: PSNR ${s.degraded.psnr.toFixed(2)} → ${s.restored.psnr.toFixed(2)} dB`);
  }
  await writeFile(done, JSON.stringify(rows.filter((r) => r.variant === variant)) + '\n');
  r.models.segmenter.dispose();
  for (const m of [...Object.values(r.models.g1), ...Object.values(r.models.g2)]) m?.dispose();
}
const md = [
  `# Cooperative ablation: why restoration lowers PSNR (seed ${o.seed})`,
  '',
  `Command: \`npx tsx examples/reproduce/cooperative_ablation.ts --seed ${o.seed} --degradations ${o.degradations.join(',')}\`. Each variant changes only what its name says from the study's scale (λ_tv 1, λ_GAN 0.1, lr 1e-3, ${sc.g2Steps} G2 steps); the segmenter, and G1 where stage 1 is unchanged, are resumed from the study's seed-${o.seed} checkpoints. Held-out test scenes of the study; the first rows are the study's own for this seed (cooperative.json).`,
  '',
  '| variant | degradation | PSNR degraded | PSNR restored | Δ PSNR | SSIM degraded | SSIM restored | Δ SSIM | mIoU on I_r |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.variant} | ${r.degradation} | ${r.psnr[0].toFixed(2)} | ${r.psnr[1].toFixed(2)} | ${(r.psnr[1] - r.psnr[0]).toFixed(2)} | ${r.ssim[0].toFixed(4)} | ${r.ssim[1].toFixed(4)} | ${(r.ssim[1] - r.ssim[0]).toFixed(4)} | ${r.mIoU.toFixed(4)} |`),
  '',
].join('\n');
await mkdir(o.report, { recursive: true });
await writeFile(join(o.report, 'cooperative-ablation.md'), md);
await writeFile(join(o.report, 'cooperative-ablation.json'), JSON.stringify({ seed: o.seed, scale: sc, rows }, null, 2) + '\n');
console.log(md);
