/** Backend selection and the training kernels segaware adds to tfjs's wasm and cpu backends. */
export { initBackend, BACKEND_ORDER } from './init_backend.js';
export type { BackendName, BackendChoice, InitBackendOptions, WebgpuAdapterReport } from './init_backend.js';
export { registerTrainingKernels, unregisterTrainingKernels, trainingKernelsRegistered } from './kernels/register.js';
export type { TrainingKernelsReport } from './kernels/register.js';
export type { WasmThreadsReport } from './wasm_threads.js';
