/**
 * Backend selection in a browser (the `initBackend` of the platform-neutral entry): WebGPU
 * where `navigator.gpu` gives a hardware adapter, else WebGL, else wasm, else cpu. The
 * accelerated backends are optional packages loaded with a dynamic `import()`, so a bundler
 * splits them into chunks fetched only when tried. The Node `initBackend`
 * (`./init_backend.ts`: tfjs-node, Dawn, threaded wasm) shadows this one in `segaware/node`.
 */
import { tf, tfwasm } from '../tf.js';
import { BackendError, InvalidArgumentError } from '../errors.js';
import { checkOptions } from '../validate.js';
import { silenceCpuBanner } from './cpu_banner.js';
import { registerTrainingKernels, type TrainingKernelsReport } from './kernels/register.js';
import { registerWebgpuAddN } from './kernels/webgpu_add_n.js';
import { describeAdapter, softwareName, type WebgpuAdapterReport } from './webgpu_adapter.js';

/** Backends the browser `initBackend` knows, fastest first. */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
/** A backend name accepted by the browser {@link initBackend}. */
export type BackendName = (typeof BACKEND_ORDER)[number];

/** Options of the browser {@link initBackend}. */
export interface InitBackendOptions {
  /** Backends to try, in order (default: all of {@link BACKEND_ORDER}). */
  prefer?: BackendName | BackendName[];
  /**
   * XNNPACK threads of the wasm backend (default 1). tfjs runs them only on a cross-origin
   * isolated page (SharedArrayBuffer); elsewhere the report says how many started.
   */
  threads?: number;
  /** Suppress the one-line notice on `console.info`. */
  quiet?: boolean;
  /**
   * Register segaware's fast training kernels when wasm or cpu is chosen (default true;
   * {@link registerTrainingKernels}). WebGPU and WebGL have all the kernels training needs.
   */
  trainingKernels?: boolean;
  /**
   * Where tfjs-backend-wasm finds its `.wasm` files: a folder URL ending in `/`, or a map of
   * file name to URL (`tf.wasm.setWasmPaths`). Needed when the bundler does not serve them
   * next to the script.
   */
  wasmPaths?: string | Record<string, string>;
}

/** What the browser {@link initBackend} chose and why. */
export interface BackendChoice {
  /** segaware's name of the chosen backend */
  name: BackendName;
  /** the name tfjs knows it by */
  tfBackend: string;
  /** every backend tried before it, with the reason it was skipped */
  skipped: { name: BackendName; reason: string }[];
  /** kernels added by {@link registerTrainingKernels} (null when not registered) */
  trainingKernels: TrainingKernelsReport | null;
  /** the one-line notice (logged with `console.info` unless quiet) */
  notice: string;
  /** the WebGPU adapter found while trying webgpu (also when skipped as software); else null */
  adapter: WebgpuAdapterReport | null;
}

type Attempt = { ok: true } | { ok: false; reason: string };

interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<unknown>;
}

async function trySetBackend(name: string): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

async function attemptWebgpu(automatic: boolean, found: { adapter: WebgpuAdapterReport | null }): Promise<Attempt> {
  const gpu = (globalThis as unknown as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (!gpu) return { ok: false, reason: 'no navigator.gpu in this browser' };
  let adapter: unknown = null;
  try {
    // tfjs-backend-webgpu asks for the same preference when it starts
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    adapter = null;
  }
  if (!adapter) return { ok: false, reason: 'no WebGPU adapter' };
  const report = await describeAdapter(adapter);
  found.adapter = report;
  // SwiftShader & co. run every shader on the CPU: WebGL (often still GPU) or wasm is faster
  if (automatic && report.software) return { ok: false, reason: `software adapter (${softwareName(report)})` };
  try {
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (err) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-webgpu failed to load: ${(err as Error).message}` };
  }
  // tfjs's webgpu AddN binds every input at once and breaks at 8+ (a ten-term composite loss)
  registerWebgpuAddN();
  return (await trySetBackend('webgpu')) ? { ok: true } : { ok: false, reason: 'the webgpu backend did not start' };
}

async function attemptWebgl(): Promise<Attempt> {
  try {
    await import('@tensorflow/tfjs-backend-webgl');
  } catch (err) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-webgl failed to load: ${(err as Error).message}` };
  }
  return (await trySetBackend('webgl')) ? { ok: true } : { ok: false, reason: 'no WebGL context (the webgl backend did not start)' };
}

