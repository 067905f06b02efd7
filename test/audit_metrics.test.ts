/**
 * Issue 16 audit, metrics part: every bad-input case of the audit on the metrics, one row
 * per case, with its expected outcome (a named error, or a documented value). The table
 * runs on wasm and on cpu; each row is also checked for tensor leaks (a warm-up call,
 * then a second call must not change `tf.memory().numTensors`, throwing or not).
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import {
  CityscapesEvaluator,
  ConfusionMatrix,
  FeatureStatistics,
  PsnrMetric,
  SsimMetric,
  frechetDistance,
  msSsim,
  psnr,
  ssim,
  ssimHost,
  ssimHostParallel,
} from '../src/metrics/index.js';
import { InvalidArgumentError } from '../src/errors.js';
import { expectClose } from './helpers/index.js';
import { makePair } from './helpers/metrics_pairs.js';

type Expect = { error: RegExp } | { value: number | number[]; rtol?: number };
interface Row {
  name: string;
  run: () => unknown;
  expect: Expect;
}

const S = [1, 12, 12, 3] as [number, number, number, number];
const [A, B] = makePair(S, 7);
const scaled = (x: Float32Array, k: number, off = 0) => x.map((v) => v * k + off);
const poke = (x: Float32Array, v: number, i = 17) => {
  const y = x.slice();
  y[i] = v;
  return y;
};
const T = (x: Float32Array, shape: number[] = S) => tf.tensor4d(x, shape as [number, number, number, number]);
const vals = (t: { dataSync(): ArrayLike<number>; dispose(): void }) => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};
const host = (x: ArrayLike<number> & object, shape: number[] = S) => ({ data: x as Float32Array, shape });
// reference values on valid input (the fixtures in metrics_images.test.ts pin them against scikit-image)
const psnrAB = () => vals(psnr(host(A), host(B), { dataRange: 1 }))[0]!;
const ssimAB = () => ssimHost(host(A), host(B), { dataRange: 1 })[0]!;
const MS = { dataRange: 1, weights: [0.5, 0.5], windowSize: 5 };
const empty = new Float32Array(0);

function cm3() {
  return new ConfusionMatrix(3);
}
function filledCm() {
  const cm = cm3();
  cm.update(new Int32Array([0, 1, 2, 2, 1]), new Int32Array([0, 1, 2, 1, 1]));
  return cm;
}
function filledCityscapes() {
  const ev = new CityscapesEvaluator();
  ev.update(new Int32Array([7, 26, 26, 24]), new Int32Array([7, 26, 7, 24]), new Int32Array([7, 26001, 26001, 24001]));
  return ev;
}
function filledFeatures() {
  const f = new FeatureStatistics();
  f.update([[1, 2], [3, 5], [0, 1]]);
  return f;
}
function filledPsnr() {
  const m = new PsnrMetric({ dataRange: 1 });
  m.update(host(A), host(B));
  return m;
}
function filledSsim() {
  const m = new SsimMetric({ dataRange: 1 });
  m.update(host(A), host(B));
  return m;
}

const rows: Row[] = [
  // 1. NaN / ±Inf in either input of the image metrics
  { name: 'psnr: NaN in a', run: () => psnr(T(poke(A, NaN)), T(B), { dataRange: 1 }), expect: { error: /invalid psnr: prediction: expected finite/ } },
  { name: 'psnr: +Inf in b', run: () => psnr(T(A), T(poke(B, Infinity)), { dataRange: 1 }), expect: { error: /invalid psnr: target: expected finite/ } },
  { name: 'psnr: NaN in host data b', run: () => psnr(host(A), host(poke(B, NaN)), { dataRange: 1 }), expect: { error: /invalid psnr: target: expected finite/ } },
  { name: 'ssim: NaN in b', run: () => ssim(T(A), T(poke(B, NaN)), { dataRange: 1 }), expect: { error: /invalid ssim: target: expected finite/ } },
  { name: 'ssim: -Inf in a', run: () => ssim(T(poke(A, -Infinity)), T(B), { dataRange: 1 }), expect: { error: /invalid ssim: prediction: expected finite/ } },
  { name: 'msSsim: NaN in a', run: () => msSsim(T(poke(A, NaN)), T(B), MS), expect: { error: /invalid msSsim: prediction: expected finite/ } },
  { name: 'msSsim: +Inf in b', run: () => msSsim(T(A), T(poke(B, Infinity)), MS), expect: { error: /invalid msSsim: target: expected finite/ } },
  { name: 'ssimHost: NaN in a', run: () => ssimHost(host(poke(A, NaN)), host(B), { dataRange: 1 }), expect: { error: /invalid ssimHost: prediction: expected finite.*index 17/ } },
  { name: 'ssimHost: +Inf in b', run: () => ssimHost(host(A), host(poke(B, Infinity)), { dataRange: 1 }), expect: { error: /invalid ssimHost: target: expected finite/ } },
  { name: 'ssimHostParallel: NaN in b', run: () => ssimHostParallel(host(A), host(poke(B, NaN)), { dataRange: 1 }, { workers: 2 }), expect: { error: /invalid ssimHostParallel: target: expected finite/ } },
  { name: 'SsimMetric.update (host data): NaN in pred', run: () => new SsimMetric({ dataRange: 1 }).update(host(poke(A, NaN)), host(B)), expect: { error: /invalid SsimMetric\.update: prediction: expected finite/ } },
  { name: 'SsimMetric.update (tensors): +Inf in target', run: () => new SsimMetric({ dataRange: 1 }).update(T(A), T(poke(B, Infinity))), expect: { error: /invalid SsimMetric\.update: target: expected finite/ } },
  { name: 'SsimMetric.update (multiScale): NaN in target', run: () => new SsimMetric({ ...MS, multiScale: true }).update(T(A), T(poke(B, NaN))), expect: { error: /invalid SsimMetric\.update: target: expected finite/ } },
  { name: 'SsimMetric.update (downsample): -Inf in pred', run: () => new SsimMetric({ dataRange: 1, downsample: true }).update(T(poke(A, -Infinity)), T(B)), expect: { error: /invalid SsimMetric\.update: prediction: expected finite/ } },
  { name: 'PsnrMetric.update: NaN in target (kept: rejected)', run: () => new PsnrMetric({ dataRange: 1 }).update(host(A), host(poke(B, NaN))), expect: { error: /invalid PsnrMetric\.update: target: expected finite/ } },
  { name: 'PsnrMetric.update: +Inf in pred', run: () => new PsnrMetric({ dataRange: 1 }).update(T(poke(A, Infinity)), T(B)), expect: { error: /invalid PsnrMetric\.update: prediction: expected finite/ } },
  { name: 'a failed update adds nothing', run: () => {
    const m = filledPsnr();
    expect(() => m.update(host(A), host(poke(B, NaN)))).toThrow(InvalidArgumentError);
    return m.compute().count;
  }, expect: { value: 1 } },

  // 2. a dataRange that contradicts the data
  { name: 'psnr: 0..255 images with dataRange 1', run: () => psnr(T(scaled(A, 255)), T(scaled(B, 255)), { dataRange: 1 }), expect: { error: /invalid psnr: options\.dataRange.*values of target reach \d+\.\d but dataRange is 1: pass dataRange: 255/ } },
  { name: 'ssim: 0..255 images with dataRange 1', run: () => ssim(T(scaled(A, 255)), T(scaled(B, 255)), { dataRange: 1 }), expect: { error: /invalid ssim: options\.dataRange.*pass dataRange: 255/ } },
  { name: 'msSsim: 0..255 images with dataRange 1', run: () => msSsim(T(scaled(A, 255)), T(scaled(B, 255)), MS), expect: { error: /invalid msSsim: options\.dataRange.*pass dataRange: 255/ } },
  { name: 'ssimHost: uint8 images with dataRange 1', run: () => ssimHost(host(Uint8Array.from(scaled(A, 255))), host(Uint8Array.from(scaled(B, 255))), { dataRange: 1 }), expect: { error: /invalid ssimHost: options\.dataRange.*pass dataRange: 255/ } },
  { name: 'psnr: only the prediction on the 0..255 scale', run: () => psnr(T(scaled(A, 255)), T(B), { dataRange: 1 }), expect: { error: /invalid psnr: options\.dataRange.*values of prediction reach \d+\.\d/ } },
  { name: 'PsnrMetric.update: 0..255 with dataRange 1', run: () => new PsnrMetric({ dataRange: 1 }).update(host(scaled(A, 255)), host(scaled(B, 255))), expect: { error: /invalid PsnrMetric: options\.dataRange.*values of target reach \d+\.\d but dataRange is 1: pass dataRange: 255/ } },
  { name: 'SsimMetric.update: 0..255 with dataRange 1', run: () => new SsimMetric({ dataRange: 1 }).update(T(scaled(A, 255)), T(scaled(B, 255))), expect: { error: /invalid SsimMetric: options\.dataRange.*pass dataRange: 255/ } },
  { name: 'SsimMetric.update (multiScale): 0..255 with dataRange 1', run: () => new SsimMetric({ ...MS, multiScale: true }).update(T(scaled(A, 255)), T(scaled(B, 255))), expect: { error: /invalid SsimMetric: options\.dataRange.*pass dataRange: 255/ } },
  { name: 'ssim: 0..65535 images with dataRange 255', run: () => ssim(T(scaled(A, 65535)), T(scaled(B, 65535)), { dataRange: 255 }), expect: { error: /invalid ssim: options\.dataRange.*pass dataRange: 65535/ } },
  { name: 'psnr: [-1,1] images with dataRange 2 are accepted (= [0,1] with 1)', run: () => vals(psnr(T(scaled(A, 2, -1)), T(scaled(B, 2, -1)), { dataRange: 2 }))[0], expect: { value: psnrAB(), rtol: 1e-5 } },
  // (SSIM is not shift-invariant — C1 = (K1·R)² meets μx·μy — so [-1,1] with R = 2 is compared with the float64 host loop on the same data)
  { name: 'ssim: [-1,1] images with dataRange 2 are accepted', run: () => vals(ssim(T(scaled(A, 2, -1)), T(scaled(B, 2, -1)), { dataRange: 2 }))[0], expect: { value: ssimHost(host(scaled(A, 2, -1)), host(scaled(B, 2, -1)), { dataRange: 2 })[0]!, rtol: 1e-5 } },
  { name: 'ssim: uint8 host images with dataRange 255 are accepted', run: () => ssimHost(host(Uint8Array.from(A, (v) => Math.round(v * 255))), host(Uint8Array.from(B, (v) => Math.round(v * 255))), { dataRange: 255 })[0], expect: { value: ssimAB(), rtol: 1e-6 } },
  { name: 'psnr: an unclamped prediction overshooting [0,1] is accepted', run: () => vals(psnr(T(scaled(A, 1.2, -0.1)), T(A), { dataRange: 1 }))[0], expect: { value: -10 * Math.log10(A.reduce((s, v) => s + (0.2 * v - 0.1) ** 2, 0) / A.length), rtol: 1e-4 } },

  // 3. msSsim weights
  { name: 'msSsim: a negative weight', run: () => msSsim(T(A), T(B), { ...MS, weights: [0.5, -0.5] }), expect: { error: /invalid msSsim: options\.weights: expected .*non-negative/ } },
  { name: 'msSsim: all-zero weights', run: () => msSsim(T(A), T(B), { ...MS, weights: [0, 0] }), expect: { error: /invalid msSsim: options\.weights: expected .*positive sum/ } },
  { name: 'msSsim: a NaN weight', run: () => msSsim(T(A), T(B), { ...MS, weights: [NaN, 1] }), expect: { error: /invalid msSsim: options\.weights/ } },
  { name: 'msSsim: no weights', run: () => msSsim(T(A), T(B), { ...MS, weights: [] }), expect: { error: /invalid msSsim: options\.weights/ } },
  { name: 'msSsim: more scales than the images allow', run: () => msSsim(T(A), T(B), { ...MS, weights: [0.2, 0.2, 0.2, 0.2, 0.2] }), expect: { error: /invalid msSsim: prediction.*5 MS-SSIM scales/ } },
  { name: 'msSsim: weights as a Float64Array are accepted', run: () => vals(msSsim(T(A), T(B), { ...MS, weights: Float64Array.from([0.5, 0.5]) as unknown as number[] })), expect: { value: tf.tidy(() => vals(msSsim(T(A), T(B), MS))), rtol: 1e-5 } },

  // 4. ConfusionMatrix / Cityscapes logits with the wrong number of channels
  { name: 'ConfusionMatrix.update: 4-channel logits for 3 classes (tensor)', run: () => cm3().update(tf.zeros([1, 2, 2, 4]), tf.zeros([1, 2, 2], 'int32')), expect: { error: /invalid ConfusionMatrix\.update: prediction: expected logits \[1,2,2,3\]/ } },
  { name: 'ConfusionMatrix.update: 4-channel logits for 3 classes (host)', run: () => cm3().update({ data: new Float32Array(16), shape: [1, 2, 2, 4] }, { data: new Int32Array(4), shape: [1, 2, 2] }), expect: { error: /invalid ConfusionMatrix\.update: prediction: expected logits \[1,2,2,3\]/ } },
  { name: 'ConfusionMatrix.update: 3-channel logits for 3 classes', run: () => cm3().update(tf.tensor4d([0, 1, 0, 0, 0, 1], [1, 1, 2, 3]), tf.tensor3d([1, 1], [1, 1, 2], 'int32')), expect: { value: 2 } },
  { name: 'CityscapesEvaluator.update: 19-channel trainId logits', run: () => new CityscapesEvaluator().update({ data: new Float32Array(4 * 19), shape: [4, 19] }, new Int32Array([7, 7, 7, 7])), expect: { error: /invalid CityscapesEvaluator\.update: prediction: expected logits \[4,34\]/ } },

  // 5. ConfusionMatrix state
  { name: 'ConfusionMatrix.fromJSON: a negative count', run: () => ConfusionMatrix.fromJSON({ ...filledCm().toJSON(), counts: [-1, ...filledCm().toJSON().counts.slice(1)] }), expect: { error: /invalid ConfusionMatrix\.fromJSON: state\.counts: expected non-negative integer counts/ } },
  { name: 'ConfusionMatrix.fromJSON: a NaN count', run: () => ConfusionMatrix.fromJSON({ ...filledCm().toJSON(), counts: filledCm().toJSON().counts.map((c, i) => (i === 3 ? NaN : c)) }), expect: { error: /invalid ConfusionMatrix\.fromJSON: state\.counts: expected non-negative integer counts.*index 3/ } },
  { name: 'ConfusionMatrix.fromJSON: a fractional count', run: () => ConfusionMatrix.fromJSON({ ...filledCm().toJSON(), counts: filledCm().toJSON().counts.map((c, i) => (i === 0 ? 0.5 : c)) }), expect: { error: /invalid ConfusionMatrix\.fromJSON: state\.counts/ } },
  { name: 'ConfusionMatrix.fromJSON: wrong number of counts', run: () => ConfusionMatrix.fromJSON({ ...filledCm().toJSON(), counts: [1, 2] }), expect: { error: /invalid ConfusionMatrix\.fromJSON: state\.counts: expected 12 counts/ } },
  { name: 'ConfusionMatrix.fromJSON: bad numClasses', run: () => ConfusionMatrix.fromJSON({ ...filledCm().toJSON(), numClasses: 2.5 }), expect: { error: /invalid ConfusionMatrix\.fromJSON: state\.numClasses/ } },
  { name: 'ConfusionMatrix.merge: a fractional count', run: () => cm3().merge({ ...filledCm().toJSON(), counts: filledCm().toJSON().counts.map((c, i) => (i === 0 ? 1.5 : c)) }), expect: { error: /invalid ConfusionMatrix\.merge: other\.counts: expected non-negative integer counts/ } },
  { name: 'ConfusionMatrix.merge: a rejected state adds nothing', run: () => {
    const cm = filledCm();
    expect(() => cm.merge({ ...cm.toJSON(), counts: cm.toJSON().counts.map((c, i) => (i === 11 ? -1 : c)) })).toThrow(InvalidArgumentError);
    return cm.compute().total;
  }, expect: { value: 5 } },
  { name: 'ConfusionMatrix.merge: a structured clone', run: () => filledCm().merge(structuredClone(filledCm())).compute().total, expect: { value: 10 } },
  { name: 'ConfusionMatrix: toJSON → JSON → fromJSON', run: () => ConfusionMatrix.fromJSON(JSON.parse(JSON.stringify(filledCm()))).compute().meanIoU, expect: { value: filledCm().compute().meanIoU } },

  // 6. frechetDistance covariances
  { name: 'frechetDistance: sigma1 not PSD (eigenvalue −1)', run: () => frechetDistance([0, 0], [1, 2, 2, 1], [0, 0], [1, 0, 0, 1]), expect: { error: /invalid frechetDistance: sigma1: expected a positive semi-definite/ } },
  { name: 'frechetDistance: sigma1 indefinite with a zero diagonal', run: () => frechetDistance([0, 0], [[0, 1], [1, 0]], [0, 0], [1, 0, 0, 1]), expect: { error: /invalid frechetDistance: sigma1: expected a positive semi-definite/ } },
  { name: 'frechetDistance: sigma2 not PSD', run: () => frechetDistance([0, 0, 0], [1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0], [1, 0, 0, 0, -0.5, 0, 0, 0, 1]), expect: { error: /invalid frechetDistance: sigma2: expected a positive semi-definite/ } },
  { name: 'frechetDistance: sigma2 not PSD where sigma1 is singular', run: () => frechetDistance([0, 0], [1, 0, 0, 0], [0, 0], [1, 0, 0, -1]), expect: { error: /invalid frechetDistance: sigma2: expected a positive semi-definite/ } },
  { name: 'frechetDistance: sigma2 not symmetric', run: () => frechetDistance([0, 0], [1, 0, 0, 1], [0, 0], [1, 0.5, 0, 1]), expect: { error: /invalid frechetDistance: sigma2: expected a symmetric matrix/ } },
  { name: 'frechetDistance: NaN in sigma1', run: () => frechetDistance([0, 0], [1, NaN, 0, 1], [0, 0], [1, 0, 0, 1]), expect: { error: /invalid frechetDistance: sigma1: expected finite/ } },
  { name: 'frechetDistance: rank-deficient PSD covariances are accepted', run: () => frechetDistance([0, 0], [1, 1, 1, 1], [1, 0], [[1, 1], [1, 1]]), expect: { value: 1 } },
  { name: 'frechetDistance: float32-rounded covariances are accepted', run: () => {
    const f = filledFeatures();
    const c = Float32Array.from(f.covariance);
    return frechetDistance(f.mean, c, f.mean, c);
  }, expect: { value: 0 } },

  // 7. FeatureStatistics state
  { name: 'FeatureStatistics.fromJSON: mean length ≠ dim', run: () => FeatureStatistics.fromJSON({ ...filledFeatures().toJSON(), mean: [1] }), expect: { error: /invalid FeatureStatistics\.fromJSON: state\.mean: expected 2 finite values/ } },
  { name: 'FeatureStatistics.fromJSON: m2 length ≠ dim²', run: () => FeatureStatistics.fromJSON({ ...filledFeatures().toJSON(), m2: [1, 0, 0] }), expect: { error: /invalid FeatureStatistics\.fromJSON: state\.m2: expected 4 finite values/ } },
  { name: 'FeatureStatistics.fromJSON: NaN in the mean', run: () => FeatureStatistics.fromJSON({ ...filledFeatures().toJSON(), mean: [NaN, 1] }), expect: { error: /invalid FeatureStatistics\.fromJSON: state\.mean/ } },
  { name: 'FeatureStatistics.fromJSON: a fractional count', run: () => FeatureStatistics.fromJSON({ ...filledFeatures().toJSON(), count: 2.5 }), expect: { error: /invalid FeatureStatistics\.fromJSON: state\.count/ } },
  { name: 'FeatureStatistics.fromJSON: a bad dim', run: () => FeatureStatistics.fromJSON({ ...filledFeatures().toJSON(), dim: -2 }), expect: { error: /invalid FeatureStatistics\.fromJSON: state\.dim/ } },
  { name: 'FeatureStatistics.fromJSON: an asymmetric m2', run: () => FeatureStatistics.fromJSON({ ...filledFeatures().toJSON(), m2: [1, 5, 0, 1] }), expect: { error: /invalid FeatureStatistics\.fromJSON: state\.m2: expected a symmetric/ } },
  { name: 'FeatureStatistics.merge: another dimension', run: () => filledFeatures().merge(new FeatureStatistics(3).toJSON()), expect: { error: /invalid FeatureStatistics\.merge: other\.dim/ } },
  { name: 'FeatureStatistics.merge: a structured clone', run: () => {
    const a = filledFeatures().merge(structuredClone(filledFeatures()));
    return [a.count, ...a.mean, ...a.covariance];
  }, expect: { value: (() => {
    const f = new FeatureStatistics();
    f.update([[1, 2], [3, 5], [0, 1], [1, 2], [3, 5], [0, 1]]);
    return [f.count, ...f.mean, ...f.covariance];
  })(), rtol: 1e-12 } },
  { name: 'FeatureStatistics: empty state keeps its dimension', run: () => FeatureStatistics.fromJSON(new FeatureStatistics(5).toJSON()).toJSON().dim, expect: { value: 5 } },

  // 8. PsnrMetric / SsimMetric / Cityscapes state and merging
  { name: 'PsnrMetric: toJSON → JSON → fromJSON (with an exact image)', run: () => {
    const m = filledPsnr();
    m.update(host(A), host(A));
    const r = PsnrMetric.fromJSON(JSON.parse(JSON.stringify(m))).compute();
    return [r.count, r.perImage[0]!, r.perImage[1] === Infinity ? 1 : 0, r.pooled];
  }, expect: { value: [2, psnrAB(), 1, psnrAB() + 10 * Math.log10(2)], rtol: 1e-6 } },
  { name: 'PsnrMetric.merge: a structured clone', run: () => {
    const r = filledPsnr().merge(structuredClone(filledPsnr())).compute();
    return [r.count, r.mean, r.pooled];
  }, expect: { value: [2, psnrAB(), psnrAB()], rtol: 1e-6 } },
  { name: 'PsnrMetric.merge: another dataRange', run: () => filledPsnr().merge(new PsnrMetric({ dataRange: 255 }).toJSON()), expect: { error: /invalid PsnrMetric\.merge: other\.dataRange/ } },
  { name: 'PsnrMetric.fromJSON: a negative MSE', run: () => PsnrMetric.fromJSON({ ...filledPsnr().toJSON(), mse: [-1] }), expect: { error: /invalid PsnrMetric\.fromJSON: state\.mse/ } },
  { name: 'PsnrMetric.fromJSON: NaN sqErr', run: () => PsnrMetric.fromJSON({ ...filledPsnr().toJSON(), sqErr: NaN }), expect: { error: /invalid PsnrMetric\.fromJSON: state\.sqErr/ } },
  { name: 'PsnrMetric.fromJSON: fewer pixels than images', run: () => PsnrMetric.fromJSON({ ...filledPsnr().toJSON(), pixels: 0 }), expect: { error: /invalid PsnrMetric\.fromJSON: state\.pixels/ } },
  { name: 'PsnrMetric.fromJSON: not a state', run: () => PsnrMetric.fromJSON(null as never), expect: { error: /invalid PsnrMetric\.fromJSON: state: expected a PsnrMetric state/ } },
  { name: 'SsimMetric: toJSON → JSON → fromJSON', run: () => SsimMetric.fromJSON(JSON.parse(JSON.stringify(filledSsim()))).compute().perImage, expect: { value: [ssimAB()], rtol: 1e-12 } },
  { name: 'SsimMetric.merge: a structured clone', run: () => {
    const r = filledSsim().merge(structuredClone(filledSsim())).compute();
    return [r.count, r.mean];
  }, expect: { value: [2, ssimAB()], rtol: 1e-12 } },
  { name: 'SsimMetric.merge: other options', run: () => filledSsim().merge(new SsimMetric({ dataRange: 1, padding: 'zero' }).toJSON()), expect: { error: /invalid SsimMetric\.merge: other\.options\.padding/ } },
  { name: 'SsimMetric.fromJSON: a value outside [-1, 1]', run: () => SsimMetric.fromJSON({ ...filledSsim().toJSON(), values: [3] }), expect: { error: /invalid SsimMetric\.fromJSON: state\.values/ } },
  { name: 'SsimMetric.fromJSON: invalid options', run: () => SsimMetric.fromJSON({ ...filledSsim().toJSON(), options: { dataRange: -1 } }), expect: { error: /invalid SsimMetric: options\.dataRange: expected a finite number > 0/ } },
  { name: 'CityscapesEvaluator.merge: a structured clone', run: () => filledCityscapes().merge(structuredClone(filledCityscapes())).compute().pixels, expect: { value: 8 } },
  { name: 'CityscapesEvaluator: toJSON → JSON → fromJSON', run: () => {
    const r = CityscapesEvaluator.fromJSON(JSON.parse(JSON.stringify(filledCityscapes()))).compute();
    return [r.iouClass, r.iiouClass];
  }, expect: { value: [filledCityscapes().compute().iouClass, filledCityscapes().compute().iiouClass], rtol: 1e-12 } },
  { name: 'CityscapesEvaluator.fromJSON: a negative count', run: () => CityscapesEvaluator.fromJSON({ ...filledCityscapes().toJSON(), counts: filledCityscapes().toJSON().counts.map((c, i) => (i === 5 ? -3 : c)) }), expect: { error: /invalid CityscapesEvaluator\.fromJSON: state\.counts: expected non-negative integer counts/ } },
  { name: 'CityscapesEvaluator.fromJSON: an unknown instance class', run: () => CityscapesEvaluator.fromJSON({ ...filledCityscapes().toJSON(), classes: { road: [1, 0, 1, 0] } }), expect: { error: /invalid CityscapesEvaluator\.fromJSON: state\.classes\.road/ } },
  { name: 'CityscapesEvaluator.merge: NaN instance statistics', run: () => new CityscapesEvaluator().merge({ ...filledCityscapes().toJSON(), classes: { car: [NaN, 0, 1, 0] } }), expect: { error: /invalid CityscapesEvaluator\.merge: other\.classes\.car/ } },

  // 9. empty inputs
  { name: 'psnr: N = 0', run: () => psnr(tf.zeros([0, 4, 4, 3]), tf.zeros([0, 4, 4, 3]), { dataRange: 1 }), expect: { error: /invalid psnr: prediction: expected non-empty images/ } },
  { name: 'ssim: N = 0', run: () => ssim(tf.zeros([0, 12, 12, 3]), tf.zeros([0, 12, 12, 3]), { dataRange: 1 }), expect: { error: /invalid ssim: prediction: expected non-empty images/ } },
  { name: 'msSsim: zero-size images', run: () => msSsim(tf.zeros([1, 0, 12, 3]), tf.zeros([1, 0, 12, 3]), MS), expect: { error: /invalid msSsim: prediction: expected non-empty images/ } },
  { name: 'psnr: zero channels (host data)', run: () => psnr(host(empty, [1, 4, 4, 0]), host(empty, [1, 4, 4, 0]), { dataRange: 1 }), expect: { error: /invalid psnr: prediction: expected non-empty images/ } },
  { name: 'ssimHost: N = 0', run: () => ssimHost(host(empty, [0, 12, 12, 3]), host(empty, [0, 12, 12, 3]), { dataRange: 1 }), expect: { error: /invalid ssimHost: prediction: expected non-empty images/ } },
  { name: 'ssimHost: zero-size images', run: () => ssimHost(host(empty, [1, 12, 0, 3]), host(empty, [1, 12, 0, 3]), { dataRange: 1 }), expect: { error: /invalid ssimHost: prediction: expected non-empty images/ } },
  { name: 'PsnrMetric.update: N = 0 adds nothing (documented)', run: () => {
    const m = new PsnrMetric({ dataRange: 1 });
    const v = m.update(host(empty, [0, 4, 4, 3]), host(empty, [0, 4, 4, 3]));
    return [v.length, m.compute().count];
  }, expect: { value: [0, 0] } },
  { name: 'PsnrMetric.update: zero-size images', run: () => new PsnrMetric({ dataRange: 1 }).update(host(empty, [1, 0, 4, 3]), host(empty, [1, 0, 4, 3])), expect: { error: /invalid PsnrMetric\.update: prediction: expected non-empty images/ } },
  { name: 'SsimMetric.update: N = 0 adds nothing (documented)', run: () => {
    const m = new SsimMetric({ dataRange: 1 });
    return [m.update(tf.zeros([0, 12, 12, 3]), tf.zeros([0, 12, 12, 3])).length, m.compute().count];
  }, expect: { value: [0, 0] } },
  { name: 'SsimMetric.update: zero-size images', run: () => new SsimMetric({ dataRange: 1 }).update(host(empty, [1, 0, 12, 3]), host(empty, [1, 0, 12, 3])), expect: { error: /invalid SsimMetric\.update: prediction: expected non-empty images/ } },
  { name: 'PsnrMetric.compute() before any update: NaN (documented)', run: () => {
    const r = new PsnrMetric({ dataRange: 1 }).compute();
    return [Number.isNaN(r.mean) ? 1 : 0, Number.isNaN(r.pooled) ? 1 : 0, r.count];
  }, expect: { value: [1, 1, 0] } },
  { name: 'SsimMetric.compute() before any update: NaN (documented)', run: () => (Number.isNaN(new SsimMetric({ dataRange: 1 }).compute().mean) ? 1 : 0), expect: { value: 1 } },
  { name: 'ConfusionMatrix.compute() before any update: NaN scores, total 0 (documented)', run: () => {
    const r = cm3().compute();
    return [Number.isNaN(r.meanIoU) ? 1 : 0, r.total];
  }, expect: { value: [1, 0] } },
  { name: 'ConfusionMatrix.update: N = 0 logits add nothing (documented; wasm reductions over nothing are garbage)', run: () => {
    const cm = cm3();
    return [cm.update(tf.zeros([0, 2, 2, 3]), tf.zeros([0, 2, 2], 'int32')), cm.compute().total];
  }, expect: { value: [0, 0] } },
  { name: 'ConfusionMatrix.update: ±Inf logits', run: () => cm3().update(tf.tensor4d([0, Infinity, 0, 1, 0, 0], [1, 1, 2, 3]), tf.tensor3d([1, 1], [1, 1, 2], 'int32')), expect: { error: /invalid ConfusionMatrix\.update: prediction: expected finite logits/ } },
  { name: 'ConfusionMatrix.update: -Inf in host logits', run: () => cm3().update({ data: new Float32Array([0, -Infinity, 0, 1, 0, 0]), shape: [2, 3] }, new Int32Array([1, 1])), expect: { error: /invalid ConfusionMatrix\.update: prediction: expected finite logits.*at pixel 0/ } },
  { name: 'CityscapesEvaluator.update: N = 0 adds nothing (documented)', run: () => {
    const ev = new CityscapesEvaluator();
    ev.update(tf.zeros([0, 2, 2], 'int32'), tf.zeros([0, 2, 2], 'int32'), tf.zeros([0, 2, 2], 'int32'));
    return ev.compute().pixels;
  }, expect: { value: 0 } },
  { name: 'FeatureStatistics.update: N = 0 adds nothing (documented)', run: () => {
    const f = filledFeatures();
    f.update(tf.zeros([0, 2]));
    return f.count;
  }, expect: { value: 3 } },
  { name: 'FeatureStatistics.frechetDistance with < 2 samples', run: () => new FeatureStatistics(2).frechetDistance(filledFeatures()), expect: { error: /at least 2 feature vectors/ } },
];

/** Runs a row in a tensor scope (its inputs are disposed, thrown or not); a returned tensor is read. */
async function runRow(row: Row): Promise<unknown> {
  tf.engine().startScope();
  try {
    const r = await row.run();
    return r instanceof tf.Tensor ? vals(r) : r;
  } finally {
    tf.engine().endScope();
  }
}

