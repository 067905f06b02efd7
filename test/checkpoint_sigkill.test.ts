// SIGKILL during saves: a child process saves checkpoints of a tiny model +
// Adam in a loop (weights and slots a deterministic function of the step,
// every third step re-saved) and is killed at a random moment; then
// loadCheckpoint must load a step at least as new as the last one the child
// reported saved, bit-equal to what the child saved for it — or throw
// NotFoundError if no save had completed. Never garbage, never another error.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import { loadCheckpoint, saveCheckpoint } from '../src/index.js';
import { NotFoundError } from '../src/errors.js';
import { stepSlots, stepWeights } from './helpers/checkpoint_step_weights.js';
import { regressionStep, tinyNet } from './helpers/tiny_net.js';
import { SeededRandom } from '../src/ops/rng.js';

const root = mkdtempSync(join(tmpdir(), 'segaware-ckpt-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs one child from `first`, kills it `delayMs` after it is ready; returns the steps it reported saved. */
function runChild(dir: string, first: number, keep: number, delayMs: number): Promise<{ saved: number[]; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join('test', 'helpers', 'checkpoint_saver.ts'), dir, String(first), String(keep)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const saved: number[] = [];
  let stderr = '';
  let out = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), delayMs);
        const m = /^saved (\d+)$/.exec(line);
        if (m) saved.push(Number(m[1]));
      }
    });
    child.on('exit', () => resolve({ saved, stderr }));
  });
}

const TRIALS = 20;
/** Independent run directories saved into concurrently, so the trials' process start-ups overlap. */
const LANES = 4;

interface Outcomes {
  notFound: number;
  lastReported: number;
  newerThanReported: number;
  fromOldCopy: number;
  skippedSteps: number;
}

/** `trials` kills of children saving into `dir`; after each, the checkpoint must load exactly. */
async function lane(lane: number, trials: number, outcomes: Outcomes): Promise<void> {
  const dir = join(root, `run${lane}`);
  let s = 2026 + lane;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  let lastReported = 0;
  let next = 1;
  const shapes = tinyNet(1).weights.map((w) => w.shape as number[]);
  for (let trial = 0; trial < trials; trial++) {
    const label = `lane ${lane} trial ${trial}`;
    const keep = trial % 2 === 0 ? 1 : 2;
    const delay = Math.floor(rand() * 300);
    const { saved, stderr } = await runChild(dir, next, keep, delay);
    expect(stderr, label).not.toMatch(/Error/);
    if (saved.length) lastReported = Math.max(lastReported, ...saved);

    const model = tinyNet(99);
    const opt = tf.train.adam(1e-2);
    regressionStep(model, opt, new SeededRandom(0)); // slots to be replaced
    let loaded;
    try {
      loaded = await loadCheckpoint(dir, { models: { g: model }, optimizers: { g: opt } }, { quiet: true });
    } catch (err) {
      // nothing completed yet is the only acceptable failure
      expect(err, `${label} (delay ${delay} ms)`).toBeInstanceOf(NotFoundError);
      expect(lastReported, label).toBe(0);
      outcomes.notFound++;
      model.dispose();
      opt.dispose();
      continue;
    }
    expect(loaded.step, label).toBeGreaterThanOrEqual(lastReported);
    expect(loaded.extra, label).toEqual({ step: loaded.step });
    const want = stepWeights(loaded.step, shapes);
    model.getWeights().forEach((w, i) => expect(Array.from(w.dataSync()), `${label} weight ${i}`).toEqual(Array.from(want[i]!)));
    const { m, v } = stepSlots(loaded.step, shapes);
    const named = await opt.getWeights();
    const slots = named.filter((x) => x.name !== 'iter').map((x) => Array.from(x.tensor.dataSync()));
    tf.dispose(named.filter((x) => x.name === 'iter').map((x) => x.tensor));
    expect(slots, label).toEqual([...m, ...v].map((a) => Array.from(a)));
    if (loaded.step === lastReported) outcomes.lastReported++;
    else outcomes.newerThanReported++;
    if (/\.old-/.test(loaded.path)) outcomes.fromOldCopy++;
    if (loaded.skipped.length) outcomes.skippedSteps++;
    lastReported = loaded.step;
    next = loaded.step + 1;
    model.dispose();
    opt.dispose();
  }
  // one clean save afterwards removes whatever the killed children left behind
  const g = tinyNet(1);
  await saveCheckpoint(dir, { models: { g }, step: next }, { keep: 1 });
  expect(readdirSync(dir).sort()).toEqual(['latest.json', `step-${String(next).padStart(8, '0')}`]);
  g.dispose();
}

it(`a child killed with SIGKILL at random moments while saving: ${TRIALS} trials, always the last completed step or newer, bit-exact`, async () => {
  const outcomes: Outcomes = { notFound: 0, lastReported: 0, newerThanReported: 0, fromOldCopy: 0, skippedSteps: 0 };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i, TRIALS / LANES, outcomes)));
  console.log(`[sigkill] ${TRIALS} trials in ${((performance.now() - t0) / 1000).toFixed(1)} s:`, JSON.stringify(outcomes));
  expect(outcomes.notFound + outcomes.lastReported + outcomes.newerThanReported).toBe(TRIALS);
  expect(outcomes.lastReported + outcomes.newerThanReported).toBeGreaterThan(TRIALS / 2);
}, 120_000);
