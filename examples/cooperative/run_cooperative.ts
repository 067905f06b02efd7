/**
 * Cooperative semantic segmentation and image restoration (Xia et al., in
 * `shared/papers/cooperative-restoration-segmentation.txt`):
 * 0. a base segmenter trained on clean images, then frozen — the paper's
 *    "pre-trained model for normal conditions" that produces S_d (shared by all
 *    degradations);
 * per degradation d (blur, noise, JPEG, chromatic aberration, fog):
 * 1. SGAda — G1 : {S_d, I_d} → S_r with `L_G1 = L_GAN(lsgan) + λ·CE` and an
 *    SN-PatchGAN D1 on concat(S, I_d) (Algorithm 1, stage 1);
 * 2. EGSyn — G2 : {I_d, S_r} → I_r with `λ1·L1 + λ2·L_GAN + λ3·perc + λ4·style + λ_tv·TV`
 *    and a PatchGAN D2 (stage 2, G1 frozen);
 * 3. joint training of G1 and G2 (stage 3);
 * 4. held-out evaluation: segmentation of I_d (Degraded) vs G1's S_r (Refined),
 *    PSNR / SSIM of I_d (Degraded) vs I_r (Restored) — the paper's Table 1.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  COOPERATIVE_VGG_LAYERS,
  cooperativeRefinementLoss,
  cooperativeRestorationLoss,
  createGanStep,
  disposeBatch,
  fileSystemIO,
  ganDiscriminatorLoss,
  initWeights,
  loadVgg19Weights,
  markdownTable,
  patchGanDiscriminator,
  snPatchGanDiscriminator,
  tf,
  trainPhase,
  unetGenerator,
  vgg19Features,
  writeReport,
  type Batch,
  type BatchOptions,
  type GanStep,
  type GridCell,
  type NanGuard,
  type ReportContent,
  type ReportCurve,
  type ReportTable,
  type TrainPhaseResult,
  type Vgg19Extractor,
} from '../../src/index.js';
import type { Scalar, Tensor, Tensor4D, tfl } from '../../src/tf.js';
import type { CommonOptions } from '../common/cli.js';
import type { ExampleSplits } from '../common/data.js';
import { evaluateRows, type EvalBatch, type RowScores } from '../common/evaluate.js';
import { trainBaseSegmenter } from '../common/segmenter.js';
import { RESTORATION_COLUMNS, SEGMENTATION_COLUMNS, phaseCurves, scoreTable, writeGrid } from '../common/report.js';
import { secondsSince, setupRun } from '../common/setup.js';
import { COOP_DEGRADATIONS, PAPER_NAMES, checkCityscapesRoot, cleanSplits, degradedSplits, describeLevel, type CoopDegradation } from './data.js';

export { COOP_DEGRADATIONS, type CoopDegradation } from './data.js';

/** Options of {@link runCooperative} (the CLI's flags). */
export interface CooperativeOptions extends CommonOptions {
  /** degradations to run, in order (default all: blur, noise, jpeg, ca, fog) */
  degradations?: CoopDegradation[];
  /** the paper's level 1–4 (fog: 1–3, clamped); default 2 */
  level?: number;
  /** steps of the base segmenter, stage 1 (G1), stage 2 (G2), stage 3 (joint); defaults steps, steps, steps, ⌈steps/4⌉ */
  segSteps?: number;
  g1Steps?: number;
  g2Steps?: number;
  jointSteps?: number;
  /** λ of eq. 1 (refinement CE); default 10 */
  lambda?: number;
  /** λ1 (L1), λ2 (GAN), λ3 (perceptual), λ4 (style), λ_tv of eq. 4; defaults 1, 0.1, 0.1, 250, 1 (λ3 = λ4 = 0 without `vggWeights`) */
  lambdaL1?: number;
  lambdaGan?: number;
  lambdaPerceptual?: number;
  lambdaStyle?: number;
  lambdaTv?: number;
  /** VGG-19 weights for λ3 / λ4 (torchvision safetensors or tfjs model.json); nothing is downloaded */
  vggWeights?: string;
  /** what G2 sees in stage 2: G1's refined S_r (default; Algorithm 1's stage header) or the ground truth S_gt (its line 7) */
  stage2Input?: 'refined' | 'gt';
  /**
   * G2 predicts a residual: `I_r = clip(I_d + G2(I_d, S_r), −1, 1)` instead of `I_r = G2(I_d, S_r)`
   * (default false, the paper's). A diagnosis option: G2 from scratch plateaus at a reconstruction
   * floor (≈ 19–20 dB here) and lowers PSNR for inputs already above it (docs/reproduction).
   */
  g2Residual?: boolean;
  /** generator / discriminator base width (default 16) */
  ngf?: number;
  /** base segmenter width (default 16) */
  segFilters?: number;
  /** Adam learning rates: generators and discriminators (default 2e-4, β1 0.5), segmenter (default 1e-3) */
  lr?: number;
  segLr?: number;
  /** print nothing (tests) */
  quiet?: boolean;
  /** simulate a crash after this step of this phase (`segmenter`, `g1_<d>`, `g2_<d>`, `joint_<d>`; tests) */
  stopAfter?: { phase: string; step: number };
}

