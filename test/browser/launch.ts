/**
 * Starts Debian's headless Chromium under Playwright for the browser tests and the web-page
 * test. Nothing is downloaded: `playwright-core` only drives the browser binary at
 * `CHROMIUM_PATH` (default `/usr/bin/chromium`, from `apt-get install -y chromium`).
 *
 * Flags, and why:
 * - `--no-sandbox`: CI runs as root in a container, where Chromium's sandbox cannot start.
 * - `--disable-gpu`: no real GPU is assumed (nor wanted: results must not depend on the host).
 * - `--use-angle=swiftshader --enable-unsafe-swiftshader`: put WebGL on SwiftShader, the CPU
 *   Vulkan that ships with Debian's chromium (deterministic, float32 render targets, so tfjs
 *   webgl keeps float32 precision). Headless Chromium 156 already picks SwiftShader under
 *   `--disable-gpu` without them, but Chromium has been retiring that implicit fallback
 *   (≥ 137 warns, later versions refuse WebGL without `--enable-unsafe-swiftshader`), so the
 *   test pins it rather than depend on one version's default.
 * - `--disable-background-networking --disable-component-update --no-first-run`: the test
 *   machine has no internet; Chromium must not try to reach it or show first-run UI.
 * - a fresh, empty `--user-data-dir` per launch (removed on close): no state leaks between runs.
 *
 * @example
 * ```ts
 * const { page, close } = await launchChromium();
 * await page.goto(server.url);
 * console.log(await page.evaluate(() => navigator.userAgent));
 * await close();
 * ```
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where the Chromium binary is looked for: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The command-line flags every test launch uses (see the module doc for why each is there). */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** A running headless Chromium: one page, and `close()` that ends the browser and removes its profile. */
export interface LaunchedChromium {
  context: BrowserContext;
  page: Page;
  /** Console lines and page errors seen so far (for failure messages). */
  log: string[];
  close: () => Promise<void>;
}

/** Options of {@link launchChromium}. */
export interface LaunchOptions {
  /** Extra flags after {@link CHROMIUM_FLAGS}. */
  extraArgs?: string[];
  /** Viewport of the page (default 1280×800). */
  viewport?: { width: number; height: number };
}

/**
 * Launches headless Chromium with {@link CHROMIUM_FLAGS} and an empty temporary profile.
 * Throws with the install command when the binary is missing.
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedChromium> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH`);
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'segaware-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_FLAGS, ...(options.extraArgs ?? [])],
      viewport: options.viewport ?? { width: 1280, height: 800 },
    });
  } catch (err) {
    await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const log: string[] = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  const close = async (): Promise<void> => {
    await context.close().catch(() => undefined);
    await rm(userDataDir, { recursive: true, force: true });
  };
  return { context, page, log, close };
}
