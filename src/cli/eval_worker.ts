/**
 * Worker thread of `segaware eval`: runs one {@link EvalTask} and posts
 * `{ type: 'tick' }` per pair, then `{ type: 'done', result }` or
 * `{ type: 'error', message, stack, segaware }` (an Error's class does not survive
 * postMessage, so the main thread rebuilds it from these fields).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SegawareError } from '../errors.js';
import { runEvalTask } from './eval_core.js';
import type { EvalTask } from './eval_core.js';

if (parentPort) {
  const port = parentPort;
  runEvalTask(workerData as EvalTask, () => port.postMessage({ type: 'tick' }))
    .then((result) => port.postMessage({ type: 'done', result }))
    .catch((err: Error) => port.postMessage({ type: 'error', message: err.message, stack: err.stack, segaware: err instanceof SegawareError }));
}
