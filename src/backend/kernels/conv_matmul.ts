/**
 * Convolutions with few output pixels and large filters (the inner layers of
 * a U-Net or a PatchGAN) as matrix products.
 *
 * XNNPACK re-packs a convolution's filter whenever the filter tensor changes —
 * every training step, and every call for the rearranged filters of the
 * gradients — at about 15 ns per weight, while its matrix product packs its
 * right operand about 10× faster and never packs its left one. On a 4×4 map
 * with a 4×4×512×1024 filter that is 135 ms by convolution and ~20 ms by
 * product. So when `N·OH·OW` is small next to the filter, the patch matrix
 * is gathered on the host (it is small then) and:
 *
 * - forward: `y[M, co] = cols[M, K] · W[K, co]` (bias and activation fused);
 * - input gradient: `colsᵀ[K, M] = W[K, co] · dyᵀ[co, M]` (the filter as the
 *   unpacked left operand), then a host scatter-add;
 * - filter gradient: `dW[K, co] = colsᵀ[K, M] · dy[M, co]`.
 *
 * `K = kh·kw·ci`, `M = N·OH·OW`.
 */
import type { TensorInfo } from '../../tf.js';
import type { KernelContext } from './kernel_context.js';
import type { ConvGeometry } from './conv_im2col.js';

/** Use the product form when the output has at most this many pixels per output channel. */
export const MATMUL_PIXELS_PER_CHANNEL = 4;

/** Whether a convolution of this geometry is faster as a matrix product. */
export function preferMatMul(g: { n: number; oh: number; ow: number; co: number; kh: number; kw: number; ci: number }): boolean {
  return g.n * g.oh * g.ow <= MATMUL_PIXELS_PER_CHANNEL * g.co && g.kh * g.kw * g.ci >= 64;
}

/** Patch matrix `cols[M, K]` (or its transpose `[K, M]`) of host NHWC input `xs`. */
export function patches(xs: Float32Array, g: ConvGeometry, dilation: [number, number], transposed: boolean): Float32Array {
  const { n, h, w, ci, kh, kw, oh, ow, sh, sw, top, left } = g;
  const [dh, dw] = dilation;
  const k = kh * kw * ci;
  const m = n * oh * ow;
  const out = new Float32Array(m * k);
  for (let img = 0; img < n; img++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const row = (img * oh + y) * ow + x;
        for (let a = 0; a < kh; a++) {
          const iy = y * sh + a * dh - top;
          if (iy < 0 || iy >= h) continue;
          for (let b = 0; b < kw; b++) {
            const ix = x * sw + b * dw - left;
            if (ix < 0 || ix >= w) continue;
            const src = ((img * h + iy) * w + ix) * ci;
            const col = (a * kw + b) * ci;
            if (transposed) {
              for (let c = 0; c < ci; c++) out[(col + c) * m + row] = xs[src + c]!;
            } else {
              out.set(xs.subarray(src, src + ci), row * k + col);
            }
          }
        }
      }
    }
  }
  return out;
}

/**
 * The patch matrix `cols[M, K]` (`[1, M, K]`) gathered from `x` straight into the wasm heap:
 * one contiguous copy of `ci` floats per (pixel, tap). Null on backends without a heap.
 */
function patchesInHeap(ctx: KernelContext, x: TensorInfo, g: ConvGeometry, dilation: [number, number]): TensorInfo | null {
  const { n, h, w, ci, kh, kw, oh, ow, sh, sw, top, left } = g;
  const [dh, dw] = dilation;
  const k = kh * kw * ci;
  const out = ctx.allocHeap([1, n * oh * ow, k]);
  if (!out) return null;
  const dst = ctx.heapView(out);
  const src = ctx.heapView(x);
  const heap = new Float32Array(dst.buffer);
  const srcAt = src.byteOffset >> 2;
  const dstAt = dst.byteOffset >> 2;
  for (let img = 0; img < n; img++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        const row = dstAt + ((img * oh + y) * ow + xo) * k;
        for (let a = 0; a < kh; a++) {
          const iy = y * sh + a * dh - top;
          for (let b = 0; b < kw; b++) {
            const ix = xo * sw + b * dw - left;
            const d0 = row + (a * kw + b) * ci;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) heap.fill(0, d0, d0 + ci);
            else {
              const s0 = srcAt + ((img * h + iy) * w + ix) * ci;
              heap.copyWithin(d0, s0, s0 + ci);
            }
          }
        }
      }
    }
  }
  return out;
}

