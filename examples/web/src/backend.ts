/**
 * Starts the page's TensorFlow.js backend with segaware's browser `initBackend`: webgpu where
 * the browser has an adapter, else webgl, else wasm, else cpu — or the list given in
 * `?backend=` (the end-to-end test forces `webgl` or `cpu` so its numbers do not depend on
 * the machine).
 *
 * @example
 * const name = await startBackend(new URLSearchParams(location.search).get('backend')); // 'webgl'
 */
import { BACKEND_ORDER, initBackend, type BackendName } from '../../../src/core.js';
// Vite emits the wasm backend's binaries and gives their URLs: tfjs would otherwise look for
// them next to the bundle under names the build does not produce (the wasm backend, and the
// cpu backend whose training kernels delegate to it, need them)
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

const WASM_PATHS = {
  'tfjs-backend-wasm.wasm': wasm,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
};

/** Starts the backend (`param`: null, or a comma-separated list of names); returns the name tfjs runs. */
export async function startBackend(param: string | null): Promise<string> {
  const prefer = param ? param.split(',').map((s) => s.trim()) : undefined;
  const bad = prefer?.filter((n) => !(BACKEND_ORDER as readonly string[]).includes(n));
  if (bad?.length) throw new Error(`?backend=${param}: unknown ${bad.join(', ')} (expected ${BACKEND_ORDER.join(', ')})`);
  const choice = await initBackend({ prefer: prefer as BackendName[] | undefined, wasmPaths: WASM_PATHS });
  return choice.name;
}
