/**
 * The platform-neutral face of `src/models` (what `src/core.ts` exports): builders returning
 * `tf.LayersModel` (pix2pix, CycleGAN, U-Net, PatchGAN, SN-PatchGAN, UNIT, ResNet +
 * Panoptic-FPN), VGG-19 features, weight initialisation, PyTorch state_dict interchange and the
 * custom layers. Weights load from bytes or from a URL (`fetch`); `./index.ts` adds file paths.
 */
export { unetGenerator, type UnetGeneratorOptions } from './unet_generator.js';
export { unet, type UnetOptions } from './unet.js';
export { resnetGenerator, type ResnetGeneratorOptions } from './resnet_generator.js';
export { patchGanDiscriminator, type PatchGanOptions } from './patchgan_discriminator.js';
export { snPatchGanDiscriminator, type SnPatchGanOptions } from './sn_patchgan_discriminator.js';
export { multiScaleDiscriminator, type MultiScaleDiscriminatorOptions } from './multiscale_discriminator.js';
export { resnetBackbone, type ResnetBackboneOptions } from './resnet_backbone.js';
export { fpnSegmenter, type FpnSegmenterOptions } from './fpn_segmenter.js';
export { unitTranslator, type UnitTranslator, type UnitTranslatorOptions } from './unit_translator.js';
export {
  vgg19Features,
  loadVgg19Weights,
  VGG19_LAYERS,
  type Vgg19Conv,
  type Vgg19Extractor,
  type Vgg19FeaturesOptions,
  type Vgg19Weights,
} from './vgg19.js';
export { initWeights, type InitWeightsOptions } from './init_weights.js';
export { countTrainableParams, type NormKind } from './blocks.js';
export {
  loadTorchStateDict,
  loadTorchWeights,
  saveTorchWeights,
  torchStateDict,
  torchWeightMap,
  type LoadTorchWeightsOptions,
  type TorchWeightEntry,
} from './torch_weights.js';
export type { SafeTensor, SafetensorsDtype } from './safetensors.js';
export {
  BilinearUpsample2D,
  ExclusiveAvgPool2D,
  GroupNormalization,
  InputCheck,
  InstanceNormalization,
  NanMaxPooling2D,
  NanReLU,
  ReflectionPadding2D,
  SpectralNormalization,
  bilinearUpsample,
  nanMaxPool,
  nanRelu,
  type BilinearUpsample2DArgs,
  type ExclusiveAvgPool2DArgs,
  type GroupNormalizationArgs,
  type InputCheckArgs,
  type InstanceNormalizationArgs,
  type NanMaxPooling2DArgs,
  type ReflectionPadding2DArgs,
  type SpectralNormalizationArgs,
} from './layers/index.js';
