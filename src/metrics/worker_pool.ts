/**
 * A lazily started pool of metric worker threads (one per core by default), shared by
 * the parallel host metrics. Workers are `unref`'d: they never keep a process alive.
 * Importing this module makes the pool the runner of the metric jobs (`./metric_jobs.ts`);
 * the Node face of the metrics (`./index.ts`) imports it.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../ops/spawn_worker.js';
import { setMetricJobRunner, type JobReply, type WorkerJobInput } from './metric_jobs.js';

type Reply = JobReply;

let pool: Worker[] = [];
let nextId = 1;
const inflight = new Map<Worker, number>();
const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

function spawn(): Worker {
  const worker = spawnWorker(import.meta.url, { source: './metrics_worker.ts', built: './metrics-worker.js' });
  worker.on('message', (r: Reply) => {
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (r.error) p.reject(new Error(r.error));
    else p.resolve(r);
  });
  worker.on('error', (err) => {
    for (const [, p] of pending) p.reject(err);
    pending.clear();
    pool = pool.filter((w) => w !== worker);
  });
  worker.unref();
  return worker;
}

/**
 * Number of workers the parallel metrics use by default (the machine's parallelism).
 *
 * @example await ssimHostParallel(a, b, { dataRange: 1 }, { workers: defaultMetricWorkers() })
 */
export const defaultMetricWorkers = (): number => availableParallelism();

/** Runs jobs on `n` workers (job i on worker i mod n) and resolves with the replies in order. */
function runOnPool(jobs: WorkerJobInput[], n: number): Promise<Reply[]> {
  while (pool.length < n) pool.push(spawn());
  return Promise.all(
    jobs.map(
      (job, i) =>
        new Promise<Reply>((resolve, reject) => {
          const id = nextId++;
          const worker = pool[i % n]!;
          // keep the process alive only while a worker has jobs in flight
          const count = (inflight.get(worker) ?? 0) + 1;
          inflight.set(worker, count);
          if (count === 1) worker.ref();
          const done = () => {
            const left = (inflight.get(worker) ?? 1) - 1;
            inflight.set(worker, left);
            if (left === 0) worker.unref();
          };
          pending.set(id, {
            resolve: (r) => {
              done();
              resolve(r);
            },
            reject: (e) => {
              done();
              reject(e);
            },
          });
          worker.postMessage({ ...job, id });
        }),
    ),
  );
}

/**
 * Terminates the metric worker threads (they are unref'd, so this only frees memory early).
 *
 * @example await closeMetricWorkers();
 */
export async function closeMetricWorkers(): Promise<void> {
  const ws = pool;
  pool = [];
  await Promise.all(ws.map((w) => w.terminate()));
}

setMetricJobRunner({ run: runOnPool, defaultWorkers: defaultMetricWorkers });
