/**
 * Convolution gradients for layers with few input channels (RGB in, RGB
 * out), where XNNPACK's convolution wastes most of its vector lanes: the
 * patch matrix is gathered (or scattered) on the host and the contraction is
 * one matrix product on the backend.
 *
 * - input gradient: `cols = dy · Wᵀ`, then `dx[n, oh·s+kh−p, ow·s+kw−p, ci] += cols[(n,oh,ow), (kh,kw,ci)]`
 */
import type { TensorInfo } from '../../tf.js';
import type { KernelContext } from './kernel_context.js';

/** Geometry shared by both gradients (NHWC, explicit leading pads). */
export interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  kh: number;
  kw: number;
  oh: number;
  ow: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
}

/** Largest `kh·kw·ci` for which the host patch path beats XNNPACK's convolution. */
export const SMALL_PATCH = 64;

/** Largest output channel count for which the direct host filter gradient is used. */
export const FEW_OUTPUT_CHANNELS = 4;

/**
 * Filter gradient for few output channels (a PatchGAN's 1-channel head): a direct host
 * loop `dW[a, b, c, o] = Σ_{n,y,x} x[n, y·s+a−top, x·s+b−left, c] · dy[n, y, x, o]`,
 * reading `x` along its contiguous channel axis. XNNPACK has nothing to vectorise over
 * with `co = 1` (1×33×33×512 → 30×30×1, 4×4: 30 ms as per-tap products, ~5 ms here).
 */
export function filterGradFewOutputs(ctx: KernelContext, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const { n, h, w, ci, co, kh, kw, oh, ow, sh, sw, top, left } = g;
  const xs = ctx.backend.readSync(x.dataId) as Float32Array;
  const dys = ctx.backend.readSync(dy.dataId) as Float32Array;
  const acc = new Float64Array(kh * kw * ci * co); // float64 sums: the order differs from the stock kernel's
  for (let img = 0; img < n; img++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        const dyBase = ((img * oh + y) * ow + xo) * co;
        for (let o = 0; o < co; o++) {
          const d = dys[dyBase + o]!;
          if (d === 0) continue;
          for (let a = 0; a < kh; a++) {
            const iy = y * sh + a - top;
            if (iy < 0 || iy >= h) continue;
            for (let b = 0; b < kw; b++) {
              const ix = xo * sw + b - left;
              if (ix < 0 || ix >= w) continue;
              const src = ((img * h + iy) * w + ix) * ci;
              const dst = (a * kw + b) * ci * co + o;
              for (let c = 0; c < ci; c++) acc[dst + c * co] = acc[dst + c * co]! + xs[src + c]! * d;
            }
          }
        }
      }
    }
  }
  return ctx.upload(Float32Array.from(acc), [kh, kw, ci, co]);
}

function matmul(ctx: KernelContext, a: TensorInfo, b: TensorInfo): TensorInfo {
  return ctx.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
}

/** `Conv2DBackpropInput` via one matrix product and a host scatter-add. */
export function inputGradCol2im(ctx: KernelContext, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const { n, h, w, ci, co, kh, kw, oh, ow, sh, sw, top, left } = g;
  const rows = n * oh * ow;
  const k = kh * kw * ci;
  const a3 = ctx.run('Reshape', { x: dy }, { shape: [1, rows, co] });
  // Wᵀ as [co, kh·kw·ci]: the filter is tiny, and wasm's transposed-operand matmul path is slow
  const wT = ctx.transpose(ctx.run('Reshape', { x: filter }, { shape: [k, co] }), [1, 0]);
  const b3 = ctx.run('Reshape', { x: wT }, { shape: [1, co, k] });
  const prod = matmul(ctx, a3, b3); // [1, rows, kh·kw·ci]
  const cols = ctx.backend.readSync(prod.dataId) as Float32Array;
  const dx = new Float32Array(n * h * w * ci);
  for (let img = 0; img < n; img++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        const rowBase = ((img * oh + y) * ow + xo) * k;
        for (let a = 0; a < kh; a++) {
          const iy = y * sh + a - top;
          if (iy < 0 || iy >= h) continue;
          for (let b = 0; b < kw; b++) {
            const ix = xo * sw + b - left;
            if (ix < 0 || ix >= w) continue;
            const dst = ((img * h + iy) * w + ix) * ci;
            const src = rowBase + (a * kw + b) * ci;
            for (let c = 0; c < ci; c++) dx[dst + c]! += cols[src + c]!;
          }
        }
      }
    }
  }
  return ctx.upload(dx, [n, h, w, ci]);
}
