/**
 * The thread-pool option of the parallel host metrics ({@link ssimHostParallel},
 * `ConfusionMatrix.updateParallel`).
 */
import { assertNumber, checkOptions } from '../validate.js';
import { defaultJobWorkers } from './metric_jobs.js';

/** Options of the thread pool of the parallel host metrics. */
export interface ParallelOptions {
  /**
   * number of worker threads (default: the machine's parallelism, `defaultMetricWorkers()` in
   * Node). Without Node's worker pool (a browser) the work is split the same way and run in
   * the calling thread.
   */
  workers?: number;
}

/** The keys of {@link ParallelOptions} (unknown keys are rejected). */
export const PARALLEL_KEYS = ['workers'] as const;

/**
 * Validates {@link ParallelOptions} given to `fn` (labels `fn: options.workers`) and returns
 * the worker count.
 *
 * @example resolveWorkers('ssimHostParallel', { workers: 4 }) // 4
 */
export function resolveWorkers(fn: string, parallel: ParallelOptions | undefined): number {
  const { workers = defaultJobWorkers() } = checkOptions(fn, parallel, PARALLEL_KEYS);
  assertNumber(`${fn}: options.workers`, workers, { min: 1, integer: true });
  return workers;
}
