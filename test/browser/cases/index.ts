/**
 * The browser fixture cases: the loss and metric references the Node suite checks, listed
 * once so the page computes them and Node compares them. Names are unique.
 *
 * @example
 * ```ts
 * for (const c of fixtureCases(fx)) console.log(c.name, c.rtol);
 * ```
 */
import { lossCases } from './losses.js';
import { metricCases } from './metrics.js';
import type { FixtureCase, Fixtures } from './types.js';

export type { FixtureCase, Fixtures, Lib } from './types.js';

/** Every case, losses first. */
export function fixtureCases(fx: Fixtures): FixtureCase[] {
  return [...lossCases(), ...metricCases(fx)];
}
