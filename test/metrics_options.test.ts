/**
 * Issue 15, metrics: every public metric function and constructor rejects a misspelled option
 * key (labelled `fn: options.key`, listing the valid keys and the nearest match) instead of
 * running with the default, and names its positional inputs `prediction`, `target` (and
 * `targetInstances`) in errors, prefixed with the function or `Class.method`.
 */
import { describe, expect, it } from 'vitest';
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
import { SSIM_KEYS } from '../src/metrics/ssim/options.js';
import { MS_SSIM_KEYS } from '../src/metrics/ssim/ms_ssim.js';
import { SSIM_METRIC_KEYS } from '../src/metrics/ssim/ssim_metric.js';
import { PSNR_KEYS } from '../src/metrics/psnr.js';
import { CONFUSION_MATRIX_KEYS } from '../src/metrics/confusion_matrix.js';
import { expectClose } from './helpers/index.js';
import { makePair } from './helpers/metrics_pairs.js';

const S = [1, 12, 12, 3] as [number, number, number, number];
const [A, B] = makePair(S, 7);
const host = (x: Float32Array, shape: number[] = S) => ({ data: x, shape });
const T = (x: Float32Array) => tf.tensor4d(x, S);
const keys = (k: readonly string[]) => k.join(', ');

/** A call with a misspelled key, the label it must name, the keys it must list and the hint. */
interface Row {
  name: string;
  run: () => unknown;
  label: string;
  valid: readonly string[];
  near: string;
}

const rows: Row[] = [
  { name: 'psnr', run: () => psnr(host(A), host(B), { dataRang: 1 } as never), label: 'psnr: options.dataRang', valid: PSNR_KEYS, near: 'dataRange' },
  { name: 'ssim', run: () => ssim(host(A), host(B), { dataRange: 1, paddng: 'zero' } as never), label: 'ssim: options.paddng', valid: SSIM_KEYS, near: 'padding' },
  { name: 'msSsim', run: () => msSsim(host(A), host(B), { dataRange: 1, weight: [1] } as never), label: 'msSsim: options.weight', valid: MS_SSIM_KEYS, near: 'weights' },
  { name: 'ssimHost', run: () => ssimHost(host(A), host(B), { dataRange: 1, sigmaa: 2 } as never), label: 'ssimHost: options.sigmaa', valid: SSIM_KEYS, near: 'sigma' },
  { name: 'ssimHostParallel (options)', run: () => ssimHostParallel(host(A), host(B), { dataRange: 1, windowSze: 7 } as never), label: 'ssimHostParallel: options.windowSze', valid: SSIM_KEYS, near: 'windowSize' },
  { name: 'ssimHostParallel (parallel)', run: () => ssimHostParallel(host(A), host(B), { dataRange: 1 }, { worker: 2 } as never), label: 'ssimHostParallel: options.worker', valid: ['workers'], near: 'workers' },
  { name: 'PsnrMetric', run: () => new PsnrMetric({ datarange: 1 } as never), label: 'PsnrMetric: options.datarange', valid: PSNR_KEYS, near: 'dataRange' },
  { name: 'SsimMetric', run: () => new SsimMetric({ dataRange: 1, multiscale: true } as never), label: 'SsimMetric: options.multiscale', valid: SSIM_METRIC_KEYS, near: 'multiScale' },
  { name: 'ConfusionMatrix', run: () => new ConfusionMatrix(3, { ignore_index: 0 } as never), label: 'ConfusionMatrix: options.ignore_index', valid: CONFUSION_MATRIX_KEYS, near: 'ignoreIndex' },
  { name: 'ConfusionMatrix.updateParallel', run: () => new ConfusionMatrix(3).updateParallel(new Uint8Array(4), new Uint8Array(4), { wrokers: 2 } as never), label: 'ConfusionMatrix.updateParallel: options.wrokers', valid: ['workers'], near: 'workers' },
];

