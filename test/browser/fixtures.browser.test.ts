/**
 * The loss and metric fixture cases in real Chromium: the page (test/browser/fixture_page.ts,
 * bundled for the browser from the platform-neutral entry) computes every case on webgl
 * (SwiftShader, see launch.ts) and on cpu; this file compares each result with the committed
 * reference at the Node suite's tolerance.
 *
 * Run: `npm run test:browser` (needs `/usr/bin/chromium` or CHROMIUM_PATH).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePage, type BundledPage } from './bundle.js';
import { fixtureCases, type Fixtures } from './cases/index.js';
import { compareValues } from './compare.js';
import { launchChromium, type LaunchedChromium } from './launch.js';
import { loadBrowserFixtures } from './load_fixtures.js';
import type { PageRun } from './page_run.js';
import { serveDirectory, type StaticServer } from './static_server.js';

const BACKENDS = ['cpu', 'webgl'] as const;
type Backend = (typeof BACKENDS)[number];

const fx = loadBrowserFixtures();
const cases = fixtureCases(fx);
const runs: Partial<Record<Backend, PageRun>> = {};
const worst: Partial<Record<Backend, { rel: number; relCase: string; maxAbs: number; absCase: string }>> = {};

let bundle: BundledPage | undefined;
let server: StaticServer | undefined;
let chrome: LaunchedChromium | undefined;

beforeAll(async () => {
  bundle = await bundlePage(fileURLToPath(new URL('./fixture_page.ts', import.meta.url)));
  server = await serveDirectory(bundle.dir);
  chrome = await launchChromium();
  await chrome.page.goto(`${server.url}/index.html`);
  try {
    await chrome.page.waitForFunction(() => 'segawareFixtures' in globalThis, null, { timeout: 60_000 });
  } catch (err) {
    throw new Error(`the fixture page did not load: ${(err as Error).message}\n${chrome.log.join('\n')}`);
  }
});

afterAll(async () => {
  const lines = [`browser fixtures: page bundle ${((bundle?.bytes ?? 0) / 1e6).toFixed(2)} MB built in ${Math.round(bundle?.ms ?? 0)} ms`];
  for (const b of BACKENDS) {
    const r = runs[b];
    const w = worst[b];
    if (!r || !w) continue;
    lines.push(
      `${b}${r.renderer ? ` (${r.renderer})` : ''}: ${Object.keys(r.results).length} cases in ${(r.ms / 1000).toFixed(1)} s; ` +
        `max rel ${w.rel.toExponential(2)} (${w.relCase}), max abs ${w.maxAbs.toExponential(2)} (${w.absCase})`,
    );
  }
  console.log(lines.join('\n'));
  await chrome?.close();
  await server?.close();
  await bundle?.remove();
});

async function runOn(backend: Backend, fixtures: Fixtures): Promise<PageRun> {
  try {
    return await chrome!.page.evaluate(
      ([b, f]) => (globalThis as unknown as { segawareFixtures: { run: (b: string, f: unknown) => Promise<PageRun> } }).segawareFixtures.run(b, f),
      [backend, fixtures] as const,
    );
  } catch (err) {
    throw new Error(`the page failed on ${backend}: ${(err as Error).message}\n${chrome!.log.slice(-20).join('\n')}`);
  }
}

for (const backend of BACKENDS) {
  describe(`fixture cases in Chromium on ${backend}`, () => {
    beforeAll(async () => {
      runs[backend] = await runOn(backend, fx);
      worst[backend] = { rel: 0, relCase: '-', maxAbs: 0, absCase: '-' };
    });

    it(`runs on ${backend} itself, and no case leaks a tensor`, () => {
      const r = runs[backend]!;
      expect(r.backend).toBe(backend);
      if (backend === 'webgl') {
        expect(r.renderer, 'WebGL 2 renderer').toBeTruthy();
        // float16 textures would need far looser tolerances: they must not be in use
        expect(r.flags.WEBGL_RENDER_FLOAT32_ENABLED, 'float32 render targets').toBe(true);
      }
      expect(r.leaks, 'tensors left alive by a repeated call').toEqual({});
    });

    for (const c of cases) {
      it(c.name, () => {
        const r = runs[backend]!.results[c.name];
        expect(r, 'the page ran this case').toBeDefined();
        expect(r!.error, 'the page threw').toBeUndefined();
        const cmp = compareValues(r!.values!, c.expected(fx));
        expect(cmp.patternOk, cmp.why).toBe(true);
        const w = worst[backend]!;
        if (cmp.rel > w.rel) Object.assign(w, { rel: cmp.rel, relCase: c.name });
        if (cmp.maxAbs > w.maxAbs) Object.assign(w, { maxAbs: cmp.maxAbs, absCase: c.name });
        const rtol = backend === 'webgl' ? (c.webglRtol ?? c.rtol) : c.rtol;
        expect(cmp.rel, `max relative error ${cmp.rel.toExponential(3)} (max abs ${cmp.maxAbs.toExponential(3)})`).toBeLessThanOrEqual(rtol);
      });
    }
  });
}
