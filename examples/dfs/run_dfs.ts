/**
 * DFS — dehazing for segmentation (the DFS poster and seed code, in
 * `shared/papers/dfs-*`):
 * 1. train a segmenter on clear images (then freeze it);
 * 2. train a pix2pix dehazer with `L_GAN + λ1·L1 (+ λ2·perceptual)` ("Dehaze");
 * 3. train the same dehazer from the same initial weights, on the same batches,
 *    adding `λ3·L_seg` — the frozen segmenter's loss on the dehazed image ("DFS");
 * 4. evaluate on a held-out test set: PSNR / SSIM against the clear image and the
 *    segmenter's PA / mPA / mIoU / FWIoU (and the Cityscapes four) on
 *    Hazy / Dehaze / DFS / GT (clear) — the poster's table.
 */
import { join } from 'node:path';
import {
  createGanStep,
  fileSystemIO,
  dfsGeneratorLoss,
  ganDiscriminatorLoss,
  initWeights,
  loadVgg19Weights,
  markdownTable,
  patchGanDiscriminator,
  tf,
  unetGenerator,
  vgg19Features,
  writeReport,
  disposeBatch,
  trainPhase,
  type Batch,
  type GanStep,
  type NanGuard,
  type BatchOptions,
  type GridCell,
  type ReportContent,
  type TrainPhaseResult,
  type Vgg19Extractor,
  type SegmentationConsistencyMode,
} from '../../src/index.js';
import type { Tensor, Tensor4D, tfl } from '../../src/tf.js';
import type { CommonOptions } from '../common/cli.js';
import { folderSplits, syntheticSplits, type ExampleSplits } from '../common/data.js';
import { evaluateRows, type EvalBatch, type RowScores } from '../common/evaluate.js';
import { trainBaseSegmenter } from '../common/segmenter.js';
import { CITYSCAPES_COLUMNS, RESTORATION_COLUMNS, SEGMENTATION_COLUMNS, phaseCurves, scoreTable, writeGrid } from '../common/report.js';
import { secondsSince, setupRun } from '../common/setup.js';
import { exportWebModels } from '../web/node/export_models.js';

/** A training batch of the dehazers: hazy `image`, `clear` target, `labels`. */
type DfsBatch = Batch<'image' | 'clear' | 'labels'>;

/** Options of {@link runDfs} (the CLI's flags). */
export interface DfsOptions extends CommonOptions {
  /** segmenter training steps (default: = steps) */
  segSteps?: number;
  /** λ1 (L1), λ2 (perceptual), λ3 (L_seg); defaults 10, 0, 10 — λ2 needs `vggWeights` */
  lambdaPixel?: number;
  lambdaPerceptual?: number;
  lambdaSeg?: number;
  /** L_seg form (default 'l2', the poster's L2 between the segmenter's softmax and one-hot labels; 'ce' is SPEC's library default) */
  segMode?: SegmentationConsistencyMode;
  /** VGG-19 weights for the perceptual term (safetensors or tfjs model.json) */
  vggWeights?: string;
  /** fog of the synthetic scenes: β range in 1/m (default [0.01, 0.03]) */
  beta?: [number, number];
  /** Foggy Cityscapes β when `data` is a Cityscapes root (default 0.02) */
  foggyBeta?: number;
  /** generator width and depth (default 16, numDowns from the size) */
  ngf?: number;
  /** segmenter width (default 16) */
  segFilters?: number;
  /** learning rates (defaults: G and D 2e-4 (pix2pix), segmenter 1e-3) */
  lr?: number;
  segLr?: number;
  /** print nothing (tests) */
  quiet?: boolean;
  /** simulate a crash after this step of this phase (tests) */
  stopAfter?: { phase: 'segmenter' | 'dehaze' | 'dfs'; step: number };
}

export interface DfsResult {
  scores: Record<string, RowScores>;
  /** the printed table (Markdown) */
  table: string;
  report: { html: string; summary: string; markdown: string };
  phases: TrainPhaseResult[];
  models: { segmenter: tfl.LayersModel; dehaze: tfl.LayersModel; dfs: tfl.LayersModel };
  seconds: number;
}