/** Forward convolution (optionally fused bias/activation) as `cols · W`. */
export function convForwardMatMul(
  ctx: KernelContext,
  x: TensorInfo,
  filter: TensorInfo,
  g: ConvGeometry,
  dilation: [number, number],
  fused?: { bias?: TensorInfo; activation?: string; leakyreluAlpha?: number },
): TensorInfo {
  const m = g.n * g.oh * g.ow;
  const k = g.kh * g.kw * g.ci;
  const cols = patchesInHeap(ctx, x, g, dilation) ?? ctx.upload(patches(ctx.backend.readSync(x.dataId) as Float32Array, g, dilation, false), [1, m, k]);
  const w3 = ctx.run('Reshape', { x: filter }, { shape: [1, k, g.co] });
  let y: TensorInfo;
  if (fused) {
    const inputs: Record<string, TensorInfo> = { a: cols, b: w3 };
    if (fused.bias) inputs.bias = fused.bias;
    y = ctx.run('_FusedMatMul', inputs, {
      transposeA: false,
      transposeB: false,
      activation: fused.activation ?? 'linear',
      leakyreluAlpha: fused.leakyreluAlpha ?? 0.2,
    });
  } else {
    y = ctx.run('BatchMatMul', { a: cols, b: w3 }, { transposeA: false, transposeB: false });
  }
  return ctx.run('Reshape', { x: y }, { shape: [g.n, g.oh, g.ow, g.co] });
}

/** Input gradient as `W · dyᵀ` followed by a host scatter-add. */
export function inputGradMatMul(ctx: KernelContext, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const { n, h, w, ci, co, kh, kw, oh, ow, sh, sw, top, left } = g;
  const m = n * oh * ow;
  const k = kh * kw * ci;
  const w3 = ctx.run('Reshape', { x: filter }, { shape: [1, k, co] });
  const dy2 = ctx.run('Reshape', { x: dy }, { shape: [m, co] });
  const dyT = ctx.run('Reshape', { x: ctx.transpose(dy2, [1, 0]) }, { shape: [1, co, m] });
  const prod = ctx.run('BatchMatMul', { a: w3, b: dyT }, { transposeA: false, transposeB: false }); // [1, K, M]
  // Scatter-add row by row of colsT (sequential reads); dx is the small side and stays in cache.
  const dxInfo = ctx.allocHeap([n, h, w, ci]);
  const colsT = dxInfo ? ctx.heapView(prod) : (ctx.backend.readSync(prod.dataId) as Float32Array);
  const dx = dxInfo ? ctx.heapView(dxInfo) : new Float32Array(n * h * w * ci);
  dx.fill(0);
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      for (let c = 0; c < ci; c++) {
        const rowAt = ((a * kw + b) * ci + c) * m;
        for (let img = 0; img < n; img++) {
          for (let y = 0; y < oh; y++) {
            const iy = y * sh + a - top;
            if (iy < 0 || iy >= h) continue;
            const src = rowAt + (img * oh + y) * ow;
            const dstRow = (img * h + iy) * w;
            for (let x = 0; x < ow; x++) {
              const ix = x * sw + b - left;
              if (ix < 0 || ix >= w) continue;
              const d = (dstRow + ix) * ci + c;
              dx[d] = dx[d]! + colsT[src + x]!;
            }
          }
        }
      }
    }
  }
  if (dxInfo) return dxInfo;
  return ctx.upload(dx, [n, h, w, ci]);
}

