/**
 * Issue 17, "a CI check bundles the core with --platform=browser": the platform-neutral entry
 * (`src/core.ts`, what `segaware` is in a browser) bundles for the browser with no Node
 * built-in, sharp, cli-progress or commander anywhere in its import graph. The same check runs
 * on the built `dist/core.js` in `.ci/run` (`npm run check:browser-bundle`).
 */
import { describe, expect, it } from 'vitest';
import { checkBrowserBundle, formatViolations, isNodeOnly } from '../scripts/check-browser-bundle.mjs';

describe('browser bundle of the platform-neutral core', () => {
  it('src/core.ts imports no Node built-in, sharp, cli-progress or commander', async () => {
    const report = await checkBrowserBundle('src/core.ts');
    expect(formatViolations(report)).toEqual([]);
    expect(report.inputs).toBeGreaterThan(100); // the whole neutral graph was walked
  }, 60_000);

  it('the check finds and names what the Node entry imports (with the import chain)', async () => {
    const report = await checkBrowserBundle('src/node.ts');
    const specifiers = new Set(report.violations.map((v) => v.specifier));
    for (const s of ['sharp', 'cli-progress', 'node:fs', 'node:worker_threads', 'node:module']) expect(specifiers).toContain(s);
    const jpeg = report.violations.find((v) => v.importer === 'src/data/degrade/jpeg_sharp.ts');
    expect(jpeg?.chain).toEqual(['src/node.ts', 'src/data/index.ts', 'src/data/degrade/jpeg_sharp.ts']);
  }, 60_000);

  it('classifies specifiers', () => {
    for (const s of ['fs', 'node:fs/promises', 'fs/promises', 'worker_threads', 'sharp', 'sharp/lib/utility', 'commander', 'cli-progress']) expect(isNodeOnly(s), s).toBe(true);
    for (const s of ['@tensorflow/tfjs-core', './fs.js', 'pathe', 'commander-like']) expect(isNodeOnly(s), s).toBe(false);
  });
});
