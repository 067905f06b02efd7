/** Custom layers missing from tfjs-layers, each registered for `tf.io` save/load. */
export * from './instance_normalization.js';
export * from './group_normalization.js';
export * from './reflection_padding2d.js';
export * from './spectral_normalization.js';
export * from './bilinear_upsample2d.js';
export * from './input_check.js';
export * from './exclusive_avg_pool2d.js';
export * from './nan_preserving.js';
