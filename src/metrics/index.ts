/**
 * Metrics: PSNR, SSIM, MS-SSIM (tensor functions and accumulators), confusion-matrix
 * metrics, the Cityscapes benchmark, Fréchet distance.
 */
export * from './gaussian_window.js';
export { checkDataRange, isImageData } from './image_data.js';
export type { ImageData as HostImageData } from './image_data.js';
export type { ImageInput } from './image_input.js';
export * from './psnr.js';
export * from './ssim_options.js';
// named exports: these modules also hold internal helpers (the pred/target-named variants)
export { ssim, ssimDownsample } from './ssim.js';
export { msSsim, MS_SSIM_WEIGHTS } from './ms_ssim.js';
export type { MsSsimOptions } from './ms_ssim.js';
export * from './psnr_metric.js';
export { ssimHost } from './ssim_host.js';
export * from './ssim_host_parallel.js';
export { closeMetricWorkers, defaultMetricWorkers } from './worker_pool.js';
export * from './mirror_pad.js';
export * from './ssim_metric.js';
export type { IntTypedArray, LabelData, LabelInput } from './label_input.js';
export * from './confusion_matrix.js';
export * from './cityscapes_avg_class_size.js';
export * from './cityscapes_evaluator.js';
export * from './frechet_distance.js';
export * from './feature_statistics.js';
// The Cityscapes label table lives in src/data; re-exported here with the evaluator that uses it
// (the same bindings, so a data-area `export *` of them does not conflict).
export {
  CITYSCAPES_CLASSES,
  CITYSCAPES_TRAIN_CLASSES,
  CITYSCAPES_NUM_CLASSES,
  labelIdToTrainId,
  trainIdToLabelId,
  colorize,
} from '../data/cityscapes_labels.js';
export type { CityscapesClass } from '../data/cityscapes_labels.js';
