/**
 * The browser side of the `initBackend` test (bundled by esbuild with `--platform=browser`): the
 * platform-neutral entry's `initBackend`, with no backend package imported by the page itself —
 * webgpu and webgl come through its dynamic `import()`s. Puts `window.segawareInit(options)` on
 * the page: it runs `initBackend(options)` and one SSIM, and returns what was chosen.
 */
import { initBackend, ssim, tf, type InitBackendOptions } from '../../src/core.js';

/** What the page reports back to the Node test. */
export interface InitRun {
  name?: string;
  active?: string;
  skipped?: { name: string; reason: string }[];
  trainingKernels?: { wasm: number; cpu: number; skipped: Record<string, string> } | null;
  ssim?: number;
  error?: string;
}

async function segawareInit(options: InitBackendOptions): Promise<InitRun> {
  try {
    const c = await initBackend({ quiet: true, ...options });
    const a = tf.randomUniform([1, 24, 24, 3], 0, 1, 'float32', 1);
    const s = ssim(a, a, { dataRange: 1 });
    const value = (await s.data())[0]!;
    tf.dispose([a, s]);
    const k = c.trainingKernels;
    return { name: c.name, active: tf.getBackend(), skipped: c.skipped, trainingKernels: k && { wasm: k.wasm.length, cpu: k.cpu.length, skipped: k.skipped }, ssim: value };
  } catch (err) {
    return { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}

(globalThis as unknown as { segawareInit: unknown }).segawareInit = segawareInit;
document.title = 'segaware initBackend: ready';
