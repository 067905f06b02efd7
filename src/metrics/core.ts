/**
 * The platform-neutral face of `src/metrics` (what `src/core.ts` exports): PSNR, SSIM, MS-SSIM
 * (tensor functions and host accumulators), confusion-matrix metrics, the Cityscapes benchmark,
 * Fréchet distance. The host "parallel" paths are here too: without the Node worker pool (which
 * `./index.ts` plugs in) they compute their bands in the calling thread, with the same result.
 */
export type { HostImageData, ImageInput } from '../ops/image_input.js';
export type { IntTypedArray, LabelData, LabelInput } from './label_input.js';
export type { ParallelOptions } from './parallel_options.js';
export { psnr } from './psnr.js';
export type { PsnrOptions } from './psnr.js';
export { PsnrMetric } from './psnr_metric.js';
export type { PsnrMetricState, PsnrResult } from './psnr_metric.js';
export { ssim, ssimDownsample, msSsim, MS_SSIM_WEIGHTS, ssimHost, ssimHostParallel, SsimMetric } from './ssim/index.js';
export type { SsimOptions, MsSsimOptions, SsimMetricOptions, SsimMetricState, SsimResult } from './ssim/index.js';
export { ConfusionMatrix } from './confusion_matrix.js';
export type { ConfusionMatrixOptions, ConfusionMatrixState, ConfusionMetrics } from './confusion_matrix.js';
export { CITYSCAPES_AVG_CLASS_SIZE } from './cityscapes_avg_class_size.js';
export { CityscapesEvaluator, CITYSCAPES_CATEGORIES } from './cityscapes_evaluator.js';
export type { CityscapesEvaluatorState, CityscapesResult } from './cityscapes_evaluator.js';
export { frechetDistance } from './frechet_distance.js';
export type { MatrixInput } from './frechet_distance.js';
export { FeatureStatistics } from './feature_statistics.js';
export type { FeatureInput, FeatureStatisticsState } from './feature_statistics.js';
