import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import {
  DEGRADATION_LEVELS,
  addFog,
  chromaticAberration,
  degrade,
  gaussianBlur,
  gaussianNoise,
  jpegCompress,
  renderSyntheticScene,
  toNight,
} from '../src/index.js';
import type { ImageRaster } from '../src/index.js';
import { kelvinToRgb } from '../src/data/degrade/night.js';
import { expectClose, expectNoLeaks, loadFixture } from './helpers/index.js';

/** Host PSNR on [0,1]. */
function psnr(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10(1 / (s / a.length));
}

/** Host SSIM (8×8 uniform windows, stride 4, per channel, averaged) — enough to check monotonicity. */
function ssim(a: ImageRaster, b: ImageRaster): number {
  const { height: H, width: W, channels: C } = a;
  const C1 = 0.01 ** 2, C2 = 0.03 ** 2;
  let total = 0, n = 0;
  for (let c = 0; c < C; c++) {
    for (let y = 0; y + 8 <= H; y += 4) {
      for (let x = 0; x + 8 <= W; x += 4) {
        let ma = 0, mb = 0, va = 0, vb = 0, cov = 0;
        for (let j = 0; j < 8; j++) for (let i = 0; i < 8; i++) { const k = ((y + j) * W + x + i) * C + c; ma += a.data[k]!; mb += b.data[k]!; }
        ma /= 64; mb /= 64;
        for (let j = 0; j < 8; j++) for (let i = 0; i < 8; i++) {
          const k = ((y + j) * W + x + i) * C + c;
          const da = a.data[k]! - ma, db = b.data[k]! - mb;
          va += da * da; vb += db * db; cov += da * db;
        }
        va /= 64; vb /= 64; cov /= 64;
        total += ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
        n++;
      }
    }
  }
  return total / n;
}

const scene = renderSyntheticScene(11, 0, 64, 128);

describe('fog (Koschmieder)', () => {
  it('matches I = J·t + A·(1−t), t = exp(−β·d) on a hand case', () => {
    const J: ImageRaster = { data: new Float32Array([0.2, 0.4, 0.6, 0.2, 0.4, 0.6, 1, 0, 0.5, 0, 0, 0]), height: 2, width: 2, channels: 3 };
    const d = { data: new Float32Array([0, 10, 100, 1e6]), height: 2, width: 2, channels: 1 };
    const out = addFog(J, d, { beta: 0.02, airlight: [0.9, 0.8, 0.7] });
    const expected: number[] = [];
    const A = [0.9, 0.8, 0.7];
    for (let p = 0; p < 4; p++) {
      const t = Math.exp(-0.02 * d.data[p]!);
      for (let c = 0; c < 3; c++) expected.push(J.data[p * 3 + c]! * t + A[c]! * (1 - t));
    }
    expectClose(out.data, expected, 1e-6, 'fog');
    expect(out.data[0]).toBeCloseTo(0.2, 6); // d = 0: unchanged
    expect(out.data[9]).toBeCloseTo(0.9, 6); // d → ∞: airlight
  });

  it('works on tensors in [-1,1] and batches, without leaks', async () => {
    const x = tf.fill([2, 2, 3, 3], 0, 'float32'); // 0 in [-1,1] = 0.5
    const depth = tf.fill([2, 2, 3, 1], 50);
    const y = addFog(x, depth, { beta: 0.01, airlight: 1, range: [-1, 1] });
    const t = Math.exp(-0.5);
    expectClose(y, new Array(36).fill((0.5 * t + (1 - t)) * 2 - 1), 1e-5);
    y.dispose();
    await expectNoLeaks(() => addFog(x, depth, { beta: 0.01, range: [-1, 1] }));
    expect(() => addFog(x, tf.fill([2, 3], 1), { beta: 0.01 })).toThrow(/depth/);
    x.dispose();
    depth.dispose();
  });
});

describe('degradation levels', () => {
  it('each level lowers PSNR and SSIM monotonically', async () => {
    for (const kind of ['blur', 'noise', 'jpeg', 'ca', 'fog', 'night'] as const) {
      const levels = DEGRADATION_LEVELS[kind].length;
      const ps: number[] = [];
      const ss: number[] = [];
      for (let l = 1; l <= levels; l++) {
        const out = await degrade(scene.image, kind, l, { seed: 3, depth: scene.depth, emission: scene.emission });
        ps.push(psnr(scene.image.data, out.data));
        ss.push(ssim(scene.image, out));
      }
      for (let l = 1; l < levels; l++) {
        expect(ps[l], `${kind} PSNR level ${l + 1} < level ${l}: ${ps.join(', ')}`).toBeLessThan(ps[l - 1]!);
        expect(ss[l], `${kind} SSIM level ${l + 1} < level ${l}: ${ss.join(', ')}`).toBeLessThan(ss[l - 1]!);
      }
      expect(ss[0]).toBeLessThan(1);
    }
  });
});