/** Scores of one degradation's held-out evaluation. */
export interface DegradationScores {
  /** segmenter on I_d; PSNR/SSIM of I_d */
  degraded: RowScores;
  /** argmax of G1's S_r (PSNR/SSIM not measured) */
  refined: RowScores;
  /** I_r: PSNR/SSIM, and the base segmenter's scores on it */
  restored: RowScores;
  /** the clean image: the base segmenter's scores ("Original" of Table 1) */
  clean: RowScores;
}

export interface CooperativeResult {
  scores: Partial<Record<CoopDegradation, DegradationScores>>;
  /** Table 1 (Markdown): one row per degradation, degraded vs refined / restored */
  table: string;
  tables: ReportTable[];
  report: { html: string; summary: string; markdown: string };
  phases: TrainPhaseResult[];
  /** the trained networks (the caller owns them: dispose when done) */
  models: { segmenter: tfl.LayersModel; g1: Partial<Record<CoopDegradation, tfl.LayersModel>>; g2: Partial<Record<CoopDegradation, tfl.LayersModel>> };
  seconds: number;
}

const NUM_CLASSES = 19;
/**
 * G1 is a pix2pix U-Net whose head is tanh ∈ [−1, 1]; its output times this
 * factor are S_r's logits, so the softmax can become confident (e^±6: a class
 * can reach p ≈ 0.9999 against 18 others) while the generator stays the stock one.
 */
export const G1_LOGIT_SCALE = 6;

/** Largest U-Net depth (5..8) whose bottleneck still has ≥ 1 pixel. */
function numDownsFor([h, w]: [number, number]): number {
  let n = 5;
  while (n < 8 && Math.min(h, w) % 2 ** (n + 1) === 0) n++;
  if (Math.min(h, w) % 2 ** n !== 0) throw new Error(`--size ${h}x${w}: height and width must be multiples of 32 for the U-Net generators`);
  return n;
}

/**
 * SN-PatchGAN widths: DeepFill v2's (1, 2, 4, 4, 4, 4)·ngf, but only as many
 * stride-2 convs (≤ 6) as leave a ≥ 2-pixel patch map at this size.
 */
function snChannels([h, w]: [number, number], ngf: number): number[] {
  const m = Math.min(h, w);
  let n = 1;
  while (n < 6 && m % 2 ** (n + 1) === 0 && m / 2 ** (n + 1) >= 2) n++;
  return [1, 2, 4, 4, 4, 4].slice(0, n).map((f) => f * ngf);
}

/** One-hot float maps `[N,H,W,K]` of int32 labels (ignored pixels, e.g. 255, are all-zero). */
function oneHot(labels: Tensor): Tensor4D {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor, NUM_CLASSES), 'float32') as Tensor4D);
}

/** The networks of the pipeline and how they are chained (inference helpers; the caller tidies). */
interface Pipeline {
  segmenter: tfl.LayersModel;
  /** S_d: the frozen segmenter's softmax on I_d */
  sd: (image: Tensor4D) => Tensor4D;
  /** S_r logits from G1 */
  refine: (G1: tfl.LayersModel, sd: Tensor4D, image: Tensor4D, training: boolean) => Tensor4D;
  /** I_r from G2 */
  restore: (G2: tfl.LayersModel, image: Tensor4D, sr: Tensor4D, training: boolean) => Tensor4D;
}

