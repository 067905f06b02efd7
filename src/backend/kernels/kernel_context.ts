/**
 * Helpers for composing registered kernels inside another kernel.
 *
 * Kernels run below the engine: they must not call `tf.*` ops (that would
 * record on an active gradient tape and bypass the backend passed in). Instead
 * they call other kernels' `kernelFunc` directly on the same backend and free
 * intermediates with `backend.disposeData`, as tfjs's own kernels do.
 */
import { tf } from '../../tf.js';
import type { TensorInfo } from '../../tf.js';

type KernelBackend = tf.KernelBackend;

/** The two tfjs-backend-wasm methods that expose its heap. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}
type Attrs = Record<string, unknown>;

/** Runs kernels of one backend and tracks intermediates for disposal. */
export class KernelContext {
  private readonly temps: TensorInfo[] = [];
  constructor(
    readonly backend: KernelBackend,
    readonly backendName: string,
  ) {}

  /** Runs kernel `name` with `inputs`/`attrs`; the result is freed by {@link dispose} unless kept. */
  run(name: string, inputs: Record<string, TensorInfo>, attrs: Attrs = {}): TensorInfo {
    const kernel = tf.getKernel(name, this.backendName);
    if (kernel == null) throw new Error(`segaware: kernel ${name} is not registered for backend ${this.backendName}`);
    const out = kernel.kernelFunc({
      inputs: inputs as tf.NamedTensorInfoMap,
      backend: this.backend,
      attrs: attrs as tf.NamedAttrMap,
    });
    const info = Array.isArray(out) ? out[0]! : out;
    this.temps.push(info);
    return info;
  }

  /** Tracks a TensorInfo produced outside {@link run} for disposal. */
  track(info: TensorInfo): TensorInfo {
    this.temps.push(info);
    return info;
  }

  /** Stops tracking `info` so that it survives {@link dispose} (the kernel's output). */
  keep(info: TensorInfo): TensorInfo {
    const i = this.temps.indexOf(info);
    if (i >= 0) this.temps.splice(i, 1);
    return info;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reverse(x: TensorInfo, dims: number[]): TensorInfo {
    return this.run('Reverse', { x }, { dims });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  /** Forward NHWC convolution with explicit, possibly negative, padding (negative pads crop the input). */
  conv2d(
    x: TensorInfo,
    filter: TensorInfo,
    strides: [number, number],
    dilations: [number, number],
    pads: { top: number; bottom: number; left: number; right: number },
  ): TensorInfo {
    let input = x;
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const cropTop = Math.max(0, -pads.top);
    const cropBottom = Math.max(0, -pads.bottom);
    const cropLeft = Math.max(0, -pads.left);
    const cropRight = Math.max(0, -pads.right);
    if (cropTop + cropBottom + cropLeft + cropRight > 0) {
      input = this.slice(x, [0, cropTop, cropLeft, 0], [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c]);
    }
    const pad = [
      [0, 0],
      [Math.max(0, pads.top), Math.max(0, pads.bottom)],
      [Math.max(0, pads.left), Math.max(0, pads.right)],
      [0, 0],
    ];
    return this.run('Conv2D', { x: input, filter }, { strides, pad, dataFormat: 'NHWC', dilations, dimRoundingMode: undefined });
  }

  /** Uploads host values as a tracked float32 tensor on this backend. */
  upload(values: Float32Array, shape: number[]): TensorInfo {
    const dataId = this.backend.write(values, shape, 'float32');
    const info: TensorInfo = { dataId, shape, dtype: 'float32' };
    this.temps.push(info);
    return info;
  }

  /**
   * A tracked, uninitialised float32 tensor and a writable view of its values,
   * or null when the backend does not keep tensors in one addressable heap
   * (tfjs-backend-wasm does: `makeOutput` + `typedArrayFromHeap`). Take every
   * view after the last allocation: growing the wasm memory replaces its buffer.
   */
  allocHeap(shape: number[]): TensorInfo | null {
    const be = this.backend as unknown as HeapBackend;
    if (typeof be.makeOutput !== 'function' || typeof be.typedArrayFromHeap !== 'function') return null;
    const info = be.makeOutput(shape, 'float32');
    this.temps.push(info);
    return info;
  }

  /** A view of a float32 tensor's values in the wasm heap (see {@link allocHeap}); never copy-free on other backends. */
  heapView(info: TensorInfo): Float32Array {
    const be = this.backend as unknown as HeapBackend;
    if (typeof be.typedArrayFromHeap !== 'function') throw new Error('segaware: heapView needs the wasm backend');
    return be.typedArrayFromHeap(info) as Float32Array;
  }

  /** A float32 tensor of zeros on this backend. */
  zeros(shape: number[]): TensorInfo {
    return this.upload(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  }

  /** Frees every intermediate not kept. */
  dispose(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}

/** Wraps `fn` so that intermediates are freed even when it throws. */
export function withContext(backend: KernelBackend, backendName: string, fn: (ctx: KernelContext) => TensorInfo): TensorInfo {
  const ctx = new KernelContext(backend, backendName);
  try {
    return ctx.keep(fn(ctx));
  } finally {
    ctx.dispose();
  }
}
