// The command line as the package ships it: the CLI part of tsup.config.ts is built (the cli,
// eval-worker and metrics-worker bundles, a fraction of a second) into a folder under
// node_modules/.cache and run through a bin-style symlink, as npm links `node_modules/.bin/segaware`.
// This covers what the tsx-spawning tests cannot: the built worker files (spawnWorker's dist path),
// the entry detection through a link, the version read from package.json, the shebang.
// scripts/check-pack.sh does the same from the packed tarball installed into a fresh project.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Options } from 'tsup';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config from '../tsup.config.js';

// inside the repository, so the bundles resolve commander, sharp and tfjs from its node_modules
const root = join(process.cwd(), 'node_modules', '.cache', `segaware-cli-bundle-${process.pid}`);
const bin = join(root, 'bin', 'segaware');
const tree = join(root, 'tree');
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  const cli = (config as Options[]).find((c) => typeof c.entry === 'object' && !Array.isArray(c.entry) && 'cli' in c.entry);
  expect(cli, 'tsup.config.ts has the cli entry').toBeDefined();
  await build({ ...cli, outDir: join(root, 'dist'), sourcemap: false, silent: true, config: false });
  expect(readdirSync(join(root, 'dist')).sort()).toEqual(['cli.js', 'eval-worker.js', 'metrics-worker.js']);
  mkdirSync(dirname(bin), { recursive: true });
  symlinkSync('../dist/cli.js', bin);
  chmodSync(join(root, 'dist', 'cli.js'), 0o755);
}, 120_000);

/** Runs the built CLI through the link: `node <link>` (argv[1] is the link, as with npm's shims). */
const segaware = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, SEGAWARE_QUIET: '1' } });

describe('the built CLI through a bin link', () => {
  it('--version prints the package version; run by its shebang too', () => {
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version as string;
    const r = segaware('--version');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
    const direct = spawnSync(bin, ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` } });
    expect(direct.stdout).toBe(`${version}\n`);
  }, 60_000);

  it('data synth, then eval seg on that tree with two worker threads (the built eval-worker.js)', () => {
    const s = segaware('data', 'synth', '--out', tree, '--count', '2', '--height', '32', '--width', '64');
    expect(s.status, s.stderr).toBe(0);
    expect(existsSync(join(tree, 'gtFine', 'train', 'synth', 'synth_000000_000001_gtFine_labelIds.png'))).toBe(true);
    const perImage = join(root, 'per_image.csv');
    const e = segaware('eval', 'seg', '--pred', join(tree, 'gtFine'), '--gt', tree, '--workers', '2', '--per-image', perImage);
    expect(e.status, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/^mean IoU \(mIoU\)\s+1\.0000$/m);
    expect(e.stdout).toMatch(/^traffic light\s+IoU 1\.0000/m);
    expect(readFileSync(perImage, 'utf8').trim().split('\n')).toEqual(['name,pixelAccuracy,meanIoU,pixels', 'synth_000000_000000,1,1,2048', 'synth_000000_000001,1,1,2048']);
  }, 60_000);

  it('an error: `error: …`, exit 1, no stack; --debug shows the stack', () => {
    const missing = join(root, 'missing');
    const e = segaware('eval', 'seg', '--pred', missing, '--gt', missing, '--classes', '2');
    expect(e.status).toBe(1);
    expect(e.stderr).toBe(`error: segaware: directory not found: ${missing}\n`);
    const d = segaware('--debug', 'eval', 'seg', '--pred', missing, '--gt', missing, '--classes', '2');
    expect(d.status).toBe(1);
    expect(d.stderr).toMatch(/^error: segaware: directory not found: .*\nNotFoundError: segaware: directory not found: .*\n\s+at .*cli\.js/);
  }, 60_000);
});
