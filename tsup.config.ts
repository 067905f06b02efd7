import { defineConfig, type Options } from 'tsup';

// tfjs, sharp & co. stay external: one copy of tfjs-core, resolved from the consumer's tree.
const external = [/^@tensorflow\//, 'webgpu', 'sharp', 'commander', 'cli-progress'];

/**
 * `dist/index.*` (what `segaware` is in Node) is a one-line re-export of `dist/node.*`, not a
 * second bundle of the same sources: a program importing both `segaware` and `segaware/node`
 * then holds one copy of segaware (one `NotFoundError` class for `instanceof`, one kernel
 * registry). This plugin keeps `src/index.ts`'s `./node.js` import as an import of the sibling
 * bundle, `./node.cjs` in the CommonJS build.
 */
const nodeEntryExternal: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'node-entry-external',
  setup(build) {
    const cjs = build.initialOptions.format === 'cjs';
    build.onResolve({ filter: /^\.\/node\.js$/ }, (args) => (args.importer.endsWith('src/index.ts') ? { path: cjs ? './node.cjs' : './node.js', external: true } : undefined));
  },
};

export default defineConfig([
  {
    // segaware/node: the whole API for Node (ESM + CJS)
    entry: { node: 'src/node.ts' },
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
    // segaware under the `node` condition: re-exports dist/node.* (see nodeEntryExternal)
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    external,
    esbuildPlugins: [nodeEntryExternal],
  },
  {
    // segaware under the `browser` / `default` conditions: platform-neutral ESM. A Node built-in
    // reaching this graph fails the build (platform 'neutral' resolves none of them).
    entry: { core: 'src/core.ts' },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
    splitting: false,
    external: [/^@tensorflow\//],
  },
  {
    // the command line (top-level await) and the worker-thread entries are ESM only;
    // the library finds the workers next to itself in dist/
    entry: { cli: 'src/cli/index.ts', 'eval-worker': 'src/cli/eval_worker.ts', 'metrics-worker': 'src/metrics/metrics_worker.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    external,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
