// Issue 16 audit, losses: one row per bad-input case with its expected outcome, run on wasm and cpu.
// Policy (docs/errors.md): NaN/±Inf in a prediction → a non-finite loss (never finite, never 0);
// NaN/±Inf in data (targets, real images) → InvalidArgumentError naming the argument;
// empty batch → exactly 0 with a zero gradient; out-of-range / NaN options → InvalidArgumentError.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import type { Tensor, Tensor4D } from '../src/tf.js';
import { InvalidArgumentError } from '../src/errors.js';
import { loadVgg19Weights, vgg19Features, type Vgg19Extractor } from '../src/models/index.js';
import {
  charbonnierLoss,
  combinedCeFocalLoss,
  cooperativeRefinementLoss,
  cooperativeRestorationLoss,
  crossEntropyLoss,
  dfsGeneratorLoss,
  diceLoss,
  focalLoss,
  ganDiscriminatorLoss,
  ganGeneratorLoss,
  gaussianKl,
  gradientPenalty,
  gramMatrix,
  klLoss,
  l1Loss,
  l2Loss,
  lovaszSoftmaxLoss,
  perceptualLoss,
  segmentationConsistencyLoss,
  styleLoss,
  totalVariationLoss,
  unitDiscriminatorLoss,
  unitGeneratorLoss,
  type CompositeLoss,
  type GanMode,
  type LossReduction,
} from '../src/losses/index.js';
import { fixturePath } from './helpers/index.js';

type Expect =
  | { error: RegExp } // InvalidArgumentError whose message matches
  | { nan: true } // a NaN loss
  | { nonFinite: true } // NaN or ±Inf
  | { finite: true } // accepted: a finite loss
  | { value: number; shape?: number[] }; // every element equals value (±0 alike); shape when given

interface Row {
  name: string;
  run: () => unknown;
  expect: Expect;
  /** empty-batch rows: the loss as a function of its prediction, whose gradient must be finite zeros */
  grad?: { f: (x: Tensor) => Tensor; x: () => Tensor };
}

// ---- inputs (tiny; built inside each call, registered in `made` and disposed after it, so the leak
// check counts only what the loss itself leaves behind — a tf.tidy around the call would hide that) ----
const made: Tensor[] = [];
function inp<T extends Tensor>(t: T): T {
  made.push(t);
  return t;
}
const K = 3;
const labels = () => inp(tf.tensor([0, 1, 2, 0, 1, 2, 0, 1], [1, 2, 4], 'int32'));
const ignored = () => inp(tf.fill([1, 2, 4], 255, 'int32'));
/** Logits [1, 2, 4, 3] with `v` at one element. */
const logits = (v = 0.5) => inp(tf.tensor(Array.from({ length: 24 }, (_, i) => (i === 5 ? v : Math.sin(i))), [1, 2, 4, K]));
/** An image [1, 4, 4, 3] in [-1, 1] with `v` at one element. */
const img = (v = 0.25, seed = 0) => inp(tf.tensor(Array.from({ length: 48 }, (_, i) => (i === 7 ? v : Math.cos(i + seed) * 0.5)), [1, 4, 4, 3]) as Tensor4D);
const vggImg = (v = 0.25, seed = 0) => inp(tf.tensor(Array.from({ length: 192 }, (_, i) => (i === 7 ? v : Math.cos(i + seed) * 0.5)), [1, 8, 8, 3]) as Tensor4D);
const zeros = (shape: number[]) => inp(tf.zeros(shape));
const intZeros = (shape: number[]) => inp(tf.zeros(shape, 'int32'));

const NON_FINITE: [string, number, Expect][] = [
  ['NaN', NaN, { nan: true }],
  ['+Inf', Infinity, { nonFinite: true }],
  ['-Inf', -Infinity, { nonFinite: true }],
];
const REDUCTIONS: LossReduction[] = ['mean', 'sum', 'none'];
const MODES: GanMode[] = ['vanilla', 'lsgan', 'hinge', 'wgan'];

