export { initBackend, BACKEND_ORDER } from './init_backend.js';
export type { BackendName, BackendChoice, InitBackendOptions, WebgpuAdapterReport } from './init_backend.js';
export { registerTrainingKernels, unregisterTrainingKernels, trainingKernelsRegistered, getStockKernel } from './kernels/register.js';
export type { TrainingKernelsReport } from './kernels/register.js';
