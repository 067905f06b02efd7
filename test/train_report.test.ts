import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotFoundError } from '../src/errors.js';
import { sniffImageType } from '../src/train/report_images.js';
import { niceTicks } from '../src/train/svg_line_plot.js';
import { RunLog, imageDataUri, lineChartSvg, markdownTable, writeReport, type ReportContent } from '../src/train/index.js';

const dir = mkdtempSync(join(tmpdir(), 'segaware-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 6×4 RGB gradient as raw pixels. */
function rawImage() {
  const data = new Uint8Array(6 * 4 * 3);
  for (let i = 0; i < 24; i++) data.set([i * 10, 255 - i * 10, 128], i * 3);
  return { data, width: 6, height: 4, channels: 3 as const };
}

async function content(): Promise<ReportContent> {
  const png = join(dir, 'sample.png');
  const raw = rawImage();
  await sharp(Buffer.from(raw.data), { raw }).png().toFile(png);
  const jpeg = new Uint8Array(await sharp(Buffer.from(raw.data), { raw }).jpeg().toBuffer());
  const log = new RunLog(join(dir, 'run.jsonl'));
  for (let s = 1; s <= 50; s++) log.log(s, { d_total: 0.7 - s * 0.004 + 0.02 * Math.sin(s), g_l1: 1 / s });
  const entries = log.entries();
  return {
    title: 'DFS <synthetic> & friends',
    subtitle: 'tiny run',
    tables: [
      {
        title: 'Test set',
        columns: ['method', 'PSNR', 'SSIM', 'mIoU'],
        rows: [
          ['Hazy', 14.123456, 0.7012, 0.41],
          ['Dehaze', 21.5, 0.8731, 0.47],
          ['DFS', 21.9, 0.8699, 0.52],
          ['GT(clear)', Infinity, 1, null],
        ],
        digits: 2,
        best: { SSIM: 'max', mIoU: 'max' },
        caption: 'held-out synthetic scenes',
      },
    ],
    curves: [
      { title: 'discriminator', series: [{ name: 'd_total', ...RunLog.series(entries, 'd_total') }], smooth: 0.6 },
      { title: 'generator L1', series: [{ name: 'g_l1', ...RunLog.series(entries, 'g_l1') }], logY: true, yLabel: 'L1' },
    ],
    images: [{ title: 'samples', columns: 3, items: [{ src: png, label: 'from file' }, { src: jpeg, label: 'jpeg bytes' }, { src: raw, label: 'raw pixels' }] }],
    summary: { steps: 50, seed: 1, finalPsnr: 21.9, config: { size: 64, batch: 2 }, diverged: Number.NaN },
    notes: ['DFS beats Dehaze on mIoU at this scale.'],
  };
}

describe('writeReport', () => {
  it('writes one self-contained HTML page with the table, SVG curves and embedded images, plus summary.json and Markdown', async () => {
    const out = join(dir, 'report');
    const paths = await writeReport(out, await content());
    expect(paths).toEqual({ html: join(out, 'report.html'), markdown: join(out, 'report.md'), summary: join(out, 'summary.json') });
    const html = readFileSync(paths.html, 'utf8');
    // structure
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>DFS &lt;synthetic&gt; &amp; friends</title>');
    expect((html.match(/<svg /g) ?? []).length).toBe(2);
    expect((html.match(/<path class="series" data-name="(d_total|g_l1)" d="M/g) ?? []).length).toBe(2);
    expect(html).toMatch(/<table><thead><tr><th>method<\/th><th class="num">PSNR<\/th>/);
    expect(html).toContain('<td class="num">14.12</td>');
    expect(html).toContain('<td class="num best">1</td>'); // best SSIM is the GT row's 1
    expect(html).toContain('<td class="num">0.87</td>');
    expect(html).toContain('<td class="num best">0.52</td>');
    expect(html).toContain('<td class="num">∞</td>');
    expect(html).toContain('DFS beats Dehaze on mIoU at this scale.');
    expect(html).toContain('(log scale)');
    // images embedded as data URIs: two PNG, one JPEG
    expect((html.match(/<img src="data:image\/png;base64,iVBORw0KGgo/g) ?? []).length).toBe(2);
    expect((html.match(/<img src="data:image\/jpeg;base64,\/9j\//g) ?? []).length).toBe(1);
    // self-contained: no reference to anything outside the file
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/(src|href)\s*=\s*"(?!data:)/);
    expect(html).not.toMatch(/url\(|@import|<script|<link/);
    // summary.json
    const summary = JSON.parse(readFileSync(paths.summary, 'utf8'));
    expect(summary.title).toBe('DFS <synthetic> & friends');
    expect(summary.summary).toEqual({ steps: 50, seed: 1, finalPsnr: 21.9, config: { size: 64, batch: 2 }, diverged: 'NaN' });
    expect(summary.tables[0].rows[3]).toEqual(['GT(clear)', 'Infinity', 1, null]);
    // Markdown
    const md = readFileSync(paths.markdown, 'utf8');
    expect(md).toContain('# DFS <synthetic> & friends');
    expect(md).toContain('| method | PSNR | SSIM | mIoU |\n|---|---:|---:|---:|\n| Hazy | 14.12 | 0.70 | 0.41 |');
    expect(md).toContain('| DFS | 21.90 | 0.87 | **0.52** |');
    expect(md).toContain('| config | {"size":64,"batch":2} |');
  });

  it('validates its input before writing anything', async () => {
    const out = join(dir, 'bad');
    await expect(writeReport(out, { title: '' })).rejects.toThrow(/content\.title/);
    await expect(writeReport(out, { title: 't', tables: [{ columns: ['a', 'b'], rows: [[1]] }] })).rejects.toThrow(/tables\[0\]\.rows\[0\]/);
    await expect(writeReport(out, { title: 't', images: [{ items: [{ src: join(dir, 'nope.png') }] }] })).rejects.toThrow(NotFoundError);
    await expect(writeReport(out, { title: 't', curves: [{ title: 'c', series: [{ name: 's', x: [1, 2], y: [1] }] }] })).rejects.toThrow(/curves\[0\]/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('report pieces', () => {
  it('lineChartSvg breaks lines at non-finite values and handles empty data', () => {
    const svg = lineChartSvg({ title: 'x', series: [{ name: 'a', x: [1, 2, 3, 4, 5], y: [1, 2, Number.NaN, 4, 5] }] });
    const d = svg.match(/ d="([^"]+)"/)![1]!;
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(2);
    expect(lineChartSvg({ title: 'empty', series: [] })).toContain('no data');
    // decimation keeps the spike
    const n = 10000;
    const y = Array.from({ length: n }, (_, i) => (i === 7777 ? 100 : 1));
    const big = lineChartSvg({ title: 'big', series: [{ name: 'b', x: y.map((_, i) => i), y }] });
    const pts = big.match(/ d="([^"]+)"/)![1]!.split(/[ML]/).filter(Boolean).map((p) => p.split(' ').map(Number));
    expect(pts.length).toBeLessThanOrEqual(1500);
    expect(Math.min(...pts.map((p) => p[1]!))).toBeLessThan(50); // the spike reaches near the top
  });

  it('niceTicks gives 1-2-5 steps covering the range', () => {
    expect(niceTicks(0, 0.93, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 97, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(2, 2, 5).length).toBeGreaterThan(1);
  });

  it('bestExclude leaves reference rows out of the best-cell comparison', () => {
    const md = markdownTable({ columns: ['', 'mIoU'], rows: [['Hazy', 0.4], ['DFS', 0.5], ['GT', 0.6]], best: { mIoU: 'max' }, bestExclude: ['GT'], digits: 1 });
    expect(md).toContain('| DFS | **0.5** |');
    expect(md).toContain('| GT | 0.6 |');
  });

  it('markdownTable escapes pipes and bolds the best cell', () => {
    const md = markdownTable({ columns: ['a|b', 'v'], rows: [['x|y', 1.5], ['z', 0.25]], best: { v: 'min' }, digits: 2 });
    expect(md).toBe('| a\\|b | v |\n|---|---:|\n| x\\|y | 1.50 |\n| z | **0.25** |\n');
  });

  it('imageDataUri embeds PNG/JPEG as is, converts other formats and raw pixels to PNG', async () => {
    const raw = rawImage();
    const png = new Uint8Array(await sharp(Buffer.from(raw.data), { raw }).png().toBuffer());
    expect(await imageDataUri(png)).toBe(`data:image/png;base64,${Buffer.from(png).toString('base64')}`);
    const tiff = new Uint8Array(await sharp(Buffer.from(raw.data), { raw }).tiff({ compression: 'lzw' }).toBuffer());
    expect(sniffImageType(tiff)).toBeNull();
    const fromTiff = await imageDataUri(tiff);
    expect(fromTiff.startsWith('data:image/png;base64,')).toBe(true);
    const decoded = await sharp(Buffer.from(fromTiff.split(',')[1]!, 'base64')).raw().toBuffer({ resolveWithObject: true });
    expect(decoded.info.width).toBe(6);
    expect(Array.from(decoded.data)).toEqual(Array.from(raw.data));
    const fromRaw = await imageDataUri(raw);
    const back = await sharp(Buffer.from(fromRaw.split(',')[1]!, 'base64')).raw().toBuffer();
    expect(Array.from(back)).toEqual(Array.from(raw.data)); // lossless
    await expect(imageDataUri({ ...raw, width: 5 })).rejects.toThrow(InvalidArgumentError);
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, 'not an image');
    await expect(imageDataUri(junk)).rejects.toThrow(/image file/);
  });

  it('folds long summary values into <details> and keeps short ones inline', async () => {
    const out = join(dir, 'report-long');
    const scores = Object.fromEntries(['Hazy', 'Dehaze', 'DFS'].map((k) => [k, { psnr: 13.930937155533524, ssim: 0.32828190680706565, meanIoU: 0.1420468549058634 }]));
    const paths = await writeReport(out, { title: 'long', summary: { seed: 3, scores } });
    const html = readFileSync(paths.html, 'utf8');
    expect(html).toContain('<th>seed</th><td>3</td>');
    expect(html).toMatch(/<th>scores<\/th><td><details><summary>[^<]*…<\/summary><code>[^<]*13\.9309[^<]*<\/code><\/details>/);
    expect(html).not.toContain('13.930937155533524'); // rounded to 6 significant digits
  });
});
