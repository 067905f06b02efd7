import { describe, expect, it } from 'vitest';
import { tf } from '../src/tf.js';
import { ConfusionMatrix } from '../src/metrics/index.js';
import { InvalidArgumentError } from '../src/errors.js';
import { expectClose, expectNoLeaks, loadFixture } from './helpers/index.js';

interface Expected { matrix: number[][]; pixelAccuracy: number; meanAccuracy: number; meanIoU: number; fwIoU: number; accuracy: (number | null)[]; iou: (number | null)[]; dice: (number | null)[] }
interface Case { name: string; numClasses: number; shape: number[]; target: number[]; pred: number[]; expected: Expected }
const fixture = loadFixture<{ cases: Case[] }>('metrics_confusion.json');

const nanOrValue = (v: (number | null)[]) => v.map((x) => (x === null ? NaN : x));
function expectMetrics(cm: ConfusionMatrix, e: Expected): void {
  const r = cm.compute();
  expect(r.matrix).toEqual(e.matrix);
  for (const key of ['pixelAccuracy', 'meanAccuracy', 'meanIoU', 'fwIoU'] as const) expectClose(r[key], e[key], 1e-12, key);
  for (const key of ['accuracy', 'iou', 'dice'] as const) {
    const exp = nanOrValue(e[key]);
    expect(r[key].map(Number.isNaN), `${key} NaN pattern`).toEqual(exp.map(Number.isNaN));
    expectClose(r[key].filter((x) => !Number.isNaN(x)), exp.filter((x) => !Number.isNaN(x)), 1e-12, key);
  }
}