async function attempt(name: BackendName, automatic: boolean, found: { adapter: WebgpuAdapterReport | null }): Promise<Attempt> {
  switch (name) {
    case 'webgpu':
      return attemptWebgpu(automatic, found);
    case 'webgl':
      return attemptWebgl();
    case 'wasm':
      return (await trySetBackend('wasm')) ? { ok: true } : { ok: false, reason: 'WebAssembly backend failed to initialise (are the .wasm files served? see options.wasmPaths)' };
    case 'cpu':
      return (await trySetBackend('cpu')) ? { ok: true } : { ok: false, reason: 'cpu backend failed to initialise' };
  }
}

const INIT_BACKEND_KEYS = ['prefer', 'threads', 'quiet', 'trainingKernels', 'wasmPaths'] as const;

function resolveOrder(prefer: InitBackendOptions['prefer']): BackendName[] | null {
  if (prefer === undefined) return null;
  const list: unknown[] = Array.isArray(prefer) ? prefer : [prefer];
  const label = 'initBackend: options.prefer';
  if (list.length === 0) throw new InvalidArgumentError(label, `a non-empty list of ${BACKEND_ORDER.join(', ')}`, list);
  for (const b of list) {
    if (!(BACKEND_ORDER as readonly unknown[]).includes(b)) throw new InvalidArgumentError(label, `backend names from ${BACKEND_ORDER.join(', ')}`, b);
  }
  return list as BackendName[];
}

/**
 * Picks and activates the fastest backend this browser can run: WebGPU (a hardware adapter
 * from `navigator.gpu`; a software one is skipped unless named in `prefer`), WebGL, wasm, cpu.
 * `@tensorflow/tfjs-backend-webgpu` and `@tensorflow/tfjs-backend-webgl` are optional peer
 * dependencies loaded with a dynamic `import()`: install the ones you want tried. When wasm or
 * cpu is chosen, segaware's training kernels are registered ({@link registerTrainingKernels}).
 *
 * In Node, `import { initBackend } from 'segaware'` gets the Node version instead (tfjs-node,
 * Dawn WebGPU, threaded wasm); this one is what a browser bundle of `segaware` contains.
 *
 * @returns the chosen backend and why every earlier one was skipped.
 * @throws InvalidArgumentError for an unknown backend name or option; BackendError if none starts.
 * @example
 * const { name, skipped } = await initBackend();                  // e.g. 'webgl'
 * await initBackend({ prefer: ['wasm', 'cpu'], wasmPaths: '/tfjs-wasm/' });
 */
export async function initBackend(options?: InitBackendOptions): Promise<BackendChoice> {
  options = checkOptions('initBackend', options, INIT_BACKEND_KEYS);
  const preferred = resolveOrder(options.prefer);
  const order = preferred ?? [...BACKEND_ORDER];
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads > 0)) {
    throw new InvalidArgumentError('initBackend: options.threads', 'a positive integer', options.threads);
  }
  const { wasmPaths } = options;
  if (wasmPaths !== undefined) {
    if (!(typeof wasmPaths === 'string' || (wasmPaths !== null && typeof wasmPaths === 'object' && !Array.isArray(wasmPaths)))) {
      throw new InvalidArgumentError('initBackend: options.wasmPaths', 'a URL prefix or a map of .wasm file names to URLs', wasmPaths);
    }
    tfwasm.setWasmPaths(wasmPaths as string);
  }
  // before the wasm backend starts (it reads the count once); tfjs's probe decides whether the
  // threaded build runs (a cross-origin-isolated page)
  if (options.threads !== undefined && options.threads > 1) tfwasm.setThreadsCount(options.threads);
  const skipped: BackendChoice['skipped'] = [];
  const found = { adapter: null as WebgpuAdapterReport | null };
  for (const name of order) {
    const result = await attempt(name, preferred === null, found);
    if (!result.ok) {
      skipped.push({ name, reason: result.reason });
      continue;
    }
    silenceCpuBanner();
    let trainingKernels: TrainingKernelsReport | null = null;
    if (options.trainingKernels !== false && (name === 'wasm' || name === 'cpu')) {
      // starts wasm (for the cpu kernels' XNNPACK delegation) without changing the active backend
      trainingKernels = await registerTrainingKernels({ threads: options.threads ?? 1 });
    }
    const why = skipped.length ? ` (skipped ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})` : '';
    const a = found.adapter;
    const adapterNote = name === 'webgpu' && a ? ` (adapter: ${[a.vendor, a.architecture, a.description || a.device].filter(Boolean).join(' ') || 'unnamed'})` : '';
    const notice = `segaware: using the ${name} backend${adapterNote}${preferred ? ' from prefer' : ''}${why}`;
    if (!options.quiet) console.info(notice);
    return { name, tfBackend: name, skipped, trainingKernels, notice, adapter: found.adapter };
  }
  throw new BackendError(`segaware: no backend could be started from [${order.join(', ')}]: ` + skipped.map((s) => `${s.name}: ${s.reason}`).join('; '));
}
