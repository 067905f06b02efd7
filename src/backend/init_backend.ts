/**
 * Backend selection under Node: the fastest TensorFlow.js backend this machine can run,
 * with the reason every faster one was skipped. The browser's `initBackend` (webgpu → webgl →
 * wasm → cpu) is `./init_backend_browser.ts`; this one shadows it in the Node entry.
 */
import { createRequire } from 'node:module';
import { tf } from '../tf.js';
import { BackendError, InvalidArgumentError } from '../errors.js';
import { checkOptions } from '../validate.js';
import { registerTrainingKernels, type TrainingKernelsReport } from './kernels/register.js';
import { registerWebgpuAddN } from './kernels/webgpu_add_n.js';
import { describeAdapter, softwareName, type WebgpuAdapterReport } from './webgpu_adapter.js';
import { silenceCpuBanner } from './cpu_banner.js';
// plugs Node's threaded-wasm workarounds into startWasm (the `threads` option)
import './wasm_threads_node.js';

/** Backends segaware knows, fastest first. */
export const BACKEND_ORDER = ['node-gpu', 'node', 'webgpu', 'wasm', 'cpu'] as const;
/** A backend name accepted by {@link initBackend} and `SEGAWARE_BACKEND`. */
export type BackendName = (typeof BACKEND_ORDER)[number];

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Backends to try, in order (default: all of {@link BACKEND_ORDER}). The
   * environment variable `SEGAWARE_BACKEND` (comma-separated) overrides it.
   */
  prefer?: BackendName | BackendName[];
  /**
   * Threads: XNNPACK threads of the wasm backend (default:
   * `SEGAWARE_WASM_THREADS`, else 1) and intra-op threads of tfjs-node (sets
   * `TF_NUM_INTRAOP_THREADS` before loading it). Takes effect only before the
   * wasm backend first starts.
   */
  threads?: number;
  /** Suppress the one-line notice (also `SEGAWARE_QUIET=1`). */
  quiet?: boolean;
  /** Register the fast CPU training kernels (default true). */
  trainingKernels?: boolean;
}

/** What {@link initBackend} chose and why. */
export interface BackendChoice {
  /** segaware's name of the chosen backend */
  name: BackendName;
  /** the name tfjs knows it by (`tensorflow` for tfjs-node) */
  tfBackend: string;
  /** every backend tried before it, with the reason it was skipped */
  skipped: { name: BackendName; reason: string }[];
  /** kernels added by {@link registerTrainingKernels} (null when disabled) */
  trainingKernels: TrainingKernelsReport | null;
  /** the one-line notice (printed to stderr unless quiet) */
  notice: string;
  /**
   * The WebGPU adapter found while trying webgpu — also when it was skipped as a
   * software adapter; null when webgpu was not tried or no adapter exists.
   */
  adapter: WebgpuAdapterReport | null;
}

type Attempt = { ok: true; tfBackend: string } | { ok: false; reason: string };

interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<unknown>;
}

/** Loads an optional package by a name the bundler must not resolve. */
async function optionalImport(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}

