/**
 * Data: the whole face of `src/data` for Node — the platform-neutral part (`./core.ts`) plus
 * image and label file I/O (sharp), folder datasets, image grids and the histogram selection
 * over files. Importing `./degrade/jpeg_sharp.ts` here makes sharp the JPEG codec of
 * `jpegCompress` / `degrade(…, 'jpeg', …)`.
 */
import './degrade/jpeg_sharp.js';

export * from './core.js';
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
export { readLabelMap, readLabelRaster, writeLabelMap, type LabelRaster, type ReadLabelOptions, type WriteLabelOptions } from './label_io.js';
export { imageGrid, type GridCell, type ImageGridOptions } from './image_grid.js';
export { PairedFolderDataset, dfsFolderDataset, pairedFolderDataset, type PairedFolderOptions } from './paired_folder_dataset.js';
export { CityscapesDataset, cityscapesDataset, type CityscapesEntry, type CityscapesOptions } from './cityscapes_dataset.js';
export { selectByHistogram, type HistogramSelection } from './select_by_histogram.js';
