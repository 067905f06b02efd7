/**
 * Metric cases: every `metrics_images.json` case (PSNR, SSIM in each variant, the 2009
 * downsampling SSIM, MS-SSIM) through the tensor functions on the page's backend; every
 * `metrics_confusion.json` case through `ConfusionMatrix` from host arrays, label tensors and
 * (for `plain`) logit tensors reduced by arg-max on the backend; and the hand-computed
 * Cityscapes IoU / iIoU case of `test/metrics_cityscapes.test.ts`. Tolerances are the Node
 * tests': 1e-5 (1e-4 on images over 10⁵ pixels), counts exact, host scores 1e-12.
 */
import { CITYSCAPES_AVG_CLASS_SIZE } from '../../../src/metrics/cityscapes_avg_class_size.js';
import { makePair } from '../../helpers/metrics_pairs.js';
import type { ConfusionCase, FixtureCase, Fixtures, ImageCase, Lib } from './types.js';

type Shape4 = [number, number, number, number];

function imageCase(c: ImageCase, index: number): FixtureCase {
  const big = c.shape[1]! * c.shape[2]! > 100_000;
  return {
    name: `${c.name} ${JSON.stringify(c.options)} [${c.shape.join(',')}] R=${c.dataRange}`,
    rtol: big ? 1e-4 : 1e-5,
    expected: (fx) => fx.metricsImages.cases[index]!.expected,
    compute: (lib) => lib.tf.tidy(() => {
      const [a, b] = makePair(c.shape, c.seed, c.scale);
      const ta = lib.tf.tensor4d(a, c.shape as Shape4);
      const tb = lib.tf.tensor4d(b, c.shape as Shape4);
      const fn = { psnr: lib.psnr, ssim: lib.ssim, msSsim: lib.msSsim }[c.name];
      return Array.from(fn(ta, tb, { dataRange: c.dataRange, ...c.options }).dataSync());
    }),
  };
}

type LabelFeed = (lib: Lib, c: ConfusionCase, cm: InstanceType<Lib['ConfusionMatrix']>) => void;

/** One-hot-ish logits whose arg-max is the prediction (as in `test/metrics_confusion.test.ts`). */
function logitsOf(c: ConfusionCase): Float32Array {
  const k = c.numClasses;
  const out = new Float32Array(c.pred.length * k);
  c.pred.forEach((p, i) => {
    for (let j = 0; j < k; j++) out[i * k + j] = j === p ? 2 : -1 + 0.1 * j;
  });
  return out;
}

const FEEDS: Record<string, LabelFeed> = {
  'Int32Array': (_lib, c, cm) => cm.update(Int32Array.from(c.pred), Int32Array.from(c.target)),
  'Uint8Array {data, shape}': (_lib, c, cm) => cm.update({ data: Uint8Array.from(c.pred), shape: c.shape }, { data: Uint8Array.from(c.target), shape: c.shape }),
  'int32 tensors': (lib, c, cm) => lib.tf.tidy(() => cm.update(lib.tf.tensor(c.pred, c.shape, 'int32'), lib.tf.tensor(c.target, c.shape, 'int32'))),
  'logit tensor (arg-max)': (lib, c, cm) =>
    lib.tf.tidy(() => cm.update(lib.tf.tensor(logitsOf(c), [...c.shape, c.numClasses]), lib.tf.tensor(c.target, c.shape, 'int32'))),
};

const nan = (v: (number | null)[]) => v.map((x) => (x === null ? NaN : x));

function confusionCases(c: ConfusionCase, index: number): FixtureCase[] {
  const feeds = Object.entries(FEEDS).filter(([name]) => name !== 'logit tensor (arg-max)' || c.name === 'plain');
  const exp = (fx: Fixtures) => fx.metricsConfusion.cases[index]!.expected;
  return feeds.flatMap(([feedName, feed]) => {
    const metrics = (lib: Lib) => {
      const cm = new lib.ConfusionMatrix(c.numClasses);
      feed(lib, c, cm);
      return cm.compute();
    };
    return [
      {
        name: `ConfusionMatrix ${c.name} ${feedName}: matrix`,
        rtol: 0,
        expected: (fx) => exp(fx).matrix.flat(),
        compute: (lib) => metrics(lib).matrix.flat(),
      },
      {
        name: `ConfusionMatrix ${c.name} ${feedName}: scores`,
        rtol: 1e-12,
        expected: (fx) => {
          const e = exp(fx);
          return [e.pixelAccuracy, e.meanAccuracy, e.meanIoU, e.fwIoU, ...nan(e.accuracy), ...nan(e.iou), ...nan(e.dice)];
        },
        compute: (lib) => {
          const r = metrics(lib);
          return [r.pixelAccuracy, r.meanAccuracy, r.meanIoU, r.fwIoU, ...r.accuracy, ...r.iou, ...r.dice];
        },
      },
    ] satisfies FixtureCase[];
  });
}

