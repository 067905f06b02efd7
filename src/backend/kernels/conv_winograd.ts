/**
 * 3×3 stride-1 convolutions by Winograd's minimal filtering F(2×2, 3×3)
 * (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR
 * 2016): each 2×2 output tile costs 16 multiplies per channel pair instead of
 * 36, i.e. 2.25× fewer than the direct convolution that XNNPACK's WebAssembly
 * kernels (already at their arithmetic peak) run.
 *
 * `Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A`, per tile `d` (4×4 input) and filter `g` (3×3), with
 *
 * ```
 * Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]   Aᵀ = [1 1 1 0; 0 1 −1 −1]
 * ```
 *
 * Summed over input channels, the element-wise products become 16 matrix
 * products `M_ξν[T, K] = V_ξν[T, C] · U_ξν[C, K]` (T tiles, C in, K out). The
 * input and output transforms run on the host straight in the wasm heap; the
 * transformed filter `U` is kept per filter tensor, so it is only used for
 * filters seen before (frozen networks such as the perceptual loss's VGG-19,
 * inference): a filter that changes every step would pay its transform and
 * XNNPACK's operand packing on every call. Only ±1 and ½ appear in the
 * transforms, so the results equal the direct convolution to float32
 * rounding (tested).
 */
import type { TensorInfo } from '../../tf.js';
import type { KernelContext } from './kernel_context.js';

/**
 * Channel counts below this leave the transforms too large a share of the work
 * (4×128×128×64 → 64: 62–67 ms against 58 ms direct).
 */
export const WINOGRAD_MIN_CHANNELS = 128;

/**
 * Fewer output tiles make 16 short products slower than one direct convolution
 * (16×16×512 → 512: 16.7 vs 13.6 ms; 32×32: 30 vs 55 ms).
 */
export const WINOGRAD_MIN_TILES = 256;

/** Transformed filters kept at most (floats): 64 M = 256 MB, least recently used dropped first. */
const CACHE_FLOATS = 64 * 1024 * 1024;

interface CachedFilter {
  /** the 16 transformed filters `U_ξν`, each `[1, C, K]` */
  u: TensorInfo[];
  floats: number;
}

/** Filters seen once (transformed on the second sight) and the transformed ones, in use order. */
const seen = new Map<object, true>();
const cache = new Map<object, CachedFilter>();
let cachedFloats = 0;
let winogradCalls = 0;

/** How often the Winograd path ran and how many transformed filters are kept (for tests and profiling). */
export function winogradStats(): { calls: number; cachedFilters: number; cachedFloats: number } {
  return { calls: winogradCalls, cachedFilters: cache.size, cachedFloats };
}

/** Geometry of a Winograd-eligible convolution (NHWC, 3×3, stride 1, dilation 1). */
export interface WinogradGeometry {
  n: number;
  h: number;
  w: number;
  c: number;
  k: number;
  oh: number;
  ow: number;
  top: number;
  left: number;
}

/**
 * The geometry of a forward convolution if it can take the Winograd path (NHWC, 3×3,
 * stride 1, dilation 1, large enough), else null.
 */
export function winogradGeometry(
  computeInfo: (inShape: number[], filterShape: number[], strides: [number, number], dilations: [number, number], pad: unknown, rounding: unknown) => {
    outHeight: number;
    outWidth: number;
    padInfo: { top: number; left: number };
  },
  x: TensorInfo,
  filter: TensorInfo,
  attrs: { strides: number | [number, number]; pad: unknown; dataFormat?: string; dilations?: number | [number, number]; dimRoundingMode?: unknown },
): WinogradGeometry | null {
  if (attrs.dataFormat === 'NCHW' || x.shape.length !== 4 || filter.shape[0] !== 3 || filter.shape[1] !== 3) return null;
  const pair = (v: number | [number, number] | undefined): [number, number] => (v == null ? [1, 1] : typeof v === 'number' ? [v, v] : v);
  const strides = pair(attrs.strides);
  const dilations = pair(attrs.dilations);
  if (strides[0] !== 1 || strides[1] !== 1 || dilations[0] !== 1 || dilations[1] !== 1) return null;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const k = filter.shape[3]!;
  const info = computeInfo(x.shape, filter.shape, strides, dilations, attrs.pad, attrs.dimRoundingMode);
  const g: WinogradGeometry = { n, h, w, c, k, oh: info.outHeight, ow: info.outWidth, top: info.padInfo.top, left: info.padInfo.left };
  return winogradWorthIt(g) ? g : null;
}