/** Whether an optional package can be resolved from segaware's location. */
function installed(specifier: string): boolean {
  try {
    createRequire(import.meta.url).resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` and removes the process listeners it added. The emscripten glue
 * of tfjs-backend-wasm installs `uncaughtException`/`unhandledRejection`
 * handlers that rethrow and print its whole minified source line on every
 * error; users should see their own stack traces instead.
 */
export async function withoutNewProcessListeners<T>(fn: () => Promise<T>): Promise<T> {
  if (typeof process === 'undefined' || typeof process.listeners !== 'function') return fn();
  const events = ['uncaughtException', 'unhandledRejection'] as const;
  const before = events.map((e) => new Set<unknown>(process.listeners(e as 'uncaughtException')));
  try {
    return await fn();
  } finally {
    events.forEach((e, i) => {
      for (const l of process.listeners(e as 'uncaughtException')) if (!before[i]!.has(l)) process.removeListener(e, l);
    });
  }
}

async function trySetBackend(name: string): Promise<boolean> {
  try {
    return await withoutNewProcessListeners(() => tf.setBackend(name));
  } catch {
    return false;
  }
}

async function attemptNode(pkg: string, threads?: number): Promise<Attempt> {
  if (threads !== undefined) process.env.TF_NUM_INTRAOP_THREADS = String(threads);
  if (!installed(pkg)) return { ok: false, reason: `${pkg} is not installed` };
  try {
    await optionalImport(pkg);
  } catch (err) {
    return { ok: false, reason: `${pkg} failed to load: ${(err as Error).message}` };
  }
  return (await trySetBackend('tensorflow')) ? { ok: true, tfBackend: 'tensorflow' } : { ok: false, reason: `${pkg} loaded but its backend did not start` };
}

/**
 * Makes `navigator.gpu` available: the browser's, a caller's, or Dawn's from
 * the optional `webgpu` package. It must exist before
 * `@tensorflow/tfjs-backend-webgpu` is imported, which only registers its
 * backend when it sees `navigator.gpu`.
 */
async function ensureNavigatorGpu(): Promise<{ gpu: GpuLike } | { reason: string }> {
  const g = globalThis as unknown as { navigator?: { gpu?: GpuLike } };
  if (g.navigator?.gpu) return { gpu: g.navigator.gpu };
  let dawn: { create?: (o: string[]) => unknown; globals?: object };
  if (!installed('webgpu')) return { reason: "no navigator.gpu and the 'webgpu' package is not installed" };
  try {
    dawn = (await optionalImport('webgpu')) as typeof dawn;
  } catch (err) {
    return { reason: `'webgpu' failed to load: ${(err as Error).message}` };
  }
  if (!dawn.create) return { reason: "the 'webgpu' package has no create()" };
  let gpu: GpuLike;
  try {
    // the GPU* classes (GPUBufferUsage, …) tfjs-backend-webgpu expects as globals
    Object.assign(globalThis, dawn.globals ?? {});
    gpu = dawn.create([]) as GpuLike;
  } catch (err) {
    return { reason: `Dawn could not start: ${(err as Error).message}` };
  }
  // Node 20 has no navigator; Node 21+ has one without gpu
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  return { gpu };
}

async function attemptWebgpu(automatic: boolean, found: { adapter: WebgpuAdapterReport | null }): Promise<Attempt> {
  const nav = await ensureNavigatorGpu();
  if ('reason' in nav) return { ok: false, reason: nav.reason };
  let adapter: unknown = null;
  try {
    // tfjs-backend-webgpu asks for the same preference when it starts
    adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    adapter = null;
  }
  if (!adapter) return { ok: false, reason: 'no WebGPU adapter on this machine' };
  const report = await describeAdapter(adapter);
  found.adapter = report;
  // A CPU rasteriser runs every shader on the CPU, behind Vulkan: slower than
  // XNNPACK. Used only when asked for by name (prefer / SEGAWARE_BACKEND).
  if (automatic && report.software) return { ok: false, reason: `software adapter (${softwareName(report)}): slower than wasm` };
  if (!installed('@tensorflow/tfjs-backend-webgpu')) return { ok: false, reason: '@tensorflow/tfjs-backend-webgpu is not installed' };
  try {
    await optionalImport('@tensorflow/tfjs-backend-webgpu');
  } catch (err) {
    return { ok: false, reason: `tfjs-backend-webgpu failed to load: ${(err as Error).message}` };
  }
  // tfjs's webgpu AddN binds every input at once and breaks at 8+ (a ten-term composite loss)
  registerWebgpuAddN();
  return (await trySetBackend('webgpu')) ? { ok: true, tfBackend: 'webgpu' } : { ok: false, reason: 'the webgpu backend did not start' };
}

interface AttemptContext {
  threads?: number;
  /** true in the default order (no prefer, no SEGAWARE_BACKEND) */
  automatic: boolean;
  found: { adapter: WebgpuAdapterReport | null };
}

async function attempt(name: BackendName, { threads, automatic, found }: AttemptContext): Promise<Attempt> {
  switch (name) {
    case 'node-gpu':
      return attemptNode('@tensorflow/tfjs-node-gpu', threads);
    case 'node':
      return attemptNode('@tensorflow/tfjs-node', threads);
    case 'webgpu':
      return attemptWebgpu(automatic, found);
    case 'wasm':
      return (await trySetBackend('wasm')) ? { ok: true, tfBackend: 'wasm' } : { ok: false, reason: 'WebAssembly backend failed to initialise' };
    case 'cpu':
      return (await trySetBackend('cpu')) ? { ok: true, tfBackend: 'cpu' } : { ok: false, reason: 'cpu backend failed to initialise' };
  }
}

const INIT_BACKEND_KEYS = ['prefer', 'threads', 'quiet', 'trainingKernels'] as const;

/** Parses `prefer` / `SEGAWARE_BACKEND` into a validated list. */
function resolveOrder(prefer: InitBackendOptions['prefer']): { order: BackendName[]; source: string } {
  const env = typeof process !== 'undefined' ? process.env.SEGAWARE_BACKEND : undefined;
  let list: unknown[];
  let source: string;
  if (env && env.trim()) {
    list = env.split(',').map((s) => s.trim()).filter(Boolean);
    source = 'SEGAWARE_BACKEND';
  } else if (prefer !== undefined) {
    list = Array.isArray(prefer) ? prefer : [prefer];
    source = 'prefer';
  } else {
    return { order: [...BACKEND_ORDER], source: 'default' };
  }
  const label = source === 'prefer' ? 'initBackend: options.prefer' : source;
  if (list.length === 0) throw new InvalidArgumentError(label, `a non-empty list of ${BACKEND_ORDER.join(', ')}`, list);
  for (const b of list) {
    if (!(BACKEND_ORDER as readonly unknown[]).includes(b)) {
      throw new InvalidArgumentError(label, `backend names from ${BACKEND_ORDER.join(', ')}`, b);
    }
  }
  return { order: list as BackendName[], source };
}

/**
 * Picks and activates the fastest available backend, trying in order
 * tfjs-node-gpu, tfjs-node, WebGPU (only where an adapter exists), wasm and
 * cpu, and registers the fast CPU training kernels
 * ({@link registerTrainingKernels}).
 *
 * WebGPU in Node comes from the optional `webgpu` package (Dawn, over Vulkan,
 * Metal or D3D12): `navigator.gpu` is created, the high-performance adapter
 * requested and reported in {@link BackendChoice.adapter}. In the automatic
 * order a software adapter (llvmpipe, SwiftShader, …) is skipped because wasm
 * is faster; naming webgpu in `prefer` or `SEGAWARE_BACKEND` uses it anyway.
 * Dawn holds no handle that keeps Node alive: a script exits when its work is done.
 *
 * The choice can be forced with `prefer` or with the environment variable
 * `SEGAWARE_BACKEND=wasm` (a comma-separated list is tried in order).
 *
 * @returns the chosen backend and why every earlier one was skipped.
 * @throws InvalidArgumentError for an unknown backend name; BackendError if none starts.
 * @example
 * const { name, skipped } = await initBackend();            // e.g. 'wasm'
 * await initBackend({ prefer: ['node', 'cpu'] });           // restrict the candidates
 */
export async function initBackend(options?: InitBackendOptions): Promise<BackendChoice> {
  options = checkOptions('initBackend', options, INIT_BACKEND_KEYS);
  const { order, source } = resolveOrder(options.prefer);
  const quiet = options.quiet ?? (typeof process !== 'undefined' && process.env.SEGAWARE_QUIET === '1');
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads > 0)) {
    throw new InvalidArgumentError('initBackend: options.threads', 'a positive integer', options.threads);
  }
  const skipped: BackendChoice['skipped'] = [];
  // Register kernels first: it initialises wasm, which the cpu kernels delegate to.
  const trainingKernels = options.trainingKernels === false ? null : await withoutNewProcessListeners(() => registerTrainingKernels({ threads: options.threads }));
  const found: AttemptContext['found'] = { adapter: null };
  for (const name of order) {
    const result = await attempt(name, { threads: options.threads, automatic: source === 'default', found });
    if (!result.ok) {
      skipped.push({ name, reason: result.reason });
      continue;
    }
    silenceCpuBanner();
    const why = skipped.length ? ` (skipped ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})` : '';
    const t = trainingKernels?.wasmThreads;
    const threadNote = name === 'wasm' && t ? `, ${t.threads} thread${t.threads === 1 ? '' : 's'}${t.note ? ` (${t.note})` : ''}` : '';
    const a = found.adapter;
    const adapterNote = name === 'webgpu' && a ? ` (adapter: ${[a.vendor, a.architecture, a.description || a.device].filter(Boolean).join(' ') || 'unnamed'}${a.software ? ', software' : ''})` : '';
    const notice = `segaware: using the ${name} backend${threadNote}${adapterNote}${source === 'default' ? '' : ` from ${source}`}${why}`;
    if (!quiet) process.stderr.write(notice + '\n');
    return { name, tfBackend: result.tfBackend, skipped, trainingKernels, notice, adapter: found.adapter };
  }
  throw new BackendError(
    `segaware: no backend could be started from ${source} [${order.join(', ')}]: ` + skipped.map((s) => `${s.name}: ${s.reason}`).join('; '),
  );
}
