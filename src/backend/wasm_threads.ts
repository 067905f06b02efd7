/**
 * Starting the wasm backend with a number of XNNPACK threads, on any platform.
 *
 * In a browser tfjs-backend-wasm runs its threaded SIMD build by itself where the page is
 * cross-origin isolated (SharedArrayBuffer): the thread count is handed to it and the report
 * says what it started. Under Node the threaded build needs three workarounds (a worker file
 * instead of a `blob:` URL, and a doubled core count): `./wasm_threads_node.ts` holds them and
 * plugs them in here with {@link setWasmThreadSupport} when it is imported (the Node
 * `initBackend` imports it).
 */
import { tf, tfwasm } from '../tf.js';

/** How the wasm backend's XNNPACK thread pool was started. */
export interface WasmThreadsReport {
  /** threads XNNPACK uses */
  threads: number;
  /** why fewer threads than requested run, if so */
  note?: string;
}

/**
 * Prepares the environment for `threads` XNNPACK threads before the wasm backend starts and
 * returns the undo steps to run once it has started, or null when threads cannot run here.
 * @internal
 */
export type WasmThreadSupport = (threads: number) => (() => void)[] | null;

let threadSupport: WasmThreadSupport | null = null;

/** Plugs in the platform's threaded-wasm workarounds (Node's: `./wasm_threads_node.ts`). @internal */
export function setWasmThreadSupport(support: WasmThreadSupport | null): void {
  threadSupport = support;
}

/**
 * XNNPACK's pool threads live for the whole process and emscripten keeps their
 * workers referenced, which would stop Node from ever exiting; they hold no
 * work of their own, so let the event loop ignore them.
 */
function unrefPoolThreads(): void {
  const backend = (tf.engine() as unknown as { registry: Record<string, { wasm?: { PThread?: { runningWorkers?: { unref?: () => void }[]; unusedWorkers?: { unref?: () => void }[] } } }> }).registry.wasm;
  const pthread = backend?.wasm?.PThread;
  for (const w of [...(pthread?.runningWorkers ?? []), ...(pthread?.unusedWorkers ?? [])]) w.unref?.();
}

/**
 * Default XNNPACK thread count: `SEGAWARE_WASM_THREADS`, else 1. Threads
 * speed up large convolutions ≈1.9× on 2 cores but slowed a whole 128×128
 * pix2pix training step (169 → 196 ms): the many small ops of a step pay the
 * synchronisation. Opt in where the convolutions dominate.
 */
export function defaultWasmThreads(): number {
  const env = typeof process !== 'undefined' ? Number(process.env.SEGAWARE_WASM_THREADS) : NaN;
  return Number.isInteger(env) && env > 0 ? Math.min(env, 8) : 1;
}

/**
 * Initialises the wasm backend with `threads` XNNPACK threads (1 = the
 * stock single-threaded build) without making it the active backend.
 * Returns null when the backend cannot start.
 */
export async function startWasm(threads: number): Promise<WasmThreadsReport | null> {
  // Engine internals are read directly: findBackend() and getBackend() would
  // themselves start the wasm backend, single-threaded.
  const engine = tf.engine() as unknown as { registry: Record<string, unknown>; backendName: string | null; registryFactory: Record<string, unknown> };
  if (!('wasm' in engine.registryFactory)) return null;
  if (engine.registry.wasm) return { threads: tfwasm.getThreadsCount(), note: 'the wasm backend was already started' };
  let note: string | undefined;
  const restore: (() => void)[] = [];
  if (threads > 1 && threadSupport && typeof Worker === 'undefined') {
    // Node: the workarounds of ./wasm_threads_node.ts
    const undo = threadSupport(threads);
    if (!undo) {
      note = 'threaded wasm build unavailable here';
    } else {
      restore.push(...undo);
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
      tfwasm.setThreadsCount(threads);
    }
  } else if (threads > 1 && typeof Worker !== 'undefined') {
    // a browser: tfjs's own probe decides (threads need a cross-origin-isolated page)
    tfwasm.setThreadsCount(threads);
  } else if (threads > 1) {
    note = 'threaded wasm build unavailable here';
  } else {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  const current = engine.backendName;
  let ok = false;
  try {
    ok = await tf.setBackend('wasm');
  } finally {
    for (const r of restore) r();
  }
  if (current && current !== 'wasm') await tf.setBackend(current);
  if (!ok) return null;
  const got = tfwasm.getThreadsCount();
  if (got > 1) unrefPoolThreads();
  if (got < threads && !note) note = `XNNPACK started ${got} of ${threads} threads`;
  return { threads: got, ...(note ? { note } : {}) };
}
