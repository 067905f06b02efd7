import { defineConfig } from 'tsup';

// tfjs, sharp & co. stay external: one copy of tfjs-core, resolved from the consumer's tree.
const external = [/^@tensorflow\//, 'webgpu', 'sharp', 'commander', 'cli-progress'];

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    shims: true,
    external,
  },
  {
    // the command line is ESM only (top-level await)
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    external,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
