/**
 * trainPhase / supervisedStep: the public resumable training loop (moved from
 * examples/common/phase.ts). A run stopped and resumed reaches the weights of
 * an uninterrupted one; a finished phase is skipped; the log equals the
 * straight run's; the NaN guard names the last checkpoint; options are checked.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArrayDataset, InvalidArgumentError, NonFiniteLossError, RunLog, TrainPhaseStopped, supervisedStep, tf, trainPhase, trainPhaseCheckpointDir, type Sample } from '../src/index.js';
import type { Tensor4D } from '../src/tf.js';
import { flatWeights, tinyNet } from './helpers/tiny_net.js';

/** 8 samples of an 8×8 regression task: target = −image (as a float "clear" field). */
function dataset() {
  const samples: (Sample & { clear: Sample['image'] })[] = [];
  for (let i = 0; i < 8; i++) {
    const data = new Float32Array(8 * 8 * 3).map((_, j) => ((i * 31 + j * 7) % 17) / 16);
    samples.push({ name: `s${i}`, image: { data, height: 8, width: 8, channels: 3 }, clear: { data: data.map((v) => 1 - v), height: 8, width: 8, channels: 3 } });
  }
  return new ArrayDataset(samples);
}

/** A regression phase on `out`; returns the model, the phase result and the optimizer. */
async function run(out: string, extra: { resume?: boolean; stopAfter?: number; steps?: number; sample?: (s: number) => Promise<void>; sampleEvery?: number } = {}) {
  const ds = dataset();
  const model = tinyNet(7);
  const opt = tf.train.adam(1e-2);
  const options = { batchSize: 2, shuffle: true, seed: 3, fields: ['image', 'clear'] } as const;
  const draws = { count: 0 };
  try {
    const result = await trainPhase({
      name: 'reg',
      out,
      steps: extra.steps ?? 6,
      checkpointEvery: 2,
      resume: extra.resume,
      stopAfter: extra.stopAfter,
      sample: extra.sample,
      sampleEvery: extra.sampleEvery,
      models: { model },
      optimizers: { opt },
      quiet: true,
      step: supervisedStep({
        optimizer: opt,
        variables: [model],
        batch: (i) => (draws.count++, ds.batchAt(i, { ...options, fields: [...options.fields] })),
        loss: (b) => tf.mean(tf.abs(tf.sub(model.apply(b.image, { training: true }) as Tensor4D, b.clear))) as tf.Scalar,
        prefix: 'reg_',
      }),
    });
    return { model, result, draws: draws.count };
  } finally {
    opt.dispose();
  }
}