/**
 * The transposed patch matrix `colsᵀ[(a,b,c), (img,y,x)] = x[img, y·sh+a·dh−top, x·sw+b·dw−left, c]`
 * (`[1, K, M]`), written straight into the wasm heap from a channel-major copy of `x`, so
 * every source row is read in order (≈ 1 ns per element, against ≈ 6 ns for scattering from
 * NHWC). Falls back to {@link patches} + upload on backends without a heap.
 */
export function patchesT(ctx: KernelContext, x: TensorInfo, g: ConvGeometry, dilation: [number, number] = [1, 1]): TensorInfo {
  const { n, h, w, ci, kh, kw, oh, ow, sh, sw, top, left } = g;
  const [dh, dw] = dilation;
  const k = kh * kw * ci;
  const m = n * oh * ow;
  const xT = ctx.transpose(x, [3, 0, 1, 2]); // [ci, n, h, w]
  const out = ctx.allocHeap([1, k, m]);
  if (!out) return ctx.upload(patches(ctx.backend.readSync(x.dataId) as Float32Array, g, dilation, true), [1, k, m]);
  const dst = ctx.heapView(out);
  const src = ctx.heapView(xT);
  for (let b = 0; b < kw; b++) {
    // valid output columns for this tap: 0 ≤ xo·sw + b·dw − left < w
    const off = b * dw - left;
    const x0 = Math.min(ow, Math.max(0, Math.ceil(-off / sw)));
    const x1 = Math.max(x0, Math.min(ow, Math.floor((w - 1 - off) / sw) + 1));
    for (let a = 0; a < kh; a++) {
      for (let c = 0; c < ci; c++) {
        const rowBase = ((a * kw + b) * ci + c) * m;
        for (let img = 0; img < n; img++) {
          const plane = (c * n + img) * h;
          const rowsAt = rowBase + img * oh * ow;
          // output rows whose input row is inside the image
          const y0 = Math.min(oh, Math.max(0, Math.ceil((top - a * dh) / sh)));
          const y1 = Math.max(y0, Math.min(oh, Math.floor((h - 1 + top - a * dh) / sh) + 1));
          if (y0 > 0) dst.fill(0, rowsAt, rowsAt + y0 * ow);
          if (y1 < oh) dst.fill(0, rowsAt + y1 * ow, rowsAt + oh * ow);
          if (y1 === y0 || x1 === x0) {
            dst.fill(0, rowsAt + y0 * ow, rowsAt + y1 * ow);
            continue;
          }
          if (sw === 1 && sh === 1 && w === ow) {
            // stride 1 and full-width rows: source and destination rows are both `w` apart, so
            // the whole block is one copy; the clipped edge columns are zeroed afterwards
            const s0 = (plane + y0 - top + a * dh) * w + off;
            dst.set(src.subarray(s0 + x0, s0 + (y1 - y0 - 1) * w + x1), rowsAt + y0 * ow + x0);
            for (let y = y0; y < y1; y++) {
              const d0 = rowsAt + y * ow;
              for (let xo = 0; xo < x0; xo++) dst[d0 + xo] = 0;
              for (let xo = x1; xo < ow; xo++) dst[d0 + xo] = 0;
            }
            continue;
          }
          for (let y = y0; y < y1; y++) {
            const d0 = rowsAt + y * ow;
            const s0 = (plane + y * sh + a * dh - top) * w + off;
            for (let xo = 0; xo < x0; xo++) dst[d0 + xo] = 0;
            for (let xo = x1; xo < ow; xo++) dst[d0 + xo] = 0;
            for (let xo = x0; xo < x1; xo++) dst[d0 + xo] = src[s0 + xo * sw]!;
          }
        }
      }
    }
  }
  return out;
}