function pipeline(segmenter: tfl.LayersModel, g2Residual = false): Pipeline {
  return {
    segmenter,
    sd: (image) => tf.softmax(segmenter.apply(image, { training: false }) as Tensor4D) as Tensor4D,
    refine: (G1, sd, image, training) => tf.mul(G1.apply(tf.concat([sd, image], -1), { training }) as Tensor4D, G1_LOGIT_SCALE) as Tensor4D,
    restore: (G2, image, sr, training) => {
      const out = G2.apply(tf.concat([image, sr], -1), { training }) as Tensor4D;
      return g2Residual ? (tf.clipByValue(tf.add(image, out), -1, 1) as Tensor4D) : out;
    },
  };
}

/**
 * A stand-in "segmenter" for {@link evaluateRows}: given the degraded image it
 * returns G1's refined logits (S_d from the frozen segmenter, then G1), so the
 * shared evaluator scores S_r exactly as it scores the segmenter.
 */
function refinedSegmenter(p: Pipeline, G1: tfl.LayersModel): tfl.LayersModel {
  return { predict: (x: Tensor4D) => tf.tidy(() => p.refine(G1, p.sd(x), x, false)) } as unknown as tfl.LayersModel;
}

/**
 * The batch a step works on: the dataset batch plus S_d (computed once per
 * step, the segmenter being frozen) and, in stage 2, the segmentation G2 is
 * given (`seg`: softmax of the frozen G1's S_r, or one-hot S_gt).
 */
type StepBatch = Batch<'image' | 'clear' | 'labels'> & { sd: Tensor4D; seg?: Tensor4D };

/**
 * Checks the options {@link runCooperative} cannot train with (unknown
 * degradation, level, a size the U-Nets cannot take, learning rates, stage-2
 * input, a `--data` folder that is not Cityscapes) and throws an `Error` naming
 * the option, the expectation and the value. The CLI calls it to report these
 * as usage errors.
 */
export function checkCooperativeOptions(o: CooperativeOptions): { degradations: CoopDegradation[]; level: number; numDowns: number } {
  const degradations = o.degradations ?? [...COOP_DEGRADATIONS];
  if (!Array.isArray(degradations) || degradations.length === 0) throw new Error(`degradations must be a non-empty list of ${COOP_DEGRADATIONS.join(', ')}, got ${JSON.stringify(degradations)}`);
  for (const d of degradations) if (!COOP_DEGRADATIONS.includes(d)) throw new Error(`degradations: unknown "${String(d)}" (expected ${COOP_DEGRADATIONS.join(', ')})`);
  if (new Set(degradations).size !== degradations.length) throw new Error(`degradations must not repeat an entry, got ${degradations.join(',')}`);
  const level = o.level ?? 2;
  if (!Number.isInteger(level) || level < 1 || level > 4) throw new Error(`level must be an integer in [1, 4], got ${level}`);
  const numDowns = numDownsFor(o.size);
  for (const [name, v] of [['lr', o.lr], ['segLr', o.segLr]] as const) if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new Error(`${name} must be a number > 0, got ${v}`);
  if (o.stage2Input !== undefined && o.stage2Input !== 'refined' && o.stage2Input !== 'gt') throw new Error(`stage2Input must be 'refined' or 'gt', got ${String(o.stage2Input)}`);
  if (o.data) checkCityscapesRoot(o.data, degradations.includes('fog'));
  if (o.vggWeights !== undefined && !existsSync(o.vggWeights)) throw new Error(`--vgg-weights: no file at ${o.vggWeights} (torchvision safetensors or a tfjs model.json; see docs/weights.md)`);
  return { degradations, level, numDowns };
}

