/**
 * The single place that decides how TensorFlow.js is loaded.
 *
 * Every module of segaware imports `tf` (tfjs-core) and `tfl` (tfjs-layers)
 * from here, never from the packages directly, so there is exactly one copy of
 * tfjs-core in play and the gradients and CPU backends are always registered.
 *
 * - `@tensorflow/tfjs-layers` registers every op gradient as a side effect
 *   (tfjs-core alone ships without them, and its deep import
 *   `dist/register_all_gradients` cannot be loaded from Node ESM because the
 *   tfjs packages have no `exports` map).
 * - `@tensorflow/tfjs-backend-cpu` and `@tensorflow/tfjs-backend-wasm`
 *   register the `cpu` and `wasm` backends; accelerated backends are loaded
 *   lazily by {@link initBackend}.
 * - `registerMissingGradients` adds the zero gradients of comparison ops that
 *   double backprop (gradient penalties) needs.
 * - `installLazyConvGradients` keeps tfjs-layers' Conv2D from computing
 *   gradients nobody asked for while training.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';
import { installLazyConvGradients, registerFastBatchNormGradient, registerMissingGradients } from './tf_gradients.js';

registerMissingGradients();
// after tfjs-layers registered the stock gradients, so this one replaces theirs
registerFastBatchNormGradient();
installLazyConvGradients();

export { tf, tfl, tfwasm };
export type {
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Tensor4D,
  Scalar,
  Rank,
  TensorInfo,
  DataType,
  NamedTensorMap,
} from '@tensorflow/tfjs-core';
