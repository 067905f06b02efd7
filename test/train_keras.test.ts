/**
 * Keras interop: asKerasLoss adapts segaware's (prediction, target) losses to
 * tfjs-layers' (yTrue, yPred) — one-hot targets with `fit`, class ids with
 * `fitDataset` (`sparse: true`) — and the fit callbacks write a progress
 * display, a RunLog and checkpoints that load back.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  RunLog,
  asKerasLoss,
  checkpointCallback,
  crossEntropyLoss,
  diceLoss,
  loadCheckpoint,
  progressCallback,
  runLogCallback,
  tf,
  tfl,
} from '../src/index.js';
import type { Tensor, Tensor3D, Tensor4D } from '../src/tf.js';

const N = 4;
const K = 3;

/** A one-conv segmenter [8,8,3] → logits [8,8,K], seeded. */
function tinySegmenter(seed: number): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 3] });
  const out = tfl.layers.conv2d({ filters: K, kernelSize: 3, padding: 'same', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }).apply(input) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** Images, int32 labels (a few pixels ignored: 255) and the one-hot targets Keras takes (ignored pixels all zero). */
function data(): { x: Tensor4D; labels: Tensor3D; oneHot: Tensor4D } {
  return tf.tidy(() => {
    const x = tf.randomUniform([N, 8, 8, 3], -1, 1, 'float32', 11) as Tensor4D;
    const cls = tf.cast(tf.floor(tf.mul(tf.add(tf.slice(x, [0, 0, 0, 0], [N, 8, 8, 1]), 1), K / 2 - 1e-4)), 'int32');
    const ids = tf.squeeze(tf.clipByValue(cls, 0, K - 1), [3]);
    const ignore = tf.less(tf.squeeze(tf.slice(x, [0, 0, 0, 1], [N, 8, 8, 1]), [3]), -0.8);
    const labels = tf.where(ignore, tf.fill([N, 8, 8], 255, 'int32'), ids) as Tensor3D;
    const oneHot = tf.where(tf.expandDims(ignore, -1), tf.zeros([N, 8, 8, K]), tf.oneHot(ids, K)) as Tensor4D;
    return { x, labels, oneHot };
  });
}

