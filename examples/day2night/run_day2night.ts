/**
 * Day → night semantic segmentation (the thesis in `shared/papers/day2night-segmentation-thesis.txt`):
 * 1. UNIT day↔night translation, (a) without and (b) with the VGG perceptual term;
 * 2. an FPN (ResNet-18) segmenter trained on day images only (baseline), then on day +
 *    day-translated-to-night images (translator (b)) with (c) CE and (d) `α·CE + (1−α)·focal`;
 * 3. self-training: the better of (c)/(d) (by mIoU on translated-night validation scenes)
 *    pseudo-labels unlabelled real night images selected (e1) by histogram
 *    (`selectByHistogram`, 15 < S < 20) or (e2) by FID, and is fine-tuned on labelled + pseudo-labelled data;
 * 4. every segmenter is scored on the labelled night test set (PA, mPA, mIoU, FWIoU —
 *    the thesis's tables) and the translators by FID against real night / day features.
 */
import { join } from 'node:path';
import {
  ArrayDataset,
  FeatureStatistics,
  combinedCeFocalLoss,
  createGanStep,
  crossEntropyLoss,
  disposeBatch,
  fileSystemIO,
  fpnSegmenter,
  initWeights,
  loadVgg19Weights,
  markdownTable,
  multiScaleDiscriminator,
  optimizerStep,
  selectByFid,
  selectByHistogram,
  tf,
  tfl,
  unitDiscriminatorLoss,
  unitGeneratorLoss,
  unitTranslator,
  vgg19Features,
  writeImage,
  writeReport,
  type Batch,
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
import { runPhase, type PhaseResult } from '../common/phase.js';
import { SEGMENTATION_COLUMNS, phaseCurves, scoreTable, writeGrid } from '../common/report.js';
import { secondsSince, setupRun } from '../common/setup.js';
import { batchToRasters, day2nightData, rasterToBatch, type Day2NightData } from './night_data.js';

/** Phases of {@link runDay2night}, in order (checkpoint folder names). */
export const DAY2NIGHT_PHASES = ['unit', 'unit_vgg', 'seg_day', 'seg_ce', 'seg_focal', 'self_hist', 'self_fid'] as const;
export type Day2NightPhase = (typeof DAY2NIGHT_PHASES)[number];

/** Options of {@link runDay2night} (the CLI's flags). */
export interface Day2NightOptions extends CommonOptions {
  /** VGG-19 weights for the UNIT perceptual term (safetensors or tfjs model.json); absent = a randomly initialised VGG-19, said so in the report */
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
  /** translator width `dim` (default 8) and the discriminators' (default 8) */
  unitDim?: number;
  /** segmenter widths: ResNet stem (default 16) and FPN / head channels (default 32) */
  segWidth?: number;
  fpnChannels?: number;
  /** α of α·CE + (1−α)·focal (default 0.5, thesis) and focal γ (default 2) */
  alpha?: number;
  gamma?: number;
  /** learning rates: translators (Adam β1 0.5; default 2e-4), segmenters (Adam; default 1e-3), self-training (default 5e-4) */
  lr?: number;
  segLr?: number;
  selfLr?: number;
  /** histogram band of the selection (thesis 15 < S < 20) */
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
  phases: PhaseResult[];
  /** which segmenter was pseudo-labelling and what each selection kept */
  selection: { teacher: string; histogram: string[]; fid: string[] };
  models: Record<string, tfl.LayersModel>;
  seconds: number;
  /** frees every model the run built */
  dispose(): void;
}

const NUM_CLASSES = 19;

/** Row names of the segmentation table, in the thesis's order. */
export const SEGMENTER_ROWS = {
  seg_day: 'Day only (CE)',
  seg_ce: 'Day + night, CE',
  seg_focal: 'Day + night, CE + focal',
  self_hist: '+ self-training (histogram)',
  self_fid: '+ self-training (FID)',
} as const;

/** Seeds derived from the run seed, one per thing that draws random numbers. */
function seeds(seed: number) {
  return { unitInit: seed + 11, disInit: seed + 12, vgg: seed + 13, segInit: seed + 21, nightOrder: seed + 7, noise: seed * 7919 + 3 };
}

/** Plain-number equality of two models' weights (for tests): max |a − b|. */
export function maxWeightDifference(a: tfl.LayersModel, b: tfl.LayersModel): number {
  const wa = a.getWeights();
  const wb = b.getWeights();
  if (wa.length !== wb.length) return Infinity;
  let m = 0;
  wa.forEach((t, i) => {
    const x = t.dataSync();
    const y = wb[i]!.dataSync();
    for (let j = 0; j < x.length; j++) m = Math.max(m, Math.abs(x[j]! - y[j]!));
  });
  return m;
}

export async function runDay2night(o: Day2NightOptions): Promise<Day2NightResult> {
  const t0 = performance.now();
  if (o.data) {
    throw new Error(
      '--data: this example runs on the built-in synthetic scenes only. Real data needs a labelled day set (a Cityscapes root), an unlabelled folder of night images ' +
        'and a labelled night test set (e.g. Nighttime Driving); see docs/pipelines_day2night.md.',
    );
  }
  const backend = await setupRun(o);
  const say = (m: string): void => {
    if (!o.quiet) console.log(m);
  };
  const sd = seeds(o.seed);
  const unitSteps = o.unitSteps ?? o.steps;
  const segSteps = o.segSteps ?? o.steps;
  const selfSteps = o.selfSteps ?? Math.max(1, Math.ceil(o.steps / 2));
  const alpha = o.alpha ?? 0.5;
  const gamma = o.gamma ?? 2;
  const vggLayer = o.vggLayer ?? 'relu2_2';
  const poolCount = o.poolCount ?? o.trainCount;
  const data: Day2NightData = await day2nightData({ size: o.size, seed: o.seed, trainCount: o.trainCount, testCount: o.testCount, poolCount });
  say(`data: ${data.source}`);
  const phases: PhaseResult[] = [];
  const models: Record<string, tfl.LayersModel> = {};
  const disposables: { dispose(): void }[] = [];
  const stopAt = (p: Day2NightPhase): number | undefined => (o.stopAfter?.phase === p ? o.stopAfter.step : undefined);

  // ── 1. UNIT translators, without and with the VGG term ─────────────────────
  let vgg: Vgg19Extractor | undefined;
  const vggNote = o.vggWeights
    ? `The UNIT perceptual term used VGG-19 weights from ${o.vggWeights} (tap ${vggLayer}).`
    : `The UNIT perceptual term used a randomly initialised VGG-19 (weights: 'random', seed ${sd.vgg}, tap ${vggLayer}), NOT ImageNet weights: pass --vgg-weights for the thesis's setting (see docs/weights.md).`;
  const trainUnit = async (name: 'unit' | 'unit_vgg', withVgg: boolean): Promise<UnitTranslator> => {
    const unit = unitTranslator({ dim: o.unitDim ?? 8, nDownsample: 2, nRes: 2, nShared: 1 });
    // both translators start from the same weights; they differ only in the VGG term
    [unit.encoderA, unit.encoderB, unit.decoderA, unit.decoderB].forEach((m, i) => initWeights(m, { seed: sd.unitInit + i }));
    const disOpts = { dim: o.unitDim ?? 8, nLayers: 3, numScales: 3 };
    const disA = multiScaleDiscriminator({ ...disOpts, name: `${name}_dis_a` });
    const disB = multiScaleDiscriminator({ ...disOpts, name: `${name}_dis_b` });
    initWeights(disA, { seed: sd.disInit });
    initWeights(disB, { seed: sd.disInit + 1 });
    if (withVgg) vgg ??= vgg19Features({ layers: [vggLayer], weights: o.vggWeights ? await loadVgg19Weights(o.vggWeights) : 'random', seed: sd.vgg });
    const lr = o.lr ?? 2e-4;
    const gOpt = tf.train.adam(lr, 0.5, 0.999);
    const dOpt = tf.train.adam(lr, 0.5, 0.999);
    const D = (d: tfl.LayersModel) => (x: Tensor): Tensor[] => d.apply(x, { training: true }) as Tensor[];
    type Pair = { xA: Tensor4D; xB: Tensor4D };
    // the latent noise of step s is seeded by s, so a resumed run draws the same noise
    const noisy = (h: Tensor, s: number, k: number): Tensor => unit.sample(h, sd.noise + s * 8 + k);
    let gan: GanStep<Pair> | undefined;
    const makeGan = (guard: NanGuard, startStep: number): GanStep<Pair> =>
      createGanStep<Pair>({
        guard,
        startStep,
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
            { vggWeight: withVgg ? 1 : 0, vggLayer },
          );
        },
      });
    // UNIT trains with batch 1; day and night come from different scenes (unpaired)
    const one = (seed: number): BatchOptions => ({ batchSize: 1, shuffle: true, flip: true, seed, fields: ['image'] });
    phases.push(
      await runPhase({
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
            return await gan({ xA: a.image as Tensor4D, xB: b.image as Tensor4D });
          } finally {
            disposeBatch(a);
            disposeBatch(b);
          }
        },
      }),
    );
    for (const x of [disA, disB, gOpt, dOpt]) x.dispose();
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

  // Translate every labelled day scene to night once with translator (b): the
  // translated images share the day labels (the thesis's day+night training set).
  const translateSamples = (ds: ArrayDataset, suffix: string): Promise<Sample[]> => mapSamples(ds, async (s) => {
    const x = rasterToBatch(s.image);
    const y = tf.tidy(() => unitVgg!.translate(x, 'a'));
    const [r] = batchToRasters(y);
    tf.dispose([x, y]);
    return { name: `${s.name}${suffix}`, image: r!, labels: s.labels! };
  });
  const dayOnly = await mapSamples(data.day, async (s) => ({ name: s.name, image: s.image, labels: s.labels! }));
  const translated = await translateSamples(data.day, '_to_night');
  const dayNightSamples: Sample[] = [...dayOnly, ...translated];
  const dayNight = new ArrayDataset(dayNightSamples);
  // validation for choosing the teacher: held-out day scenes (test seeds' day renderings) translated to night — no real-night labels are used
  const valDay = new ArrayDataset(await mapSamples(data.test, async (s) => ({ name: `${s.name}_val`, image: s.clear!, labels: s.labels! })));
  const valNight = new ArrayDataset(await translateSamples(valDay, '_to_night'));

  // ── 2. segmenters ───────────────────────────────────────────────────────────
  const segWidth = o.segWidth ?? 16;
  const fpnC = o.fpnChannels ?? 32;
  const makeSegmenter = (name: string): tfl.LayersModel => {
    const m = fpnSegmenter({ numClasses: NUM_CLASSES, depth: 18, backboneWidth: segWidth, fpnChannels: fpnC, headChannels: fpnC, groups: Math.min(8, fpnC), name });
    initWeights(m, { seed: sd.segInit, type: 'kaiming' });
    return m;
  };
  type SegLoss = (logits: Tensor, labels: Tensor) => Tensor;
  const ce: SegLoss = (l, y) => crossEntropyLoss(l, y);
  const ceFocal: SegLoss = (l, y) => combinedCeFocalLoss(l, y, { alpha, gamma });
  const trainSegmenter = async (name: Day2NightPhase, seg: tfl.LayersModel, ds: Dataset, loss: SegLoss, steps: number, lr: number): Promise<void> => {
    const opt = tf.train.adam(lr);
    const bo: BatchOptions = { batchSize: Math.min(o.batch, ds.length), shuffle: true, flip: true, seed: o.seed, fields: ['image', 'labels'] };
    phases.push(
      await runPhase({
        name,
        out: o.out,
        steps,
        checkpointEvery: o.checkpointEvery,
        resume: o.resume,
        models: { seg },
        optimizers: { opt },
        quiet: o.quiet,
        stopAfter: stopAt(name),
        step: async (s, guard) => {
          const b = await ds.batchAt(s - 1, bo);
          try {
            return await optimizerStep(opt, [seg], () => loss(seg.apply(b.image as Tensor4D, { training: true }) as Tensor, b.labels as Tensor), {
              prefix: 'seg_',
              beforeApply: (t) => guard.check(s, t),
            });
          } finally {
            disposeBatch(b);
          }
        },
      }),
    );
    opt.dispose();
    models[name] = seg;
  };
  const segLr = o.segLr ?? 1e-3;
  await trainSegmenter('seg_day', makeSegmenter('seg_day'), data.day, ce, segSteps, segLr);
  // (c) and (d) start from the same weights and see the same batches; only the loss differs
  await trainSegmenter('seg_ce', makeSegmenter('seg_ce'), dayNight, ce, segSteps, segLr);
  await trainSegmenter('seg_focal', makeSegmenter('seg_focal'), dayNight, ceFocal, segSteps, segLr);

  // ── 3. self-training ───────────────────────────────────────────────────────
  const evalOne = async (seg: tfl.LayersModel, test: Dataset): Promise<RowScores> =>
    (await evaluateRows({ test, rows: { x: (b) => b.image as Tensor4D }, segmenter: seg, numClasses: NUM_CLASSES, targetField: '-', batchSize: Math.max(o.batch, 4) })).x!;
  const valCe = await evalOne(models.seg_ce!, valNight);
  const valFocal = await evalOne(models.seg_focal!, valNight);
  // ties (NaN included) go to the thesis's proposed loss
  const teacherKey: 'seg_ce' | 'seg_focal' = valCe.meanIoU > valFocal.meanIoU ? 'seg_ce' : 'seg_focal';
  const teacher = models[teacherKey]!;
  const teacherLoss = teacherKey === 'seg_ce' ? ce : ceFocal;
  say(`teacher: ${SEGMENTER_ROWS[teacherKey]} (translated-night validation mIoU ${valCe.meanIoU.toFixed(4)} CE vs ${valFocal.meanIoU.toFixed(4)} CE+focal)`);

  // the pool as a folder of PNGs, as a user's unlabelled night images would be
  const poolDir = join(o.out, 'night_pool');
  const poolSamples = await mapSamples(data.pool, async (s) => s);
  const poolPaths = poolSamples.map((s) => join(poolDir, `${s.name}.png`));
  for (let i = 0; i < poolSamples.length; i++) await writeImage(poolPaths[i]!, poolSamples[i]!.image);
  const band = o.histogramBand ?? [15, 20];
  const hist = await selectByHistogram(poolPaths, { low: band[0], high: band[1] });
  let histIdx = poolPaths.map((_, i) => i).filter((i) => hist.scores[i]! > band[0] && hist.scores[i]! < band[1]);
  const histNote =
    histIdx.length > 0
      ? `Histogram selection: ${histIdx.length} of ${poolPaths.length} pool images with ${band[0]} < S < ${band[1]} (S = 0.5·R + G + B, normalised to 0..255).`
      : `Histogram selection: no pool image had ${band[0]} < S < ${band[1]}; the ${Math.max(1, Math.round(poolPaths.length / 4))} closest to the band centre were used instead.`;
  if (histIdx.length === 0) {
    const c = (band[0] + band[1]) / 2;
    histIdx = poolPaths.map((_, i) => i).sort((a, b) => Math.abs(hist.scores[a]! - c) - Math.abs(hist.scores[b]! - c)).slice(0, Math.max(1, Math.round(poolPaths.length / 4)));
  }
  // FID selection: per-image statistics of the teacher's FPN P3 features (stride 8) against those
  // of the translators' night-domain images; as many images as the histogram kept, so the two compare fairly
  const teacherFeatures = featureModel(teacher);
  const refStats = new FeatureStatistics();
  for (const s of await mapSamples(data.nightDomain, async (x) => x)) refStats.update(await imageFeatures(teacherFeatures, s.image));
  const candidates: { data: Float32Array; shape: [number, number] }[] = [];
  for (const s of poolSamples) candidates.push(await imageFeatures(teacherFeatures, s.image));
  const fidSel = selectByFid(candidates, { mean: refStats.mean, cov: refStats.covariance }, { count: histIdx.length });
  const fidIdx = fidSel.indices;

  const pseudoLabelled = async (idx: number[]): Promise<Sample[]> =>
    Promise.all(
      idx.map(async (i) => {
        const s = poolSamples[i]!;
        const x = rasterToBatch(s.image);
        const pred = tf.tidy(() => tf.argMax(teacher.predict(x) as Tensor, -1));
        const labels = { data: Int32Array.from(pred.dataSync()), height: s.image.height, width: s.image.width, channels: 1 };
        tf.dispose([x, pred]);
        return { name: `${s.name}_pseudo`, image: s.image, labels };
      }),
    );
  const selfLr = o.selfLr ?? 5e-4;
  const selfTrain = async (name: 'self_hist' | 'self_fid', idx: number[]): Promise<void> => {
    const seg = makeSegmenter(name);
    // self-training from the teacher's checkpoint (the thesis: from scratch it hurts)
    seg.setWeights(teacher.getWeights());
    const ds = new ArrayDataset([...dayNightSamples, ...(await pseudoLabelled(idx))]);
    await trainSegmenter(name, seg, ds, teacherLoss, selfSteps, selfLr);
  };
  await selfTrain('self_hist', histIdx);
  await selfTrain('self_fid', fidIdx);

  // ── 4. evaluation ───────────────────────────────────────────────────────────
  const scores: Record<string, RowScores> = {};
  for (const [key, row] of Object.entries(SEGMENTER_ROWS)) scores[row] = await evalOne(models[key]!, data.test);
  const table: ReportTable = scoreTable('Night test set: segmentation (the thesis\'s tables)', scores, SEGMENTATION_COLUMNS, {
    caption: `FPN (ResNet-18) segmenters on ${data.test.length} held-out labelled "real night" scenes; PA = accuracy, mPA = class accuracy, mIoU, FWIoU over 19 Cityscapes classes. Day + night = day scenes plus the same scenes translated by UNIT + VGG. Self-training fine-tunes ${SEGMENTER_ROWS[teacherKey]} (chosen on translated-night validation scenes) on labelled + ${histIdx.length} pseudo-labelled real night images.`,
  });

  // translators: FID of translated day → night against real night, and of real night → day against day,
  // on the day-only segmenter's P3 features (trained on day only, so it favours neither translator)
  const judge = featureModel(models.seg_day!);
  const statsOf = async (images: { data: Float32Array; height: number; width: number; channels: number }[]): Promise<FeatureStatistics> => {
    const st = new FeatureStatistics();
    for (const im of images) st.update(await imageFeatures(judge, im));
    return st;
  };
  const testSamples = await mapSamples(data.test, async (s) => s);
  const realNightStats = await statsOf(testSamples.map((s) => s.image));
  const realDayStats = await statsOf(testSamples.map((s) => s.clear!));
  const translate = (u: UnitTranslator | null, im: { data: Float32Array; height: number; width: number; channels: number }, from: 'a' | 'b') => {
    if (!u) return im;
    const x = rasterToBatch(im);
    const y = tf.tidy(() => u.translate(x, from));
    const [r] = batchToRasters(y);
    tf.dispose([x, y]);
    return r!;
  };
  const translatorFid: Record<string, { fidNight: number; fidDay: number }> = {};
  for (const [row, u] of [['No translation', null], ...Object.entries(translators)] as [string, UnitTranslator | null][]) {
    // the test scenes' day renderings → night vs the real night images, and the reverse; same scenes, so only the domain differs
    const toNight = await statsOf(testSamples.map((s) => translate(u, s.clear!, 'a')));
    const toDay = await statsOf(testSamples.map((s) => translate(u, s.image, 'b')));
    translatorFid[row] = { fidNight: toNight.frechetDistance(realNightStats), fidDay: toDay.frechetDistance(realDayStats) };
  }
  const translatorTable: ReportTable = {
    title: 'Translators: FID (lower is better; the thesis\'s Table 4.2)',
    columns: ['', 'FID_Night', 'FID_Day'],
    rows: Object.entries(translatorFid).map(([k, v]) => [k, v.fidNight, v.fidDay]),
    digits: 3,
    best: { FID_Night: 'min', FID_Day: 'min' },
    bestExclude: ['No translation'],
    caption:
      'FID_Night: day renderings of the test scenes translated to night vs the real night test images; FID_Day: real night test images translated to day vs their day renderings. ' +
      'Features: FPN P3 (stride 8) of the day-only segmenter, every position one vector (not InceptionV3: no ImageNet weights are downloaded). "No translation" compares the untranslated images.',
  };

  // ── sample grid: day, both translations, real night; segmentations of the real night ──
  const gridRows: GridCell[][] = [];
  for (const s of testSamples.slice(0, 3)) {
    const img = (r: { data: Float32Array; height: number; width: number; channels: number }) => rasterToBatch(r);
    const dayT = img(s.clear!);
    const nightT = img(s.image);
    const cells: GridCell[] = [
      { image: tf.squeeze(dayT, [0]), caption: 'day' },
      { image: tf.tidy(() => tf.squeeze(unitPlain!.translate(dayT, 'a'), [0])), caption: 'UNIT' },
      { image: tf.tidy(() => tf.squeeze(unitVgg!.translate(dayT, 'a'), [0])), caption: 'UNIT+VGG' },
      { image: tf.squeeze(nightT, [0]), caption: 'real night' },
    ];
    const segs: GridCell[] = Object.entries(SEGMENTER_ROWS).map(([k, row]) => ({
      image: tf.tidy(() => tf.squeeze(tf.argMax(models[k]!.predict(nightT) as Tensor, -1), [0])),
      caption: row.replace('+ self-training', 'ST').replace('Day + night, ', 'D+N '),
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
  const content: ReportContent = {
    title: 'Day → night semantic segmentation (UNIT + FPN + self-training)',
    subtitle: `${data.source}; backend ${backend.name}`,
    tables: [table, translatorTable],
    curves: [
      ...phaseCurves(byName('unit'), 'UNIT', { generator: ['g_total'], discriminator: ['d_total'] }),
      ...phaseCurves(byName('unit_vgg'), 'UNIT + VGG', { generator: ['g_total'], discriminator: ['d_total'], vgg: ['g_vggA', 'g_vggB'] }),
      ...phaseCurves(byName('seg_day'), 'segmenter day only', { loss: ['seg_total'] }),
      ...phaseCurves(byName('seg_ce'), 'segmenter day+night CE', { loss: ['seg_total'] }),
      ...phaseCurves(byName('seg_focal'), 'segmenter day+night CE+focal', { loss: ['seg_total'] }),
      ...phaseCurves(byName('self_hist'), 'self-training (histogram)', { loss: ['seg_total'] }),
      ...phaseCurves(byName('self_fid'), 'self-training (FID)', { loss: ['seg_total'] }),
      ...phaseCurves(byName('self_fid'), 'memory', { tensors: ['numTensors'] }),
    ],
    images: [
      {
        title: 'Night test samples',
        items: [{ src: gridPath, label: 'per scene: day rendering / UNIT / UNIT+VGG translation of it / real night; segmentations of the real night by each segmenter + labels' }],
      },
    ],
    summary: {
      backend: backend.name,
      data: data.source,
      size: o.size,
      steps: { unit: unitSteps, unit_vgg: unitSteps, seg_day: segSteps, seg_ce: segSteps, seg_focal: segSteps, self_hist: selfSteps, self_fid: selfSteps },
      batch: { unit: 1, segmenter: o.batch },
      seed: o.seed,
      loss: { alpha, gamma, vggLayer, vggWeights: o.vggWeights ?? 'random' },
      teacher: teacherKey,
      validationMIoU: { seg_ce: valCe.meanIoU, seg_focal: valFocal.meanIoU },
      selection: {
        band,
        histogram: histIdx.map((i) => poolSamples[i]!.name),
        fid: fidIdx.map((i) => poolSamples[i]!.name),
        nightness: Object.fromEntries(poolSamples.map((s, i) => [s.name, hist.scores[i]])),
      },
      scores: Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, { ...v, iou: undefined }])),
      translatorFid,
      seconds: secondsSince(t0),
    },
    notes: [
      vggNote,
      `Day + night training images were translated by the UNIT + VGG translator (b). CE + focal: α = ${alpha}, γ = ${gamma}, no focal α_t.`,
      `Teacher for pseudo-labels: ${SEGMENTER_ROWS[teacherKey]}, the better by mIoU on held-out day scenes translated to night (${valCe.meanIoU.toFixed(4)} CE vs ${valFocal.meanIoU.toFixed(4)} CE+focal); no real-night labels are used for any choice.`,
      histNote,
      `FID selection: the ${fidIdx.length} pool images whose per-image statistics of the teacher's FPN P3 features are closest (Fréchet distance) to those of the translators' night-domain images (selectByFid with count = the histogram's count).`,
      `Pseudo-labels are the teacher's argmax on every pixel (no confidence threshold, as in the thesis); self-training fine-tunes the teacher on labelled day + translated night + pseudo-labelled images for ${selfSteps} steps at lr ${selfLr}.`,
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
  return {
    scores,
    translatorFid,
    table: md,
    translatorTable: mdTranslators,
    report,
    phases,
    selection: { teacher: teacherKey, histogram: histIdx.map((i) => poolSamples[i]!.name), fid: fidIdx.map((i) => poolSamples[i]!.name) },
    models: saved,
    seconds: secondsSince(t0),
    dispose() {
      for (const m of Object.values(models)) m.dispose();
      for (const d of disposables) d.dispose();
    },
  };
}

/** Applies `f` to every sample of `ds`, in order. */
async function mapSamples<T>(ds: Dataset, f: (s: HostSample) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ds.length; i++) out.push(await f((await ds.get(i)) as HostSample));
  return out;
}

type HostImage = { data: Float32Array; height: number; width: number; channels: number };
type HostSample = Sample & { image: HostImage; labels?: Sample['image']; clear?: HostImage };

/** A model sharing the segmenter's layers up to FPN level P3 (not disposed: it owns no weights of its own). */
function featureModel(seg: tfl.LayersModel): tfl.LayersModel {
  return tfl.model({ inputs: seg.inputs, outputs: seg.getLayer('fpn_output3').output as tfl.SymbolicTensor });
}

/** P3 features of one host image as a `[P, D]` matrix (P = positions). */
async function imageFeatures(m: tfl.LayersModel, image: HostImage): Promise<{ data: Float32Array; shape: [number, number] }> {
  const x = rasterToBatch(image);
  const f = m.predict(x) as Tensor;
  const d = f.shape[3]!;
  const data = (await f.data()) as Float32Array;
  tf.dispose([x, f]);
  return { data, shape: [data.length / d, d] };
}
