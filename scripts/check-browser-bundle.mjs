/**
 * The browser bundle check: bundles segaware's platform-neutral entry the way a web app's
 * bundler does (esbuild, `platform: 'browser'`, tfjs left external) and fails listing every
 * Node built-in, `sharp`, `cli-progress` or `commander` import in its graph, with the chain of
 * imports that reached it. Anything else esbuild cannot resolve fails it too.
 *
 * Usage: `node scripts/check-browser-bundle.mjs [entry=dist/core.js]` (`npm run check:browser-bundle`,
 * after `npm run build`). `test/browser_bundle.test.ts` runs {@link checkBrowserBundle} on
 * `src/core.ts` in-process, so `npm test` catches a regression before any build.
 */
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

/** Packages that only work in Node, besides the built-ins. */
export const NODE_ONLY_PACKAGES = ['sharp', 'cli-progress', 'commander'];

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** True for a specifier a browser bundle must not contain (`fs`, `node:fs/promises`, `sharp/lib/x`, …). */
export function isNodeOnly(specifier) {
  if (specifier.startsWith('node:') || BUILTINS.has(specifier)) return true;
  const pkg = specifier.split('/')[0];
  return NODE_ONLY_PACKAGES.includes(pkg) || (BUILTINS.has(pkg) && !specifier.startsWith('.'));
}

/**
 * Bundles `entry` for the browser and reports the Node-only imports in its graph.
 *
 * @param {string} entry a file (`dist/core.js`, `src/core.ts`)
 * @returns {Promise<{ violations: { specifier: string, importer: string, chain: string[] }[], errors: string[], inputs: number, bytes: number }>}
 * @example const { violations } = await checkBrowserBundle('src/core.ts'); // [] when clean
 */
export async function checkBrowserBundle(entry) {
  const violations = [];
  /** importer → the file that imported it first (for the chain in the report) */
  const parent = new Map();
  const record = {
    name: 'record-node-only-imports',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        if (isNodeOnly(args.path)) {
          violations.push({ specifier: args.path, importer: args.importer });
          // external, so the walk continues and every offender is listed, not just the first
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
  let result;
  const errors = [];
  try {
    result = await esbuild.build({
      entryPoints: [resolve(entry)],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'browser',
      format: 'esm',
      // tfjs is the app's own dependency (and its optional backends are dynamic imports)
      external: ['@tensorflow/*'],
      logLevel: 'silent',
      plugins: [record],
    });
  } catch (err) {
    for (const e of err.errors ?? [{ text: String(err) }]) errors.push(`${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
  }
  if (result) {
    for (const [file, info] of Object.entries(result.metafile.inputs)) {
      for (const imp of info.imports) if (!imp.external && !parent.has(imp.path)) parent.set(imp.path, file);
    }
  }
  const cwd = process.cwd();
  const rel = (p) => (p.startsWith(cwd) ? p.slice(cwd.length + 1) : p);
  for (const v of violations) {
    const chain = [rel(v.importer)];
    let p = rel(v.importer);
    const seen = new Set();
    while (parent.has(p) && !seen.has(p)) {
      seen.add(p);
      p = parent.get(p);
      chain.unshift(p);
    }
    v.importer = rel(v.importer);
    v.chain = chain;
  }
  const bytes = result ? result.outputFiles.reduce((n, f) => n + f.contents.byteLength, 0) : 0;
  return { violations, errors, inputs: result ? Object.keys(result.metafile.inputs).length : 0, bytes };
}

/** The report lines of a check (empty when it passed). */
export function formatViolations({ violations, errors }) {
  return [
    ...violations.map((v) => `  ${JSON.stringify(v.specifier)} imported by ${v.importer}${v.chain.length > 1 ? `\n      via ${v.chain.join(' → ')}` : ''}`),
    ...errors.map((e) => `  esbuild: ${e}`),
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entry = process.argv[2] ?? 'dist/core.js';
  const report = await checkBrowserBundle(entry);
  const lines = formatViolations(report);
  if (lines.length) {
    console.error(`check-browser-bundle: ${entry} does not bundle for the browser (${report.violations.length} Node-only imports, ${report.errors.length} errors):`);
    console.error(lines.join('\n'));
    process.exit(1);
  }
  console.log(`check-browser-bundle: ${entry} bundles for the browser: ${report.inputs} modules, ${(report.bytes / 1024).toFixed(1)} KiB unminified (tfjs external), no Node built-in, sharp, cli-progress or commander`);
}
