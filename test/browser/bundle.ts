/**
 * Bundles a browser test page with esbuild (`platform: 'browser'`, ESM) into a fresh temporary
 * folder next to an `index.html` that loads it — what {@link serveDirectory} then serves.
 * A Node built-in reached from the entry fails the build ("Could not resolve"), so a passing
 * bundle is also a check that the code under test is platform-neutral.
 *
 * @example
 * ```ts
 * const page = await bundlePage('test/browser/fixture_page.ts');
 * console.log(page.dir, page.bytes);     // /tmp/segaware-page-…, ~2 MB unminified
 * await page.remove();
 * ```
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

/** A bundled page on disk. */
export interface BundledPage {
  /** The folder holding `index.html` and `page.js`. */
  dir: string;
  /** Size of `page.js` in bytes. */
  bytes: number;
  /** Build time in milliseconds. */
  ms: number;
  /** Deletes the folder. */
  remove: () => Promise<void>;
}

/** Options of {@link bundlePage}. */
export interface BundleOptions {
  /** Extra esbuild plugins (none by default). */
  plugins?: Plugin[];
}

const HTML = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>segaware browser test</title></head>
<body><script type="module" src="./page.js"></script></body></html>
`;

/** Bundles `entry` (a path) for the browser into a temporary folder with an `index.html`. */
export async function bundlePage(entry: string, options: BundleOptions = {}): Promise<BundledPage> {
  const dir = await mkdtemp(join(tmpdir(), 'segaware-page-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const t0 = performance.now();
  try {
    await build({
      entryPoints: [entry],
      outfile: join(dir, 'page.js'),
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      logLevel: 'silent',
      plugins: options.plugins ?? [],
    });
    await writeFile(join(dir, 'index.html'), HTML);
  } catch (err) {
    await remove();
    throw err;
  }
  const { size } = await stat(join(dir, 'page.js'));
  return { dir, bytes: size, ms: performance.now() - t0, remove };
}
