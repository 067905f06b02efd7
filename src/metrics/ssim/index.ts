/**
 * SSIM in one place: the tensor functions ({@link ssim}, {@link msSsim}, {@link ssimDownsample}),
 * the float64 host paths ({@link ssimHost}, {@link ssimHostParallel}) and the accumulator
 * ({@link SsimMetric}). The window, option resolution and kernels stay internal.
 */
export { ssim } from './ssim.js';
export type { SsimOptions } from './options.js';
export { ssimDownsample } from './downsample.js';
export { msSsim, MS_SSIM_WEIGHTS } from './ms_ssim.js';
export type { MsSsimOptions } from './ms_ssim.js';
export { ssimHost } from './host.js';
export { ssimHostParallel } from './host_parallel.js';
export { SsimMetric } from './ssim_metric.js';
export type { SsimMetricOptions, SsimMetricState, SsimResult } from './ssim_metric.js';
