/**
 * segaware — segmentation-aware image restoration on TensorFlow.js.
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
export * from './backend/index.js';
export * from './train/index.js';
export * from './data/index.js';
export * from './metrics/index.js';
export * from './losses/index.js';
export * from './models/index.js';
