/**
 * A tiny static file server (node:http) for the browser tests: serves one folder on
 * 127.0.0.1 at a free port, so the page loads its bundle from a real http origin (module
 * scripts and `fetch` do not work from `file://`) with no internet and no CDN.
 *
 * @example
 * ```ts
 * const server = await serveDirectory('/tmp/page');   // holds index.html + page.js
 * await page.goto(`${server.url}/index.html`);
 * await server.close();
 * ```
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
};

/** A running server: its base URL (no trailing slash) and `close()`. */
export interface StaticServer {
  url: string;
  close: () => Promise<void>;
}

/** Serves the files under `root` (GET only; `/` is `index.html`; nothing outside `root`). */
export async function serveDirectory(root: string): Promise<StaticServer> {
  const base = normalize(root + sep);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(base, path === '/' ? 'index.html' : path));
    if (req.method !== 'GET' || !file.startsWith(base)) {
      res.writeHead(req.method === 'GET' ? 403 : 405).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
