/**
 * Issue 15, "one vocabulary": every exported function, constructor and method that takes
 * an options object rejects a misspelled key, naming the function, the key, the valid keys
 * and the nearest match. The list is read from the type checker (test/helpers/api_surface.ts),
 * so a new option-taking export is walked without anyone adding it here; the only
 * hand-written part is how to get an instance for the methods.
 *
 * Every public function checks its options before its positional arguments (that is part
 * of the contract), so the positional arguments here are left undefined on purpose: a
 * function that validated something else first would fail this test.
 */
import { describe, expect, it } from 'vitest';
import * as segaware from '../src/index.js';
import { InvalidArgumentError } from '../src/errors.js';
import { optionTakingApi, type OptionSignature } from './helpers/api_surface.js';

const surface: OptionSignature[] = optionTakingApi();

/** One letter of `key` dropped (the commonest typo), so the nearest-match hint must find `key`. */
function misspell(key: string): string {
  return key.length > 3 ? key.slice(0, 2) + key.slice(3) : `${key}x`;
}

const api = segaware as unknown as Record<string, unknown>;

/** An instance for the classes whose methods take options (all Dataset subclasses share `batchAt`/`batches`). */
function instanceOf(cls: string): object {
  if (cls === 'SyntheticStreetDataset') return segaware.syntheticStreetScenes({ count: 1, height: 16, width: 16 });
  const ds = new segaware.ArrayDataset([{ name: 'a' } as never]);
  if (cls === 'ArrayDataset' || cls === 'Dataset') return ds;
  // the folder datasets need folders on disk; their batchAt/batches are Dataset's, unchanged
  const ctor = api[cls] as { prototype: object };
  expect(Object.getPrototypeOf(ctor.prototype)).toBe(segaware.Dataset.prototype);
  expect((ctor.prototype as Record<string, unknown>).batchAt).toBe(segaware.Dataset.prototype.batchAt);
  return ds;
}

function invoke(entry: OptionSignature, options: object): unknown {
  const args: unknown[] = Array.from({ length: entry.index + 1 }, () => undefined);
  args[entry.index] = options;
  if (entry.name.startsWith('new ')) {
    const Ctor = api[entry.name.slice(4)] as new (...a: unknown[]) => unknown;
    return new Ctor(...args);
  }
  const [owner, method] = entry.name.includes('.') ? entry.name.split('.') : [undefined, entry.name];
  if (owner) {
    const obj = instanceOf(owner) as Record<string, (...a: unknown[]) => unknown>;
    const r = obj[method!]!(...args);
    // an async generator throws on its first next()
    return r && typeof (r as AsyncGenerator).next === 'function' ? (r as AsyncGenerator).next() : r;
  }
  return (api[method!] as (...a: unknown[]) => unknown)(...args);
}

async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('every option-taking export rejects a misspelled key', () => {
  it('the surface is what the public API offers (read from the types)', () => {
    expect(surface.length).toBeGreaterThan(90);
    for (const name of ['focalLoss', 'ssim', 'new PsnrMetric', 'unetGenerator', 'readImage', 'trainPhase', 'Dataset.batchAt', 'initBackend']) {
      expect(surface.map((e) => e.name)).toContain(name);
    }
  });

  it.each(surface.filter((e) => e.keys.length > 0).map((e) => [e.name, e] as const))('%s', async (_name, entry) => {
    const key = entry.keys[0]!;
    const typo = misspell(key);
    expect(entry.keys).not.toContain(typo);
    const err = await thrown(() => invoke(entry, { [typo]: 1 }));
    expect(err, `${entry.name} accepted { ${typo}: 1 }`).toBeInstanceOf(InvalidArgumentError);
    const msg = (err as Error).message;
    expect(msg).toContain(`: options.${typo}: expected one of the option keys `);
    expect(msg).toContain(`did you mean "${key}"?`);
    // the label starts with the function (or class / method) the user called
    const label = (err as InvalidArgumentError).argument;
    const shortName = entry.name.replace(/^new /, '').split('.').pop()!;
    expect(label.split(':')[0]).toContain(shortName);
  });
});
