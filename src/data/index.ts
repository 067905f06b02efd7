/**
 * Data: image and label I/O, rasters, datasets and batching, augmentation, degradations,
 * synthetic street scenes, the Cityscapes label table, night-image selection.
 * The folder's only public face.
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
export {
  DEFAULT_MAX_PIXELS,
  ImageDecodeError,
  ImageTooLargeError,
  encodeRaster,
  readImage,
  readImageRaster,
  readRaster,
  writeImage,
  type FileRaster,
  type ImageFormat,
  type ReadImageOptions,
  type ReadRasterOptions,
  type WriteImageOptions,
} from './image_io.js';
export { decodeColorLabels, readLabelMap, readLabelRaster, writeLabelMap, type LabelRaster, type ReadLabelOptions, type WriteLabelOptions } from './label_io.js';
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
export { imageGrid, type GridCell, type ImageGridOptions } from './image_grid.js';
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
export { PairedFolderDataset, dfsFolderDataset, pairedFolderDataset, type PairedFolderOptions } from './paired_folder_dataset.js';
export { CityscapesDataset, cityscapesDataset, type CityscapesEntry, type CityscapesOptions } from './cityscapes_dataset.js';
export { nightnessHistogram, nightnessScore, selectByHistogram, type HistogramSelection, type NightnessOptions } from './nightness.js';
export { selectByFid, type CandidateFeatures, type FidSelection, type FidSelectionOptions, type ReferenceStats } from './select_by_fid.js';