let vgg: Vgg19Extractor;
/** A conv network (any input depth → 2 channels); on an empty batch its wasm output feeds reductions that read uninitialised memory. */
const convNet = (x: Tensor) => tf.tidy(() => tf.conv2d(x as Tensor4D, tf.fill([3, 3, x.shape[3]!, 2], 0.1) as tf.Tensor4D, 1, 'same'));
/** A segmenter that hides NaN/±Inf where a ReLU does. */
const reluSegmenter = (x: Tensor) => tf.relu(x);

function rows(): Row[] {
  const r: Row[] = [];

  // 1. NaN/±Inf in the PREDICTION → non-finite loss
  for (const [label, v, exp] of NON_FINITE) {
    const seg: [string, (l: Tensor, y: Tensor) => Tensor][] = [
      ['crossEntropyLoss', (l, y) => crossEntropyLoss(l, y)],
      ['focalLoss', (l, y) => focalLoss(l, y)],
      ['combinedCeFocalLoss', (l, y) => combinedCeFocalLoss(l, y)],
      ['diceLoss', (l, y) => diceLoss(l, y)],
      ['diceLoss sum', (l, y) => diceLoss(l, y, { reduction: 'sum' })],
      ['lovaszSoftmaxLoss', (l, y) => lovaszSoftmaxLoss(l, y)],
      ['lovaszSoftmaxLoss perImage', (l, y) => lovaszSoftmaxLoss(l, y, { perImage: true })],
    ];
    for (const [name, f] of seg) {
      r.push({ name: `${name}: ${label} in logits`, run: () => f(logits(v), labels()), expect: exp });
      // every pixel ignored: the mean's 0/0 branch must not turn NaN into 0
      r.push({ name: `${name}: ${label} in logits, all pixels ignored`, run: () => f(logits(v), ignored()), expect: { nonFinite: true } });
    }
    // the same while recording gradients (the trap runs in a custom-gradient forward pass)
    const taped = (f: (x: Tensor) => Tensor, x: Tensor) => {
      const { value, grad } = tf.valueAndGrad(f)(x);
      grad.dispose();
      return value;
    };
    r.push({ name: `diceLoss under tf.valueAndGrad: ${label} in logits`, run: () => taped((l) => diceLoss(l, labels()), logits(v)), expect: exp });
    r.push({ name: `ganGeneratorLoss vanilla under tf.valueAndGrad: ${label} in fakeLogits`, run: () => taped((x) => ganGeneratorLoss(x, { mode: 'vanilla' }), img(v)), expect: exp });
    r.push({ name: `l1Loss: ${label} in prediction`, run: () => l1Loss(img(v), img()), expect: exp });
    r.push({ name: `l2Loss: ${label} in prediction`, run: () => l2Loss(img(v), img()), expect: exp });
    r.push({ name: `charbonnierLoss: ${label} in prediction`, run: () => charbonnierLoss(img(v), img()), expect: exp });
    for (const mode of MODES) {
      r.push({ name: `ganGeneratorLoss ${mode}: ${label} in fakeLogits`, run: () => ganGeneratorLoss(img(v), { mode }), expect: exp });
      r.push({ name: `ganDiscriminatorLoss ${mode}: ${label} in realLogits`, run: () => ganDiscriminatorLoss(img(v), img(), { mode }), expect: exp });
      r.push({ name: `ganDiscriminatorLoss ${mode}: ${label} in fakeLogits`, run: () => ganDiscriminatorLoss(img(), img(v), { mode }), expect: exp });
    }
    r.push({ name: `totalVariationLoss l1: ${label}`, run: () => totalVariationLoss(img(v)), expect: exp });
    r.push({ name: `totalVariationLoss isotropic: ${label}`, run: () => totalVariationLoss(img(v), { mode: 'isotropic' }), expect: exp });
    r.push({ name: `klLoss: ${label} in mu`, run: () => klLoss(img(v)), expect: exp });
    r.push({ name: `gaussianKl: ${label} in mu`, run: () => gaussianKl(img(v), img()), expect: exp });
    r.push({ name: `segmentationConsistencyLoss l2 (ReLU segmenter): ${label} in restored`, run: () => segmentationConsistencyLoss(reluSegmenter, img(v), intZeros([1, 4, 4]), { mode: 'l2' }), expect: exp });
    r.push({ name: `perceptualLoss: ${label} in prediction`, run: () => perceptualLoss(vggImg(v), vggImg(0, 1), { extractor: vgg, layers: { conv1_2: 1 } }), expect: exp });
    r.push({ name: `styleLoss: ${label} in prediction`, run: () => styleLoss(vggImg(v), vggImg(0, 1), { extractor: vgg, layers: ['relu2_2'] }), expect: exp });
  }

  // 2. NaN/±Inf in DATA (targets, real images, conditions) → InvalidArgumentError naming it
  for (const [label, v] of NON_FINITE) {
    r.push({ name: `l1Loss: ${label} in target`, run: () => l1Loss(img(), img(v)), expect: { error: /l1Loss: target: expected finite values/ } });
    r.push({ name: `l2Loss: ${label} in target`, run: () => l2Loss(img(), img(v)), expect: { error: /l2Loss: target: expected finite values/ } });
    r.push({ name: `charbonnierLoss: ${label} in target`, run: () => charbonnierLoss(img(), img(v)), expect: { error: /charbonnierLoss: target: expected finite values/ } });
  }
  r.push({ name: 'perceptualLoss: NaN in target', run: () => perceptualLoss(vggImg(), vggImg(NaN), { extractor: vgg, layers: { conv1_2: 1 } }), expect: { error: /perceptualLoss: target: expected finite/ } });
  r.push({ name: 'styleLoss: Inf in target', run: () => styleLoss(vggImg(), vggImg(Infinity), { extractor: vgg, layers: ['relu2_2'] }), expect: { error: /styleLoss: target: expected finite/ } });
  r.push({ name: 'gradientPenalty: NaN in real', run: () => gradientPenalty(convNet, img(NaN), img(), { seed: 1 }), expect: { error: /gradientPenalty: real: expected finite/ } });
  r.push({ name: "segmentationConsistencyLoss 'kl': NaN in target", run: () => segmentationConsistencyLoss(reluSegmenter, img(), img(NaN), { mode: 'kl' }), expect: { error: /segmentationConsistencyLoss: target: expected finite/ } });
  r.push({
    name: 'dfsGeneratorLoss: NaN in clear',
    run: () => dfsGeneratorLoss({ hazy: img(), dehazed: img(), clear: img(NaN), discriminator: convNet }, { lambdaPerceptual: 0, lambdaSeg: 0 }),
    expect: { error: /dfsGeneratorLoss: inputs\.clear: expected finite/ },
  });
  r.push({
    name: 'dfsGeneratorLoss: Inf in hazy',
    run: () => dfsGeneratorLoss({ hazy: img(Infinity), dehazed: img(), clear: img(), discriminator: convNet }, { lambdaPerceptual: 0, lambdaSeg: 0 }),
    expect: { error: /dfsGeneratorLoss: inputs\.hazy: expected finite/ },
  });
  r.push({
    name: 'cooperativeRestorationLoss: NaN in target',
    run: () => cooperativeRestorationLoss({ restored: img(), target: img(NaN) }, { lambdaGan: 0, lambdaPerceptual: 0, lambdaStyle: 0 }),
    expect: { error: /cooperativeRestorationLoss: inputs\.target: expected finite/ },
  });
  r.push({
    name: 'cooperativeRefinementLoss: NaN in degraded',
    run: () => cooperativeRefinementLoss({ degraded: img(NaN), refined: inp(tf.tensor4d(Array.from({ length: 48 }, (_, i) => Math.sin(i)), [1, 4, 4, 3])), labels: intZeros([1, 4, 4]), discriminator: convNet }),
    expect: { error: /cooperativeRefinementLoss: inputs\.degraded: expected finite/ },
  });
  r.push({
    name: 'unitGeneratorLoss: NaN in xA',
    run: () => unitGeneratorLoss({ xA: img(NaN), xB: img(), xARecon: img(), xBRecon: img(), xAB: img(), xBA: img() }, { lambdaGan: 0, lambdaKl: 0, lambdaCycle: 0, lambdaKlCycle: 0, lambdaVgg: 0 }),
    expect: { error: /unitGeneratorLoss: inputs\.xA: expected finite/ },
  });
  r.push({
    name: 'unitDiscriminatorLoss: Inf in xB',
    run: () => unitDiscriminatorLoss({ xA: img(), xB: img(Infinity), xAB: img(), xBA: img(), discriminatorA: convNet, discriminatorB: convNet }),
    expect: { error: /unitDiscriminatorLoss: inputs\.xB: expected finite/ },
  });

  // 3. empty batches → exactly 0 on every backend, zero gradients; 'none' → empty (or zeros) of the right shape
  const seg: [string, (l: Tensor, y: Tensor, red: LossReduction) => Tensor, (red: LossReduction, shape: number[]) => number[]][] = [
    ['crossEntropyLoss', (l, y, reduction) => crossEntropyLoss(l, y, { reduction }), (red, s) => (red === 'none' ? s.slice(0, -1) : [])],
    ['focalLoss', (l, y, reduction) => focalLoss(l, y, { reduction }), (red, s) => (red === 'none' ? s.slice(0, -1) : [])],
    ['combinedCeFocalLoss', (l, y, reduction) => combinedCeFocalLoss(l, y, { reduction }), (red, s) => (red === 'none' ? s.slice(0, -1) : [])],
    ['diceLoss', (l, y, reduction) => diceLoss(l, y, { reduction }), (red) => (red === 'none' ? [K] : [])],
    ['lovaszSoftmaxLoss', (l, y, reduction) => lovaszSoftmaxLoss(l, y, { reduction }), () => []],
    ['lovaszSoftmaxLoss perImage', (l, y, reduction) => lovaszSoftmaxLoss(l, y, { reduction, perImage: true }), (red, s) => (red === 'none' ? [s[0]!] : [])],
  ];
  for (const shape of [
    [0, 2, 2, K],
    [1, 0, 2, K],
  ]) {
    for (const [name, f, outShape] of seg) {
      for (const red of REDUCTIONS) {
        r.push({
          name: `${name} ${red}: empty batch [${shape}]`,
          run: () => f(zeros(shape), intZeros(shape.slice(0, -1)), red),
          expect: { value: 0, shape: outShape(red, shape) },
          grad: red === 'none' ? undefined : { f: (x) => f(x, intZeros(shape.slice(0, -1)), red), x: () => zeros(shape) },
        });
      }
    }
  }
  const pixel: [string, (p: Tensor, t: Tensor, reduction: LossReduction) => Tensor][] = [
    ['l1Loss', (p, t, reduction) => l1Loss(p, t, { reduction })],
    ['l2Loss', (p, t, reduction) => l2Loss(p, t, { reduction })],
    ['charbonnierLoss', (p, t, reduction) => charbonnierLoss(p, t, { reduction })],
    ['klLoss', (p, _t, reduction) => klLoss(p, { reduction })],
    ['gaussianKl', (p, t, reduction) => gaussianKl(p, t, { reduction })],
  ];
  for (const shape of [
    [0, 4, 4, 3],
    [2, 4, 0, 3],
  ]) {
    for (const [name, f] of pixel) {
      for (const red of REDUCTIONS) {
        r.push({
          name: `${name} ${red}: empty batch [${shape}]`,
          run: () => f(zeros(shape), zeros(shape), red),
          expect: { value: 0, shape: red === 'none' ? shape : [] },
          grad: red === 'none' ? undefined : { f: (x) => f(x, zeros(shape), red), x: () => zeros(shape) },
        });
      }
    }
  }
  for (const red of REDUCTIONS) {
    for (const mode of ['l1', 'l2', 'isotropic'] as const) {
      r.push({
        name: `totalVariationLoss ${mode} ${red}: empty batch`,
        run: () => totalVariationLoss(zeros([0, 4, 4, 3]), { mode, reduction: red }),
        expect: { value: 0, shape: red === 'none' ? [0] : [] },
        grad: red === 'none' ? undefined : { f: (x) => totalVariationLoss(x, { mode, reduction: red }), x: () => zeros([0, 4, 4, 3]) },
      });
    }
  }
  for (const mode of MODES) {
    r.push({ name: `ganGeneratorLoss ${mode}: empty batch`, run: () => ganGeneratorLoss(zeros([0, 4, 4, 1]), { mode }), expect: { value: 0, shape: [] }, grad: { f: (x) => ganGeneratorLoss(x, { mode }), x: () => zeros([0, 4, 4, 1]) } });
    r.push({
      name: `ganDiscriminatorLoss ${mode}: empty batch`,
      run: () => ganDiscriminatorLoss(zeros([0, 4, 4, 1]), zeros([0, 4, 4, 1]), { mode }),
      expect: { value: 0, shape: [] },
      grad: { f: (x) => ganDiscriminatorLoss(zeros([0, 4, 4, 1]), x, { mode }), x: () => zeros([0, 4, 4, 1]) },
    });
  }
  r.push({ name: 'gradientPenalty (conv critic): empty batch', run: () => gradientPenalty(convNet, zeros([0, 4, 4, 3]), zeros([0, 4, 4, 3])), expect: { value: 0, shape: [] }, grad: { f: (x) => gradientPenalty(convNet, zeros([0, 4, 4, 3]), x), x: () => zeros([0, 4, 4, 3]) } });
  r.push({ name: 'gramMatrix: empty batch', run: () => gramMatrix(zeros([0, 2, 2, 3])), expect: { value: 0, shape: [0, 3, 3] } });
  r.push({ name: 'gramMatrix: zero pixels', run: () => gramMatrix(zeros([2, 0, 2, 3])), expect: { value: 0, shape: [2, 3, 3] }, grad: { f: (x) => tf.sum(gramMatrix(x)), x: () => zeros([2, 0, 2, 3]) } });
  r.push({ name: 'perceptualLoss: empty batch', run: () => perceptualLoss(zeros([0, 8, 8, 3]) as Tensor4D, zeros([0, 8, 8, 3]) as Tensor4D, { extractor: vgg, layers: { conv1_2: 1 } }), expect: { value: 0, shape: [] } });
  r.push({ name: 'styleLoss: empty batch', run: () => styleLoss(zeros([0, 8, 8, 3]) as Tensor4D, zeros([0, 8, 8, 3]) as Tensor4D, { extractor: vgg, layers: ['relu2_2'] }), expect: { value: 0, shape: [] } });
  r.push({
    name: 'segmentationConsistencyLoss (conv segmenter): empty batch',
    run: () => segmentationConsistencyLoss(convNet, zeros([0, 4, 4, 3]), intZeros([0, 4, 4])),
    expect: { value: 0, shape: [] },
    grad: { f: (x) => segmentationConsistencyLoss(convNet, x, intZeros([0, 4, 4])), x: () => zeros([0, 4, 4, 3]) },
  });
  r.push({
    name: 'dfsGeneratorLoss (conv discriminator): empty batch',
    run: () => dfsGeneratorLoss({ hazy: zeros([0, 4, 4, 3]) as Tensor4D, dehazed: zeros([0, 4, 4, 3]) as Tensor4D, clear: zeros([0, 4, 4, 3]) as Tensor4D, discriminator: convNet }, { lambdaPerceptual: 0, lambdaSeg: 0 }),
    expect: { value: 0, shape: [] },
  });
  r.push({
    name: 'cooperativeRestorationLoss (conv discriminator): empty batch',
    run: () => cooperativeRestorationLoss({ restored: zeros([0, 4, 4, 3]) as Tensor4D, target: zeros([0, 4, 4, 3]) as Tensor4D, discriminator: convNet }, { lambdaPerceptual: 0, lambdaStyle: 0 }),
    expect: { value: 0, shape: [] },
  });
  r.push({
    name: 'unitDiscriminatorLoss (conv discriminators): empty batch',
    run: () => {
      const e = () => zeros([0, 4, 4, 3]) as Tensor4D;
      return unitDiscriminatorLoss({ xA: e(), xB: e(), xAB: e(), xBA: e(), discriminatorA: convNet, discriminatorB: convNet });
    },
    expect: { value: 0, shape: [] },
  });

  // 4–6. options: out of range, NaN, wrong dtype → InvalidArgumentError naming the option
  const gp = (options: Parameters<typeof gradientPenalty>[3]) => () => gradientPenalty(convNet, img(), img(0, 1), options);
  r.push({ name: 'gradientPenalty: alpha 2 (outside [0, 1])', run: gp({ alpha: [2] }), expect: { error: /gradientPenalty: options\.alpha: expected interpolation weights in \[0, 1\], received "2 at index 0"/ } });
  r.push({ name: 'gradientPenalty: alpha −0.5', run: gp({ alpha: [-0.5] }), expect: { error: /gradientPenalty: options\.alpha: expected interpolation weights in \[0, 1\]/ } });
  r.push({ name: 'gradientPenalty: alpha NaN', run: gp({ alpha: [NaN] }), expect: { error: /gradientPenalty: options\.alpha: expected finite values/ } });
  r.push({ name: 'gradientPenalty: alpha tensor 1.5', run: () => gradientPenalty(convNet, img(), img(0, 1), { alpha: inp(tf.tensor1d([1.5])) }), expect: { error: /gradientPenalty: options\.alpha: expected interpolation weights in \[0, 1\]/ } });
  r.push({ name: 'gradientPenalty: seed NaN', run: gp({ seed: NaN }), expect: { error: /gradientPenalty: options\.seed/ } });
  r.push({ name: 'gradientPenalty: alpha 1 (bound) is accepted', run: gp({ alpha: [1] }), expect: { finite: true } });
  r.push({ name: 'gramMatrix: int32 features', run: () => gramMatrix(intZeros([1, 2, 2, 3])), expect: { error: /gramMatrix: features: expected a float32 tensor, received "dtype int32"/ } });
  // guards: these were already rejected before the audit; kept so they stay rejected
  r.push({ name: 'focalLoss: gamma NaN (guard)', run: () => focalLoss(logits(), labels(), { gamma: NaN }), expect: { error: /focalLoss: options\.gamma/ } });
  r.push({ name: 'focalLoss: alpha NaN (guard)', run: () => focalLoss(logits(), labels(), { alpha: NaN }), expect: { error: /focalLoss: options\.alpha/ } });
  r.push({ name: 'crossEntropyLoss: classWeights with NaN (guard)', run: () => crossEntropyLoss(logits(), labels(), { classWeights: [1, NaN, 1] }), expect: { error: /crossEntropyLoss: options\.classWeights/ } });
  r.push({ name: 'crossEntropyLoss: labelSmoothing NaN (guard)', run: () => crossEntropyLoss(logits(), labels(), { labelSmoothing: NaN }), expect: { error: /crossEntropyLoss: options\.labelSmoothing/ } });
  r.push({ name: 'crossEntropyLoss: label out of range (guard)', run: () => crossEntropyLoss(logits(), inp(tf.fill([1, 2, 4], 7, 'int32'))), expect: { error: /crossEntropyLoss: target: expected class indices in \[0, 3\)/ } });
  r.push({ name: 'combinedCeFocalLoss: alpha NaN (guard)', run: () => combinedCeFocalLoss(logits(), labels(), { alpha: NaN }), expect: { error: /combinedCeFocalLoss: options\.alpha/ } });
  r.push({ name: 'combinedCeFocalLoss: alpha 1.5 (guard)', run: () => combinedCeFocalLoss(logits(), labels(), { alpha: 1.5 }), expect: { error: /combinedCeFocalLoss: options\.alpha: expected a finite number ≥ 0 ≤ 1/ } });
  r.push({ name: 'diceLoss: smooth NaN (guard)', run: () => diceLoss(logits(), labels(), { smooth: NaN }), expect: { error: /diceLoss: options\.smooth/ } });
  r.push({ name: 'charbonnierLoss: epsilon NaN (guard)', run: () => charbonnierLoss(img(), img(), { epsilon: NaN }), expect: { error: /charbonnierLoss: options\.epsilon/ } });
  r.push({ name: 'ganDiscriminatorLoss: scale NaN (guard)', run: () => ganDiscriminatorLoss(img(), img(), { scale: NaN }), expect: { error: /ganDiscriminatorLoss: options\.scale/ } });
  r.push({ name: 'gradientPenalty: lambda NaN (guard)', run: gp({ lambda: NaN }), expect: { error: /gradientPenalty: options\.lambda/ } });
  r.push({ name: 'dfsGeneratorLoss: lambdaPixel NaN (guard)', run: () => dfsGeneratorLoss({ hazy: img(), dehazed: img(), clear: img() }, { lambdaGan: 0, lambdaPerceptual: 0, lambdaSeg: 0, lambdaPixel: NaN }), expect: { error: /dfsGeneratorLoss: options\.lambdaPixel/ } });
  return r;
}

