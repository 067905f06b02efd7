/** Model builders and PyTorch weight interchange (re-exported by the package index). */
export * from './unet_generator.js';
export * from './patchgan_discriminator.js';
export * from './resnet_generator.js';
export * from './resnet_backbone.js';
export * from './fpn_segmenter.js';
export * from './torch_weights.js';
export { countTrainableParams } from './_blocks.js';
export type { NormKind } from './_blocks.js';
export * from './unet.js';
export * from './sn_patchgan_discriminator.js';
export * from './multiscale_discriminator.js';
export * from './unit_translator.js';
export * from './init_weights.js';
