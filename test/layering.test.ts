/**
 * Issue 15, "one lower layer": the import graph of src/ points downwards only.
 * src/ops (shared primitives) imports nothing above it; losses, metrics, models and data
 * never reach into train/ or cli/; only cli/ imports cli/. Imports are read as text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** [importing folder, imported folder] for every relative import inside src/ ('.' = a root file). */
function edges(): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const f of files(SRC)) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(f), m[1]!);
      const area = (p: string) => {
        const parts = relative(SRC, p).split(sep);
        return parts.length > 1 ? parts[0]! : '.';
      };
      out.push([area(f), area(target), `${relative(SRC, f)} → ${m[1]}`]);
    }
  }
  return out;
}

describe('layering of src/', () => {
  const all = edges();

  it('reads the imports', () => {
    expect(all.length).toBeGreaterThan(300);
  });

  it('src/ops imports only the root modules (tf, errors, validate)', () => {
    expect(all.filter(([from, to]) => from === 'ops' && to !== 'ops' && to !== '.').map((e) => e[2])).toEqual([]);
  });

  it('losses, metrics, models and data never import train/ or cli/', () => {
    const below = ['losses', 'metrics', 'models', 'data', 'ops'];
    expect(all.filter(([from, to]) => below.includes(from) && (to === 'train' || to === 'cli')).map((e) => e[2])).toEqual([]);
  });

  it('only cli/ imports cli/', () => {
    expect(all.filter(([from, to]) => to === 'cli' && from !== 'cli').map((e) => e[2])).toEqual([]);
  });
});
