import { describe, expect, it } from 'vitest';
import { formatDuration, formatTerm } from '../src/train/progress.js';
import { createProgress } from '../src/train/index.js';

function sink(isTTY = false) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 120, write: (s: string) => (chunks.push(s), true) } };
}

describe('createProgress', () => {
  it('prints plain periodic lines with step, ETA and the loss terms when not a TTY', () => {
    const { chunks, stream } = sink(false);
    const p = createProgress({ total: 10, title: 'dfs', stream, everySteps: 4, everySeconds: 0, quiet: false });
    for (let s = 1; s <= 10; s++) p.update(s, { d_total: 0.69314, g_l1: 1.5e-5 });
    p.stop();
    p.stop();
    const lines = chunks.join('').trim().split('\n');
    expect(lines).toHaveLength(3); // steps 4, 8 and the final 10
    expect(lines[0]).toMatch(/^dfs step 4\/10 \(40\.0%\) \| [\d.]+ it\/s \| elapsed \d+s \| ETA \S+ \| d_total=0\.6931 g_l1=1\.50e-5$/);
    expect(lines[2]).toMatch(/^dfs step 10\/10 \(100\.0%\) .*ETA 0s/);
    expect(chunks.join('').includes('\u001b[')).toBe(false); // no terminal escapes in CI logs
  });

  it('counts from startStep on resume and prints the last step on stop', () => {
    const { chunks, stream } = sink(false);
    const p = createProgress({ total: 100, startStep: 50, stream, everySteps: 20, everySeconds: 0, quiet: false });
    for (let s = 51; s <= 75; s++) p.update(s, { loss: 1 });
    p.log('checkpoint saved');
    p.stop();
    const lines = chunks.join('').trim().split('\n');
    expect(lines.map((l) => l.match(/step (\d+)/)?.[1] ?? l)).toEqual(['70', 'checkpoint saved', '75']);
  });

  it('draws a cli-progress bar with ETA and terms on a TTY', () => {
    const { chunks, stream } = sink(true);
    const p = createProgress({ total: 5, title: 'gan', stream, quiet: false });
    for (let s = 1; s <= 5; s++) p.update(s, { g_total: 2.5 });
    p.stop();
    const out = chunks.join('');
    expect(out).toMatch(/gan \[/);
    expect(out).toMatch(/5\/5/);
    expect(out).toMatch(/ETA/);
    expect(out).toMatch(/g_total=2\.5/);
  });

  it('is silent when quiet and validates its options', () => {
    const { chunks, stream } = sink(false);
    const p = createProgress({ total: 3, stream, quiet: true });
    p.update(3, { a: 1 });
    p.stop();
    expect(chunks).toEqual([]);
    expect(() => createProgress({ total: 0, stream })).toThrow(/total/);
    expect(() => p.update(4)).toThrow(/step/);
  });

  it('formats terms and durations compactly', () => {
    expect(formatTerm(0.123456)).toBe('0.1235');
    expect(formatTerm(12345.6)).toBe('1.23e+4');
    expect(formatTerm(Number.NaN)).toBe('NaN');
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3725)).toBe('1h02m');
  });
});
