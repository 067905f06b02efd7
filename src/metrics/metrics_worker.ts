/**
 * Worker thread of the parallel host metrics ({@link ssimHostParallel},
 * {@link ConfusionMatrix.updateParallel}): computes one band of rows / pixels on
 * shared memory and posts the partial sums back. Loads no tfjs.
 */
import { parentPort } from 'node:worker_threads';
import { countConfusionU8 } from './confusion_count.js';
import { ssimHostSums } from './ssim/host_kernel.js';
import type { WorkerJob } from './worker_pool.js';

if (parentPort) {
  const port = parentPort;
  port.on('message', (job: WorkerJob) => {
    try {
      if (job.op === 'ssim') {
        const a = new Float32Array(job.a);
        const b = new Float32Array(job.b);
        const sums = ssimHostSums(a, b, job.offset, job.h, job.w, job.c, job.core, job.row0, job.row1);
        port.postMessage({ id: job.id, sums });
      } else {
        const local = new Uint32Array(job.k * (job.k + 1));
        const bad = countConfusionU8(local, new Uint8Array(job.p), new Uint8Array(job.t), job.start, job.end, job.k, job.ignoreIndex, job.dropInvalidTargets);
        port.postMessage({ id: job.id, counts: local, bad });
      }
    } catch (err) {
      port.postMessage({ id: job.id, error: (err as Error).message });
    }
  });
}