describe('ConfusionMatrix vs numpy bincount / sklearn', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: Int32Array, Uint8Array, tensors, {data, shape}`, () => {
      const variants: Array<[unknown, unknown]> = [
        [Int32Array.from(c.pred), Int32Array.from(c.target)],
        [Uint8Array.from(c.pred), Uint8Array.from(c.target)],
        [{ data: Uint16Array.from(c.pred), shape: c.shape }, { data: Int32Array.from(c.target), shape: c.shape }],
      ];
      for (const [p, t] of variants) {
        const cm = new ConfusionMatrix(c.numClasses);
        cm.update(p as Int32Array, t as Int32Array);
        expectMetrics(cm, c.expected);
      }
      const cm = new ConfusionMatrix(c.numClasses);
      const tp = tf.tensor(c.pred, c.shape, 'int32');
      const tt = tf.tensor(c.target, c.shape, 'int32');
      cm.update(tp, tt);
      tf.dispose([tp, tt]);
      expectMetrics(cm, c.expected);
    });
  }

  it('logits (tensor and host) are reduced by arg-max, without leaking tensors', async () => {
    const c = fixture.cases.find((x) => x.name === 'plain')!;
    const k = c.numClasses;
    const logits = new Float32Array(c.pred.length * k);
    c.pred.forEach((p, i) => {
      for (let j = 0; j < k; j++) logits[i * k + j] = j === p ? 2 : -1 + 0.1 * j;
    });
    const a = new ConfusionMatrix(k);
    const lt = tf.tensor(logits, [...c.shape, k]);
    const tt = tf.tensor(c.target, c.shape, 'int32');
    a.update(lt, tt);
    expectMetrics(a, c.expected);
    const b = new ConfusionMatrix(k);
    b.update({ data: logits, shape: [...c.shape, k] }, { data: Int32Array.from(c.target), shape: c.shape });
    expectMetrics(b, c.expected);
    await expectNoLeaks(() => {
      new ConfusionMatrix(k).update(lt, tt);
    });
    tf.dispose([lt, tt]);
  });

  it('merge of partial matrices equals one stream; toJSON/fromJSON round-trips', () => {
    const c = fixture.cases.find((x) => x.name === 'mixed')!;
    const half = c.pred.length / 2;
    const a = new ConfusionMatrix(c.numClasses);
    const b = new ConfusionMatrix(c.numClasses);
    a.update(Int32Array.from(c.pred.slice(0, half)), Int32Array.from(c.target.slice(0, half)));
    b.update(Int32Array.from(c.pred.slice(half)), Int32Array.from(c.target.slice(half)));
    const merged = ConfusionMatrix.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    merged.merge(b);
    expectMetrics(merged, c.expected);
    expect(() => a.merge(new ConfusionMatrix(c.numClasses + 1))).toThrow(/numClasses/);
    a.reset();
    expect(a.compute().total).toBe(0);
  });

  it('counts stay exact past 2^24 pixels per class (3·10^7 pixel stream)', () => {
    const cm = new ConfusionMatrix(3);
    const n = 1_000_000;
    const t = new Uint8Array(n);
    const p = new Uint8Array(n);
    p[17] = 1;
    for (let i = 0; i < 30; i++) cm.update(p, t);
    cm.update(new Uint8Array(31), new Uint8Array(31));
    const r = cm.compute();
    expect(r.total).toBe(30_000_031);
    expect(r.matrix[0]![0]).toBe(30_000_001);
    expect(r.matrix[0]![1]).toBe(30);
    expect(r.iou[0]).toBe(30_000_001 / 30_000_031);
    expect(r.iou[1]).toBe(0);
    expect(Number.isNaN(r.iou[2]!)).toBe(true);
  });

  it('updateParallel (worker threads on shared memory) equals the single-thread count', async () => {
    const n = (1 << 20) + 12345;
    const t = new Uint8Array(n);
    const p = new Uint8Array(n);
    let s = 7;
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      t[i] = s % 11 === 0 ? 255 : s % 5;
      p[i] = (s >> 8) % 6; // 5 is outside [0, 5): a miss
    }
    const a = new ConfusionMatrix(5);
    const b = new ConfusionMatrix(5);
    a.updateArrays(p, t);
    expect(await b.updateParallel(p, t, { workers: 3 })).toBe(a.compute().total);
    expect(b.toJSON().counts).toEqual(a.toJSON().counts);
    // unaligned views (byte-by-byte path) and equally misaligned views (word path after a head) agree
    const c = new ConfusionMatrix(5);
    c.updateArrays(p.subarray(1), t.subarray(1));
    c.updateArrays(p.subarray(0, 1), t.subarray(0, 1));
    expect(c.toJSON().counts).toEqual(a.toJSON().counts);
    const d = new ConfusionMatrix(5);
    const p2 = new Uint8Array(n + 3);
    p2.set(p, 2);
    d.updateArrays(p2.subarray(2, n + 2), t);
    expect(d.toJSON().counts).toEqual(a.toJSON().counts);
    t[n - 3] = 9;
    await expect(b.updateParallel(p, t, { workers: 3 })).rejects.toThrow(new RegExp(`index ${n - 3}`));
    expect(b.toJSON().counts).toEqual(a.toJSON().counts);
  }, 60_000);

  it('rejects bad input with clear errors and leaves the counts untouched', () => {
    const cm = new ConfusionMatrix(3);
    expect(() => cm.update(new Int32Array([0, 1, 2]), new Int32Array([0, 5, 1]))).toThrow(/target.*labels in \[0, 3\) or ignoreIndex 255.*index 1/);
    expect(() => cm.update(new Uint8Array([0, 1, 2]), new Uint8Array([0, 1, 7]))).toThrow(/dropInvalidTargets/);
    expect(cm.compute().total).toBe(0);
    const drop = new ConfusionMatrix(3, { dropInvalidTargets: true });
    expect(drop.update(new Int32Array([0, 1, 2]), new Int32Array([0, 5, -1]))).toBe(1);
    expect(() => cm.update(new Int32Array([0, 1]), new Int32Array([0, 1, 2]))).toThrow(/as many labels/);
    const f = tf.tensor([[0, 1]], [1, 2], 'float32');
    const i = tf.tensor([[0, 1]], [1, 2], 'int32');
    expect(() => cm.update(i, f)).toThrow(/int32 label tensor/);
    expect(() => cm.update(f, i)).toThrow(/logits/);
    const nanLogits = tf.tensor([[[0, NaN, 1], [1, 0, 0]]], [1, 2, 3]);
    expect(() => cm.update(nanLogits, i)).toThrow(/NaN/);
    expect(() => cm.update({ data: new Float32Array([0, NaN, 1, 1, 0, 0]), shape: [1, 2, 3] }, i)).toThrow(/NaN/);
    expect(() => cm.update({ data: new Float32Array([0, 1]), shape: [1, 2] }, i)).toThrow(/float label maps/);
    const big = tf.tensor([[0, 1, 0]], [1, 3], 'int32');
    expect(() => cm.update(big, i)).toThrow(/same shape/);
    expect(() => new ConfusionMatrix(0)).toThrow(InvalidArgumentError);
    expect(() => new ConfusionMatrix(3, { ignoreIndex: 1 })).toThrow(/ignoreIndex/);
    tf.dispose([f, i, nanLogits, big]);
    expect(cm.compute().total).toBe(0);
  });
});
