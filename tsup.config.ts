import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli/index.ts', 'eval-worker': 'src/cli/eval_worker.ts', 'metrics-worker': 'src/metrics/metrics_worker.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  // tfjs, sharp & co. stay external: one copy of tfjs-core, resolved from the consumer's tree.
  external: [/^@tensorflow\//, 'webgpu'],
  shims: true,
});
