/**
 * Matrix products on wasm without its slow paths. tfjs-backend-wasm 4.22 only
 * reaches XNNPACK for plain `a·b` with one batch; a transposed operand costs
 * 10–35× more and a batch of products runs a generic loop (measured on
 * 1024×2048·2048×512: 49 ms plain, 2170 ms with `transposeA`). Gradients of
 * dense layers use exactly those forms (`dW = xᵀ·dy`, `dx = dy·Wᵀ`), so this
 * wrapper transposes operands explicitly and splits batches into single
 * products.
 */
import type { TensorInfo } from '../../tf.js';
import type { KernelContext } from './kernel_context.js';

/** Batches above this are left to the stock kernel (the per-product overhead would dominate). */
const MAX_SPLIT_BATCH = 64;

type Stock = (inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>) => TensorInfo;

/**
 * Runs `BatchMatMul` / `_FusedMatMul` with plain, single-batch products only.
 * `extra` holds the fused kernel's bias / prelu inputs (applied per batch by the stock kernel).
 */
export function plainMatMul(
  ctx: KernelContext,
  stock: Stock,
  inputs: { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo },
  attrs: Record<string, unknown>,
): TensorInfo {
  let { a, b } = inputs;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const swap = (r: number) => [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
  if (attrs.transposeA) a = ctx.transpose(a, swap(ra));
  if (attrs.transposeB) b = ctx.transpose(b, swap(rb));
  const plainAttrs = { ...attrs, transposeA: false, transposeB: false };
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = batchA.reduce((x, y) => x * y, 1);
  const sameBatch = batchA.length === batchB.length && batchA.every((d, i) => d === batchB[i]);
  const extra = { ...(inputs.bias ? { bias: inputs.bias } : {}), ...(inputs.preluActivationWeights ? { preluActivationWeights: inputs.preluActivationWeights } : {}) };
  if (batch <= 1 || !sameBatch || batch > MAX_SPLIT_BATCH || Object.keys(extra).length > 0) {
    return stock({ a, b, ...extra }, plainAttrs);
  }
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.shape.length - 1]!;
  const a3 = ctx.run('Reshape', { x: a }, { shape: [batch, m, k] });
  const b3 = ctx.run('Reshape', { x: b }, { shape: [batch, k, n] });
  const parts: TensorInfo[] = [];
  for (let i = 0; i < batch; i++) {
    const ai = ctx.slice(a3, [i, 0, 0], [1, m, k]);
    const bi = ctx.slice(b3, [i, 0, 0], [1, k, n]);
    parts.push(stock({ a: ai, b: bi }, plainAttrs));
    ctx.track(parts[parts.length - 1]!);
  }
  const joined = ctx.run('Concat', parts as never, { axis: 0 });
  return ctx.run('Reshape', { x: joined }, { shape: [...batchA, m, n] });
}
