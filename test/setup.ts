// Every test file starts on the wasm backend with the training kernels, quietly.
import { initBackend } from '../src/backend/index.js';

process.env.SEGAWARE_QUIET = '1';
await initBackend({ prefer: (process.env.SEGAWARE_TEST_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm', quiet: true });