/** Whether a 3×3 stride-1 convolution of this size is worth the Winograd path. */
export function winogradWorthIt(g: WinogradGeometry): boolean {
  const tiles = g.n * Math.ceil(g.oh / 2) * Math.ceil(g.ow / 2);
  return g.c >= WINOGRAD_MIN_CHANNELS && g.k >= WINOGRAD_MIN_CHANNELS && tiles >= WINOGRAD_MIN_TILES;
}

/**
 * The transformed filter of `filter` if it was seen before (transforming it now on the
 * second sight), else null after remembering it.
 */
export function transformedFilter(ctx: KernelContext, filter: TensorInfo, c: number, k: number): TensorInfo[] | null {
  const key = filter.dataId as object;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key); // refresh its place in the use order
    cache.set(key, hit);
    return hit.u;
  }
  if (!seen.has(key)) {
    seen.set(key, true);
    if (seen.size > 4096) seen.delete(seen.keys().next().value as object);
    return null;
  }
  const u = filterTransform(ctx, filter, c, k);
  if (!u) return null;
  for (const t of u) ctx.keep(t);
  const floats = 16 * c * k;
  cache.set(key, { u, floats });
  cachedFloats += floats;
  while (cachedFloats > CACHE_FLOATS && cache.size > 1) {
    const [oldKey, old] = cache.entries().next().value as [object, CachedFilter];
    cache.delete(oldKey);
    cachedFloats -= old.floats;
    for (const t of old.u) ctx.backend.disposeData(t.dataId);
  }
  return u;
}

/** Forgets a filter tensor that was freed, and frees its transformed copy (called from the wasm backend's `disposeData`). */
export function releaseFilter(dataId: object, backend: { disposeData(dataId: object): void }): void {
  seen.delete(dataId);
  const hit = cache.get(dataId);
  if (!hit) return;
  cache.delete(dataId);
  cachedFloats -= hit.floats;
  for (const t of hit.u) backend.disposeData(t.dataId);
}

/** Frees every transformed filter (used by tests and when the kernels are unregistered). */
export function clearWinogradCache(backend: { disposeData(dataId: object): void }): void {
  for (const v of cache.values()) for (const t of v.u) backend.disposeData(t.dataId);
  cache.clear();
  seen.clear();
  cachedFloats = 0;
}

/** Writes row ξ of `(G g) Gᵀ` for element `e`, given row ξ of `G g` as `(a, b, d)`. */
function row(out: Float32Array[], xi: number, e: number, a: number, b: number, d: number): void {
  out[xi * 4]![e] = a;
  out[xi * 4 + 1]![e] = 0.5 * (a + b + d);
  out[xi * 4 + 2]![e] = 0.5 * (a - b + d);
  out[xi * 4 + 3]![e] = d;
}

/** `U_ξν = (G g Gᵀ)[ξ, ν]` for every (c, k), as 16 tensors `[1, C, K]`; null without a heap. */
function filterTransform(ctx: KernelContext, filter: TensorInfo, c: number, k: number): TensorInfo[] | null {
  const ck = c * k;
  const u: TensorInfo[] = [];
  for (let i = 0; i < 16; i++) {
    const t = ctx.allocHeap([1, c, k]);
    if (!t) return null;
    u.push(t);
  }
  const g = ctx.heapView(filter); // [3, 3, C, K]: tap (i, j) at (i·3 + j)·CK
  const out = u.map((t) => ctx.heapView(t));
  for (let e = 0; e < ck; e++) {
    const g00 = g[e]!, g01 = g[ck + e]!, g02 = g[2 * ck + e]!;
    const g10 = g[3 * ck + e]!, g11 = g[4 * ck + e]!, g12 = g[5 * ck + e]!;
    const g20 = g[6 * ck + e]!, g21 = g[7 * ck + e]!, g22 = g[8 * ck + e]!;
    // G g (4×3, rows ξ), then (G g) Gᵀ (columns ν) for each row
    row(out, 0, e, g00, g01, g02);
    row(out, 1, e, 0.5 * (g00 + g10 + g20), 0.5 * (g01 + g11 + g21), 0.5 * (g02 + g12 + g22));
    row(out, 2, e, 0.5 * (g00 - g10 + g20), 0.5 * (g01 - g11 + g21), 0.5 * (g02 - g12 + g22));
    row(out, 3, e, g20, g21, g22);
  }
  return u;
}