async function outcome(row: Row): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await runRow(row) };
  } catch (error) {
    return { error };
  }
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`issue 16 audit — metrics (${backend})`, () => {
    let previous = '';
    beforeAll(async () => {
      previous = tf.getBackend();
      await tf.setBackend(backend);
    });
    afterAll(async () => {
      await tf.setBackend(previous);
    });
    for (const row of rows) {
      it(row.name, async () => {
        const first = await outcome(row);
        const before = tf.memory().numTensors;
        const second = await outcome(row);
        expect(tf.memory().numTensors, 'tensors leaked by a repeated call').toBe(before);
        for (const o of [first, second]) {
          if ('error' in row.expect) {
            expect(o.error, `expected an error, got ${JSON.stringify(o.value)}`).toBeInstanceOf(InvalidArgumentError);
            expect((o.error as Error).message).toMatch(row.expect.error);
          } else {
            if (o.error) throw o.error;
            expectClose(o.value as number[], row.expect.value, row.expect.rtol ?? 1e-9, row.name);
          }
        }
      });
    }
  });
}

describe('issue 16 audit — metrics merged across a real worker thread', () => {
  it('PsnrMetric and ConfusionMatrix built in a worker merge in the main thread (instance clone and toJSON)', async () => {
    const src = new URL('../src/metrics/psnr_metric.ts', import.meta.url).href;
    const cmSrc = new URL('../src/metrics/confusion_matrix.ts', import.meta.url).href;
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import('tsx/esm/api').then(async (api) => {
        api.register();
        const { PsnrMetric } = await import(${JSON.stringify(src)});
        const { ConfusionMatrix } = await import(${JSON.stringify(cmSrc)});
        const m = new PsnrMetric({ dataRange: 1 });
        m.update(workerData.a, workerData.b);
        const cm = new ConfusionMatrix(3);
        cm.update(new Int32Array([0, 1, 2, 2, 1]), new Int32Array([0, 1, 2, 1, 1]));
        parentPort.postMessage({ clone: m, state: m.toJSON(), cm });
      });`;
    const w = new Worker(code, { eval: true, workerData: { a: host(A), b: host(B) } });
    const msg = await new Promise<{ clone: unknown; state: unknown; cm: unknown }>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    const main = new PsnrMetric({ dataRange: 1 });
    main.merge(msg.clone as PsnrMetric).merge(msg.state as PsnrMetric);
    const r = main.compute();
    expect(r.count).toBe(2);
    expectClose(r.perImage, [psnrAB(), psnrAB()], 1e-6);
    expect(filledCm().merge(msg.cm as ConfusionMatrix).compute().total).toBe(10);
  }, 60_000);
});
