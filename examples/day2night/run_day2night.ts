/**
 * Day → night semantic segmentation (the thesis in `shared/papers/day2night-segmentation-thesis.txt`):
 * 1. UNIT day↔night translation on unpaired day and night images, (a) without and (b) with
 *    the VGG perceptual term (thesis §3.2, Table 4.2);
 * 2. FPN (ResNet-18) segmenters, all from the same initial weights and on the same batch
 *    sequence: day only (Experiment 1), day + night translated by (a) with CE (Experiment 2),
 *    day + night translated by (b) with CE (Experiment 3) and with `α·CE + (1−α)·focal`
 *    (eq. 3.12, Experiments 6–7);
 * 3. self-training (§3.3.3): the better of the two (b)-segmenters — by mIoU on labelled day
 *    validation scenes translated to night, no night labels involved — pseudo-labels
 *    unlabelled real night images selected by histogram (`selectByHistogram`, 15 < S < 20) or
 *    by FID (`selectByFid`, as many images as the histogram kept), and is fine-tuned on
 *    labelled + pseudo-labelled images with its own loss (Experiments 4 and 7);
 * 4. every segmenter is scored on the labelled real-night test set (accuracy, class accuracy,
 *    mIoU, FWIoU — the thesis's tables) and the translators by FID (Table 4.2).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  FeatureStatistics,
  combinedCeFocalLoss,
  focalLoss,
  createGanStep,
  crossEntropyLoss,
  disposeBatch,
  fileSystemIO,
  fpnSegmenter,
  initWeights,
  loadVgg19Weights,
  markdownTable,
  multiScaleDiscriminator,
  pairedFolderDataset,
  selectByFid,
  selectByHistogram,
  tf,
  tfl,
  unitDiscriminatorLoss,
  unitGeneratorLoss,
  unitTranslator,
  vgg19Features,
  writeImage,
  writeLabelMap,
  writeReport,
  supervisedStep,
  trainPhase,
  type TrainPhaseResult,
  type BatchOptions,
  type Dataset,
  type GanStep,
  type GridCell,
  type NanGuard,
  type ReportContent,
  type ReportTable,
  type Sample,
  type UnitTranslator,
  type Vgg19Extractor,
} from '../../src/index.js';
import type { Tensor, Tensor4D } from '../../src/tf.js';
import type { CommonOptions } from '../common/cli.js';
import { evaluateRows, type RowScores } from '../common/evaluate.js';
import { phaseCurves, scoreTable, writeGrid, type ScoreColumns } from '../common/report.js';
import { secondsSince, setupRun } from '../common/setup.js';
import { ConcatDataset, batchToRasters, folderDay2nightData, rasterToBatch, syntheticDay2nightData, type Day2NightData, type HostImage } from './night_data.js';

/** Phases of {@link runDay2night}, in order (checkpoint folder names). */
export const DAY2NIGHT_PHASES = ['unit', 'unit_vgg', 'seg_day', 'seg_unit', 'seg_ce', 'seg_focal', 'self_hist', 'self_fid'] as const;
export type Day2NightPhase = (typeof DAY2NIGHT_PHASES)[number];

/**
 * The optional segmenter of `focalOnly`: day + UNIT+VGG night with the focal loss alone (the
 * thesis's Table 4.8 finds it below CE). Trained after `seg_focal`, from the same initial weights
 * and on the same batches; off by default (the reproduction study turns it on).
 */
export const FOCAL_ONLY_PHASE = 'seg_focal_only';
export const FOCAL_ONLY_ROW = 'Day + night (UNIT+VGG), focal';
type SegmenterPhase = Day2NightPhase | typeof FOCAL_ONLY_PHASE;

/** Options of {@link runDay2night} (the CLI's flags). */
export interface Day2NightOptions extends CommonOptions {
  /** with `data` (a Cityscapes root): folder of unlabelled night images (default `<data>/night`) */
  nightDir?: string;
  /** with `data`: labelled night test set with `image/` and `labels/` (default `<data>/night_test`) */
  nightTest?: string;
  /** VGG-19 weights for the UNIT perceptual term (safetensors or tfjs model.json); absent = a randomly initialised VGG-19 (`weights: 'random'`), said so in the report */
  vggWeights?: string;
  /** VGG tap of the UNIT perceptual term (default 'relu2_2'; UNIT uses VGG-16 relu4_3, see docs) */
  vggLayer?: string;
  /** steps of each translator phase (default: = steps) */
  unitSteps?: number;
  /** steps of each segmenter phase (default: = steps) */
  segSteps?: number;
  /** steps of each self-training phase (default: ⌈steps / 2⌉) */
  selfSteps?: number;
  /** unlabelled real night images in the pool (default: = trainCount) */
  poolCount?: number;
  /** translator width `dim` and the discriminators' (default 8) */
  unitDim?: number;
  /** segmenter widths: ResNet-18 stem (default 16) and FPN / head channels (default 32) */
  segWidth?: number;
  fpnChannels?: number;
  /** also train the focal-alone segmenter (phase {@link FOCAL_ONLY_PHASE}, row {@link FOCAL_ONLY_ROW}); default false */
  focalOnly?: boolean;
  /** α of α·CE + (1−α)·focal (default 0.5, thesis) and focal γ (default 2) */
  alpha?: number;
  gamma?: number;
  /** learning rates: translators (Adam β1 0.5; default 2e-4), segmenters (Adam; default 1e-3), self-training (default 5e-4) */
  lr?: number;
  segLr?: number;
  selfLr?: number;
  /** histogram band of the selection (default [15, 20], the thesis's 15 < S < 20) */
  histogramBand?: [number, number];
  /** print nothing (tests) */
  quiet?: boolean;
  /** simulate a crash after this step of this phase (tests) */
  stopAfter?: { phase: Day2NightPhase; step: number };
}

