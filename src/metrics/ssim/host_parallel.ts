/**
 * {@link ssimHost} spread over worker threads (bands of rows on shared memory).
 */
import type { HostImageData } from '../../ops/image_input.js';
import { readHostPair } from '../host_pair.js';
import { pairLabels } from '../pair_labels.js';
import { resolveWorkers } from '../parallel_options.js';
import type { ParallelOptions } from '../parallel_options.js';
import { runMetricJobs, toShared } from '../metric_jobs.js';
import type { WorkerJobInput } from '../metric_jobs.js';
import { resolveHostSsimOptions } from './host.js';
import { checkSsimImageSize } from './options.js';
import type { SsimOptions } from './options.js';

/**
 * SSIM per image like {@link ssimHost} (float64, same options, no `downsample`), with each
 * image split into bands of output rows computed on `workers` threads (default: one per
 * core). The inputs are copied once into shared memory. Results are identical to
 * {@link ssimHost} up to the order of the float64 sums.
 *
 * @param prediction images `[N,H,W,C]` or `[H,W,C]` as `{ data, shape }`
 * @param target reference images of the same shape
 * @param options {@link SsimOptions} without `downsample`
 * @param parallel `workers` (default one per core)
 * @throws InvalidArgumentError (the promise rejects) labelled `ssimHostParallel: …` for what
 *   {@link ssimHost} rejects — unknown option keys, NaN/±Inf, empty images, a contradicting
 *   `dataRange` — and for a bad `workers`, before any worker starts
 * @example const [s] = await ssimHostParallel({ data: a, shape: [1024, 2048, 3] }, { data: b, shape: [1024, 2048, 3] }, { dataRange: 1 });
 */
export async function ssimHostParallel(prediction: HostImageData, target: HostImageData, options: SsimOptions, parallel?: ParallelOptions): Promise<number[]> {
  const fn = 'ssimHostParallel';
  const core = resolveHostSsimOptions(fn, options);
  const workers = resolveWorkers(fn, parallel);
  const labels = pairLabels(fn);
  const [A, B] = readHostPair(labels, prediction, target, core.dataRange);
  const [n, h, w, c] = A.shape;
  checkSsimImageSize(labels.prediction, h, w, core);
  const k = core.window.length;
  const pad = core.padding === 'valid' ? 0 : (k - 1) / 2;
  const ho = h + 2 * pad - k + 1;
  const wo = w + 2 * pad - k + 1;
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
