/**
 * Models: the whole face of `src/models` for Node — the platform-neutral part (`./core.ts`)
 * with the weight loaders that also take a file path (their explicit exports here take
 * precedence over the same names in `./core.js`).
 */
export * from './core.js';
export { loadTorchWeights, loadVgg19Weights, saveTorchWeights } from './weights_node.js';
