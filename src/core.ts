/**
 * segaware's platform-neutral entry: what `import … from 'segaware'` gives a browser bundle
 * (the `browser` and `default` conditions). Losses, metrics (host paths without worker
 * threads), models and layers, weight loading from bytes or a URL, the degradations and the
 * synthetic scene generator, optimizer/GAN steps, LR schedules, the NaN guard, SVG charts,
 * rasters, the Cityscapes table, and the browser's `initBackend` (webgpu → webgl → wasm → cpu).
 * Its import graph holds no Node built-in, no sharp, cli-progress or commander, and reads no
 * `process` at import (`scripts/check-browser-bundle.mjs` and `test/browser_bundle.test.ts`
 * check it). File I/O, folder datasets, checkpoints, run logs, reports, worker threads and the
 * Node backends are in `segaware/node` (`./node.ts`).
 *
 * Each folder's platform-neutral face (`<folder>/core.ts`) holds the explicit export list.
 *
 * @example
 * import { initBackend, ssim, focalLoss, tf } from 'segaware';
 * await initBackend();                       // webgpu, else webgl, else wasm, else cpu
 * const s = ssim(a, b, { dataRange: 1 });    // tf.Tensor1D, one value per image
 *
 * @packageDocumentation
 */
import { installBootstrapKernels, installSetupHints } from './backend/setup.js';

// The one global effect of importing segaware (package.json "sideEffects" says so): tfjs's
// wasm backend gets the training kernels it lacks, and tfjs backend-setup errors name the fix.
// See src/backend/setup.ts.
installBootstrapKernels();
installSetupHints();

export { tf, tfl } from './tf.js';
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Scalar, Rank, DataType, NamedTensorMap } from './tf.js';
export * from './errors.js';
export { flushFiniteChecks } from './finite_check.js';
export * from './backend/core.js';
export * from './train/core.js';
export * from './data/core.js';
export * from './metrics/core.js';
export * from './losses/index.js';
export * from './models/core.js';