/** The whole pipeline: base segmenter, then stages 1–3 and the evaluation per degradation; writes the report. */
export async function runCooperative(o: CooperativeOptions): Promise<CooperativeResult> {
  const t0 = performance.now();
  // every option is checked before the backend starts or anything trains
  const { degradations, level, numDowns } = checkCooperativeOptions(o);
  const backend = await setupRun(o);
  const say = (m: string): void => {
    if (!o.quiet) console.log(m);
  };
  const steps = {
    segmenter: o.segSteps ?? o.steps,
    g1: o.g1Steps ?? o.steps,
    g2: o.g2Steps ?? o.steps,
    joint: o.jointSteps ?? Math.max(1, Math.ceil(o.steps / 4)),
  };
  const ngf = o.ngf ?? 16;
  const lr = o.lr ?? 2e-4;
  const stage2Input = o.stage2Input ?? 'refined';
  const dataOpts = { data: o.data, size: o.size, trainCount: o.trainCount, testCount: o.testCount, seed: o.seed };
  const batchOptions = <F extends string>(splits: ExampleSplits, fields: F[]): BatchOptions<F> => ({ batchSize: o.batch, shuffle: true, flip: true, seed: o.seed, resize: splits.resize, fields });
  const stopAt = (name: string): number | undefined => (o.stopAfter?.phase === name ? o.stopAfter.step : undefined);

  // VGG-19 for λ3 / λ4 only when real weights are given: random VGG features would be a meaningless target
  const extractor: Vgg19Extractor | undefined = o.vggWeights ? vgg19Features({ layers: [...COOPERATIVE_VGG_LAYERS], weights: await loadVgg19Weights(o.vggWeights) }) : undefined;
  const lambdas = {
    lambda: o.lambda ?? 10,
    lambdaL1: o.lambdaL1 ?? 1,
    lambdaGan: o.lambdaGan ?? 0.1,
    lambdaPerceptual: extractor ? (o.lambdaPerceptual ?? 0.1) : 0,
    lambdaStyle: extractor ? (o.lambdaStyle ?? 250) : 0,
    lambdaTv: o.lambdaTv ?? 1,
  };
  const restorationOptions = { lambdaPixel: lambdas.lambdaL1, lambdaGan: lambdas.lambdaGan, lambdaPerceptual: lambdas.lambdaPerceptual, lambdaStyle: lambdas.lambdaStyle, lambdaTv: lambdas.lambdaTv };

  // ── 0. base segmenter on clean images (shared by every degradation) ─────────
  const clean = await cleanSplits(dataOpts);
  say(`data: ${clean.source}`);
  const segBatches = batchOptions(clean, ['image', 'labels']);
  const { segmenter, phase: segPhase } = await trainBaseSegmenter(
    { out: o.out, steps: steps.segmenter, checkpointEvery: o.checkpointEvery, resume: o.resume, seed: o.seed, quiet: o.quiet, stopAfter: stopAt('segmenter'), filters: o.segFilters, lr: o.segLr, numClasses: NUM_CLASSES },
    (i) => clean.train.batchAt(i, segBatches),
    'image',
  );
  const phases: TrainPhaseResult[] = [segPhase];
  const p = pipeline(segmenter, o.g2Residual ?? false);

  const scores: Partial<Record<CoopDegradation, DegradationScores>> = {};
  const g1Models: Partial<Record<CoopDegradation, tfl.LayersModel>> = {};
  const g2Models: Partial<Record<CoopDegradation, tfl.LayersModel>> = {};
  const grids: { d: CoopDegradation; path: string }[] = [];
  const curves: ReportCurve[] = [...phaseCurves(phases[0]!.logPath, 'segmenter', { loss: ['seg_total'] })];

  for (const d of degradations) {
    const splits = await degradedSplits(d, level, dataOpts);
    say(`── ${d}: ${describeLevel(d, level)}; ${splits.source}`);
    const stepBatches = batchOptions(splits, ['image', 'clear', 'labels']);
    /** batch `s` (1-based step) of this degradation with S_d attached */
    const stepBatch = async (s: number, seg?: (b: StepBatch) => Tensor4D): Promise<StepBatch> => {
      const batch = await splits.train.batchAt(s - 1, stepBatches);
      const b: StepBatch = Object.assign(batch, { sd: tf.tidy(() => p.sd(batch.image)) });
      if (seg) b.seg = tf.tidy(() => seg(b));
      return b;
    };

    // the same initial weights for every degradation (seeded), so the rows of Table 1 differ only by their data
    const G1 = unetGenerator({ inChannels: NUM_CLASSES + 3, outChannels: NUM_CLASSES, numDowns, ngf, norm: 'instance', dropout: false, name: `G1_${d}` });
    const D1 = snPatchGanDiscriminator({ inChannels: NUM_CLASSES + 3, channels: snChannels(o.size, ngf), name: `D1_${d}` });
    const G2 = unetGenerator({ inChannels: 3 + NUM_CLASSES, outChannels: 3, numDowns, ngf, norm: 'instance', dropout: false, name: `G2_${d}` });
    const D2 = patchGanDiscriminator({ inChannels: 3, ndf: ngf, nLayers: 2, norm: 'instance', name: `D2_${d}` });
    initWeights(G1, { seed: o.seed + 1 });
    initWeights(D1, { seed: o.seed + 2 });
    initWeights(G2, { seed: o.seed + 3 });
    initWeights(D2, { seed: o.seed + 4 });
    const D1train = (x: Tensor): Tensor => D1.apply(x, { training: true }) as Tensor;
    const D2train = (x: Tensor): Tensor => D2.apply(x, { training: true }) as Tensor;

    /** D1's LSGAN loss: real = concat(onehot(S_gt), I_d), fake = concat(softmax(S_r), I_d) (the order cooperativeRefinementLoss uses) */
    const d1Loss = (b: StepBatch, logits: Tensor4D): Scalar => {
      const img = b.image;
      return ganDiscriminatorLoss(D1train(tf.concat([oneHot(b.labels), img], -1)), D1train(tf.concat([tf.softmax(logits), img], -1)), { mode: 'lsgan' });
    };
    /** D2's LSGAN loss: unconditional, I_gt vs I_r (eq. 5) */
    const d2Loss = (b: StepBatch, restored: Tensor4D): Scalar => ganDiscriminatorLoss(D2train(b.clear), D2train(restored), { mode: 'lsgan' });
    const g1Loss = (b: StepBatch, logits: Tensor4D) =>
      cooperativeRefinementLoss({ degraded: b.image, refined: logits, labels: b.labels, discriminator: D1train }, { lambdaCe: lambdas.lambda });
    const g2Loss = (b: StepBatch, restored: Tensor4D) => cooperativeRestorationLoss({ restored, target: b.clear, discriminator: D2train, extractor }, restorationOptions);

    /** a resumable GAN phase over `steps` steps (the step function is built at the first step run, when the NaN guard and start step are known) */
    const ganPhase = async (
      name: string,
      n: number,
      models: Record<string, tfl.LayersModel>,
      optimizers: { gOpt: tf.Optimizer; dOpt: tf.Optimizer },
      make: (guard: NanGuard, startStep: number) => GanStep<StepBatch>,
      seg?: (b: StepBatch) => Tensor4D,
    ): Promise<void> => {
      let gan: GanStep<StepBatch> | undefined;
      phases.push(
        await trainPhase({
          name,
          out: o.out,
          steps: n,
          checkpointEvery: o.checkpointEvery,
          resume: o.resume,
          models,
          optimizers,
          quiet: o.quiet,
          stopAfter: stopAt(name),
          step: async (s, guard) => {
            const b = await stepBatch(s, seg);
            try {
              gan ??= make(guard, s - 1);
              return await gan(b);
            } finally {
              disposeBatch(b); // S_d and seg included
            }
          },
        }),
      );
      curves.push(...phaseCurves(phases.at(-1)!.logPath, name, { generator: /^g_/, discriminator: /^d_/ }));
    };
    const adam = (): tf.Optimizer => tf.train.adam(lr, 0.5, 0.999);

    // ── 1. SGAda: G1 {S_d, I_d} → S_r ─────────────────────────────────────────
    const o1 = { gOpt: adam(), dOpt: adam() };
    await ganPhase(`g1_${d}`, steps.g1, { G1, D1 }, o1, (guard, startStep) =>
      createGanStep<StepBatch>({
        guard,
        startStep,
        generatorVariables: [G1],
        discriminatorVariables: [D1],
        generatorOptimizer: o1.gOpt,
        discriminatorOptimizer: o1.dOpt,
        discriminatorLoss: (b) => d1Loss(b, p.refine(G1, b.sd, b.image, true)),
        generatorLoss: (b) => g1Loss(b, p.refine(G1, b.sd, b.image, true)),
      }),
    );

    // ── 2. EGSyn: G2 {I_d, S_r} → I_r, G1 frozen ──────────────────────────────
    // S_r enters G2 as probabilities (softmax of G1's logits) or, with stage2Input 'gt', as one-hot S_gt;
    // G1 is frozen here, so it runs once per step (in StepBatch.seg) and no gradient reaches it
    const stage2Seg = (b: StepBatch): Tensor4D => (stage2Input === 'gt' ? oneHot(b.labels) : (tf.softmax(p.refine(G1, b.sd, b.image, false)) as Tensor4D));
    const o2 = { gOpt: adam(), dOpt: adam() };
    await ganPhase(
      `g2_${d}`,
      steps.g2,
      { G2, D2 },
      o2,
      (guard, startStep) =>
        createGanStep<StepBatch>({
          guard,
          startStep,
          generatorVariables: [G2],
          discriminatorVariables: [D2],
          generatorOptimizer: o2.gOpt,
          discriminatorOptimizer: o2.dOpt,
          discriminatorLoss: (b) => d2Loss(b, p.restore(G2, b.image, b.seg!, true)),
          generatorLoss: (b) => g2Loss(b, p.restore(G2, b.image, b.seg!, true)),
        }),
      stage2Seg,
    );

    // ── 3. joint training: G1 and G2 together ─────────────────────────────────
    // Joint loss (our choice; Algorithm 1 only says both backward): L = L_G1 + L_G2 with I_r = G2(I_d, softmax(S_r))
    // NOT detached, so G2's restoration error also reaches G1 ("EGSyn back-propagates the errors to guide" SGAda);
    // D1 and D2 keep training on the joint outputs with L_D1 + L_D2. Fresh Adam states (one for G1+G2, one for D1+D2).
    const o3 = { gOpt: adam(), dOpt: adam() };
    await ganPhase(`joint_${d}`, steps.joint, { G1, G2, D1, D2 }, o3, (guard, startStep) =>
      createGanStep<StepBatch>({
        guard,
        startStep,
        generatorVariables: [G1, G2],
        discriminatorVariables: [D1, D2],
        generatorOptimizer: o3.gOpt,
        discriminatorOptimizer: o3.dOpt,
        discriminatorLoss: (b) => {
          const logits = p.refine(G1, b.sd, b.image, true);
          const restored = p.restore(G2, b.image, tf.softmax(logits) as Tensor4D, true);
          const l1 = d1Loss(b, logits);
          const l2 = d2Loss(b, restored);
          return { total: tf.add(l1, l2) as Scalar, terms: { d1: l1, d2: l2 } };
        },
        generatorLoss: (b) => {
          const logits = p.refine(G1, b.sd, b.image, true);
          const restored = p.restore(G2, b.image, tf.softmax(logits) as Tensor4D, true);
          const a = g1Loss(b, logits);
          const c = g2Loss(b, restored);
          const terms: Record<string, Scalar> = { g1_total: a.total, g2_total: c.total };
          for (const [k, v] of Object.entries(a.terms)) terms[`g1_${k}`] = v;
          for (const [k, v] of Object.entries(c.terms)) terms[`g2_${k}`] = v;
          return { total: tf.add(a.total, c.total) as Scalar, terms };
        },
      }),
    );
    for (const opt of [o1, o2, o3]) {
      opt.gOpt.dispose();
      opt.dOpt.dispose();
    }
    D1.dispose();
    D2.dispose();
    G1.trainable = false;
    G2.trainable = false;
    g1Models[d] = G1;
    g2Models[d] = G2;

    // ── 4. held-out evaluation ──────────────────────────────────────────────
    const gridRows: GridCell[][] = [];
    const evalBatch = Math.max(o.batch, 4);
    const restoreRow = (b: EvalBatch): Tensor4D =>
      tf.tidy(() => {
        const img = b.image;
        return p.restore(G2, img, tf.softmax(p.refine(G1, p.sd(img), img, false)) as Tensor4D, false);
      });
    const main = await evaluateRows({
      test: splits.test,
      rows: { Degraded: (b) => b.image, Restored: restoreRow, Clean: (b) => b.clear! },
      segmenter,
      numClasses: NUM_CLASSES,
      batchSize: evalBatch,
      resize: splits.resize,
      onBatch: (b, images, i) => {
        if (i > 0) return;
        const n = Math.min(2, b.image.shape[0]);
        for (let j = 0; j < n; j++) {
          const pick = (t: Tensor) => tf.tidy(() => tf.squeeze(tf.slice(t, j, 1), [0]));
          const labelsOf = (logits: () => Tensor) => tf.tidy(() => tf.squeeze(tf.argMax(logits(), -1), [0]));
          const img = tf.slice(b.image, j, 1);
          const sdLogits = () => segmenter.predict(img) as Tensor;
          const srLogits = () => p.refine(G1, p.sd(img), img, false);
          gridRows.push([
            { image: pick(b.image), caption: 'I_d' },
            { image: pick(images.Restored!), caption: 'I_r' },
            { image: pick(b.clear!), caption: 'clean' },
            { image: labelsOf(sdLogits), caption: 'S_d', kind: 'labels' },
            { image: labelsOf(srLogits), caption: 'S_r', kind: 'labels' },
            { image: pick(b.labels!), caption: 'labels', kind: 'labels' },
          ]);
          img.dispose();
        }
      },
    });
    const refined = await evaluateRows({
      test: splits.test,
      rows: { Refined: (b) => b.image },
      segmenter: refinedSegmenter(p, G1),
      targetField: 'no restoration target', // segmentation only: PSNR/SSIM of I_d are the Degraded row's
      numClasses: NUM_CLASSES,
      batchSize: evalBatch,
      resize: splits.resize,
    });
    scores[d] = { degraded: main.Degraded!, refined: refined.Refined!, restored: main.Restored!, clean: main.Clean! };
    grids.push({ d, path: await writeGrid(o.out, `samples_${d}.png`, gridRows) });
    for (const row of gridRows) for (const c of row) tf.dispose((c as { image: Tensor }).image);
    say(
      `${d}: mIoU ${fmt(scores[d].degraded.meanIoU)} → ${fmt(scores[d].refined.meanIoU)}; PSNR ${fmt(scores[d].degraded.psnr, 2)} → ${fmt(scores[d].restored.psnr, 2)} dB`,
    );
  }

  // ── report ──────────────────────────────────────────────────────────────────
  const first = scores[degradations[0]!]!;
  const table1 = coopTable(degradations, scores, first.clean, level);
  const paperTable = paperLayoutTable(degradations, scores, first.clean);
  const detail = degradations.map((d) =>
    scoreTable(
      `${d} (${describeLevel(d, level)}): every row`,
      { Degraded: scores[d]!.degraded, Refined: scores[d]!.refined, Restored: scores[d]!.restored, Clean: scores[d]!.clean },
      { ...RESTORATION_COLUMNS, ...SEGMENTATION_COLUMNS },
      {
        reference: ['Clean'],
        caption: 'Degraded: the base segmenter on I_d; Refined: argmax of G1’s S_r; Restored: PSNR/SSIM of I_r and the base segmenter on I_r; Clean: the base segmenter on the clean image.',
      },
    ),
  );
  const tables = [table1, paperTable, ...detail];
  curves.push(...phaseCurves(phases.at(-1)!.logPath, 'memory', { tensors: ['numTensors'] }));
  const content: ReportContent = {
    title: 'Cooperative semantic segmentation and image restoration',
    subtitle: `${clean.source}; backend ${backend.name}`,
    tables,
    curves,
    images: grids.map(({ d, path }) => ({ title: `${d}: held-out samples`, items: [{ src: path, label: 'I_d / I_r / clean / S_d / S_r / labels' }] })),
    summary: {
      backend: backend.name,
      data: clean.source,
      size: o.size,
      degradations: Object.fromEntries(degradations.map((d) => [d, describeLevel(d, level)])),
      level,
      steps,
      batch: o.batch,
      seed: o.seed,
      ngf,
      stage2Input,
      g2Residual: o.g2Residual ?? false,
      g1LogitScale: G1_LOGIT_SCALE,
      lambdas,
      scores: Object.fromEntries(
        Object.entries(scores).map(([d, s]) => [d, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { ...v, iou: undefined }]))]),
      ),
      seconds: secondsSince(t0),
    },
    notes: [
      'Stage 1 (G1, SGAda): L_G1 = L_GAN(LSGAN, SN-PatchGAN D1 on concat(S, I_d)) + λ·CE, λ = 10 (eq. 1–3). Stage 2 (G2, EGSyn): λ1·L1 + λ2·LSGAN + λ3·perceptual + λ4·style + λ_tv·TV (eq. 4), D2 an unconditional PatchGAN (eq. 5). Stage 3: L_G1 + L_G2 with G2’s loss back-propagated into G1 through S_r; D1 and D2 keep training.',
      'The paper does not publish λ1…λ4; the defaults (1, 0.1, 0.1, 250, λ_tv 1) are EdgeConnect’s.',
      extractor ? '' : 'λ3 (perceptual) and λ4 (style) are 0: they need real VGG-19 weights (--vgg-weights, see docs/weights.md) and nothing is downloaded.',
      `G1 and G2 are pix2pix U-Nets (ngf ${ngf}, instance norm, no dropout); G1’s tanh output × ${G1_LOGIT_SCALE} are S_r’s logits. The base segmenter is a small U-Net trained on clean images (the paper uses DeepLabv3 etc. pre-trained for normal conditions).`,
      stage2Input === 'gt' ? 'Stage 2 feeds G2 the ground-truth S_gt (Algorithm 1, line 7).' : 'Stage 2 feeds G2 the frozen G1’s S_r (Algorithm 1’s stage-2 header; line 7 says S_gt — use --stage2-input gt for that reading).',
      degradations.includes('fog') && level > 3 ? 'Fog has three levels (the Foggy Cityscapes β): level clamped to 3.' : '',
    ].filter(Boolean),
  };
  const report = await writeReport(o.out, content);
  await segmenter.save(fileSystemIO(join(o.out, 'models', 'segmenter')));
  for (const d of degradations) {
    await g1Models[d]!.save(fileSystemIO(join(o.out, 'models', d, 'G1')));
    await g2Models[d]!.save(fileSystemIO(join(o.out, 'models', d, 'G2')));
  }
  return { scores, table: markdownTable(table1), tables, report, phases, models: { segmenter, g1: g1Models, g2: g2Models }, seconds: secondsSince(t0) };
}