/**
 * The convolution `x [N, H, W, C] ⊛ g → [N, OH, OW, K]` with leading pads `top`/`left`
 * (trailing pads implied by OH, OW), from the transformed filter `u`, plus optional bias
 * and ReLU. Null without a heap.
 */
export function convWinograd(
  ctx: KernelContext,
  x: TensorInfo,
  u: TensorInfo[],
  geo: WinogradGeometry,
  epilogue: { bias?: TensorInfo; relu?: boolean } = {},
): TensorInfo | null {
  const { n, h, w, c, k, oh, ow, top, left } = geo;
  winogradCalls++;
  const th = Math.ceil(oh / 2);
  const tw = Math.ceil(ow / 2);
  const tiles = n * th * tw;

  // Input transform: V_ξν[t, c] = (Bᵀ d_t B)[ξ, ν]
  const v: TensorInfo[] = [];
  for (let i = 0; i < 16; i++) {
    const t = ctx.allocHeap([1, tiles, c]);
    if (!t) return null;
    v.push(t);
  }
  const zero = ctx.allocHeap([c]);
  if (!zero) return null;
  const xs = ctx.heapView(x);
  const heap = new Float32Array(xs.buffer); // one view of the whole heap: every offset below is absolute
  const at = (t: TensorInfo) => ctx.heapView(t).byteOffset >> 2;
  const zeroAt = at(zero);
  heap.fill(0, zeroAt, zeroAt + c);
  const xAt = xs.byteOffset >> 2;
  const [v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15] = v.map(at) as number[] as [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];
  const src = new Int32Array(16);
  let tile = 0;
  for (let img = 0; img < n; img++) {
    for (let ty = 0; ty < th; ty++) {
      for (let tx = 0; tx < tw; tx++, tile++) {
        for (let i = 0; i < 4; i++) {
          const iy = 2 * ty - top + i;
          for (let j = 0; j < 4; j++) {
            const ix = 2 * tx - left + j;
            src[i * 4 + j] = iy >= 0 && iy < h && ix >= 0 && ix < w ? xAt + ((img * h + iy) * w + ix) * c : zeroAt;
          }
        }
        const dstRow = tile * c;
        // offsets in locals: the JIT cannot keep typed-array reads in registers across heap writes
        const p0 = src[0]!, p1 = src[1]!, p2 = src[2]!, p3 = src[3]!, p4 = src[4]!, p5 = src[5]!, p6 = src[6]!, p7 = src[7]!;
        const p8 = src[8]!, p9 = src[9]!, p10 = src[10]!, p11 = src[11]!, p12 = src[12]!, p13 = src[13]!, p14 = src[14]!, p15 = src[15]!;
        for (let ch = 0; ch < c; ch++) {
          const d00 = heap[p0 + ch]!, d01 = heap[p1 + ch]!, d02 = heap[p2 + ch]!, d03 = heap[p3 + ch]!;
          const d10 = heap[p4 + ch]!, d11 = heap[p5 + ch]!, d12 = heap[p6 + ch]!, d13 = heap[p7 + ch]!;
          const d20 = heap[p8 + ch]!, d21 = heap[p9 + ch]!, d22 = heap[p10 + ch]!, d23 = heap[p11 + ch]!;
          const d30 = heap[p12 + ch]!, d31 = heap[p13 + ch]!, d32 = heap[p14 + ch]!, d33 = heap[p15 + ch]!;
          // Bᵀ d (rows)
          const a0 = d00 - d20, a1 = d01 - d21, a2 = d02 - d22, a3 = d03 - d23;
          const b0 = d10 + d20, b1 = d11 + d21, b2 = d12 + d22, b3 = d13 + d23;
          const e0 = d20 - d10, e1 = d21 - d11, e2 = d22 - d12, e3 = d23 - d13;
          const f0 = d10 - d30, f1 = d11 - d31, f2 = d12 - d32, f3 = d13 - d33;
          // (Bᵀ d) B (columns)
          const o = dstRow + ch;
          heap[v0 + o] = a0 - a2; heap[v1 + o] = a1 + a2; heap[v2 + o] = a2 - a1; heap[v3 + o] = a1 - a3;
          heap[v4 + o] = b0 - b2; heap[v5 + o] = b1 + b2; heap[v6 + o] = b2 - b1; heap[v7 + o] = b1 - b3;
          heap[v8 + o] = e0 - e2; heap[v9 + o] = e1 + e2; heap[v10 + o] = e2 - e1; heap[v11 + o] = e1 - e3;
          heap[v12 + o] = f0 - f2; heap[v13 + o] = f1 + f2; heap[v14 + o] = f2 - f1; heap[v15 + o] = f1 - f3;
        }
      }
    }
  }

  // 16 products: M_ξν = V_ξν · U_ξν (U is the cached, hence pre-packed, right operand)
  const m = v.map((vi, i) => ctx.run('BatchMatMul', { a: vi, b: u[i]! }, { transposeA: false, transposeB: false }));

  // Output transform: y = Aᵀ M A per tile, + bias, ReLU
  const y = ctx.allocHeap([n, oh, ow, k]);
  if (!y) return null;
  const [q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14, q15] = m.map(at) as number[] as [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];
  const yAt = at(y);
  const biasAt = epilogue.bias ? at(epilogue.bias) : -1;
  const relu = epilogue.relu === true;
  const ys = new Float32Array(ctx.heapView(y).buffer); // re-taken: the allocations above may have grown the heap
  tile = 0;
  for (let img = 0; img < n; img++) {
    for (let ty = 0; ty < th; ty++) {
      const full = 2 * ty + 1 < oh;
      for (let tx = 0; tx < tw; tx++, tile++) {
        const fullW = 2 * tx + 1 < ow;
        const y00 = yAt + ((img * oh + 2 * ty) * ow + 2 * tx) * k;
        const y01 = y00 + k;
        const y10 = y00 + ow * k;
        const y11 = y10 + k;
        const row = tile * k;
        for (let ch = 0; ch < k; ch++) {
          const o = row + ch;
          const m00 = ys[q0 + o]!, m01 = ys[q1 + o]!, m02 = ys[q2 + o]!, m03 = ys[q3 + o]!;
          const m10 = ys[q4 + o]!, m11 = ys[q5 + o]!, m12 = ys[q6 + o]!, m13 = ys[q7 + o]!;
          const m20 = ys[q8 + o]!, m21 = ys[q9 + o]!, m22 = ys[q10 + o]!, m23 = ys[q11 + o]!;
          const m30 = ys[q12 + o]!, m31 = ys[q13 + o]!, m32 = ys[q14 + o]!, m33 = ys[q15 + o]!;
          // Aᵀ M (rows)
          const s0 = m00 + m10 + m20, s1 = m01 + m11 + m21, s2 = m02 + m12 + m22, s3 = m03 + m13 + m23;
          const r0 = m10 - m20 - m30, r1 = m11 - m21 - m31, r2 = m12 - m22 - m32, r3 = m13 - m23 - m33;
          const bias = biasAt >= 0 ? ys[biasAt + ch]! : 0;
          let v00 = s0 + s1 + s2 + bias, v01 = s1 - s2 - s3 + bias;
          let v10 = r0 + r1 + r2 + bias, v11 = r1 - r2 - r3 + bias;
          if (relu) {
            v00 = v00 > 0 ? v00 : 0; v01 = v01 > 0 ? v01 : 0; v10 = v10 > 0 ? v10 : 0; v11 = v11 > 0 ? v11 : 0;
          }
          ys[y00 + ch] = v00;
          if (fullW) ys[y01 + ch] = v01;
          if (full) {
            ys[y10 + ch] = v10;
            if (fullW) ys[y11 + ch] = v11;
          }
        }
      }
    }
  }
  return y;
}
