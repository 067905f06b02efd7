/**
 * A resumable training phase: the loop every example runs once per model it
 * trains. It owns what a loop must get right and examples should not repeat:
 * resume from the latest checkpoint, periodic atomic checkpoints, a RunLog
 * with `tf.memory()`, a progress bar, the NaN guard and sample grids.
 *
 * Checkpoints live in `<out>/ckpt/<name>`; the final one (step = steps) marks
 * the phase as done, so a resumed run loads it and skips the phase.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { NanGuard, RunLog, createProgress, crossEntropyLoss, disposeBatch, initWeights, latestCheckpoint, loadCheckpoint, optimizerStep, saveCheckpoint, tf, unet } from '../../src/index.js';
import type { Batch, LossOutput, VariableSource } from '../../src/index.js';
import type { Tensor, Tensor4D, tfl } from '../../src/tf.js';

/** Thrown by a phase run with `stopAfter` (tests use it to simulate a kill). */
export class PhaseStopped extends Error {
  constructor(readonly phase: string, readonly step: number) {
    super(`phase ${phase} stopped after step ${step} (stopAfter)`);
  }
}

export interface PhaseOptions {
  /** phase name: checkpoint folder, log file and progress title */
  name: string;
  /** the run's output directory */
  out: string;
  /** total steps of the phase */
  steps: number;
  /** checkpoint interval (steps) */
  checkpointEvery: number;
  /** continue from the latest checkpoint of this phase, if any */
  resume: boolean;
  /** everything whose state must survive a restart */
  models: Record<string, tfl.LayersModel>;
  optimizers: Record<string, tf.Optimizer>;
  /** runs 1-based step `s` and returns its terms as numbers; call `guard.check(s, terms)` before applying updates */
  step: (s: number, guard: NanGuard) => Promise<Record<string, number>>;
  /** writes a sample grid for step `s` (called every `sampleEvery` steps and at the end) */
  sample?: (s: number) => Promise<void>;
  sampleEvery?: number;
  /** simulate a crash: throw {@link PhaseStopped} after this step (tests) */
  stopAfter?: number;
  /** write no progress (tests) */
  quiet?: boolean;
}

export interface PhaseResult {
  name: string;
  /** step the phase started from (0 = fresh) */
  startStep: number;
  /** true when the phase had already finished and was only loaded */
  skipped: boolean;
  /** seconds spent training in this process */
  seconds: number;
  /** the run log file */
  logPath: string;
}

/**
 * The step of a supervised phase: draws batch `s − 1` with `draw` (a function of the
 * step, so a resumed run sees the same data), takes one `optimizerStep` of `loss` on
 * `models` behind the phase's NaN guard, and frees the batch.
 */
export function supervisedStep<B extends Batch>(
  optimizer: tf.Optimizer,
  models: VariableSource[],
  draw: (index: number) => Promise<B>,
  loss: (batch: B) => LossOutput,
  prefix: string,
): PhaseOptions['step'] {
  return async (s, guard) => {
    const b = await draw(s - 1);
    try {
      return await optimizerStep(optimizer, models, () => loss(b), { prefix, beforeApply: (t) => guard.check(s, t) });
    } finally {
      disposeBatch(b);
    }
  };
}

/** Checkpoint folder of phase `name`. */
export function phaseCheckpointDir(out: string, name: string): string {
  return join(out, 'ckpt', name);
}

export async function runPhase(o: PhaseOptions): Promise<PhaseResult> {
  const dir = phaseCheckpointDir(o.out, o.name);
  const logPath = join(o.out, 'logs', `${o.name}.jsonl`);
  let startStep = 0;
  let last: string | null = null;
  if (o.resume && (await latestCheckpoint(dir))) {
    const loaded = await loadCheckpoint(dir, { models: o.models, optimizers: o.optimizers });
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
    const path = await saveCheckpoint(dir, { models: o.models, optimizers: o.optimizers, step: s, extra: { phase: o.name } });
    guard.recordCheckpoint(path);
  };
  try {
    for (let s = startStep + 1; s <= o.steps; s++) {
      const terms = await o.step(s, guard);
      log.log(s, terms);
      progress.update(s, terms);
      if (o.sample && o.sampleEvery && s % o.sampleEvery === 0 && s < o.steps) await o.sample(s);
      if (s % o.checkpointEvery === 0 || s === o.steps) await save(s);
      if (o.stopAfter !== undefined && s >= o.stopAfter && s < o.steps) throw new PhaseStopped(o.name, s);
    }
  } finally {
    progress.stop();
  }
  if (o.sample) await o.sample(o.steps);
  return { name: o.name, startStep, skipped: false, seconds: (performance.now() - t0) / 1000, logPath };
}

/** What {@link trainBaseSegmenter} needs from an example's options. */
export interface BaseSegmenterOptions {
  out: string;
  steps: number;
  checkpointEvery: number;
  resume: boolean;
  seed: number;
  quiet?: boolean;
  stopAfter?: number;
  /** U-Net width (default 16) */
  filters?: number;
  /** Adam learning rate (default 1e-3) */
  lr?: number;
  numClasses: number;
}

/**
 * The 'segmenter' phase DFS and the cooperative example both start with: a 3-level U-Net with
 * batch norm (Kaiming init from `seed`), trained with cross-entropy on `image` vs `labels` of the
 * batches `draw` returns, then frozen.
 */
export async function trainBaseSegmenter<B extends Batch>(
  o: BaseSegmenterOptions,
  draw: (index: number) => Promise<B>,
  image: keyof B & string,
): Promise<{ segmenter: tfl.LayersModel; phase: PhaseResult }> {
  const segmenter = unet({ numClasses: o.numClasses, baseFilters: o.filters ?? 16, depth: 3, batchNorm: true, activation: 'linear', name: 'segmenter' });
  initWeights(segmenter, { seed: o.seed, type: 'kaiming' });
  const segOpt = tf.train.adam(o.lr ?? 1e-3);
  const phase = await runPhase({
    name: 'segmenter',
    out: o.out,
    steps: o.steps,
    checkpointEvery: o.checkpointEvery,
    resume: o.resume,
    models: { segmenter },
    optimizers: { segOpt },
    quiet: o.quiet,
    stopAfter: o.stopAfter,
    step: supervisedStep(
      segOpt,
      [segmenter],
      draw,
      (b) => crossEntropyLoss(segmenter.apply(b[image] as Tensor4D, { training: true }) as Tensor4D, b.labels as Tensor),
      'seg_',
    ),
  });
  segOpt.dispose();
  segmenter.trainable = false;
  return { segmenter, phase };
}
