import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the webgpu part needs a WebGPU adapter: `npm run test:webgpu` (vitest.webgpu.config.ts);
    // the browser part needs Chromium: `npm run test:browser` (vitest.browser.config.ts)
    exclude: [...configDefaults.exclude, 'test/webgpu/**', 'test/browser/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // wasm init and tfjs globals are per-process: run files in forked workers, 2 at a time (CI has 2 cores).
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    setupFiles: ['test/setup.ts'],
    reporters: ['default'],
  },
});
