/**
 * Multi-threaded XNNPACK for the wasm backend under Node.
 *
 * tfjs-backend-wasm ships a threaded SIMD build but never enables it in Node:
 * its feature probe says no, its pthread worker is handed to Node as a `blob:`
 * URL (which `worker_threads` rejects), and its C++ caps the pool at
 * `navigator.hardwareConcurrency / 2` — one thread on a 2-core machine. This
 * module works around all three before the backend starts: it writes the
 * worker script to a file whose main-script import points at the threaded
 * module on disk, hands that path out instead of the blob URL, and reports the
 * logical core count doubled while the C++ reads it. XNNPACK then splits every
 * convolution and matrix product over the requested threads (≈1.9× on 2 cores).
 */
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { tf, tfwasm } from '../tf.js';

/** How the wasm backend's XNNPACK thread pool was started. */
export interface WasmThreadsReport {
  /** threads XNNPACK uses */
  threads: number;
  /** why fewer threads than requested run, if so */
  note?: string;
}

const WORKER_IMPORT =
  'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';

/** Writes the pthread worker script to a file and returns its path (null if the package layout is unexpected). */
function workerScript(): string | null {
  const require = createRequire(import.meta.url);
  const base = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd';
  let mainJs: string;
  let contents: string;
  try {
    mainJs = require.resolve(`${base}.js`);
    contents = (require(`${base}.worker.js`) as { wasmWorkerContents: string }).wasmWorkerContents;
  } catch {
    return null;
  }
  if (!contents.includes(WORKER_IMPORT)) return null;
  // The worker evaluates the threaded module from disk instead of from a Blob
  // (Node cannot read blob URLs synchronously); the one raw newline sits in a
  // string literal, as in tfjs's own Blob path.
  const patched = contents.replace(/\n/g, '\\n').replace(WORKER_IMPORT, `importScripts(${JSON.stringify(mainJs)});`);
  const hash = createHash('sha1').update(patched).digest('hex').slice(0, 12);
  const path = join(os.tmpdir(), `segaware-tfjs-wasm-worker-${hash}.cjs`);
  if (!existsSync(path)) writeFileSync(path, patched);
  return path;
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
  if (threads > 1) {
    const worker = typeof Worker === 'undefined' && typeof process !== 'undefined' ? workerScript() : null;
    if (!worker) {
      note = 'threaded wasm build unavailable here';
    } else {
      const createObjectURL = URL.createObjectURL;
      URL.createObjectURL = ((obj: Blob) => (obj?.type === 'application/javascript' ? worker : createObjectURL(obj))) as typeof URL.createObjectURL;
      restore.push(() => (URL.createObjectURL = createObjectURL));
      const cpus = os.cpus;
      os.cpus = () => {
        const list = cpus();
        return Array.from({ length: Math.max(2 * threads, list.length) }, (_, i) => list[i % list.length]!);
      };
      restore.push(() => (os.cpus = cpus));
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
      tfwasm.setThreadsCount(threads);
    }
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
