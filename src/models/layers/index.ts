/**
 * Custom layers missing from tfjs-layers, each registered with `tf.serialization` so
 * models using them save and load with `tf.io`; functional forms beside the classes.
 */
export { InstanceNormalization, type InstanceNormalizationArgs } from './instance_normalization.js';
export { GroupNormalization, type GroupNormalizationArgs } from './group_normalization.js';
export { ReflectionPadding2D, type ReflectionPadding2DArgs } from './reflection_padding2d.js';
export { SpectralNormalization, type SpectralNormalizationArgs } from './spectral_normalization.js';
export { BilinearUpsample2D, bilinearUpsample, type BilinearUpsample2DArgs } from './bilinear_upsample2d.js';
export { ExclusiveAvgPool2D, type ExclusiveAvgPool2DArgs } from './exclusive_avg_pool2d.js';
export { InputCheck, type InputCheckArgs } from './input_check.js';
export { NanReLU, NanMaxPooling2D, nanMaxPool, nanRelu, type NanMaxPooling2DArgs } from './nan_preserving.js';
