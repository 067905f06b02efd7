/**
 * `trainPhase`: a resumable training loop — the part every training script
 * needs and gets subtly wrong when written by hand: resume from the latest
 * checkpoint, periodic atomic checkpoints, a {@link RunLog} with
 * `tf.memory()`, a progress display, the {@link NanGuard} and sample grids.
 *
 * Layout under `out` (Node file system):
 * ```
 * out/ckpt/<name>/        checkpoints of the phase (see saveCheckpoint)
 * out/logs/<name>.jsonl   its run log
 * ```
 * The final checkpoint (step = `steps`) marks the phase as done, so a resumed
 * run loads it and skips the phase — a script of several phases (segmenter,
 * then GAN, then fine-tuning) resumes at the phase it was killed in.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { SeededRandom } from '../ops/rng.js';
import type { tf, tfl } from '../tf.js';
import { assertNumber, checkOptions } from '../validate.js';
import { latestCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { NanGuard } from './nan_guard.js';
import { createProgress } from './progress.js';
import { RunLog } from './run_log.js';

/**
 * Thrown by {@link trainPhase} run with `stopAfter`: simulates a crash right
 * after a step (and its checkpoint, if one was due), so a test can resume.
 */
export class TrainPhaseStopped extends Error {
  constructor(readonly phase: string, readonly step: number) {
    super(`phase ${phase} stopped after step ${step} (stopAfter)`);
    this.name = 'TrainPhaseStopped';
  }
}

/** Options of {@link trainPhase}. */
export interface TrainPhaseOptions {
  /** Phase name: checkpoint folder `out/ckpt/<name>`, log `out/logs/<name>.jsonl`, progress title. Required. */
  name: string;
  /** The run's output directory. Required. */
  out: string;
  /** Total steps of the phase (≥ 1). Required. */
  steps: number;
  /** Checkpoint every this many steps (≥ 1); the last step is always checkpointed. Required. */
  checkpointEvery: number;
  /**
   * Continue from the latest intact checkpoint of this phase, if there is one
   * (default false: start fresh, deleting the phase's old checkpoints).
   */
  resume?: boolean;
  /** Models whose weights are checkpointed and restored, by name. Required (may be empty). */
  models: Record<string, tfl.LayersModel>;
  /** Optimizers whose slots (Adam's m, v, step) are checkpointed and restored, by name. Required (may be empty). */
  optimizers: Record<string, tf.Optimizer>;
  /** Host RNGs whose state is checkpointed and restored, by name (default none). */
  rng?: Record<string, SeededRandom>;
  /**
   * Runs 1-based step `s` and resolves to its loss terms as numbers. Pass
   * `(t) => guard.check(s, t)` as `optimizerStep`'s `beforeApply` (or the guard
   * to `createGanStep`) so a NaN stops the run before the update, naming the
   * last good checkpoint. Draw the batch as a function of `s` (e.g.
   * `dataset.batchAt(s − 1)`) so a resumed run sees the same data.
   */
  step: (s: number, guard: NanGuard) => Promise<Record<string, number>>;
  /** Writes samples (e.g. an image grid) for step `s`: every `sampleEvery` steps and once at the end. */
  sample?: (s: number) => Promise<void>;
  /** Interval of `sample` calls during training (default: only at the end). */
  sampleEvery?: number;
  /** Checkpoints kept (default 2; 0 keeps all), as in `saveCheckpoint`. */
  keep?: number;
  /** Simulates a crash: throws {@link TrainPhaseStopped} after this step (tests). */
  stopAfter?: number;
  /** Print no progress (default: false, or true when `SEGAWARE_QUIET=1`). */
  quiet?: boolean;
}

/** Keys of {@link TrainPhaseOptions} (checked by {@link trainPhase}). */
const TRAIN_PHASE_KEYS = [
  'name',
  'out',
  'steps',
  'checkpointEvery',
  'resume',
  'models',
  'optimizers',
  'rng',
  'step',
  'sample',
  'sampleEvery',
  'keep',
  'stopAfter',
  'quiet',
] as const;

/** What {@link trainPhase} resolves to. */
export interface TrainPhaseResult {
  /** The phase name. */
  name: string;
  /** Step the phase started from (0 = fresh). */
  startStep: number;
  /** True when the phase had already finished and was only loaded. */
  skipped: boolean;
  /** Seconds spent training in this process. */
  seconds: number;
  /** Path of the phase's run log (JSONL). */
  logPath: string;
}

/**
 * Checkpoint folder of phase `name` under run directory `out`: `out/ckpt/<name>`.
 *
 * @example
 * await loadCheckpoint(trainPhaseCheckpointDir('runs/a', 'unet'), { models: { model } });
 */
export function trainPhaseCheckpointDir(out: string, name: string): string {
  return join(out, 'ckpt', name);
}

