/**
 * Backend selection and training kernels: the whole face of `src/backend` for Node. The
 * explicit exports of the Node `initBackend` family (tfjs-node, Dawn WebGPU, threaded wasm)
 * take precedence over the browser ones of `export * from './core.js'` (ES modules: a local
 * export shadows a star export of the same name, without ambiguity).
 */
export * from './core.js';
export { initBackend, BACKEND_ORDER } from './init_backend.js';
export type { BackendName, BackendChoice, InitBackendOptions } from './init_backend.js';