describe('trainPhase', () => {
  it('checkpoints every N steps, logs every step, and a stopped run resumed reaches the uninterrupted weights', async () => {
    const a = mkdtempSync(join(tmpdir(), 'phase-a-'));
    const b = mkdtempSync(join(tmpdir(), 'phase-b-'));
    const straight = await run(a);
    expect(straight.result).toMatchObject({ name: 'reg', startStep: 0, skipped: false, logPath: join(a, 'logs', 'reg.jsonl') });
    expect(straight.draws).toBe(6);
    const dir = trainPhaseCheckpointDir(a, 'reg');
    expect(dir).toBe(join(a, 'ckpt', 'reg'));
    expect(readdirSync(dir).filter((e) => e.startsWith('step-')).sort()).toEqual(['step-00000004', 'step-00000006']); // keep 2
    const log = RunLog.read(straight.result.logPath);
    expect(log.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Object.keys(log[0]!)).toEqual(expect.arrayContaining(['reg_total', 'numTensors', 'numBytes']));

    const stop = await run(b, { stopAfter: 3 }).catch((e: unknown) => e);
    expect(stop).toBeInstanceOf(TrainPhaseStopped);
    expect((stop as TrainPhaseStopped).step).toBe(3);
    const resumed = await run(b, { resume: true });
    expect(resumed.result.startStep).toBe(2); // the checkpoint before the stop
    expect(resumed.draws).toBe(4); // steps 3..6 only
    const wa = flatWeights(straight.model);
    const wb = flatWeights(resumed.model);
    let maxDiff = 0;
    for (let i = 0; i < wa.length; i++) maxDiff = Math.max(maxDiff, Math.abs(wa[i]! - wb[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    // the resumed log equals the straight one step for step (entries after the checkpoint were dropped and re-run)
    const logB = RunLog.read(resumed.result.logPath);
    expect(logB.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6]);
    logB.forEach((e, i) => expect(e.reg_total).toBeCloseTo(log[i]!.reg_total as number, 5));

    // a finished phase is loaded and skipped: nothing is drawn
    const again = await run(b, { resume: true });
    expect(again.result).toMatchObject({ startStep: 6, skipped: true, seconds: 0 });
    expect(again.draws).toBe(0);
    expect(flatWeights(again.model)).toEqual(wb);
    for (const m of [straight.model, resumed.model, again.model]) m.dispose();
  });

  it('without resume starts fresh (old checkpoints removed); samples every sampleEvery steps and once at the end', async () => {
    const out = mkdtempSync(join(tmpdir(), 'phase-fresh-'));
    (await run(out, { steps: 4 })).model.dispose();
    const sampled: number[] = [];
    const r = await run(out, { steps: 5, sampleEvery: 2, sample: async (s) => void sampled.push(s) });
    expect(r.result.startStep).toBe(0);
    expect(sampled).toEqual([2, 4, 5]);
    expect(readdirSync(trainPhaseCheckpointDir(out, 'reg')).filter((e) => e.startsWith('step-')).sort()).toEqual(['step-00000004', 'step-00000005']);
    r.model.dispose();
  });

  it('the NaN guard stops the phase before the update, naming the term and the last checkpoint', async () => {
    const out = mkdtempSync(join(tmpdir(), 'phase-nan-'));
    const model = tinyNet(1);
    const opt = tf.train.sgd(0.1);
    const x = tf.zeros([1, 8, 8, 3]);
    const err = await trainPhase({
      name: 'nan',
      out,
      steps: 5,
      checkpointEvery: 2,
      models: { model },
      optimizers: {},
      quiet: true,
      step: supervisedStep({
        optimizer: opt,
        variables: [model],
        batch: async (i) => ({ names: [`b${i}`], image: tf.clone(x) as Tensor4D }),
        loss: () => {
          const l = tf.mean(model.apply(x) as Tensor4D);
          return { total: l as tf.Scalar, terms: { bad: (step3() ? tf.scalar(Number.NaN) : tf.scalar(0)) as tf.Scalar } };
        },
      }),
    }).catch((e: unknown) => e);
    function step3(): boolean {
      return RunLog.read(join(out, 'logs', 'nan.jsonl')).length === 2;
    }
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as NonFiniteLossError).step).toBe(3);
    expect((err as NonFiniteLossError).term).toBe('bad');
    expect((err as NonFiniteLossError).lastCheckpoint).toBe(join(trainPhaseCheckpointDir(out, 'nan'), 'step-00000002'));
    tf.dispose([x]);
    model.dispose();
  });

  it('rejects misspelled and invalid options with trainPhase: options.<key>', async () => {
    const base = { name: 'p', out: mkdtempSync(join(tmpdir(), 'phase-opt-')), steps: 2, checkpointEvery: 1, models: {}, optimizers: {}, step: async () => ({ total: 0 }) };
    await expect(trainPhase({ ...base, checkpointEvry: 1 } as never)).rejects.toThrow(/trainPhase: options\.checkpointEvry.*did you mean "checkpointEvery"/s);
    await expect(trainPhase({ ...base, steps: 0 })).rejects.toThrow(/trainPhase: options\.steps/);
    await expect(trainPhase({ ...base, name: '../x' })).rejects.toThrow(/trainPhase: options\.name/);
    await expect(trainPhase({ ...base, step: undefined as never })).rejects.toThrow(InvalidArgumentError);
    expect(() => supervisedStep({ optimizer: tf.train.sgd(1), variables: [], batch: async () => ({ names: [] }), loss: () => tf.scalar(0), prefx: 'a' } as never)).toThrow(
      /supervisedStep: options\.prefx.*did you mean "prefix"/s,
    );
    expect(existsSync(join(base.out, 'ckpt'))).toBe(false);
  });
});
