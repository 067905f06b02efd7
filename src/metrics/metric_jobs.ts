/**
 * The jobs of the "parallel" host metrics ({@link ssimHostParallel},
 * `ConfusionMatrix.updateParallel`) and who runs them. Platform-neutral: without a runner the
 * jobs run one after another in the calling thread (a browser, or Node through the core entry),
 * with the same result; Node's worker-thread pool (`./worker_pool.ts`) registers itself as the
 * runner when imported, and the jobs then run on threads over shared memory.
 */
import { countConfusionU8 } from './confusion_count.js';
import { ssimHostSums } from './ssim/host_kernel.js';
import type { SsimCoreOptions } from './ssim/options.js';

/** A metrics job; buffers are SharedArrayBuffers for a worker pool, plain ArrayBuffers in-thread. @internal */
export type WorkerJob =
  | { op: 'ssim'; id: number; a: ArrayBufferLike; b: ArrayBufferLike; offset: number; h: number; w: number; c: number; core: SsimCoreOptions; row0: number; row1: number }
  | { op: 'cm'; id: number; p: ArrayBufferLike; t: ArrayBufferLike; start: number; end: number; k: number; ignoreIndex: number; dropInvalidTargets: boolean };

/** A job without its id (assigned by the runner). @internal */
export type WorkerJobInput = { [K in WorkerJob['op']]: Omit<Extract<WorkerJob, { op: K }>, 'id'> }[WorkerJob['op']];

/** A job's answer: SSIM partial sums, or confusion counts and the first invalid target index (−1: none). @internal */
export type JobReply = { id: number; error?: string; sums?: Float64Array; counts?: Uint32Array; bad?: number };

/** Runs jobs on `n` threads and resolves with the replies in order (a worker pool). @internal */
export interface MetricJobRunner {
  run(jobs: WorkerJobInput[], n: number): Promise<JobReply[]>;
  /** threads to use when the caller does not say */
  defaultWorkers(): number;
}

let runner: MetricJobRunner | null = null;

/** Plugs in a worker pool (Node's registers itself on import). @internal */
export function setMetricJobRunner(r: MetricJobRunner | null): void {
  runner = r;
}

/** Computes one job in this thread (what a worker does with it). @internal */
export function computeJob(job: WorkerJob): JobReply {
  if (job.op === 'ssim') {
    const sums = ssimHostSums(new Float32Array(job.a), new Float32Array(job.b), job.offset, job.h, job.w, job.c, job.core, job.row0, job.row1);
    return { id: job.id, sums };
  }
  const counts = new Uint32Array(job.k * (job.k + 1));
  const bad = countConfusionU8(counts, new Uint8Array(job.p), new Uint8Array(job.t), job.start, job.end, job.k, job.ignoreIndex, job.dropInvalidTargets);
  return { id: job.id, counts, bad };
}

/** Runs the jobs on the registered pool, else in this thread, one after another. @internal */
export async function runMetricJobs(jobs: WorkerJobInput[], n: number): Promise<JobReply[]> {
  if (runner) return runner.run(jobs, n);
  return jobs.map((job, i) => computeJob({ ...job, id: i } as WorkerJob));
}

/** Default thread count of the parallel metrics: the pool's, else the browser's core count, else 1. @internal */
export function defaultJobWorkers(): number {
  if (runner) return runner.defaultWorkers();
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Number.isInteger(n) && n! > 0 ? n! : 1;
}

/**
 * Copies a typed array into a buffer for the jobs: shared memory when a worker pool runs them
 * (workers then read it without a further copy), a plain ArrayBuffer otherwise (browsers
 * without cross-origin isolation have no SharedArrayBuffer). @internal
 */
export function toShared(x: ArrayLike<number>, kind: 'f32' | 'u8'): ArrayBufferLike {
  const bytes = x.length * (kind === 'f32' ? 4 : 1);
  const buf = runner ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  (kind === 'f32' ? new Float32Array(buf) : new Uint8Array(buf)).set(x);
  return buf;
}