// The hand-computed 3×6 Cityscapes image of test/metrics_cityscapes.test.ts (labelIds, instance ids).
const CS_GT = [7, 7, 7, 26, 26, 26, 24, 24, 0, 0, 26, 26, 7, 7, 23, 23, 0, 9];
const CS_INST = [7, 7, 7, 26001, 26001, 26001, 24001, 24001, 0, 0, 26002, 26002, 7, 7, 23, 23, 0, 9];
const CS_PRED = [26, 7, 8, 26, 26, 7, 24, 25, 26, 7, 26, 26, 9, 7, 23, 23, 23, 7];
const CS_CLASSES = ['road', 'sidewalk', 'car', 'person', 'rider', 'sky'];
const CS_CATEGORIES = ['flat', 'sky', 'human', 'vehicle'];

/** The by-hand values (derivation in test/metrics_cityscapes.test.ts). */
function cityscapesExpected(): number[] {
  const A = CITYSCAPES_AVG_CLASS_SIZE.car!;
  const carInst = (5 * A) / 3 / ((5 * A) / 3 + 1 + A / 3);
  return [1 / 3, 0, 2 / 3, 0.5, 0, 1, 2.5 / 6, carInst, 0.5, 0, (carInst + 0.5) / 3, 0.5, 1, 1, 2 / 3, (0.5 + 1 + 1 + 2 / 3) / 4, 1, carInst, (1 + carInst) / 2];
}

function cityscapesValues(r: ReturnType<InstanceType<Lib['CityscapesEvaluator']>['compute']>): number[] {
  return [
    ...CS_CLASSES.map((k) => r.classIou[k]!),
    r.iouClass,
    r.classInstIou.car!, r.classInstIou.person!, r.classInstIou.rider!,
    r.iiouClass,
    ...CS_CATEGORIES.map((k) => r.categoryIou[k]!),
    r.iouCategory,
    r.categoryInstIou.human!, r.categoryInstIou.vehicle!,
    r.iiouCategory,
  ];
}

const cityscapesCases: FixtureCase[] = [
  {
    name: 'CityscapesEvaluator hand case, host arrays',
    rtol: 1e-12,
    expected: cityscapesExpected,
    compute: (lib) => {
      const ev = new lib.CityscapesEvaluator();
      ev.update({ data: Uint8Array.from(CS_PRED), shape: [3, 6] }, { data: Uint8Array.from(CS_GT), shape: [3, 6] }, { data: Int32Array.from(CS_INST), shape: [3, 6] });
      return cityscapesValues(ev.compute());
    },
  },
  {
    // the same image twice: every weighted quantity doubles, the scores do not change
    name: 'CityscapesEvaluator hand case ×2, prediction tensor',
    rtol: 1e-12,
    expected: cityscapesExpected,
    compute: (lib) => {
      const twice = (v: number[]) => Int32Array.from([...v, ...v]);
      const ev = new lib.CityscapesEvaluator();
      lib.tf.tidy(() => ev.update(lib.tf.tensor(twice(CS_PRED), [2, 3, 6], 'int32'), { data: twice(CS_GT), shape: [2, 3, 6] }, { data: twice(CS_INST), shape: [2, 3, 6] }));
      return cityscapesValues(ev.compute());
    },
  },
];

/** Every metric case; `fx` decides which image and confusion cases exist. */
export function metricCases(fx: Fixtures): FixtureCase[] {
  return [
    ...fx.metricsImages.cases.map(imageCase),
    ...fx.metricsConfusion.cases.flatMap(confusionCases),
    ...cityscapesCases,
  ];
}