/**
 * Runs one resumable training phase of `steps` steps.
 *
 * Per step `s` (1-based, from the resumed step + 1): `step(s, guard)` → log
 * the terms (plus `numTensors`/`numBytes` from `tf.memory()`) to the run log →
 * update the progress display → `sample(s)` every `sampleEvery` steps →
 * checkpoint every `checkpointEvery` steps and at `steps`. After the loop,
 * `sample(steps)` once.
 *
 * Resume (`resume: true`): the latest intact checkpoint of the phase is
 * loaded into `models`, `optimizers` and `rng`; the run log drops the entries
 * after that step (they are re-run), so a resumed run's log equals an
 * uninterrupted one's; a phase whose final checkpoint exists is skipped
 * (`skipped: true`, nothing else runs). Without `resume` the phase's old
 * checkpoints are deleted first.
 *
 * Deterministic: the loop itself draws no random numbers and runs no tensor
 * op, so the same `step` function gives the same weights whether or not the
 * run was interrupted (with data drawn as a function of the step).
 *
 * @returns where it started, whether it was skipped, the seconds it trained and the log path.
 * @throws InvalidArgumentError for a misspelled or invalid option
 *   (`trainPhase: options.<key>`); whatever `step` throws (e.g.
 *   `NonFiniteLossError` from the guard) after the progress display is closed;
 *   {@link TrainPhaseStopped} with `stopAfter`.
 * @example
 * const model = unet({ numClasses: 2 });
 * const opt = tf.train.adam(5e-4);
 * const result = await trainPhase({
 *   name: 'unet', out: 'runs/road', steps: 2000, checkpointEvery: 200, resume: true,
 *   models: { model }, optimizers: { opt },
 *   step: supervisedStep({
 *     optimizer: opt, variables: [model],
 *     batch: (i) => scenes.batchAt(i, { batchSize: 4, shuffle: true, fields: ['image', 'labels'] }),
 *     loss: (b) => diceLoss(model.apply(b.image, { training: true }) as tf.Tensor4D, b.labels),
 *     prefix: 'dice_',
 *   }),
 * });
 * // runs/road/ckpt/unet/step-…, runs/road/logs/unet.jsonl; kill it and run again to resume
 */
export async function trainPhase(options: TrainPhaseOptions): Promise<TrainPhaseResult> {
  const o = checkTrainPhaseOptions(options);
  const dir = trainPhaseCheckpointDir(o.out, o.name);
  const logPath = join(o.out, 'logs', `${o.name}.jsonl`);
  const state = { models: o.models, optimizers: o.optimizers, ...(o.rng ? { rng: o.rng } : {}) };
  let startStep = 0;
  let last: string | null = null;
  if (o.resume && (await latestCheckpoint(dir))) {
    const loaded = await loadCheckpoint(dir, state);
    startStep = loaded.step;
    last = loaded.path;
    if (startStep >= o.steps) return { name: o.name, startStep, skipped: true, seconds: 0, logPath };
  } else {
    await rm(dir, { recursive: true, force: true });
  }
  const guard = new NanGuard(last);
  const log = new RunLog(logPath, startStep > 0 ? { resumeFrom: startStep, memory: true } : { memory: true });
  const progress = createProgress({ total: o.steps, startStep, title: o.name, quiet: o.quiet || undefined });
  const t0 = performance.now();
  const save = async (s: number): Promise<void> => {
    const path = await saveCheckpoint(dir, { ...state, step: s, extra: { phase: o.name } }, o.keep === undefined ? undefined : { keep: o.keep });
    guard.recordCheckpoint(path);
  };
  try {
    for (let s = startStep + 1; s <= o.steps; s++) {
      const terms = await o.step(s, guard);
      log.log(s, terms);
      progress.update(s, terms);
      if (o.sample && o.sampleEvery && s % o.sampleEvery === 0 && s < o.steps) await o.sample(s);
      if (s % o.checkpointEvery === 0 || s === o.steps) await save(s);
      if (o.stopAfter !== undefined && s >= o.stopAfter && s < o.steps) throw new TrainPhaseStopped(o.name, s);
    }
  } finally {
    progress.stop();
  }
  if (o.sample) await o.sample(o.steps);
  return { name: o.name, startStep, skipped: false, seconds: (performance.now() - t0) / 1000, logPath };
}

/** Validates every option of {@link trainPhase}, labelled `trainPhase: options.<key>`. */
function checkTrainPhaseOptions(options: TrainPhaseOptions): TrainPhaseOptions {
  if (options === undefined) throw new InvalidArgumentError('trainPhase: options', 'a TrainPhaseOptions object', options);
  const o = checkOptions('trainPhase', options, TRAIN_PHASE_KEYS);
  const label = (k: string) => `trainPhase: options.${k}`;
  for (const k of ['name', 'out'] as const) {
    if (typeof o[k] !== 'string' || o[k].length === 0) throw new InvalidArgumentError(label(k), 'a non-empty string', o[k]);
  }
  if (/[/\\]/.test(o.name) || o.name === '.' || o.name === '..') throw new InvalidArgumentError(label('name'), 'a name usable as a folder name (no "/", "\\", "." or "..")', o.name);
  assertNumber(label('steps'), o.steps, { min: 1, integer: true });
  assertNumber(label('checkpointEvery'), o.checkpointEvery, { min: 1, integer: true });
  for (const k of ['models', 'optimizers'] as const) {
    if (o[k] == null || typeof o[k] !== 'object' || Array.isArray(o[k])) throw new InvalidArgumentError(label(k), 'an object of name → value (may be empty)', o[k]);
  }
  if (o.rng !== undefined && (o.rng === null || typeof o.rng !== 'object')) throw new InvalidArgumentError(label('rng'), 'an object of name → SeededRandom', o.rng);
  if (typeof o.step !== 'function') throw new InvalidArgumentError(label('step'), 'a function (s, guard) => Promise<terms>', o.step);
  if (o.sample !== undefined && typeof o.sample !== 'function') throw new InvalidArgumentError(label('sample'), 'a function (s) => Promise<void>', o.sample);
  if (o.sampleEvery !== undefined) assertNumber(label('sampleEvery'), o.sampleEvery, { min: 1, integer: true });
  if (o.keep !== undefined) assertNumber(label('keep'), o.keep, { min: 0, integer: true });
  if (o.stopAfter !== undefined) assertNumber(label('stopAfter'), o.stopAfter, { min: 0, integer: true });
  for (const k of ['resume', 'quiet'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new InvalidArgumentError(label(k), 'a boolean', o[k]);
  }
  return o;
}
