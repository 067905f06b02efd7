/**
 * Deterministic model weights and Adam slots for checkpoint step `step`, so
 * the SIGKILL test can recompute bit-for-bit what a killed child saved.
 */
import { tf, tfl } from '../../src/tf.js';

const value = (step: number, offset: number, i: number, j: number) => Math.fround(Math.sin(step * 7.13 + offset + i * 1.7 + j * 0.31));

/** Weights of `model` for `step` (one Float32Array per weight, in `model.weights` order). */
export function stepWeights(step: number, shapes: number[][]): Float32Array[] {
  return shapes.map((shape, i) => Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, (_, j) => value(step, 0, i, j)));
}

/** Adam's m (offset 100) and v (offset 200, non-negative) for `step`. */
export function stepSlots(step: number, shapes: number[][]): { m: Float32Array[]; v: Float32Array[] } {
  return {
    m: shapes.map((shape, i) => Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, (_, j) => value(step, 100, i, j))),
    v: shapes.map((shape, i) => Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, (_, j) => Math.abs(value(step, 200, i, j)))),
  };
}

interface AdamSlots {
  accumulatedFirstMoment: { variable: tf.Variable }[];
  accumulatedSecondMoment: { variable: tf.Variable }[];
}

/** Sets `model`'s weights and `opt`'s Adam slots (which must exist: run one step first) to those of `step`. */
export function setStep(model: tfl.LayersModel, opt: tf.Optimizer, step: number): void {
  const shapes = model.trainableWeights.map((w) => w.shape as number[]);
  const w = stepWeights(step, model.weights.map((x) => x.shape as number[]));
  const ts = w.map((a, i) => tf.tensor(a, model.weights[i]!.shape as number[]));
  model.setWeights(ts);
  tf.dispose(ts);
  const { m, v } = stepSlots(step, shapes);
  const a = opt as unknown as AdamSlots;
  tf.tidy(() => {
    a.accumulatedFirstMoment.forEach((s, i) => s.variable.assign(tf.tensor(m[i]!, shapes[i])));
    a.accumulatedSecondMoment.forEach((s, i) => s.variable.assign(tf.tensor(v[i]!, shapes[i])));
  });
}
