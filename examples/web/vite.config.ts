/**
 * Vite config of the web page (`npm run web` serves it, `npm run web:build` builds it to
 * examples/web/dist). The page imports segaware's platform-neutral entry (src/core.ts) from
 * source, so no build of the library is needed first.
 *
 * The dev and preview servers also serve the demo's exported models at `/models/`
 * (`runs/demo/web-models`, or `SEGAWARE_WEB_MODELS`): run `npm run demo`, then open
 * http://localhost:5173/?models=/models/
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Connect, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const modelsDir = resolve(process.env.SEGAWARE_WEB_MODELS ?? join(here, '../../runs/demo/web-models'));

/** Serves `modelsDir` under `/models/` (GET only, nothing outside it). */
function serveModels(): Plugin {
  const TYPES: Record<string, string> = { '.json': 'application/json', '.bin': 'application/octet-stream' };
  const handler: Connect.NextHandleFunction = (req, res, next) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith('/models/')) return next();
    const file = normalize(join(modelsDir, path.slice('/models/'.length)));
    if (!file.startsWith(modelsDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.end(`not found: ${path} (models are served from ${modelsDir}; run \`npm run demo\` to create them)`);
      return;
    }
    res.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
    createReadStream(file).pipe(res);
  };
  const hint = (url: string | undefined): void => {
    const has = existsSync(join(modelsDir, 'manifest.json'));
    console.log(has ? `  demo models: ${url ?? 'http://localhost:5173/'}?models=/models/` : `  no demo models in ${modelsDir} (run \`npm run demo\`); the page will train a tiny pair itself`);
  };
  return {
    name: 'segaware-serve-models',
    configureServer(server) {
      server.middlewares.use(handler);
      server.httpServer?.once('listening', () => setTimeout(() => hint(server.resolvedUrls?.local[0]), 0));
    },
    configurePreviewServer(server) {
      server.middlewares.use(handler);
      server.httpServer?.once('listening', () => setTimeout(() => hint(server.resolvedUrls?.local[0]), 0));
    },
  };
}

/**
 * Keeps the side effects of segaware's own sources. The package's `sideEffects` list names
 * its built `dist/` files (what npm users bundle); the page bundles `src/` directly, and
 * Rollup would otherwise treat every source file as pure — dropping src/tf.ts's registration
 * of the cpu and wasm backends and of the extra gradients.
 */
function keepSourceSideEffects(): Plugin {
  const repo = resolve(here, '../..') + sep;
  return {
    name: 'segaware-source-side-effects',
    enforce: 'post',
    transform(code, id) {
      // scripts only: CSS keeps Vite's own handling (its stylesheet must not become a JS module)
      if (!id.startsWith(repo) || id.includes(`${sep}node_modules${sep}`) || !/\.[cm]?[jt]s$/.test(id)) return null;
      return { code, map: null, moduleSideEffects: true };
    },
  };
}

export default defineConfig({
  root: here,
  // relative asset URLs: the built folder works from any path (and from the test's static server)
  base: './',
  plugins: [serveModels(), keepSourceSideEffects()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // tfjs-core + layers + the webgl backend are most of the bundle; they are not segaware's to shrink
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // the lazily loaded backends get their package's name instead of "dist"
      output: { chunkFileNames: (c) => `assets/${/tfjs-backend-\w+/.exec(c.facadeModuleId ?? '')?.[0] ?? c.name}-[hash].js` },
    },
  },
});
