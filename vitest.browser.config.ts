import { defineConfig } from 'vitest/config';

// The browser part of the suite: each test file bundles a page for the browser, serves it on
// 127.0.0.1 and drives Debian's headless Chromium through playwright-core (test/browser/launch.ts).
// The test process itself is plain Node. Run with `npm run test:browser`.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.test.ts'],
    environment: 'node',
    // WebGL runs on SwiftShader (CPU): every shader compiles on first use, so the first calls are slow
    testTimeout: 300_000,
    hookTimeout: 600_000,
    // one Chromium at a time: each already spreads over the (two) cores
    fileParallelism: false,
    pool: 'forks',
    reporters: ['default'],
  },
});
