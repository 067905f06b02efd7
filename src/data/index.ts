/** Data: image and label I/O, datasets, degradations, synthetic street scenes, night-image selection. */
export * from './cityscapes_labels.js';
export * from './raster.js';
export * from './image_io.js';
export * from './label_io.js';
export * from './augment.js';
export * from './dataset.js';
export * from './synthetic_street_scenes.js';
export * from './image_grid.js';
export * from './degrade/index.js';
export * from './paired_folder_dataset.js';
export * from './cityscapes_dataset.js';
export * from './nightness.js';
export * from './select_by_fid.js';