/** What {@link runDay2night} returns. */
export interface Day2NightResult {
  /** night-test scores of each segmenter (table row name → scores) */
  scores: Record<string, RowScores>;
  /** FID of each translator's output (row name → { fidNight, fidDay }) */
  translatorFid: Record<string, { fidNight: number; fidDay: number }>;
  /** the printed tables (Markdown) */
  table: string;
  translatorTable: string;
  report: { html: string; summary: string; markdown: string };
  phases: TrainPhaseResult[];
  /** seconds of each stage (phases by name, plus data, translate, select, evaluate, fid, report) */
  timings: Record<string, number>;
  /** which segmenter was pseudo-labelling and what each selection kept (pool image names) */
  selection: { teacher: Day2NightPhase; histogram: string[]; fid: string[] };
  models: Record<string, tfl.LayersModel>;
  seconds: number;
  /** frees every model the run built */
  dispose(): void;
}

const NUM_CLASSES = 19;

/** Row names of the segmentation table, in the thesis's order. */
export const SEGMENTER_ROWS = {
  seg_day: 'Day only, CE',
  seg_unit: 'Day + night (UNIT), CE',
  seg_ce: 'Day + night (UNIT+VGG), CE',
  seg_focal: 'Day + night (UNIT+VGG), CE+focal',
  self_hist: 'Self-training, histogram',
  self_fid: 'Self-training, FID',
} as const satisfies Partial<Record<Day2NightPhase, string>>;

/** Short captions of the sample grid (one cell is 128 px wide at the default size). */
const GRID_CAPTIONS: Record<keyof typeof SEGMENTER_ROWS, string> = {
  seg_day: 'day CE',
  seg_unit: 'D+N UNIT CE',
  seg_ce: 'D+N VGG CE',
  seg_focal: 'D+N VGG CL',
  self_hist: 'ST hist',
  self_fid: 'ST FID',
};

/** The thesis's four columns (percent). */
export const THESIS_COLUMNS: ScoreColumns = {
  'Accuracy (%)': (s) => 100 * s.pixelAccuracy,
  'Class acc. (%)': (s) => 100 * s.meanAccuracy,
  'mIoU (%)': (s) => 100 * s.meanIoU,
  'FWIoU (%)': (s) => 100 * s.fwIoU,
};

/** Seeds derived from the run seed, one per thing that draws random numbers. */
function seeds(seed: number) {
  return { unitInit: seed + 11, disInit: seed + 12, vgg: seed + 13, segInit: seed + 21, nightOrder: seed + 7, noise: seed * 7919 + 3 };
}

/** Max |a − b| over two models' weights (for tests); Infinity when they differ in layout. */
export function maxWeightDifference(a: tfl.LayersModel, b: tfl.LayersModel): number {
  const wa = a.getWeights();
  const wb = b.getWeights();
  if (wa.length !== wb.length) return Infinity;
  let m = 0;
  wa.forEach((t, i) => {
    const x = t.dataSync();
    const y = wb[i]!.dataSync();
    if (x.length !== y.length) m = Infinity;
    for (let j = 0; j < x.length; j++) m = Math.max(m, Math.abs(x[j]! - y[j]!));
  });
  return m;
}

/** Checks the options the CLI cannot (library callers), with messages naming the option. */
function validate(o: Day2NightOptions): void {
  const [h, w] = o.size;
  if (h % 32 !== 0 || w % 32 !== 0) throw new Error(`--size ${h}x${w}: height and width must be multiples of 32 (the FPN segmenter's stride)`);
  const alpha = o.alpha ?? 0.5;
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`--alpha must be in [0, 1], got ${alpha}`);
  if (!((o.gamma ?? 2) >= 0)) throw new Error(`--gamma must be ≥ 0, got ${o.gamma}`);
  const band = o.histogramBand ?? [15, 20];
  if (!(band.length === 2 && band[0] < band[1])) throw new Error(`--histogram-band must be low,high with low < high, got ${String(band)}`);
  const fpn = o.fpnChannels ?? 32;
  if (fpn % Math.min(8, fpn) !== 0) throw new Error(`--fpn-channels must be a multiple of 8 (GroupNorm with 8 groups) or below 8, got ${fpn}`);
  if (!o.data && o.trainCount < 2) throw new Error(`--train-count must be at least 2, got ${o.trainCount}`);
  if (!o.data && (o.poolCount ?? o.trainCount) < 2) throw new Error(`--pool-count must be at least 2, got ${o.poolCount}`);
}

