/**
 * Metrics: PSNR, SSIM, MS-SSIM (tensor functions and accumulators), confusion-matrix
 * metrics, the Cityscapes benchmark, Fréchet distance. The whole face of `src/metrics` for
 * Node: the platform-neutral part (`./core.ts`) plus the worker-thread pool, which importing
 * `./worker_pool.ts` plugs into `ssimHostParallel` and `ConfusionMatrix.updateParallel`.
 */
export * from './core.js';
export { closeMetricWorkers, defaultMetricWorkers } from './worker_pool.js';
