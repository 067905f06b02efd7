/**
 * Worker thread of the parallel host metrics ({@link ssimHostParallel},
 * {@link ConfusionMatrix.updateParallel}): computes one band of rows / pixels on
 * shared memory and posts the partial sums back. Loads no tfjs.
 */
import { parentPort } from 'node:worker_threads';
import { computeJob, type WorkerJob } from './metric_jobs.js';

if (parentPort) {
  const port = parentPort;
  port.on('message', (job: WorkerJob) => {
    try {
      port.postMessage(computeJob(job));
    } catch (err) {
      port.postMessage({ id: job.id, error: (err as Error).message });
    }
  });
}
