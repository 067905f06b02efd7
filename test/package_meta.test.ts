/**
 * Issue 15, "report and package polish": what the registry page and a new user see.
 * The tarball contents themselves are checked by scripts/check-pack.sh (npm pack).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, unknown>;
const readme = readFileSync('README.md', 'utf8');

describe('package metadata', () => {
  it('ships a LICENSE matching the license field', () => {
    expect(pkg.license).toBe('Apache-2.0');
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'README.md', 'LICENSE', 'CHANGELOG.md']));
  });

  it('has repository, homepage and bugs (so README images resolve on the registry page)', () => {
    expect((pkg.repository as { url: string }).url).toMatch(/^git\+https:\/\/github\.com\/.+\.git$/);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect((pkg.bugs as { url: string }).url).toMatch(/^https:\/\//);
  });

  it('declares its import-time side effect truthfully', () => {
    expect(pkg.sideEffects).not.toBe(false);
  });

  it('README states ESM, the first-five-minutes path, and that examples/ is not in the package', () => {
    expect(readme).toMatch(/## First five minutes/);
    expect(readme).toMatch(/await initBackend\(\)/);
    expect(readme).toMatch(/ES modules/);
    expect(readme).toMatch(/`examples\/` is in the repository, not in the npm package/);
    expect(readme).toMatch(/dispose/i);
  });

  it('every rename is in the CHANGELOG', () => {
    const log = readFileSync('CHANGELOG.md', 'utf8');
    for (const rename of ['ganWeight', 'lambdaGan', 'vggWeight', 'lambdaVgg', 'SeededRandom.hashed', 'trainPhase', 'intBetween']) expect(log).toContain(rename);
  });
});