/** Filter gradient as `colsᵀ · dy` (one product; dy is the packed right operand). */
export function filterGradMatMul(ctx: KernelContext, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const m = g.n * g.oh * g.ow;
  const colsT = patchesT(ctx, x, g);
  const dy3 = ctx.run('Reshape', { x: dy }, { shape: [1, m, g.co] });
  const prod = ctx.run('BatchMatMul', { a: colsT, b: dy3 }, { transposeA: false, transposeB: false });
  return ctx.run('Reshape', { x: prod }, { shape: [g.kh, g.kw, g.ci, g.co] });
}

/** Attributes of Conv2D / FusedConv2D kernels. */
interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | number[][];
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  leakyreluAlpha?: number;
}

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

/**
 * Geometry of a forward convolution if it should run as a matrix product
 * (NHWC, no PReLU), else null.
 */
export function forwardMatMulGeometry(
  computeInfo: (inShape: number[], filterShape: number[], strides: [number, number], dilations: [number, number], pad: ConvAttrs['pad'], rounding: ConvAttrs['dimRoundingMode']) => {
    outHeight: number;
    outWidth: number;
    padInfo: { top: number; left: number };
  },
  x: TensorInfo,
  filter: TensorInfo,
  attrs: ConvAttrs,
): { g: ConvGeometry; dilation: [number, number] } | null {
  if (attrs.dataFormat === 'NCHW' || x.shape.length !== 4) return null;
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const [kh, kw, , co] = filter.shape as [number, number, number, number];
  const strides = pair(attrs.strides);
  const dilation = pair(attrs.dilations ?? 1);
  const info = computeInfo(x.shape, filter.shape, strides, dilation, attrs.pad, attrs.dimRoundingMode);
  const g: ConvGeometry = { n, h, w, ci, co, kh, kw, oh: info.outHeight, ow: info.outWidth, sh: strides[0], sw: strides[1], top: info.padInfo.top, left: info.padInfo.left };
  return preferMatMul(g) ? { g, dilation } : null;
}

/**
 * Filter gradient as one product per kernel tap: `dW[a,b] = X_{a,b}ᵀ · dy`
 * where `X_{a,b}ᵀ[ci, M]` is the input shifted by tap (a, b) and strided,
 * sliced from a channel-major copy of the input (stride 1 only). `dy` is the right operand
 * of every product, so XNNPACK packs it once; the taps are never packed. For
 * wide layers this beats the convolution form, whose inner dimension is the
 * batch size.
 */
export function filterGradPerTap(ctx: KernelContext, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const { n, h, w, ci, co, kh, kw, oh, ow, sh, sw, top, left } = g;
  if (sh !== 1 || sw !== 1) throw new Error('segaware: filterGradPerTap handles stride 1 only');
  const m = n * oh * ow;
  const xT = ctx.transpose(x, [3, 0, 1, 2]); // [ci, n, h, w]
  const padBottom = Math.max(0, (oh - 1) * sh + kh - top - h);
  const padRight = Math.max(0, (ow - 1) * sw + kw - left - w);
  const xP =
    top + padBottom + left + padRight > 0
      ? ctx.run('PadV2', { x: xT }, { paddings: [[0, 0], [0, 0], [top, padBottom], [left, padRight]], constantValue: 0 })
      : xT;
  const dy3 = ctx.run('Reshape', { x: dy }, { shape: [1, m, co] });
  const taps: TensorInfo[] = [];
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const tap = ctx.slice(xP, [0, 0, a, b], [ci, n, oh, ow]);
      const a3 = ctx.run('Reshape', { x: tap }, { shape: [1, ci, m] });
      taps.push(ctx.run('BatchMatMul', { a: a3, b: dy3 }, { transposeA: false, transposeB: false })); // [1, ci, co]
    }
  }
  const joined = taps.length === 1 ? taps[0]! : ctx.run('Concat', taps as never, { axis: 0 });
  return ctx.run('Reshape', { x: joined }, { shape: [kh, kw, ci, co] });
}