export async function runDay2night(o: Day2NightOptions): Promise<Day2NightResult> {
  const t0 = performance.now();
  validate(o);
  const backend = await setupRun(o);
  const say = (m: string): void => {
    if (!o.quiet) console.log(m);
  };
  const timings: Record<string, number> = {};
  let tStage = performance.now();
  const stage = (name: string): void => {
    timings[name] = (timings[name] ?? 0) + secondsSince(tStage);
    tStage = performance.now();
  };
  const sd = seeds(o.seed);
  const unitSteps = o.unitSteps ?? o.steps;
  const segSteps = o.segSteps ?? o.steps;
  const selfSteps = o.selfSteps ?? Math.max(1, Math.ceil(o.steps / 2));
  const alpha = o.alpha ?? 0.5;
  const gamma = o.gamma ?? 2;
  const vggLayer = o.vggLayer ?? 'relu2_2';
  const poolCount = o.poolCount ?? o.trainCount;
  const data: Day2NightData = o.data
    ? folderDay2nightData({ data: o.data, nightDir: o.nightDir, nightTest: o.nightTest, size: o.size, trainCount: o.trainCount, testCount: o.testCount, poolCount })
    : await syntheticDay2nightData({ size: o.size, seed: o.seed, trainCount: o.trainCount, testCount: o.testCount, poolCount, out: o.out });
  say(`data: ${data.source}`);
  stage('data');
  const phases: TrainPhaseResult[] = [];
  const models: Record<string, tfl.LayersModel> = {};
  const disposables: { dispose(): void }[] = [];
  const stopAt = (p: SegmenterPhase): number | undefined => (o.stopAfter?.phase === p ? o.stopAfter.step : undefined);
  const addPhase = (p: TrainPhaseResult): void => {
    phases.push(p);
    timings[p.name] = p.seconds;
    tStage = performance.now();
  };

  // ── 1. UNIT translators, without and with the VGG term ─────────────────────
  let vgg: Vgg19Extractor | undefined;
  const vggNote = o.vggWeights
    ? `The UNIT perceptual term used VGG-19 weights from ${o.vggWeights} (tap ${vggLayer}, instance-normalised features, weight 1).`
    : `The UNIT perceptual term used a randomly initialised VGG-19 (weights: 'random', seed ${sd.vgg}, tap ${vggLayer}), NOT ImageNet weights: pass --vgg-weights for the thesis's setting (see docs/weights.md). Nothing is downloaded.`;
  // UNIT's MsImageDis has 4 blocks; at small sizes the coarsest of the 3 scales needs fewer
  const disLayers = Math.max(1, Math.min(4, Math.floor(Math.log2(Math.min(...o.size) / 4))));
  const trainUnit = async (name: 'unit' | 'unit_vgg', withVgg: boolean): Promise<UnitTranslator> => {
    const unit = unitTranslator({ dim: o.unitDim ?? 8, nDownsample: 2, nRes: 2, nShared: 1 });
    // both translators start from the same weights; they differ only in the VGG term
    [unit.encoderA, unit.encoderB, unit.decoderA, unit.decoderB].forEach((m, i) => initWeights(m, { seed: sd.unitInit + i }));
    const disOpts = { dim: o.unitDim ?? 8, nLayers: disLayers, numScales: 3 };
    const disA = multiScaleDiscriminator({ ...disOpts, name: `${name}_dis_a` });
    const disB = multiScaleDiscriminator({ ...disOpts, name: `${name}_dis_b` });
    initWeights(disA, { seed: sd.disInit });
    initWeights(disB, { seed: sd.disInit + 1 });
    // explicit 'random' without --vgg-weights: vgg19Features never downloads anything
    if (withVgg) vgg ??= vgg19Features({ layers: [vggLayer], weights: o.vggWeights ? await loadVgg19Weights(o.vggWeights) : 'random', seed: sd.vgg });
    const lr = o.lr ?? 2e-4;
    const gOpt = tf.train.adam(lr, 0.5, 0.999);
    const dOpt = tf.train.adam(lr, 0.5, 0.999);
    const D = (d: tfl.LayersModel) => (x: Tensor): Tensor[] => d.apply(x, { training: true }) as Tensor[];
    type Pair = { xA: Tensor4D; xB: Tensor4D };
    // the latent noise of step s is seeded by s, so a resumed run draws the same noise
    const noisy = (h: Tensor, s: number, k: number): Tensor => unit.sample(h, sd.noise + s * 8 + k);
    let gan: GanStep<Pair> | undefined;
    // UNIT's trainer: dis_update then gen_update, Adam for each; D's step only moves D_A, D_B
    // (gradients w.r.t. their variables only) and G's only the encoders/decoders (shared blocks once)
    const makeGan = (guard: NanGuard, startStep: number): GanStep<Pair> =>
      createGanStep<Pair>({
        guard,
        startStep,
        order: 'discriminator-first',
        generatorVariables: unit.trainableWeights,
        discriminatorVariables: [disA, disB],
        generatorOptimizer: gOpt,
        discriminatorOptimizer: dOpt,
        discriminatorLoss: ({ xA, xB }, { step }) => {
          const xAB = unit.decode(noisy(unit.encode(xA, 'a', true), step, 0), 'b', true) as Tensor4D;
          const xBA = unit.decode(noisy(unit.encode(xB, 'b', true), step, 1), 'a', true) as Tensor4D;
          return unitDiscriminatorLoss({ xA, xB, xAB, xBA, discriminatorA: D(disA), discriminatorB: D(disB) });
        },
        // UNIT's gen_update: reconstructions, translations and cycles through the shared latent space
        generatorLoss: ({ xA, xB }, { step }) => {
          const hA = unit.encode(xA, 'a', true);
          const hB = unit.encode(xB, 'b', true);
          const zA = noisy(hA, step, 2);
          const zB = noisy(hB, step, 3);
          const xARecon = unit.decode(zA, 'a', true) as Tensor4D;
          const xBRecon = unit.decode(zB, 'b', true) as Tensor4D;
          const xBA = unit.decode(zB, 'a', true) as Tensor4D;
          const xAB = unit.decode(zA, 'b', true) as Tensor4D;
          const hBRecon = unit.encode(xBA, 'a', true);
          const hARecon = unit.encode(xAB, 'b', true);
          const xABA = unit.decode(noisy(hARecon, step, 4), 'a', true) as Tensor4D;
          const xBAB = unit.decode(noisy(hBRecon, step, 5), 'b', true) as Tensor4D;
          return unitGeneratorLoss(
            { xA, xB, xARecon, xBRecon, xAB, xBA, xABA, xBAB, hA, hB, hARecon, hBRecon, discriminatorA: D(disA), discriminatorB: D(disB), extractor: withVgg ? vgg : undefined },
            { lambdaVgg: withVgg ? 1 : 0, vggLayer },
          );
        },
      });
    // UNIT trains with batch 1; day and night come from different scenes (unpaired) in independent orders
    const one = (seed: number): BatchOptions<'image'> => ({ batchSize: 1, shuffle: true, flip: true, seed, fields: ['image'] });
    try {
      addPhase(
        await trainPhase({
          name,
          out: o.out,
          steps: unitSteps,
          checkpointEvery: o.checkpointEvery,
          resume: o.resume,
          models: { encA: unit.encoderA, encB: unit.encoderB, decA: unit.decoderA, decB: unit.decoderB, disA, disB },
          optimizers: { gOpt, dOpt },
          quiet: o.quiet,
          stopAfter: stopAt(name),
          step: async (s, guard) => {
            const a = await data.day.batchAt(s - 1, one(o.seed));
            const b = await data.nightDomain.batchAt(s - 1, one(sd.nightOrder));
            try {
              gan ??= makeGan(guard, s - 1);
              return await gan({ xA: a.image, xB: b.image });
            } finally {
              disposeBatch(a);
              disposeBatch(b);
            }
          },
        }),
      );
    } catch (e) {
      unit.dispose();
      throw e;
    } finally {
      for (const x of [disA, disB, gOpt, dOpt]) x.dispose();
    }
    return unit;
  };
  let unitPlain: UnitTranslator | undefined;
  let unitVgg: UnitTranslator | undefined;
  try {
    unitPlain = await trainUnit('unit', false);
    unitVgg = await trainUnit('unit_vgg', true);
  } catch (e) {
    unitPlain?.dispose();
    vgg?.dispose();
    throw e;
  }
  vgg?.dispose();
  vgg = undefined;
  disposables.push(unitPlain, unitVgg);
  const translators = { 'UNIT (no VGG)': unitPlain, 'UNIT + VGG': unitVgg };

  // Translate every labelled day image to night once per translator and store the results as a
  // labelled folder (`<out>/translated/<name>/{image,labels}`): the translations keep the day labels
  const translateHost = async (u: UnitTranslator, im: HostImage, from: 'a' | 'b'): Promise<HostImage> => {
    const x = rasterToBatch(im);
    const y = tf.tidy(() => u.translate(x, from));
    const [r] = await batchToRasters(y);
    tf.dispose([x, y]);
    return r!;
  };
  const labelledFolder = async (dir: string, samples: AsyncIterable<{ name: string; image: HostImage; labels: Sample['image'] }>): Promise<Dataset> => {
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(dir, 'image'), { recursive: true });
    await mkdir(join(dir, 'labels'), { recursive: true });
    for await (const s of samples) {
      await writeImage(join(dir, 'image', `${s.name}.png`), s.image);
      await writeLabelMap(join(dir, 'labels', `${s.name}.png`), s.labels);
    }
    return pairedFolderDataset({ image: join(dir, 'image'), labels: join(dir, 'labels') });
  };
  const translatedFolder = (u: UnitTranslator, ds: Dataset, dir: string): Promise<Dataset> =>
    labelledFolder(
      dir,
      (async function* () {
        for (let i = 0; i < ds.length; i++) {
          const s = (await ds.get(i)) as HostSample;
          yield { name: `${s.name}_to_night`, image: await translateHost(u, s.image, 'a'), labels: s.labels! };
        }
      })(),
    );
  const translatedPlain = await translatedFolder(unitPlain, data.day, join(o.out, 'translated', 'unit'));
  const translatedVgg = await translatedFolder(unitVgg, data.day, join(o.out, 'translated', 'unit_vgg'));
  // validation for choosing the teacher: labelled day validation scenes translated to night by (b)
  const valNight = await translatedFolder(unitVgg, data.val, join(o.out, 'translated', 'val_unit_vgg'));
  const dayNightPlain = new ConcatDataset([data.day, translatedPlain]);
  const dayNight = new ConcatDataset([data.day, translatedVgg]);
  stage('translate');

  // ── 2. segmenters ───────────────────────────────────────────────────────────
  const segWidth = o.segWidth ?? 16;
  const fpnC = o.fpnChannels ?? 32;
  const makeSegmenter = (name: string): tfl.LayersModel => {
    const m = fpnSegmenter({ numClasses: NUM_CLASSES, depth: 18, backboneWidth: segWidth, fpnChannels: fpnC, headChannels: fpnC, groups: Math.min(8, fpnC), name });
    // every segmenter starts from the same weights
    initWeights(m, { seed: sd.segInit, type: 'kaiming' });
    return m;
  };
  type SegLoss = (logits: Tensor, labels: Tensor) => Tensor;
  const ce: SegLoss = (l, y) => crossEntropyLoss(l, y);
  const ceFocal: SegLoss = (l, y) => combinedCeFocalLoss(l, y, { alpha, gamma });
  const trainSegmenter = async (name: SegmenterPhase, seg: tfl.LayersModel, ds: Dataset, loss: SegLoss, steps: number, lr: number): Promise<void> => {
    const opt = tf.train.adam(lr);
    // the batch sequence depends on the seed and the dataset size only: (c) and (d) see the same batches
    const bo: BatchOptions<'image' | 'labels'> = { batchSize: Math.min(o.batch, ds.length), shuffle: true, flip: true, seed: o.seed, fields: ['image', 'labels'] };
    models[name] = seg;
    addPhase(
      await trainPhase({
        name,
        out: o.out,
        steps,
        checkpointEvery: o.checkpointEvery,
        resume: o.resume,
        models: { seg },
        optimizers: { opt },
        quiet: o.quiet,
        stopAfter: stopAt(name),
        step: supervisedStep({
          optimizer: opt,
          variables: [seg],
          batch: (i) => ds.batchAt(i, bo),
          loss: (b) => loss(seg.apply(b.image, { training: true }) as Tensor, b.labels),
          prefix: 'seg_',
        }),
      }).finally(() => opt.dispose()),
    );
  };
  const segLr = o.segLr ?? 1e-3;
  try {
    await trainSegmenter('seg_day', makeSegmenter('seg_day'), data.day, ce, segSteps, segLr);
    await trainSegmenter('seg_unit', makeSegmenter('seg_unit'), dayNightPlain, ce, segSteps, segLr);
    await trainSegmenter('seg_ce', makeSegmenter('seg_ce'), dayNight, ce, segSteps, segLr);
    await trainSegmenter('seg_focal', makeSegmenter('seg_focal'), dayNight, ceFocal, segSteps, segLr);
    if (o.focalOnly) await trainSegmenter(FOCAL_ONLY_PHASE, makeSegmenter(FOCAL_ONLY_PHASE), dayNight, (l, y) => focalLoss(l, y, { gamma }), segSteps, segLr);
  } catch (e) {
    for (const m of Object.values(models)) m.dispose();
    for (const d of disposables) d.dispose();
    throw e;
  }

  // ── 3. self-training ───────────────────────────────────────────────────────
  const evalOne = async (seg: tfl.LayersModel, test: Dataset): Promise<RowScores> =>
    (await evaluateRows({ test, rows: { x: (b) => b.image }, segmenter: seg, numClasses: NUM_CLASSES, targetField: '-', batchSize: Math.max(o.batch, 4) })).x!;
  const valCe = await evalOne(models.seg_ce!, valNight);
  const valFocal = await evalOne(models.seg_focal!, valNight);
  // ties (NaN included) go to the thesis's proposed loss
  const teacherKey: 'seg_ce' | 'seg_focal' = valCe.meanIoU > valFocal.meanIoU ? 'seg_ce' : 'seg_focal';
  const teacher = models[teacherKey]!;
  const teacherLoss = teacherKey === 'seg_ce' ? ce : ceFocal;
  say(`teacher: ${SEGMENTER_ROWS[teacherKey]} (translated-night validation mIoU ${valCe.meanIoU.toFixed(4)} CE vs ${valFocal.meanIoU.toFixed(4)} CE+focal)`);

  // histogram selection reads the pool's files, as a user's folder of night photos
  const band = o.histogramBand ?? [15, 20];
  const poolNames: string[] = [];
  for (let i = 0; i < data.pool.length; i++) poolNames.push((await data.pool.get(i)).name);
  const hist = await selectByHistogram(data.poolPaths, { low: band[0], high: band[1] });
  let histIdx = data.poolPaths.map((_, i) => i).filter((i) => hist.scores[i]! > band[0] && hist.scores[i]! < band[1]);
  const fallbackCount = Math.max(1, Math.round(data.poolPaths.length / 4));
  const histNote =
    histIdx.length > 0
      ? `Histogram selection: ${histIdx.length} of ${data.poolPaths.length} pool images with ${band[0]} < S < ${band[1]} (S = 0.5·R + G + B, normalised to 0..255).`
      : `Histogram selection: no pool image had ${band[0]} < S < ${band[1]}; the ${fallbackCount} closest to the band centre were used instead.`;
  if (histIdx.length === 0) {
    const c = (band[0] + band[1]) / 2;
    histIdx = data.poolPaths.map((_, i) => i).sort((a, b) => Math.abs(hist.scores[a]! - c) - Math.abs(hist.scores[b]! - c)).slice(0, fallbackCount);
  }
  // FID selection: per-image statistics of the teacher's FPN P3 features (stride 8) against those of
  // the translators' night-domain images; as many images as the histogram kept, so the two compare fairly
  const teacherFeatures = featureModel(teacher);
  const candidates: { data: Float32Array; shape: [number, number] }[] = [];
  for (let i = 0; i < data.pool.length; i++) candidates.push(await imageFeatures(teacherFeatures, ((await data.pool.get(i)) as HostSample).image));
  const refStats = new FeatureStatistics();
  if (data.poolIsNightDomain) for (const c of candidates) refStats.update(c);
  else for (let i = 0; i < data.nightDomain.length; i++) refStats.update(await imageFeatures(teacherFeatures, ((await data.nightDomain.get(i)) as HostSample).image));
  const fidSel = selectByFid(candidates, { mean: refStats.mean, cov: refStats.covariance }, { count: histIdx.length });
  const fidIdx = fidSel.indices;
  stage('select');

  const pseudoFolder = (idx: number[], dir: string): Promise<Dataset> =>
    labelledFolder(
      dir,
      (async function* () {
        for (const i of idx) {
          const s = (await data.pool.get(i)) as HostSample;
          const x = rasterToBatch(s.image);
          const pred = tf.tidy(() => tf.argMax(teacher.predict(x) as Tensor, -1));
          // pseudo-labels: the teacher's argmax on every pixel (no confidence threshold, as in the thesis)
          const labels = { data: Int32Array.from(await pred.data()), height: s.image.height, width: s.image.width, channels: 1 };
          tf.dispose([x, pred]);
          yield { name: `${s.name}_pseudo`, image: s.image, labels };
        }
      })(),
    );
  const selfLr = o.selfLr ?? 5e-4;
  const selfTrain = async (name: 'self_hist' | 'self_fid', idx: number[]): Promise<void> => {
    const ds = new ConcatDataset([dayNight, await pseudoFolder(idx, join(o.out, 'pseudo', name))]);
    stage('select');
    const seg = makeSegmenter(name);
    // self-training from the teacher's checkpoint (the thesis, Experiment 1: from scratch it hurts)
    seg.setWeights(teacher.getWeights());
    await trainSegmenter(name, seg, ds, teacherLoss, selfSteps, selfLr);
  };
  await selfTrain('self_hist', histIdx);
  await selfTrain('self_fid', fidIdx);

  // ── 4. evaluation ───────────────────────────────────────────────────────────
  const scores: Record<string, RowScores> = {};
  for (const [key, row] of Object.entries(SEGMENTER_ROWS)) scores[row] = await evalOne(models[key]!, data.test);
  if (models[FOCAL_ONLY_PHASE]) scores[FOCAL_ONLY_ROW] = await evalOne(models[FOCAL_ONLY_PHASE], data.test);
  stage('evaluate');
  const table: ReportTable = scoreTable("Night test set: segmentation (the thesis's Tables 4.3–4.9)", scores, THESIS_COLUMNS, {
    digits: 2,
    caption:
      `FPN (ResNet-18) segmenters on ${data.test.length} held-out labelled real-night images; accuracy = pixel accuracy, class accuracy = mean per-class accuracy, mIoU, FWIoU over 19 Cityscapes classes, in %. ` +
      `Day + night = the labelled day images plus the same images translated to night by the named translator. ` +
      `Self-training fine-tunes "${SEGMENTER_ROWS[teacherKey]}" (chosen on translated-night validation images) on its labelled data + ${histIdx.length} pseudo-labelled real night images chosen by each method.`,
  });

  // translators: FID of translated day → night against real night, and of real night → day against day,
  // on the day-only segmenter's P3 features (trained on day only, so it favours neither translator)
  const judge = featureModel(models.seg_day!);
  const hostImages = async (ds: Dataset): Promise<HostImage[]> => {
    const out: HostImage[] = [];
    for (let i = 0; i < ds.length; i++) out.push(((await ds.get(i)) as HostSample).image);
    return out;
  };
  const statsOf = async (images: HostImage[]): Promise<FeatureStatistics> => {
    const st = new FeatureStatistics();
    for (const im of images) st.update(await imageFeatures(judge, im));
    return st;
  };
  const nightImages = await hostImages(data.test);
  const dayImages = await hostImages(data.dayReference);
  const realNightStats = await statsOf(nightImages);
  const realDayStats = await statsOf(dayImages);
  // one image at a time: each translation is read back before the next is computed
  const translateAll = async (u: UnitTranslator | null, images: HostImage[], from: 'a' | 'b'): Promise<HostImage[]> => {
    const out: HostImage[] = [];
    for (const im of images) out.push(u ? await translateHost(u, im, from) : im);
    return out;
  };
  const translatorFid: Record<string, { fidNight: number; fidDay: number }> = {};
  for (const [row, u] of [['No translation', null], ...Object.entries(translators)] as [string, UnitTranslator | null][]) {
    const toNight = await statsOf(await translateAll(u, dayImages, 'a'));
    const toDay = await statsOf(await translateAll(u, nightImages, 'b'));
    translatorFid[row] = { fidNight: toNight.frechetDistance(realNightStats), fidDay: toDay.frechetDistance(realDayStats) };
  }
  stage('fid');
  const translatorTable: ReportTable = {
    title: "Translators: FID (lower is better; the thesis's Table 4.2)",
    columns: ['', 'FID_Night', 'FID_Day'],
    rows: Object.entries(translatorFid).map(([k, v]) => [k, v.fidNight, v.fidDay]),
    digits: 3,
    best: { FID_Night: 'min', FID_Day: 'min' },
    bestExclude: ['No translation'],
    caption:
      `FID_Night: day images (${o.data ? 'the day validation images' : 'the day renderings of the test scenes'}) translated to night vs the real night test images; FID_Day: the real night test images translated to day vs those day images. ` +
      'Features: FPN P3 (stride 8) of the day-only segmenter, every position one vector (not InceptionV3: no ImageNet weights are downloaded). "No translation" compares the untranslated images.',
  };

  // ── sample grid: day, both translations, real night; segmentations of the real night ──
  const gridRows: GridCell[][] = [];
  const nGrid = Math.min(3, data.test.length, data.dayReference.length);
  for (let i = 0; i < nGrid; i++) {
    const s = (await data.test.get(i)) as HostSample;
    const dayT = rasterToBatch(dayImages[i]!);
    const nightT = rasterToBatch(s.image);
    const cells: GridCell[] = [
      { image: tf.squeeze(dayT, [0]), caption: 'day' },
      { image: tf.tidy(() => tf.squeeze(unitPlain!.translate(dayT, 'a'), [0])), caption: 'UNIT' },
      { image: tf.tidy(() => tf.squeeze(unitVgg!.translate(dayT, 'a'), [0])), caption: 'UNIT+VGG' },
      { image: tf.squeeze(nightT, [0]), caption: 'real night' },
    ];
    const segs: GridCell[] = Object.keys(SEGMENTER_ROWS).map((k) => ({
      image: tf.tidy(() => tf.squeeze(tf.argMax(models[k]!.predict(nightT) as Tensor, -1), [0])),
      caption: GRID_CAPTIONS[k as keyof typeof SEGMENTER_ROWS],
      kind: 'labels' as const,
    }));
    segs.push({ image: { ...s.labels!, data: Int32Array.from(s.labels!.data) }, caption: 'labels', kind: 'labels' });
    gridRows.push(cells, segs);
    tf.dispose([dayT, nightT]);
  }
  const gridPath = await writeGrid(o.out, 'test_samples.png', gridRows);
  for (const row of gridRows) for (const c of row) if ((c as { image: unknown }).image instanceof tf.Tensor) tf.dispose((c as { image: Tensor }).image);

  const md = markdownTable(table);
  const mdTranslators = markdownTable(translatorTable);
  const byName = (n: Day2NightPhase) => phases.find((p) => p.name === n)!.logPath;
  const selection = {
    teacher: teacherKey as Day2NightPhase,
    histogram: histIdx.map((i) => poolNames[i]!),
    fid: fidIdx.map((i) => poolNames[i]!),
  };
  const content: ReportContent = {
    title: 'Day → night semantic segmentation (UNIT + FPN + self-training)',
    subtitle: `${data.source}; backend ${backend.name}`,
    tables: [table, translatorTable],
    curves: [
      ...phaseCurves(byName('unit'), 'UNIT', { generator: ['g_total'], discriminator: ['d_total'] }),
      ...phaseCurves(byName('unit_vgg'), 'UNIT + VGG', { generator: ['g_total'], discriminator: ['d_total'], vgg: ['g_vggA', 'g_vggB'] }),
      ...(['seg_day', 'seg_unit', 'seg_ce', 'seg_focal', 'self_hist', 'self_fid'] as const).flatMap((k) => phaseCurves(byName(k), SEGMENTER_ROWS[k], { loss: ['seg_total'] })),
      ...phaseCurves(byName('unit_vgg'), 'memory (UNIT + VGG)', { tensors: ['numTensors'] }),
    ],
    images: [
      {
        title: 'Night test samples',
        items: [{ src: gridPath, label: 'per scene: day image / UNIT / UNIT+VGG translation of it / real night; segmentations of the real night by each segmenter + labels' }],
      },
    ],
    summary: {
      backend: backend.name,
      data: data.source,
      size: o.size,
      steps: { unit: unitSteps, unit_vgg: unitSteps, seg_day: segSteps, seg_unit: segSteps, seg_ce: segSteps, seg_focal: segSteps, self_hist: selfSteps, self_fid: selfSteps },
      batch: { unit: 1, segmenter: o.batch },
      seed: o.seed,
      widths: { unitDim: o.unitDim ?? 8, discriminatorLayers: disLayers, segWidth, fpnChannels: fpnC },
      loss: { alpha, gamma, vggLayer, vggWeights: o.vggWeights ?? 'random' },
      teacher: teacherKey,
      validationMIoU: { seg_ce: valCe.meanIoU, seg_focal: valFocal.meanIoU },
      selection: {
        band,
        histogram: selection.histogram,
        fid: selection.fid,
        nightness: Object.fromEntries(poolNames.map((n, i) => [n, hist.scores[i]])),
        fidScores: Object.fromEntries(poolNames.map((n, i) => [n, fidSel.scores[i]])),
      },
      scores: Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, { ...v, iou: undefined }])),
      translatorFid,
      timings,
      seconds: secondsSince(t0),
    },
    notes: [
      vggNote,
      `Day + night training sets: the labelled day images plus the same images translated by the named translator (saved under translated/). CE + focal: α = ${alpha}, γ = ${gamma}, no focal α_t. All segmenters start from the same weights and see the same batch order.`,
      `Teacher for pseudo-labels: ${SEGMENTER_ROWS[teacherKey]}, the better by mIoU on labelled day validation images translated to night by UNIT + VGG (${valCe.meanIoU.toFixed(4)} CE vs ${valFocal.meanIoU.toFixed(4)} CE+focal); no night labels are used for any choice.`,
      histNote,
      `FID selection: the ${fidIdx.length} pool images whose per-image statistics of the teacher's FPN P3 features are closest (Fréchet distance) to those of ${data.poolIsNightDomain ? 'the whole night folder' : "the translators' night-domain images"} (selectByFid with count = the histogram's count). ${selection.fid.filter((n) => selection.histogram.includes(n)).length} images are in both selections.`,
      `Pseudo-labels are the teacher's argmax on every pixel (no confidence threshold, as in the thesis); self-training fine-tunes the teacher with its own loss on its labelled data + the pseudo-labelled images (saved under pseudo/) for ${selfSteps} steps at lr ${selfLr}.`,
    ],
  };
  const report = await writeReport(o.out, content);
  const saved: Record<string, tfl.LayersModel> = {
    ...models,
    unit_enc_a: unitPlain.encoderA,
    unit_enc_b: unitPlain.encoderB,
    unit_dec_a: unitPlain.decoderA,
    unit_dec_b: unitPlain.decoderB,
    unit_vgg_enc_a: unitVgg.encoderA,
    unit_vgg_enc_b: unitVgg.encoderB,
    unit_vgg_dec_a: unitVgg.decoderA,
    unit_vgg_dec_b: unitVgg.decoderB,
  };
  for (const [k, m] of Object.entries(saved)) await m.save(fileSystemIO(join(o.out, 'models', k)));
  stage('report');
  return {
    scores,
    translatorFid,
    table: md,
    translatorTable: mdTranslators,
    report,
    phases,
    timings,
    selection,
    models: saved,
    seconds: secondsSince(t0),
    dispose() {
      for (const m of Object.values(models)) m.dispose();
      for (const d of disposables) d.dispose();
    },
  };
}

type HostSample = Sample & { image: HostImage; labels?: Sample['image']; clear?: HostImage };

/** A model sharing the segmenter's layers up to FPN level P3 (not disposed: it owns no weights of its own). */
export function featureModel(seg: tfl.LayersModel): tfl.LayersModel {
  return tfl.model({ inputs: seg.inputs, outputs: seg.getLayer('fpn_output3').output as tfl.SymbolicTensor });
}

/** P3 features of one host image as a `[P, D]` matrix (P = positions). */
export async function imageFeatures(m: tfl.LayersModel, image: HostImage): Promise<{ data: Float32Array; shape: [number, number] }> {
  const x = rasterToBatch(image);
  const f = m.predict(x) as Tensor;
  const d = f.shape[3]!;
  const data = (await f.data()) as Float32Array;
  tf.dispose([x, f]);
  return { data, shape: [data.length / d, d] };
}
