import { defineConfig } from 'vitest/config';

// The webgpu part of the suite: each test computes on webgpu and on cpu and
// compares. Run with `npm run test:webgpu`; `.ci/run` sets
// SEGAWARE_REQUIRE_WEBGPU=1 so a missing adapter fails instead of skipping.
export default defineConfig({
  test: {
    include: ['test/webgpu/**/*.webgpu.test.ts'],
    // a software adapter (llvmpipe) compiles every shader on the CPU: first calls are slow
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    setupFiles: ['test/webgpu/setup.ts'],
    reporters: ['default'],
  },
});
