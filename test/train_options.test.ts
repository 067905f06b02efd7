/**
 * Every public function of the train face that takes an options object (or a
 * structured state/target) rejects a misspelled key with an
 * InvalidArgumentError labelled `fn: options.key` that names the nearest key —
 * before this, `createProgress({ total, titel })` ran with the default title.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  RunLog,
  asKerasLoss,
  checkpointCallback,
  cosineLr,
  createGanStep,
  createLrSchedule,
  createProgress,
  diceLoss,
  lineChartSvg,
  linearDecayLr,
  loadCheckpoint,
  optimizerStep,
  polyLr,
  progressCallback,
  runLogCallback,
  runLogCurves,
  saveCheckpoint,
  stepLr,
  supervisedStep,
  tf,
  trainPhase,
  writeReport,
} from '../src/index.js';
import { tinyNet } from './helpers/tiny_net.js';

const dir = mkdtempSync(join(tmpdir(), 'train-options-'));
const model = tinyNet(1);
const w = tf.variable(tf.scalar(1));
const gan = { generatorVariables: [w], discriminatorVariables: [tinyNet(2)], generatorOptimizer: tf.train.sgd(1), discriminatorOptimizer: tf.train.sgd(1), discriminatorLoss: () => tf.scalar(0), generatorLoss: () => tf.scalar(0) };
const phase = { name: 'p', out: dir, steps: 1, checkpointEvery: 1, models: {}, optimizers: {}, step: async () => ({ total: 0 }) };
const log = () => new RunLog(join(dir, `l${Math.random()}.jsonl`));

/** [label expected, nearest key, call] */
const cases: [string, string, () => unknown][] = [
  ['saveCheckpoint: options.kep', 'keep', () => saveCheckpoint(join(dir, 'c1'), { models: { model }, step: 1 }, { kep: 1 } as never)],
  ['saveCheckpoint: state.optimisers', 'optimizers', () => saveCheckpoint(join(dir, 'c2'), { models: { model }, optimisers: {}, step: 1 } as never)],
  ['loadCheckpoint: options.quite', 'quiet', () => loadCheckpoint(dir, {}, { quite: true } as never)],
  ['loadCheckpoint: target.model', 'models', () => loadCheckpoint(dir, { model: { model } } as never)],
  ['createProgress: options.titl', 'title', () => createProgress({ total: 3, titl: 'x' } as never)],
  ['RunLog: options.apend', 'append', () => new RunLog(join(dir, 'r.jsonl'), { apend: true } as never)],
  ['optimizerStep: options.prefx', 'prefix', () => optimizerStep(tf.train.sgd(1), [w], () => tf.mul(w, 1) as tf.Scalar, { prefx: 'a' } as never)],
  ['createGanStep: options.gaurd', 'guard', () => createGanStep({ ...gan, gaurd: null } as never)],
  ['linearDecayLr: options.nDeacy', 'nDecay', () => linearDecayLr(1, { nDeacy: 3 } as never)],
  ['stepLr: options.gama', 'gamma', () => stepLr(1, { stepSize: 2, gama: 0.5 } as never)],
  ['cosineLr: options.etaMn', 'etaMin', () => cosineLr(1, { tMax: 2, etaMn: 0 } as never)],
  ['polyLr: options.powr', 'power', () => polyLr(1, { totalSteps: 2, powr: 1 } as never)],
  ['createLrSchedule: spec.nDeacy', 'nDecay', () => createLrSchedule({ type: 'linear', lr: 1, nDeacy: 3 } as never)],
  ['writeReport: options.basname', 'basename', () => writeReport(join(dir, 'rep'), { title: 't' }, { basname: 'x' } as never)],
  ['runLogCurves: options.smoth', 'smooth', () => runLogCurves([], {}, { smoth: 0.5 } as never)],
  ['lineChartSvg: options.heigth', 'height', () => lineChartSvg({ title: 't', series: [] }, { heigth: 100 } as never)],
  ['trainPhase: options.stepz', 'steps', () => trainPhase({ ...phase, stepz: 2 } as never)],
  ['supervisedStep: options.losss', 'loss', () => supervisedStep({ optimizer: tf.train.sgd(1), variables: [w], batch: async () => ({ names: [] }), losss: () => tf.scalar(0) } as never)],
  ['asKerasLoss: options.sprase', 'sparse', () => asKerasLoss(diceLoss, { sprase: true } as never)],
  ['progressCallback: options.quite', 'quiet', () => progressCallback({ quite: true } as never)],
  ['runLogCallback: options.units', 'unit', () => runLogCallback(log(), { units: 'batch' } as never)],
  ['checkpointCallback: options.kepp', 'keep', () => checkpointCallback({ dir, kepp: 1 } as never)],
];

describe('train: misspelled option keys', () => {
  it.each(cases)('%s is rejected, naming the nearest key', async (label, near, call) => {
    let err: unknown;
    try {
      await call();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).argument).toBe(label);
    expect((err as Error).message).toContain(`did you mean "${near}"?`);
  });

  it('positional and value errors are labelled with the function name too', async () => {
    const label = async (f: () => unknown) => {
      try {
        await f();
      } catch (e) {
        return (e as InvalidArgumentError).argument;
      }
      return 'no error';
    };
    expect(await label(() => saveCheckpoint('', { step: 1 }))).toBe('saveCheckpoint: dir');
    expect(await label(() => saveCheckpoint(dir, { step: -1 }))).toBe('saveCheckpoint: state.step');
    expect(await label(() => createProgress({ total: 0 }))).toBe('createProgress: options.total');
    expect(await label(() => optimizerStep({} as never, [w], () => tf.scalar(0)))).toBe('optimizerStep: optimizer');
    expect(await label(() => stepLr(-1, { stepSize: 1 }))).toBe('stepLr: baseLr');
    expect(await label(() => createGanStep({ ...gan, discriminatorSteps: 0 }))).toBe('createGanStep: options.discriminatorSteps');
    expect(await label(() => new RunLog(''))).toBe('RunLog: path');
    expect(await label(() => log().log(-1))).toBe('RunLog.log: step');
  });
});
