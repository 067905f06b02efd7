/** Backend start-up and small helpers every example shares. */
import { mkdir } from 'node:fs/promises';
import { initBackend, type BackendChoice, type BackendName } from '../../src/index.js';

/** Starts the backend an example asked for (or the best available) and creates `out`. */
export async function setupRun(o: { backend?: string; threads?: number; out: string; quiet?: boolean }): Promise<BackendChoice> {
  await mkdir(o.out, { recursive: true });
  const choice = await initBackend({ prefer: o.backend ? (o.backend as BackendName) : undefined, threads: o.threads, quiet: o.quiet });
  return choice;
}

/** Seconds since `t0` (a `performance.now()` value), one decimal. */
export function secondsSince(t0: number): number {
  return Math.round((performance.now() - t0) / 100) / 10;
}