/** The first tensor of a loss result (a tensor or a composite's total). */
function lossTensor(out: unknown): Tensor {
  if (out instanceof tf.Tensor) return out;
  return (out as CompositeLoss).total;
}

function dispose(out: unknown): void {
  if (out instanceof tf.Tensor) out.dispose();
  else if (out && typeof out === 'object' && 'total' in out) tf.dispose([(out as CompositeLoss).total, ...Object.values((out as CompositeLoss).terms)]);
}

function disposeInputs(): void {
  tf.dispose(made.splice(0, made.length));
}

function callOnce(row: Row): void {
  try {
    dispose(row.run());
  } catch {
    // throwing rows are part of the leak check
  } finally {
    disposeInputs();
  }
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`losses audit on ${backend}`, () => {
    const previous = tf.getBackend();
    beforeAll(async () => {
      await tf.setBackend(backend);
      const weights = await loadVgg19Weights(fixturePath('vgg19_tiny.safetensors'));
      vgg = vgg19Features({ weights, layers: ['conv1_2', 'relu2_2'] });
    });
    afterAll(async () => {
      vgg.dispose();
      await tf.setBackend(previous);
    });

    for (const row of rows()) {
      it(row.name, () => {
        const exp = row.expect;
        if ('error' in exp) {
          let caught: unknown;
          try {
            dispose(row.run());
          } catch (e) {
            caught = e;
          } finally {
            disposeInputs();
          }
          expect(caught, 'an InvalidArgumentError').toBeInstanceOf(InvalidArgumentError);
          expect((caught as Error).message).toMatch(exp.error);
        } else {
          const out = row.run();
          const t = lossTensor(out);
          // a composite's terms must obey the expectation too (all 0 for an empty batch)
          const terms = out instanceof tf.Tensor ? [] : Object.values((out as CompositeLoss).terms);
          const values = [t, ...terms].flatMap((x) => Array.from(x.dataSync()));
          const shape = t.shape;
          dispose(out);
          disposeInputs();
          expect(values.length > 0 || ('shape' in exp && exp.shape!.includes(0))).toBe(true);
          if ('nan' in exp) expect(values.slice(0, 1).map((v) => Number.isNaN(v))).toEqual([true]);
          else if ('nonFinite' in exp) expect(values.slice(0, 1).map((v) => Number.isFinite(v))).toEqual([false]);
          else if ('finite' in exp) expect(values.every((v) => Number.isFinite(v))).toBe(true);
          else {
            // ±0 alike (−mean of nothing is −0)
            expect(values.map((v) => v + 0)).toEqual(values.map(() => exp.value));
            if (exp.shape) expect(shape).toEqual(exp.shape);
          }
        }
        if (row.grad) {
          const { f, x } = row.grad;
          const input = x();
          const g = tf.grad((v: Tensor) => f(v))(input);
          expect(g.shape).toEqual(input.shape);
          expect(Array.from(g.dataSync()).every((v) => v === 0)).toBe(true);
          g.dispose();
          disposeInputs();
        }
        // leak check: after one warm-up call, repeated calls (throwing ones included) leave no tensor behind
        callOnce(row);
        const before = tf.memory().numTensors;
        for (let i = 0; i < 3; i++) callOnce(row);
        expect(tf.memory().numTensors, 'tensor count after repeated calls').toBe(before);
      });
    }
  });
}
