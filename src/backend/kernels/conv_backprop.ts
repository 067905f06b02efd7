/**
 * Convolution gradients expressed as forward convolutions, so that they run on
 * the fastest forward kernel a backend has (XNNPACK on wasm).
 *
 * Notation (one spatial axis; the other is identical): the forward convolution
 * is `y[o] = Σ_k x[o·s + k − p] · W[k]` with stride `s`, leading pad `p`,
 * kernel size `K`, `o ∈ [0, O)`.
 *
 * - Input gradient (`Conv2DBackpropInput`, also the forward pass of a
 *   transposed convolution): `dx[i] = Σ_{o·s+k−p = i} dy[o] · W[k]`. Writing
 *   `i = s·q + a`, each output phase `a ∈ [0, s)` only meets the taps
 *   `k = r + s·m` with `r = (a + p) mod s`, so phase `a` is a stride-1
 *   correlation of `dy` with the reversed sub-filter `W[r::s]`. The `s²`
 *   phase outputs are interleaved on the host, straight into the result (wasm's
 *   DepthToSpace kernel is a scalar loop: 38 ms for 64×64×256 floats). No
 *   multiply ever hits an inserted zero, unlike the textbook "dilate dy, then
 *   convolve" form.
 * - Filter gradient (`Conv2DBackpropFilter`): `dW[k] = Σ_{n,o} x[n, o·s+k−p] ·
 *   dy[n, o]`, a stride-1 convolution of `x` (channels as batch, batch as
 *   channels) with `dy` (as a `[O, O, N, Cout]` filter) dilated by `s`.
 *
 * Both equal tfjs's stock cpu kernels to float32 rounding (tested over a table
 * of strides, paddings, kernel sizes and channel counts).
 */
import { tf } from '../../tf.js';
import type { TensorInfo } from '../../tf.js';
import { KernelContext, withContext } from './kernel_context.js';
import { FEW_OUTPUT_CHANNELS, SMALL_PATCH, filterGradFewOutputs, inputGradCol2im } from './conv_im2col.js';
import { filterGradMatMul, filterGradPerTap, inputGradMatMul, preferMatMul } from './conv_matmul.js';

type Pad = 'valid' | 'same' | number | number[][];

