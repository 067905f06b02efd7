/**
 * One way to start a worker thread that works both from the TypeScript sources and
 * from the built package. Internal (not exported from any folder face).
 */
import { Worker } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';

/** Where a worker's entry lives, relative to the module that starts it. */
export interface WorkerEntry {
  /** The TypeScript source, relative to the caller's source file, e.g. `'./metrics_worker.ts'`. */
  source: string;
  /**
   * The built file, relative to the caller's bundle in `dist/`, e.g. `'./metrics-worker.js'`
   * (tsup bundles every entry flat into `dist/`, so this is a sibling of `index.js` / `cli.js`).
   */
  built: string;
}

/**
 * Starts a worker thread for `entry`, resolved against `from` (the caller's `import.meta.url`).
 *
 * - From the sources (`from` ends in `.ts`: tsx, vitest) Node cannot load the `.ts` entry by
 *   itself, so the worker evaluates a two-line bootstrap that registers tsx's ESM loader in
 *   the worker and then imports the source.
 * - From the build (`dist/*.js`, also when reached through npm's bin link) it loads the
 *   bundled sibling file directly; tsx is a dev dependency and never needed there.
 *
 * The caller's `import.meta.url` is passed in, not this module's: after bundling, this file
 * lives inside whichever bundle imported it, and the worker files are resolved from there.
 *
 * @param from     the caller's `import.meta.url`
 * @param entry    the worker entry as source and as built file
 * @param options  Node `WorkerOptions` (`workerData`, `resourceLimits`, …); `eval` is set here
 * @returns the started `Worker`
 * @example
 * const worker = spawnWorker(import.meta.url, { source: './eval_worker.ts', built: './eval-worker.js' }, { workerData: task });
 */
export function spawnWorker(from: string, entry: WorkerEntry, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(entry.built, from), options);
  const src = new URL(entry.source, from).href;
  const bootstrap = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(src)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
