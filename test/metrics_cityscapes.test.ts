import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import { CITYSCAPES_AVG_CLASS_SIZE, CityscapesEvaluator } from '../src/metrics/index.js';
import * as segaware from '../src/index.js';

// One 3×6 image, by pixel: GT labelId, GT instanceId, predicted labelId.
//  0: road  → car          6: person#1 → person     12: road → parking (ignored label predicted: FN road)
//  1: road  → road         7: person#1 → rider      13: road → road
//  2: road  → sidewalk     8: void → car (no FP)     14: sky → sky
//  3: car#1 → car          9: void → road (no FP)    15: sky → sky
//  4: car#1 → car         10: car#2 → car           16: void → sky (no FP)
//  5: car#1 → road        11: car#2 → car           17: parking (ignored GT) → road (no FP)
const gt = [7, 7, 7, 26, 26, 26, 24, 24, 0, 0, 26, 26, 7, 7, 23, 23, 0, 9];
const inst = [7, 7, 7, 26001, 26001, 26001, 24001, 24001, 0, 0, 26002, 26002, 7, 7, 23, 23, 0, 9];
const pred = [26, 7, 8, 26, 26, 7, 24, 25, 26, 7, 26, 26, 9, 7, 23, 23, 23, 7];

// By hand (TP, FP, FN):
// road (2, 1 [pixel 5], 3) = 1/3; sidewalk (0, 1, 0) = 0 (predicted, absent from GT); car (4, 1 [pixel 0], 1) = 2/3;
// person (1, 0, 1) = 1/2; rider (0, 1, 0) = 0; sky (2, 0, 0) = 1; every other class NaN (skipped).
const A = CITYSCAPES_AVG_CLASS_SIZE.car!;
// (the person weight P = avgClassSize.person cancels: tpW = fnW = P/2)
// car instances of sizes 3 (2 TP, 1 FN) and 2 (2 TP): tpW = 2·A/3 + 2·A/2 = 5A/3, fnW = A/3, FP = 1.
const carInst = (5 * A) / 3 / ((5 * A) / 3 + 1 + A / 3);
// person instance of size 2: FP = 0 → 1/2; rider: tpW = fnW = 0, FP = 1 → 0.
const expectedClass = { road: 1 / 3, sidewalk: 0, car: 2 / 3, person: 0.5, rider: 0, sky: 1 };
// categories: flat (TP 3, FP 1, FN 2) = 1/2; sky 1; human (TP 2 incl. rider-on-person, 0, 0) = 1; vehicle 4/6.
const expectedCategory = { flat: 0.5, sky: 1, human: 1, vehicle: 2 / 3 };

function check(r: ReturnType<CityscapesEvaluator['compute']>): void {
  for (const [name, v] of Object.entries(expectedClass)) expect(r.classIou[name], name).toBeCloseTo(v, 12);
  for (const name of ['wall', 'truck', 'bicycle', 'vegetation']) expect(Number.isNaN(r.classIou[name]!), name).toBe(true);
  expect(r.iouClass).toBeCloseTo(2.5 / 6, 12);
  expect(r.classInstIou.car).toBeCloseTo(carInst, 12);
  expect(r.classInstIou.person).toBeCloseTo(0.5, 12);
  expect(r.classInstIou.rider).toBe(0);
  expect(Object.keys(r.classInstIou).sort()).toEqual(['bicycle', 'bus', 'car', 'motorcycle', 'person', 'rider', 'train', 'truck']);
  expect(Number.isNaN(r.classInstIou.truck!)).toBe(true);
  expect(r.iiouClass).toBeCloseTo((carInst + 0.5 + 0) / 3, 12);
  for (const [name, v] of Object.entries(expectedCategory)) expect(r.categoryIou[name], name).toBeCloseTo(v, 12);
  expect(Number.isNaN(r.categoryIou.construction!)).toBe(true);
  expect(r.iouCategory).toBeCloseTo((0.5 + 1 + 1 + 2 / 3) / 4, 12);
  // human instance: person#1 predicted person + rider = 2 category TPs → 1; vehicle as car.
  expect(r.categoryInstIou).toEqual({ human: 1, vehicle: carInst });
  expect(r.iiouCategory).toBeCloseTo((1 + carInst) / 2, 12);
}

