/**
 * Runs the same computation on webgpu and on cpu and compares. Tensors
 * belong to the backend that made them (reading a webgpu tensor from cpu
 * would need a synchronous read-back, which Node's webgpu lacks), so every
 * computation builds its inputs from plain arrays on each backend.
 */
import { expect } from 'vitest';
import { tf, type Tensor } from '../../src/tf.js';

/** Deterministic values in [lo, hi) (mulberry32), the same on every backend. */
export function seeded(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * u;
  }
  return out;
}

/** A float tensor of `shape` with {@link seeded} values. */
export function rand(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  return tf.tensor(seeded(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape);
}

/** Integer labels in [0, K) of `shape`, from a seed. */
export function labels(shape: number[], K: number, seed: number): Tensor {
  const v = seeded(shape.reduce((a, b) => a * b, 1), seed, 0, K);
  return tf.tensor(Int32Array.from(v, (x) => Math.min(K - 1, Math.floor(x))), shape, 'int32');
}

type Outputs = Tensor | Tensor[];

/** Runs `fn` on `backend` inside a tidy and returns its outputs' values (read with `await data()`). */
export async function valuesOn(backend: 'webgpu' | 'cpu', fn: () => Outputs): Promise<Float32Array[]> {
  const before = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const outs = tf.tidy(() => {
      const r = fn();
      return Array.isArray(r) ? r : [r];
    });
    const values = await Promise.all(outs.map((t) => t.data()));
    tf.dispose(outs);
    return values.map((v) => Float32Array.from(v as ArrayLike<number>));
  } finally {
    await tf.setBackend(before);
  }
}

/** Tolerance: |gpu − cpu| ≤ atol + rtol·max|cpu| over each output. */
export interface Tolerance {
  rtol: number;
  atol?: number;
}

/** Asserts two lists of values agree; `what` names them in failures. */
export function expectClose(what: string, gpu: Float32Array[], cpu: Float32Array[], tol: Tolerance): void {
  expect(gpu.length, what).toBe(cpu.length);
  gpu.forEach((g, k) => {
    const c = cpu[k]!;
    expect(g.length, `${what}[${k}] length`).toBe(c.length);
    let scale = 0;
    for (const v of c) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    let worst = 0;
    let at = -1;
    for (let i = 0; i < c.length; i++) {
      const cv = c[i]!;
      const gv = g[i]!;
      if (!Number.isFinite(cv)) {
        expect(gv, `${what}[${k}][${i}] (cpu ${cv})`).toBe(cv);
        continue;
      }
      const d = Math.abs(gv - cv);
      if (!(d <= worst)) {
        worst = Number.isNaN(d) ? Infinity : d;
        at = i;
      }
    }
    const bound = (tol.atol ?? 0) + tol.rtol * scale;
    expect(worst, `${what}[${k}]: max |webgpu − cpu| at ${at} (webgpu ${g[at]}, cpu ${c[at]}), bound ${bound} (scale ${scale})`).toBeLessThanOrEqual(bound);
  });
}

/** Computes `fn` on webgpu and on cpu and asserts they agree. */
export async function expectSameOnCpu(what: string, fn: () => Outputs, tol: Tolerance): Promise<Float32Array[]> {
  const gpu = await valuesOn('webgpu', fn);
  const cpu = await valuesOn('cpu', fn);
  expectClose(what, gpu, cpu, tol);
  return gpu;
}