const NUM_CLASSES = 19;

/** How the report names each `--seg-loss` (the L_seg forms of `dfsGeneratorLoss`). */
const SEG_MODE_WORDS: Record<SegmentationConsistencyMode, string> = {
  lovasz: 'Lovász-Softmax loss (an IoU surrogate) of the frozen segmenter against the labels',
  dice: 'Dice loss of the frozen segmenter against the labels',
  l2: 'mean squared error between the frozen segmenter\'s softmax and the one-hot labels',
  ce: 'cross-entropy of the frozen segmenter against the labels',
  kl: 'KL divergence between the frozen segmenter\'s outputs on the clear and the dehazed image',
};

/** Largest U-Net depth (5..8) whose bottleneck still has ≥ 1 pixel. */
function numDownsFor([h, w]: [number, number]): number {
  let n = 5;
  while (n < 8 && Math.min(h, w) % 2 ** (n + 1) === 0) n++;
  if (Math.min(h, w) % 2 ** n !== 0) throw new Error(`--size ${h}x${w}: height and width must be multiples of 32 for the U-Net dehazer`);
  return n;
}

export async function runDfs(o: DfsOptions): Promise<DfsResult> {
  const t0 = performance.now();
  const backend = await setupRun(o);
  const say = (m: string): void => {
    if (!o.quiet) console.log(m);
  };

  const splits: ExampleSplits = o.data
    ? folderSplits(o.data, { size: o.size, foggyBeta: o.foggyBeta ?? 0.02 })
    : await syntheticSplits({ size: o.size, trainCount: o.trainCount, testCount: o.testCount, seed: o.seed, scenes: { fog: { beta: o.beta ?? [0.01, 0.03], airlight: [0.8, 1] } } });
  say(`data: ${splits.source}`);
  const batchOptions = <F extends string>(fields: F[]): BatchOptions<F> => ({ batchSize: o.batch, shuffle: true, flip: true, seed: o.seed, resize: splits.resize, fields });

  const segBatches = batchOptions(['clear', 'labels']);
  const ganBatches = batchOptions(['image', 'clear', 'labels']);

  // ── 1. segmenter on clear images ────────────────────────────────────────────
  const { segmenter, phase: segPhase } = await trainBaseSegmenter(
    {
      out: o.out,
      steps: o.segSteps ?? o.steps,
      checkpointEvery: o.checkpointEvery,
      resume: o.resume,
      seed: o.seed,
      quiet: o.quiet,
      stopAfter: o.stopAfter?.phase === 'segmenter' ? o.stopAfter.step : undefined,
      filters: o.segFilters,
      lr: o.segLr,
      numClasses: NUM_CLASSES,
    },
    (i) => splits.train.batchAt(i, segBatches),
    'clear',
  );
  const phases: TrainPhaseResult[] = [segPhase];

  // ── 2./3. dehazers without and with L_seg, same init, same batches ──────────
  const extractor: Vgg19Extractor | undefined =
    (o.lambdaPerceptual ?? 0) > 0
      ? o.vggWeights
        ? vgg19Features({ layers: ['conv5_4'], weights: await loadVgg19Weights(o.vggWeights) })
        : (() => {
            throw new Error('--lambda-perceptual > 0 needs --vgg-weights (see docs/weights.md); nothing is downloaded');
          })()
      : undefined;
  const numDowns = numDownsFor(o.size);
  const trainDehazer = async (name: string, lambdaSeg: number): Promise<tfl.LayersModel> => {
    const G = unetGenerator({ numDowns, ngf: o.ngf ?? 16, norm: 'instance', dropout: false, name: `G_${name}` });
    const D = patchGanDiscriminator({ inChannels: 6, ndf: o.ngf ?? 16, nLayers: 2, norm: 'instance', name: `D_${name}` });
    // same seed for both runs: they start from identical weights
    initWeights(G, { seed: o.seed + 1 });
    initWeights(D, { seed: o.seed + 2 });
    const gOpt = tf.train.adam(o.lr ?? 2e-4, 0.5, 0.999);
    const dOpt = tf.train.adam(o.lr ?? 2e-4, 0.5, 0.999);
    const Dtrain = (x: Tensor): Tensor => D.apply(x, { training: true }) as Tensor;
    let gan: GanStep<DfsBatch> | undefined;
    // built at the first step run, when the phase's NaN guard and start step are known
    const makeGan = (guard: NanGuard, startStep: number): GanStep<DfsBatch> => createGanStep<DfsBatch>({
      guard,
      startStep,
      generatorVariables: [G],
      discriminatorVariables: [D],
      generatorOptimizer: gOpt,
      discriminatorOptimizer: dOpt,
      discriminatorLoss: (b) => {
        const hazy = b.image;
        const fake = G.apply(hazy, { training: true }) as Tensor4D;
        return ganDiscriminatorLoss(Dtrain(tf.concat([hazy, b.clear], -1)), Dtrain(tf.concat([hazy, fake], -1)), { mode: 'lsgan' });
      },
      generatorLoss: (b) =>
        dfsGeneratorLoss(
          {
            hazy: b.image,
            dehazed: G.apply(b.image, { training: true }) as Tensor4D,
            clear: b.clear,
            labels: b.labels,
            discriminator: Dtrain,
            extractor,
            segmenter,
          },
          { lambdaPixel: o.lambdaPixel ?? 10, lambdaPerceptual: extractor ? (o.lambdaPerceptual ?? 0) : 0, lambdaSeg, segMode: o.segMode ?? 'l2' },
        ),
    });
    phases.push(
      await trainPhase({
        name,
        out: o.out,
        steps: o.steps,
        checkpointEvery: o.checkpointEvery,
        resume: o.resume,
        models: { G, D },
        optimizers: { gOpt, dOpt },
        quiet: o.quiet,
        stopAfter: o.stopAfter?.phase === name ? o.stopAfter.step : undefined,
        step: async (s, guard) => {
          // the same batch sequence for both dehazers (seed, not the phase, decides it)
          const b = await splits.train.batchAt(s - 1, ganBatches);
          try {
            gan ??= makeGan(guard, s - 1);
            return await gan(b);
          } finally {
            disposeBatch(b);
          }
        },
      }),
    );
    D.dispose();
    return G;
  };
  const lambdaSeg = o.lambdaSeg ?? 10;
  const dehaze = await trainDehazer('dehaze', 0);
  // a non-default L_seg gets its own phase (checkpoints), so one --out can hold the segmenter and
  // Dehaze once and a DFS dehazer per L_seg (the reproduction study resumes into it)
  const dfsPhase = (o.segMode ?? 'l2') === 'l2' ? 'dfs' : `dfs-${o.segMode}`;
  const dfs = await trainDehazer(dfsPhase, lambdaSeg);

  // ── 4. held-out evaluation ──────────────────────────────────────────────────
  const gridRows: GridCell[][] = [];
  const predict = (m: tfl.LayersModel) => (b: EvalBatch) => m.predict(b.image) as Tensor4D;
  const scores = await evaluateRows({
    test: splits.test,
    rows: { Hazy: (b) => b.image, Dehaze: predict(dehaze), DFS: predict(dfs), 'GT (clear)': (b) => b.clear! },
    segmenter,
    numClasses: NUM_CLASSES,
    cityscapes: splits.hasInstances,
    batchSize: Math.max(o.batch, 4),
    resize: splits.resize,
    onBatch: (b, images, i) => {
      if (i > 0) return;
      const n = Math.min(3, b.image.shape[0]);
      for (let j = 0; j < n; j++) {
        const pick = (t: Tensor) => tf.tidy(() => tf.squeeze(tf.slice(t, j, 1), [0]));
        const imgs = Object.entries(images).map(([name, t]) => ({ image: pick(t), caption: name }));
        const segs = Object.entries(images).map(([name, t]) => ({
          image: tf.tidy(() => tf.squeeze(tf.argMax(segmenter.predict(tf.slice(t, j, 1)) as Tensor, -1), [0])),
          caption: `seg(${name})`,
          kind: 'labels' as const,
        }));
        gridRows.push(imgs, [...segs, { image: pick(b.labels!), caption: 'labels', kind: 'labels' as const }]);
      }
    },
  });
  const gridPath = await writeGrid(o.out, 'test_samples.png', gridRows);
  for (const row of gridRows) for (const c of row) tf.dispose((c as { image: Tensor }).image);

  const columns = { ...RESTORATION_COLUMNS, ...SEGMENTATION_COLUMNS, ...(splits.hasInstances ? CITYSCAPES_COLUMNS : {}) };
  const table = scoreTable('Held-out test set: restoration and segmentation (the DFS poster table)', scores, columns, {
    reference: ['GT (clear)'],
    caption:
      'PSNR/SSIM (Wang: Gaussian 11, σ 1.5, valid) against the clear image; segmentation by the segmenter trained on clear images, on each column\'s image. PA, mPA, mIoU, FWIoU over 19 Cityscapes classes; IoU/iIoU class/category: the Cityscapes benchmark\'s averages. Best of Hazy/Dehaze/DFS in bold.',
  });
  const md = markdownTable(table);
  const content: ReportContent = {
    title: 'DFS — dehazing for segmentation',
    subtitle: `${splits.source}; backend ${backend.name}`,
    tables: [table],
    curves: [
      ...phaseCurves(phases[0]!.logPath, 'segmenter', { loss: ['seg_total'] }),
      ...phaseCurves(phases[1]!.logPath, 'dehaze', { generator: /^g_/, discriminator: /^d_/ }),
      ...phaseCurves(phases[2]!.logPath, 'dfs', { generator: /^g_/, discriminator: /^d_/ }),
      ...phaseCurves(phases[2]!.logPath, 'memory', { tensors: ['numTensors'] }),
    ],
    images: [{ title: 'Held-out test samples: images (top) and segmentations (bottom)', items: [{ src: gridPath, label: 'Hazy / Dehaze / DFS / GT (clear); seg of each + labels' }] }],
    summary: {
      backend: backend.name,
      data: splits.source,
      size: o.size,
      steps: { segmenter: o.segSteps ?? o.steps, dehaze: o.steps, dfs: o.steps },
      batch: o.batch,
      seed: o.seed,
      lambdas: { pixel: o.lambdaPixel ?? 10, perceptual: extractor ? o.lambdaPerceptual : 0, seg: lambdaSeg, gan: 1 },
      segMode: o.segMode ?? 'l2',
      scores: Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, { ...v, iou: undefined }])),
      seconds: secondsSince(t0),
    },
    notes: [
      `Dehaze and DFS start from the same initial weights and see the same batches; they differ only in the L_seg term (λ3 · ${SEG_MODE_WORDS[o.segMode ?? 'l2']} on the dehazed image).`,
      extractor ? '' : 'The perceptual term (λ2) is off: it needs VGG-19 weights (--vgg-weights, see docs/weights.md) and nothing is downloaded.',
    ].filter(Boolean),
  };
  const report = await writeReport(o.out, content);
  const models = { segmenter, dehaze, dfs };
  for (const [k, m] of Object.entries(models)) await m.save(fileSystemIO(join(o.out, 'models', k)));
  // the web page's models folder (examples/web): the DFS dehazer and the segmenter, at the size they were trained at
  const fogBeta = o.data ? (o.foggyBeta ?? 0.02) : ((o.beta ?? [0.01, 0.03])[0] + (o.beta ?? [0.01, 0.03])[1]) / 2;
  await exportWebModels(join(o.out, 'web-models'), {
    dehazer: dfs,
    segmenter,
    height: o.size[0],
    width: o.size[1],
    numClasses: NUM_CLASSES,
    fog: { beta: fogBeta, airlight: 0.9 },
    source: `DFS dehazer (λ3 = ${lambdaSeg}) + segmenter, ${o.steps} steps on ${splits.source}`,
  });
  return { scores, table: md, report, phases, models, seconds: secondsSince(t0) };
}
