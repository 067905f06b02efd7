/**
 * Training kernels for the CPU backends.
 *
 * - wasm: adds `Conv2DBackpropFilter` (absent from tfjs-backend-wasm 4.22),
 *   replaces the slow stock `Conv2DBackpropInput` (a scalar loop) with the
 *   phase-decomposed forward-convolution form, and supplies the few remaining
 *   gradient kernels it lacks by running the cpu kernel on copied data.
 * - cpu: routes `Conv2D`, `FusedConv2D`, the two convolution gradients,
 *   `BatchMatMul` and `_FusedMatMul` to the wasm backend's XNNPACK kernels
 *   (the pure-JS loops are 100–3000× slower than PyTorch), copying the data in
 *   and out; everything else stays on cpu.
 *
 * The stock kernels are kept so {@link unregisterTrainingKernels} can restore
 * them (the equality tests compare against them).
 */
import { tf } from '../../tf.js';
import type { TensorInfo } from '../../tf.js';
import { conv2dBackpropFilterViaForward, conv2dBackpropInputViaForward } from './conv_backprop.js';
import { withContext } from './kernel_context.js';
import { plainMatMul } from './matmul.js';
import { convForwardMatMul, forwardMatMulGeometry } from './conv_matmul.js';
import { clearWinogradCache, convWinograd, releaseFilter, transformedFilter, winogradGeometry } from './conv_winograd.js';
import { defaultWasmThreads, startWasm, type WasmThreadsReport } from '../wasm_threads.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkOptions } from '../../validate.js';

type KernelConfig = tf.KernelConfig;

/** What {@link registerTrainingKernels} changed, per backend. */
export interface TrainingKernelsReport {
  /** kernels added or replaced on wasm */
  wasm: string[];
  /** kernels of the cpu backend now delegated to wasm */
  cpu: string[];
  /** why a backend was left alone, if it was */
  skipped: Record<string, string>;
  /** XNNPACK threads of the wasm backend (null if it did not start) */
  wasmThreads: WasmThreadsReport | null;
}

const saved = new Map<string, KernelConfig | null>();
let registered: TrainingKernelsReport | null = null;
/** wasm backends whose `disposeData` already frees Winograd filters (registration can run again after unregistering) */
const disposeHooked = new WeakSet<object>();

function replaceKernel(config: KernelConfig): void {
  const key = `${config.backendName}/${config.kernelName}`;
  const existing = tf.getKernel(config.kernelName, config.backendName);
  if (!saved.has(key)) saved.set(key, existing ?? null);
  if (existing) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

/** Returns the stock kernel that {@link registerTrainingKernels} replaced (null if it added a new one). */
export function getStockKernel(kernelName: string, backendName: string): KernelConfig | null | undefined {
  const key = `${backendName}/${kernelName}`;
  return saved.has(key) ? saved.get(key) : tf.getKernel(kernelName, backendName);
}

/** Copies a tensor's values from one backend to another, returning the new TensorInfo. */
function copyTo(from: tf.KernelBackend, to: tf.KernelBackend, t: TensorInfo): TensorInfo {
  const values = from.readSync(t.dataId) as tf.backend_util.BackendValues;
  return { dataId: to.write(values, t.shape, t.dtype), shape: t.shape.slice(), dtype: t.dtype };
}

/**
 * A kernel for backend `host` that copies its inputs to `target`, runs
 * `run` there and copies the single output back.
 */
export function delegate(
  kernelName: string,
  hostName: string,
  target: tf.KernelBackend,
  run: (inputs: Record<string, TensorInfo>, attrs: tf.NamedAttrMap) => TensorInfo,
): KernelConfig {
  return {
    kernelName,
    backendName: hostName,
    kernelFunc: ({ inputs, backend: host, attrs = {} }) => {
      const backend = host as tf.KernelBackend;
      const moved: Record<string, TensorInfo> = {};
      try {
        for (const [k, v] of Object.entries(inputs)) if (v != null) moved[k] = copyTo(backend, target, v);
        const out = run(moved, attrs);
        try {
          const values = target.readSync(out.dataId) as tf.backend_util.BackendValues;
          return { dataId: backend.write(values, out.shape, out.dtype), shape: out.shape, dtype: out.dtype };
        } finally {
          target.disposeData(out.dataId);
        }
      } finally {
        for (const v of Object.values(moved)) target.disposeData(v.dataId);
      }
    },
  };
}

export function stockRunner(kernelName: string, backendName: string, backend: tf.KernelBackend) {
  const kernel = getStockKernel(kernelName, backendName);
  if (!kernel) throw new Error(`segaware: no ${kernelName} kernel on ${backendName}`);
  return (inputs: Record<string, TensorInfo>, attrs: tf.NamedAttrMap): TensorInfo => {
    const out = kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs });
    return Array.isArray(out) ? out[0]! : out;
  };
}

