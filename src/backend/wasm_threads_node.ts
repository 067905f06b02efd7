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
 *
 * Importing this module plugs the workarounds into `startWasm` (`./wasm_threads.ts`).
 */
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { setWasmThreadSupport } from './wasm_threads.js';

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

/** Node's preparation for `threads` XNNPACK threads (see the module doc); the undo steps, or null. */
function prepareNodeThreads(threads: number): (() => void)[] | null {
  if (typeof process === 'undefined') return null;
  const worker = workerScript();
  if (!worker) return null;
  const restore: (() => void)[] = [];
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = ((obj: Blob) => (obj?.type === 'application/javascript' ? worker : createObjectURL(obj))) as typeof URL.createObjectURL;
  restore.push(() => (URL.createObjectURL = createObjectURL));
  const cpus = os.cpus;
  os.cpus = () => {
    const list = cpus();
    return Array.from({ length: Math.max(2 * threads, list.length) }, (_, i) => list[i % list.length]!);
  };
  restore.push(() => (os.cpus = cpus));
  return restore;
}

setWasmThreadSupport(prepareNodeThreads);
