/**
 * Child process of test/checkpoint_sigkill.test.ts: saves checkpoints of a
 * tiny model + Adam in a loop (weights a deterministic function of the step,
 * every third step saved twice to exercise the same-step re-save), printing
 * `saved <step>` after each completed save, until it is killed.
 *
 * Usage: node --import tsx test/helpers/checkpoint_saver.ts <dir> <firstStep> <keep>
 */
import { tf } from '../../src/tf.js';
import { saveCheckpoint } from '../../src/train/checkpoint.js';
import { SeededRandom } from '../../src/ops/rng.js';
import { regressionStep, tinyNet } from './tiny_net.js';
import { setStep } from './checkpoint_step_weights.js';

const [dir, first, keep] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
await tf.setBackend('cpu');
const model = tinyNet(1);
const opt = tf.train.adam(1e-2);
regressionStep(model, opt, new SeededRandom(1)); // creates the Adam slots
setTimeout(() => process.exit(3), 30_000).unref(); // never outlive a broken test
// one save elsewhere first, so the kill (timed from "ready") lands in warm, steady-state saves
await saveCheckpoint(`${dir}.warm`, { models: { g: model }, optimizers: { g: opt }, step: 0 }, { keep: 1 });
process.stdout.write('ready\n');
for (let step = first; ; step++) {
  setStep(model, opt, step);
  for (let copy = 0; copy < (step % 3 === 0 ? 2 : 1); copy++) {
    await saveCheckpoint(dir, { models: { g: model }, optimizers: { g: opt }, step, extra: { step } }, { keep });
    process.stdout.write(`saved ${step}\n`);
  }
}