describe('blur, noise, JPEG, chromatic aberration', () => {
  it('gaussianBlur equals scipy.ndimage.gaussian_filter(mode=reflect, truncate=3)', () => {
    const fx = loadFixture<{ blur: { image: number[]; shape: number[]; sigmas: Record<string, number[]> } }>('data_reference.json').blur;
    const img: ImageRaster = { data: Float32Array.from(fx.image), height: fx.shape[0]!, width: fx.shape[1]!, channels: 3 };
    for (const [sigma, ref] of Object.entries(fx.sigmas)) expectClose(gaussianBlur(img, { sigma: Number(sigma) }).data, ref, 1e-5, `σ ${sigma}`);
  });

  it('gaussianNoise is seeded, has the requested variance and clips', () => {
    const img: ImageRaster = { data: new Float32Array(30000).fill(0.5), height: 100, width: 100, channels: 3 };
    const a = gaussianNoise(img, { variance: 0.01, seed: 5 });
    const b = gaussianNoise(img, { variance: 0.01, seed: 5 });
    const c = gaussianNoise(img, { variance: 0.01, seed: 6 });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
    let m = 0, v = 0;
    for (const x of a.data) m += x;
    m /= a.data.length;
    for (const x of a.data) v += (x - m) ** 2;
    v /= a.data.length;
    expect(m).toBeCloseTo(0.5, 2);
    expect(v).toBeGreaterThan(0.0095);
    expect(v).toBeLessThan(0.0105);
    const big = gaussianNoise(img, { variance: 0.2, seed: 1 });
    expect(Math.min(...big.data)).toBe(0);
    expect(Math.max(...big.data)).toBe(1);
    expect(() => gaussianNoise(img, { variance: -1 })).toThrow(/variance/);
  });

  it('chromaticAberration shifts R by +r and B by −b pixels (both axes), G unchanged', () => {
    const H = 20, W = 24;
    const data = new Float32Array(H * W * 3);
    for (let i = 0; i < H * W * 3; i++) data[i] = ((i * 7919) % 1000) / 1000;
    const img = { data, height: H, width: W, channels: 3 };
    const out = chromaticAberration(img, { red: 3, blue: 2 });
    for (let y = 5; y < 15; y++) for (let x = 5; x < 15; x++) {
      const i = (y * W + x) * 3;
      expect(out.data[i]).toBe(data[((y - 3) * W + x - 3) * 3]);
      expect(out.data[i + 1]).toBe(data[i + 1]);
      expect(out.data[i + 2]).toBe(data[((y + 2) * W + x + 2) * 3 + 2]);
    }
    expect(() => chromaticAberration(img, { red: 1.5, blue: 1 })).toThrow(/red/);
  });

  it('jpegCompress round-trips through JPEG and keeps tensors as tensors', async () => {
    const x = tf.tensor3d(scene.image.data, [64, 128, 3]);
    const y = await jpegCompress(x, { quality: 12 });
    expect(y.shape).toEqual([64, 128, 3]);
    const d = psnr(scene.image.data, y.dataSync() as Float32Array);
    expect(d).toBeGreaterThan(15);
    expect(d).toBeLessThan(40);
    x.dispose();
    y.dispose();
    await expect(jpegCompress(scene.image, { quality: 0 })).rejects.toThrow(/quality/);
  });
});

describe('toNight', () => {
  it('darkens, is deterministic per seed, and light sources brighten their surroundings', () => {
    const a = toNight(scene.image, { seed: 1, labels: scene.labels });
    const b = toNight(scene.image, { seed: 1, labels: scene.labels });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const mean = (d: Float32Array) => d.reduce((s, v) => s + v, 0) / d.length;
    expect(mean(a.data)).toBeLessThan(mean(scene.image.data) * 0.5);
    const lit = toNight(scene.image, { seed: 1, emission: scene.emission, labels: scene.labels });
    expect(mean(lit.data)).toBeGreaterThan(mean(a.data));
    const noNoise = toNight(scene.image, { noise: { shot: 0, read: 0 } });
    // without lights and noise: v' = (v^γ · exposure · wb)^(1/γ)
    const wb = kelvinToRgb(11000);
    expect(noNoise.data[0]).toBeCloseTo(Math.pow(Math.pow(scene.image.data[0]!, 2.2) * 0.06 * wb[0], 1 / 2.2), 5);
    expect(wb[2]).toBeGreaterThan(wb[0]); // high kelvin is bluish
    const warm = kelvinToRgb(3000);
    expect(warm[0]).toBeGreaterThan(warm[2]);
  });
});
