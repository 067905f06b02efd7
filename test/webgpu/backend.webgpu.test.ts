// The webgpu backend itself: the adapter report, the software-adapter rule on
// a real Dawn adapter, a script exiting by itself after using the GPU, and
// the convolution kernels a training step needs (forward, input and filter
// gradients, transposed) equal cpu over a table of strides, paddings,
// dilations and kernel sizes. segaware registers its own training kernels for
// wasm and cpu only, so on webgpu this table checks whichever Conv2D kernels
// the webgpu backend runs (tfjs's, or faster ones registered for webgpu).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../../src/tf.js';
import { initBackend } from '../../src/backend/index.js';
import { expectSameOnCpu, rand } from './compare.js';

describe('initBackend on a real WebGPU adapter', () => {
  it('reports the adapter; the automatic order skips it only when it is a software one', async () => {
    const forced = await initBackend({ prefer: 'webgpu', quiet: true });
    expect(forced.name).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    const a = forced.adapter!;
    expect(a).not.toBeNull();
    for (const k of ['vendor', 'architecture', 'device', 'description'] as const) expect(typeof a[k]).toBe('string');
    expect(`${a.vendor}${a.architecture}${a.device}${a.description}`.length).toBeGreaterThan(0);
    if (/llvmpipe|lavapipe|swiftshader/i.test(`${a.device} ${a.description}`)) expect(a.software).toBe(true);
    expect(forced.notice).toMatch(/^segaware: using the webgpu backend \(adapter: .+\) from prefer$/);

    const auto = await initBackend({ quiet: true });
    if (a.software) {
      expect(auto.name).not.toBe('webgpu');
      expect(auto.skipped.find((s) => s.name === 'webgpu')!.reason).toMatch(/^software adapter \(.+\): slower than wasm$/);
    } else {
      expect(auto.name).toBe('webgpu');
    }
    expect(auto.adapter).toEqual(a);
    await initBackend({ prefer: 'webgpu', quiet: true });
  });

  it('a script that trained a step on webgpu exits by itself within seconds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'segaware-webgpu-exit-'));
    const script = join(dir, 'exit.mts');
    writeFileSync(
      script,
      `import { initBackend, tf } from ${JSON.stringify(join(process.cwd(), 'src/index.ts'))};
const c = await initBackend({ prefer: 'webgpu', quiet: true });
const w = tf.variable(tf.randomNormal([3, 3, 3, 4], 0, 0.1, 'float32', 1));
const x = tf.randomNormal([1, 16, 16, 3], 0, 1, 'float32', 2);
const opt = tf.train.adam(1e-3);
const loss = opt.minimize(() => tf.mean(tf.square(tf.conv2d(x, w, 1, 'same'))), true);
const v = (await loss.data())[0];
console.log(JSON.stringify({ backend: tf.getBackend(), adapter: c.adapter, loss: v, done: Date.now() }));
`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, SEGAWARE_BACKEND: '' } });
    const exited = Date.now();
    expect(r.status, r.stderr).toBe(0); // a GPU handle keeping Node alive would hit the timeout (status null)
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.backend).toBe('webgpu');
    expect(Number.isFinite(out.loss)).toBe(true);
    // from the last line printed to the process gone
    expect(exited - out.done).toBeLessThan(5_000);
  });
});

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
interface Case { n: number; h: number; w: number; ci: number; co: number; k: [number, number]; s: [number, number]; d: [number, number]; pad: Pad }
// stride 1/2/3 and mixed, same/valid/explicit, dilation 1/2, kernel 1/3/4/7, odd sizes, batch > 1, channels 1..32
const CASES: Case[] = [
  { n: 2, h: 7, w: 9, ci: 3, co: 5, k: [3, 3], s: [1, 1], d: [1, 1], pad: 'same' },
  { n: 1, h: 8, w: 8, ci: 4, co: 6, k: [4, 4], s: [2, 2], d: [1, 1], pad: 1 },
  { n: 3, h: 9, w: 7, ci: 2, co: 3, k: [4, 4], s: [2, 2], d: [1, 1], pad: 'same' },
  { n: 1, h: 11, w: 10, ci: 3, co: 2, k: [7, 7], s: [2, 2], d: [1, 1], pad: 'valid' },
  { n: 2, h: 6, w: 5, ci: 1, co: 1, k: [1, 1], s: [1, 1], d: [1, 1], pad: 'valid' },
  { n: 2, h: 13, w: 12, ci: 16, co: 8, k: [3, 3], s: [2, 2], d: [1, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { n: 1, h: 9, w: 9, ci: 5, co: 4, k: [4, 4], s: [3, 3], d: [1, 1], pad: 'same' },
  { n: 2, h: 10, w: 9, ci: 3, co: 7, k: [3, 4], s: [1, 2], d: [1, 1], pad: 'same' },
  { n: 2, h: 12, w: 11, ci: 6, co: 9, k: [3, 3], s: [1, 1], d: [2, 2], pad: 'same' },
  { n: 1, h: 14, w: 14, ci: 1, co: 32, k: [4, 4], s: [2, 2], d: [1, 1], pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  { n: 2, h: 5, w: 5, ci: 32, co: 1, k: [3, 3], s: [2, 2], d: [1, 1], pad: 'valid' },
  { n: 1, h: 1, w: 1, ci: 32, co: 16, k: [4, 4], s: [2, 2], d: [1, 1], pad: 'same' },
];
const caseName = (c: Case) => `${c.n}x${c.h}x${c.w}x${c.ci}->${c.co} k${c.k} s${c.s} d${c.d} ${JSON.stringify(c.pad)}`;
// float32 sums of up to k·k·C products in another order
const KERNEL = { rtol: 1e-4, atol: 1e-6 };

describe('training convolution kernels on webgpu = cpu', () => {
  for (const c of CASES) {
    it(`conv2d, d/dx, d/dW ${caseName(c)}`, async () => {
      await expectSameOnCpu(caseName(c), () => {
        const x = rand([c.n, c.h, c.w, c.ci], 51) as tf.Tensor4D;
        const f = rand([c.k[0], c.k[1], c.ci, c.co], 52) as tf.Tensor4D;
        const conv = (xx: Tensor, ff: Tensor) => tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.s, c.pad as never, 'NHWC', c.d);
        const y = conv(x, f);
        const dy = rand(y.shape, 53);
        // tfjs differentiates conv2d only at dilation 1
        if (c.d[0] !== 1 || c.d[1] !== 1) return [y];
        const [dx, df] = tf.grads((xx: Tensor, ff: Tensor) => conv(xx, ff))([x, f], dy);
        return [y, dx!, df!];
      }, KERNEL);
    });
  }
  for (const c of CASES.filter((k) => k.d[0] === 1 && typeof k.pad === 'string')) {
    it(`conv2dTranspose and its gradients ${caseName(c)}`, async () => {
      await expectSameOnCpu(`transpose ${caseName(c)}`, () => {
        const outH = c.pad === 'same' ? c.h * c.s[0] : (c.h - 1) * c.s[0] + c.k[0];
        const outW = c.pad === 'same' ? c.w * c.s[1] : (c.w - 1) * c.s[1] + c.k[1];
        const x = rand([c.n, c.h, c.w, c.co], 54) as tf.Tensor4D;
        const f = rand([c.k[0], c.k[1], c.ci, c.co], 55) as tf.Tensor4D;
        const tconv = (xx: Tensor, ff: Tensor) => tf.conv2dTranspose(xx as tf.Tensor4D, ff as tf.Tensor4D, [c.n, outH, outW, c.ci], c.s, c.pad as 'same' | 'valid');
        const y = tconv(x, f);
        const [dx, df] = tf.grads((xx: Tensor, ff: Tensor) => tconv(xx, ff))([x, f], rand(y.shape, 56));
        return [y, dx!, df!];
      }, KERNEL);
    });
  }
});
