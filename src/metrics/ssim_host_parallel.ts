/**
 * {@link ssimHost} spread over worker threads (bands of rows on shared memory).
 */
import { InvalidArgumentError } from '../errors.js';
import { readHostPair } from './ssim_host.js';
import type { ImageData } from './image_data.js';
import { resolveSsimOptions } from './ssim_options.js';
import type { SsimOptions } from './ssim_options.js';
import { defaultMetricWorkers, runMetricJobs, toShared } from './worker_pool.js';
import type { WorkerJobInput } from './worker_pool.js';

/**
 * SSIM per image like {@link ssimHost} (float64, same options, no `downsample`), with each
 * image split into bands of output rows computed on `workers` threads (default: one per
 * core). The inputs are copied once into shared memory. Results are identical to
 * {@link ssimHost} up to the order of the float64 sums.
 *
 * @throws InvalidArgumentError (the promise rejects) for what {@link ssimHost} rejects —
 *   NaN/±Inf, empty images, a contradicting `dataRange` — before any worker starts
 * @example const [s] = await ssimHostParallel({ data: a, shape: [1024, 2048, 3] }, { data: b, shape: [1024, 2048, 3] }, { dataRange: 1 });
 */
export async function ssimHostParallel(a: ImageData, b: ImageData, options: SsimOptions, { workers = defaultMetricWorkers() } = {}): Promise<number[]> {
  if (options?.downsample) throw new InvalidArgumentError('options.downsample', 'false for ssimHostParallel (use ssim())', true);
  if (!Number.isInteger(workers) || workers < 1) throw new InvalidArgumentError('workers', 'a positive integer', workers);
  const core = resolveSsimOptions(options);
  const [A, B] = readHostPair(a, b, 'a', 'b', core.dataRange);
  const [n, h, w, c] = A.shape;
  const k = core.window.length;
  const pad = core.padding === 'valid' ? 0 : (k - 1) / 2;
  const ho = h + 2 * pad - k + 1;
  const wo = w + 2 * pad - k + 1;
  if (ho < 1 || wo < 1) throw new InvalidArgumentError('images', `height and width ≥ the window size ${k}`, `${h}×${w}`);
  const sa = toShared(A.data, 'f32');
  const sb = toShared(B.data, 'f32');
  const bands = Math.max(1, Math.min(workers, ho));
  const jobs: WorkerJobInput[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < bands; j++) {
      const row0 = Math.floor((j * ho) / bands);
      const row1 = Math.floor(((j + 1) * ho) / bands);
      jobs.push({ op: 'ssim', a: sa, b: sb, offset: i * h * w * c, h, w, c, core, row0, row1 });
    }
  const replies = await runMetricJobs(jobs, bands);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let j = 0; j < bands; j++) sum += replies[i * bands + j]!.sums![2 * ch]!;
      s += sum / (ho * wo);
    }
    out.push(s / c);
  }
  return out;
}
