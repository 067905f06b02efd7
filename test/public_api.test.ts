/**
 * The public API is a deliberate list: `docs/public-api.txt` (written by
 * `npx tsx scripts/api-list.ts > docs/public-api.txt`) must equal what `src/index.ts`
 * exports, so an internal helper cannot leak into the package, nor an export vanish,
 * without the change showing in review (and in CHANGELOG.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listExports } from '../scripts/api-list.js';

describe('public API', () => {
  it('equals docs/public-api.txt', () => {
    const committed = readFileSync('docs/public-api.txt', 'utf8').trim().split('\n');
    expect(listExports('src/index.ts')).toEqual(committed);
  }, 60_000);

  it('has no internal helper names', () => {
    const names = listExports('src/index.ts').map((l) => l.split(' ')[1]!);
    for (const internal of ['checkDataRange', 'mirrorPad2d', 'gaussianWindow', 'resolveSsimOptions', 'isImageData', 'hashInts', 'getStockKernel']) {
      expect(names).not.toContain(internal);
    }
    // each name once: the faces do not re-export each other's bindings
    expect(new Set(names).size).toBe(names.length);
  }, 60_000);
});
