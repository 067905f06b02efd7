/**
 * Gzip sizes of browser bundles of typical segaware imports: each case is bundled with esbuild
 * the way a web app's bundler does it (`platform: 'browser'`, minified, tree-shaken) from the
 * built platform-neutral entry `dist/core.js` (what `segaware` resolves to in a browser), with
 * tfjs itself external — it is the app's own dependency and the same for every case. Prints a
 * Markdown table (the README's "Browser" section).
 *
 * Usage: `npm run build && npm run bench:bundle` (`node bench/bundle_size.mjs [entry=dist/core.js]`)
 */
/* global console */
import process from 'node:process';
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import * as esbuild from 'esbuild';

const entry = resolve(process.argv[2] ?? 'dist/core.js');

/** The import of each case; `*` is everything of the core, `[]` a bare `import 'segaware'`. */
const CASES = [
  // what any import costs: the import-time setup (wasm training kernels, gradients, custom-layer registration)
  { label: "`import 'segaware'` (the import-time setup alone)", names: [] },
  { label: '`ssim`', names: ['ssim'] },
  { label: '`psnr`, `ssim`, `ConfusionMatrix`', names: ['psnr', 'ssim', 'ConfusionMatrix'] },
  { label: 'segmentation losses (`crossEntropyLoss`, `focalLoss`, `diceLoss`, `lovaszSoftmaxLoss`)', names: ['crossEntropyLoss', 'focalLoss', 'diceLoss', 'lovaszSoftmaxLoss'] },
  { label: '`unetGenerator` + `dfsGeneratorLoss`', names: ['unetGenerator', 'dfsGeneratorLoss'] },
  { label: 'everything of `segaware` (core)', names: '*' },
];

/** Minified and gzipped bytes of a bundle that re-exports `names` from the core. */
async function measure(names) {
  const from = JSON.stringify(entry);
  const contents = names === '*' ? `export * from ${from};` : names.length === 0 ? `import ${from};` : `export { ${names.join(', ')} } from ${from};`;
  const out = await esbuild.build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    write: false,
    minify: true,
    treeShaking: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    external: ['@tensorflow/*'],
    logLevel: 'silent',
  });
  const code = out.outputFiles[0].contents;
  return { min: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const rows = [];
for (const c of CASES) {
  const { min, gzip } = await measure(c.names);
  rows.push(`| ${c.label} | ${kib(min)} | ${kib(gzip)} |`);
}
console.log('| import from `segaware` (browser) | minified | gzip |');
console.log('|---|---:|---:|');
console.log(rows.join('\n'));
console.log(`\nesbuild ${esbuild.version}, --bundle --minify --platform=browser, @tensorflow/* external; from ${process.argv[2] ?? 'dist/core.js'}.`);
