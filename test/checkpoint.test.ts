import { mkdtempSync, readdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tf, tfl } from '../src/tf.js';
import { fileSystemIO, loadCheckpoint, saveCheckpoint, latestCheckpoint, SeededRandom } from '../src/index.js';
import { MismatchError, NotFoundError } from '../src/errors.js';
import { flatWeights, regressionStep, tinyNet } from './helpers/tiny_net.js';
import { maxRelativeError } from './helpers/index.js';

const root = mkdtempSync(join(tmpdir(), 'segaware-ckpt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `run${n++}`);

describe('fileSystemIO', () => {
  it('round-trips a model in the tfjs-node layout', async () => {
    const dir = fresh();
    const model = tinyNet(7);
    await model.save(fileSystemIO(dir));
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const again = await tfl.loadLayersModel(fileSystemIO(join(dir, 'model.json')));
    const x = tf.randomNormal([1, 8, 8, 3], 0, 1, 'float32', 1);
    const a = model.predict(x) as tf.Tensor;
    const b = again.predict(x) as tf.Tensor;
    expect(maxRelativeError(a.dataSync(), b.dataSync())).toBe(0);
    tf.dispose([x, a, b]);
  });

  it('reads files written by tfjs-node (model.json with a relative weights path)', async () => {
    // tfjs-node writes {"modelTopology", "weightsManifest":[{"paths":["weights.bin"],...}], "format", "generatedBy", "convertedBy"}
    const dir = fresh();
    const model = tinyNet(8);
    await model.save(fileSystemIO(dir));
    const json = JSON.parse((await import('node:fs')).readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.format).toBe('layers-model');
    expect(Object.keys(json).sort()).toEqual(['convertedBy', 'format', 'generatedBy', 'modelTopology', 'weightsManifest']);
  });

  it('names the missing directory', async () => {
    await expect(tfl.loadLayersModel(fileSystemIO(join(root, 'nope')))).rejects.toThrow(/nope.*does not exist/);
  });
});

describe.each(['wasm', 'cpu'])('checkpoints on %s', (backend) => {
  it('a run resumed from step k reaches the same weights as an uninterrupted run', async () => {
    await tf.setBackend(backend);
    const total = 6;
    const k = 3;
    // uninterrupted
    const a = tinyNet(11);
    const aOpt = tf.train.adam(1e-2);
    const aRng = new SeededRandom(42);
    for (let i = 0; i < total; i++) regressionStep(a, aOpt, aRng);

    // interrupted at k, resumed into freshly built (differently initialised) objects
    const dir = fresh();
    const b = tinyNet(11);
    const bOpt = tf.train.adam(1e-2);
    const bRng = new SeededRandom(42);
    for (let i = 0; i < k; i++) regressionStep(b, bOpt, bRng);
    await saveCheckpoint(dir, { models: { g: b }, optimizers: { g: bOpt }, rng: { data: bRng }, step: k, extra: { note: 'hi' } });
    const rngAtSave = bRng.getState();
    b.dispose();
    bOpt.dispose();

    const c = tinyNet(99);
    const cOpt = tf.train.adam(1e-2);
    const cRng = new SeededRandom(0);
    const before = tf.memory().numTensors;
    const loaded = await loadCheckpoint(dir, { models: { g: c }, optimizers: { g: cOpt }, rng: { data: cRng } });
    expect(loaded.step).toBe(k);
    expect(loaded.extra).toEqual({ note: 'hi' });
    expect(cRng.getState()).toBe(rngAtSave);
    // the restored Adam state (m, v per variable) must be the only new tensors
    expect(tf.memory().numTensors - before).toBe(2 * c.trainableWeights.length);
    for (let i = k; i < total; i++) regressionStep(c, cOpt, cRng);

    const wa = flatWeights(a);
    const wc = flatWeights(c);
    expect(maxRelativeError(wc, wa)).toBeLessThanOrEqual(1e-6);
    // bit-exact, because Adam's running β-powers are saved too (setWeights alone recomputes them with pow)
    expect(Array.from(wc)).toEqual(Array.from(wa));
    for (const m of [a, c]) m.dispose();
    aOpt.dispose();
    cOpt.dispose();
  });
});

describe('checkpoint safety', () => {
  it('a failure during a save leaves the previous checkpoint loadable', async () => {
    const dir = fresh();
    const model = tinyNet(3);
    const opt = tf.train.adam(1e-2);
    const rng = new SeededRandom(1);
    regressionStep(model, opt, rng);
    await saveCheckpoint(dir, { models: { g: model }, optimizers: { g: opt }, step: 1 });
    const saved = flatWeights(model);
    regressionStep(model, opt, rng);
    // duck-typed like tfjs's own Optimizer instanceof check
    const broken = { getWeights: () => Promise.reject(new Error('disk full')), getClassName: () => 'Adam', minimize() {}, computeGradients() {}, applyGradients() {} };
    await expect(saveCheckpoint(dir, { models: { g: model }, optimizers: { bad: broken as unknown as tf.Optimizer }, step: 2 })).rejects.toThrow('disk full');
    const target = tinyNet(4);
    const loaded = await loadCheckpoint(dir, { models: { g: target } });
    expect(loaded.step).toBe(1);
    expect(maxRelativeError(flatWeights(target), saved)).toBe(0);
    expect(readdirSync(dir).filter((e) => e.startsWith('.tmp-'))).toEqual([]);
    model.dispose();
    target.dispose();
    opt.dispose();
  });

  it('a process killed at random moments while saving never corrupts the latest checkpoint', async () => {
    const dir = fresh();
    const script = join(root, 'saver.mts');
    writeFileSync(
      script,
      `import { tf, tfl } from ${JSON.stringify(join(process.cwd(), 'src/tf.ts'))};
import { saveCheckpoint } from ${JSON.stringify(join(process.cwd(), 'src/train/checkpoint.ts'))};
await tf.setBackend('cpu');
const input = tfl.input({ shape: [256] });
const out = tfl.layers.dense({ units: 2048 }).apply(input) as tfl.SymbolicTensor;
const model = tfl.model({ inputs: input, outputs: out });
for (let step = 1; ; step++) {
  model.setWeights(model.getWeights().map((w) => tf.fill(w.shape, step)));
  await saveCheckpoint(${JSON.stringify(dir)}, { models: { m: model }, step, extra: { step } });
  process.stdout.write('saved ' + step + '\\n');
}
`,
    );
    for (let trial = 0; trial < 4; trial++) {
      const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let saves = 0;
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await new Promise<void>((res) => {
        child.stdout.on('data', (d: Buffer) => {
          saves += (d.toString().match(/saved/g) ?? []).length;
          // kill mid-way through a later save, at a varying moment
          if (saves >= 1 + trial) setTimeout(() => child.kill('SIGKILL'), 3 + 7 * trial);
        });
        child.on('exit', () => res());
      });
      expect(saves, stderr).toBeGreaterThan(0);
      expect(await latestCheckpoint(dir)).not.toBeNull();
      const input = tfl.input({ shape: [256] });
      const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 2048 }).apply(input) as tfl.SymbolicTensor });
      const loaded = await loadCheckpoint(dir, { models: { m: model } });
      const w = model.getWeights()[0]!.dataSync();
      // every value of a loaded checkpoint belongs to the step it claims: no torn writes
      expect(w[0]).toBe((loaded.extra as { step: number }).step);
      expect(w[w.length - 1]).toBe(loaded.step);
      model.dispose();
    }
  }, 120_000);

  it('names a missing checkpoint directory', async () => {
    await expect(loadCheckpoint(join(root, 'missing-dir'), {})).rejects.toThrow(NotFoundError);
    await expect(loadCheckpoint(join(root, 'missing-dir'), {})).rejects.toThrow(/missing-dir does not exist/);
    const empty = fresh();
    (await import('node:fs')).mkdirSync(empty);
    await expect(loadCheckpoint(empty, {})).rejects.toThrow(/no checkpoint in/);
  });

  it('rejects a checkpoint whose weights do not match the model, naming the first mismatch, and leaves the model unchanged', async () => {
    const dir = fresh();
    await saveCheckpoint(dir, { models: { g: tinyNet(1) }, step: 5 });
    const other = tinyNet(2, 4); // 4 input channels instead of 3
    const before = flatWeights(other);
    const err = await loadCheckpoint(dir, { models: { g: other } }).catch((e) => e);
    expect(err).toBeInstanceOf(MismatchError);
    expect(String(err.message)).toMatch(/weight 0 .*shape \[4,4,4,6\].*shape \[4,4,3,6\]/);
    expect(maxRelativeError(flatWeights(other), before)).toBe(0);
    await expect(loadCheckpoint(dir, { models: { d: other } })).rejects.toThrow(/no model "d" \(it has: g\)/);
    await expect(loadCheckpoint(dir, { optimizers: { g: tf.train.sgd(0.1) } })).rejects.toThrow(/no optimizer "g"/);
  });

  it('keeps only the newest checkpoints', async () => {
    const dir = fresh();
    const m = tinyNet(1);
    for (const step of [10, 20, 30]) await saveCheckpoint(dir, { models: { m }, step }, { keep: 2 });
    expect(readdirSync(dir).sort()).toEqual(['latest.json', 'step-00000020', 'step-00000030']);
    expect(existsSync(join(dir, 'step-00000030', 'models', 'm', 'model.json'))).toBe(true);
  });
});