describe('metrics reject misspelled option keys (issue 15)', () => {
  for (const row of rows) {
    it(row.name, async () => {
      let error: unknown;
      try {
        await row.run();
      } catch (e) {
        error = e;
      }
      const message = (error as Error | undefined)?.message ?? 'no error';
      const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(message).toMatch(new RegExp(`^segaware: invalid ${escape(row.label)}: expected one of the option keys ${escape(keys(row.valid))}, received ".*" \\(did you mean "${row.near}"\\?\\)$`));
    });
  }

  it('a key far from every known key gets the list without a guess; a non-object is refused', () => {
    expect(() => psnr(host(A), host(B), { dataRange: 1, zzzzzzzz: 1 } as never)).toThrow(/invalid psnr: options\.zzzzzzzz: expected one of the option keys dataRange, received "zzzzzzzz"$/);
    expect(() => ssim(host(A), host(B), 1 as never)).toThrow(/invalid ssim: options: expected an options object/);
  });

  it('every listed key is accepted with its default value, giving the default result', () => {
    const defaults: Record<(typeof SSIM_KEYS)[number], unknown> = { dataRange: 1, padding: 'valid', gaussian: true, windowSize: 11, sigma: 1.5, k1: 0.01, k2: 0.03, sampleCovariance: false, downsample: false };
    const base = ssimHost(host(A), host(B), { dataRange: 1 });
    for (const k of SSIM_KEYS) {
      const v = tf.tidy(() => Array.from(ssim(T(A), T(B), { dataRange: 1, [k]: defaults[k] } as never).dataSync()));
      expectClose(v, base, 1e-5, k);
    }
    const ms = tf.tidy(() => Array.from(msSsim(T(A), T(B), { dataRange: 1, weights: [0.5, 0.5], windowSize: 5, sigma: 1.5, k1: 0.01, k2: 0.03 }).dataSync()));
    expect(ms[0]).toBeGreaterThan(0);
    expect(new SsimMetric({ dataRange: 1, multiScale: true, weights: [0.5, 0.5], windowSize: 5 }).update(T(A), T(B))).toHaveLength(1);
    expect(new ConfusionMatrix(3, { ignoreIndex: 255, dropInvalidTargets: true }).update(new Int32Array([0, 9]), new Int32Array([0, 9]))).toBe(1);
  });

  it('option values are labelled with the owner: fn: options.key / Class: options.key', () => {
    expect(() => ssim(host(A), host(B), {} as never)).toThrow(/invalid ssim: options\.dataRange: expected a positive number .*dataRange is required/);
    expect(() => msSsim(host(A), host(B), { dataRange: 1, windowSize: 4 })).toThrow(/invalid msSsim: options\.windowSize: expected an odd positive integer/);
    expect(() => ssim(host(A), host(B), { dataRange: 1, padding: 'same' as never })).toThrow(/invalid ssim: options\.padding: expected one of "valid", "reflect", "zero"/);
    expect(() => ssimHost(host(A), host(B), { dataRange: 1, downsample: true })).toThrow(/invalid ssimHost: options\.downsample: expected false for ssimHost/);
    expect(() => new PsnrMetric({ dataRange: 0 })).toThrow(/invalid PsnrMetric: options\.dataRange: expected a finite number > 0/);
    expect(() => new SsimMetric({ dataRange: 1, weights: [1] })).toThrow(/invalid SsimMetric: options\.weights: expected no weights unless multiScale is true/);
    expect(() => new SsimMetric({ dataRange: 1, multiScale: true, weights: [-1] })).toThrow(/invalid SsimMetric: options\.weights: expected a non-empty array/);
    expect(() => new ConfusionMatrix(3, { ignoreIndex: 1 })).toThrow(/invalid ConfusionMatrix: options\.ignoreIndex: expected a value outside \[0, 3\)/);
    expect(() => new ConfusionMatrix(0)).toThrow(/invalid ConfusionMatrix: numClasses: expected an integer ≥ 1/);
    expect(() => new FeatureStatistics(0)).toThrow(/invalid FeatureStatistics: dim/);
    return expect(ssimHostParallel(host(A), host(B), { dataRange: 1 }, { workers: 0 })).rejects.toThrow(/invalid ssimHostParallel: options\.workers: expected an integer ≥ 1/);
  });
});

describe('metrics name their inputs prediction / target (issue 15)', () => {
  it('tensor functions: fn: prediction, fn: target, fn: prediction/target', () => {
    const small = tf.zeros([1, 12, 13, 3]);
    const a = T(A);
    expect(() => psnr(a, small, { dataRange: 1 })).toThrow(/invalid psnr: prediction\/target: expected prediction and target of the same shape/);
    expect(() => ssim(tf.zeros([12, 12]) as never, a, { dataRange: 1 })).toThrow(/invalid ssim: prediction: expected a rank-3 or 4 tensor/);
    expect(() => msSsim(a, { data: new Float32Array(3), shape: S }, { dataRange: 1 })).toThrow(/invalid msSsim: target\.data: expected 432 values/);
    expect(() => ssim(tf.zeros([1, 8, 8, 1]), tf.zeros([1, 8, 8, 1]), { dataRange: 1 })).toThrow(/invalid ssim: prediction: expected height and width ≥ the window size 11/);
    expect(() => psnr(T(A.map((v) => v * 255)), a, { dataRange: 1 })).toThrow(/invalid psnr: options\.dataRange: .*values of prediction reach/);
    tf.dispose([small, a]);
  });

  it('accumulators: Class.update: prediction / target / targetInstances', () => {
    expect(() => new PsnrMetric({ dataRange: 1 }).update(host(A), host(B, [1, 12, 4, 9]))).toThrow(/invalid PsnrMetric\.update: prediction\/target: expected images of the same shape/);
    expect(() => new SsimMetric({ dataRange: 1 }).update(host(A), host(B.map((v) => v * 255)))).toThrow(/invalid SsimMetric: options\.dataRange: .*values of target reach/);
    expect(() => new SsimMetric({ dataRange: 1 }).update(host(A), { data: B, shape: [5] })).toThrow(/invalid SsimMetric\.update: target\.shape/);
    const cm = new ConfusionMatrix(3);
    expect(() => cm.update(new Int32Array([0, 7]), new Int32Array([0, 5]))).toThrow(/invalid ConfusionMatrix\.update: target: expected labels in \[0, 3\)/);
    expect(() => cm.update(tf.zeros([2, 4]), new Int32Array([0, 1]))).toThrow(/invalid ConfusionMatrix\.update: prediction: expected logits \[2,3\]/);
    expect(() => cm.updateArrays(new Uint8Array(2), new Uint8Array(3))).toThrow(/invalid ConfusionMatrix\.updateArrays: prediction\/target: expected arrays of equal length/);
    const ev = new CityscapesEvaluator();
    expect(() => ev.update(new Uint8Array([7]), new Uint8Array([7]), new Int32Array([99000]))).toThrow(/invalid CityscapesEvaluator\.update: targetInstances: expected instance ids/);
    expect(() => frechetDistance([0, 1], [1, 0, 0, 1], [0], [1])).toThrow(/invalid frechetDistance: mu2: expected a vector of length 2/);
    expect(() => new FeatureStatistics(3).update([[1, 2]])).toThrow(/invalid FeatureStatistics\.update: features: expected rows of dimension 3/);
  });
});
