/**
 * A simulated GPU backend for tests: `fakegpu` runs the cpu kernels, but its name is not a host
 * backend's, so segaware takes its GPU code paths there (device-side checks deferred to
 * `flushFiniteChecks`, Lovász sorted on the device) — everywhere, with no GPU.
 */
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from '../../src/tf.js';

export const FAKE_GPU = 'fakegpu';

/** Registers `fakegpu` once (the cpu kernels under its name) and makes it the active backend; returns the previous one. */
export async function useFakeGpuBackend(): Promise<string> {
  const previous = tf.getBackend();
  if (!tf.findBackendFactory(FAKE_GPU)) {
    // firstUse = false: the cpu backend's one-time "install tfjs-node" notice is noise in a test log
    tf.registerBackend(FAKE_GPU, () => Object.assign(new MathBackendCPU(), { firstUse: false }), 0);
    for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: FAKE_GPU });
  }
  await tf.setBackend(FAKE_GPU);
  return previous;
}
