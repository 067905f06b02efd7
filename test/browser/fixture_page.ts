/**
 * The browser side of the fixture test (bundled by esbuild with `--platform=browser`): the
 * platform-neutral segaware entry, the webgl and cpu backends, and the fixture cases. It
 * puts `window.segawareFixtures.run(backend, fixtures)` on the page; the Node test calls it
 * through Playwright and compares what comes back with the committed references.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import * as segaware from '../../src/core.js';
import { fixtureCases, type Fixtures } from './cases/index.js';
import type { PageRun } from './page_run.js';

/** The backends the fixture test runs on. */
type Backend = 'webgl' | 'cpu';

/** The WebGL renderer string (e.g. SwiftShader), or null when WebGL 2 is unavailable. */
function webglRenderer(): string | null {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

async function run(backend: Backend, fx: Fixtures): Promise<PageRun> {
  const { tf } = segaware;
  const started = performance.now();
  if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) {
    throw new Error(`tf.setBackend('${backend}') did not start (active: ${tf.getBackend()})`);
  }
  await tf.ready();
  const flags: PageRun['flags'] = backend === 'webgl'
    ? { WEBGL_VERSION: tf.env().getNumber('WEBGL_VERSION'), WEBGL_RENDER_FLOAT32_ENABLED: tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'), WEBGL_PACK: tf.env().getBool('WEBGL_PACK') }
    : {};
  const results: PageRun['results'] = {};
  const leaks: Record<string, number> = {};
  for (const c of fixtureCases(fx)) {
    const t0 = performance.now();
    const before = tf.memory().numTensors;
    try {
      const values = c.compute(segaware, fx);
      // on webgl the input checks stay on the device until flushed (src/finite_check.ts):
      // flushing per case both frees their flags and proves none of them misfires
      await segaware.flushFiniteChecks(c.name);
      results[c.name] = { values, ms: performance.now() - t0 };
    } catch (err) {
      results[c.name] = { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err), ms: performance.now() - t0 };
      continue;
    }
    // A first call may keep a tensor on purpose (a cached window or constant); a second call may not.
    if (tf.memory().numTensors > before) {
      const again = tf.memory().numTensors;
      c.compute(segaware, fx);
      await segaware.flushFiniteChecks(c.name);
      const grown = tf.memory().numTensors - again;
      if (grown !== 0) leaks[c.name] = grown;
    }
  }
  return {
    backend: tf.getBackend(),
    renderer: backend === 'webgl' ? webglRenderer() : null,
    flags,
    leaks,
    results,
    ms: performance.now() - started,
  };
}

(globalThis as unknown as { segawareFixtures: unknown }).segawareFixtures = { run };
document.title = 'segaware fixtures: ready';