/** Runs whatever kernel is registered now (e.g. segaware's wrapper). */
function currentRunner(kernelName: string, backendName: string, backend: tf.KernelBackend) {
  return (inputs: Record<string, TensorInfo>, attrs: tf.NamedAttrMap): TensorInfo => {
    const out = tf.getKernel(kernelName, backendName)!.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs });
    return Array.isArray(out) ? out[0]! : out;
  };
}

/** Gradient kernels tfjs-backend-wasm 4.22 lacks that are not convolution-shaped: run on cpu. */
export const WASM_FALLBACK_TO_CPU = [
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
];

/** Activations tfjs-backend-wasm's FusedConv2D and _FusedMatMul implement. */
const WASM_FUSED_ACTIVATIONS = new Set<string | undefined>(['linear', 'relu', 'relu6', 'prelu', 'leakyrelu', 'sigmoid', 'elu', undefined]);

/**
 * Starts the wasm backend with `threads` XNNPACK threads (default 1, or
 * `SEGAWARE_WASM_THREADS`) and registers the fast training
 * kernels (idempotent). Called by
 * {@link initBackend}; call it yourself if you pick a backend with
 * `tf.setBackend` directly.
 *
 * @returns which kernels were added or replaced on each backend.
 * @example
 * await registerTrainingKernels();
 * await tf.setBackend('wasm');
 * // model.fit / optimizer.minimize now work with convolutions on wasm
 */
