/** Degradations: blur, noise, JPEG, chromatic aberration (cooperative paper levels), fog (Koschmieder), night. */
export type { ImageLike, DegradeCommonOptions } from './image_like.js';
export * from './gaussian_blur.js';
export * from './gaussian_noise.js';
export * from './jpeg_compress.js';
export * from './chromatic_aberration.js';
export * from './fog.js';
export * from './night.js';
export * from './presets.js';
