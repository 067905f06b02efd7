/**
 * The platform-neutral face of `src/backend` (what `src/core.ts` exports): the browser's
 * backend selection (webgpu → webgl → wasm → cpu) and the training kernels segaware adds to
 * tfjs's wasm and cpu backends. `./index.ts` swaps in the Node `initBackend`.
 */
export { initBackend, BACKEND_ORDER } from './init_backend_browser.js';
export type { BackendName, BackendChoice, InitBackendOptions } from './init_backend_browser.js';
export type { WebgpuAdapterReport } from './webgpu_adapter.js';
export { registerTrainingKernels, unregisterTrainingKernels, trainingKernelsRegistered } from './kernels/register.js';
export type { TrainingKernelsReport } from './kernels/register.js';
export type { WasmThreadsReport } from './wasm_threads.js';