function fmt(v: number, digits = 4): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '—';
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Table 1 as one row per degradation: each metric for the degraded input and after refinement / restoration. */
export function coopTable(degradations: CoopDegradation[], scores: Partial<Record<CoopDegradation, DegradationScores>>, clean: RowScores, level: number): ReportTable {
  const seg: [string, (s: RowScores) => number][] = [
    ['PA', (s) => s.pixelAccuracy],
    ['mPA', (s) => s.meanAccuracy],
    ['mIoU', (s) => s.meanIoU],
    ['FWIoU', (s) => s.fwIoU],
  ];
  const res: [string, (s: RowScores) => number][] = [
    ['PSNR', (s) => s.psnr],
    ['SSIM', (s) => s.ssim],
  ];
  const columns = ['Degradation', ...seg.flatMap(([k]) => [k, `${k}_Re`]), ...res.flatMap(([k]) => [k, `${k}_Re`])];
  const rows = [
    ['Original', ...seg.flatMap(([, f]) => [finiteOrNull(f(clean)), null]), null, null, null, null],
    ...degradations.map((d) => {
      const s = scores[d]!;
      return [PAPER_NAMES[d], ...seg.flatMap(([, f]) => [finiteOrNull(f(s.degraded)), finiteOrNull(f(s.refined))]), ...res.flatMap(([, f]) => [finiteOrNull(f(s.degraded)), finiteOrNull(f(s.restored))])];
    }),
  ];
  return {
    title: `Table 1 (held-out test set, level ${level}): degraded vs refined segmentation, degraded vs restored image`,
    columns,
    rows,
    digits: 4,
    caption:
      'X: on the degraded image I_d (segmentation by the base segmenter trained on clean images); X_Re: G1’s refined segmentation S_r (PA, mPA, mIoU, FWIoU over 19 Cityscapes classes) or G2’s restored image I_r (PSNR in dB and SSIM against the clean image, data range [−1, 1]). Original: the base segmenter on the clean images.',
  };
}

/** The paper’s own layout: Original, then a row per degradation and its _Re row. */
export function paperLayoutTable(degradations: CoopDegradation[], scores: Partial<Record<CoopDegradation, DegradationScores>>, clean: RowScores): ReportTable {
  const segCols = (s: RowScores) => [s.pixelAccuracy, s.meanAccuracy, s.meanIoU, s.fwIoU].map(finiteOrNull);
  const rows = [['Original', ...segCols(clean), null, null]];
  for (const d of degradations) {
    const s = scores[d]!;
    rows.push([PAPER_NAMES[d], ...segCols(s.degraded), finiteOrNull(s.degraded.psnr), finiteOrNull(s.degraded.ssim)]);
    rows.push([`${PAPER_NAMES[d]}_Re`, ...segCols(s.refined), finiteOrNull(s.restored.psnr), finiteOrNull(s.restored.ssim)]);
  }
  return {
    title: 'Table 1 in the paper’s layout (X_Re: refinement for the segmentation columns, restoration for the image columns)',
    columns: ['Degradation', 'PA', 'mPA', 'mIoU', 'FWIoU', 'PSNR', 'SSIM'],
    rows,
    digits: 4,
  };
}
