/**
 * The platform-neutral `initBackend` in real Chromium: the automatic order (webgpu → webgl →
 * wasm → cpu) lands on webgl under `--disable-gpu` (no WebGPU adapter, WebGL on SwiftShader),
 * loading the backend packages through its dynamic `import()`s; `prefer` with `wasmPaths`
 * starts wasm from the served `.wasm` files with segaware's training kernels; without the
 * `.wasm` files wasm is skipped with the reason and cpu runs. Each case gets a fresh page
 * (a tfjs backend, once started, stays registered).
 *
 * Run: `npm run test:browser` (needs `/usr/bin/chromium` or CHROMIUM_PATH).
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePage, type BundledPage } from './bundle.js';
import type { InitRun } from './init_backend_page.js';
import { launchChromium } from './launch.js';
import { serveDirectory, type StaticServer } from './static_server.js';

let bundle: BundledPage | undefined;
let server: StaticServer | undefined;

beforeAll(async () => {
  bundle = await bundlePage(fileURLToPath(new URL('./init_backend_page.ts', import.meta.url)));
  // tfjs-backend-wasm's binaries, served under wasm/ (what options.wasmPaths points at)
  const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  mkdirSync(join(bundle.dir, 'wasm'));
  for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(bundle.dir, 'wasm', f));
  server = await serveDirectory(bundle.dir);
});

afterAll(async () => {
  await server?.close();
  await bundle?.remove();
});

/** Runs `initBackend(options)` in a fresh Chromium page. */
async function init(options: Record<string, unknown>): Promise<InitRun> {
  const chrome = await launchChromium();
  try {
    await chrome.page.goto(`${server!.url}/index.html`);
    await chrome.page.waitForFunction(() => 'segawareInit' in globalThis, null, { timeout: 60_000 });
    const r = await chrome.page.evaluate((o) => (globalThis as unknown as { segawareInit: (o: unknown) => Promise<InitRun> }).segawareInit(o), options);
    if (r.error) throw new Error(`${r.error}\n${chrome.log.join('\n')}`);
    return r;
  } finally {
    await chrome.close();
  }
}

describe('initBackend in Chromium (platform-neutral entry)', () => {
  it('automatic order: webgpu skipped with its reason, webgl chosen (SwiftShader), no training kernels needed', async () => {
    const r = await init({});
    expect(r.name).toBe('webgl');
    expect(r.active).toBe('webgl');
    expect(r.skipped!.map((s) => s.name)).toEqual(['webgpu']);
    expect(r.skipped![0]!.reason).toMatch(/WebGPU|navigator\.gpu|software adapter/);
    expect(r.trainingKernels).toBeNull();
    expect(r.ssim).toBeCloseTo(1, 5);
  });

  it("prefer ['wasm', 'cpu'] with wasmPaths: wasm starts and gets segaware's training kernels", async () => {
    const r = await init({ prefer: ['wasm', 'cpu'], wasmPaths: `${server!.url}/wasm/` });
    expect(r.name).toBe('wasm');
    expect(r.skipped).toEqual([]);
    expect(r.trainingKernels!.wasm).toBeGreaterThan(0);
    expect(r.trainingKernels!.cpu).toBeGreaterThan(0);
    expect(r.ssim).toBeCloseTo(1, 5);
  });

  it('without the .wasm files: wasm is skipped naming wasmPaths, cpu runs', async () => {
    const r = await init({ prefer: ['wasm', 'cpu'] });
    expect(r.name).toBe('cpu');
    expect(r.skipped!.map((s) => s.name)).toEqual(['wasm']);
    expect(r.skipped![0]!.reason).toMatch(/wasmPaths/);
    expect(r.trainingKernels!.skipped.cpu).toMatch(/wasm backend/);
    expect(r.ssim).toBeCloseTo(1, 5);
  });

  it('an unknown backend name is rejected before anything starts', async () => {
    const chrome = await launchChromium();
    try {
      await chrome.page.goto(`${server!.url}/index.html`);
      await chrome.page.waitForFunction(() => 'segawareInit' in globalThis, null, { timeout: 60_000 });
      const r = await chrome.page.evaluate(() => (globalThis as unknown as { segawareInit: (o: unknown) => Promise<InitRun> }).segawareInit({ prefer: 'node' }));
      expect(r.error).toMatch(/initBackend: options\.prefer: expected backend names from webgpu, webgl, wasm, cpu, received "node"/);
    } finally {
      await chrome.close();
    }
  });
});
