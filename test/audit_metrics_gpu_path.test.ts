/**
 * Issue 16 audit, metrics: the GPU-backend branch of the image-metric checks, simulated on
 * wasm by reporting the backend as a device one. There the dataRange check is skipped (it
 * would cost a read-back per call) and the finite check goes through assertFiniteTensor
 * (deferred to flushFiniteChecks() on a real GPU; immediate here, where the backend is wasm).
 */
import { describe, expect, it, vi } from 'vitest';
import { tf } from '../src/tf.js';
import { psnr, ssim } from '../src/metrics/index.js';
import { makePair } from './helpers/metrics_pairs.js';

vi.mock('../src/finite_check.js', async (importOriginal) => ({ ...(await importOriginal<object>()), isHostBackend: () => false }));

const S = [1, 12, 12, 3] as [number, number, number, number];
const [A, B] = makePair(S, 7);

describe('image metrics on a (simulated) GPU backend', () => {
  it('skip the dataRange check: 0..255 images with dataRange 1 give the raw value (documented)', () => {
    const v = tf.tidy(() => psnr(tf.tensor4d(A.map((x) => x * 255), S), tf.tensor4d(B.map((x) => x * 255), S), { dataRange: 1 }).dataSync()[0]!);
    expect(v).toBeLessThan(-19);
  });
  it('still refuse NaN through assertFiniteTensor, naming the argument', () => {
    const a = A.slice();
    a[3] = NaN;
    expect(() => tf.tidy(() => ssim(tf.tensor4d(a, S), tf.tensor4d(B, S), { dataRange: 1 }))).toThrow(/invalid ssim: prediction: expected finite/);
  });
});
