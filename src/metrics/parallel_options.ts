/**
 * The thread-pool option of the parallel host metrics ({@link ssimHostParallel},
 * `ConfusionMatrix.updateParallel`).
 */
import { assertNumber, checkOptions } from '../validate.js';
import { defaultMetricWorkers } from './worker_pool.js';

/** Options of the thread pool of the parallel host metrics. */
export interface ParallelOptions {
  /** number of worker threads (default: the machine's parallelism, {@link defaultMetricWorkers}) */
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
  const { workers = defaultMetricWorkers() } = checkOptions(fn, parallel, PARALLEL_KEYS);
  assertNumber(`${fn}: options.workers`, workers, { min: 1, integer: true });
  return workers;
}
