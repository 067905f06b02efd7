import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../src/errors.js';
import { tf } from '../src/tf.js';
import { RunLog, runLogCurves } from '../src/train/index.js';

const dir = mkdtempSync(join(tmpdir(), 'segaware-runlog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('RunLog', () => {
  it('round-trips every term with step and wall time, NaN/Inf included', () => {
    const path = join(dir, 'a', 'run.jsonl');
    const log = new RunLog(path);
    log.log(1, { d_total: 0.6931, g_l1: 0.125, lr: 2e-4, phase: 'stage1' });
    log.log(2, { d_total: Number.NaN, g_l1: Infinity, ok: false, note: null });
    const back = RunLog.read(path);
    expect(back).toHaveLength(2);
    expect(back[0]).toMatchObject({ step: 1, d_total: 0.6931, g_l1: 0.125, lr: 2e-4, phase: 'stage1' });
    expect(back[1]!.step).toBe(2);
    expect(Number.isNaN(back[1]!.d_total)).toBe(true);
    expect(back[1]!.g_l1).toBe(Infinity);
    expect(back[1]).toMatchObject({ ok: false, note: null });
    expect(typeof back[0]!.wallTime).toBe('number');
    expect(back[1]!.wallTime).toBeGreaterThanOrEqual(back[0]!.wallTime);
    expect(Number.isNaN(Date.parse(back[0]!.time))).toBe(false);
    // the file is plain JSONL with non-finite values as strings
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!).d_total).toBe('NaN');
    expect(log.length).toBe(2);
    expect(RunLog.series(back, 'g_l1')).toEqual({ x: [1, 2], y: [0.125, Infinity] });
    expect(RunLog.series(back, 'phase')).toEqual({ x: [], y: [] });
  });

  it('starts fresh by default, appends with append: true, and continues the wall time', async () => {
    const path = join(dir, 'b.jsonl');
    const first = new RunLog(path);
    first.log(1, { loss: 3 });
    await new Promise((r) => setTimeout(r, 30));
    first.log(2, { loss: 2 });
    const wall2 = RunLog.read(path)[1]!.wallTime;
    expect(wall2).toBeGreaterThanOrEqual(0.02);
    const resumed = new RunLog(path, { append: true });
    expect(resumed.length).toBe(2);
    resumed.log(3, { loss: 1 });
    const all = RunLog.read(path);
    expect(all.map((e) => e.step)).toEqual([1, 2, 3]);
    expect(all[2]!.wallTime).toBeGreaterThanOrEqual(wall2);
    new RunLog(path).log(1, { loss: 9 }); // no append: replaced
    expect(RunLog.read(path).map((e) => e.loss)).toEqual([9]);
  });

  it('resumeFrom drops the entries after the checkpoint step and tolerates a torn last line', () => {
    const path = join(dir, 'c.jsonl');
    const log = new RunLog(path);
    for (let s = 1; s <= 5; s++) log.log(s, { loss: 10 - s });
    appendFileSync(path, '{"step":6,"wallTi'); // killed mid-write
    expect(RunLog.read(path).map((e) => e.step)).toEqual([1, 2, 3, 4, 5]);
    const resumed = new RunLog(path, { resumeFrom: 3 });
    expect(resumed.length).toBe(3);
    resumed.log(4, { loss: 6 });
    expect(RunLog.read(path).map((e) => e.step)).toEqual([1, 2, 3, 4]);
  });

  it('memory: true logs tf.memory() so tensor growth is visible', () => {
    const path = join(dir, 'd.jsonl');
    const log = new RunLog(path, { memory: true });
    const e1 = log.log(1, {});
    const t = tf.zeros([4]);
    const e2 = log.log(2, {});
    t.dispose();
    expect(e2.numTensors).toBe((e1.numTensors as number) + 1);
    expect(e2.numBytes).toBe((e1.numBytes as number) + 16);
    expect(RunLog.read(path)[1]!.numTensors).toBe(e2.numTensors);
  });

  it('validates its inputs', () => {
    const log = new RunLog(join(dir, 'e.jsonl'));
    expect(() => log.log(-1, {})).toThrow(/step/);
    expect(() => log.log(1, { step: 3 })).toThrow(/values\.step/);
    expect(() => log.log(1, { x: [1] as never })).toThrow(/values\.x/);
    expect(() => RunLog.read(join(dir, 'missing.jsonl'))).toThrow(NotFoundError);
    expect(() => new RunLog('')).toThrow(/path/);
  });
});

describe('runLogCurves', () => {
  it('groups keys into report curves by name list or RegExp', () => {
    const path = join(dir, 'curves.jsonl');
    const log = new RunLog(path);
    for (let s = 1; s <= 4; s++) log.log(s, { d_total: s, d_gp: s / 10, g_total: 10 - s, phase: 'x', ...(s > 2 ? { lr: 0.1 } : {}) });
    const curves = runLogCurves(RunLog.read(path), { disc: /^d_/, gen: ['g_total', 'missing'], lr: ['lr'], none: ['nope'] }, { logY: ['gen'] });
    expect(curves.map((c) => [c.title, c.series.map((s) => s.name), c.logY])).toEqual([
      ['disc', ['d_total', 'd_gp'], false],
      ['gen', ['g_total'], true],
      ['lr', ['lr'], false],
    ]);
    expect(curves[2]!.series[0]).toEqual({ name: 'lr', x: [3, 4], y: [0.1, 0.1] });
    expect(curves[0]!.smooth).toBe(0);
    expect(() => runLogCurves(RunLog.read(path), { bad: 'd_total' as never })).toThrow(/groups/);
  });
});