interface BackpropInputAttrs {
  inputShape: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

interface BackpropFilterAttrs {
  filterShape: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const NCHW_TO_NHWC = [0, 2, 3, 1];
/** Largest host patch matrix (floats) the product forms may gather: 256 MB. */
const MAX_PATCH_FLOATS = 64 * 1024 * 1024;
const NHWC_TO_NCHW = [0, 3, 1, 2];

function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

/** One spatial axis of the phase decomposition of a transposed convolution. */
interface AxisPhase {
  /** taps of W used by this phase, in the order the forward correlation applies them */
  taps: number[];
  /** leading pad (negative ⇒ crop) of dy for this phase */
  padBefore: number;
}

function axisPhases(kernel: number, stride: number, padBefore: number): AxisPhase[] {
  const phases: AxisPhase[] = [];
  for (let a = 0; a < stride; a++) {
    const r = (a + padBefore) % stride;
    const c = Math.floor((a + padBefore) / stride);
    const taps: number[] = [];
    for (let k = r; k < kernel; k += stride) taps.push(k);
    taps.reverse(); // correlation order: j-th tap multiplies dy[q + c − (M−1) + j]
    phases.push({ taps, padBefore: taps.length - 1 - c });
  }
  return phases;
}

/**
 * Gathers W[taps_h, taps_w, :, :] of the channel-swapped filter into a new
 * filter. `host` holds the filter's values, read from the backend once per
 * kernel call (filters are small next to activations).
 */
function subFilter(
  ctx: KernelContext,
  filterT: TensorInfo, // [kh, kw, cout, cin] (already channel-swapped)
  host: () => Float32Array,
  tapsH: number[],
  tapsW: number[],
): TensorInfo {
  const [kh, kw, co, ci] = filterT.shape as [number, number, number, number];
  const isReversed = (t: number[], k: number) => t.length === k && t.every((v, j) => v === k - 1 - j);
  if (isReversed(tapsH, kh) && isReversed(tapsW, kw)) return ctx.reverse(filterT, [0, 1]);
  const src = host();
  const block = co * ci;
  const out = new Float32Array(tapsH.length * tapsW.length * block);
  let o = 0;
  for (const th of tapsH) {
    for (const tw of tapsW) {
      const start = (th * kw + tw) * block;
      out.set(src.subarray(start, start + block), o);
      o += block;
    }
  }
  return ctx.upload(out, [tapsH.length, tapsW.length, co, ci]);
}

/**
 * Interleaves the `sh·sw` phase outputs `parts[a·sw + b]` (each `[n, qh, qw, ci]`)
 * into `dx[img, y·sh + a, x·sw + b, :]`, cropped to `[n, h, w, ci]`, by copying
 * in the wasm heap. Null where the backend has no heap (the caller then uses
 * Concat + Transpose).
 */
function interleavePhases(
  ctx: KernelContext,
  parts: TensorInfo[],
  d: { n: number; qh: number; qw: number; sh: number; sw: number; ci: number; h: number; w: number },
): TensorInfo | null {
  const { n, qh, qw, sh, sw, ci, h, w } = d;
  if (parts.length === 1 && qh === h && qw === w) return parts[0]!;
  const out = ctx.allocHeap([n, h, w, ci]);
  if (!out) return null;
  const dst = ctx.heapView(out); // views taken after the allocation (it may grow the heap)
  for (let a = 0; a < sh; a++) {
    for (let b = 0; b < sw; b++) {
      const src = ctx.heapView(parts[a * sw + b]!);
      for (let img = 0; img < n; img++) {
        for (let y = 0; y < qh; y++) {
          const oy = y * sh + a;
          if (oy >= h) break;
          const srcRow = (img * qh + y) * qw * ci;
          const dstRow = (img * h + oy) * w * ci;
          for (let x = 0; x < qw; x++) {
            const ox = x * sw + b;
            if (ox >= w) break;
            const s0 = srcRow + x * ci;
            const d0 = dstRow + ox * ci;
            for (let c = 0; c < ci; c++) dst[d0 + c] = src[s0 + c]!;
          }
        }
      }
    }
  }
  return out;
}

/**
 * `Conv2DBackpropInput` on any backend with Conv2D/Transpose/Reverse/Slice/
 * Concat kernels.
 */
export function conv2dBackpropInputViaForward(
  backend: tf.KernelBackend,
  backendName: string,
  inputs: { dy: TensorInfo; filter: TensorInfo },
  attrs: BackpropInputAttrs,
): TensorInfo {
  return withContext(backend, backendName, (ctx) => {
    const nchw = attrs.dataFormat === 'NCHW';
    const dy = nchw ? ctx.transpose(inputs.dy, NCHW_TO_NHWC) : inputs.dy;
    const inShape = nchw
      ? ([attrs.inputShape[0], attrs.inputShape[2], attrs.inputShape[3], attrs.inputShape[1]] as [number, number, number, number])
      : attrs.inputShape;
    const [n, h, w, ci] = inShape;
    const [kh, kw] = inputs.filter.shape as [number, number, number, number];
    const [sh, sw] = pair(attrs.strides);
    const info = tf.backend_util.computeConv2DInfo(
      inShape,
      inputs.filter.shape as [number, number, number, number],
      [sh, sw],
      1,
      attrs.pad as never,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const [, oh, ow] = dy.shape as [number, number, number, number];
    const co = inputs.filter.shape[3]!;
    const geometry = { n, h, w, ci, co, kh, kw, oh, ow, sh, sw, top: info.padInfo.top, left: info.padInfo.left };
    if (kh * kw * ci <= SMALL_PATCH || preferMatMul(geometry)) {
      const dx = kh * kw * ci <= SMALL_PATCH ? inputGradCol2im(ctx, dy, inputs.filter, geometry) : inputGradMatMul(ctx, dy, inputs.filter, geometry);
      return nchw ? ctx.transpose(dx, NHWC_TO_NCHW) : dx;
    }
    const filterT = ctx.transpose(inputs.filter, [0, 1, 3, 2]); // [kh, kw, co, ci]
    let hostFilter: Float32Array | null = null;
    const host = () => (hostFilter ??= ctx.backend.readSync(filterT.dataId) as Float32Array);
    const phasesH = axisPhases(kh, sh, info.padInfo.top);
    const phasesW = axisPhases(kw, sw, info.padInfo.left);
    const qh = Math.ceil(h / sh);
    const qw = Math.ceil(w / sw);

    const parts: TensorInfo[] = [];
    for (const ph of phasesH) {
      for (const pw of phasesW) {
        if (ph.taps.length === 0 || pw.taps.length === 0) {
          parts.push(ctx.zeros([n, qh, qw, ci]));
          continue;
        }
        const f = subFilter(ctx, filterT, host, ph.taps, pw.taps);
        const mh = ph.taps.length;
        const mw = pw.taps.length;
        parts.push(
          ctx.conv2d(dy, f, [1, 1], [1, 1], {
            top: ph.padBefore,
            bottom: qh - oh - ph.padBefore + mh - 1,
            left: pw.padBefore,
            right: qw - ow - pw.padBefore + mw - 1,
          }),
        );
      }
    }

    const interleaved = interleavePhases(ctx, parts, { n, qh, qw, sh, sw, ci, h, w });
    let dx: TensorInfo;
    if (interleaved) {
      dx = interleaved;
    } else {
      let full: TensorInfo; // [n, qh·sh, qw·sw, ci]
      if (parts.length === 1) {
        full = parts[0]!;
      } else {
        const stacked = ctx.run('Concat', parts as never, { axis: 3 });
        const r6 = ctx.run('Reshape', { x: stacked }, { shape: [n, qh, qw, sh, sw, ci] });
        const t6 = ctx.transpose(r6, [0, 1, 3, 2, 4, 5]);
        full = ctx.run('Reshape', { x: t6 }, { shape: [n, qh * sh, qw * sw, ci] });
      }
      dx = full.shape[1] === h && full.shape[2] === w ? full : ctx.slice(full, [0, 0, 0, 0], [n, h, w, ci]);
    }
    if (nchw) dx = ctx.transpose(dx, NHWC_TO_NCHW);
    return dx;
  });
}

/**
 * `Conv2DBackpropFilter` on any backend with Conv2D/Transpose/Slice kernels.
 */
export function conv2dBackpropFilterViaForward(
  backend: tf.KernelBackend,
  backendName: string,
  inputs: { x: TensorInfo; dy: TensorInfo },
  attrs: BackpropFilterAttrs,
): TensorInfo {
  return withContext(backend, backendName, (ctx) => {
    const nchw = attrs.dataFormat === 'NCHW';
    const x = nchw ? ctx.transpose(inputs.x, NCHW_TO_NHWC) : inputs.x;
    const dy = nchw ? ctx.transpose(inputs.dy, NCHW_TO_NHWC) : inputs.dy;
    const [kh, kw] = attrs.filterShape;
    const [sh, sw] = pair(attrs.strides);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterShape,
      [sh, sw],
      1,
      attrs.pad as never,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const [n, h, w, ci] = x.shape as [number, number, number, number];
    const [, oh, ow, co] = dy.shape as [number, number, number, number];
    const geometry = { n, h, w, ci, co, kh, kw, oh, ow, sh, sw, top: info.padInfo.top, left: info.padInfo.left };
    if (co <= FEW_OUTPUT_CHANNELS) return filterGradFewOutputs(ctx, x, dy, geometry);
    // one product `colsᵀ · dy` over a heap-gathered patch matrix whenever it fits (the
    // convolution form's inner dimension is the batch size, 1–4)
    if (kh * kw * ci * n * oh * ow <= MAX_PATCH_FLOATS) return filterGradMatMul(ctx, x, dy, geometry);
    // larger maps at stride 1: one product per tap, dy packed once
    if (sh === 1 && sw === 1) return filterGradPerTap(ctx, x, dy, geometry);
    const xT = ctx.transpose(x, [3, 1, 2, 0]); // [ci, h, w, n]: channels become the batch
    const dyT = ctx.transpose(dy, [1, 2, 0, 3]); // [oh, ow, n, co]: dy becomes the filter
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const out = ctx.conv2d(xT, dyT, [1, 1], [sh, sw], {
      top,
      bottom: kh + sh * (oh - 1) - h - top,
      left,
      right: kw + sw * (ow - 1) - w - left,
    }); // [ci, kh, kw, co]
    return ctx.transpose(out, [1, 2, 0, 3]);
  });
}