export async function registerTrainingKernels(options: { threads?: number } = {}): Promise<TrainingKernelsReport> {
  checkOptions('registerTrainingKernels', options, ['threads']);
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads > 0)) {
    throw new InvalidArgumentError('registerTrainingKernels: options.threads', 'a positive integer', options.threads);
  }
  if (registered) return registered;
  const threads = await startWasm(options.threads ?? defaultWasmThreads());
  const report: TrainingKernelsReport = { wasm: [], cpu: [], skipped: {}, wasmThreads: threads };
  const wasm = threads ? tf.engine().findBackend('wasm') : null;
  if (!wasm) {
    report.skipped.wasm = 'the wasm backend could not be initialised';
    report.skipped.cpu = 'its fast kernels run on the wasm backend, which is unavailable';
    registered = report;
    return report;
  }

  const wasmInput = (inputs: Record<string, TensorInfo>, attrs: tf.NamedAttrMap) =>
    conv2dBackpropInputViaForward(wasm, 'wasm', inputs as never, attrs as never);
  const wasmFilter = (inputs: Record<string, TensorInfo>, attrs: tf.NamedAttrMap) =>
    conv2dBackpropFilterViaForward(wasm, 'wasm', inputs as never, attrs as never);

  replaceKernel({ kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: ({ inputs, attrs }) => wasmInput(inputs as never, attrs ?? {}) });
  replaceKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: ({ inputs, attrs }) => wasmFilter(inputs as never, attrs ?? {}) });
  report.wasm.push('Conv2DBackpropInput', 'Conv2DBackpropFilter');

  // Winograd keeps a transformed copy per filter tensor: free it with the filter.
  if (!disposeHooked.has(wasm)) {
    disposeHooked.add(wasm);
    const wasmDispose = wasm.disposeData.bind(wasm);
    wasm.disposeData = (dataId: object, force?: boolean) => {
      const freed = wasmDispose(dataId, force);
      if (freed) releaseFilter(dataId, wasm);
      return freed;
    };
  }

  // Forward convolutions: Winograd for 3×3 stride-1 layers with a known filter (see
  // conv_winograd.ts), matrix products for few output pixels (see conv_matmul.ts).
  const computeInfo = (inShape: number[], filterShape: number[], strides: [number, number], dilations: [number, number], pad: unknown, rounding: unknown) =>
    tf.backend_util.computeConv2DInfo(inShape as never, filterShape as never, strides, dilations, pad as never, rounding as never, false, 'channelsLast');
  for (const name of ['Conv2D', 'FusedConv2D']) {
    const stock = stockRunner(name, 'wasm', wasm);
    replaceKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs = {} }) => {
        const ins = inputs as unknown as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
        const a = attrs as { activation?: string; leakyreluAlpha?: number };
        const wino = ins.preluActivationWeights ? null : winogradGeometry(computeInfo, ins.x, ins.filter, attrs as never);
        if (wino && (a.activation == null || a.activation === 'linear' || a.activation === 'relu')) {
          const out = withContext(wasm, 'wasm', (ctx) => {
            const u = transformedFilter(ctx, ins.filter, wino.c, wino.k);
            const y = u ? convWinograd(ctx, ins.x, u, wino, { bias: name === 'FusedConv2D' ? ins.bias : undefined, relu: a.activation === 'relu' }) : null;
            return y ?? stock(inputs as never, attrs);
          });
          return out;
        }
        const plan = ins.preluActivationWeights ? null : forwardMatMulGeometry(computeInfo, ins.x, ins.filter, attrs as never);
        if (!plan) return stock(inputs as never, attrs);
        return withContext(wasm, 'wasm', (ctx) =>
          convForwardMatMul(ctx, ins.x, ins.filter, plan.g, plan.dilation, name === 'FusedConv2D' ? { bias: ins.bias, activation: a.activation, leakyreluAlpha: a.leakyreluAlpha } : undefined),
        );
      },
    });
    report.wasm.push(name);
  }

  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const stock = stockRunner(name, 'wasm', wasm);
    replaceKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs = {} }) =>
        withContext(wasm, 'wasm', (ctx) => plainMatMul(ctx, stock as never, inputs as never, attrs)),
    });
    report.wasm.push(name);
  }

  const cpu = tf.engine().backendNames().includes('cpu') ? tf.engine().findBackend('cpu') : null;
  if (cpu) {
    for (const name of WASM_FALLBACK_TO_CPU) {
      if (tf.getKernel(name, 'wasm') || !tf.getKernel(name, 'cpu')) continue;
      replaceKernel(delegate(name, 'wasm', cpu, stockRunner(name, 'cpu', cpu)));
      report.wasm.push(name);
    }
    const onWasm: Record<string, (i: Record<string, TensorInfo>, a: tf.NamedAttrMap) => TensorInfo> = {
      Conv2D: currentRunner('Conv2D', 'wasm', wasm),
      FusedConv2D: currentRunner('FusedConv2D', 'wasm', wasm),
      Conv2DBackpropInput: wasmInput,
      Conv2DBackpropFilter: wasmFilter,
      BatchMatMul: currentRunner('BatchMatMul', 'wasm', wasm),
      _FusedMatMul: currentRunner('_FusedMatMul', 'wasm', wasm),
    };
    const stockFused = getStockKernel('FusedConv2D', 'cpu');
    const stockFusedMatMul = getStockKernel('_FusedMatMul', 'cpu');
    for (const [name, run] of Object.entries(onWasm)) {
      let config = delegate(name, 'cpu', wasm, run);
      // wasm's fused kernels lack some activations (e.g. 'gelu'): keep cpu's for those.
      const fallback = name === 'FusedConv2D' ? stockFused : name === '_FusedMatMul' ? stockFusedMatMul : null;
      if (fallback) {
        const fast = config.kernelFunc;
        config = {
          ...config,
          kernelFunc: (args) => (WASM_FUSED_ACTIVATIONS.has(args.attrs?.activation as string) ? fast(args) : fallback.kernelFunc(args)),
        };
      }
      replaceKernel(config);
      report.cpu.push(name);
    }
  } else {
    report.skipped.cpu = 'the cpu backend is not registered';
  }
  registered = report;
  return report;
}

/** Restores the stock kernels that {@link registerTrainingKernels} replaced. */
export function unregisterTrainingKernels(): void {
  if (tf.engine().backendNames().includes('wasm')) clearWinogradCache(tf.engine().findBackend('wasm') as never);
  for (const [key, config] of saved) {
    const [backendName, kernelName] = key.split('/') as [string, string];
    if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
    if (config) tf.registerKernel(config);
  }
  saved.clear();
  registered = null;
}

/** Whether {@link registerTrainingKernels} is in effect. */
export function trainingKernelsRegistered(): boolean {
  return registered !== null;
}