describe('CityscapesEvaluator (cityscapesScripts evalPixelLevelSemanticLabeling)', () => {
  it('reproduces hand-computed IoU / iIoU on classes and categories', () => {
    const ev = new CityscapesEvaluator();
    ev.update({ data: Uint8Array.from(pred), shape: [3, 6] }, { data: Uint8Array.from(gt), shape: [3, 6] }, { data: Int32Array.from(inst), shape: [3, 6] });
    const r = ev.compute();
    expect(r.pixels).toBe(18);
    expect(r.matrix[7]![9]).toBe(1);
    check(r);
  });

  it('a batch [N,H,W] keeps instances per image; merge and tensors agree', () => {
    // same image twice: every weighted quantity doubles, so the scores are unchanged.
    const ev = new CityscapesEvaluator();
    const twice = (v: number[]) => Int32Array.from([...v, ...v]);
    const tp = tf.tensor(twice(pred), [2, 3, 6], 'int32');
    ev.update(tp, { data: twice(gt), shape: [2, 3, 6] }, { data: twice(inst), shape: [2, 3, 6] });
    tp.dispose();
    check(ev.compute());
    const a = new CityscapesEvaluator();
    const b = new CityscapesEvaluator();
    a.update(Int32Array.from(pred), Int32Array.from(gt), Int32Array.from(inst));
    b.update(Int32Array.from(pred), Int32Array.from(gt), Int32Array.from(inst));
    const merged = CityscapesEvaluator.fromJSON(JSON.parse(JSON.stringify(a.toJSON()))).merge(b);
    check(merged.compute());
    expect(merged.compute().pixels).toBe(36);
  });

  it('a larger instance of the same class weighs less per pixel', () => {
    // two cars: 1 pixel missed out of 4 and 1 missed out of 1 (FP 0): tpW = 3A/4, fnW = A/4 + A → 3/4 / (2) = 0.375
    const ev = new CityscapesEvaluator();
    ev.update(new Uint8Array([26, 26, 26, 0, 0]), new Uint8Array([26, 26, 26, 26, 26]), new Int32Array([26001, 26001, 26001, 26001, 26002]));
    const r = ev.compute();
    expect(r.classIou.car).toBeCloseTo(3 / 5, 12);
    expect(r.classInstIou.car).toBeCloseTo(0.75 / 2, 12);
  });

  it('the package root exports the evaluator with the label table helpers', () => {
    expect(segaware.CityscapesEvaluator).toBe(CityscapesEvaluator);
    expect(segaware.CITYSCAPES_TRAIN_CLASSES.map((c) => c.name).slice(0, 3)).toEqual(['road', 'sidewalk', 'building']);
    expect(Array.from(segaware.labelIdToTrainId(new Uint8Array([7, 26, 0, 33])))).toEqual([0, 13, 255, 18]);
    expect(Array.from(segaware.trainIdToLabelId(new Uint8Array([0, 13, 255])))).toEqual([7, 26, 0]);
    expect(Array.from(segaware.colorize(new Uint8Array([0])))).toEqual([128, 64, 128]);
    expect(Object.keys(CITYSCAPES_AVG_CLASS_SIZE)).toHaveLength(10);
  });

  it('rejects ids outside the label table and mismatched shapes', () => {
    const ev = new CityscapesEvaluator();
    // issue 15: (prediction, target, targetInstances), labelled `CityscapesEvaluator.update: …`
    expect(() => ev.update(new Uint8Array([255]), new Uint8Array([7]))).toThrow(/invalid CityscapesEvaluator\.update: prediction: expected Cityscapes labelIds in \[0, 33\].*trainIdToLabelId/);
    expect(() => ev.update(new Uint8Array([7]), new Uint8Array([40]))).toThrow(/invalid CityscapesEvaluator\.update: target: expected Cityscapes labelIds/);
    expect(() => ev.update(new Uint8Array([7]), new Uint8Array([7]), new Int32Array([40001]))).toThrow(/invalid CityscapesEvaluator\.update: targetInstances: expected instance ids/);
    expect(() => ev.update(new Uint8Array([7, 7]), new Uint8Array([7]))).toThrow(/invalid CityscapesEvaluator\.update: prediction\/target: expected as many labels/);
    expect(() => ev.update(new Uint8Array([7]), new Uint8Array([7]), new Int32Array([7, 7]))).toThrow(/invalid CityscapesEvaluator\.update: targetInstances\/target: expected the same number of pixels/);
    expect(ev.compute().pixels).toBe(0);
  });
});
