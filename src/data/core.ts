/**
 * The platform-neutral face of `src/data` (what `src/core.ts` exports): rasters, datasets and
 * batching, augmentation, degradations, synthetic street scenes, the Cityscapes label table,
 * colour-coded label decoding, night scores, FID selection. File I/O (sharp), folder datasets
 * and image grids are Node-only: `./index.ts`.
 */
export {
  CITYSCAPES_CLASSES,
  CITYSCAPES_NUM_CLASSES,
  CITYSCAPES_TRAIN_CLASSES,
  colorize,
  type IntArray,
  labelIdToTrainId,
  trainIdToLabelId,
  type CityscapesClass,
} from './cityscapes_labels.js';
export { decodeColorLabels } from './color_labels.js';
export {
  createRaster,
  denormalizeRange,
  isRaster,
  normalizeRange,
  rasterToTensor,
  tensorToRaster,
  tensorToRasterAsync,
  type ImageRaster,
  type Raster,
  type RasterData,
} from './raster.js';
export { cropRaster, flipRaster, resizeRaster } from './augment.js';
export { ArrayDataset, Dataset, disposeBatch, type Batch, type BatchOptions, type BatchTensor, type LabelFieldName, type Sample, type SampleFields } from './dataset.js';
export {
  SyntheticStreetDataset,
  renderSyntheticScene,
  syntheticStreetScenes,
  type SyntheticScene,
  type SyntheticSceneWithLights,
  type SyntheticStreetScenesOptions,
} from './synthetic_street_scenes.js';
export {
  DEGRADATION_LEVELS,
  addFog,
  chromaticAberration,
  degrade,
  gaussianBlur,
  gaussianNoise,
  jpegCompress,
  toNight,
  type DegradationKind,
  type DegradeCommonOptions,
  type DegradeExtras,
  type FogOptions,
  type ImageLike,
  type NightOptions,
} from './degrade/index.js';
export { nightnessHistogram, nightnessScore, type NightnessOptions } from './nightness.js';
export { selectByFid, type CandidateFeatures, type FidSelection, type FidSelectionOptions, type ReferenceStats } from './select_by_fid.js';
