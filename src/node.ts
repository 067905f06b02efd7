/**
 * `segaware/node`: the whole API for Node — everything of the platform-neutral core
 * (`./core.ts`) plus what needs Node: sharp image and label I/O (and sharp as the JPEG codec of
 * `jpegCompress`), folder datasets, image grids, checkpoints to disk, `fileSystemIO`, `RunLog`,
 * progress bars, reports, the worker-thread metric pool, and the Node `initBackend` (tfjs-node,
 * Dawn WebGPU, threaded wasm) in place of the browser one. `import … from 'segaware'` in Node
 * resolves to this same API (`./index.ts`).
 *
 * Each folder's whole face (`<folder>/index.ts`) re-exports its platform-neutral face and adds
 * its Node part; where a name exists in both (`initBackend`, `BACKEND_ORDER`, the backend
 * option types, the VGG-19/torch weight loaders that also read files), the face's own export
 * shadows the core one.
 *
 * @example
 * import { initBackend, readImage, ssim } from 'segaware/node';
 * await initBackend();                       // node-gpu, node, webgpu, wasm or cpu
 * const img = await readImage('street.png');
 *
 * @packageDocumentation
 */
// the core's import-time setup (training kernels, setup hints) runs first
import './core.js';

export { tf, tfl } from './tf.js';
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Scalar, Rank, DataType, NamedTensorMap } from './tf.js';
export * from './errors.js';
export { flushFiniteChecks } from './finite_check.js';
export * from './backend/index.js';
export * from './train/index.js';
export * from './data/index.js';
export * from './metrics/index.js';
export * from './losses/index.js';
export * from './models/index.js';