describe('asKerasLoss', () => {
  it('one-hot yTrue (all-zero rows = ignored) and sparse class ids give exactly the segaware loss', () => {
    const { x, labels, oneHot } = data();
    const logits = tf.randomNormal([N, 8, 8, K], 0, 2, 'float32', 5) as Tensor4D;
    const value = (t: Tensor) => t.dataSync()[0]!;
    for (const fn of [crossEntropyLoss, diceLoss]) {
      const expected = tf.tidy(() => value(fn(logits, labels)));
      expect(tf.tidy(() => value(asKerasLoss(fn)(oneHot, logits)))).toBeCloseTo(expected, 6);
      // sparse: [N,H,W,1] float ids or [N,H,W] ints
      expect(tf.tidy(() => value(asKerasLoss(fn, { sparse: true })(tf.expandDims(tf.cast(labels, 'float32'), -1), logits)))).toBeCloseTo(expected, 6);
      expect(tf.tidy(() => value(asKerasLoss(fn, { sparse: true })(labels, logits)))).toBeCloseTo(expected, 6);
    }
    // a custom ignore index reaches the loss
    const ce7 = asKerasLoss((p, t) => crossEntropyLoss(p, t, { ignoreIndex: 7 }), { ignoreIndex: 7 });
    expect(tf.tidy(() => value(ce7(oneHot, logits)))).toBeCloseTo(tf.tidy(() => value(crossEntropyLoss(logits, labels))), 6);
    tf.dispose([x, labels, oneHot, logits]);
  });

  it('rejects misspelled options and wrong targets with asKerasLoss: labels', () => {
    expect(() => asKerasLoss(diceLoss, { spare: true } as never)).toThrow(/asKerasLoss: options\.spare.*did you mean "sparse"/s);
    expect(() => asKerasLoss(42 as never)).toThrow(/asKerasLoss: fn/);
    const logits = tf.zeros([1, 2, 2, K]);
    expect(() => asKerasLoss(diceLoss, { sparse: true })(tf.zeros([1, 2, 2, K]), logits)).toThrow(/asKerasLoss: yTrue.*one-hot targets need sparse: false/s);
    expect(() => asKerasLoss(diceLoss)(tf.zeros([1, 2, 2]), logits)).toThrow(InvalidArgumentError);
    logits.dispose();
  });

  it('model.compile + model.fit trains with asKerasLoss(diceLoss); loss = segaware loss; the callbacks log, show progress and checkpoint', async () => {
    const out = mkdtempSync(join(tmpdir(), 'keras-fit-'));
    const { x, labels, oneHot } = data();
    const model = tinySegmenter(1);
    model.compile({ optimizer: tf.train.adam(0.05), loss: asKerasLoss(diceLoss) });
    const before = tf.tidy(() => diceLoss(model.predict(x) as Tensor4D, labels).dataSync()[0]!);
    const log = new RunLog(join(out, 'fit.jsonl'));
    const lines: string[] = [];
    const stream = { write: (s: string) => lines.push(s), isTTY: false };
    const history = await model.fit(x, oneHot, {
      epochs: 2,
      batchSize: N, // one batch per epoch: epoch 1's loss is the loss of the initial weights
      shuffle: false,
      callbacks: [progressCallback({ title: 'fit', stream, quiet: false, everySeconds: 0 }), runLogCallback(log), checkpointCallback({ dir: join(out, 'ckpt') })],
    });
    const losses = history.history.loss as number[];
    expect(losses[0]).toBeCloseTo(before, 5);
    expect(losses[1]).toBeLessThan(losses[0]!); // it trains
    const after = tf.tidy(() => diceLoss(model.predict(x) as Tensor4D, labels).dataSync()[0]!);
    expect(after).toBeLessThan(before);
    // RunLog: one entry per epoch with the epoch's loss
    const entries = RunLog.read(log.path);
    expect(entries.map((e) => e.step)).toEqual([1, 2]);
    entries.forEach((e, i) => expect(e.loss).toBeCloseTo(losses[i]!, 6));
    // progress: plain lines counting batches (2 epochs × 1 batch)
    expect(lines.join('')).toMatch(/^fit step 1\/2 \(50\.0%\) .*loss=/m);
    expect(lines.join('')).toMatch(/^fit step 2\/2 \(100\.0%\) .*ETA 0s/m);
    // the checkpoint of the last epoch loads back into a fresh compiled model (weights and Adam state)
    const again = tinySegmenter(2);
    again.compile({ optimizer: tf.train.adam(0.05), loss: asKerasLoss(diceLoss) });
    const loaded = await loadCheckpoint(join(out, 'ckpt'), { models: { model: again }, optimizers: { optimizer: again.optimizer } });
    expect(loaded.step).toBe(2);
    const w1 = model.getWeights().map((w) => Array.from(w.dataSync()));
    const w2 = again.getWeights().map((w) => Array.from(w.dataSync()));
    expect(w2).toEqual(w1);
    expect((await again.optimizer.getWeights()).length).toBe((await model.optimizer.getWeights()).length);
    expect(JSON.parse(readFileSync(join(out, 'ckpt', 'latest.json'), 'utf8')).step).toBe(2);
    // resume: one more epoch from the checkpoint equals one more epoch of the original
    const h1 = await model.fit(x, oneHot, { epochs: 3, initialEpoch: 2, batchSize: N, shuffle: false });
    const h2 = await again.fit(x, oneHot, { epochs: 3, initialEpoch: loaded.step, batchSize: N, shuffle: false });
    expect((h2.history.loss as number[])[0]).toBeCloseTo((h1.history.loss as number[])[0]!, 6);
    tf.dispose([x, labels, oneHot]);
    model.dispose();
    again.dispose();
  });

  it('model.fitDataset trains with asKerasLoss(crossEntropyLoss, { sparse: true }) on class-id targets; loss = segaware loss', async () => {
    const { x, labels, oneHot } = data();
    const model = tinySegmenter(3);
    model.compile({ optimizer: tf.train.sgd(0.5), loss: asKerasLoss(crossEntropyLoss, { sparse: true }) });
    const before = tf.tidy(() => crossEntropyLoss(model.predict(x) as Tensor4D, labels).dataSync()[0]!);
    const ys = tf.expandDims(labels, -1); // [N,H,W,1], as a Keras sparse target
    // a minimal tf.data-style dataset: one batch per epoch (fitDataset disposes what it is given)
    const dataset = {
      size: 1,
      iterator: async () => {
        let done = false;
        return { next: async () => (done ? { done: true, value: null } : ((done = true), { done: false, value: { xs: tf.clone(x), ys: tf.clone(ys) } })) };
      },
    };
    const epochLog = new RunLog(join(mkdtempSync(join(tmpdir(), 'keras-ds-')), 'batches.jsonl'));
    const history = await model.fitDataset(dataset as never, { epochs: 2, callbacks: [runLogCallback(epochLog, { unit: 'batch' })] });
    const losses = history.history.loss as number[];
    expect(losses[0]).toBeCloseTo(before, 5);
    expect(losses[1]).toBeLessThan(losses[0]!);
    expect(RunLog.read(epochLog.path).map((e) => e.step)).toEqual([1, 2]); // batch unit: one entry per batch
    tf.dispose([x, labels, oneHot, ys]);
    model.dispose();
  });

  it('the callbacks reject misspelled options', () => {
    expect(() => progressCallback({ titel: 'x' } as never)).toThrow(/progressCallback: options\.titel.*did you mean "title"/s);
    expect(() => runLogCallback(new RunLog(join(mkdtempSync(join(tmpdir(), 'k-')), 'l.jsonl')), { unt: 'batch' } as never)).toThrow(/runLogCallback: options\.unt.*did you mean "unit"/s);
    expect(() => runLogCallback({} as never)).toThrow(/runLogCallback: runLog/);
    expect(() => checkpointCallback({ dir: 'x', evry: 2 } as never)).toThrow(/checkpointCallback: options\.evry.*did you mean "every"/s);
    expect(() => checkpointCallback({ dir: '' })).toThrow(/checkpointCallback: options\.dir/);
  });
});
