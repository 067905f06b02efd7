/**
 * What importing segaware does to TensorFlow.js, and why no path into tfjs is a trap.
 *
 * tfjs-backend-wasm registers `wasm` as the highest-priority backend on import but does not
 * start it, and its stock kernel set lacks the gradients training needs. So, before this
 * module, `await tf.ready()` trained into "Kernel 'Conv2DBackpropFilter' not registered for
 * backend 'wasm'", and a synchronous op before any `await` failed with "The highest priority
 * backend 'wasm' has not yet been initialized". Two things fix that:
 *
 * 1. {@link installBootstrapKernels}: the missing wasm training kernels are registered at
 *    import (a registry entry needs no started backend): `Conv2DBackpropFilter` as the
 *    forward-convolution formulation (conv_backprop.ts) and the depthwise/segment gradients
 *    delegated to `cpu`. `await tf.ready()` or `tf.setBackend('wasm' | 'cpu')` then trains
 *    correctly; {@link initBackend} adds the fast kernels (Winograd, threads) on top.
 * 2. {@link installSetupHints}: a tfjs "not yet initialized" / "not registered" error gets a
 *    second line with the one-line fix (`await initBackend()`), wherever it is thrown. Only
 *    the message of an error that is already being thrown changes.
 */
import { tf } from '../tf.js';
import type { TensorInfo } from '../tf.js';
import { conv2dBackpropFilterViaForward } from './kernels/conv_backprop.js';
import { WASM_FALLBACK_TO_CPU, delegate, stockRunner } from './kernels/register.js';

/** The fix appended to tfjs's backend-setup errors. */
export const SETUP_HINT =
  'segaware: call `await initBackend()` once before using segaware (it starts the fastest backend and registers the training kernels); `await tf.ready()` also works.';

const SETUP_ERROR = /has not yet been initialized|not registered for backend|Could not initialize any backends/;

/** Appends {@link SETUP_HINT} to a tfjs backend-setup error (once); other errors are returned unchanged. */
export function withSetupHint(err: unknown): unknown {
  if (err instanceof Error && SETUP_ERROR.test(err.message) && !err.message.includes(SETUP_HINT)) {
    err.message = `${err.message}\n${SETUP_HINT}`;
  }
  return err;
}

let bootstrapped = false;

/** Registers the wasm training kernels the stock wasm backend lacks (see the module doc). Idempotent. */
export function installBootstrapKernels(): void {
  if (bootstrapped) return;
  bootstrapped = true;
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) =>
        conv2dBackpropFilterViaForward(backend as tf.KernelBackend, 'wasm', inputs as unknown as { x: TensorInfo; dy: TensorInfo }, (attrs ?? {}) as never),
    });
  }
  for (const name of WASM_FALLBACK_TO_CPU) {
    if (tf.getKernel(name, 'wasm') || !tf.getKernel(name, 'cpu')) continue;
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      // the cpu backend is looked up when the kernel runs (it starts synchronously)
      kernelFunc: (args) => {
        const cpu = tf.engine().findBackend('cpu');
        return delegate(name, 'wasm', cpu, stockRunner(name, 'cpu', cpu)).kernelFunc(args);
      },
    });
  }
}

let hinted = false;

/** Makes tfjs's backend-setup errors carry {@link SETUP_HINT} (see the module doc). Idempotent. */
export function installSetupHints(): void {
  if (hinted) return;
  hinted = true;
  const engine = tf.engine() as unknown as { runKernel: (...a: unknown[]) => unknown };
  const runKernel = engine.runKernel;
  engine.runKernel = function (this: unknown, ...args: unknown[]) {
    try {
      return runKernel.apply(this, args);
    } catch (err) {
      throw withSetupHint(err);
    }
  };
  // `engine.backend` is a getter on the prototype; tensor creation reaches it without runKernel
  const proto = Object.getPrototypeOf(engine) as object;
  const getter = Object.getOwnPropertyDescriptor(proto, 'backend')?.get;
  if (getter) {
    Object.defineProperty(engine, 'backend', {
      configurable: true,
      get() {
        try {
          return getter.call(this);
        } catch (err) {
          throw withSetupHint(err);
        }
      },
    });
  }
}
