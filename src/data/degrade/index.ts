/** Degradations of the cooperative paper (blur, noise, JPEG, chromatic aberration), fog and night. */
export type { ImageLike, DegradeCommonOptions } from './image_like.js';
export { gaussianBlur } from './gaussian_blur.js';
export { gaussianNoise } from './gaussian_noise.js';
export { jpegCompress } from './jpeg_compress.js';
export { chromaticAberration } from './chromatic_aberration.js';
export { addFog, type FogOptions } from './fog.js';
export { toNight, type NightOptions } from './night.js';
export { DEGRADATION_LEVELS, degrade, type DegradationKind, type DegradeExtras } from './presets.js';
