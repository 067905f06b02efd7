/**
 * Issue 15, "setup that cannot trap": every path a TF.js user takes into tfjs after
 * importing segaware either works or fails with the one-line fix. Each case runs in a
 * fresh Node process, because test/setup.ts already initialised a backend in this one.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SETUP_HINT, withSetupHint } from '../src/backend/setup.js';

function run(mode: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'test/fixtures/setup/no_init.ts', mode], {
    encoding: 'utf8',
    env: { ...process.env, SEGAWARE_QUIET: '1' },
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('importing segaware without initBackend()', () => {
  const grads = new Map<string, number>();
  it.each(['cpu', 'ready', 'wasm'])('path %s: a conv training step gets its gradient kernels', (mode) => {
    const r = run(mode);
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.backend).toBe(mode === 'ready' ? 'wasm' : mode);
    // the same gradient on every path (cpu's stock kernels are the reference)
    expect(r.gradAbsSum as number).toBeGreaterThan(0.01);
    grads.set(mode, r.gradAbsSum as number);
    if (grads.has('cpu')) expect(r.gradAbsSum as number).toBeCloseTo(grads.get('cpu')!, 4);
  }, 60_000);

  it('a synchronous op before any await fails with the one-line fix', () => {
    const r = run('sync-first');
    expect(r.error).toMatch(/has not yet been initialized/);
    expect(r.error).toContain('call `await initBackend()`');
  }, 60_000);

  it('only tfjs backend-setup errors get the hint, once', () => {
    const e = new Error("Kernel 'Foo' not registered for backend 'wasm'");
    withSetupHint(withSetupHint(e));
    expect(e.message.split(SETUP_HINT).length).toBe(2);
    const other = new Error('something else');
    withSetupHint(other);
    expect(other.message).toBe('something else');
  });
});
